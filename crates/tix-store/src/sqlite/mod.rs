//! The SQLite backend: one writer thread that owns the only writing
//! connection (so concurrent requests queue instead of failing with
//! `database is locked`), a small pool of read-only connections in WAL
//! mode, and the statements (`tickets.rs`, `moves.rs`, `log.rs`,
//! `tasks.rs`) the operations run on.
//!
//! Group commit: the writer thread runs every write queued behind the one
//! it took (up to [`GROUP_LIMIT`]) in one transaction, each in a savepoint
//! of its own, so a refused write rolls back alone and its neighbours
//! commit. Callers are answered only after the commit; if the group cannot
//! commit, each write that succeeded in it runs again alone.
//!
//! SQLite is synchronous: a statement's future is ready when it is first
//! polled, so the writer thread (and a read's blocking task) drives an
//! operation with [`block_on`] and never waits on anything else.

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

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::backend::{Backend, Consistency, ReadOp, WriteOp, WriteOutcome};
use crate::ops::{Shared, WriteCtx};
use crate::store::StoreOn;
use crate::{DatabaseUrl, Error, Result};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../../migrations/sqlite/0002_agent_interface.sql")),
    (3, include_str!("../../migrations/sqlite/0003_search.sql")),
    (4, include_str!("../../migrations/sqlite/0004_bulk_search_index.sql")),
    (5, include_str!("../../migrations/sqlite/0005_coordination.sql")),
    (6, include_str!("../../migrations/sqlite/0006_interop.sql")),
    (7, include_str!("../../migrations/sqlite/0007_scale.sql")),
];
const MAX_IDLE_READERS: usize = 8;

/// One SQLite connection: the writer's, or a pooled read-only one.
pub struct SqliteConn {
    conn: Connection,
}

/// Work for the writer thread.
enum Job {
    /// A write, run in the group commit.
    Write(Box<dyn GroupedWrite>),
    /// Anything else (search bookkeeping, reads of an in-memory database):
    /// runs on its own, between groups.
    Alone(Box<dyn FnOnce(&mut SqliteConn) + Send>),
}

/// What the group commit has done since the store opened.
#[derive(Debug, Default)]
pub struct GroupCommitStats {
    /// Transactions committed by the group commit.
    pub groups: AtomicU64,
    /// Writes run in them (refused ones included).
    pub writes: AtomicU64,
    /// The most writes one group held.
    pub largest: AtomicU64,
}

impl GroupCommitStats {
    fn record(&self, writes: usize) {
        let writes = writes as u64;
        self.groups.fetch_add(1, Ordering::Relaxed);
        self.writes.fetch_add(writes, Ordering::Relaxed);
        self.largest.fetch_max(writes, Ordering::Relaxed);
    }
}

/// Most writes one group commit takes: bounds how long the first waits.
const GROUP_LIMIT: usize = 128;

/// A queued write, type-erased so writes of any answer type share a group.
trait GroupedWrite: Send {
    /// Runs the write in a savepoint of the group's open transaction;
    /// answers whether it succeeded (its savepoint released).
    fn run_in_group(&mut self, conn: &mut SqliteConn) -> bool;
    /// Answers the caller after the group committed; a write that failed
    /// in the group is answered with its own error.
    fn answer_committed(self: Box<Self>);
    /// The group could not commit: runs the write again, alone.
    fn run_alone(self: Box<Self>, conn: &mut SqliteConn);
}

/// One write and where its answer goes.
struct QueuedWrite<T> {
    op: WriteOp<SqliteConn, T>,
    shared: Arc<Shared>,
    done: tokio::sync::oneshot::Sender<WriteOutcome<T>>,
    /// Set by [`GroupedWrite::run_in_group`].
    ran: Option<(WriteCtx, Result<T>)>,
}

