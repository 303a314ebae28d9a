//! Per-workflow in-memory blocking graphs, kept exact by a version number
//! (`workflows.graph_version`) that every graph-changing transaction bumps.
//!
//! A reader compares the cached version with the database's and reloads on
//! mismatch. The writer applies its own changes to the cached graph after
//! commit (deltas are idempotent), so the common path never reloads.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use tix_core::graph::DependencyGraph;
use tix_core::DomainError;

pub(crate) use crate::graph_cache::{GraphCache, GraphDelta};
use crate::Result;

fn graph_version(conn: &Connection, workflow_id: &str) -> Result<i64> {
    conn.query_row(
        "SELECT graph_version FROM workflows WHERE id = ?1",
        [workflow_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| DomainError::not_found("workflow", workflow_id).into())
}

fn load(conn: &Connection, workflow_id: &str) -> Result<DependencyGraph> {
    let mut graph = DependencyGraph::new();
    let mut stmt = conn.prepare_cached("SELECT id, is_resolved FROM tickets WHERE workflow_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([workflow_id])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        graph.add_node(&id, row.get(1)?);
    }
    let mut stmt = conn.prepare_cached("SELECT blocker_id, blocked_id FROM ticket_edges WHERE workflow_id = ?1")?;
    let mut rows = stmt.query([workflow_id])?;
    while let Some(row) = rows.next()? {
        let blocker: String = row.get(0)?;
        let blocked: String = row.get(1)?;
        graph.insert_stored_edge(&blocker, &blocked)?;
    }
    Ok(graph)
}

impl GraphCache {
    /// Runs `f` on the workflow's graph as the database `conn` sees it.
    pub(crate) fn with<T>(
        &self,
        conn: &Connection,
        workflow_id: &str,
        f: impl FnOnce(&mut DependencyGraph) -> T,
    ) -> Result<T> {
        let version = graph_version(conn, workflow_id)?;
        match self.with_fresh(workflow_id, version, f) {
            Ok(out) => Ok(out),
            Err(f) => Ok(self.put(workflow_id, version, load(conn, workflow_id)?, f)),
        }
    }
}

/// What a write transaction did to the graphs, applied after commit.
pub(crate) struct WriteCtx<'a> {
    graphs: &'a GraphCache,
    /// workflow -> (graph_version before this transaction, deltas).
    changes: HashMap<String, (i64, Vec<GraphDelta>)>,
    touched: HashSet<String>,
    /// A Guardian refusal to record once the transaction has rolled back.
    refused: Option<super::guardian::PendingViolation>,
}

impl<'a> WriteCtx<'a> {
    pub(crate) fn new(graphs: &'a GraphCache) -> Self {
        WriteCtx {
            graphs,
            changes: HashMap::new(),
            touched: HashSet::new(),
            refused: None,
        }
    }

    /// Keeps a Guardian refusal to record after the rollback.
    pub(crate) fn refuse(&mut self, violation: super::guardian::PendingViolation) {
        self.refused = Some(violation);
    }

    pub(crate) fn take_refused(&mut self) -> Option<super::guardian::PendingViolation> {
        self.refused.take()
    }

    pub(crate) fn graphs(&self) -> &GraphCache {
        self.graphs
    }

    /// The workflow's graph as this transaction sees it.
    pub(crate) fn graph<T>(
        &mut self,
        conn: &Connection,
        workflow_id: &str,
        f: impl FnOnce(&mut DependencyGraph) -> T,
    ) -> Result<T> {
        self.touched.insert(workflow_id.to_string());
        self.graphs.with(conn, workflow_id, f)
    }

    /// Records graph changes and bumps the workflow's graph version (once
    /// per transaction).
    pub(crate) fn changed(&mut self, conn: &Connection, workflow_id: &str, deltas: Vec<GraphDelta>) -> Result<()> {
        if let Some((_, existing)) = self.changes.get_mut(workflow_id) {
            existing.extend(deltas);
            return Ok(());
        }
        let old: i64 = conn.query_row(
            "UPDATE workflows SET graph_version = graph_version + 1 WHERE id = ?1 RETURNING graph_version - 1",
            params![workflow_id],
            |r| r.get(0),
        )?;
        self.changes.insert(workflow_id.to_string(), (old, deltas));
        Ok(())
    }

    pub(crate) fn after_commit(self) {
        for (workflow_id, (old, deltas)) in &self.changes {
            self.graphs.apply(workflow_id, *old, deltas);
        }
    }

    pub(crate) fn after_rollback(self) {
        // A graph loaded inside the failed transaction may hold its
        // uncommitted rows; drop it.
        for workflow_id in self.touched.iter().chain(self.changes.keys()) {
            self.graphs.invalidate(workflow_id);
        }
    }
}
