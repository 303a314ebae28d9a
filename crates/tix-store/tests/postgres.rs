//! The conformance suite against PostgreSQL, when `TIX_TEST_POSTGRES_URL`
//! names a database (`.ci/run` sets it). Each test runs in a schema of its
//! own, dropped when the test's store goes away.
#![cfg(feature = "postgres")]

async fn pg_store() -> Option<tix_store::PgStore> {
    let url = std::env::var("TIX_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())?;
    Some(
        tix_store::PgStore::connect_test_schema(&url)
            .await
            .expect("connect to TIX_TEST_POSTGRES_URL"),
    )
}

/// A throwaway schema and `n` stores on it (replicas sharing one
/// database); `None`, and the test skips, without `TIX_TEST_POSTGRES_URL`.
/// Bind the schema first so the stores are dropped before it.
async fn replicas(n: usize) -> Option<(tix_store::TestSchema, Vec<tix_store::PgStore>)> {
    use tix_store::{PgOptions, PgStore, TestSchema};
    let Some(url) = std::env::var("TIX_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return None;
    };
    let schema = TestSchema::create(&url).await.expect("schema");
    let mut stores = Vec::with_capacity(n);
    for _ in 0..n {
        stores.push(
            PgStore::connect(&schema.url, PgOptions::default())
                .await
                .expect("store"),
        );
    }
    Some((schema, stores))
}

tix_store::conformance_tests!(match pg_store().await {
    Some(store) => store,
    None => {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping the PostgreSQL conformance suite");
        return;
    }
});

/// A write through one store wakes another store's event subscribers on the
/// same database (LISTEN/NOTIFY), which then reads the event from the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_wakes_the_other_replica() {
    use tix_store::Store;
    let Some((_schema, stores)) = replicas(2).await else {
        return;
    };
    let (a, b) = (&stores[0], &stores[1]);
    let mut woken = a.subscribe_events();
    let before = *woken.borrow();
    let head = a.log_head().await.expect("head");
    // Give a's listener a moment to LISTEN before b writes.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let workflow = b
        .create_workflow("agent-b", tix_store::conformance::seed_workflow(None, "feed"))
        .await
        .expect("write");
    tokio::time::timeout(std::time::Duration::from_secs(10), woken.wait_for(|g| *g != before))
        .await
        .expect("woken within 10 s")
        .expect("feed open");
    let events = a.events_after(Some(&workflow.id), head, 10).await.expect("events");
    assert_eq!(events[0].kind, "workflow_created");
}

/// A replica that stops between its commit and its NOTIFY (writes announce
/// their events after they commit) sends none: the replicas still place
/// the event and wake their subscribers within seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_committed_without_a_notify_still_wakes_the_replicas() {
    use sqlx::Connection;
    use tix_store::Store;
    let Some((schema, stores)) = replicas(1).await else {
        return;
    };
    let store = &stores[0];
    let workflow = store
        .create_workflow("setup", tix_store::conformance::seed_workflow(None, "silent"))
        .await
        .expect("workflow");
    let head = store.log_head().await.expect("head");
    // The workflow's own announcement, placing and wake-up come and go first.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let mut woken = store.subscribe_events();
    woken.borrow_and_update();
    // What a replica's write leaves when it dies before announcing it.
    let mut silent = sqlx::PgConnection::connect(&schema.url).await.expect("connection");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO events (workflow_id, kind, ticket_id, agent_id, payload, created_at) \
         VALUES ($1, 'ticket_commented', NULL, 'silent', '{}', now()) RETURNING id",
    )
    .bind(&workflow.id)
    .fetch_one(&mut silent)
    .await
    .expect("an event committed without a NOTIFY");
    // Nothing reads the log here, so only the replica's own check places
    // the event; the subscriber is woken once it has.
    let placed = async {
        loop {
            woken.changed().await.expect("feed open");
            let position: Option<i64> = sqlx::query_scalar("SELECT position FROM events WHERE id = $1")
                .bind(id)
                .fetch_one(&mut silent)
                .await
                .expect("position");
            if position.is_some() {
                return;
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), placed)
        .await
        .expect("placed and woken within 20 s");
    let events = store.events_after(Some(&workflow.id), head, 10).await.expect("events");
    let agents: Vec<&str> = events.iter().map(|e| e.agent_id.as_str()).collect();
    assert_eq!(agents, ["silent"]);
}

