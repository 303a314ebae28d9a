//! The writer thread: the only writing connection, group commit, and the
//! `block_on` that drives an operation's future on it.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use super::{Inner, SqliteConn};
use crate::backend::{WriteOp, WriteOutcome};
use crate::ops::{Shared, WriteCtx};
use crate::{Error, Result};

/// Work for the writer thread.
pub(super) enum Job {
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
    /// Groups run a second time, with a savepoint per write, because a
    /// write after the first was refused.
    pub reruns: AtomicU64,
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
pub(super) trait GroupedWrite: Send {
    /// Runs the write in the group's open transaction, in a savepoint of
    /// its own when `savepoint` (the group's first write needs none: if it
    /// fails, the caller rolls the whole transaction back); answers whether
    /// it succeeded.
    fn run_in_group(&mut self, conn: &mut SqliteConn, savepoint: bool) -> bool;
    /// Answers the caller once the group's transaction ended: after the
    /// commit, or at once for a write that failed (with its own error).
    fn answer(self: Box<Self>);
    /// The group's transaction was rolled back before its end: forgets
    /// what this write's run left outside the database (the graphs it
    /// changed in the cache), so it can run again.
    fn undo(&mut self);
    /// The group could not commit: runs the write again, alone.
    fn run_alone(self: Box<Self>, conn: &mut SqliteConn);
}

/// One write and where its answer goes.
pub(super) struct QueuedWrite<T> {
    op: WriteOp<SqliteConn, T>,
    shared: Arc<Shared>,
    done: tokio::sync::oneshot::Sender<WriteOutcome<T>>,
    /// Set by [`GroupedWrite::run_in_group`].
    ran: Option<(WriteCtx, Result<T>)>,
}

impl<T> QueuedWrite<T> {
    pub(super) fn new(
        op: WriteOp<SqliteConn, T>,
        shared: Arc<Shared>,
        done: tokio::sync::oneshot::Sender<WriteOutcome<T>>,
    ) -> QueuedWrite<T> {
        QueuedWrite {
            op,
            shared,
            done,
            ran: None,
        }
    }
}

impl<T: Send + 'static> GroupedWrite for QueuedWrite<T> {
    fn run_in_group(&mut self, conn: &mut SqliteConn, savepoint: bool) -> bool {
        let mut ctx = WriteCtx::new(self.shared.clone());
        let result = if savepoint {
            in_savepoint(conn, |conn| block_on((self.op)(conn, &mut ctx)))
        } else {
            block_on((self.op)(conn, &mut ctx))
        };
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

    fn answer(self: Box<Self>) {
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

    fn undo(&mut self) {
        if let Some((ctx, _)) = self.ran.take() {
            ctx.forget_graphs();
        }
    }

    fn run_alone(self: Box<Self>, conn: &mut SqliteConn) {
        let _ = self.done.send(run_write(conn, self.shared, &self.op));
    }
}

/// The writer thread's loop: until every store handle is dropped.
pub(super) fn serve_writes(
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
///
/// Optimistic: the writes run without savepoints (a savepoint copies every
/// page a write touches, a tenth of the writer's time). Should one after
/// the first be refused, the transaction is rolled back and the same
/// writes run again, each in a savepoint of its own (as do the writes the
/// group takes after them), so the refused one changes nothing while its
/// neighbours commit.
fn group_commit(
    conn: &mut SqliteConn,
    shared: &Shared,
    stats: &GroupCommitStats,
    receiver: &mpsc::Receiver<Job>,
    first: Box<dyn GroupedWrite>,
) -> Option<Job> {
    let Some(deferred) = begin_group(conn) else {
        first.run_alone(conn);
        return None;
    };
    let mut group: Vec<(Box<dyn GroupedWrite>, bool)> = Vec::new();
    let mut write = first;
    let mut held_back = None;
    let mut deferred = Some(deferred);
    // Whether the writes run in savepoints (after a refusal).
    let mut careful = false;
    loop {
        let ok = write.run_in_group(conn, careful);
        if !ok && group.is_empty() {
            // It changes nothing: the transaction goes, and the writes
            // queued behind it make a group of their own.
            rollback(conn);
            write.answer();
            return None;
        }
        group.push((write, ok));
        if !ok && !careful {
            stats.reruns.fetch_add(1, Ordering::Relaxed);
            careful = true;
            deferred = rerun_carefully(conn, &mut group);
            if deferred.is_none() {
                break;
            }
        }
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
    let committed = match deferred {
        Some(deferred) if !conn.conn.is_autocommit() => super::deferred_index::index_new(&conn.conn, deferred)
            .and_then(|()| conn.conn.execute_batch("COMMIT"))
            .map_err(|e| e.to_string()),
        _ => Err("the transaction ended early".to_string()),
    };
    match committed {
        Ok(()) => {
            stats.record(group.len());
            for (write, _) in group {
                write.answer();
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
                    write.answer();
                }
            }
        }
    }
    held_back
}

/// Opens a group's transaction; `None` when it cannot (the caller runs
/// the write alone).
fn begin_group(conn: &mut SqliteConn) -> Option<super::deferred_index::Deferred> {
    // The group's new tickets are indexed for search once, at its end.
    let begun = conn
        .conn
        .execute_batch("BEGIN IMMEDIATE")
        // A flag left by no one (it never outlives a transaction) is cleared.
        .and_then(|()| conn.conn.execute_batch("DELETE FROM search_bulk_import"))
        .and_then(|()| super::deferred_index::defer(&conn.conn));
    match begun {
        Ok(Some(deferred)) => Some(deferred),
        Ok(None) | Err(_) => {
            tracing::warn!(err = ?begun.err(), "cannot begin a group commit; running the write alone");
            rollback(conn);
            None
        }
    }
}

/// A write of an optimistic group was refused after others had run: rolls
/// the transaction back and runs every write of the group again in a new
/// one, each in its own savepoint. `None` when the new transaction cannot
/// begin (the caller then runs the writes alone).
fn rerun_carefully(
    conn: &mut SqliteConn,
    group: &mut [(Box<dyn GroupedWrite>, bool)],
) -> Option<super::deferred_index::Deferred> {
    rollback(conn);
    for (write, ok) in group.iter_mut() {
        write.undo();
        // Until it runs again: should the group not commit, it runs alone.
        *ok = true;
    }
    let deferred = begin_group(conn)?;
    for (write, ok) in group.iter_mut() {
        *ok = write.run_in_group(conn, true);
        if conn.conn.is_autocommit() {
            break;
        }
    }
    Some(deferred)
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

/// Drives a future whose statements never wait (SQLite's), on this thread.
pub(super) fn block_on<F: Future>(future: F) -> F::Output {
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

/// Runs `f` between `begin` and COMMIT (ROLLBACK when it fails).
pub(super) fn in_transaction<T>(
    conn: &mut SqliteConn,
    begin: &str,
    f: impl FnOnce(&mut SqliteConn) -> Result<T>,
) -> Result<T> {
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

pub(super) fn rollback(conn: &mut SqliteConn) {
    if !conn.conn.is_autocommit() {
        if let Err(err) = conn.conn.execute_batch("ROLLBACK") {
            tracing::warn!(%err, "rollback failed");
        }
    }
}

/// One write alone on the writer thread: IMMEDIATE transaction, the
/// operation, commit, then the write context's bookkeeping.
pub(super) fn run_write<T>(conn: &mut SqliteConn, shared: Arc<Shared>, op: &WriteOp<SqliteConn, T>) -> WriteOutcome<T> {
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

/// How often the checkpointer copies the log back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Starts the thread that checkpoints the WAL (PASSIVE: it never blocks
/// the writer or readers) on a connection of its own, until the store is
/// dropped.
pub(super) fn checkpoint_now_and_then(path: std::path::PathBuf, store: std::sync::Weak<Inner>) -> Result<()> {
    let conn = rusqlite::Connection::open(&path)?;
    std::thread::Builder::new()
        .name("tix-sqlite-checkpoint".into())
        .spawn(move || loop {
            std::thread::sleep(CHECKPOINT_EVERY);
            if store.strong_count() == 0 {
                return;
            }
            if let Err(err) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                tracing::warn!(%err, "checkpointing the SQLite log failed; the writer will do it");
            }
        })
        .map_err(|e| Error::Storage(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(())
}
