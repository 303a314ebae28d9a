//! The SQLite backend: one writer thread that owns the only writing
//! connection (so concurrent requests queue instead of failing with
//! `database is locked`), a small pool of read-only connections in WAL
//! mode, and a per-workflow cache of the blocking graph.

mod agents;
pub(crate) use agents::{hash as hash_agent_token, new_token as new_agent_token};
mod commits;
mod graph_cache;
pub(crate) mod guardian;
mod ops;
mod rows;
mod search;
mod stats;
mod tasks;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tix_core::error::TicketRef;
use tix_core::ticket::{
    Comment, Event, NewTicket, ReadyTicket, StatusChange, Ticket, TicketCreated, TicketDetail, TicketFilter,
    TicketGraph, TicketPage, TicketPatch,
};
use tix_core::workflow::{NewWorkflow, Workflow};

use self::graph_cache::{GraphCache, WriteCtx};
use tix_core::guardian::{Finding, Violation, ViolationFilter};
use tix_core::task::{NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};

use tix_core::commit::{CommitLinked, NewCommitLink};

use crate::{
    AgentStore, AgentToken, ClaimRequest, CommitStore, DatabaseUrl, Error, EventFeed, GuardianStore, Result, Store,
    TaskStore,
};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../../migrations/sqlite/0002_agent_interface.sql")),
    (3, include_str!("../../migrations/sqlite/0003_search.sql")),
    (4, include_str!("../../migrations/sqlite/0004_bulk_search_index.sql")),
];
const MAX_IDLE_READERS: usize = 8;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<mpsc::Sender<Job>>,
    /// None for an in-memory database: reads then go through the writer.
    path: Option<PathBuf>,
    readers: Mutex<Vec<Connection>>,
    graphs: Arc<GraphCache>,
    /// Id of the newest event committed through this store; bumped after
    /// every commit that wrote one (wakes `GET /api/events` streams).
    last_event: tokio::sync::watch::Sender<i64>,
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Error::Storage(err.to_string())
    }
}

