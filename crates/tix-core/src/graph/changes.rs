//! Changes a write makes to a graph: applied for good after it commits,
//! or for the moment (`with_changes`) while it computes on the graph it is
//! making.

use super::{DependencyGraph, Node};
use crate::DomainError;

/// A change a write makes to a workflow's graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Node { id: String, resolved: bool },
    Edge { blocker: String, blocked: String },
    RemoveEdge { blocker: String, blocked: String },
    Resolved { id: String, resolved: bool },
}

/// How to take one applied [`Change`] back.
#[derive(Debug, Clone, Copy)]
pub(super) enum Undo {
    RemoveLastNode,
    Resolved(Node, bool),
    RemoveEdge(Node, Node),
    AddEdge(Node, Node),
}

impl DependencyGraph {
    /// Applies a change (changes are idempotent; an edge to or from an
    /// unknown ticket is an error). Answers how to take it back, when it
    /// changed anything.
    fn apply_change(&mut self, change: &Change) -> Result<Option<Undo>, DomainError> {
        Ok(match change {
            Change::Node { id, resolved } => match self.index.get(id.as_str()).copied() {
                Some(node) => {
                    let before = self.resolved[node as usize];
                    self.add_node(id, *resolved);
                    (before != *resolved).then_some(Undo::Resolved(node, before))
                }
                None => {
                    self.add_node(id, *resolved);
                    Some(Undo::RemoveLastNode)
                }
            },
            Change::Edge { blocker, blocked } => {
                if self.add_edge(blocker, blocked)? {
                    Some(Undo::RemoveEdge(self.node(blocker)?, self.node(blocked)?))
                } else {
                    None
                }
            }
            Change::RemoveEdge { blocker, blocked } => {
                let ends = (
                    self.index.get(blocker.as_str()).copied(),
                    self.index.get(blocked.as_str()).copied(),
                );
                match ends {
                    (Some(a), Some(b)) if self.remove_edge(blocker, blocked) => Some(Undo::AddEdge(a, b)),
                    _ => None,
                }
            }
            Change::Resolved { id, resolved } => {
                let node = self.node(id)?;
                let before = self.resolved[node as usize];
                self.set_resolved(id, *resolved)?;
                (before != *resolved).then_some(Undo::Resolved(node, before))
            }
        })
    }

    fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::RemoveLastNode => {
                if let Some(id) = self.ids.pop() {
                    self.index.remove(&*id);
                    self.resolved.pop();
                    self.blocks.pop();
                    self.blocked_by.pop();
                }
            }
            Undo::Resolved(node, resolved) => self.resolved[node as usize] = resolved,
            Undo::RemoveEdge(a, b) => {
                self.blocks[a as usize].retain(|n| *n != b);
                self.blocked_by[b as usize].retain(|n| *n != a);
            }
            Undo::AddEdge(a, b) => {
                self.blocks[a as usize].push(b);
                self.blocked_by[b as usize].push(a);
            }
        }
        self.unblocks_memo.clear();
    }

    /// The tickets `changes` name that this graph does not know yet, as
    /// changes adding them: tickets created without blockers elsewhere are
    /// not in a cached graph until a change names them (they were isolated).
    pub fn unknown_nodes(&self, changes: &[Change]) -> Vec<Change> {
        let mut added: Vec<String> = Vec::new();
        let mut named: Vec<&str> = Vec::new();
        for change in changes {
            match change {
                Change::Node { id, .. } => added.push(id.clone()),
                Change::Edge { blocker, blocked } | Change::RemoveEdge { blocker, blocked } => {
                    named.push(blocker);
                    named.push(blocked);
                }
                Change::Resolved { id, .. } => named.push(id),
            }
        }
        let mut missing: Vec<Change> = Vec::new();
        for id in named {
            let new = !self.contains(id) && !added.iter().any(|a| a == id);
            if new {
                added.push(id.to_string());
                missing.push(Change::Node {
                    id: id.to_string(),
                    resolved: false,
                });
            }
        }
        missing
    }

    /// Applies the changes for good (see [`Change`]).
    pub fn apply(&mut self, changes: &[Change]) -> Result<(), DomainError> {
        for change in changes {
            self.apply_change(change)?;
        }
        Ok(())
    }

    /// Runs `f` on the graph with `changes` applied, then takes them back:
    /// a write computes on the graph it is making without changing the
    /// graph others see before it commits.
    pub fn with_changes<T>(&mut self, changes: &[Change], f: impl FnOnce(&mut Self) -> T) -> Result<T, DomainError> {
        let mut undo: Vec<Undo> = Vec::new();
        for change in changes {
            match self.apply_change(change) {
                Ok(Some(step)) => undo.push(step),
                Ok(None) => {}
                Err(err) => {
                    for step in undo.into_iter().rev() {
                        self.undo(step);
                    }
                    return Err(err);
                }
            }
        }
        let out = f(self);
        for step in undo.into_iter().rev() {
            self.undo(step);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::graph;
    use super::*;

    #[test]
    fn changes_apply_inside_and_are_taken_back() {
        let mut g = graph(&["a", "b"], &[("a", "b")]);
        let changes = vec![
            Change::Node {
                id: "c".into(),
                resolved: false,
            },
            Change::Edge {
                blocker: "b".into(),
                blocked: "c".into(),
            },
            Change::Resolved {
                id: "a".into(),
                resolved: true,
            },
            Change::RemoveEdge {
                blocker: "a".into(),
                blocked: "b".into(),
            },
        ];
        let inside = g
            .with_changes(&changes, |g| (g.len(), g.unblocks_counts(&["b"]), g.is_resolved("a")))
            .unwrap();
        assert_eq!(inside, (3, vec![1], Some(true)));
        assert_eq!((g.len(), g.edge_count(), g.is_resolved("a")), (2, 1, Some(false)));
        assert!(g.has_edge("a", "b") && !g.contains("c"));
        assert_eq!(g.unblocks_counts(&["a"]), vec![1]);
        // A change that cannot apply takes back the ones before it.
        let bad = vec![
            Change::Node {
                id: "d".into(),
                resolved: false,
            },
            Change::Edge {
                blocker: "b".into(),
                blocked: "a".into(),
            },
        ];
        assert!(g.with_changes(&bad, |_| ()).is_err());
        assert!(!g.contains("d"));
        g.apply(&changes).unwrap();
        assert_eq!((g.len(), g.is_resolved("a")), (3, Some(true)));
    }
}
