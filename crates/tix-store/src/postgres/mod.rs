//! The PostgreSQL backend, for several `tix serve` replicas sharing one
//! database. PostgreSQL is the shared, durable engine: no home-made
//! clustering. Concurrency is correct under READ COMMITTED:
//!
//! - a write locks the ticket rows it reads-then-writes (`FOR UPDATE`,
//!   `FOR SHARE` for blockers) in id order, then the workflow row (the
//!   `graph_version` bump), so writes that touch the same tickets serialise
//!   and cannot deadlock on each other's order;
//! - claims pick candidates with `FOR UPDATE SKIP LOCKED`, so two agents
//!   never get one ticket and never wait on each other;
//! - adding an edge takes a per-workflow advisory transaction lock before
//!   the cycle check, so two concurrent inserts cannot close a cycle
//!   together (each would check a graph without the other's edge);
//! - moves into a column with a WIP limit take a per-column advisory lock
//!   before counting, so two moves cannot both take the last slot;
//! - events are inserted last, under a global advisory transaction lock
//!   held until commit, so event ids become visible in increasing order and
//!   `pg_notify('tix_events.<schema>', id)` wakes other replicas after commit.

pub mod copy;
pub(crate) mod ops;
mod search;
mod stats;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection as _, PgConnection};
use tix_core::error::TicketRef;
use tix_core::ticket::{
    Comment, Event, NewTicket, ReadyTicket, StatusChange, Ticket, TicketDetail, TicketFilter, TicketGraph, TicketPage,
    TicketPatch,
};
use tix_core::workflow::{NewWorkflow, Workflow};

use self::ops::WriteCtx;
use crate::graph_cache::GraphCache;
use crate::{ClaimRequest, Error, Result, Store};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_init.sql")),
    (2, include_str!("../../migrations/postgres/0002_agent_interface.sql")),
    (3, include_str!("../../migrations/postgres/0003_search.sql")),
    (4, include_str!("../../migrations/postgres/0004_bulk_search_index.sql")),
];
/// Advisory lock key taken while migrating, so replicas starting together don't race.
const MIGRATION_LOCK: i64 = 0x7469_785f_6d69_6772; // "tix_migr"
/// Errors worth retrying the whole transaction for: serialization failure, deadlock.
const TRANSIENT: &str = "transient database conflict: ";
pub(crate) const ATTEMPTS: u32 = 4;

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

