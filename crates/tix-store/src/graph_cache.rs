//! Per-workflow in-memory blocking graphs, shared by the backends and kept
//! exact by a version number (`workflows.graph_version`) that every
//! graph-changing transaction bumps in the same transaction.
//!
//! A reader compares the cached version with the database's and reloads on
//! mismatch. A writer applies its own changes to the cached graph after
//! commit (deltas are idempotent), so the common path never reloads; after a
//! rollback it drops the workflow's entry. A reader whose snapshot is older
//! than the cached graph loads its own copy and leaves the newer one cached.
//!
//! The cache is bounded by the total number of nodes it holds: when a graph
//! comes in over the bound, the least recently used graphs go (a graph
//! larger than the whole bound is used once and not kept). An evicted graph
//! is loaded again, exactly, on its next use.

use std::collections::HashMap;
use std::sync::Mutex;

use tix_core::graph::DependencyGraph;

/// A change a write made to a workflow's graph (applied to the cache after
/// the write commits).
pub type GraphDelta = tix_core::graph::Change;

/// Nodes kept by default: about 150 MB of graphs (a node costs about 150
/// bytes with its edges), a thousand workflows of a thousand tickets or
/// one of a million.
pub const DEFAULT_GRAPH_CACHE_NODES: usize = 1_000_000;

struct Cached {
    version: i64,
    graph: DependencyGraph,
    /// Nodes counted against the bound (the graph's size when last counted).
    nodes: usize,
    /// When it was last used, on the cache's clock.
    used: u64,
}

struct Lru {
    workflows: HashMap<String, Cached>,
    nodes: usize,
    clock: u64,
    limit: usize,
    stats: GraphCacheStats,
}

/// What the cache holds and has done, for tests, benchmarks and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GraphCacheStats {
    /// Graphs cached now.
    pub graphs: usize,
    /// Nodes cached now.
    pub nodes: usize,
    /// The bound on `nodes`.
    pub limit: usize,
    /// Graphs loaded from the database since the start.
    pub loads: u64,
    /// Graphs dropped to stay within the bound since the start.
    pub evictions: u64,
}

pub struct GraphCache {
    lru: Mutex<Lru>,
}

impl Default for GraphCache {
    fn default() -> Self {
        GraphCache::with_limit(DEFAULT_GRAPH_CACHE_NODES)
    }
}

impl Lru {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn remove(&mut self, workflow_id: &str) {
        if let Some(gone) = self.workflows.remove(workflow_id) {
            self.nodes -= gone.nodes;
        }
    }

    /// Recounts one graph's nodes after it changed.
    fn recount(&mut self, workflow_id: &str) {
        if let Some(cached) = self.workflows.get_mut(workflow_id) {
            let now = cached.graph.len();
            self.nodes = self.nodes - cached.nodes + now;
            cached.nodes = now;
        }
    }

    /// Drops least recently used graphs, never `keep`, until within bound.
    fn evict(&mut self, keep: &str) {
        while self.nodes > self.limit {
            let oldest = self
                .workflows
                .iter()
                .filter(|(id, _)| id.as_str() != keep)
                .min_by_key(|(_, cached)| cached.used)
                .map(|(id, _)| id.clone());
            let Some(oldest) = oldest else { return };
            self.remove(&oldest);
            self.stats.evictions += 1;
        }
    }
}

