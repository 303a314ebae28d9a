//! The writer thread's group commit and the graph cache, seen through the
//! store (a paused writer makes writes queue up into one group).

use std::sync::atomic::Ordering;
use std::sync::mpsc;

use super::{Job, SqliteConn};
use crate::conformance::{all_tickets, create_seed_workflow, in_workflow, new_ticket};
use crate::{Error, Keyed, Scope, Scoped, SqliteStore, Store};
use tix_core::ticket::TicketCreated;

impl crate::SqliteStore {
    /// Holds the writer thread until the answer's sender sends or drops.
    fn pause_writer(&self) -> mpsc::Sender<()> {
        let (release, wait) = mpsc::channel::<()>();
        let paused = self.backend.submit(Job::Alone(Box::new(move |_: &mut SqliteConn| {
            let _ = wait.recv();
        })));
        assert!(paused.is_ok(), "the writer thread runs");
        release
    }

    fn submitted_jobs(&self) -> u64 {
        self.backend.inner.submitted.load(Ordering::Relaxed)
    }
}

/// Spawns `write` and waits until it is in the writer's queue, so
/// writes queue in the order they were spawned.
async fn queue<T: Send + 'static>(
    store: &SqliteStore,
    write: impl std::future::Future<Output = T> + Send + 'static,
) -> tokio::task::JoinHandle<T> {
    let before = store.submitted_jobs();
    let handle = tokio::spawn(write);
    while store.submitted_jobs() == before {
        tokio::task::yield_now().await;
    }
    handle
}

/// Writes queued together commit in one transaction; one refused after
/// it wrote (its idempotency key was taken by a neighbour in the same
/// group) makes the group run again with savepoints, and rolls back to
/// its savepoint alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_refused_inside_a_group_commit_changes_nothing_while_its_neighbours_commit() {
    let store = SqliteStore::open_in_memory().expect("store");
    let wf = create_seed_workflow(&store, "Group").await;
    let keyed = store.scoped(Scope {
        claim_token: None,
        idempotency: Some(Keyed::new("agent-a", "create-once", "fp", |c: &TicketCreated| {
            (201, serde_json::json!({ "id": c.ticket.id }))
        })),
    });
    let groups_before = store.group_commit_stats().groups.load(Ordering::Relaxed);
    let reruns_before = store.group_commit_stats().reruns.load(Ordering::Relaxed);
    let release = store.pause_writer();

    let mut neighbours = Vec::new();
    let mut keyed_writes = Vec::new();
    for i in 0..30 {
        if i == 10 || i == 20 {
            let (keyed, new) = (keyed.clone(), new_ticket(&wf.id, &format!("Keyed {i}")));
            keyed_writes.push(queue(&store, async move { keyed.create_ticket("agent-a", new).await }).await);
        }
        let (s, new) = (store.clone(), new_ticket(&wf.id, &format!("Neighbour {i}")));
        neighbours.push(queue(&store, async move { s.create_ticket("agent-b", new).await }).await);
    }
    drop(release);

    for write in neighbours {
        write.await.expect("join").expect("a neighbour commits");
    }
    let mut keyed_results = Vec::new();
    for write in keyed_writes {
        keyed_results.push(write.await.expect("join"));
    }
    assert!(keyed_results[0].is_ok(), "{:?}", keyed_results[0]);
    assert!(
        matches!(keyed_results[1], Err(Error::AlreadyAnswered)),
        "{:?}",
        keyed_results[1]
    );

    let stats = store.group_commit_stats();
    assert_eq!(
        stats.groups.load(Ordering::Relaxed),
        groups_before + 1,
        "one transaction"
    );
    assert_eq!(stats.largest.load(Ordering::Relaxed), 32, "all 32 writes in it");
    assert_eq!(
        stats.reruns.load(Ordering::Relaxed),
        reruns_before + 1,
        "run again once, with savepoints, after the refusal"
    );

    let mut titles: Vec<String> = all_tickets(&store, in_workflow(&wf.id))
        .await
        .into_iter()
        .map(|t| t.title)
        .collect();
    titles.sort();
    assert_eq!(titles.len(), 31, "30 neighbours and the first keyed write: {titles:?}");
    assert!(titles.contains(&"Keyed 10".to_string()));
    assert!(
        !titles.contains(&"Keyed 20".to_string()),
        "the refused write left no ticket"
    );
    let events = store.events_after(Some(&wf.id), 0, 1000).await.expect("events");
    let created = events
        .iter()
        .filter(|e| e.kind == tix_core::event::EventKind::TicketCreated.as_str())
        .count();
    assert_eq!(created, 31, "nor an event");
}

