//! Vector indexes. [`VectorIndex`] is the seam an approximate index (HNSW,
//! IVF) can replace later; [`ExactIndex`] scans every vector of one
//! workflow: unit f32 vectors stored contiguously, cosine = dot product.
//! At 384 dims a scan of 100k vectors is ~38M multiply-adds: milliseconds.

use std::collections::{HashMap, HashSet};

use crate::embed::dot;

/// A vector's key: the ticket's `seq` (stable, and what filters return).
pub type Key = i64;

/// A match: the ticket and its cosine similarity to the query.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorHit {
    pub seq: Key,
    pub ticket_id: String,
    pub cosine: f32,
}

pub trait VectorIndex: Send + Sync {
    /// Adds or replaces the ticket's vector (unit length, same dims as the rest).
    fn upsert(&mut self, seq: Key, ticket_id: &str, vector: &[f32]);
    fn remove(&mut self, seq: Key);
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The `k` nearest vectors among `allow` (all when None), best first.
    fn top_k(&self, query: &[f32], k: usize, allow: Option<&HashSet<Key>>) -> Vec<VectorHit>;
    /// Every vector with cosine ≥ `threshold`, best first.
    fn above(&self, query: &[f32], threshold: f32) -> Vec<VectorHit>;
    /// The stored vector of a ticket.
    fn vector(&self, seq: Key) -> Option<&[f32]>;
    /// Bytes held (vectors, keys, ids, the position map), roughly.
    fn memory_bytes(&self) -> usize;
}

/// Exact cosine search over contiguous vectors.
#[derive(Debug, Default, Clone)]
pub struct ExactIndex {
    dims: usize,
    data: Vec<f32>,
    keys: Vec<Key>,
    ids: Vec<String>,
    position: HashMap<Key, usize>,
}

impl ExactIndex {
    pub fn new() -> ExactIndex {
        ExactIndex::default()
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Gives back the spare capacity left by growing (after a bulk load).
    pub fn shrink_to_fit(&mut self) {
        self.data.shrink_to_fit();
        self.keys.shrink_to_fit();
        self.ids.shrink_to_fit();
        self.position.shrink_to_fit();
    }

    /// The vector of a ticket by id (a scan: for occasional look-ups).
    pub fn vector_of(&self, ticket_id: &str) -> Option<&[f32]> {
        self.ids.iter().position(|id| id == ticket_id).map(|i| self.row(i))
    }

    fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dims..(i + 1) * self.dims]
    }

    fn hit(&self, i: usize, cosine: f32) -> VectorHit {
        VectorHit {
            seq: self.keys[i],
            ticket_id: self.ids[i].clone(),
            cosine,
        }
    }

    /// Scores of the rows passing `allow`, as (cosine, row).
    fn scores(&self, query: &[f32], allow: Option<&HashSet<Key>>) -> Vec<(f32, usize)> {
        if self.dims == 0 || query.len() != self.dims {
            return Vec::new();
        }
        match allow {
            None => self
                .data
                .chunks_exact(self.dims)
                .enumerate()
                .map(|(i, row)| (dot(query, row), i))
                .collect(),
            Some(allow) => allow
                .iter()
                .filter_map(|seq| self.position.get(seq))
                .map(|&i| (dot(query, self.row(i)), i))
                .collect(),
        }
    }
}

