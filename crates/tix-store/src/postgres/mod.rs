//! The PostgreSQL backend, for several `tix serve` replicas sharing one
//! database. PostgreSQL is the shared, durable engine: no home-made
//! clustering. Concurrency is correct under READ COMMITTED:
//!
//! - a write locks the ticket rows it reads-then-writes (`FOR NO KEY UPDATE`,
//!   `FOR SHARE` for blockers) in id order, then the workflow row (the
//!   `graph_version` bump), so writes that touch the same tickets serialise
//!   and cannot deadlock on each other's order;
//! - claims pick candidates with `FOR NO KEY UPDATE SKIP LOCKED`, so two
//!   agents never get one ticket and never wait on each other, and wait for
//!   a holder only when every ready ticket is held;
//! - adding an edge takes a per-workflow advisory transaction lock before
//!   the cycle check, so two concurrent inserts cannot close a cycle
//!   together (each would check a graph without the other's edge);
//! - moves into a column with a WIP limit take a per-column advisory lock
//!   before counting, so two moves cannot both take the last slot;
//! - events are inserted last with no position; they are placed in the log
//!   after they commit (`tix_place_events`), so readers see them in one
//!   order without writers holding a lock, and each replica announces its
//!   committed events with `pg_notify('tix_events.<schema>', '')` after the
//!   commit (`announce_events`), so no write holds PostgreSQL's one
//!   notification lock.
//!
//! The operations (`ops/`) decide; these locks are taken by the statements
//! they call (`tickets.rs`, `moves.rs`, `log.rs`, `tasks.rs`), named
//! `lock_*` in `statements.rs`.

mod interop;
mod log;
mod moves;
mod rows;
mod runs;
mod search;
mod stats;
mod tasks;
mod tickets;
mod webhooks;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection as _, PgConnection};

use crate::backend::{Backend, Consistency, ReadOp, WriteOp, WriteOutcome};
use crate::ops::{Shared, WriteCtx};
use crate::store::StoreOn;
use crate::{Error, PgStore, Result};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_init.sql")),
    (2, include_str!("../../migrations/postgres/0002_agent_interface.sql")),
    (3, include_str!("../../migrations/postgres/0003_search.sql")),
    (4, include_str!("../../migrations/postgres/0004_bulk_search_index.sql")),
    (5, include_str!("../../migrations/postgres/0005_coordination.sql")),
    (6, include_str!("../../migrations/postgres/0006_interop.sql")),
    (7, include_str!("../../migrations/postgres/0007_scale.sql")),
    // 8 is SQLite's alone (its search triggers).
    (9, include_str!("../../migrations/postgres/0009_one_ready_index.sql")),
    (
        10,
        include_str!("../../migrations/postgres/0010_checked_references.sql"),
    ),
    // 11 and 12 are SQLite's alone (keys by creation order).
    (
        13,
        include_str!("../../migrations/postgres/0013_index_driven_functions.sql"),
    ),
];
/// Advisory lock key taken while migrating, so replicas starting together don't race.
const MIGRATION_LOCK: i64 = 0x7469_785f_6d69_6772; // "tix_migr"
/// Errors worth retrying the whole transaction for: serialization failure, deadlock.
const TRANSIENT: &str = "transient database conflict: ";
/// Attempts of a write that keeps losing deadlock or serialisation races.
const ATTEMPTS: u32 = 4;

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        let transient = err
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == "40001" || code == "40P01");
        if transient {
            Error::Storage(format!("{TRANSIENT}{err}"))
        } else {
            Error::Storage(err.to_string())
        }
    }
}

fn is_transient(err: &Error) -> bool {
    matches!(err, Error::Storage(message) if message.starts_with(TRANSIENT))
}

/// Connection settings of a [`PgStore`].
#[derive(Clone)]
pub struct PgOptions {
    pub max_connections: u32,
    /// Schema to use instead of the user's default (`search_path`).
    pub schema: Option<String>,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            max_connections: 16,
            schema: None,
        }
    }
}

