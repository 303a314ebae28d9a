//! Hierarchy: a ticket may have a parent in its own workflow (an epic and
//! its stories, a story and its sub-tasks), at any depth and never in a
//! loop. A parent is done only when its children are: resolving one with
//! unresolved children is refused unless forced ([`check_resolve`]), and
//! the ready queue never offers it while any child is open.
//!
//! Links are the looser relations a ticket brings from another tracker
//! (beads' `related` and `discovered-from`): kept and shown, never rules.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::refs::TicketRef;
use crate::DomainError;

/// A descendant of a ticket, as `GET /api/tickets/{id}` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChildTicket {
    pub id: String,
    pub title: String,
    pub status: String,
    pub is_resolved: bool,
    pub is_blocked: bool,
    /// Its parent: the ticket asked about for a direct child (depth 1).
    pub parent_id: String,
    /// 1 for a direct child, 2 for a grandchild, …
    pub depth: u32,
}

/// How far a ticket's descendants are: resolved of total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Progress {
    pub resolved: u64,
    pub total: u64,
}

/// One row of a ticket's subtree as a store reads it (any order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubtreeRow {
    pub id: String,
    pub parent_id: String,
    pub title: String,
    pub status: String,
    pub is_resolved: bool,
    pub is_blocked: bool,
    /// Creation order, to list siblings oldest first.
    pub seq: i64,
}

/// The subtree under `root` in depth-first order (siblings oldest first),
/// each with its depth, and the progress over all of them.
pub fn tree(root: &str, rows: Vec<SubtreeRow>) -> (Vec<ChildTicket>, Progress) {
    let mut by_parent: HashMap<String, Vec<SubtreeRow>> = HashMap::new();
    for row in rows {
        by_parent.entry(row.parent_id.clone()).or_default().push(row);
    }
    for siblings in by_parent.values_mut() {
        siblings.sort_by_key(|r| r.seq);
    }
    let mut out = Vec::new();
    let mut progress = Progress::default();
    // (parent, depth) to expand; a stack of iterators keeps depth-first order.
    let mut stack: Vec<(Vec<SubtreeRow>, u32)> = Vec::new();
    if let Some(children) = by_parent.remove(root) {
        stack.push((children.into_iter().rev().collect(), 1));
    }
    while let Some((mut pending, depth)) = stack.pop() {
        let Some(row) = pending.pop() else { continue };
        let id = row.id.clone();
        progress.total += 1;
        progress.resolved += u64::from(row.is_resolved);
        out.push(ChildTicket {
            id: row.id,
            title: row.title,
            status: row.status,
            is_resolved: row.is_resolved,
            is_blocked: row.is_blocked,
            parent_id: row.parent_id,
            depth,
        });
        stack.push((pending, depth));
        if let Some(children) = by_parent.remove(&id) {
            stack.push((children.into_iter().rev().collect(), depth + 1));
        }
    }
    (out, progress)
}

/// Checks a new parent for `ticket_id` (in `workflow_id`): not itself, in
/// the same workflow, and not one of its own descendants. `ancestors` are
/// the proposed parent's ancestors, nearest first (its parent, its
/// grandparent, …), as stored.
pub fn check_parent(
    ticket_id: Option<&str>,
    workflow_id: &str,
    parent: &TicketRef,
    parent_workflow: &str,
    ancestors: &[String],
) -> Result<(), DomainError> {
    if parent_workflow != workflow_id {
        return Err(DomainError::validation(
            "parent_id",
            format!(
                "{} is in workflow {parent_workflow}, not {workflow_id}; a parent must be in the ticket's own workflow",
                parent.id
            ),
        ));
    }
    let Some(ticket_id) = ticket_id else {
        return Ok(());
    };
    if parent.id == ticket_id {
        return Err(DomainError::validation(
            "parent_id",
            "a ticket cannot be its own parent",
        ));
    }
    if let Some(at) = ancestors.iter().position(|a| a == ticket_id) {
        // ticket -> parent -> ancestors[0] -> ... -> ticket
        let mut path = vec![ticket_id.to_string(), parent.id.clone()];
        path.extend(ancestors[..=at].iter().cloned());
        return Err(DomainError::ParentCycle {
            ticket_id: ticket_id.to_string(),
            parent_id: parent.id.clone(),
            path,
        });
    }
    Ok(())
}

