//! The seam between the operations (written once, in [`crate::ops`]) and a
//! database: a [`Backend`] runs an operation in one transaction (or one read
//! snapshot) on a connection that implements the [`Statements`]. How it
//! does so is its own business (SQLite: one writer thread; PostgreSQL: a
//! pool, retrying transient conflicts); what the operation decides is not.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::graph_cache::GraphCache;
use crate::ops::WriteCtx;
use crate::statements::PendingViolation;
use crate::statements::Statements;
use crate::Result;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A write operation: may be run more than once (a retried transaction),
/// each time in a fresh transaction with a fresh [`WriteCtx`].
pub type WriteOp<C, T> =
    Box<dyn for<'t> Fn(&'t mut C, &'t mut WriteCtx) -> BoxFuture<'t, Result<T>> + Send + Sync + 'static>;

/// A read operation over one snapshot.
pub type ReadOp<C, T> = Box<dyn for<'t> FnOnce(&'t mut C, &'t GraphCache) -> BoxFuture<'t, Result<T>> + Send + 'static>;

/// How a write ended: its answer, and a Guardian refusal to record now that
/// the refused write has rolled back.
pub struct WriteOutcome<T> {
    pub result: Result<T>,
    pub refused: Option<PendingViolation>,
}

/// What reads need to agree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// One query, or queries that need not agree.
    Single,
    /// Several queries that must see one snapshot (a ticket's detail, a graph).
    Snapshot,
}

/// A database Tix can run on. Not public API: [`crate::StoreOn`] is.
pub trait Backend: Clone + Send + Sync + 'static {
    type Conn: Statements;
    /// `sqlite` or `postgres`.
    const NAME: &'static str;

    /// State shared by every write: the graph cache and the event feed.
    fn shared(&self) -> &Arc<crate::ops::Shared>;

    /// How its connections are used right now (for `GET /metrics`).
    fn pool_stats(&self) -> crate::PoolStats;

    /// Runs `op` in one write transaction: commits when it answers `Ok`
    /// (then [`WriteCtx::committed`]), rolls back otherwise (then
    /// [`WriteCtx::rolled_back`]), before the next write can start.
    fn write<T: Send + 'static>(&self, op: WriteOp<Self::Conn, T>) -> impl Future<Output = WriteOutcome<T>> + Send;

    fn read<T: Send + 'static>(
        &self,
        consistency: Consistency,
        op: ReadOp<Self::Conn, T>,
    ) -> impl Future<Output = Result<T>> + Send;
}
