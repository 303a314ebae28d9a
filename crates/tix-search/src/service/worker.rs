//! Keeping the vectors in step with the tickets: the background worker,
//! draining the embedding queue, the freshness wait before a search, vectors
//! other processes stored, and reindexing.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tix_core::DomainError;
use tix_store::search::{EmbeddingSource, NewEmbedding, SearchStore};
use tix_store::{Result, Store};

use super::{embed_blocking, Search};
use crate::embed::{content_hash, ticket_text};
use crate::index::{Key, VectorIndex};

/// Tickets the worker embeds per batch.
const WORKER_BATCH: u32 = 64;
/// How often the worker looks for writes made by other processes.
const WORKER_POLL: Duration = Duration::from_millis(500);
/// A queue longer than this (about 5 s of embedding) is a backlog that a
/// search does not wait for; it answers at once and says so.
const BACKLOG_NO_WAIT: u64 = 512;

/// Progress of a reindex: `done` of `total` tickets embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

impl<S: Store + SearchStore> Search<S> {
    /// Starts the background worker: it drains the queue, then syncs the
    /// vectors other processes stored and sleeps until kicked or polled. It
    /// holds the service weakly, so dropping the last handle ends it.
    pub(super) fn spawn_worker(&self) {
        let weak = Arc::downgrade(&self.inner);
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
        *self.inner.worker.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
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

    pub(super) fn upsert(&self, items: impl Iterator<Item = (String, Key, String, Vec<f32>)>) {
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