/// Resolving a ticket: refused while any child is unresolved, unless forced.
pub fn check_resolve(ticket_id: &str, open_children: Vec<TicketRef>, force: bool) -> Result<(), DomainError> {
    if open_children.is_empty() || force {
        return Ok(());
    }
    Err(DomainError::ChildrenOpen {
        ticket_id: ticket_id.to_string(),
        children: open_children,
    })
}

/// How a link relates two tickets (from another tracker; no rule follows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The tickets concern each other.
    Related,
    /// This ticket was found while working on the target.
    DiscoveredFrom,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Related => "related",
            LinkKind::DiscoveredFrom => "discovered_from",
        }
    }

    pub fn parse(text: &str) -> Option<LinkKind> {
        match text {
            "related" => Some(LinkKind::Related),
            "discovered_from" => Some(LinkKind::DiscoveredFrom),
            _ => None,
        }
    }
}

/// A link kept on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketLink {
    pub kind: LinkKind,
    /// A ticket id, or the other tracker's id when that ticket is not in Tix.
    pub target: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, parent: &str, seq: i64, resolved: bool) -> SubtreeRow {
        SubtreeRow {
            id: id.into(),
            parent_id: parent.into(),
            title: id.to_uppercase(),
            status: "backlog".into(),
            is_resolved: resolved,
            is_blocked: false,
            seq,
        }
    }

    fn r(id: &str) -> TicketRef {
        TicketRef {
            id: id.into(),
            title: id.into(),
            status: "backlog".into(),
            is_resolved: false,
        }
    }

    #[test]
    fn the_tree_is_depth_first_with_siblings_oldest_first() {
        let rows = vec![
            row("c", "epic", 3, false),
            row("a", "epic", 1, true),
            row("a2", "a", 5, false),
            row("a1", "a", 4, true),
            row("b", "epic", 2, false),
        ];
        let (tree, progress) = tree("epic", rows);
        let order: Vec<(&str, u32)> = tree.iter().map(|c| (c.id.as_str(), c.depth)).collect();
        assert_eq!(order, vec![("a", 1), ("a1", 2), ("a2", 2), ("b", 1), ("c", 1)]);
        assert_eq!(progress, Progress { resolved: 2, total: 5 });
        assert_eq!(tree[1].parent_id, "a");
    }

    #[test]
    fn a_parent_must_not_close_a_loop() {
        assert!(check_parent(Some("t"), "wf", &r("p"), "wf", &["g".into()]).is_ok());
        assert!(check_parent(None, "wf", &r("p"), "wf", &[]).is_ok());
        let own = check_parent(Some("t"), "wf", &r("t"), "wf", &[]).unwrap_err();
        assert_eq!(own.code(), "validation_failed");
        let other = check_parent(Some("t"), "wf", &r("p"), "wf-2", &[]).unwrap_err();
        assert!(other.to_string().contains("own workflow"), "{other}");
        let cycle = check_parent(Some("t"), "wf", &r("p"), "wf", &["g".into(), "t".into(), "x".into()]).unwrap_err();
        assert_eq!(
            cycle,
            DomainError::ParentCycle {
                ticket_id: "t".into(),
                parent_id: "p".into(),
                path: vec!["t".into(), "p".into(), "g".into(), "t".into()],
            }
        );
    }

    #[test]
    fn open_children_refuse_a_resolve_unless_forced() {
        assert!(check_resolve("p", vec![], false).is_ok());
        assert!(check_resolve("p", vec![r("c")], true).is_ok());
        let refused = check_resolve("p", vec![r("c")], false).unwrap_err();
        assert_eq!(refused.code(), "children_open");
        assert!(refused.hint().contains("force"), "{}", refused.hint());
    }

    #[test]
    fn link_kinds_round_trip() {
        for kind in [LinkKind::Related, LinkKind::DiscoveredFrom] {
            assert_eq!(LinkKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.as_str())));
        }
    }
}