/// A SQLite database's export imports into PostgreSQL and exports again as
/// the same file: the format does not depend on the backend.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_export_imports_into_postgres_unchanged() {
    use tix_store::conformance::interop::{export_text, rich_workflow};
    use tix_store::{ImportOptions, InteropStore, SqliteStore};
    let Some(pg) = pg_store().await else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let sqlite = SqliteStore::open_in_memory().expect("sqlite");
    let workflow = rich_workflow(&sqlite).await;
    let text = export_text(&sqlite, &workflow.id).await;
    let file = tix_core::interop::parse(&text).expect("parse");
    pg.import_file(
        "importer",
        file,
        ImportOptions {
            keep_ids: true,
            progress: None,
        },
    )
    .await
    .expect("import into PostgreSQL");
    assert_eq!(export_text(&pg, &workflow.id).await, text);
}

/// Event order without a lock held to commit: a transaction that took its
/// event id first but commits last is placed after what committed before
/// it, so a reader on either replica that already moved on still reads it,
/// and both replicas read one order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_committed_late_is_read_by_readers_that_moved_on_on_both_replicas() {
    use sqlx::Connection;
    use tix_store::Store;
    let Some((schema, stores)) = replicas(2).await else {
        return;
    };
    let (a, b) = (&stores[0], &stores[1]);
    let workflow = a
        .create_workflow("setup", tix_store::conformance::seed_workflow(None, "late"))
        .await
        .expect("workflow");
    let head = b.log_head().await.expect("head");

    // A slow writer takes the next event id and keeps its transaction open.
    let mut slow = sqlx::PgConnection::connect(&schema.url).await.expect("slow connection");
    let mut slow_tx = slow.begin().await.expect("begin");
    let slow_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT tix_append_events_v7(ARRAY[$1], ARRAY['ticket_commented'], ARRAY[NULL]::text[], ARRAY['slow'], \
         ARRAY['{}'::jsonb], ARRAY[now()])",
    )
    .bind(&workflow.id)
    .fetch_one(&mut *slow_tx)
    .await
    .expect("the slow writer's event");

    // A fast writer after it commits first, through the other replica, and
    // both replicas' readers move past its event.
    let fast = b
        .create_ticket("fast", tix_store::conformance::new_ticket(&workflow.id, "Fast"))
        .await
        .expect("fast write");
    let mut cursors = Vec::new();
    for (name, reader) in [("a", &a), ("b", &b)] {
        let read = reader.events_after(Some(&workflow.id), head, 100).await.expect("read");
        let kinds: Vec<&str> = read.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["ticket_created"],
            "replica {name} reads the committed write at once"
        );
        assert_eq!(read[0].ticket_id.as_deref(), Some(fast.id.as_str()));
        cursors.push(read[0].id);
    }
    assert_eq!(cursors[0], cursors[1], "one order for both replicas");
    assert_eq!(slow_ids.len(), 1);
    slow_tx.commit().await.expect("the slow writer commits last");

    for (name, reader) in [("a", &a), ("b", &b)] {
        let late = reader
            .events_after(Some(&workflow.id), cursors[0], 100)
            .await
            .expect("resume");
        let kinds: Vec<(&str, &str)> = late.iter().map(|e| (e.kind.as_str(), e.agent_id.as_str())).collect();
        assert_eq!(
            kinds,
            [("ticket_commented", "slow")],
            "replica {name} does not skip the late event"
        );
        assert!(late[0].id > cursors[0]);
        assert!(reader
            .events_after(None, late[0].id, 100)
            .await
            .expect("at the end")
            .is_empty());
        assert_eq!(reader.log_head().await.expect("head"), late[0].id);
    }
}