impl GraphCache {
    /// A cache holding at most `limit` nodes in all.
    pub fn with_limit(limit: usize) -> GraphCache {
        GraphCache {
            lru: Mutex::new(Lru {
                workflows: HashMap::new(),
                nodes: 0,
                clock: 0,
                limit,
                stats: GraphCacheStats::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        self.lru.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the bound, evicting at once if the cache is over it.
    pub fn set_limit(&self, limit: usize) {
        let mut lru = self.lock();
        lru.limit = limit;
        lru.evict("");
    }

    pub fn stats(&self) -> GraphCacheStats {
        let lru = self.lock();
        GraphCacheStats {
            graphs: lru.workflows.len(),
            nodes: lru.nodes,
            limit: lru.limit,
            ..lru.stats
        }
    }

    /// Whether the workflow's graph is cached (at any version).
    pub fn holds(&self, workflow_id: &str) -> bool {
        self.lock().workflows.contains_key(workflow_id)
    }

    /// Runs `f` on the cached graph if it is at `version`; gives `f` back
    /// otherwise, so the caller can load the graph and [`Self::put`] it.
    pub(crate) fn with_fresh<T, F: FnOnce(&mut DependencyGraph) -> T>(
        &self,
        workflow_id: &str,
        version: i64,
        f: F,
    ) -> Result<T, F> {
        let mut lru = self.lock();
        let used = lru.tick();
        match lru.workflows.get_mut(workflow_id) {
            Some(cached) if cached.version == version => {
                cached.used = used;
                let out = f(&mut cached.graph);
                // `f` may have added nodes (an edge to a ticket created in
                // the same write).
                lru.recount(workflow_id);
                Ok(out)
            }
            _ => Err(f),
        }
    }

    /// Caches a graph loaded at `version` and runs `f` on it. A graph newer
    /// than `version` already cached stays (the loader's snapshot is older);
    /// a graph larger than the whole bound is not kept.
    pub(crate) fn put<T>(
        &self,
        workflow_id: &str,
        version: i64,
        mut graph: DependencyGraph,
        f: impl FnOnce(&mut DependencyGraph) -> T,
    ) -> T {
        let mut lru = self.lock();
        lru.stats.loads += 1;
        let newer_cached = lru
            .workflows
            .get(workflow_id)
            .is_some_and(|cached| cached.version > version);
        if newer_cached || graph.len() > lru.limit {
            drop(lru);
            return f(&mut graph);
        }
        lru.remove(workflow_id);
        let nodes = graph.len();
        // Room first, so the graph going in is never the one evicted.
        lru.nodes += nodes;
        lru.evict(workflow_id);
        let used = lru.tick();
        let cached = lru.workflows.entry(workflow_id.to_string()).or_insert(Cached {
            version,
            graph,
            nodes,
            used,
        });
        let out = f(&mut cached.graph);
        lru.recount(workflow_id);
        out
    }

    /// After a write that moved the workflow's graph from `old_version` to
    /// `old_version + 1` committed: the cached graph takes its deltas (a
    /// graph loaded inside that write, already at the new version, is
    /// kept; any other is dropped, a reload being always correct).
    pub(crate) fn apply(&self, workflow_id: &str, old_version: i64, deltas: &[GraphDelta]) {
        let mut lru = self.lock();
        let Some(cached) = lru.workflows.get_mut(workflow_id) else {
            return;
        };
        if cached.version == old_version + 1 {
            return;
        }
        let unknown = cached.graph.unknown_nodes(deltas);
        if cached.version != old_version || cached.graph.apply(&unknown).is_err() || cached.graph.apply(deltas).is_err()
        {
            lru.remove(workflow_id);
            return;
        }
        cached.version = old_version + 1;
        lru.recount(workflow_id);
        lru.evict(workflow_id);
    }

    /// Forgets every cached graph.
    pub(crate) fn clear(&self) {
        let mut lru = self.lock();
        lru.workflows.clear();
        lru.nodes = 0;
    }

    pub(crate) fn invalidate(&self, workflow_id: &str) {
        self.lock().remove(workflow_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(ids: &[&str]) -> DependencyGraph {
        let mut g = DependencyGraph::new();
        for id in ids {
            g.add_node(id, false);
        }
        g
    }

    #[test]
    fn the_least_recently_used_graph_goes_when_the_bound_is_passed() {
        let cache = GraphCache::with_limit(5);
        cache.put("wf-a", 1, graph(&["a1", "a2"]), |_| ());
        cache.put("wf-b", 1, graph(&["b1", "b2"]), |_| ());
        // wf-a used after wf-b: wf-b is the least recently used.
        assert_eq!(cache.with_fresh("wf-a", 1, |g| g.len()).ok(), Some(2));
        cache.put("wf-c", 1, graph(&["c1", "c2"]), |_| ());
        assert!(cache.holds("wf-a") && cache.holds("wf-c"));
        assert!(!cache.holds("wf-b"), "the least recently used graph is evicted");
        let stats = cache.stats();
        assert_eq!((stats.graphs, stats.nodes, stats.evictions), (2, 4, 1));
    }

    #[test]
    fn a_graph_larger_than_the_bound_is_used_but_not_kept() {
        let cache = GraphCache::with_limit(2);
        let len = cache.put("wf-big", 1, graph(&["x", "y", "z"]), |g| g.len());
        assert_eq!(len, 3);
        assert!(!cache.holds("wf-big"));
        assert_eq!(cache.stats().nodes, 0);
    }

    #[test]
    fn an_older_snapshot_never_replaces_a_newer_graph() {
        let cache = GraphCache::with_limit(100);
        cache.put("wf", 2, graph(&["new"]), |_| ());
        let seen = cache.put("wf", 1, graph(&["old"]), |g| g.contains("old"));
        assert!(seen, "the loader works on its own snapshot");
        assert_eq!(cache.with_fresh("wf", 2, |g| g.contains("new")).ok(), Some(true));
    }

    #[test]
    fn deltas_are_counted_against_the_bound() {
        let cache = GraphCache::with_limit(3);
        cache.put("wf-a", 1, graph(&["a1"]), |_| ());
        cache.put("wf-b", 1, graph(&["b1"]), |_| ());
        let grow = [
            GraphDelta::Node {
                id: "b2".into(),
                resolved: false,
            },
            GraphDelta::Node {
                id: "b3".into(),
                resolved: false,
            },
        ];
        cache.apply("wf-b", 1, &grow);
        assert!(!cache.holds("wf-a"), "growing wf-b past the bound evicts wf-a");
        assert_eq!(cache.with_fresh("wf-b", 2, |g| g.len()).ok(), Some(3));
        assert_eq!(cache.stats().nodes, 3);
    }
}
