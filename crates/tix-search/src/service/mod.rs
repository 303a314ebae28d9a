//! [`Search`]: the search service over a store. It owns the embedder, the
//! per-workflow vector indexes and the background worker that keeps them
//! (and the stored embeddings) in step with the tickets.
//!
//! Freshness: every write that changes a ticket's title, description or
//! tags queues the ticket for embedding in the same transaction (triggers).
//! A search first waits until the worker has processed the queue as it was
//! when the search started, so a search after a write sees the write.
//!
//! By concern: this file starts the service; [`worker`] keeps the vectors
//! in step (the queue, freshness, reindex); [`query`] answers searches;
//! [`related`] labels look-alikes of a ticket; [`lookalike`] holds what a
//! create's duplicate check needs (embed a new ticket's text, find
//! unresolved look-alikes of a vector, store the vector once the ticket
//! exists). The create use case itself lives in `tix-app`.

mod lookalike;
mod query;
mod related;
mod worker;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tix_core::ticket::Ticket;
use tix_store::search::SearchStore;
use tix_store::{Error, Result, Store};
use tokio::sync::{watch, Notify};

use crate::embed::{self, Embedder, EmbedderConfig};
use crate::index::{ExactIndex, VectorIndex};
use crate::retriever::{Indexes, KeywordRetriever, SemanticRetriever};

pub use lookalike::TicketVector;
pub use query::{SearchHit, SearchRequest, SearchResponse, SearchType};
pub use related::{RelatedTicket, RelatedTickets, Relation, DUPLICATE_THRESHOLD};
pub use worker::Progress;

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 100;

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
        Self::assemble(
            store,
            None,
            Some(reason.to_string()),
            HashMap::new(),
            0,
            Duration::from_secs(1),
        )
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
        let mut indexes: HashMap<String, ExactIndex> = HashMap::new();
        let mut changes_seen = 0;
        if let Some(embedder) = &embedder {
            let model = embedder.model_id().to_string();
            // Read before loading: later changes are synced again (harmless).
            changes_seen = store.embedding_changes_head().await?;
            let queued = store.queue_for_embedding(&model, false).await?;
            if queued > 0 {
                tracing::info!(queued, model = %model, "tickets queued for embedding");
            }
            for e in store.load_embeddings(&model).await? {
                indexes
                    .entry(e.workflow_id)
                    .or_default()
                    .upsert(e.seq, &e.ticket_id, &e.vector);
            }
            for index in indexes.values_mut() {
                index.shrink_to_fit();
            }
        }
        let search = Self::assemble(
            store,
            embedder,
            unavailable,
            indexes,
            changes_seen,
            config.freshness_timeout,
        );
        if search.inner.embedder.is_some() && config.background_worker {
            search.spawn_worker();
        }
        Ok(search)
    }

    /// The service around its parts, with no worker yet.
    fn assemble(
        store: S,
        embedder: Option<Arc<dyn Embedder>>,
        unavailable: Option<String>,
        indexes: HashMap<String, ExactIndex>,
        changes_seen: i64,
        freshness_timeout: Duration,
    ) -> Search<S> {
        let indexes: Indexes = Arc::new(RwLock::new(indexes));
        let (processed, _) = watch::channel(0i64);
        Search {
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
                freshness_timeout,
                worker: std::sync::Mutex::new(None),
            }),
        }
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

    /// The tickets with these ids, by id; an id that names no ticket (any
    /// more) is left out.
    async fn tickets_by_id(&self, ids: &[String]) -> Result<HashMap<String, Ticket>> {
        let tickets = self.inner.store.tickets_by_ids(ids).await?;
        Ok(tickets.into_iter().map(|t| (t.id.clone(), t)).collect())
    }

    /// Embeds one text (a query, a new ticket) off the runtime; `None`
    /// without an embedder.
    async fn embed_one(&self, text: String) -> Result<Option<Vec<f32>>> {
        let Some(embedder) = self.inner.embedder.clone() else {
            return Ok(None);
        };
        Ok(embed_blocking(embedder, vec![text]).await?.into_iter().next())
    }
}
