//! Related tickets: the tickets of the same workflow that mean nearly the
//! same thing as a given one, labelled by how close they are.

use serde::{Deserialize, Serialize};
use tix_core::DomainError;
use tix_store::search::SearchStore;
use tix_store::{Result, Store};

use super::{Search, DEFAULT_LIMIT, MAX_LIMIT};
use crate::index::VectorIndex;

/// Cosine at which a look-alike is a duplicate: the `duplicate` label of
/// `related`, and where `duplicate_policy = "refuse"` refuses a create.
pub const DUPLICATE_THRESHOLD: f32 = 0.92;
/// Labels of `related`: duplicate ≥ 0.92, related ≥ 0.75, similar ≥ 0.6.
pub const RELATED_THRESHOLD: f32 = 0.75;
pub const SIMILAR_LABEL_THRESHOLD: f32 = 0.6;

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

impl<S: Store + SearchStore> Search<S> {
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
        let tickets = self.tickets_by_id(&ids).await?;
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
}
