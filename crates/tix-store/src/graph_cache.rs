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

#[derive(Debug, Clone)]
pub enum GraphDelta {
    Node { id: String, resolved: bool },
    Edge { blocker: String, blocked: String },
    RemoveEdge { blocker: String, blocked: String },
    Resolved { id: String, resolved: bool },
}

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

    pub(crate) fn apply(&self, workflow_id: &str, old_version: i64, deltas: &[GraphDelta]) {
        let mut workflows = self.workflows.lock().unwrap_or_else(|e| e.into_inner());
        let Some(cached) = workflows.get_mut(workflow_id) else {
            return;
        };
        if cached.version != old_version {
            workflows.remove(workflow_id);
            return;
        }
        for delta in deltas {
            let ok = match delta {
                GraphDelta::Node { id, resolved } => {
                    cached.graph.add_node(id, *resolved);
                    true
                }
                GraphDelta::Edge { blocker, blocked } => cached.graph.add_edge(blocker, blocked).is_ok(),
                GraphDelta::RemoveEdge { blocker, blocked } => {
                    cached.graph.remove_edge(blocker, blocked);
                    true
                }
                GraphDelta::Resolved { id, resolved } => cached.graph.set_resolved(id, *resolved).is_ok(),
            };
            if !ok {
                // Should not happen; a reload is always correct.
                workflows.remove(workflow_id);
                return;
            }
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
