//! The blocking graph of one workflow, in memory: cycle checks with the
//! cycle's path, how many tickets each ticket transitively unblocks, the
//! neighbourhood of a ticket and the critical path.
//!
//! Edges point from the blocker to the blocked ticket. The graph is kept
//! acyclic: [`DependencyGraph::add_edge`] refuses any edge that would close
//! a cycle of any length.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use smallvec::SmallVec;

use crate::DomainError;

mod changes;
mod ranks;

pub use changes::Change;

/// A ticket's index in the graph.
type Node = u32;

/// A ticket's neighbours: most tickets have a few, kept inline (no
/// allocation of their own), which halves a cached graph's memory.
type Neighbours = SmallVec<[Node; 4]>;

#[derive(Debug, Clone, Default)]
pub struct DependencyGraph {
    /// Id -> node; the id's text is shared with `ids`.
    index: HashMap<Arc<str>, Node>,
    ids: Vec<Arc<str>>,
    resolved: Vec<bool>,
    /// blocker -> tickets it blocks.
    blocks: Vec<Neighbours>,
    /// blocked -> its blockers.
    blocked_by: Vec<Neighbours>,
    /// Cached `unblocks_count` per node; cleared on every change.
    unblocks_memo: HashMap<Node, u64>,
}

impl DependencyGraph {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    pub fn edge_count(&self) -> usize {
        self.blocks.iter().map(|b| b.len()).sum()
    }

