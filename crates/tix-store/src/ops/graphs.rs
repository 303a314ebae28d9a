//! The dependency graph around a ticket, and a workflow's whole graph, with
//! the critical path; computed on the cached in-memory graph.

use std::collections::HashMap;
use std::sync::Arc;

use tix_core::ticket::{CriticalPath, GraphEdge, GraphNode, TicketGraph};

use super::{require_workflow, resolve_ticket_id, with_graph};
use crate::graph_cache::GraphCache;
use crate::statements::Statements;
use crate::Result;

/// Builds edges whose ends share the nodes' ids (an id missing from the
/// nodes gets its own copy).
struct Edges<'a> {
    ids: HashMap<&'a str, &'a Arc<str>>,
}

impl<'a> Edges<'a> {
    fn of(nodes: &'a [GraphNode]) -> Self {
        Edges {
            ids: nodes.iter().map(|n| (&*n.id, &n.id)).collect(),
        }
    }

    fn id(&self, id: &str) -> Arc<str> {
        self.ids
            .get(id)
            .map_or_else(|| Arc::from(id), |shared| Arc::clone(shared))
    }

    fn edge(&self, from: &str, to: &str) -> GraphEdge {
        GraphEdge {
            from: self.id(from),
            to: self.id(to),
            edge_type: "blocks".into(),
        }
    }
}

/// Everything upstream and downstream of the ticket, up to `depth` steps.
pub async fn ticket_graph<C: Statements>(
    conn: &mut C,
    graphs: &GraphCache,
    input: &str,
    depth: Option<u32>,
) -> Result<TicketGraph> {
    let id = resolve_ticket_id(conn, input).await?;
    let ticket = super::require_ticket(conn, &id).await?;
    let (ids, pairs, critical_path) = with_graph(conn, graphs, &ticket.workflow_id, |g| -> Result<_> {
        // A ticket created without blockers may be missing from a cached
        // graph: it is an isolated node.
        if !g.contains(&id) {
            g.add_node(&id, ticket.is_resolved);
        }
        let ids = g.neighbourhood(&id, depth)?;
        let pairs = g.edges_among(&ids, |from, to| (from.to_string(), to.to_string()));
        let critical = g.critical_path(Some(&ids));
        Ok((ids, pairs, critical))
    })
    .await??;
    let nodes = conn.graph_nodes(&ids).await?;
    let shared = Edges::of(&nodes);
    let edges = pairs.iter().map(|(from, to)| shared.edge(from, to)).collect();
    Ok(TicketGraph {
        nodes,
        edges,
        critical_path,
    })
}

pub async fn workflow_graph<C: Statements>(
    conn: &mut C,
    graphs: &GraphCache,
    workflow_id: &str,
    include_resolved: bool,
) -> Result<TicketGraph> {
    require_workflow(conn, workflow_id).await?;
    let nodes = conn.workflow_graph_nodes(workflow_id, include_resolved).await?;
    let ids: Vec<&str> = nodes.iter().map(|n| &*n.id).collect();
    let shared = Edges::of(&nodes);
    let (edges, critical_path) = with_graph(conn, graphs, workflow_id, |g| {
        // Tickets created without blockers may be missing from a cached
        // graph: they are isolated nodes (needed for the critical path).
        for node in &nodes {
            if !g.contains(&node.id) {
                g.add_node(&node.id, node.is_resolved);
            }
        }
        (
            g.edges_among(&ids, |from, to| shared.edge(from, to)),
            g.critical_path(None),
        )
    })
    .await?;
    Ok(TicketGraph {
        nodes,
        edges,
        critical_path,
    })
}

/// The critical path on the cached graph, with its tickets. A chain of one
/// (no open edges) depends on the isolated tickets a cached graph may not
/// hold, so that case takes the whole graph's answer.
pub async fn critical_path<C: Statements>(
    conn: &mut C,
    graphs: &GraphCache,
    workflow_id: &str,
) -> Result<CriticalPath> {
    require_workflow(conn, workflow_id).await?;
    let mut path = with_graph(conn, graphs, workflow_id, |g| g.critical_path(None)).await?;
    if path.len() < 2 {
        path = workflow_graph(conn, graphs, workflow_id, false).await?.critical_path;
    }
    let mut nodes = conn.graph_nodes(&path).await?;
    nodes.sort_by_key(|n| path.iter().position(|id| **id == *n.id));
    Ok(CriticalPath {
        critical_path: path,
        tickets: nodes,
    })
}
