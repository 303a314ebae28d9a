//! What a create's duplicate check needs from the search service: embed
//! the new ticket's text, list the unresolved look-alikes of that vector,
//! and store the vector once the ticket exists (so the worker need not
//! embed it again). The check itself (thresholds, the board's duplicate
//! policy, the Guardian's finding) is a use case, in `tix-app`.

use tix_core::ticket::SimilarTicket;
use tix_store::search::{NewEmbedding, SearchStore};
use tix_store::{Result, Store};

use super::Search;
use crate::embed::{content_hash, ticket_text};
use crate::index::VectorIndex;

/// A ticket's vector, embedded from its text before the ticket exists,
/// with the hash of that text (stored with it, so the worker knows the
/// vector is current).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketVector {
    pub vector: Vec<f32>,
    content_hash: String,
}

impl<S: Store + SearchStore> Search<S> {
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
        let tickets = self.tickets_by_id(&ids).await?;
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
}
