//! [`Search`]: the search service over a store. It owns the embedder, the
//! per-workflow vector indexes and the background worker that keeps them
//! (and the stored embeddings) in step with the tickets.
//!
//! Freshness: every write that changes a ticket's title, description or
//! tags queues the ticket for embedding in the same transaction (triggers).
//! A search first waits until the worker has processed the queue as it was
//! when the search started, so a search after a write sees the write.
//!
//! A create's duplicate check takes three pieces from here (embed a new
//! ticket's text, find unresolved look-alikes of a vector, store the vector
//! once the ticket exists); the create use case itself lives in `tix-app`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tix_core::ticket::{SimilarTicket, Ticket};
use tix_core::DomainError;
use tix_store::search::{EmbeddingSource, NewEmbedding, SearchStore};
use tix_store::{Error, Result, SearchFilter, Store};
use tokio::sync::{watch, Notify};

use crate::embed::{self, content_hash, ticket_text, Embedder, EmbedderConfig};
use crate::hybrid::{fuse, Weights};
use crate::index::{ExactIndex, Key, VectorIndex};
use crate::retriever::{Hit, Indexes, KeywordRetriever, MatchedIn, Query, Retriever, SemanticRetriever};

/// Cosine at which a look-alike is a duplicate: the `duplicate` label of
/// `related`, and where `duplicate_policy = "refuse"` refuses a create.
pub const DUPLICATE_THRESHOLD: f32 = 0.92;
/// Labels of `related`: duplicate ≥ 0.92, related ≥ 0.75, similar ≥ 0.6.
pub const RELATED_THRESHOLD: f32 = 0.75;
pub const SIMILAR_LABEL_THRESHOLD: f32 = 0.6;

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 100;
/// Hybrid search takes this many candidates per side for each result asked.
pub const CANDIDATES_PER_RESULT: usize = 4;
/// Tickets the worker embeds per batch.
const WORKER_BATCH: u32 = 64;
/// How often the worker looks for writes made by other processes.
const WORKER_POLL: Duration = Duration::from_millis(500);
/// A queue longer than this (about 5 s of embedding) is a backlog that a
/// search does not wait for; it answers at once and says so.
const BACKLOG_NO_WAIT: u64 = 512;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchType {
    #[default]
    Hybrid,
    Semantic,
    Keyword,
}

/// A search, as the API, the CLI and the MCP tool ask it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub workflow_id: String,
    pub query: String,
    pub search_type: SearchType,
    /// Default 10, at most 100.
    pub limit: Option<u32>,
    pub filter: SearchFilter,
    pub weights: Option<Weights>,
}

/// One result: the ticket and why it ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// The ranking score: the weighted sum for hybrid, the BM25 score for
    /// keyword, the cosine for semantic.
    pub score: f32,
    /// Keyword component, min-max normalised over the candidates (0..1).
    pub keyword_score: f32,
    /// Semantic component, min-max normalised over the candidates (0..1);
    /// null without semantic search.
    pub semantic_score: Option<f32>,
    /// Raw BM25 score; null when no keyword matched.
    pub bm25: Option<f32>,
    /// Raw cosine similarity to the query; null without semantic search.
    pub cosine: Option<f32>,
    /// Which retrievers found it: `id`, `keyword`, `semantic`.
    pub matched_in: Vec<MatchedIn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub workflow_id: String,
    pub query: String,
    /// The search that ran (hybrid and semantic fall back to keyword when
    /// semantic search is unavailable).
    pub search_type: SearchType,
    pub semantic_available: bool,
    /// The embedding model, when semantic search is available.
    pub model_id: Option<String>,
    pub weights: Weights,
    pub results: Vec<SearchHit>,
    /// Set when the search could not do all that was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// similarity ≥ 0.92
    Duplicate,
    /// similarity ≥ 0.75
    Related,
    /// similarity ≥ 0.6
    Similar,
}

