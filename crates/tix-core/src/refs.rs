//! How tickets are referred to inside other answers and errors: a leaf
//! module, so `error` and `ticket` can both use it without a cycle.

use serde::{Deserialize, Serialize};

/// A ticket as shown inside errors and relation lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TicketRef {
    pub id: String,
    pub title: String,
    pub status: String,
    pub is_resolved: bool,
}

/// A ticket whose embedding is close to another text or ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SimilarTicket {
    pub id: String,
    pub title: String,
    pub status: String,
    /// Cosine similarity of the embeddings, -1..1 (1 = same meaning).
    pub similarity: f32,
}
