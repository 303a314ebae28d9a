//! `tix graph ID`: the dependency tree around a ticket, drawn in the
//! terminal. What the ticket waits for is drawn above it (each blocker with
//! its own blockers nested below), what waits for it below; tickets on the
//! critical path carry a star.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tix_core::ticket::{GraphNode, TicketGraph};

use crate::cli::GraphArgs;
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output;

const CRITICAL_MARK: &str = "★";

pub async fn run(ctx: &Ctx, args: GraphArgs) -> Result<()> {
    let graph = ctx.client.ticket_graph(&args.id, args.depth).await?;
    if ctx.json {
        output::print_json(&graph);
        return Ok(());
    }
    let root = find_root(&graph, &args.id).ok_or_else(|| {
        Failure::new(
            "unexpected_response",
            format!("the graph of {} does not contain the ticket", args.id),
        )
        .with_hint("Use the full ticket id.")
    })?;
    print!("{}", render(&graph, &root));
    Ok(())
}

/// The node the user named: an exact id, else the one node the prefix matches.
fn find_root(graph: &TicketGraph, input: &str) -> Option<String> {
    let prefix = tix_core::ids::normalise_ticket_ref(input).ok()?;
    if graph.nodes.iter().any(|n| *n.id == *prefix) {
        return Some(prefix);
    }
    let mut matches = graph.nodes.iter().filter(|n| n.id.starts_with(&prefix));
    match (matches.next(), matches.next()) {
        (Some(node), None) => Some(node.id.to_string()),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Direction {
    /// Towards blockers.
    Up,
    /// Towards dependents.
    Down,
}

struct View<'a> {
    nodes: HashMap<&'a str, &'a GraphNode>,
    blockers: HashMap<&'a str, Vec<&'a str>>,
    dependents: HashMap<&'a str, Vec<&'a str>>,
    critical: HashSet<&'a str>,
}

impl<'a> View<'a> {
    fn new(graph: &'a TicketGraph) -> Self {
        let order: HashMap<&str, usize> = graph.nodes.iter().enumerate().map(|(i, n)| (&*n.id, i)).collect();
        let mut blockers: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut dependents: HashMap<&str, Vec<&str>> = HashMap::new();
        for edge in &graph.edges {
            blockers.entry(&*edge.to).or_default().push(&*edge.from);
            dependents.entry(&*edge.from).or_default().push(&*edge.to);
        }
        for list in blockers.values_mut().chain(dependents.values_mut()) {
            list.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
            list.dedup();
        }
        View {
            nodes: graph.nodes.iter().map(|n| (&*n.id, n)).collect(),
            blockers,
            dependents,
            critical: graph.critical_path.iter().map(String::as_str).collect(),
        }
    }

    fn next(&self, id: &str, direction: Direction) -> &[&'a str] {
        let map = match direction {
            Direction::Up => &self.blockers,
            Direction::Down => &self.dependents,
        };
        map.get(id).map(Vec::as_slice).unwrap_or_default()
    }

    fn label(&self, id: &str) -> String {
        let Some(node) = self.nodes.get(id) else {
            return id.to_string();
        };
        let mut label = format!(
            "{} {}  {}  [{}]",
            output::mark(node.is_resolved, node.is_blocked),
            node.id,
            output::truncate(&node.title, 60),
            node.status
        );
        if let Some(agent) = &node.assigned_agent_id {
            label.push_str(&format!(" @{agent}"));
        }
        if self.critical.contains(id) {
            label.push(' ');
            label.push_str(CRITICAL_MARK);
        }
        label
    }

    fn draw_all(&self, top: &[&str], direction: Direction, out: &mut String) {
        let mut seen = HashSet::new();
        for (i, id) in top.iter().enumerate() {
            self.draw(id, direction, "", i + 1 == top.len(), &mut seen, out);
        }
    }

    fn draw(
        &self,
        id: &str,
        direction: Direction,
        prefix: &str,
        last: bool,
        seen: &mut HashSet<String>,
        out: &mut String,
    ) {
        let connector = if last { "└── " } else { "├── " };
        out.push_str(prefix);
        out.push_str(connector);
        out.push_str(&self.label(id));
        let children = self.next(id, direction);
        if !seen.insert(id.to_string()) && !children.is_empty() {
            out.push_str("  (see above)\n");
            return;
        }
        out.push('\n');
        let child_prefix = format!("{prefix}{}", if last { "    " } else { "│   " });
        for (i, child) in children.iter().enumerate() {
            self.draw(child, direction, &child_prefix, i + 1 == children.len(), seen, out);
        }
    }
}

/// Draws the tree around `root`.
pub fn render(graph: &TicketGraph, root: &str) -> String {
    let view = View::new(graph);
    let mut out = String::new();
    let blockers = view.next(root, Direction::Up);
    if blockers.is_empty() {
        out.push_str("waits for: nothing\n");
    } else {
        out.push_str("waits for (upstream blockers):\n");
        view.draw_all(blockers, Direction::Up, &mut out);
    }
    out.push_str(&format!("▶ {}\n", view.label(root)));
    let dependents = view.next(root, Direction::Down);
    if dependents.is_empty() {
        out.push_str("nothing waits for it\n");
    } else {
        out.push_str("waited on by (downstream dependents):\n");
        view.draw_all(dependents, Direction::Down, &mut out);
    }
    out.push('\n');
    if graph.critical_path.is_empty() {
        out.push_str("critical path: none (nothing here is left to do)\n");
    } else {
        out.push_str(&format!(
            "critical path {CRITICAL_MARK}: {}\n",
            graph.critical_path.join(" → ")
        ));
    }
    out.push_str(&format!(
        "{} resolved  {} blocked  {} open  {CRITICAL_MARK} on the critical path\n",
        output::RESOLVED_MARK,
        output::BLOCKED_MARK,
        output::OPEN_MARK
    ));
    out
}

#[cfg(test)]
mod tests {
    use tix_core::ticket::{GraphEdge, Priority};

    use super::*;

    fn node(id: &str, status: &str, resolved: bool, blocked: bool) -> GraphNode {
        GraphNode {
            id: id.into(),
            title: format!("T {id}"),
            status: status.into(),
            ticket_type: "component".into(),
            priority: Priority::Medium,
            assigned_agent_id: None,
            is_resolved: resolved,
            is_blocked: blocked,
        }
    }

    fn edge(from: &str, to: &str) -> GraphEdge {
        GraphEdge {
            from: from.into(),
            to: to.into(),
            edge_type: "blocks".into(),
        }
    }

    #[test]
    fn draws_blockers_above_and_dependents_below() {
        // infra -> db -> auth -> {api, fe}; api -> fe
        let graph = TicketGraph {
            nodes: vec![
                node("ticket-infra", "done", true, false),
                node("ticket-db", "testing", false, false),
                node("ticket-auth", "backlog", false, true),
                node("ticket-api", "backlog", false, true),
                node("ticket-fe", "backlog", false, true),
            ],
            edges: vec![
                edge("ticket-infra", "ticket-db"),
                edge("ticket-db", "ticket-auth"),
                edge("ticket-auth", "ticket-api"),
                edge("ticket-auth", "ticket-fe"),
                edge("ticket-api", "ticket-fe"),
            ],
            critical_path: vec![
                "ticket-db".into(),
                "ticket-auth".into(),
                "ticket-api".into(),
                "ticket-fe".into(),
            ],
        };
        let text = render(&graph, "ticket-auth");
        let expected = "\
waits for (upstream blockers):
└── ○ ticket-db  T ticket-db  [testing] ★
    └── ✓ ticket-infra  T ticket-infra  [done]
▶ ⊘ ticket-auth  T ticket-auth  [backlog] ★
waited on by (downstream dependents):
├── ⊘ ticket-api  T ticket-api  [backlog] ★
│   └── ⊘ ticket-fe  T ticket-fe  [backlog] ★
└── ⊘ ticket-fe  T ticket-fe  [backlog] ★

critical path ★: ticket-db → ticket-auth → ticket-api → ticket-fe
✓ resolved  ⊘ blocked  ○ open  ★ on the critical path
";
        assert_eq!(text, expected);
        assert_eq!(find_root(&graph, "AUTH").as_deref(), Some("ticket-auth"));
        assert_eq!(find_root(&graph, "zzz"), None);
        assert_eq!(find_root(&graph, "ticket-au").as_deref(), Some("ticket-auth"));
    }

    #[test]
    fn shared_subtrees_are_drawn_once() {
        // a -> b, a -> c, b -> d, c -> d, d -> e: e's subtree below d shows once.
        let graph = TicketGraph {
            nodes: ["a", "b", "c", "d", "e"]
                .iter()
                .map(|id| node(&format!("ticket-{id}"), "backlog", false, false))
                .collect(),
            edges: vec![
                edge("ticket-a", "ticket-b"),
                edge("ticket-a", "ticket-c"),
                edge("ticket-b", "ticket-d"),
                edge("ticket-c", "ticket-d"),
                edge("ticket-d", "ticket-e"),
            ],
            critical_path: vec![],
        };
        let text = render(&graph, "ticket-a");
        assert!(text.contains("(see above)"), "{text}");
        assert_eq!(text.matches("○ ticket-e").count(), 1, "{text}");
        assert!(text.starts_with("waits for: nothing\n▶ "), "{text}");
    }
}