fn configure(conn: &Connection, writer: bool) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if writer {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // In WAL mode NORMAL is durable against application crashes; only
        // power loss may lose the last commits.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    } else {
        conn.pragma_update(None, "query_only", "ON")?;
    }
    conn.pragma_update(None, "cache_size", "-32000")?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let applied: Vec<i64> = tx
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let current = applied.iter().copied().max().unwrap_or(0);
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current > latest {
        return Err(Error::Storage(format!(
            "the database is at schema version {current}, newer than this tix ({latest}); upgrade tix"
        )));
    }
    // Every migration not applied yet, in order: migrations developed side by
    // side may land in either order.
    for (version, sql) in MIGRATIONS {
        if !applied.contains(version) {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                rusqlite::params![version, rows::now_text()],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating and migrating) the database a URL names.
    pub fn open_url(url: &DatabaseUrl) -> Result<Self> {
        match url {
            DatabaseUrl::SqliteFile(path) => Self::open(path),
            DatabaseUrl::SqliteMemory => Self::open_in_memory(),
            DatabaseUrl::Postgres(_) => Err(Error::Storage(
                "this SqliteStore cannot open a PostgreSQL URL".to_string(),
            )),
        }
    }

    /// Opens (creating and migrating) a SQLite file.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::Storage(format!("cannot create {}: {e}", parent.display())))?;
        }
        let conn = Connection::open(path)
            .map_err(|e| Error::Storage(format!("cannot open SQLite database {}: {e}", path.display())))?;
        Self::start(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory database (for tests and throwaway runs).
    pub fn open_in_memory() -> Result<Self> {
        Self::start(Connection::open_in_memory()?, None)
    }

    fn start(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        configure(&conn, true)?;
        migrate(&mut conn)?;
        let (last_event, _) = tokio::sync::watch::channel(last_event_id(&conn)?);
        let (sender, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("tix-sqlite-writer".into())
            .spawn(move || {
                // Runs until every SqliteStore clone is dropped.
                while let Ok(job) = receiver.recv() {
                    job(&mut conn);
                }
            })
            .map_err(|e| Error::Storage(format!("cannot start the writer thread: {e}")))?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                writer: Mutex::new(sender),
                path,
                readers: Mutex::new(Vec::new()),
                graphs: Arc::new(GraphCache::default()),
                last_event,
            }),
        })
    }

    fn submit(&self, job: Job) -> Result<()> {
        let sender = self.inner.writer.lock().unwrap_or_else(|e| e.into_inner()).clone();
        sender
            .send(job)
            .map_err(|_| Error::Storage("the SQLite writer thread has stopped".into()))
    }

    /// Runs `f` in one IMMEDIATE transaction on the writer thread. The
    /// in-memory graph caches are updated only after the commit succeeds.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>, &mut WriteCtx<'_>) -> Result<T> + Send + 'static,
    {
        let graphs = self.inner.graphs.clone();
        let last_event = self.inner.last_event.clone();
        let (done, result) = tokio::sync::oneshot::channel();
        self.submit(Box::new(move |conn: &mut Connection| {
            let changes = conn.total_changes();
            let outcome = run_write(conn, &graphs, f);
            if outcome.is_ok() && conn.total_changes() != changes {
                notify_last_event(conn, &last_event);
            }
            let _ = done.send(outcome);
        }))?;
        result
            .await
            .map_err(|_| Error::Storage("the SQLite writer dropped a request".into()))?
    }

    /// Runs `f` in a read transaction on a pooled read-only connection.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &GraphCache) -> Result<T> + Send + 'static,
    {
        if self.inner.path.is_none() {
            return self.write(move |tx, ctx| f(tx, ctx.graphs())).await;
        }
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = inner.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut conn = match pooled {
                Some(conn) => conn,
                None => {
                    let path = inner
                        .path
                        .as_ref()
                        .ok_or_else(|| Error::Storage("no database path".into()))?;
                    let conn = Connection::open_with_flags(
                        path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    configure(&conn, false)?;
                    conn
                }
            };
            let result = {
                let tx = conn.transaction()?;
                let out = f(&tx, &inner.graphs);
                drop(tx);
                out
            };
            let mut idle = inner.readers.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(|e| Error::Storage(format!("read task failed: {e}")))?
    }
}

fn last_event_id(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))?)
}

/// After a commit that changed rows: publish the newest event id.
fn notify_last_event(conn: &Connection, sender: &tokio::sync::watch::Sender<i64>) {
    match last_event_id(conn) {
        Ok(id) => {
            sender.send_if_modified(|last| {
                let newer = id > *last;
                if newer {
                    *last = id;
                }
                newer
            });
        }
        Err(err) => tracing::warn!(%err, "cannot read the newest event id after a commit"),
    }
}