/// A claim passes over a ticket another transaction holds only while a
/// better one is free: a ticket that other rows merely name (their
/// foreign-key checks hold `KEY SHARE`) is claimed at once, and when every
/// ready ticket is held the claim waits for the holder, then takes the
/// ticket if it is still ready, or answers `nothing_ready` if the holder
/// took it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_waits_for_a_held_ticket_instead_of_answering_nothing_ready() {
    use sqlx::Connection;
    use std::time::Duration;
    use tix_core::DomainError;
    use tix_store::{ClaimRequest, Error, Store};
    let Some((schema, stores)) = replicas(1).await else {
        return;
    };
    let store = &stores[0];
    let mut other = sqlx::PgConnection::connect(&schema.url)
        .await
        .expect("other connection");
    let one_ticket = |name: &'static str| {
        let store = store.clone();
        async move {
            let workflow = store
                .create_workflow("setup", tix_store::conformance::seed_workflow(None, name))
                .await
                .expect("workflow");
            let ticket = store
                .create_ticket("setup", tix_store::conformance::new_ticket(&workflow.id, name))
                .await
                .expect("ticket");
            (workflow.id, ticket.id)
        }
    };
    let claim = |workflow_id: &str| {
        let store = store.clone();
        let request = ClaimRequest {
            workflow_id: workflow_id.to_string(),
            agent_id: "claimer".into(),
            ..ClaimRequest::default()
        };
        tokio::spawn(async move { tokio::time::timeout(Duration::from_secs(20), store.claim(request)).await })
    };

    // Named by another transaction's row (as an embedding being saved does).
    let (named_workflow, named) = one_ticket("named").await;
    let mut naming = other.begin().await.expect("begin");
    sqlx::query("SELECT 1 FROM tickets WHERE id = $1 FOR KEY SHARE")
        .bind(&named)
        .execute(&mut *naming)
        .await
        .expect("key share");
    let claimed = claim(&named_workflow).await.expect("task").expect("not kept waiting");
    assert_eq!(claimed.expect("claimed").ticket.id, named);
    naming.rollback().await.expect("rollback");

    // Held by an edit that leaves it ready: the claim waits, then takes it.
    let (edited_workflow, edited) = one_ticket("edited").await;
    let mut edit = other.begin().await.expect("begin");
    sqlx::query("UPDATE tickets SET title = 'Edited meanwhile' WHERE id = $1")
        .bind(&edited)
        .execute(&mut *edit)
        .await
        .expect("edit");
    let waiting = claim(&edited_workflow);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "the claim waits for the edit");
    edit.commit().await.expect("commit the edit");
    let claimed = waiting.await.expect("task").expect("done").expect("claimed");
    assert_eq!(claimed.ticket.id, edited);
    assert_eq!(claimed.ticket.title, "Edited meanwhile");

    // Held by another claimer that takes it: nothing is ready after all.
    let (taken_workflow, taken) = one_ticket("taken").await;
    let mut take = other.begin().await.expect("begin");
    sqlx::query("UPDATE tickets SET assigned_agent_id = 'rival' WHERE id = $1")
        .bind(&taken)
        .execute(&mut *take)
        .await
        .expect("take");
    let waiting = claim(&taken_workflow);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "the claim waits for the rival");
    take.commit().await.expect("commit the rival's claim");
    match waiting.await.expect("task").expect("done") {
        Err(Error::Domain(DomainError::NothingReady { workflow_id })) => assert_eq!(workflow_id, taken_workflow),
        other => panic!("expected nothing_ready, got {other:?}"),
    }
}

/// A write queuing a delivery (its foreign key holds `KEY SHARE` on the
/// webhook until it commits) does not hide the webhook from the sender.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_with_a_delivery_being_queued_is_still_leased() {
    use sqlx::Connection;
    use std::time::Duration;
    use tix_core::webhook::NewWebhook;
    use tix_store::{Store, WebhookStore};
    let Some((schema, stores)) = replicas(1).await else {
        return;
    };
    let store = &stores[0];
    let workflow = store
        .create_workflow("setup", tix_store::conformance::seed_workflow(None, "hooks"))
        .await
        .expect("workflow");
    let hook = store
        .create_webhook(
            "setup",
            NewWebhook {
                url: "http://127.0.0.1:9/hook".into(),
                events: vec!["*".into()],
                ..NewWebhook::default()
            },
        )
        .await
        .expect("webhook")
        .webhook;
    store
        .create_ticket("setup", tix_store::conformance::new_ticket(&workflow.id, "Due"))
        .await
        .expect("a write with a delivery");
    let mut other = sqlx::PgConnection::connect(&schema.url)
        .await
        .expect("other connection");
    let mut queuing = other.begin().await.expect("begin");
    sqlx::query("SELECT 1 FROM webhooks WHERE id = $1 FOR KEY SHARE")
        .bind(&hook.id)
        .execute(&mut *queuing)
        .await
        .expect("key share");
    let leased = store
        .lease_due_webhooks("sender", Duration::from_secs(15), 16)
        .await
        .expect("lease");
    assert_eq!(
        leased.iter().map(|l| l.webhook_id.as_str()).collect::<Vec<_>>(),
        [hook.id.as_str()]
    );
    queuing.rollback().await.expect("rollback");
}
