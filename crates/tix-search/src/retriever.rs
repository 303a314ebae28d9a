//! Retrievers: given a query, the best `k` tickets of a workflow with a raw
//! score. Like ripgrep's `Matcher`, one trait with interchangeable engines:
//! [`KeywordRetriever`] (the store's BM25 index) and [`SemanticRetriever`]
//! (cosine over the in-memory [`VectorIndex`]es).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};
use tix_store::search::SearchStore;
use tix_store::SearchFilter;

use crate::index::{ExactIndex, Key, VectorIndex};

/// Where a result was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchedIn {
    /// The query is the ticket's id or an unambiguous prefix of it.
    Id,
    Keyword,
    Semantic,
}

/// What a retriever is asked.
pub struct Query<'a> {
    pub workflow_id: &'a str,
    pub text: &'a str,
    /// The query's embedding (semantic retrieval only).
    pub vector: Option<&'a [f32]>,
    pub filter: &'a SearchFilter,
    /// `seq`s passing `filter`, when it is not empty (semantic retrieval).
    pub allow: Option<&'a HashSet<Key>>,
}

/// A retrieved ticket with the retriever's raw score (BM25, cosine).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub seq: Key,
    pub ticket_id: String,
    pub score: f32,
}

pub trait Retriever: Send + Sync {
    fn matched_in(&self) -> MatchedIn;
    /// At most `k` hits, best first, all passing the query's filter.
    fn retrieve(&self, query: &Query<'_>, k: usize) -> impl Future<Output = tix_store::Result<Vec<Hit>>> + Send;
}

/// BM25 over the store's keyword index.
#[derive(Clone)]
pub struct KeywordRetriever<S> {
    pub store: S,
}

impl<S: SearchStore> Retriever for KeywordRetriever<S> {
    fn matched_in(&self) -> MatchedIn {
        MatchedIn::Keyword
    }

    async fn retrieve(&self, query: &Query<'_>, k: usize) -> tix_store::Result<Vec<Hit>> {
        let limit = u32::try_from(k).unwrap_or(u32::MAX);
        Ok(self
            .store
            .keyword_search(query.workflow_id, query.text, query.filter, limit)
            .await?
            .into_iter()
            .map(|h| Hit {
                seq: h.seq,
                ticket_id: h.ticket_id,
                score: h.score,
            })
            .collect())
    }
}

/// The per-workflow vector indexes, shared by the worker that fills them
/// and the retrievers that read them.
pub type Indexes = Arc<RwLock<HashMap<String, ExactIndex>>>;

/// Exact cosine over the workflow's vectors.
#[derive(Clone)]
pub struct SemanticRetriever {
    pub indexes: Indexes,
}

impl SemanticRetriever {
    /// Cosine of the query with one stored ticket, if it has a vector.
    pub fn cosine(&self, workflow_id: &str, seq: Key, query: &[f32]) -> Option<f32> {
        let indexes = self.indexes.read().unwrap_or_else(|e| e.into_inner());
        indexes
            .get(workflow_id)
            .and_then(|index| index.vector(seq))
            .map(|v| crate::embed::dot(v, query))
    }
}

impl Retriever for SemanticRetriever {
    fn matched_in(&self) -> MatchedIn {
        MatchedIn::Semantic
    }

    async fn retrieve(&self, query: &Query<'_>, k: usize) -> tix_store::Result<Vec<Hit>> {
        let Some(vector) = query.vector else {
            return Ok(Vec::new());
        };
        let indexes = self.indexes.read().unwrap_or_else(|e| e.into_inner());
        let Some(index) = indexes.get(query.workflow_id) else {
            return Ok(Vec::new());
        };
        Ok(index
            .top_k(vector, k, query.allow)
            .into_iter()
            .map(|h| Hit {
                seq: h.seq,
                ticket_id: h.ticket_id,
                score: h.cosine,
            })
            .collect())
    }
}