/// A refused first write of a group rolls the transaction back whole
/// (nothing ran before it to keep), and the writes queued behind it commit
/// in a group of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_first_write_of_a_group_leaves_its_followers_to_commit() {
    let store = SqliteStore::open_in_memory().expect("store");
    let wf = create_seed_workflow(&store, "First").await;
    let keyed = store.scoped(Scope {
        claim_token: None,
        idempotency: Some(Keyed::new("agent-a", "taken", "fp", |c: &TicketCreated| {
            (201, serde_json::json!({ "id": c.ticket.id }))
        })),
    });
    keyed
        .create_ticket("agent-a", new_ticket(&wf.id, "Kept"))
        .await
        .expect("the key's first write");
    let groups_before = store.group_commit_stats().groups.load(Ordering::Relaxed);
    let reruns_before = store.group_commit_stats().reruns.load(Ordering::Relaxed);
    let release = store.pause_writer();
    let (k, new) = (keyed.clone(), new_ticket(&wf.id, "Refused first"));
    let refused = queue(&store, async move { k.create_ticket("agent-a", new).await }).await;
    let mut followers = Vec::new();
    for i in 0..5 {
        let (s, new) = (store.clone(), new_ticket(&wf.id, &format!("Follower {i}")));
        followers.push(queue(&store, async move { s.create_ticket("agent-b", new).await }).await);
    }
    drop(release);
    assert!(matches!(refused.await.expect("join"), Err(Error::AlreadyAnswered)));
    for follower in followers {
        follower.await.expect("join").expect("a follower commits");
    }
    let titles: Vec<String> = all_tickets(&store, in_workflow(&wf.id))
        .await
        .into_iter()
        .map(|t| t.title)
        .collect();
    assert_eq!(titles.len(), 6, "{titles:?}");
    assert!(!titles.contains(&"Refused first".to_string()));
    let stats = store.group_commit_stats();
    assert_eq!(
        stats.groups.load(Ordering::Relaxed),
        groups_before + 1,
        "the followers commit together"
    );
    assert_eq!(
        stats.reruns.load(Ordering::Relaxed),
        reruns_before,
        "neither group ran twice"
    );
}

/// A group indexes its new tickets and comments for search once, at its
/// end: a ticket created and commented on in the same group is found by
/// either text, an older ticket by its new comment; the
/// ticket of a write refused inside the group is neither indexed nor queued
/// for embedding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_indexes_its_new_tickets_for_search_once() {
    use crate::{SearchFilter, SearchStore};
    let store = SqliteStore::open_in_memory().expect("store");
    let wf = create_seed_workflow(&store, "Search").await;
    let keyed = store.scoped(Scope {
        claim_token: None,
        idempotency: Some(Keyed::new("agent-a", "once", "fp", |c: &TicketCreated| {
            (201, serde_json::json!({ "id": c.ticket.id }))
        })),
    });
    let old = store
        .create_ticket("t", new_ticket(&wf.id, "Old ticket"))
        .await
        .expect("old")
        .id;
    let queued_before = store.embedding_queue_len().await.expect("queue");
    let release = store.pause_writer();
    let s = store.clone();
    let old_comment = queue(
        &store,
        async move { s.add_comment("t", &old, "tune the marimba").await },
    )
    .await;
    let (s, wf_id) = (store.clone(), wf.id.clone());
    let quartz = queue(&store, async move {
        let mut new = new_ticket(&wf_id, "Quartz keyboard driver");
        new.id = Some("ticket-quartz".into());
        s.import_tickets("t", &wf_id, vec![new]).await
    })
    .await;
    let s = store.clone();
    let comment = queue(&store, async move {
        s.add_comment("t", "ticket-quartz", "needs a xylophone test").await
    })
    .await;
    let (k, new) = (keyed.clone(), new_ticket(&wf.id, "Walrus importer"));
    let first = queue(&store, async move { k.create_ticket("agent-a", new).await }).await;
    let (k, new) = (keyed.clone(), new_ticket(&wf.id, "Phantom zebra"));
    let refused = queue(&store, async move { k.create_ticket("agent-a", new).await }).await;
    drop(release);
    old_comment.await.expect("join").expect("comment on the old ticket");
    quartz.await.expect("join").expect("import");
    comment.await.expect("join").expect("comment");
    first.await.expect("join").expect("first keyed create");
    assert!(matches!(refused.await.expect("join"), Err(Error::AlreadyAnswered)));

    let hits = |query: &'static str| {
        let (store, wf) = (store.clone(), wf.id.clone());
        async move {
            store
                .keyword_search(&wf, query, &SearchFilter::default(), 10)
                .await
                .expect("search")
                .len()
        }
    };
    assert_eq!(hits("quartz").await, 1, "the imported ticket is indexed");
    assert_eq!(hits("xylophone").await, 1, "with the comment made in the same group");
    assert_eq!(hits("walrus").await, 1);
    assert_eq!(hits("marimba").await, 1, "a comment on an older ticket in the group");
    assert_eq!(hits("ticket").await, 1, "the older ticket's own words stay");
    assert_eq!(hits("phantom").await, 0, "the refused write left nothing in the index");
    assert_eq!(store.embedding_queue_len().await.expect("queue"), queued_before + 2);
}