/// The PostgreSQL backend of [`crate::PgStore`].
#[derive(Clone)]
pub struct Postgres {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    shared: Arc<Shared>,
    /// Asks `announce_events` to tell every replica about new events.
    announce: Arc<tokio::sync::Notify>,
    /// Drops a throwaway test schema when the last clone goes.
    _schema_guard: Option<SchemaGuard>,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the connection URL: it may hold a password.
        f.debug_struct("Postgres").finish_non_exhaustive()
    }
}

/// One connection: inside a write transaction or a read snapshot, or a
/// plain pooled connection for single-statement reads.
pub struct PgConn {
    handle: Handle,
}

enum Handle {
    Tx(sqlx::Transaction<'static, sqlx::Postgres>),
    Plain(PoolConnection<sqlx::Postgres>),
}

impl PgConn {
    fn c(&mut self) -> &mut PgConnection {
        match &mut self.handle {
            Handle::Tx(tx) => tx,
            Handle::Plain(conn) => conn,
        }
    }

    fn is_plain(&self) -> bool {
        matches!(self.handle, Handle::Plain(_))
    }

    async fn commit(self) -> Result<()> {
        match self.handle {
            Handle::Tx(tx) => Ok(tx.commit().await?),
            Handle::Plain(_) => Ok(()),
        }
    }

    /// Rolls back now: a dropped transaction only queues its ROLLBACK, so
    /// its row locks could outlive the refusal and make the next writer's
    /// `SKIP LOCKED` pass the row over.
    async fn rollback(self) {
        if let Handle::Tx(tx) = self.handle {
            // A connection that cannot roll back is closed by the pool.
            let _ = tx.rollback().await;
        }
    }
}

fn connect_options(url: &str, schema: Option<&str>) -> Result<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|_| Error::Storage("the PostgreSQL URL is not valid (expected postgres://user@host/db)".into()))?;
    Ok(match schema {
        Some(schema) => options.options([("search_path", schema)]),
        None => options,
    })
}

async fn migrate(pool: &PgPool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await?;
    let result = apply_migrations(&mut conn).await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await?;
    result
}