pub(crate) fn is_transient(err: &Error) -> bool {
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

#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    graphs: GraphCache,
    /// Id of the newest event committed by any replica (LISTEN/NOTIFY).
    last_event: tokio::sync::watch::Sender<i64>,
    /// Drops a throwaway test schema when the last clone goes.
    _schema_guard: Option<SchemaGuard>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the connection URL: it may hold a password.
        f.debug_struct("PgStore").finish_non_exhaustive()
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
    let current: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .fetch_one(&mut *conn)
        .await?;
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current > latest {
        return Err(Error::Storage(format!(
            "the database is at schema version {current}, newer than this tix ({latest}); upgrade tix"
        )));
    }
    for (version, sql) in MIGRATIONS {
        if *version > current {
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
        let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
            .fetch_one(&pool)
            .await?;
        let (last_event, _) = tokio::sync::watch::channel(head);
        let inner = Arc::new(Inner {
            pool,
            graphs: GraphCache::default(),
            last_event,
            _schema_guard: guard,
        });
        tokio::spawn(listen_for_events(Arc::downgrade(&inner)));
        Ok(PgStore { inner })
    }

    /// A store in a fresh schema of its own, dropped with the store: for
    /// tests that share one database.
    #[cfg(any(test, feature = "conformance"))]
    pub async fn connect_test_schema(url: &str) -> Result<Self> {
        let mut entropy = [0u8; 8];
        getrandom::fill(&mut entropy).map_err(|e| Error::Storage(e.to_string()))?;
        let schema = format!("tix_test_{}", tix_core::ids::random_suffix(&entropy));
        let mut conn = PgConnection::connect_with(&connect_options(url, None)?).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await?;
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

    /// Watches the id of the newest event committed through any replica on
    /// this database: this one's writes at once, the others' through
    /// `LISTEN "tix_events.<schema>"`. Read the events with [`Store::events_after`].
    pub fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64> {
        self.inner.last_event.subscribe()
    }

    async fn record_refusal(&self, violation: &crate::guardian::PendingViolation) -> Result<()> {
        let mut tx = self.inner.pool.begin().await?;
        agent::insert_violation(&mut tx, violation).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Commits (flushing events under the event lock) or rolls back, and
    /// keeps the graph cache in step.
    async fn finish<T>(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
        ctx: WriteCtx,
        result: Result<T>,
    ) -> Result<T> {
        match result {
            Ok(value) => {
                let last_event = match ops::flush_events(&mut tx, &ctx).await {
                    Ok(last) => last,
                    Err(err) => {
                        ctx.after_rollback(&self.inner.graphs);
                        return Err(err);
                    }
                };
                match tx.commit().await {
                    Ok(()) => {
                        ctx.after_commit(&self.inner.graphs);
                        if let Some(id) = last_event {
                            advance(&self.inner.last_event, id);
                        }
                        Ok(value)
                    }
                    Err(err) => {
                        ctx.after_rollback(&self.inner.graphs);
                        Err(err.into())
                    }
                }
            }
            Err(err) => {
                drop(tx);
                let mut ctx = ctx;
                let refused = ctx.take_refused();
                ctx.after_rollback(&self.inner.graphs);
                if let Some(violation) = refused {
                    // The refused write changed nothing; the refusal is logged on its own.
                    if let Err(log_err) = self.record_refusal(&violation).await {
                        tracing::warn!(%log_err, "could not record a Guardian refusal");
                    }
                }
                Err(err)
            }
        }
    }
}

fn advance(sender: &tokio::sync::watch::Sender<i64>, id: i64) {
    sender.send_if_modified(|head| {
        let newer = id > *head;
        if newer {
            *head = id;
        }
        newer
    });
}

/// Follows `NOTIFY "tix_events.<schema>"` (payload: the newest event id of a commit)
/// until the store is dropped, reconnecting after errors. Notifications may
/// be lost while disconnected, so after each (re)connect the head is re-read.
async fn listen_for_events(inner: std::sync::Weak<Inner>) {
    loop {
        let Some(store) = inner.upgrade() else { return };
        let listener = sqlx::postgres::PgListener::connect_with(&store.pool).await;
        let head: Result<(i64, String), sqlx::Error> =
            sqlx::query_as("SELECT COALESCE(MAX(id), 0), current_schema()::text FROM events")
                .fetch_one(&store.pool)
                .await;
        drop(store);
        let mut listener = match (listener, head) {
            (Ok(mut listener), Ok((head, schema))) => {
                if listener.listen(&format!("tix_events.{schema}")).await.is_err() {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                if let Some(store) = inner.upgrade() {
                    advance(&store.last_event, head);
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
                Ok(Ok(notification)) => {
                    let Some(store) = inner.upgrade() else { return };
                    if let Ok(id) = notification.payload().parse::<i64>() {
                        advance(&store.last_event, id);
                    }
                }
                Ok(Err(_)) => break,
                Err(_) => {
                    if inner.strong_count() == 0 {
                        return;
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

/// Runs one write transaction, retrying transient conflicts.
macro_rules! write_tx {
    ($store:expr, |$tx:ident, $ctx:ident, $graphs:ident| $body:expr) => {{
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut transaction = $store.inner.pool.begin().await?;
            let mut context = $crate::postgres::ops::WriteCtx::default();
            let result = {
                let $tx: &mut PgConnection = &mut *transaction;
                let $ctx = &mut context;
                let $graphs = &$store.inner.graphs;
                let _ = $graphs;
                $body.await
            };
            match $store.finish(transaction, context, result).await {
                Err(err) if attempt < $crate::postgres::ATTEMPTS && $crate::postgres::is_transient(&err) => continue,
                other => break other,
            }
        }
    }};
}

impl Store for PgStore {
    async fn create_workflow(&self, actor: &str, new: NewWorkflow) -> Result<Workflow> {
        write_tx!(self, |tx, ctx, graphs| ops::create_workflow(
            tx,
            ctx,
            actor,
            new.clone()
        ))
    }

    async fn list_workflows(&self) -> Result<Vec<Workflow>> {
        ops::list_workflows(&mut *self.inner.pool.acquire().await?).await
    }

    async fn get_workflow(&self, id: &str) -> Result<Workflow> {
        ops::load_workflow(&mut *self.inner.pool.acquire().await?, id).await
    }

    async fn create_ticket(&self, actor: &str, new: NewTicket) -> Result<Ticket> {
        write_tx!(self, |tx, ctx, graphs| ops::create_ticket(
            tx,
            ctx,
            actor,
            new.clone(),
            Vec::new()
        ))
        .map(|created| created.ticket)
    }

    async fn import_tickets(&self, actor: &str, workflow_id: &str, tickets: Vec<NewTicket>) -> Result<Vec<String>> {
        write_tx!(self, |tx, ctx, graphs| ops::import_tickets(
            tx,
            ctx,
            actor,
            workflow_id,
            tickets.clone()
        ))
    }

    async fn resolve_ticket_id(&self, input: &str) -> Result<String> {
        ops::resolve_ticket_id(&mut *self.inner.pool.acquire().await?, input).await
    }

    async fn get_ticket(&self, id: &str) -> Result<TicketDetail> {
        let mut tx = self.inner.pool.begin().await?;
        ops::get_ticket_detail(&mut tx, id).await
    }

    async fn list_tickets(
        &self,
        filter: TicketFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<TicketPage> {
        ops::list_tickets(
            &mut *self.inner.pool.acquire().await?,
            &filter,
            limit,
            cursor.as_deref(),
        )
        .await
    }

    async fn update_ticket(
        &self,
        actor: &str,
        id: &str,
        patch: TicketPatch,
        expected_version: Option<u64>,
    ) -> Result<Ticket> {
        write_tx!(self, |tx, ctx, graphs| ops::update_ticket(
            tx,
            ctx,
            actor,
            id,
            patch.clone(),
            expected_version
        ))
    }

    async fn change_status(
        &self,
        actor: &str,
        id: &str,
        new_status: &str,
        comment: Option<String>,
        expected_version: Option<u64>,
    ) -> Result<StatusChange> {
        write_tx!(self, |tx, ctx, graphs| ops::change_status(
            tx,
            ctx,
            actor,
            id,
            ops::Target::Status(new_status),
            comment.clone(),
            expected_version
        ))
    }

    async fn resolve(&self, actor: &str, id: &str, comment: Option<String>) -> Result<StatusChange> {
        write_tx!(self, |tx, ctx, graphs| ops::change_status(
            tx,
            ctx,
            actor,
            id,
            ops::Target::Resolve,
            comment.clone(),
            None
        ))
    }

    async fn add_comment(&self, actor: &str, id: &str, text: &str) -> Result<Comment> {
        write_tx!(self, |tx, ctx, graphs| ops::add_comment(tx, ctx, actor, id, text))
    }

    async fn add_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        write_tx!(self, |tx, ctx, graphs| ops::add_blocker(
            tx, ctx, graphs, actor, blocked, blocker
        ))
    }

    async fn remove_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        write_tx!(self, |tx, ctx, graphs| ops::remove_blocker(
            tx, ctx, actor, blocked, blocker
        ))
    }

    async fn ticket_graph(&self, id: &str, depth: Option<u32>) -> Result<TicketGraph> {
        let mut tx = self.inner.pool.begin().await?;
        ops::ticket_graph(&mut tx, &self.inner.graphs, id, depth).await
    }

    async fn workflow_graph(&self, workflow_id: &str, include_resolved: bool) -> Result<TicketGraph> {
        let mut tx = self.inner.pool.begin().await?;
        ops::workflow_graph(&mut tx, &self.inner.graphs, workflow_id, include_resolved).await
    }

    async fn ready(&self, workflow_id: &str, agent: Option<&str>, limit: u32) -> Result<Vec<ReadyTicket>> {
        if ops::has_expired_leases(&mut *self.inner.pool.acquire().await?).await? {
            self.expire_leases().await?;
        }
        let mut tx = self.inner.pool.begin().await?;
        ops::ready(&mut tx, &self.inner.graphs, workflow_id, agent, limit).await
    }

    async fn claim(&self, request: ClaimRequest) -> Result<Ticket> {
        self.expire_leases().await?;
        write_tx!(self, |tx, ctx, graphs| ops::claim(tx, ctx, graphs, &request))
    }

    async fn expire_leases(&self) -> Result<Vec<String>> {
        write_tx!(self, |tx, ctx, graphs| ops::expire_leases(tx, ctx))
    }

    async fn events_after(&self, workflow_id: Option<&str>, after: i64, limit: u32) -> Result<Vec<Event>> {
        ops::events_after(&mut *self.inner.pool.acquire().await?, workflow_id, after, limit).await
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
    pub async fn create(url: &str) -> Result<TestSchema> {
        let mut entropy = [0u8; 8];
        getrandom::fill(&mut entropy).map_err(|e| Error::Storage(e.to_string()))?;
        let schema = format!("tix_test_{}", tix_core::ids::random_suffix(&entropy));
        let mut conn = PgConnection::connect_with(&connect_options(url, None)?).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await?;
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

// After `write_tx!`, which it uses.
mod agent;