fn run_write<T>(
    conn: &mut Connection,
    graphs: &GraphCache,
    f: impl FnOnce(&Transaction<'_>, &mut WriteCtx<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut ctx = WriteCtx::new(graphs);
    match f(&tx, &mut ctx) {
        Ok(value) => match tx.commit() {
            Ok(()) => {
                ctx.after_commit();
                Ok(value)
            }
            Err(err) => {
                ctx.after_rollback();
                Err(err.into())
            }
        },
        Err(err) => {
            drop(tx);
            let refused = ctx.take_refused();
            ctx.after_rollback();
            if let Some(violation) = refused {
                // The refused write changed nothing; the refusal is logged on its own.
                let logged = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(Error::from)
                    .and_then(|tx| {
                        guardian::insert(&tx, &violation)?;
                        tx.commit().map_err(Error::from)
                    });
                if let Err(log_err) = logged {
                    tracing::warn!(%log_err, "could not record a Guardian refusal");
                }
            }
            Err(err)
        }
    }
}

fn owned(s: &str) -> String {
    s.to_string()
}

impl Store for SqliteStore {
    async fn create_workflow(&self, actor: &str, new: NewWorkflow) -> Result<Workflow> {
        let actor = owned(actor);
        self.write(move |tx, _| ops::create_workflow(tx, &actor, new)).await
    }

    async fn list_workflows(&self) -> Result<Vec<Workflow>> {
        self.read(|conn, _| ops::list_workflows(conn)).await
    }

    async fn get_workflow(&self, id: &str) -> Result<Workflow> {
        let id = owned(id);
        self.read(move |conn, _| ops::get_workflow(conn, &id)).await
    }

    async fn create_ticket(&self, actor: &str, new: NewTicket) -> Result<Ticket> {
        let actor = owned(actor);
        self.write(move |tx, ctx| ops::create_ticket(tx, ctx, &actor, new, Vec::new()))
            .await
            .map(|created| created.ticket)
    }

    async fn import_tickets(&self, actor: &str, workflow_id: &str, tickets: Vec<NewTicket>) -> Result<Vec<String>> {
        let (actor, workflow_id) = (owned(actor), owned(workflow_id));
        self.write(move |tx, ctx| ops::import_tickets(tx, ctx, &actor, &workflow_id, tickets))
            .await
    }

    async fn resolve_ticket_id(&self, input: &str) -> Result<String> {
        let input = owned(input);
        self.read(move |conn, _| ops::resolve_ticket_id(conn, &input)).await
    }

    async fn get_ticket(&self, id: &str) -> Result<TicketDetail> {
        let id = owned(id);
        self.read(move |conn, _| ops::get_ticket_detail(conn, &id)).await
    }

    async fn list_tickets(
        &self,
        filter: TicketFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<TicketPage> {
        self.read(move |conn, _| ops::list_tickets(conn, &filter, limit, cursor.as_deref()))
            .await
    }

    async fn update_ticket(
        &self,
        actor: &str,
        id: &str,
        patch: TicketPatch,
        expected_version: Option<u64>,
    ) -> Result<Ticket> {
        let (actor, id) = (owned(actor), owned(id));
        self.write(move |tx, _| ops::update_ticket(tx, &actor, &id, patch, expected_version))
            .await
    }

    async fn change_status(
        &self,
        actor: &str,
        id: &str,
        new_status: &str,
        comment: Option<String>,
        expected_version: Option<u64>,
    ) -> Result<StatusChange> {
        let (actor, id, new_status) = (owned(actor), owned(id), owned(new_status));
        self.write(move |tx, ctx| {
            ops::change_status(
                tx,
                ctx,
                &actor,
                &id,
                ops::Target::Status(&new_status),
                comment,
                expected_version,
            )
        })
        .await
    }

    async fn resolve(&self, actor: &str, id: &str, comment: Option<String>) -> Result<StatusChange> {
        let (actor, id) = (owned(actor), owned(id));
        self.write(move |tx, ctx| ops::change_status(tx, ctx, &actor, &id, ops::Target::Resolve, comment, None))
            .await
    }

    async fn add_comment(&self, actor: &str, id: &str, text: &str) -> Result<Comment> {
        let (actor, id, text) = (owned(actor), owned(id), owned(text));
        self.write(move |tx, _| ops::add_comment(tx, &actor, &id, &text)).await
    }

    async fn add_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        let (actor, blocked, blocker) = (owned(actor), owned(blocked), owned(blocker));
        self.write(move |tx, ctx| ops::add_blocker(tx, ctx, &actor, &blocked, &blocker))
            .await
    }

    async fn remove_blocker(&self, actor: &str, blocked: &str, blocker: &str) -> Result<Vec<TicketRef>> {
        let (actor, blocked, blocker) = (owned(actor), owned(blocked), owned(blocker));
        self.write(move |tx, ctx| ops::remove_blocker(tx, ctx, &actor, &blocked, &blocker))
            .await
    }

    async fn ticket_graph(&self, id: &str, depth: Option<u32>) -> Result<TicketGraph> {
        let id = owned(id);
        self.read(move |conn, graphs| ops::ticket_graph(conn, graphs, &id, depth))
            .await
    }

    async fn workflow_graph(&self, workflow_id: &str, include_resolved: bool) -> Result<TicketGraph> {
        let workflow_id = owned(workflow_id);
        self.read(move |conn, graphs| ops::workflow_graph(conn, graphs, &workflow_id, include_resolved))
            .await
    }

    async fn ready(&self, workflow_id: &str, agent: Option<&str>, limit: u32) -> Result<Vec<ReadyTicket>> {
        let (workflow_id, agent) = (owned(workflow_id), agent.map(owned));
        if self.read(|conn, _| ops::has_expired_leases(conn)).await? {
            self.expire_leases().await?;
        }
        self.read(move |conn, graphs| ops::ready(conn, graphs, &workflow_id, agent.as_deref(), limit))
            .await
    }

    async fn claim(&self, request: ClaimRequest) -> Result<Ticket> {
        self.write(move |tx, ctx| ops::claim(tx, ctx, &request)).await
    }

    async fn expire_leases(&self) -> Result<Vec<String>> {
        self.write(|tx, _| ops::expire_leases(tx)).await
    }

    async fn events_after(&self, workflow_id: Option<&str>, after: i64, limit: u32) -> Result<Vec<Event>> {
        let workflow_id = workflow_id.map(owned);
        self.read(move |conn, _| ops::events_after(conn, workflow_id.as_deref(), after, limit))
            .await
    }
}

impl TaskStore for SqliteStore {
    async fn create_task(&self, actor: &str, new: NewTask) -> Result<TaskCreated> {
        let actor = owned(actor);
        self.write(move |tx, ctx| tasks::create_task(tx, ctx, &actor, new))
            .await
    }

    async fn get_task(&self, id: &str) -> Result<Task> {
        let id = owned(id);
        self.read(move |conn, _| tasks::load_task(conn, &tasks::resolve_task_id(conn, &id)?))
            .await
    }

    async fn list_tasks(&self, filter: TaskFilter, limit: Option<u32>, cursor: Option<String>) -> Result<TaskPage> {
        self.read(move |conn, _| tasks::list_tasks(conn, &filter, limit, cursor.as_deref()))
            .await
    }

    async fn set_task_status(
        &self,
        actor: &str,
        id: &str,
        status: TaskStatus,
        comment: Option<String>,
    ) -> Result<Task> {
        let (actor, id) = (owned(actor), owned(id));
        self.write(move |tx, _| tasks::set_task_status(tx, &actor, &id, status, comment))
            .await
    }
}

impl GuardianStore for SqliteStore {
    async fn create_ticket_judged(&self, actor: &str, new: NewTicket, findings: Vec<Finding>) -> Result<TicketCreated> {
        let actor = owned(actor);
        self.write(move |tx, ctx| ops::create_ticket(tx, ctx, &actor, new, findings))
            .await
    }

    async fn guardian_violations(&self, workflow_id: &str, filter: ViolationFilter) -> Result<Vec<Violation>> {
        let workflow_id = owned(workflow_id);
        self.read(move |conn, _| {
            guardian::list(
                conn,
                &workflow_id,
                filter.rule,
                filter.agent_id.as_deref(),
                filter.after,
                filter.limit.unwrap_or(100),
            )
        })
        .await
    }
}

impl CommitStore for SqliteStore {
    async fn link_commit(&self, actor: &str, ticket_id: &str, link: NewCommitLink) -> Result<CommitLinked> {
        let (actor, ticket_id) = (owned(actor), owned(ticket_id));
        self.write(move |tx, _| commits::link_commit(tx, &actor, &ticket_id, link))
            .await
    }
}

impl AgentStore for SqliteStore {
    async fn create_agent_token(&self, agent_id: &str, admin: bool) -> Result<String> {
        let agent_id = owned(agent_id);
        self.write(move |tx, _| agents::create(tx, &agent_id, admin)).await
    }

    async fn agent_for_token(&self, token: &str) -> Result<Option<AgentToken>> {
        let token = owned(token);
        self.read(move |conn, _| agents::lookup(conn, &token)).await
    }

    async fn list_agent_tokens(&self) -> Result<Vec<AgentToken>> {
        self.read(|conn, _| agents::list(conn)).await
    }

    async fn revoke_agent_token(&self, agent_id: &str) -> Result<bool> {
        let agent_id = owned(agent_id);
        self.write(move |tx, _| agents::revoke(tx, &agent_id)).await
    }
}

impl EventFeed for SqliteStore {
    fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64> {
        self.inner.last_event.subscribe()
    }
}