async fn apply_migrations(conn: &mut PgConnection) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?;
    let current = applied.iter().copied().max().unwrap_or(0);
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current > latest {
        return Err(Error::Storage(format!(
            "the database is at schema version {current}, newer than this tix ({latest}); upgrade tix"
        )));
    }
    // Every migration not applied yet, in order (as on SQLite): migrations
    // developed side by side may land in either order.
    for (version, sql) in MIGRATIONS {
        if !applied.contains(version) {
            let mut tx = conn.begin().await?;
            sqlx::raw_sql(*sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())")
                .bind(version)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

impl PgStore {
    /// Connects, and migrates under an advisory lock.
    pub async fn connect(url: &str, options: PgOptions) -> Result<Self> {
        Self::connect_inner(url, options, None).await
    }

    async fn connect_inner(url: &str, options: PgOptions, guard: Option<SchemaGuard>) -> Result<Self> {
        let connect = connect_options(url, options.schema.as_deref())?;
        // One direct connection first, so an unreachable server fails fast
        // with a clear message instead of the pool retrying until timeout.
        let probe = PgConnection::connect_with(&connect)
            .await
            .map_err(|e| Error::Storage(format!("cannot connect to PostgreSQL: {}", redact_error(&e))))?;
        probe.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect_lazy_with(connect);
        migrate(&pool).await?;
        let announce = Arc::new(tokio::sync::Notify::new());
        let inner = Arc::new(Inner {
            pool,
            shared: Shared::new(),
            announce: announce.clone(),
            _schema_guard: guard,
        });
        tokio::spawn(listen_for_events(Arc::downgrade(&inner)));
        tokio::spawn(announce_events(Arc::downgrade(&inner), announce));
        Ok(StoreOn::new(Postgres { inner }))
    }

    /// A store in a fresh schema of its own, dropped with the store: for
    /// tests that share one database.
    #[cfg(any(test, feature = "conformance"))]
    pub async fn connect_test_schema(url: &str) -> Result<Self> {
        let schema = TestSchema::create_schema(url).await?;
        let guard = SchemaGuard {
            url: url.to_string(),
            schema: schema.clone(),
        };
        let options = PgOptions {
            max_connections: 8,
            schema: Some(schema),
        };
        Self::connect_inner(url, options, Some(guard)).await
    }

    /// The pool, for the search and statistics SQL (PostgreSQL's own) and
    /// the SQLite copier.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.backend.inner.pool
    }

    /// Forgets every cached graph (after rows were written behind the
    /// store's back, as `tix migrate-store` does).
    pub(crate) fn forget_graphs(&self) {
        self.backend.inner.shared.graphs.clear();
    }
}

impl Backend for Postgres {
    type Conn = PgConn;
    const NAME: &'static str = "postgres";

    fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    fn pool_stats(&self) -> crate::PoolStats {
        crate::PoolStats {
            max: self.inner.pool.options().get_max_connections(),
            open: self.inner.pool.size(),
            idle: self.inner.pool.num_idle() as u32,
        }
    }

    /// Runs the write in a READ COMMITTED transaction; one that loses a
    /// deadlock or serialisation race is retried whole (up to 4 attempts).
    async fn write<T: Send + 'static>(&self, op: WriteOp<PgConn, T>) -> WriteOutcome<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let tx = match self.inner.pool.begin().await {
                Ok(tx) => tx,
                Err(err) => {
                    return WriteOutcome {
                        result: Err(err.into()),
                        refused: None,
                    }
                }
            };
            let mut conn = PgConn { handle: Handle::Tx(tx) };
            let mut ctx = WriteCtx::new(self.inner.shared.clone());
            let result = match op(&mut conn, &mut ctx).await {
                Ok(value) => conn.commit().await.map(|()| value),
                Err(err) => {
                    conn.rollback().await;
                    Err(err)
                }
            };
            let err = match result {
                Ok(value) => {
                    if ctx.wrote_events() {
                        self.inner.announce.notify_one();
                    }
                    ctx.committed();
                    return WriteOutcome {
                        result: Ok(value),
                        refused: None,
                    };
                }
                Err(err) => err,
            };
            let refused = ctx.rolled_back();
            if attempt < ATTEMPTS && is_transient(&err) {
                continue;
            }
            return WriteOutcome {
                result: Err(err),
                refused,
            };
        }
    }

    async fn read<T: Send + 'static>(&self, consistency: Consistency, op: ReadOp<PgConn, T>) -> Result<T> {
        let mut conn = match consistency {
            Consistency::Single => PgConn {
                handle: Handle::Plain(self.inner.pool.acquire().await?),
            },
            Consistency::Snapshot => {
                // One REPEATABLE READ snapshot, so the queries agree.
                let mut tx = self.inner.pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                PgConn { handle: Handle::Tx(tx) }
            }
        };
        op(&mut conn, &self.inner.shared.graphs).await
    }
}

/// Tells every replica (this one too) that this replica committed events:
/// `NOTIFY "tix_events.<schema>"`, sent after the writes commit, never
/// inside them. A NOTIFY in a transaction holds PostgreSQL's one
/// notification lock from its commit record until the commit is flushed
/// to disk, so with one in every write, every write of every replica
/// committed in single file. Writes that commit while a NOTIFY is on its
/// way share the next one, and the NOTIFY's own transaction does not wait
/// for the flush: it changes no data.
async fn announce_events(inner: std::sync::Weak<Inner>, wanted: Arc<tokio::sync::Notify>) {
    loop {
        // Wake up now and then to notice that the store was dropped.
        if tokio::time::timeout(Duration::from_secs(5), wanted.notified())
            .await
            .is_err()
        {
            if inner.strong_count() == 0 {
                return;
            }
            continue;
        }
        let Some(store) = inner.upgrade() else { return };
        let pool = store.pool.clone();
        drop(store);
        let sent = sqlx::query(
            "SELECT set_config('synchronous_commit', 'off', true), \
                    pg_notify('tix_events.' || current_schema(), '')",
        )
        .execute(&pool)
        .await;
        if let Err(err) = sent {
            // The other replicas still find the events within seconds
            // (`listen_for_events` places and wakes when it times out).
            tracing::warn!(%err, "announcing new events to the other replicas failed");
        }
    }
}

