//! SearchStore on both backends (SQLite's FTS5, PostgreSQL's tsvector when
//! `TIX_TEST_POSTGRES_URL` is set): the keyword index kept in step by
//! triggers, safe query tokenisation, filters before the limit, the
//! embedding queue.

use tix_core::ticket::{NewTicket, Priority, TicketPatch};
use tix_store::conformance::{create_seed_workflow, new_ticket, ACTOR};
use tix_store::search::NewEmbedding;
use tix_store::{SearchFilter, SearchStore, SqliteStore, Store};

fn ticket(workflow_id: &str, title: &str, description: &str, tags: &[&str]) -> NewTicket {
    NewTicket {
        description: description.to_string(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..new_ticket(workflow_id, title)
    }
}

async fn ids<S: SearchStore>(
    store: &S,
    workflow_id: &str,
    query: &str,
    filter: &SearchFilter,
    limit: u32,
) -> Vec<String> {
    store
        .keyword_search(workflow_id, query, filter, limit)
        .await
        .unwrap_or_else(|e| panic!("search {query:?}: {e}"))
        .into_iter()
        .map(|h| h.ticket_id)
        .collect()
}

fn file_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("tix.db")).expect("open");
    (dir, store)
}

async fn title_matches_outrank_body_matches<S: Store + SearchStore>(store: S) {
    let wf = create_seed_workflow(&store, "search").await;
    let body = store
        .create_ticket(
            ACTOR,
            ticket(
                &wf.id,
                "Refactor settings page",
                "The login form is slow to render.",
                &[],
            ),
        )
        .await
        .expect("create");
    let title = store
        .create_ticket(ACTOR, ticket(&wf.id, "Login form validation", "Check the inputs.", &[]))
        .await
        .expect("create");
    let found = ids(&store, &wf.id, "login", &SearchFilter::default(), 10).await;
    assert_eq!(found, [title.id.clone(), body.id.clone()]);
    // Stemming: "crashes" finds "crash".
    let crash = store
        .create_ticket(ACTOR, ticket(&wf.id, "App crash on start", "", &["mobile"]))
        .await
        .expect("create");
    assert_eq!(
        ids(&store, &wf.id, "crashes", &SearchFilter::default(), 10).await,
        vec![crash.id.clone()]
    );
    // Tags are indexed.
    assert_eq!(
        ids(&store, &wf.id, "mobile", &SearchFilter::default(), 10).await,
        [crash.id]
    );
}

async fn punctuation_never_errors<S: Store + SearchStore>(store: S) {
    let wf = create_seed_workflow(&store, "search").await;
    let jwt = store
        .create_ticket(ACTOR, ticket(&wf.id, "Validate auth:jwt tokens", "", &[]))
        .await
        .expect("create");
    for query in [
        "ticket-abc",
        "auth:jwt",
        "\"unbalanced",
        "-jwt",
        "jwt*",
        "NEAR(auth jwt)",
        "a AND OR NOT b",
        "(((",
        "'; DROP TABLE tickets; --",
        "{title}:x ^y",
        "",
        "   ",
        "ü ñ 日本",
    ] {
        store
            .keyword_search(&wf.id, query, &SearchFilter::default(), 10)
            .await
            .unwrap_or_else(|e| panic!("query {query:?} failed: {e}"));
    }
    assert_eq!(
        ids(&store, &wf.id, "auth:jwt", &SearchFilter::default(), 10).await,
        [jwt.id]
    );
}

