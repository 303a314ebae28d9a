//! Per-workflow in-memory blocking graphs, shared by the backends and kept
//! exact by a version number (`workflows.graph_version`) that every
//! graph-changing transaction bumps in the same transaction.
//!
//! A reader compares the cached version with the database's and reloads on
//! mismatch. A writer applies its own changes to the cached graph after
//! commit (deltas are idempotent), so the common path never reloads; after a
//! rollback it drops the workflow's entry.

use std::collections::HashMap;
use std::sync::Mutex;

use tix_core::graph::DependencyGraph;

/// A change a write made to a workflow's graph (applied to the cache after
/// the write commits).
pub type GraphDelta = tix_core::graph::Change;

struct Cached {
    version: i64,
    graph: DependencyGraph,
}

#[derive(Default)]
pub struct GraphCache {
    workflows: Mutex<HashMap<String, Cached>>,
}

impl GraphCache {
    /// Runs `f` on the cached graph if it is at `version`; gives `f` back
    /// otherwise, so the caller can load the graph and [`Self::put`] it.
    pub(crate) fn with_fresh<T, F: FnOnce(&mut DependencyGraph) -> T>(
        &self,
        workflow_id: &str,
        version: i64,
        f: F,
    ) -> Result<T, F> {
        let mut workflows = self.workflows.lock().unwrap_or_else(|e| e.into_inner());
        match workflows.get_mut(workflow_id) {
            Some(cached) if cached.version == version => Ok(f(&mut cached.graph)),
            _ => Err(f),
        }
    }

    /// Caches a graph loaded at `version` and runs `f` on it.
    pub(crate) fn put<T>(
        &self,
        workflow_id: &str,
        version: i64,
        graph: DependencyGraph,
        f: impl FnOnce(&mut DependencyGraph) -> T,
    ) -> T {
        let mut workflows = self.workflows.lock().unwrap_or_else(|e| e.into_inner());
        let cached = workflows.entry(workflow_id.to_string()).or_insert(Cached {
            version,
            graph: DependencyGraph::new(),
        });
        *cached = Cached { version, graph };
        f(&mut cached.graph)
    }

    /// After a write that moved the workflow's graph from `old_version` to
    /// `old_version + 1` committed: the cached graph takes its deltas (a
    /// graph loaded inside that write, already at the new version, is
    /// kept; any other is dropped, a reload being always correct).
    pub(crate) fn apply(&self, workflow_id: &str, old_version: i64, deltas: &[GraphDelta]) {
        let mut workflows = self.workflows.lock().unwrap_or_else(|e| e.into_inner());
        let Some(cached) = workflows.get_mut(workflow_id) else {
            return;
        };
        if cached.version == old_version + 1 {
            return;
        }
        let unknown = cached.graph.unknown_nodes(deltas);
        if cached.version != old_version || cached.graph.apply(&unknown).is_err() || cached.graph.apply(deltas).is_err()
        {
            workflows.remove(workflow_id);
            return;
        }
        cached.version = old_version + 1;
    }

    /// Forgets every cached graph.
    #[cfg(feature = "postgres")]
    pub(crate) fn clear(&self) {
        self.workflows.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub(crate) fn invalidate(&self, workflow_id: &str) {
        self.workflows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(workflow_id);
    }
}