/// Follows `NOTIFY "tix_events.<schema>"` (sent by `announce_events` after
/// commits that wrote events) until the store is dropped, reconnecting
/// after errors, and wakes this store's event readers for each.
/// Notifications may be lost while disconnected, so readers are woken
/// after each (re)connect too; and a replica that stopped between its
/// commit and its NOTIFY sends none, so events found unplaced after 5 s
/// without one are placed and wake the readers as well.
async fn listen_for_events(inner: std::sync::Weak<Inner>) {
    loop {
        let Some(store) = inner.upgrade() else { return };
        let listener = sqlx::postgres::PgListener::connect_with(&store.pool).await;
        let schema: Result<String, sqlx::Error> = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(&store.pool)
            .await;
        drop(store);
        let mut listener = match (listener, schema) {
            (Ok(mut listener), Ok(schema)) => {
                if listener.listen(&format!("tix_events.{schema}")).await.is_err() {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                if let Some(store) = inner.upgrade() {
                    store.shared.wake();
                }
                listener
            }
            _ => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        loop {
            // Wake up now and then to notice that the store was dropped.
            match tokio::time::timeout(Duration::from_secs(5), listener.recv()).await {
                Ok(Ok(_notification)) => {
                    // Notifications that arrived meanwhile need no placing
                    // of their own: one placing covers every commit so far.
                    while listener.next_buffered().is_some() {}
                    let Some(store) = inner.upgrade() else { return };
                    // Place the new events now, so readers find them placed.
                    if let Err(err) = sqlx::query("SELECT tix_place_events()").execute(&store.pool).await {
                        tracing::warn!(%err, "placing new events in the log failed; readers will place them");
                    }
                    store.shared.wake();
                }
                Ok(Err(_)) => break,
                Err(_) => {
                    let Some(store) = inner.upgrade() else { return };
                    let placed: Result<i64, sqlx::Error> = sqlx::query_scalar("SELECT tix_place_events()")
                        .fetch_one(&store.pool)
                        .await;
                    if matches!(placed, Ok(n) if n > 0) {
                        store.shared.wake();
                    }
                }
            }
        }
    }
}

/// Drops a test schema when the store goes away.
struct SchemaGuard {
    url: String,
    schema: String,
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        let (url, schema) = (self.url.clone(), self.schema.clone());
        // Drop runs inside the test's runtime; use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(options) = connect_options(&url, None) {
                    if let Ok(mut conn) = PgConnection::connect_with(&options).await {
                        let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                    }
                }
            });
        })
        .join();
    }
}

fn redact_error(err: &sqlx::Error) -> String {
    // sqlx errors do not carry the URL, but be safe with configuration errors.
    let text = err.to_string();
    match text.find("://") {
        Some(_) => "invalid connection settings".to_string(),
        None => text,
    }
}

/// A throwaway schema for tests that run `tix serve` processes against one
/// database: its URL selects the schema; dropped when this value goes.
#[cfg(any(test, feature = "conformance"))]
pub struct TestSchema {
    /// The database URL with `search_path` set to the schema.
    pub url: String,
    _guard: SchemaGuard,
}

#[cfg(any(test, feature = "conformance"))]
impl TestSchema {
    /// Creates a schema with a random name; answers the name.
    async fn create_schema(url: &str) -> Result<String> {
        let mut entropy = [0u8; 8];
        getrandom::fill(&mut entropy).map_err(|e| Error::Storage(e.to_string()))?;
        let schema = format!("tix_test_{}", tix_core::ids::random_suffix(&entropy));
        let mut conn = PgConnection::connect_with(&connect_options(url, None)?).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await?;
        Ok(schema)
    }

    pub async fn create(url: &str) -> Result<TestSchema> {
        let schema = Self::create_schema(url).await?;
        let separator = if url.contains('?') { '&' } else { '?' };
        Ok(TestSchema {
            url: format!("{url}{separator}options=-c%20search_path%3D{schema}"),
            _guard: SchemaGuard {
                url: url.to_string(),
                schema,
            },
        })
    }
}
