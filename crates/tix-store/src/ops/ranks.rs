//! The ready queue's ranking in the table: `tickets.unblocks`, how many
//! unresolved tickets each ticket unblocks, transitively. It is exact for
//! the tickets the ready queue may offer (unresolved, no open blocker: the
//! graph's open roots) and kept so by every transaction that changes the
//! graph, in that transaction: the open roots whose count its changes may
//! move are recomputed on the graph as the transaction leaves it. So the
//! ready queue is one indexed query with a limit, on both backends, and
//! needs no graph at all.

use tix_core::graph::{Change, DependencyGraph};

use super::with_graph;
use crate::graph_cache::GraphCache;
use crate::statements::Statements;
use crate::Result;

/// The counts `changes` (applied) may have moved.
fn touched_counts(graph: &mut DependencyGraph, changes: &[Change]) -> Vec<(String, u64)> {
    let touched = graph.ranks_touched(changes);
    let ids: Vec<&str> = touched.iter().map(String::as_str).collect();
    let counts = graph.unblocks_counts(&ids);
    touched.into_iter().zip(counts).collect()
}

/// Refreshes the counts a transaction's graph `changes` may have moved.
/// `old_version` is the workflow's graph version before the transaction:
/// a cached graph at it gets the changes only while the counts are
/// computed (others see the graph as committed); otherwise the graph is
/// read as this transaction sees it.
pub async fn maintain<C: Statements>(
    tx: &mut C,
    graphs: &GraphCache,
    workflow_id: &str,
    old_version: i64,
    changes: &[Change],
) -> Result<()> {
    let before = graphs.with_fresh(workflow_id, old_version, |g| {
        let mut all = g.unknown_nodes(changes);
        all.extend_from_slice(changes);
        g.with_changes(&all, |g| touched_counts(g, changes))
    });
    let counts = match before {
        Ok(counts) => counts?,
        Err(_) => with_graph(tx, graphs, workflow_id, |g| touched_counts(g, changes)).await?,
    };
    tx.set_unblocks(&counts).await
}

/// Computes every open root's count of a workflow created before the
/// column existed, once.
pub async fn backfill<C: Statements>(tx: &mut C, graphs: &GraphCache, workflow_id: &str) -> Result<()> {
    if tx.ranks_ready(workflow_id).await? {
        return Ok(());
    }
    let counts = with_graph(tx, graphs, workflow_id, |g| {
        let roots = g.open_roots();
        let ids: Vec<&str> = roots.iter().map(String::as_str).collect();
        let counts = g.unblocks_counts(&ids);
        roots.into_iter().zip(counts).collect::<Vec<_>>()
    })
    .await?;
    tx.set_unblocks(&counts).await?;
    tx.set_ranks_ready(workflow_id).await
}
