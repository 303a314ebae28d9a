//! The blocking graph of one workflow, in memory: cycle checks with the
//! cycle's path, how many tickets each ticket transitively unblocks, the
//! neighbourhood of a ticket and the critical path.
//!
//! Edges point from the blocker to the blocked ticket. The graph is kept
//! acyclic: [`DependencyGraph::add_edge`] refuses any edge that would close
//! a cycle of any length.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::DomainError;

type Node = u32;

#[derive(Debug, Clone, Default)]
pub struct DependencyGraph {
    index: HashMap<String, Node>,
    ids: Vec<String>,
    resolved: Vec<bool>,
    /// blocker -> tickets it blocks.
    blocks: Vec<Vec<Node>>,
    /// blocked -> its blockers.
    blocked_by: Vec<Vec<Node>>,
    /// Cached `unblocks_count` per node; cleared on every change.
    unblocks_memo: HashMap<Node, u64>,
}

/// Candidates processed per pass of the bitset propagation (64 words each).
const CANDIDATES_PER_PASS: usize = 4096;

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
enum Undo {
    RemoveLastNode,
    Resolved(Node, bool),
    RemoveEdge(Node, Node),
    AddEdge(Node, Node),
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
        self.blocks.iter().map(Vec::len).sum()
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
            self.index.insert(id.to_string(), node);
            self.ids.push(id.to_string());
            self.resolved.push(resolved);
            self.blocks.push(Vec::new());
            self.blocked_by.push(Vec::new());
        }
        self.unblocks_memo.clear();
    }

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
                    self.index.remove(&id);
                    self.resolved.pop();
                    self.blocks.pop();
                    self.blocked_by.pop();
                }
            }
            Undo::Resolved(node, resolved) => self.resolved[node as usize] = resolved,
            Undo::RemoveEdge(a, b) => {
                self.blocks[a as usize].retain(|&n| n != b);
                self.blocked_by[b as usize].retain(|&n| n != a);
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

    /// Unresolved, with no unresolved blocker: a ticket the ready queue may
    /// offer (its other conditions, column and holder, live elsewhere).
    fn is_open_root(&self, node: Node) -> bool {
        !self.resolved[node as usize]
            && self.blocked_by[node as usize]
                .iter()
                .all(|&p| self.resolved[p as usize])
    }

    /// The open roots (unresolved tickets with no unresolved blocker) whose
    /// unblock count `changes` (already applied) may have changed: those
    /// above each changed ticket through unresolved tickets, and the
    /// tickets a change touched directly (a new ticket, a dependent that
    /// lost its last open blocker). Unknown ids are skipped.
    pub fn ranks_touched(&self, changes: &[Change]) -> Vec<String> {
        let mut starts: Vec<Node> = Vec::new();
        let mut direct: Vec<Node> = Vec::new();
        let known = |id: &str| self.index.get(id).copied();
        for change in changes {
            match change {
                Change::Node { id, .. } => direct.extend(known(id)),
                Change::Edge { blocker, blocked } | Change::RemoveEdge { blocker, blocked } => {
                    starts.extend(known(blocker));
                    direct.extend(known(blocked));
                }
                Change::Resolved { id, .. } => {
                    if let Some(node) = known(id) {
                        starts.push(node);
                        direct.extend(self.blocks[node as usize].iter().copied());
                    }
                }
            }
        }
        let mut seen = vec![false; self.ids.len()];
        let mut touched: Vec<Node> = Vec::new();
        let mut stack: Vec<Node> = Vec::new();
        for &start in &starts {
            if !seen[start as usize] {
                seen[start as usize] = true;
                stack.push(start);
            }
        }
        while let Some(node) = stack.pop() {
            if self.is_open_root(node) {
                touched.push(node);
            }
            for &parent in &self.blocked_by[node as usize] {
                if !seen[parent as usize] && !self.resolved[parent as usize] {
                    seen[parent as usize] = true;
                    stack.push(parent);
                }
            }
        }
        for node in direct {
            if !seen[node as usize] && self.is_open_root(node) {
                seen[node as usize] = true;
                touched.push(node);
            }
        }
        touched.sort_unstable();
        touched.into_iter().map(|n| self.ids[n as usize].clone()).collect()
    }

    /// Every open root (unresolved, no unresolved blocker).
    pub fn open_roots(&self) -> Vec<String> {
        (0..self.ids.len() as Node)
            .filter(|&n| self.is_open_root(n))
            .map(|n| self.ids[n as usize].clone())
            .collect()
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
                cycle.extend(path.into_iter().map(|n| self.ids[n as usize].clone()));
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
        self.blocks[a as usize].retain(|&n| n != b);
        self.blocked_by[b as usize].retain(|&n| n != a);
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
                    .map(|&p| self.ids[p as usize].as_str())
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
                    .map(|&c| self.ids[c as usize].as_str())
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

    /// For each id, how many unresolved tickets it transitively unblocks:
    /// the unresolved tickets reachable from it through unresolved tickets.
    /// Unknown and resolved ids count 0. Results are cached until the graph changes.
    ///
    /// Exact, in one pass over the graph per 4,096 candidates: every
    /// candidate's bit is propagated down in topological order and each
    /// node's bits are counted, so shared descendants are never counted twice.
    pub fn unblocks_counts(&mut self, ids: &[&str]) -> Vec<u64> {
        let nodes: Vec<Option<Node>> = ids.iter().map(|id| self.index.get(*id).copied()).collect();
        let missing: Vec<Node> = {
            let mut set: Vec<Node> = nodes
                .iter()
                .flatten()
                .copied()
                .filter(|n| !self.unblocks_memo.contains_key(n))
                .collect();
            set.sort_unstable();
            set.dedup();
            set
        };
        // Resolved tickets unblock nothing more, and tickets with no
        // unresolved dependent trivially count 0.
        let (leaves, work): (Vec<Node>, Vec<Node>) = missing.into_iter().partition(|&n| {
            self.resolved[n as usize] || !self.blocks[n as usize].iter().any(|&c| !self.resolved[c as usize])
        });
        for node in leaves {
            self.unblocks_memo.insert(node, 0);
        }
        for chunk in work.chunks(CANDIDATES_PER_PASS) {
            let counts = self.count_reachable(chunk);
            for (&node, count) in chunk.iter().zip(counts) {
                self.unblocks_memo.insert(node, count);
            }
        }
        nodes
            .iter()
            .map(|n| n.and_then(|n| self.unblocks_memo.get(&n).copied()).unwrap_or(0))
            .collect()
    }

    /// Unresolved nodes reachable from `sources` through unresolved nodes.
    fn reachable_unresolved(&self, sources: &[Node]) -> Vec<Node> {
        let mut seen = vec![false; self.ids.len()];
        let mut order = Vec::new();
        let mut stack: Vec<Node> = Vec::new();
        for &s in sources {
            if !seen[s as usize] {
                seen[s as usize] = true;
                stack.push(s);
            }
        }
        while let Some(node) = stack.pop() {
            order.push(node);
            for &next in &self.blocks[node as usize] {
                if !seen[next as usize] && !self.resolved[next as usize] {
                    seen[next as usize] = true;
                    stack.push(next);
                }
            }
        }
        order
    }

    /// Topological order (blockers first) of `subset`, over edges inside it.
    fn topo_order(&self, subset: &[Node]) -> Vec<Node> {
        let mut local: HashMap<Node, usize> = HashMap::with_capacity(subset.len());
        for (i, &n) in subset.iter().enumerate() {
            local.insert(n, i);
        }
        let mut indegree = vec![0usize; subset.len()];
        for &n in subset {
            for c in &self.blocks[n as usize] {
                if let Some(&ci) = local.get(c) {
                    indegree[ci] += 1;
                }
            }
        }
        let mut queue: VecDeque<Node> = subset.iter().copied().filter(|n| indegree[local[n]] == 0).collect();
        let mut order = Vec::with_capacity(subset.len());
        while let Some(n) = queue.pop_front() {
            order.push(n);
            for c in &self.blocks[n as usize] {
                if let Some(&ci) = local.get(c) {
                    indegree[ci] -= 1;
                    if indegree[ci] == 0 {
                        queue.push_back(*c);
                    }
                }
            }
        }
        order
    }

    fn count_reachable(&self, candidates: &[Node]) -> Vec<u64> {
        let words = candidates.len().div_ceil(64);
        let reach = self.reachable_unresolved(candidates);
        let order = self.topo_order(&reach);
        let mut slot: HashMap<Node, usize> = HashMap::with_capacity(order.len());
        for (i, &n) in order.iter().enumerate() {
            slot.insert(n, i);
        }
        let mut bits = vec![0u64; order.len() * words];
        for (k, c) in candidates.iter().enumerate() {
            if let Some(&s) = slot.get(c) {
                bits[s * words + k / 64] |= 1 << (k % 64);
            }
        }
        for (i, &n) in order.iter().enumerate() {
            for c in &self.blocks[n as usize] {
                if let Some(&j) = slot.get(c) {
                    // j comes after i in topological order, so split there.
                    let (head, tail) = bits.split_at_mut(j * words);
                    let src = &head[i * words..i * words + words];
                    for (dst, s) in tail[..words].iter_mut().zip(src) {
                        *dst |= *s;
                    }
                }
            }
        }
        let mut counts = vec![0u64; candidates.len()];
        for row in bits.chunks(words) {
            for (w, &word) in row.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let bit = word.trailing_zeros() as usize;
                    counts[w * 64 + bit] += 1;
                    word &= word - 1;
                }
            }
        }
        // Each candidate reached itself.
        counts.iter().map(|c| c.saturating_sub(1)).collect()
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
        let mut ids: Vec<String> = included.into_iter().map(|n| self.ids[n as usize].clone()).collect();
        ids.sort();
        Ok(ids)
    }

    /// Edges whose both ends are in `ids`, as (blocker, blocked).
    pub fn edges_among(&self, ids: &[String]) -> Vec<(String, String)> {
        let set: HashSet<Node> = ids.iter().filter_map(|id| self.index.get(id).copied()).collect();
        let mut edges = Vec::new();
        for &n in &set {
            for c in &self.blocks[n as usize] {
                if set.contains(c) {
                    edges.push((self.ids[n as usize].clone(), self.ids[*c as usize].clone()));
                }
            }
        }
        edges.sort();
        edges
    }

    /// The longest chain of unresolved tickets among `ids` (all tickets when
    /// `None`), blocker first. Ties go to the chain ending at the smallest id.
    pub fn critical_path(&self, ids: Option<&[String]>) -> Vec<String> {
        let subset: Vec<Node> = match ids {
            Some(ids) => ids.iter().filter_map(|id| self.index.get(id).copied()).collect(),
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
            path.push(self.ids[n as usize].clone());
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

    fn graph(nodes: &[&str], edges: &[(&str, &str)]) -> DependencyGraph {
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
    fn unblocks_counts_do_not_double_count_diamonds() {
        // a -> b, a -> c, b -> d, c -> d, d -> e
        let mut g = graph(
            &["a", "b", "c", "d", "e"],
            &[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")],
        );
        assert_eq!(g.unblocks_counts(&["a", "b", "d", "e", "zz"]), vec![4, 2, 1, 0, 0]);
        g.set_resolved("d", true).unwrap();
        // A resolved ticket neither counts nor passes reachability on.
        assert_eq!(g.unblocks_counts(&["a", "b"]), vec![2, 0]);
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

    #[test]
    fn ranks_touched_are_the_open_roots_above_a_change() {
        // r1 -> x -> y, r2 -> y, r3 alone; z resolved blocks w.
        let mut g = graph(
            &["r1", "x", "y", "r2", "r3", "z", "w"],
            &[("r1", "x"), ("x", "y"), ("r2", "y"), ("z", "w")],
        );
        g.set_resolved("z", true).unwrap();
        let resolve_y = [Change::Resolved {
            id: "y".into(),
            resolved: true,
        }];
        g.apply(&resolve_y).unwrap();
        assert_eq!(g.ranks_touched(&resolve_y), vec!["r1", "r2"]);
        // Resolving x makes... nothing above it but r1; y was resolved already.
        let resolve_r1 = [Change::Resolved {
            id: "r1".into(),
            resolved: true,
        }];
        g.apply(&resolve_r1).unwrap();
        assert_eq!(g.ranks_touched(&resolve_r1), vec!["x"], "x lost its last open blocker");
        let new = [
            Change::Node {
                id: "n".into(),
                resolved: false,
            },
            Change::Edge {
                blocker: "z".into(),
                blocked: "n".into(),
            },
        ];
        g.apply(&new).unwrap();
        assert_eq!(
            g.ranks_touched(&new),
            vec!["n"],
            "blocked only by a resolved ticket: an open root"
        );
        let mut roots = g.open_roots();
        roots.sort();
        assert_eq!(roots, vec!["n", "r2", "r3", "w", "x"]);
    }
}