impl<T: Send + 'static> GroupedWrite for QueuedWrite<T> {
    fn run_in_group(&mut self, conn: &mut SqliteConn) -> bool {
        let mut ctx = WriteCtx::new(self.shared.clone());
        let result = in_savepoint(conn, |conn| block_on((self.op)(conn, &mut ctx)));
        let ok = result.is_ok();
        if ok {
            // The next write of the group must find this one's graph.
            ctx.apply_graph_changes();
        } else {
            ctx.forget_graphs();
        }
        self.ran = Some((ctx, result));
        ok
    }

    fn answer_committed(self: Box<Self>) {
        let outcome = match self.ran {
            Some((ctx, Ok(value))) => {
                ctx.wake_readers();
                WriteOutcome {
                    result: Ok(value),
                    refused: None,
                }
            }
            Some((mut ctx, Err(err))) => WriteOutcome {
                result: Err(err),
                refused: ctx.take_refusal(),
            },
            None => WriteOutcome {
                result: Err(Error::Storage("the SQLite writer skipped a write".into())),
                refused: None,
            },
        };
        let _ = self.done.send(outcome);
    }

    fn run_alone(self: Box<Self>, conn: &mut SqliteConn) {
        let _ = self.done.send(run_write(conn, self.shared, &self.op));
    }
}

/// The writer thread's loop: until every store handle is dropped.
fn serve_writes(
    receiver: mpsc::Receiver<Job>,
    mut conn: SqliteConn,
    shared: Arc<Shared>,
    stats: Arc<GroupCommitStats>,
) {
    let mut next: Option<Job> = None;
    loop {
        let job = match next.take() {
            Some(job) => job,
            None => match receiver.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        match job {
            Job::Alone(work) => work(&mut conn),
            Job::Write(first) => next = group_commit(&mut conn, &shared, &stats, &receiver, first),
        }
    }
}

/// Runs `first` and the writes queued behind it in one transaction, then
/// answers them; hands back a non-write job it took from the queue.
fn group_commit(
    conn: &mut SqliteConn,
    shared: &Shared,
    stats: &GroupCommitStats,
    receiver: &mpsc::Receiver<Job>,
    first: Box<dyn GroupedWrite>,
) -> Option<Job> {
    if let Err(err) = conn.conn.execute_batch("BEGIN IMMEDIATE") {
        tracing::warn!(%err, "cannot begin a group commit; running the write alone");
        first.run_alone(conn);
        return None;
    }
    let mut group: Vec<(Box<dyn GroupedWrite>, bool)> = Vec::new();
    let mut write = first;
    let mut held_back = None;
    loop {
        let ok = write.run_in_group(conn);
        group.push((write, ok));
        // SQLite ends the whole transaction on some errors (a full disk).
        if conn.conn.is_autocommit() || group.len() >= GROUP_LIMIT {
            break;
        }
        match receiver.try_recv() {
            Ok(Job::Write(queued)) => write = queued,
            Ok(other) => {
                held_back = Some(other);
                break;
            }
            Err(_) => break,
        }
    }
    let committed = if conn.conn.is_autocommit() {
        Err("the transaction ended early".to_string())
    } else {
        conn.conn.execute_batch("COMMIT").map_err(|e| e.to_string())
    };
    match committed {
        Ok(()) => {
            stats.record(group.len());
            for (write, _) in group {
                write.answer_committed();
            }
        }
        Err(err) => {
            tracing::warn!(%err, writes = group.len(), "a group commit failed; running its writes again alone");
            rollback(conn);
            // The cache took the group's uncommitted deltas.
            shared.graphs.clear();
            for (write, ok) in group {
                if ok {
                    write.run_alone(conn);
                } else {
                    write.answer_committed();
                }
            }
        }
    }
    held_back
}

/// Runs `f` in a savepoint: released when it succeeds, rolled back to (the
/// write changes nothing) when it fails.
fn in_savepoint<T>(conn: &mut SqliteConn, f: impl FnOnce(&mut SqliteConn) -> Result<T>) -> Result<T> {
    conn.conn.execute_batch("SAVEPOINT tix_write")?;
    let result = f(conn).and_then(|value| {
        conn.conn.execute_batch("RELEASE tix_write")?;
        Ok(value)
    });
    if result.is_err() && !conn.conn.is_autocommit() {
        if let Err(err) = conn.conn.execute_batch("ROLLBACK TO tix_write; RELEASE tix_write") {
            tracing::warn!(%err, "rollback to a savepoint failed");
        }
    }
    result
}

/// The SQLite backend of [`crate::SqliteStore`].
#[derive(Clone)]
pub struct Sqlite {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<mpsc::Sender<Job>>,
    /// Jobs handed to the writer thread since the start.
    submitted: std::sync::atomic::AtomicU64,
    groups: Arc<GroupCommitStats>,
    /// None for an in-memory database: reads then go through the writer.
    path: Option<PathBuf>,
    readers: Mutex<Vec<SqliteConn>>,
    shared: Arc<Shared>,
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
        // Checkpoints (the only fsyncs in WAL mode with NORMAL) every 32 MB
        // of log rather than 4 MB: pages written again and again by a busy
        // board are copied back once per checkpoint, not once per 4 MB.
        conn.pragma_update(None, "wal_autocheckpoint", 8000)?;
    } else {
        conn.pragma_update(None, "query_only", "ON")?;
    }
    conn.pragma_update(None, "cache_size", "-32000")?;
    // Savepoints (one per write of a group commit) and sorts keep their
    // scratch pages in memory rather than in temporary files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Whether every migration this tix knows is applied (read without a write
/// lock: the common case of a CLI command on a current database).
fn schema_is_current(conn: &Connection) -> bool {
    let applied: rusqlite::Result<Vec<i64>> = conn
        .prepare("SELECT version FROM schema_migrations")
        .and_then(|mut select| select.query_map([], |r| r.get(0))?.collect());
    applied.is_ok_and(|applied| MIGRATIONS.iter().all(|(version, _)| applied.contains(version)))
}

fn migrate(conn: &mut Connection) -> Result<()> {
    if schema_is_current(conn) {
        return Ok(());
    }
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

/// Drives a future whose statements never wait (SQLite's), on this thread.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

impl crate::SqliteStore {
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
        let (sender, receiver) = mpsc::channel::<Job>();
        let writer = SqliteConn { conn };
        let shared = Shared::new();
        let writer_shared = shared.clone();
        let groups = Arc::new(GroupCommitStats::default());
        let writer_groups = groups.clone();
        std::thread::Builder::new()
            .name("tix-sqlite-writer".into())
            .spawn(move || serve_writes(receiver, writer, writer_shared, writer_groups))
            .map_err(|e| Error::Storage(format!("cannot start the writer thread: {e}")))?;
        let backend = Sqlite {
            inner: Arc::new(Inner {
                writer: Mutex::new(sender),
                submitted: AtomicU64::new(0),
                groups,
                path,
                readers: Mutex::new(Vec::new()),
                shared,
            }),
        };
        Ok(StoreOn::new(backend))
    }

    /// What the group commit has done (for benchmarks and metrics).
    pub fn group_commit_stats(&self) -> &GroupCommitStats {
        &self.backend.inner.groups
    }

    /// Runs `f` over a read transaction (search and statistics SQL, which
    /// is SQLite's own).
    pub(crate) async fn read_sql<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.backend
            .read(
                Consistency::Single,
                Box::new(move |conn: &mut SqliteConn, _| Box::pin(std::future::ready(f(&conn.conn)))),
            )
            .await
    }

    /// Runs `f` in one write transaction on the writer thread (search
    /// bookkeeping: embeddings and their queue, which write no events).
    pub(crate) async fn write_sql<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (done, answer) = tokio::sync::oneshot::channel();
        self.backend.submit(Job::Alone(Box::new(move |conn: &mut SqliteConn| {
            let _ = done.send(in_transaction(conn, "BEGIN IMMEDIATE", |conn| f(&conn.conn)));
        })))?;
        answer
            .await
            .map_err(|_| Error::Storage("the SQLite writer dropped a request".into()))?
    }
}

