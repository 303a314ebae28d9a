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
    use tix_store::{PgOptions, PgStore, Store, TestSchema};
    let Some(url) = std::env::var("TIX_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping");
        return;
    };
    let schema = TestSchema::create(&url).await.expect("schema");
    let a = PgStore::connect(&schema.url, PgOptions::default())
        .await
        .expect("replica a");
    let b = PgStore::connect(&schema.url, PgOptions::default())
        .await
        .expect("replica b");
    let mut woken = a.subscribe_events();
    let before = *woken.borrow();
    // Give a's listener a moment to LISTEN before b writes.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let workflow = b
        .create_workflow("agent-b", tix_store::conformance::seed_workflow(None, "feed"))
        .await
        .expect("write");
    let head = tokio::time::timeout(std::time::Duration::from_secs(10), woken.wait_for(|id| *id > before))
        .await
        .expect("woken within 10 s")
        .map(|id| *id)
        .expect("feed open");
    let events = a.events_after(Some(&workflow.id), before, 10).await.expect("events");
    assert_eq!(events.last().map(|e| e.id), Some(head));
    assert_eq!(events[0].kind, "workflow_created");
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
