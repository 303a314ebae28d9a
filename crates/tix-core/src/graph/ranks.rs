//! How many tickets each ticket transitively unblocks (the ready queue's
//! second key), and which counts a change may move.

use std::collections::{HashMap, VecDeque};

use super::{Change, DependencyGraph, Node};

/// Candidates processed per pass of the bitset propagation (64 words each).
const CANDIDATES_PER_PASS: usize = 4096;

impl DependencyGraph {
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
        touched.into_iter().map(|n| self.ids[n as usize].to_string()).collect()
    }

    /// Every open root (unresolved, no unresolved blocker).
    pub fn open_roots(&self) -> Vec<String> {
        (0..self.ids.len() as Node)
            .filter(|&n| self.is_open_root(n))
            .map(|n| self.ids[n as usize].to_string())
            .collect()
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
    pub(super) fn topo_order(&self, subset: &[Node]) -> Vec<Node> {
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::graph;
    use super::*;

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
