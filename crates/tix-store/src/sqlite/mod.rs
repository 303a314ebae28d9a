//! The SQLite backend: one writer thread that owns the only writing
//! connection (so concurrent requests queue instead of failing with
//! `database is locked`), a small pool of read-only connections in WAL
//! mode, and the statements (`tickets.rs`, `moves.rs`, `log.rs`,
//! `tasks.rs`) the operations run on.
//!
//! Group commit: the writer thread runs every write queued behind the one
//! it took (up to [`writer::GROUP_LIMIT`]) in one transaction, each in a savepoint
//! of its own, so a refused write rolls back alone and its neighbours
//! commit. Callers are answered only after the commit; if the group cannot
//! commit, each write that succeeded in it runs again alone.
//!
//! SQLite is synchronous: a statement's future is ready when it is first
//! polled, so the writer thread (and a read's blocking task) drives an
//! operation with [`writer::block_on`] and never waits on anything else.

mod deferred_index;
mod interop;
mod log;
mod moves;
mod rows;
mod runs;
mod search;
mod stats;
mod tasks;
#[cfg(test)]
mod tests;
mod tickets;
mod webhooks;
mod writer;

pub use writer::GroupCommitStats;
use writer::{block_on, in_transaction, rollback, serve_writes, Job, QueuedWrite};

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::backend::{Backend, Consistency, ReadOp, WriteOp, WriteOutcome};
use crate::ops::Shared;
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
    (8, include_str!("../../migrations/sqlite/0008_comment_index.sql")),
    (9, include_str!("../../migrations/sqlite/0009_one_ready_index.sql")),
    // 10 is PostgreSQL's alone (its foreign keys).
    (
        11,
        include_str!("../../migrations/sqlite/0011_creation_ordered_lookups.sql"),
    ),
    (
        12,
        include_str!("../../migrations/sqlite/0012_embedding_queue_by_seq.sql"),
    ),
];
const MAX_IDLE_READERS: usize = 8;

/// One SQLite connection: the writer's, or a pooled read-only one.
pub struct SqliteConn {
    conn: Connection,
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
    // Every statement a write runs stays prepared (the default 16 made a
    // busy writer prepare some statements again and again).
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if writer {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // In WAL mode NORMAL is durable against application crashes; only
        // power loss may lose the last commits.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Checkpoints (the only fsyncs in WAL mode with NORMAL) run on a
        // thread of their own (`writer::checkpoint_now_and_then`), so a
        // group commit never waits for one; the writer checkpoints itself
        // only as a backstop, past 64 MB of log.
        conn.pragma_update(None, "wal_autocheckpoint", 16000)?;
    } else {
        conn.pragma_update(None, "query_only", "ON")?;
    }
    // 32 MB of pages for the writer; 8 MB for each pooled reader (up to
    // MAX_IDLE_READERS of them): the operating system caches the file for
    // all of them, and a server's memory stays bounded. The writer's size
    // is a trade: a b-tree rebalance swaps sibling page numbers through
    // the lock page's (1 GiB in, past the file's end), so the commit after
    // it scans the cache's whole hash (about 5% of the writer's time in the HTTP write bench at 32 MB;
    // 8 MB measured ~8% more writes/s but a 14% slower 100k import).
    conn.pragma_update(None, "cache_size", if writer { "-32000" } else { "-8000" })?;
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
        if let Some(path) = &backend.inner.path {
            writer::checkpoint_now_and_then(path.clone(), Arc::downgrade(&backend.inner))?;
        }
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
        let submitted = self.submit(Job::Write(Box::new(QueuedWrite::new(
            op,
            self.inner.shared.clone(),
            done,
        ))));
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