impl Relation {
    pub fn of(similarity: f32) -> Option<Relation> {
        if similarity >= DUPLICATE_THRESHOLD {
            Some(Relation::Duplicate)
        } else if similarity >= RELATED_THRESHOLD {
            Some(Relation::Related)
        } else if similarity >= SIMILAR_LABEL_THRESHOLD {
            Some(Relation::Similar)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelatedTicket {
    pub id: String,
    pub title: String,
    pub status: String,
    pub is_resolved: bool,
    pub similarity: f32,
    pub relation: Relation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelatedTickets {
    pub ticket_id: String,
    pub semantic_available: bool,
    pub related: Vec<RelatedTicket>,
}

/// A ticket's vector, embedded from its text before the ticket exists,
/// with the hash of that text (stored with it, so the worker knows the
/// vector is current).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketVector {
    pub vector: Vec<f32>,
    content_hash: String,
}

/// Progress of a reindex: `done` of `total` tickets embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone)]
pub struct SearchConfig {
    pub embedder: EmbedderConfig,
    /// Longest a search waits for the embedding queue to drain before it
    /// answers with what it has (and says so).
    pub freshness_timeout: Duration,
    /// Run the background worker (false: embed only when asked, e.g. a
    /// one-shot CLI command that drains the queue itself).
    pub background_worker: bool,
}

impl SearchConfig {
    pub fn new(embedder: EmbedderConfig) -> SearchConfig {
        SearchConfig {
            embedder,
            freshness_timeout: Duration::from_secs(30),
            background_worker: true,
        }
    }
}

/// The search service. Cheap to clone.
pub struct Search<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for Search<S> {
    fn clone(&self) -> Self {
        Search {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<S> {
    store: S,
    embedder: Option<Arc<dyn Embedder>>,
    /// Why semantic search is off, when it is.
    unavailable: Option<String>,
    indexes: Indexes,
    keyword: KeywordRetriever<S>,
    semantic: SemanticRetriever,
    /// Highest embedding-queue seq processed (watermark).
    processed: watch::Sender<i64>,
    kick: Notify,
    /// Serialises queue draining (the worker and reindex).
    drain: tokio::sync::Mutex<()>,
    /// Newest stored-embedding change already in the indexes (see
    /// [`Search::sync_stored`]).
    changes_seen: AtomicI64,
    /// The worker's last batch failed (e.g. the embedding server is down):
    /// searches then do not wait for it.
    failing: AtomicBool,
    freshness_timeout: Duration,
    worker: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl<S> Drop for Inner<S> {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take() {
            worker.abort();
        }
    }
}

fn storage(message: impl std::fmt::Display) -> Error {
    Error::Storage(message.to_string())
}

/// Runs the embedder off the async runtime.
async fn embed_blocking(embedder: Arc<dyn Embedder>, texts: Vec<String>) -> Result<Vec<Vec<f32>>> {
    tokio::task::spawn_blocking(move || embedder.embed(&texts))
        .await
        .map_err(|e| storage(format!("the embedding task failed: {e}")))?
        .map_err(|e| storage(format!("embedding failed: {e}")))
}

impl<S: Store + SearchStore> Search<S> {
    /// Starts the service: loads the embedder (off the runtime), queues the
    /// tickets that have no embedding by this model, loads the stored
    /// vectors and starts the worker. Without a model it logs one warning
    /// and serves keyword search only.
    pub async fn start(store: S, config: SearchConfig) -> Result<Search<S>> {
        let embedder_config = config.embedder.clone();
        let loaded = tokio::task::spawn_blocking(move || embed::load(&embedder_config))
            .await
            .map_err(|e| storage(format!("loading the embedder failed: {e}")))?;
        let (embedder, unavailable) = match loaded {
            Ok(Some(_)) if !store.stores_embeddings() => {
                tracing::warn!("semantic search off, keyword search only: this database backend keeps no embeddings (use SQLite for semantic search)");
                (None, Some("this database backend keeps no embeddings".to_string()))
            }
            Ok(Some(embedder)) => (Some(embedder), None),
            Ok(None) => (None, Some("semantic search is disabled by configuration".to_string())),
            Err(err) => {
                tracing::warn!(
                    "semantic search off, keyword search only: {err} (run scripts/setup-model or set TIX_MODEL_DIR)"
                );
                (None, Some(err.to_string()))
            }
        };
        Self::with_embedder(store, embedder, unavailable, config).await
    }

    /// A service without semantic search (no model, no worker): keyword
    /// search, creates without duplicate detection.
    pub fn keyword_only(store: S, reason: &str) -> Search<S> {
        let indexes: Indexes = Arc::new(RwLock::new(HashMap::new()));
        let (processed, _) = watch::channel(0i64);
        Search {
            inner: Arc::new(Inner {
                keyword: KeywordRetriever { store: store.clone() },
                semantic: SemanticRetriever {
                    indexes: indexes.clone(),
                },
                store,
                embedder: None,
                unavailable: Some(reason.to_string()),
                indexes,
                processed,
                kick: Notify::new(),
                drain: tokio::sync::Mutex::new(()),
                changes_seen: AtomicI64::new(0),
                failing: AtomicBool::new(false),
                freshness_timeout: Duration::from_secs(1),
                worker: std::sync::Mutex::new(None),
            }),
        }
    }

    /// Starts the service with a ready embedder (or none).
    pub async fn with_embedder(
        store: S,
        embedder: Option<Arc<dyn Embedder>>,
        unavailable: Option<String>,
        config: SearchConfig,
    ) -> Result<Search<S>> {
        let (embedder, unavailable) = if embedder.is_some() && !store.stores_embeddings() {
            (None, Some("this database backend keeps no embeddings".to_string()))
        } else {
            (embedder, unavailable)
        };
        let indexes: Indexes = Arc::new(RwLock::new(HashMap::new()));
        let mut changes_seen = 0;
        if let Some(embedder) = &embedder {
            let model = embedder.model_id().to_string();
            // Read before loading: later changes are synced again (harmless).
            changes_seen = store.embedding_changes_head().await?;
            let queued = store.queue_for_embedding(&model, false).await?;
            if queued > 0 {
                tracing::info!(queued, model = %model, "tickets queued for embedding");
            }
            let stored = store.load_embeddings(&model).await?;
            let mut map: HashMap<String, ExactIndex> = HashMap::new();
            for e in stored {
                map.entry(e.workflow_id)
                    .or_default()
                    .upsert(e.seq, &e.ticket_id, &e.vector);
            }
            for index in map.values_mut() {
                index.shrink_to_fit();
            }
            *indexes.write().unwrap_or_else(|e| e.into_inner()) = map;
        }
        let (processed, _) = watch::channel(0i64);
        let search = Search {
            inner: Arc::new(Inner {
                keyword: KeywordRetriever { store: store.clone() },
                semantic: SemanticRetriever {
                    indexes: indexes.clone(),
                },
                store,
                embedder,
                unavailable,
                indexes,
                processed,
                kick: Notify::new(),
                drain: tokio::sync::Mutex::new(()),
                changes_seen: AtomicI64::new(changes_seen),
                failing: AtomicBool::new(false),
                freshness_timeout: config.freshness_timeout,
                worker: std::sync::Mutex::new(None),
            }),
        };
        if search.inner.embedder.is_some() && config.background_worker {
            let weak = Arc::downgrade(&search.inner);
            let handle = tokio::spawn(async move {
                loop {
                    let Some(inner) = weak.upgrade() else { return };
                    let search = Search { inner };
                    let drained = search.drain_once().await;
                    search.inner.failing.store(drained.is_err(), Ordering::Relaxed);
                    let idle = match drained {
                        Ok(0) => {
                            if let Err(err) = search.sync_stored().await {
                                tracing::warn!(%err, "embedding worker: cannot read stored embeddings");
                            }
                            true
                        }
                        Ok(_) => false,
                        Err(err) => {
                            tracing::warn!(%err, "embedding worker: will retry");
                            tokio::time::sleep(Duration::from_secs(2)).await;
                            true
                        }
                    };
                    if idle {
                        let inner = search.inner.clone();
                        drop(search);
                        tokio::select! {
                            () = inner.kick.notified() => {}
                            () = tokio::time::sleep(WORKER_POLL) => {}
                        }
                    }
                }
            });
            *search.inner.worker.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        }
        Ok(search)
    }

    pub fn store(&self) -> &S {
        &self.inner.store
    }

    pub fn semantic_available(&self) -> bool {
        self.inner.embedder.is_some()
    }

    pub fn model_id(&self) -> Option<String> {
        self.inner.embedder.as_ref().map(|e| e.model_id().to_string())
    }

    /// Why semantic search is off, if it is.
    pub fn unavailable_reason(&self) -> Option<&str> {
        self.inner.unavailable.as_deref()
    }

    /// Vectors held in memory, and their approximate bytes.
    pub fn index_stats(&self) -> (usize, usize) {
        let indexes = self.inner.indexes.read().unwrap_or_else(|e| e.into_inner());
        indexes
            .values()
            .fold((0, 0), |(n, b), i| (n + i.len(), b + i.memory_bytes()))
    }

    /// Embeds one batch of the queue; returns how many tickets it took off.
    async fn drain_once(&self) -> Result<usize> {
        let Some(embedder) = self.inner.embedder.clone() else {
            return Ok(0);
        };
        let _guard = self.inner.drain.lock().await;
        let model = embedder.model_id().to_string();
        let batch = self.inner.store.embedding_batch(&model, WORKER_BATCH).await?;
        if batch.is_empty() {
            return Ok(0);
        }
        let watermark = batch.iter().map(|b| b.queue_seq).max().unwrap_or(0);
        let processed: Vec<(String, i64)> = batch.iter().map(|b| (b.ticket_id.clone(), b.queue_seq)).collect();
        let todo: Vec<(&EmbeddingSource, String, String)> = batch
            .iter()
            .map(|b| {
                let text = ticket_text(&b.title, &b.description, &b.tags);
                let hash = content_hash(&text);
                (b, text, hash)
            })
            .filter(|(b, _, hash)| !(b.stored_hash.as_deref() == Some(hash.as_str()) && self.has_vector(b)))
            .collect();
        let texts: Vec<String> = todo.iter().map(|(_, text, _)| text.clone()).collect();
        let vectors = if texts.is_empty() {
            Vec::new()
        } else {
            embed_blocking(embedder, texts).await?
        };
        let embeddings: Vec<NewEmbedding> = todo
            .iter()
            .zip(vectors)
            .map(|((b, _, hash), vector)| NewEmbedding {
                ticket_id: b.ticket_id.clone(),
                content_hash: hash.clone(),
                vector,
            })
            .collect();
        let vectors: HashMap<String, Vec<f32>> = embeddings
            .iter()
            .map(|e| (e.ticket_id.clone(), e.vector.clone()))
            .collect();
        let saved = self.inner.store.save_embeddings(&model, embeddings, processed).await?;
        self.upsert(saved.into_iter().filter_map(|s| {
            let vector = vectors.get(&s.ticket_id)?.clone();
            Some((s.workflow_id, s.seq, s.ticket_id, vector))
        }));
        self.inner.processed.send_if_modified(|p| {
            let advanced = watermark > *p;
            *p = (*p).max(watermark);
            advanced
        });
        Ok(batch.len())
    }

    fn has_vector(&self, source: &EmbeddingSource) -> bool {
        let indexes = self.inner.indexes.read().unwrap_or_else(|e| e.into_inner());
        indexes
            .get(&source.workflow_id)
            .is_some_and(|i| i.vector(source.seq).is_some())
    }

    fn upsert(&self, items: impl Iterator<Item = (String, Key, String, Vec<f32>)>) {
        let mut indexes = self.inner.indexes.write().unwrap_or_else(|e| e.into_inner());
        for (workflow_id, seq, ticket_id, vector) in items {
            indexes.entry(workflow_id).or_default().upsert(seq, &ticket_id, &vector);
        }
    }

    /// Loads into the indexes the vectors stored since the last sync: those
    /// another process (a local `tix search` or `tix reindex` on the same
    /// database) embedded, and which this process would otherwise not see.
    pub async fn sync_stored(&self) -> Result<()> {
        let Some(embedder) = &self.inner.embedder else {
            return Ok(());
        };
        let after = self.inner.changes_seen.load(Ordering::Acquire);
        let (changed, head) = self
            .inner
            .store
            .embedding_changes_since(embedder.model_id(), after)
            .await?;
        self.upsert(
            changed
                .into_iter()
                .map(|e| (e.workflow_id, e.seq, e.ticket_id, e.vector)),
        );
        self.inner.changes_seen.fetch_max(head, Ordering::AcqRel);
        Ok(())
    }

    /// Waits until every write committed before this call is embedded, or the
    /// freshness timeout passes. Returns whether the index is fresh.
    pub async fn wait_fresh(&self) -> Result<bool> {
        self.wait_fresh_within(self.inner.freshness_timeout).await
    }

    /// [`Search::wait_fresh`], waiting at most `limit` (and never longer
    /// than the configured freshness timeout): for callers such as a
    /// create's duplicate check, which would rather miss a look-alike
    /// written a moment ago than keep the caller waiting.
    pub async fn wait_fresh_within(&self, limit: Duration) -> Result<bool> {
        if self.inner.embedder.is_none() {
            return Ok(true);
        }
        let fresh = self.wait_for_queue(limit.min(self.inner.freshness_timeout)).await?;
        self.sync_stored().await?;
        Ok(fresh)
    }

    async fn wait_for_queue(&self, timeout: Duration) -> Result<bool> {
        let Some(head) = self.inner.store.embedding_queue_head().await? else {
            return Ok(true);
        };
        let mut processed = self.inner.processed.subscribe();
        if *processed.borrow() >= head {
            return Ok(true);
        }
        let has_worker = self.inner.worker.lock().unwrap_or_else(|e| e.into_inner()).is_some();
        if !has_worker {
            // No background worker (one-shot CLI): drain here.
            while self.drain_once().await? > 0 {
                if *processed.borrow() >= head {
                    break;
                }
            }
            return Ok(*processed.borrow() >= head);
        }
        self.inner.kick.notify_one();
        if self.inner.failing.load(Ordering::Relaxed) {
            // The worker cannot embed right now; answer with what there is.
            return Ok(false);
        }
        if self.inner.store.embedding_queue_len().await? > BACKLOG_NO_WAIT {
            // A backlog (an import, a new model): waiting would not help.
            return Ok(false);
        }
        let waited = tokio::time::timeout(timeout, processed.wait_for(|p| *p >= head)).await;
        Ok(matches!(waited, Ok(Ok(_))))
    }

    /// Embeds one text (a query, a new ticket) off the runtime; `None`
    /// without an embedder.
    async fn embed_one(&self, text: String) -> Result<Option<Vec<f32>>> {
        let Some(embedder) = self.inner.embedder.clone() else {
            return Ok(None);
        };
        Ok(embed_blocking(embedder, vec![text]).await?.into_iter().next())
    }

    /// Searches one workflow. This is the function behind `GET /api/search`,
    /// `POST /api/tickets/search`, `tix search` and the MCP `search_tickets`.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResponse> {
        let query = request.query.trim().to_string();
        if query.is_empty() {
            return Err(DomainError::validation("query", "the query is empty; say what to look for").into());
        }
        let limit = match request.limit {
            None => DEFAULT_LIMIT,
            Some(0) => return Err(DomainError::validation("limit", "limit must be at least 1").into()),
            Some(n) if n > MAX_LIMIT => {
                return Err(DomainError::validation("limit", format!("limit is at most {MAX_LIMIT} (got {n})")).into())
            }
            Some(n) => n,
        } as usize;
        let weights = request.weights.unwrap_or_default();
        if !(weights.semantic >= 0.0 && weights.keyword >= 0.0 && weights.semantic + weights.keyword > 0.0) {
            return Err(DomainError::validation(
                "weights",
                "weights must be non-negative and not both 0 (default semantic 0.7, keyword 0.3)",
            )
            .into());
        }
        // Also checks the workflow exists.
        let workflow = self.inner.store.get_workflow(&request.workflow_id).await?;
        let workflow_id = workflow.id;
        let filter = request.filter;

        let mut warning = None;
        let mut search_type = request.search_type;
        if search_type != SearchType::Keyword && !self.semantic_available() {
            warning = Some(format!(
                "semantic search is unavailable ({}); these are keyword results",
                self.unavailable_reason().unwrap_or("no embedder")
            ));
            search_type = SearchType::Keyword;
        }
        let mut semantic = search_type != SearchType::Keyword;
        let vector = if semantic {
            if !self.wait_fresh().await? {
                warning =
                    Some("the embedding queue is behind; the newest edits may be missing from semantic results".into());
            }
            match self.embed_one(query.clone()).await {
                Ok(vector) => vector,
                Err(err) => {
                    // A remote embedder that is down: answer with keywords.
                    warning = Some(format!(
                        "the query could not be embedded ({err}); these are keyword results"
                    ));
                    search_type = SearchType::Keyword;
                    semantic = false;
                    None
                }
            }
        } else {
            None
        };
        let allow: Option<HashSet<Key>> = if semantic && !filter.is_empty() {
            Some(
                self.inner
                    .store
                    .filtered_seqs(&workflow_id, &filter)
                    .await?
                    .into_iter()
                    .collect(),
            )
        } else {
            None
        };
        let q = Query {
            workflow_id: &workflow_id,
            text: &query,
            vector: vector.as_deref(),
            filter: &filter,
            allow: allow.as_ref(),
        };
        let k = match search_type {
            SearchType::Hybrid => CANDIDATES_PER_RESULT * limit,
            _ => limit,
        };
        let (keyword_hits, semantic_hits) = match search_type {
            SearchType::Keyword => (self.inner.keyword.retrieve(&q, k).await?, Vec::new()),
            SearchType::Semantic => (Vec::new(), self.inner.semantic.retrieve(&q, k).await?),
            SearchType::Hybrid => {
                let (kw, sem) = tokio::join!(self.inner.keyword.retrieve(&q, k), self.inner.semantic.retrieve(&q, k));
                (kw?, sem?)
            }
        };
        let mut ranked: Vec<SearchHitDraft> = match search_type {
            SearchType::Hybrid => {
                let cosine_of = |seq| {
                    vector
                        .as_deref()
                        .and_then(|v| self.inner.semantic.cosine(&workflow_id, seq, v))
                };
                fuse(&keyword_hits, &semantic_hits, cosine_of, weights, limit)
                    .into_iter()
                    .map(|f| SearchHitDraft {
                        ticket_id: f.ticket_id,
                        score: f.score,
                        keyword_score: f.keyword_score,
                        semantic_score: Some(f.semantic_score),
                        bm25: f.bm25,
                        cosine: f.cosine,
                        matched_in: f.matched_in,
                    })
                    .collect()
            }
            SearchType::Keyword => single_side(&keyword_hits, MatchedIn::Keyword),
            SearchType::Semantic => single_side(&semantic_hits, MatchedIn::Semantic),
        };
        if let Some(id) = self.id_match(&workflow_id, &query, &filter).await? {
            let top = ranked.first().map(|h| h.score).unwrap_or(1.0);
            let mut hit = match ranked.iter().position(|h| h.ticket_id == id) {
                Some(i) => ranked.remove(i),
                None => SearchHitDraft {
                    ticket_id: id,
                    score: 0.0,
                    keyword_score: 0.0,
                    semantic_score: semantic.then_some(0.0),
                    bm25: None,
                    cosine: None,
                    matched_in: Vec::new(),
                },
            };
            hit.score = hit.score.max(top);
            hit.matched_in.insert(0, MatchedIn::Id);
            ranked.insert(0, hit);
            ranked.truncate(limit);
        }
        let ids: Vec<String> = ranked.iter().map(|h| h.ticket_id.clone()).collect();
        let mut tickets: HashMap<String, Ticket> = self
            .inner
            .store
            .tickets_by_ids(&ids)
            .await?
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        let results = ranked
            .into_iter()
            .filter_map(|h| {
                Some(SearchHit {
                    ticket: tickets.remove(&h.ticket_id)?,
                    score: h.score,
                    keyword_score: h.keyword_score,
                    semantic_score: if semantic { h.semantic_score } else { None },
                    bm25: h.bm25,
                    cosine: h.cosine,
                    matched_in: h.matched_in,
                })
            })
            .collect();
        Ok(SearchResponse {
            workflow_id,
            query,
            search_type,
            semantic_available: self.semantic_available(),
            model_id: self.model_id(),
            weights,
            results,
            warning,
        })
    }

    /// The ticket a query names by id (or unambiguous prefix), if it is in
    /// the workflow and passes the filter.
    async fn id_match(&self, workflow_id: &str, query: &str, filter: &SearchFilter) -> Result<Option<String>> {
        let looks_like_id = !query.contains(char::is_whitespace)
            && (query.to_ascii_lowercase().starts_with(tix_core::ids::TICKET_PREFIX) || query.len() >= 4)
            && tix_core::ids::normalise_ticket_ref(query).is_ok();
        if !looks_like_id {
            return Ok(None);
        }
        let id = match self.inner.store.resolve_ticket_id(query).await {
            Ok(id) => id,
            Err(Error::Domain(_)) => return Ok(None),
            Err(err) => return Err(err),
        };
        let ticket = self.inner.store.tickets_by_ids(std::slice::from_ref(&id)).await?;
        Ok(ticket
            .into_iter()
            .find(|t| t.workflow_id == workflow_id && filter.matches(t))
            .map(|t| t.id))
    }

    /// Embeds a ticket's title, description and tags the way the worker
    /// does. `None` without an embedder; an error when the embedder fails
    /// (a remote one that is down).
    pub async fn embed_ticket(&self, title: &str, description: &str, tags: &[String]) -> Result<Option<TicketVector>> {
        let text = ticket_text(title, description, tags);
        let content_hash = content_hash(&text);
        Ok(self
            .embed_one(text)
            .await?
            .map(|vector| TicketVector { vector, content_hash }))
    }

    /// Unresolved tickets of the workflow whose vector is within
    /// `threshold` (cosine) of `vector`, best first, at most `limit`.
    pub async fn unresolved_lookalikes(
        &self,
        workflow_id: &str,
        vector: &[f32],
        threshold: f32,
        limit: usize,
    ) -> Result<Vec<SimilarTicket>> {
        let hits = {
            let indexes = self.inner.indexes.read().unwrap_or_else(|e| e.into_inner());
            match indexes.get(workflow_id) {
                Some(index) => index.above(vector, threshold),
                None => Vec::new(),
            }
        };
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        // Resolved look-alikes are skipped below; reading a few times the
        // limit leaves room for them without loading every hit.
        let ids: Vec<String> = hits.iter().take(4 * limit).map(|h| h.ticket_id.clone()).collect();
        let tickets: HashMap<String, Ticket> = self
            .inner
            .store
            .tickets_by_ids(&ids)
            .await?
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        Ok(hits
            .into_iter()
            .filter_map(|h| {
                let t = tickets.get(&h.ticket_id).filter(|t| !t.is_resolved)?;
                Some(SimilarTicket {
                    id: t.id.clone(),
                    title: t.title.clone(),
                    status: t.status.clone(),
                    similarity: h.cosine,
                })
            })
            .take(limit)
            .collect())
    }

    /// Stores the vector of a ticket just created from the embedded text,
    /// and indexes it. Without an embedder there is nothing to store.
    pub async fn store_vector(&self, ticket_id: &str, ticket_vector: TicketVector) -> Result<()> {
        let Some(embedder) = &self.inner.embedder else {
            return Ok(());
        };
        let TicketVector { vector, content_hash } = ticket_vector;
        let saved = self
            .inner
            .store
            .save_embeddings(
                embedder.model_id(),
                vec![NewEmbedding {
                    ticket_id: ticket_id.to_string(),
                    content_hash,
                    vector: vector.clone(),
                }],
                Vec::new(),
            )
            .await?;
        self.upsert(
            saved
                .into_iter()
                .map(|s| (s.workflow_id, s.seq, s.ticket_id, vector.clone())),
        );
        Ok(())
    }

    /// Tickets of the same workflow that mean nearly the same thing, with
    /// labels: `duplicate` (≥ 0.92), `related` (≥ 0.75), `similar` (≥ 0.6).
    pub async fn related(&self, ticket: &str, limit: Option<u32>) -> Result<RelatedTickets> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as usize;
        let id = self.inner.store.resolve_ticket_id(ticket).await?;
        if self.inner.embedder.is_none() {
            return Ok(RelatedTickets {
                ticket_id: id,
                semantic_available: false,
                related: Vec::new(),
            });
        }
        self.wait_fresh().await?;
        let ticket = self
            .inner
            .store
            .tickets_by_ids(std::slice::from_ref(&id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| DomainError::not_found("ticket", &id))?;
        let hits = {
            let indexes = self.inner.indexes.read().unwrap_or_else(|e| e.into_inner());
            indexes
                .get(&ticket.workflow_id)
                .and_then(|index| {
                    let vector = index.vector_of(&id)?.to_vec();
                    Some(index.top_k(&vector, limit + 1, None))
                })
                .unwrap_or_default()
        };
        let hits: Vec<_> = hits
            .into_iter()
            .filter(|h| h.ticket_id != id && h.cosine >= SIMILAR_LABEL_THRESHOLD)
            .take(limit)
            .collect();
        let ids: Vec<String> = hits.iter().map(|h| h.ticket_id.clone()).collect();
        let tickets: HashMap<String, Ticket> = self
            .inner
            .store
            .tickets_by_ids(&ids)
            .await?
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        let related = hits
            .into_iter()
            .filter_map(|h| {
                let t = tickets.get(&h.ticket_id)?;
                Some(RelatedTicket {
                    id: t.id.clone(),
                    title: t.title.clone(),
                    status: t.status.clone(),
                    is_resolved: t.is_resolved,
                    similarity: h.cosine,
                    relation: Relation::of(h.cosine)?,
                })
            })
            .collect();
        Ok(RelatedTickets {
            ticket_id: id,
            semantic_available: true,
            related,
        })
    }

    /// Re-embeds every ticket with the current model (and drops vectors of
    /// other models), reporting progress. Returns how many were embedded.
    pub async fn reindex(&self, mut progress: impl FnMut(Progress) + Send) -> Result<u64> {
        let Some(embedder) = self.inner.embedder.clone() else {
            return Err(DomainError::validation(
                "model",
                format!(
                    "semantic search is unavailable ({}); nothing to reindex",
                    self.unavailable_reason().unwrap_or("no embedder")
                ),
            )
            .into());
        };
        let model = embedder.model_id().to_string();
        self.inner.store.drop_other_embeddings(&model).await?;
        self.inner.store.queue_for_embedding(&model, true).await?;
        // Forget the in-memory vectors so every ticket is embedded afresh.
        self.inner.indexes.write().unwrap_or_else(|e| e.into_inner()).clear();
        let total = self.inner.store.embedding_queue_len().await?;
        let mut done = 0u64;
        progress(Progress { done, total });
        loop {
            let n = self.drain_once().await? as u64;
            if n == 0 {
                break;
            }
            done = (done + n).min(total);
            progress(Progress { done, total });
        }
        Ok(done)
    }
}

struct SearchHitDraft {
    ticket_id: String,
    score: f32,
    keyword_score: f32,
    semantic_score: Option<f32>,
    bm25: Option<f32>,
    cosine: Option<f32>,
    matched_in: Vec<MatchedIn>,
}

/// Results of one retriever: raw scores, normalised over the results.
fn single_side(hits: &[Hit], kind: MatchedIn) -> Vec<SearchHitDraft> {
    let (lo, hi) = hits.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), h| {
        (lo.min(h.score), hi.max(h.score))
    });
    hits.iter()
        .map(|h| {
            let norm = if hi - lo <= f32::EPSILON {
                1.0
            } else {
                (h.score - lo) / (hi - lo)
            };
            let keyword = kind == MatchedIn::Keyword;
            SearchHitDraft {
                ticket_id: h.ticket_id.clone(),
                score: h.score,
                keyword_score: if keyword { norm } else { 0.0 },
                semantic_score: (!keyword).then_some(norm),
                bm25: keyword.then_some(h.score),
                cosine: (!keyword).then_some(h.score),
                matched_in: vec![kind],
            }
        })
        .collect()
}