fn best_first(a: &(f32, usize), b: &(f32, usize)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

impl VectorIndex for ExactIndex {
    fn upsert(&mut self, seq: Key, ticket_id: &str, vector: &[f32]) {
        if self.keys.is_empty() {
            self.dims = vector.len();
        }
        if vector.len() != self.dims || self.dims == 0 {
            tracing::warn!(
                seq,
                dims = vector.len(),
                expected = self.dims,
                "vector of the wrong length ignored"
            );
            return;
        }
        match self.position.get(&seq) {
            Some(&i) => {
                let dims = self.dims;
                self.data[i * dims..(i + 1) * dims].copy_from_slice(vector);
                self.ids[i] = ticket_id.to_string();
            }
            None => {
                self.position.insert(seq, self.keys.len());
                self.keys.push(seq);
                self.ids.push(ticket_id.to_string());
                self.data.extend_from_slice(vector);
            }
        }
    }

    fn remove(&mut self, seq: Key) {
        let Some(i) = self.position.remove(&seq) else {
            return;
        };
        let last = self.keys.len() - 1;
        if i != last {
            let dims = self.dims;
            self.data.copy_within(last * dims..(last + 1) * dims, i * dims);
            self.keys[i] = self.keys[last];
            self.ids.swap(i, last);
            self.position.insert(self.keys[i], i);
        }
        self.keys.pop();
        self.ids.pop();
        self.data.truncate(last * self.dims);
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    fn top_k(&self, query: &[f32], k: usize, allow: Option<&HashSet<Key>>) -> Vec<VectorHit> {
        let mut scores = self.scores(query, allow);
        if k == 0 || scores.is_empty() {
            return Vec::new();
        }
        if scores.len() > k {
            scores.select_nth_unstable_by(k - 1, best_first);
            scores.truncate(k);
        }
        scores.sort_by(best_first);
        scores.into_iter().map(|(s, i)| self.hit(i, s)).collect()
    }

    fn above(&self, query: &[f32], threshold: f32) -> Vec<VectorHit> {
        let mut scores: Vec<(f32, usize)> = self
            .scores(query, None)
            .into_iter()
            .filter(|(s, _)| *s >= threshold)
            .collect();
        scores.sort_by(best_first);
        scores.into_iter().map(|(s, i)| self.hit(i, s)).collect()
    }

    fn vector(&self, seq: Key) -> Option<&[f32]> {
        self.position.get(&seq).map(|&i| self.row(i))
    }

    fn memory_bytes(&self) -> usize {
        self.data.capacity() * 4
            + self.keys.capacity() * 8
            + self.ids.iter().map(|s| s.capacity() + 24).sum::<usize>()
            + self.position.capacity() * 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::normalise;

    fn unit(v: &[f32]) -> Vec<f32> {
        let mut v = v.to_vec();
        normalise(&mut v);
        v
    }

    fn index() -> ExactIndex {
        let mut index = ExactIndex::new();
        index.upsert(1, "ticket-a", &unit(&[1.0, 0.0, 0.0]));
        index.upsert(2, "ticket-b", &unit(&[0.8, 0.6, 0.0]));
        index.upsert(3, "ticket-c", &unit(&[0.0, 1.0, 0.0]));
        index.upsert(4, "ticket-d", &unit(&[0.0, 0.0, 1.0]));
        index
    }

    #[test]
    fn top_k_is_best_first_and_respects_the_allow_set() {
        let index = index();
        let q = unit(&[1.0, 0.1, 0.0]);
        let ids: Vec<String> = index.top_k(&q, 2, None).into_iter().map(|h| h.ticket_id).collect();
        assert_eq!(ids, ["ticket-a", "ticket-b"]);
        let allow: HashSet<Key> = [3, 4].into();
        let ids: Vec<String> = index
            .top_k(&q, 2, Some(&allow))
            .into_iter()
            .map(|h| h.ticket_id)
            .collect();
        assert_eq!(ids, ["ticket-c", "ticket-d"]);
        assert_eq!(index.top_k(&q, 10, None).len(), 4);
    }

    #[test]
    fn above_returns_everything_over_the_threshold() {
        let index = index();
        let hits = index.above(&unit(&[1.0, 0.0, 0.0]), 0.75);
        assert_eq!(hits.len(), 2);
        assert!((hits[1].cosine - 0.8).abs() < 1e-6);
    }

    #[test]
    fn upsert_replaces_and_remove_keeps_the_rest_intact() {
        let mut index = index();
        index.upsert(1, "ticket-a", &unit(&[0.0, 0.0, 1.0]));
        assert_eq!(index.len(), 4);
        index.remove(2);
        index.remove(99);
        assert_eq!(index.len(), 3);
        assert_eq!(index.vector(4), Some(&[0.0, 0.0, 1.0][..]));
        assert_eq!(index.vector(3), Some(&[0.0, 1.0, 0.0][..]));
        let top = index.top_k(&unit(&[0.0, 0.0, 1.0]), 2, None);
        assert_eq!(top.iter().map(|h| h.seq).collect::<Vec<_>>(), [1, 4]);
        assert!(index.vector(2).is_none());
    }
}