/// Runs `f` between `begin` and COMMIT (ROLLBACK when it fails).
fn in_transaction<T>(conn: &mut SqliteConn, begin: &str, f: impl FnOnce(&mut SqliteConn) -> Result<T>) -> Result<T> {
    conn.conn.execute_batch(begin)?;
    match f(conn) {
        Ok(value) => match conn.conn.execute_batch("COMMIT") {
            Ok(()) => Ok(value),
            Err(err) => {
                rollback(conn);
                Err(err.into())
            }
        },
        Err(err) => {
            rollback(conn);
            Err(err)
        }
    }
}

fn rollback(conn: &mut SqliteConn) {
    if !conn.conn.is_autocommit() {
        if let Err(err) = conn.conn.execute_batch("ROLLBACK") {
            tracing::warn!(%err, "rollback failed");
        }
    }
}

impl Sqlite {
    fn submit(&self, job: Job) -> Result<()> {
        self.inner.submitted.fetch_add(1, Ordering::Relaxed);
        let sender = self.inner.writer.lock().unwrap_or_else(|e| e.into_inner()).clone();
        sender
            .send(job)
            .map_err(|_| Error::Storage("the SQLite writer thread has stopped".into()))
    }

    fn reader(&self) -> Result<SqliteConn> {
        let pooled = self.inner.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        if let Some(conn) = pooled {
            return Ok(conn);
        }
        let path = self
            .inner
            .path
            .as_ref()
            .ok_or_else(|| Error::Storage("no database path".into()))?;
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure(&conn, false)?;
        Ok(SqliteConn { conn })
    }