async fn the_index_follows_edits_and_comments<S: Store + SearchStore>(store: S) {
    let wf = create_seed_workflow(&store, "search").await;
    let t = store
        .create_ticket(ACTOR, ticket(&wf.id, "Cache warmup", "", &[]))
        .await
        .expect("create");
    assert!(ids(&store, &wf.id, "redis", &SearchFilter::default(), 10)
        .await
        .is_empty());
    store
        .update_ticket(
            ACTOR,
            &t.id,
            TicketPatch {
                description: Some("Use redis for the session cache".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("edit");
    assert_eq!(
        ids(&store, &wf.id, "redis", &SearchFilter::default(), 10).await,
        vec![t.id.clone()]
    );
    store
        .add_comment(ACTOR, &t.id, "Memcached was slower in the benchmark")
        .await
        .expect("comment");
    assert_eq!(
        ids(&store, &wf.id, "memcached", &SearchFilter::default(), 10).await,
        vec![t.id.clone()]
    );
    store
        .update_ticket(
            ACTOR,
            &t.id,
            TicketPatch {
                title: Some("Warm the cache at boot".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("edit");
    assert!(ids(&store, &wf.id, "warmup", &SearchFilter::default(), 10)
        .await
        .is_empty());
    // The comment survives a title edit.
    assert_eq!(
        ids(&store, &wf.id, "memcached", &SearchFilter::default(), 10).await,
        [t.id]
    );
}

async fn filters_apply_before_the_limit<S: Store + SearchStore>(store: S) {
    let wf = create_seed_workflow(&store, "search").await;
    let other = create_seed_workflow(&store, "other").await;
    // Ten strong matches that the filter excludes, then one weak match it keeps.
    for i in 0..10 {
        store
            .create_ticket(
                ACTOR,
                ticket(&wf.id, &format!("Payment retry {i}"), "payment payment", &["billing"]),
            )
            .await
            .expect("create");
    }
    let high = store
        .create_ticket(
            ACTOR,
            NewTicket {
                priority: Some(Priority::High),
                ..ticket(&wf.id, "Audit log", "mentions a payment once", &["security", "billing"])
            },
        )
        .await
        .expect("create");
    store
        .create_ticket(ACTOR, ticket(&other.id, "Payment retry elsewhere", "", &[]))
        .await
        .expect("create");
    let filter = SearchFilter {
        priority: Some(Priority::High),
        ..Default::default()
    };
    assert_eq!(ids(&store, &wf.id, "payment", &filter, 1).await, vec![high.id.clone()]);
    let filter = SearchFilter {
        tags: vec!["security".into(), "billing".into()],
        ..Default::default()
    };
    assert_eq!(ids(&store, &wf.id, "payment", &filter, 1).await, vec![high.id.clone()]);
    assert_eq!(store.filtered_seqs(&wf.id, &filter).await.expect("seqs").len(), 1);
    let unfiltered = ids(&store, &wf.id, "payment", &SearchFilter::default(), 50).await;
    assert_eq!(unfiltered.len(), 11, "other workflows are not searched");
    // An unknown status in a filter names the board's columns.
    let bad = SearchFilter {
        status: Some("nowhere".into()),
        ..Default::default()
    };
    let err = store
        .keyword_search(&wf.id, "payment", &bad, 5)
        .await
        .expect_err("unknown status refused");
    assert!(err.to_string().contains("backlog"), "{err}");
}

async fn writes_queue_embeddings_and_saving_dequeues_them<S: Store + SearchStore>(store: S) {
    let wf = create_seed_workflow(&store, "search").await;
    let t = store
        .create_ticket(ACTOR, ticket(&wf.id, "First", "", &[]))
        .await
        .expect("create");
    let head = store.embedding_queue_head().await.expect("head").expect("queued");
    let batch = store.embedding_batch("m1", 10).await.expect("batch");
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].ticket_id, t.id);
    assert_eq!(batch[0].stored_hash, None);
    // A priority change does not re-queue; a title change does.
    store
        .save_embeddings(
            "m1",
            vec![NewEmbedding {
                ticket_id: t.id.clone(),
                content_hash: "h1".into(),
                vector: vec![1.0, 0.0],
            }],
            vec![(t.id.clone(), head)],
        )
        .await
        .expect("save");
    assert_eq!(store.embedding_queue_len().await.expect("len"), 0);
    store
        .update_ticket(
            ACTOR,
            &t.id,
            TicketPatch {
                priority: Some(Priority::Low),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("edit");
    assert_eq!(store.embedding_queue_len().await.expect("len"), 0);
    store
        .update_ticket(
            ACTOR,
            &t.id,
            TicketPatch {
                title: Some("Second".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("edit");
    let batch = store.embedding_batch("m1", 10).await.expect("batch");
    assert_eq!(batch[0].stored_hash.as_deref(), Some("h1"));
    assert!(batch[0].queue_seq > head, "seqs only grow");
    let loaded = store.load_embeddings("m1").await.expect("load");
    assert_eq!(loaded[0].vector, vec![1.0, 0.0]);
    assert!(store.load_embeddings("m2").await.expect("load").is_empty());
    // A new model queues what it has no vector for.
    store
        .save_embeddings("m1", vec![], vec![(t.id.clone(), batch[0].queue_seq)])
        .await
        .expect("save");
    assert_eq!(store.queue_for_embedding("m1", false).await.expect("queue"), 0);
    assert_eq!(store.queue_for_embedding("m2", false).await.expect("queue"), 1);
    assert_eq!(store.drop_other_embeddings("m2").await.expect("drop"), 1);
}

/// An import indexes and queues its tickets like single creates do (on
/// SQLite it does so once per batch), and creates after it still do.
async fn imports_are_indexed_and_queued<S: Store + SearchStore>(store: S) {
    let wf = create_seed_workflow(&store, "search").await;
    let before = store
        .create_ticket(ACTOR, ticket(&wf.id, "Existing ticket", "", &[]))
        .await
        .expect("create");
    let imported = store
        .import_tickets(
            ACTOR,
            &wf.id,
            vec![
                ticket(&wf.id, "Render the invoice PDF", "", &["billing"]),
                ticket(&wf.id, "Email the invoice", "after the PDF renders", &[]),
            ],
        )
        .await
        .expect("import");
    assert_eq!(
        ids(&store, &wf.id, "invoice", &SearchFilter::default(), 10).await.len(),
        2
    );
    assert_eq!(
        ids(&store, &wf.id, "billing", &SearchFilter::default(), 10).await,
        [imported[0].clone()]
    );
    let after = store
        .create_ticket(ACTOR, ticket(&wf.id, "Invoice numbering", "", &[]))
        .await
        .expect("create");
    assert_eq!(
        ids(&store, &wf.id, "invoice", &SearchFilter::default(), 10).await.len(),
        3
    );
    let queued: Vec<String> = store
        .embedding_batch("m1", 10)
        .await
        .expect("batch")
        .into_iter()
        .map(|q| q.ticket_id)
        .collect();
    assert_eq!(
        queued,
        [before.id, imported[0].clone(), imported[1].clone(), after.id],
        "queued once each, in creation order"
    );
    // A refused import indexes nothing.
    let err = store
        .import_tickets(
            ACTOR,
            &wf.id,
            vec![
                ticket(&wf.id, "Refund the invoice", "", &[]),
                NewTicket {
                    id: Some(imported[0].clone()),
                    ..ticket(&wf.id, "Duplicate id", "", &[])
                },
            ],
        )
        .await;
    assert!(err.is_err(), "a duplicate id refuses the batch");
    assert!(ids(&store, &wf.id, "refund", &SearchFilter::default(), 10)
        .await
        .is_empty());
    assert_eq!(store.embedding_queue_len().await.expect("len"), 4);
}

macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (_dir, store) = super::file_store();
                    super::$case(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(url) = std::env::var("TIX_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
                        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
                        return;
                    };
                    let store = tix_store::PgStore::connect_test_schema(&url).await.expect("connect");
                    super::$case(store).await;
                }
            )*
        }
    };
}

on_both_backends!(
    title_matches_outrank_body_matches,
    punctuation_never_errors,
    the_index_follows_edits_and_comments,
    filters_apply_before_the_limit,
    writes_queue_embeddings_and_saving_dequeues_them,
    imports_are_indexed_and_queued,
);