    fn node(&self, id: &str) -> Result<Node, DomainError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| DomainError::not_found("ticket", id))
    }

    /// Adds a ticket (idempotent; updates the resolved flag if present).
    pub fn add_node(&mut self, id: &str, resolved: bool) {
        if let Some(&node) = self.index.get(id) {
            self.resolved[node as usize] = resolved;
        } else {
            let node = self.ids.len() as Node;
            let id: Arc<str> = Arc::from(id);
            self.index.insert(id.clone(), node);
            self.ids.push(id);
            self.resolved.push(resolved);
            self.blocks.push(Neighbours::new());
            self.blocked_by.push(Neighbours::new());
        }
        self.unblocks_memo.clear();
    }

    pub fn is_resolved(&self, id: &str) -> Option<bool> {
        self.index.get(id).map(|&n| self.resolved[n as usize])
    }

    pub fn set_resolved(&mut self, id: &str, resolved: bool) -> Result<(), DomainError> {
        let node = self.node(id)?;
        self.resolved[node as usize] = resolved;
        self.unblocks_memo.clear();
        Ok(())
    }

    pub fn has_edge(&self, blocker: &str, blocked: &str) -> bool {
        match (self.index.get(blocker), self.index.get(blocked)) {
            (Some(&a), Some(&b)) => self.blocks[a as usize].contains(&b),
            _ => false,
        }
    }

    /// The cycle `blocker -> blocked -> ... -> blocker` that adding the edge
    /// would close, if any.
    pub fn cycle_if_added(&self, blocker: &str, blocked: &str) -> Result<Option<Vec<String>>, DomainError> {
        if blocker == blocked {
            return Err(DomainError::SelfBlock {
                ticket_id: blocker.to_string(),
            });
        }
        let from = self.node(blocked)?;
        let target = self.node(blocker)?;
        // Breadth-first from `blocked` along "blocks" edges, so the path we
        // report is a shortest one.
        let mut parent: HashMap<Node, Node> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = HashSet::from([from]);
        while let Some(node) = queue.pop_front() {
            if node == target {
                let mut path = vec![target];
                let mut cursor = target;
                while let Some(&p) = parent.get(&cursor) {
                    path.push(p);
                    cursor = p;
                }
                path.reverse(); // blocked ... blocker
                let mut cycle = vec![blocker.to_string()];
                cycle.extend(path.into_iter().map(|n| self.ids[n as usize].to_string()));
                return Ok(Some(cycle));
            }
            for &next in &self.blocks[node as usize] {
                if seen.insert(next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        Ok(None)
    }

    /// Adds `blocker -> blocked`. Returns false if the edge already existed.
    pub fn add_edge(&mut self, blocker: &str, blocked: &str) -> Result<bool, DomainError> {
        if let Some(path) = self.cycle_if_added(blocker, blocked)? {
            return Err(DomainError::DependencyCycle { path });
        }
        if self.has_edge(blocker, blocked) {
            return Ok(false);
        }
        let (a, b) = (self.node(blocker)?, self.node(blocked)?);
        self.blocks[a as usize].push(b);
        self.blocked_by[b as usize].push(a);
        self.unblocks_memo.clear();
        Ok(true)
    }

    /// Adds an edge read back from storage, where acyclicity was already
    /// checked when it was written: skips the cycle search, so loading a
    /// 100k-ticket graph stays linear. Unknown ids are an error.
    pub fn insert_stored_edge(&mut self, blocker: &str, blocked: &str) -> Result<(), DomainError> {
        let (a, b) = (self.node(blocker)?, self.node(blocked)?);
        if !self.blocks[a as usize].contains(&b) {
            self.blocks[a as usize].push(b);
            self.blocked_by[b as usize].push(a);
            self.unblocks_memo.clear();
        }
        Ok(())
    }

    /// Removes `blocker -> blocked`. Returns false if there was no such edge.
    pub fn remove_edge(&mut self, blocker: &str, blocked: &str) -> bool {
        let (Some(&a), Some(&b)) = (self.index.get(blocker), self.index.get(blocked)) else {
            return false;
        };
        let before = self.blocks[a as usize].len();
        self.blocks[a as usize].retain(|n| *n != b);
        self.blocked_by[b as usize].retain(|n| *n != a);
        let removed = self.blocks[a as usize].len() != before;
        if removed {
            self.unblocks_memo.clear();
        }
        removed
    }

    pub fn blockers_of(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map(|&n| {
                self.blocked_by[n as usize]
                    .iter()
                    .map(|&p| &*self.ids[p as usize])
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn dependents_of(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map(|&n| {
                self.blocks[n as usize]
                    .iter()
                    .map(|&c| &*self.ids[c as usize])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A ticket is blocked while any of its blockers is unresolved.
    pub fn is_blocked(&self, id: &str) -> bool {
        self.index
            .get(id)
            .is_some_and(|&n| self.blocked_by[n as usize].iter().any(|&p| !self.resolved[p as usize]))
    }

    /// The ticket plus everything upstream (its blockers, theirs, …) and
    /// downstream (what it blocks, …), up to `depth` steps each way.
    pub fn neighbourhood(&self, id: &str, depth: Option<u32>) -> Result<Vec<String>, DomainError> {
        let start = self.node(id)?;
        let mut included = HashSet::from([start]);
        for edges in [&self.blocked_by, &self.blocks] {
            let mut frontier = vec![start];
            let mut level = 0;
            let mut seen = HashSet::from([start]);
            while !frontier.is_empty() && depth.is_none_or(|d| level < d) {
                let mut next = Vec::new();
                for n in frontier {
                    for &m in &edges[n as usize] {
                        if seen.insert(m) {
                            next.push(m);
                        }
                    }
                }
                included.extend(next.iter().copied());
                frontier = next;
                level += 1;
            }
        }
        let mut ids: Vec<String> = included.into_iter().map(|n| self.ids[n as usize].to_string()).collect();
        ids.sort();
        Ok(ids)
    }

    /// Edges whose both ends are in `ids`, sorted by (blocker, blocked),
    /// each made by `edge(blocker, blocked)`: a whole workflow's answer is
    /// built without an intermediate copy of its (hundreds of thousands
    /// of) id pairs.
    pub fn edges_among<S: AsRef<str>, E>(&self, ids: &[S], mut edge: impl FnMut(&str, &str) -> E) -> Vec<E> {
        let set: HashSet<Node> = ids
            .iter()
            .filter_map(|id| self.index.get(id.as_ref()).copied())
            .collect();
        let mut pairs: Vec<(Node, Node)> = Vec::new();
        for &n in &set {
            for &c in &self.blocks[n as usize] {
                if set.contains(&c) {
                    pairs.push((n, c));
                }
            }
        }
        let id = |n: Node| &*self.ids[n as usize];
        pairs.sort_unstable_by(|a, b| (id(a.0), id(a.1)).cmp(&(id(b.0), id(b.1))));
        pairs.into_iter().map(|(n, c)| edge(id(n), id(c))).collect()
    }

    /// The longest chain of unresolved tickets among `ids` (all tickets when
    /// `None`), blocker first. Ties go to the chain ending at the smallest id.
    pub fn critical_path(&self, ids: Option<&[String]>) -> Vec<String> {
        let subset: Vec<Node> = match ids {
            Some(ids) => ids
                .iter()
                .filter_map(|id| self.index.get(id.as_str()).copied())
                .collect(),
            None => (0..self.ids.len() as Node).collect(),
        };
        let subset: Vec<Node> = subset.into_iter().filter(|&n| !self.resolved[n as usize]).collect();
        let order = self.topo_order(&subset);
        let mut best: HashMap<Node, (u32, Option<Node>)> = HashMap::with_capacity(order.len());
        for &n in &order {
            let mut entry = (1u32, None);
            for &p in &self.blocked_by[n as usize] {
                if let Some(&(len, _)) = best.get(&p) {
                    let better = len + 1 > entry.0
                        || (len + 1 == entry.0
                            && entry
                                .1
                                .is_some_and(|q: Node| self.ids[p as usize] < self.ids[q as usize]));
                    if better {
                        entry = (len + 1, Some(p));
                    }
                }
            }
            best.insert(n, entry);
        }
        let end = best
            .iter()
            .max_by(|a, b| {
                a.1 .0
                    .cmp(&b.1 .0)
                    .then_with(|| self.ids[*b.0 as usize].cmp(&self.ids[*a.0 as usize]))
            })
            .map(|(&n, _)| n);
        let mut path = Vec::new();
        let mut cursor = end;
        while let Some(n) = cursor {
            path.push(self.ids[n as usize].to_string());
            cursor = best.get(&n).and_then(|e| e.1);
        }
        path.reverse();
        path
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    pub(super) fn graph(nodes: &[&str], edges: &[(&str, &str)]) -> DependencyGraph {
        let mut g = DependencyGraph::new();
        for n in nodes {
            g.add_node(n, false);
        }
        for (a, b) in edges {
            g.add_edge(a, b).expect("edge accepted");
        }
        g
    }

    #[test]
    fn edges_among_keeps_both_ends_inside_sorted_by_blocker_then_blocked() {
        let g = graph(&["a", "b", "c", "d"], &[("c", "d"), ("a", "d"), ("a", "b"), ("b", "c")]);
        // b is left out: a->b and b->c go with it.
        let edges = g.edges_among(&["d", "a", "c"], |from, to| format!("{from}->{to}"));
        assert_eq!(edges, vec!["a->d", "c->d"]);
        let all = g.edges_among(&["a", "b", "c", "d"], |from, to| (from.to_string(), to.to_string()));
        let expected: Vec<(String, String)> = [("a", "b"), ("a", "d"), ("b", "c"), ("c", "d")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(all, expected);
    }

    #[test]
    fn cycle_of_any_length_is_refused_with_its_path() {
        let mut g = graph(&["a", "b", "c", "d"], &[("a", "b"), ("b", "c"), ("c", "d")]);
        let err = g.add_edge("d", "a").unwrap_err();
        assert_eq!(
            err,
            DomainError::DependencyCycle {
                path: vec!["d".into(), "a".into(), "b".into(), "c".into(), "d".into()]
            }
        );
        let err = g.add_edge("b", "a").unwrap_err();
        assert_eq!(
            err,
            DomainError::DependencyCycle {
                path: vec!["b".into(), "a".into(), "b".into()]
            }
        );
        assert_eq!(g.add_edge("a", "a").unwrap_err().code(), "self_block");
        assert_eq!(g.edge_count(), 3);
    }

    #[test]
    fn duplicate_edge_is_a_no_op() {
        let mut g = graph(&["a", "b"], &[("a", "b")]);
        assert!(!g.add_edge("a", "b").unwrap());
        assert_eq!(g.edge_count(), 1);
    }

    #[test]
    fn neighbourhood_respects_depth() {
        let g = graph(&["a", "b", "c", "d", "x"], &[("a", "b"), ("b", "c"), ("c", "d")]);
        assert_eq!(g.neighbourhood("b", None).unwrap(), vec!["a", "b", "c", "d"]);
        assert_eq!(g.neighbourhood("b", Some(1)).unwrap(), vec!["a", "b", "c"]);
        assert_eq!(g.neighbourhood("x", None).unwrap(), vec!["x"]);
    }

    #[test]
    fn critical_path_is_the_longest_unresolved_chain() {
        let mut g = graph(
            &["infra", "db", "auth", "api", "front", "docs"],
            &[
                ("infra", "db"),
                ("db", "auth"),
                ("db", "api"),
                ("auth", "front"),
                ("api", "front"),
                ("infra", "docs"),
            ],
        );
        assert_eq!(g.critical_path(None), vec!["infra", "db", "api", "front"]);
        g.set_resolved("infra", true).unwrap();
        assert_eq!(g.critical_path(None), vec!["db", "api", "front"]);
    }

    /// Brute force: is there a path from `from` to `to` over edges?
    fn reaches(edges: &[(usize, usize)], from: usize, to: usize) -> bool {
        let mut stack = vec![from];
        let mut seen = HashSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(edges.iter().filter(|e| e.0 == n).map(|e| e.1));
            }
        }
        false
    }

    proptest! {
        #[test]
        fn no_accepted_edge_set_contains_a_cycle(
            ops in proptest::collection::vec((0usize..12, 0usize..12, any::<bool>()), 0..80)
        ) {
            let mut g = DependencyGraph::new();
            let names: Vec<String> = (0..12).map(|i| format!("t{i}")).collect();
            for n in &names { g.add_node(n, false); }
            let mut accepted: Vec<(usize, usize)> = Vec::new();
            for (a, b, remove) in ops {
                if remove {
                    if g.remove_edge(&names[a], &names[b]) {
                        accepted.retain(|e| *e != (a, b));
                    }
                    continue;
                }
                match g.add_edge(&names[a], &names[b]) {
                    Ok(true) => accepted.push((a, b)),
                    Ok(false) => prop_assert!(accepted.contains(&(a, b))),
                    Err(DomainError::SelfBlock { .. }) => prop_assert_eq!(a, b),
                    Err(DomainError::DependencyCycle { path }) => {
                        // The refusal is justified: b already reached a, and the
                        // reported path is made of real edges plus the new one.
                        prop_assert!(reaches(&accepted, b, a));
                        prop_assert_eq!(path.first(), path.last());
                        for pair in path.windows(2).skip(1) {
                            let x = names.iter().position(|n| *n == pair[0]).unwrap();
                            let y = names.iter().position(|n| *n == pair[1]).unwrap();
                            prop_assert!(accepted.contains(&(x, y)));
                        }
                    }
                    Err(other) => prop_assert!(false, "unexpected error {other}"),
                }
                // Invariant: no node reaches itself.
                for i in 0..12 {
                    for &(x, y) in accepted.iter().filter(|e| e.0 == i) {
                        prop_assert!(!reaches(&accepted, y, x), "cycle through {x}->{y}");
                    }
                }
            }
        }

        #[test]
        fn unblocks_counts_match_brute_force(
            edges in proptest::collection::vec((0usize..15, 0usize..15), 0..40),
            resolved in proptest::collection::vec(any::<bool>(), 15),
        ) {
            let mut g = DependencyGraph::new();
            let names: Vec<String> = (0..15).map(|i| format!("t{i}")).collect();
            for (i, n) in names.iter().enumerate() { g.add_node(n, resolved[i]); }
            let mut accepted = Vec::new();
            for (a, b) in edges {
                if g.add_edge(&names[a], &names[b]).unwrap_or(false) { accepted.push((a, b)); }
            }
            let ids: Vec<&str> = names.iter().map(String::as_str).collect();
            let counts = g.unblocks_counts(&ids);
            for i in 0..15 {
                // Brute force over the unresolved subgraph only.
                let live: Vec<(usize, usize)> = accepted.iter().copied()
                    .filter(|&(x, y)| !resolved[x] && !resolved[y]).collect();
                let expected = if resolved[i] {
                    0
                } else {
                    (0..15).filter(|&j| j != i && !resolved[j] && reaches(&live, i, j)).count() as u64
                };
                prop_assert_eq!(counts[i], expected, "node {}", i);
            }
        }
    }
}