    fn give_back(&self, conn: SqliteConn) {
        let mut idle = self.inner.readers.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// One write alone on the writer thread: IMMEDIATE transaction, the
/// operation, commit, then the write context's bookkeeping.
fn run_write<T>(conn: &mut SqliteConn, shared: Arc<Shared>, op: &WriteOp<SqliteConn, T>) -> WriteOutcome<T> {
    let mut ctx = WriteCtx::new(shared);
    let result = in_transaction(conn, "BEGIN IMMEDIATE", |conn| block_on(op(conn, &mut ctx)));
    match result {
        Ok(value) => {
            ctx.committed();
            WriteOutcome {
                result: Ok(value),
                refused: None,
            }
        }
        Err(err) => WriteOutcome {
            result: Err(err),
            refused: ctx.rolled_back(),
        },
    }
}

fn read_now<T>(conn: &mut SqliteConn, shared: &Shared, op: ReadOp<SqliteConn, T>) -> Result<T> {
    conn.conn.execute_batch("BEGIN")?;
    let result = block_on(op(conn, &shared.graphs));
    rollback(conn);
    result
}

impl Backend for Sqlite {
    type Conn = SqliteConn;
    const NAME: &'static str = "sqlite";

    fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    fn pool_stats(&self) -> crate::PoolStats {
        interop::pool_stats(self)
    }

    fn write<T: Send + 'static>(&self, op: WriteOp<SqliteConn, T>) -> impl Future<Output = WriteOutcome<T>> + Send {
        let (done, answer) = tokio::sync::oneshot::channel();
        let submitted = self.submit(Job::Write(Box::new(QueuedWrite {
            op,
            shared: self.inner.shared.clone(),
            done,
            ran: None,
        })));
        async move {
            let failed = |message: &str| WriteOutcome {
                result: Err(Error::Storage(message.to_string())),
                refused: None,
            };
            match submitted {
                Err(err) => WriteOutcome {
                    result: Err(err),
                    refused: None,
                },
                Ok(()) => answer
                    .await
                    .unwrap_or_else(|_| failed("the SQLite writer dropped a request")),
            }
        }
    }

    fn read<T: Send + 'static>(
        &self,
        _consistency: Consistency,
        op: ReadOp<SqliteConn, T>,
    ) -> impl Future<Output = Result<T>> + Send {
        // Every read runs in one read transaction, so it is always one snapshot.
        let backend = self.clone();
        async move {
            if backend.inner.path.is_none() {
                let (done, answer) = tokio::sync::oneshot::channel();
                let shared = backend.inner.shared.clone();
                backend.submit(Job::Alone(Box::new(move |conn: &mut SqliteConn| {
                    let _ = done.send(read_now(conn, &shared, op));
                })))?;
                return answer
                    .await
                    .map_err(|_| Error::Storage("the SQLite writer dropped a request".into()))?;
            }
            tokio::task::spawn_blocking(move || {
                let mut conn = backend.reader()?;
                let result = read_now(&mut conn, &backend.inner.shared, op);
                backend.give_back(conn);
                result
            })
            .await
            .map_err(|e| Error::Storage(format!("read task failed: {e}")))?
        }
    }
}

#[cfg(test)]
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use tix_core::ticket::TicketCreated;

    use crate::conformance::{all_tickets, create_seed_workflow, in_workflow, new_ticket};
    use crate::{Error, Keyed, Scope, Scoped, SqliteStore, Store};

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
    /// group) rolls back to its savepoint alone.
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
}
