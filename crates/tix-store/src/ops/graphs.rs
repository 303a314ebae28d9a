//! The dependency graph around a ticket, and a workflow's whole graph, with
//! the critical path; computed on the cached in-memory graph.

use tix_core::ticket::{CriticalPath, GraphEdge, TicketGraph};

use super::{require_workflow, resolve_ticket_id, with_graph};
use crate::graph_cache::GraphCache;
use crate::statements::Statements;
use crate::Result;

fn edge(from: &str, to: &str) -> GraphEdge {
    GraphEdge {
        from: from.to_string(),
        to: to.to_string(),
        edge_type: "blocks".into(),
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
    let (ids, edges, critical_path) = with_graph(conn, graphs, &ticket.workflow_id, |g| -> Result<_> {
        // A ticket created without blockers may be missing from a cached
        // graph: it is an isolated node.
        if !g.contains(&id) {
            g.add_node(&id, ticket.is_resolved);
        }
        let ids = g.neighbourhood(&id, depth)?;
        let edges = g.edges_among(&ids, edge);
        let critical = g.critical_path(Some(&ids));
        Ok((ids, edges, critical))
    })
    .await??;
    let nodes = conn.graph_nodes(&ids).await?;
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
    let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let (edges, critical_path) = with_graph(conn, graphs, workflow_id, |g| {
        // Tickets created without blockers may be missing from a cached
        // graph: they are isolated nodes (needed for the critical path).
        for node in &nodes {
            if !g.contains(&node.id) {
                g.add_node(&node.id, node.is_resolved);
            }
        }
        (g.edges_among(&ids, edge), g.critical_path(None))
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
    nodes.sort_by_key(|n| path.iter().position(|id| *id == n.id));
    Ok(CriticalPath {
        critical_path: path,
        tickets: nodes,
    })
}
