//! The search capability of a store: a keyword index, stored embeddings
//! and the queue of tickets whose embedding is due.
//!
//! [`SearchStore`] is a small capability trait next to [`crate::Store`], so
//! front ends that search are generic over `S: Store + SearchStore` and a
//! backend without search support simply does not implement it. The
//! ranking, the embedder and the in-memory vector index live in
//! `tix-search`; this trait only moves data.

use std::future::Future;

use serde::{Deserialize, Serialize};
use tix_core::ticket::{Priority, Ticket};

use crate::Result;

/// Filters of a search. They are applied inside the query, before the
/// limit, so a filtered search still returns `limit` hits when there are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchFilter {
    pub status: Option<String>,
    pub ticket_type: Option<String>,
    pub priority: Option<Priority>,
    /// Every listed tag must be on the ticket.
    #[serde(default)]
    pub tags: Vec<String>,
    pub assigned_agent_id: Option<String>,
    pub blocked: Option<bool>,
    pub resolved: Option<bool>,
}

impl SearchFilter {
    pub fn is_empty(&self) -> bool {
        self == &SearchFilter::default()
    }

    /// Whether a ticket passes the filter (the same rules the queries apply).
    pub fn matches(&self, ticket: &Ticket) -> bool {
        self.status.as_ref().is_none_or(|s| *s == ticket.status)
            && self.ticket_type.as_ref().is_none_or(|t| *t == ticket.ticket_type)
            && self.priority.is_none_or(|p| p == ticket.priority)
            && self.tags.iter().all(|tag| ticket.tags.contains(tag))
            && self
                .assigned_agent_id
                .as_ref()
                .is_none_or(|a| ticket.assigned_agent_id.as_ref() == Some(a))
            && self.blocked.is_none_or(|b| b == ticket.is_blocked)
            && self.resolved.is_none_or(|r| r == ticket.is_resolved)
    }
}

/// A ticket the keyword index matched, with its BM25 score (higher is better).
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordHit {
    pub seq: i64,
    pub ticket_id: String,
    pub score: f32,
}

/// The fields an embedding is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingSource {
    /// Position in the embedding queue.
    pub queue_seq: i64,
    pub seq: i64,
    pub ticket_id: String,
    pub workflow_id: String,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Hash of the text the stored embedding was made from, if one exists for
    /// the asked model: equal hashes mean the embedding is still current.
    pub stored_hash: Option<String>,
}

/// An embedding to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEmbedding {
    pub ticket_id: String,
    pub content_hash: String,
    pub vector: Vec<f32>,
}

/// Where a saved embedding belongs.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedEmbedding {
    pub seq: i64,
    pub ticket_id: String,
    pub workflow_id: String,
}

/// A stored embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEmbedding {
    pub seq: i64,
    pub ticket_id: String,
    pub workflow_id: String,
    pub vector: Vec<f32>,
}

/// Search support of a store. Ticket ids are full ids here.
pub trait SearchStore: Clone + Send + Sync + 'static {
    /// Whether this store keeps embeddings (and their queue). A store that
    /// does not serves keyword search only.
    fn stores_embeddings(&self) -> bool {
        true
    }

    /// Keyword search in one workflow, best first, at most `limit` hits.
    /// Any query text is accepted: punctuation never makes it fail.
    fn keyword_search(
        &self,
        workflow_id: &str,
        query: &str,
        filter: &SearchFilter,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<KeywordHit>>> + Send;

    /// `seq`s of the workflow's tickets that pass the filter.
    fn filtered_seqs(&self, workflow_id: &str, filter: &SearchFilter) -> impl Future<Output = Result<Vec<i64>>> + Send;

    /// The tickets with these ids, in the given order (missing ids skipped).
    fn tickets_by_ids(&self, ids: &[String]) -> impl Future<Output = Result<Vec<Ticket>>> + Send;

    /// Highest seq in the embedding queue, or None when it is empty.
    fn embedding_queue_head(&self) -> impl Future<Output = Result<Option<i64>>> + Send;

    /// Number of tickets waiting in the embedding queue.
    fn embedding_queue_len(&self) -> impl Future<Output = Result<u64>> + Send;

    /// The oldest `limit` queued tickets with their text and the hash of the
    /// text of their embedding by `model_id` (if stored).
    fn embedding_batch(&self, model_id: &str, limit: u32) -> impl Future<Output = Result<Vec<EmbeddingSource>>> + Send;

    /// Stores embeddings made by `model_id` and removes the processed queue
    /// entries (`(ticket_id, queue_seq)`; an entry re-queued since keeps its
    /// newer place). Returns where each saved embedding belongs (tickets
    /// that no longer exist are skipped).
    fn save_embeddings(
        &self,
        model_id: &str,
        embeddings: Vec<NewEmbedding>,
        processed: Vec<(String, i64)>,
    ) -> impl Future<Output = Result<Vec<SavedEmbedding>>> + Send;

    /// Queues every ticket without an embedding by `model_id`; with `all`,
    /// every ticket. Returns how many were queued.
    fn queue_for_embedding(&self, model_id: &str, all: bool) -> impl Future<Output = Result<u64>> + Send;

    /// Deletes embeddings made by any model other than `model_id`.
    fn drop_other_embeddings(&self, model_id: &str) -> impl Future<Output = Result<u64>> + Send;

    /// All stored embeddings made by `model_id`, in ticket order.
    fn load_embeddings(&self, model_id: &str) -> impl Future<Output = Result<Vec<StoredEmbedding>>> + Send;

    /// Embeddings by `model_id` stored or replaced after change number
    /// `after` (by any process), and the newest change number (`after` when
    /// nothing changed). Start from [`SearchStore::embedding_changes_head`]
    /// read before [`SearchStore::load_embeddings`].
    fn embedding_changes_since(
        &self,
        model_id: &str,
        after: i64,
    ) -> impl Future<Output = Result<(Vec<StoredEmbedding>, i64)>> + Send;

    /// The newest embedding change number (0 when there is none).
    fn embedding_changes_head(&self) -> impl Future<Output = Result<i64>> + Send;
}

/// Encodes a vector as little-endian f32 bytes (the BLOB format).
pub fn vector_to_blob(vector: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(vector.len() * 4);
    for v in vector {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Decodes a BLOB written by [`vector_to_blob`].
pub fn blob_to_vector(blob: &[u8]) -> Option<Vec<f32>> {
    if !blob.len().is_multiple_of(4) {
        return None;
    }
    Some(
        blob.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip() {
        let v = vec![0.5, -1.25, 3.0e-7, f32::MAX];
        assert_eq!(blob_to_vector(&vector_to_blob(&v)), Some(v));
        assert_eq!(blob_to_vector(&[1, 2, 3]), None);
    }
}
