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