/// Indexing a group's comments reads the new comments by their key range,
/// never the whole comment index (which grows with every comment ever
/// written), with or without table statistics.
#[tokio::test]
async fn a_group_finds_the_tickets_it_commented_on_from_the_new_comments_alone() {
    let store = SqliteStore::open_in_memory().expect("store");
    let wf = create_seed_workflow(&store, "Plans").await;
    for i in 0..20 {
        let ticket = store
            .create_ticket("t", new_ticket(&wf.id, &format!("Ticket {i}")))
            .await
            .expect("ticket");
        store.add_comment("t", &ticket.id, "progress").await.expect("comment");
    }
    let plans = |analyze: bool| {
        store.write_sql(move |conn| {
            if analyze {
                conn.execute_batch("ANALYZE")?;
            }
            let mut explain = conn.prepare(&format!(
                "EXPLAIN QUERY PLAN {}",
                super::deferred_index::COMMENTED_SINCE
            ))?;
            let steps = explain
                .query_map(rusqlite::params![10, 5], |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(steps)
        })
    };
    for analyze in [false, true] {
        let steps = plans(analyze).await.expect("plan");
        assert!(
            steps
                .iter()
                .any(|s| s == "SEARCH ticket_comments USING INTEGER PRIMARY KEY (rowid>?)"),
            "{steps:?}"
        );
        assert!(
            !steps.iter().any(|s| s.starts_with("SCAN ticket_comments")),
            "{steps:?}"
        );
    }
}

/// Graph writes queued together (one refused as a cycle) leave the
/// cached graph, the ready queue and its ranks exactly as a fresh load
/// from the database sees them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_writes_in_one_group_keep_the_cache_exact() {
    let store = SqliteStore::open_in_memory().expect("store");
    let wf = create_seed_workflow(&store, "Chain").await;
    let mut ids = Vec::new();
    for title in ["A", "B", "C", "D"] {
        let mut new = new_ticket(&wf.id, title);
        if title == "B" || title == "C" {
            new.blocked_by_ticket_ids = vec![ids.last().cloned().expect("previous")];
        }
        ids.push(store.create_ticket("t", new).await.expect("create").id);
    }
    let (a, b, c, d) = (ids[0].clone(), ids[1].clone(), ids[2].clone(), ids[3].clone());
    store.ready(&wf.id, None, 10).await.expect("warm the cache");

    let release = store.pause_writer();
    let s = store.clone();
    let (a1, d1) = (a.clone(), d.clone());
    let resolve_a = queue(&store, async move { s.resolve("t", &a1, None).await.map(|_| ()) }).await;
    let s = store.clone();
    let (c1, d2) = (c.clone(), d1.clone());
    let d_after_c = queue(&store, async move { s.add_blocker("t", &d2, &c1).await.map(|_| ()) }).await;
    let s = store.clone();
    let (a2, c2) = (a.clone(), c.clone());
    let cycle = queue(&store, async move { s.add_blocker("t", &a2, &c2).await.map(|_| ()) }).await;
    let s = store.clone();
    let (b1, c3) = (b.clone(), c.clone());
    let unlink = queue(&store, async move { s.remove_blocker("t", &c3, &b1).await.map(|_| ()) }).await;
    let s = store.clone();
    let b2 = b.clone();
    let resolve_b = queue(&store, async move { s.resolve("t", &b2, None).await.map(|_| ()) }).await;
    drop(release);

    for (name, write) in [
        ("resolve A", resolve_a),
        ("D after C", d_after_c),
        ("unlink", unlink),
        ("resolve B", resolve_b),
    ] {
        write.await.expect("join").unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let refused = cycle.await.expect("join");
    assert!(refused.is_err(), "C blocks B, which A blocks: A after C is a cycle");

    let cached_ready = store.ready(&wf.id, None, 10).await.expect("ready");
    let cached_graph = store.workflow_graph(&wf.id, true).await.expect("graph");
    store.backend.inner.shared.graphs.clear();
    let loaded_graph = store.workflow_graph(&wf.id, true).await.expect("graph");
    assert_eq!(format!("{cached_graph:?}"), format!("{loaded_graph:?}"));
    let ready: Vec<(&str, u64)> = cached_ready
        .iter()
        .map(|r| (r.ticket.id.as_str(), r.unblocks_count))
        .collect();
    assert_eq!(ready, vec![(c.as_str(), 1)], "C is ready and unblocks D");
}

/// With room for two workflows' graphs, using a third evicts the least
/// recently used; its graph comes back from the database exactly.
#[tokio::test]
async fn the_graph_cache_evicts_and_reloads_a_workflow_exactly() {
    let store = SqliteStore::open_in_memory().expect("store");
    let mut workflows = Vec::new();
    let mut tails = Vec::new();
    for name in ["One", "Two", "Three"] {
        let wf = create_seed_workflow(&store, name).await;
        let mut previous: Option<String> = None;
        for i in 0..4 {
            let mut new = new_ticket(&wf.id, &format!("{name} {i}"));
            new.blocked_by_ticket_ids = previous.iter().cloned().collect();
            previous = Some(store.create_ticket("t", new).await.expect("create").id);
        }
        workflows.push(wf.id);
        tails.push(previous.expect("four tickets"));
    }
    store.limit_graph_cache(8);
    let mut before = Vec::new();
    for wf in &workflows {
        before.push(format!("{:?}", store.workflow_graph(wf, true).await.expect("graph")));
    }
    let stats = store.graph_cache_stats();
    assert!(stats.nodes <= 8 && stats.graphs == 2, "{stats:?}");
    assert!(stats.evictions >= 1, "{stats:?}");

    // "One" was used first, so it went; using it again reloads it.
    let loads = stats.loads;
    let again = format!("{:?}", store.workflow_graph(&workflows[0], true).await.expect("graph"));
    assert_eq!(again, before[0], "the reloaded graph is the one evicted");
    assert_eq!(store.graph_cache_stats().loads, loads + 1, "it came from the database");
    // A write through the reloaded graph keeps it exact.
    let mut new = new_ticket(&workflows[0], "One 4");
    new.blocked_by_ticket_ids = vec![tails[0].clone()];
    store.create_ticket("t", new).await.expect("create");
    let cached = format!("{:?}", store.workflow_graph(&workflows[0], true).await.expect("graph"));
    store.backend.inner.shared.graphs.clear();
    let loaded = format!("{:?}", store.workflow_graph(&workflows[0], true).await.expect("graph"));
    assert_eq!(cached, loaded);
}

/// A workflow from before the ranking column: its counts are computed
/// on the first ready, once.
#[tokio::test]
async fn ranks_of_an_older_workflow_are_computed_on_first_use() {
    let store = SqliteStore::open_in_memory().expect("store");
    let wf = create_seed_workflow(&store, "Old").await;
    let root = store
        .create_ticket("t", new_ticket(&wf.id, "Root"))
        .await
        .expect("root")
        .id;
    let mut child = new_ticket(&wf.id, "Child");
    child.blocked_by_ticket_ids = vec![root.clone()];
    store.create_ticket("t", child).await.expect("child");
    let id = wf.id.clone();
    store
        .write_sql(move |conn| {
            conn.execute("UPDATE tickets SET unblocks = 0", [])?;
            conn.execute("UPDATE workflows SET ranks_ready = 0 WHERE id = ?1", [&id])?;
            Ok(())
        })
        .await
        .expect("forget the ranks");
    let ready = store.ready(&wf.id, None, 10).await.expect("ready");
    assert_eq!(
        (ready[0].ticket.id.as_str(), ready[0].unblocks_count),
        (root.as_str(), 1)
    );
    let id = wf.id.clone();
    let flag: bool = store
        .read_sql(move |conn| {
            Ok(conn.query_row("SELECT ranks_ready FROM workflows WHERE id = ?1", [&id], |r| r.get(0))?)
        })
        .await
        .expect("flag");
    assert!(flag);
}

/// A database written before migrations 11 and 12 (history, comments and
/// the embedding queue keyed by ticket id) shows every ticket's history and
/// comments after them, in order; its comments stay searchable and
/// commentable, and its embedding queue keeps its entries and its counter.
#[tokio::test]
async fn history_comments_and_the_embedding_queue_written_before_the_seq_keyed_indexes_survive_the_migrations() {
    let dir = tempfile::tempdir().expect("dir");
    let current = dir.path().join("current.db");
    let (ticket, expected) = {
        let store = SqliteStore::open(&current).expect("store");
        let wf = create_seed_workflow(&store, "Before").await;
        let other = store
            .create_ticket("t", new_ticket(&wf.id, "Other"))
            .await
            .expect("other");
        let ticket = store
            .create_ticket("t", new_ticket(&wf.id, "Kept"))
            .await
            .expect("ticket");
        store.add_comment("a", &ticket.id, "first note").await.expect("comment");
        store.add_comment("a", &other.id, "elsewhere").await.expect("comment");
        store
            .change_status("a", &ticket.id, "building", Some("second note".into()), None)
            .await
            .expect("move");
        (ticket.id.clone(), store.get_ticket(&ticket.id).await.expect("detail"))
    };
    // The same rows in a database at schema 9, as an older tix left them.
    let old = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&old).expect("old");
        conn.execute_batch("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            .expect("log");
        for (version, sql) in super::MIGRATIONS.iter().filter(|(v, _)| *v <= 9) {
            conn.execute_batch(sql).expect("migration");
            conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, '2026-01-01T00:00:00Z')",
                [version],
            )
            .expect("record");
        }
        conn.execute("ATTACH DATABASE ?1 AS src", [current.to_string_lossy()])
            .expect("attach");
        conn.execute_batch(
            "INSERT INTO workflows SELECT * FROM src.workflows;
             INSERT INTO tickets SELECT * FROM src.tickets;
             INSERT INTO ticket_comments (id, ticket_id, author, body, created_at)
                 SELECT id, ticket_id, author, body, created_at FROM src.ticket_comments;
             INSERT INTO ticket_history (id, ticket_id, workflow_id, agent_id, action, from_status, to_status, comment, details, created_at)
                 SELECT id, ticket_id, workflow_id, agent_id, action, from_status, to_status, comment, details, created_at
                 FROM src.ticket_history;",
        )
        .expect("copy");
        // The embedding worker took the newest entry: the queue's counter
        // stands past its highest row.
        conn.execute(
            "DELETE FROM embedding_queue WHERE seq = (SELECT MAX(seq) FROM embedding_queue)",
            [],
        )
        .expect("dequeue");
    }
    let (queued, counter): (i64, i64) = rusqlite::Connection::open(&old)
        .expect("old")
        .query_row(
            "SELECT (SELECT COUNT(*) FROM embedding_queue), \
                    (SELECT seq FROM sqlite_sequence WHERE name = 'embedding_queue')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("queue");
    assert_eq!(queued, 1, "the older ticket waits for its embedding");
    let store = SqliteStore::open(&old).expect("migrated");
    use crate::{SearchFilter, SearchStore};
    assert_eq!(store.embedding_queue_len().await.expect("len"), 1);
    let wf = expected.ticket.workflow_id.clone();
    store.create_ticket("t", new_ticket(&wf, "After")).await.expect("after");
    let head = store.embedding_queue_head().await.expect("head").expect("queued");
    assert_eq!(head, counter + 1, "the watermark keeps counting");
    let migrated = store.get_ticket(&ticket).await.expect("detail");
    assert_eq!(migrated.comments, expected.comments);
    assert_eq!(migrated.history, expected.history);
    assert_eq!(migrated.comments.len(), 2, "{:?}", migrated.comments);
    assert!(migrated.history.len() >= 2, "{:?}", migrated.history);
    // A comment after the migration is found with the older ones, and by search.
    store.add_comment("a", &ticket, "third zebra").await.expect("comment");
    let detail = store.get_ticket(&ticket).await.expect("detail");
    let bodies: Vec<&str> = detail.comments.iter().map(|c| c.comment_text.as_str()).collect();
    assert_eq!(bodies, ["first note", "second note", "third zebra"]);
    let hits = store
        .keyword_search(&detail.ticket.workflow_id, "zebra", &SearchFilter::default(), 10)
        .await
        .expect("search");
    let found: Vec<&str> = hits.iter().map(|h| h.ticket_id.as_str()).collect();
    assert_eq!(found, [ticket.as_str()]);
}
