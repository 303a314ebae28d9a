//! Creating a ticket: the look-alikes it reports, the board's duplicate
//! policy and the Guardian's `duplicate_ticket` finding.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tix_core::board::DuplicatePolicy;
use tix_core::guardian::{self, Violation};
use tix_core::ticket::{NewTicket, SimilarTicket, Ticket, TicketCreated};
use tix_core::DomainError;
use tix_search::DUPLICATE_THRESHOLD;
use tix_store::{GuardianStore, Result, Scoped, SearchStore, Store};

use crate::App;

/// Cosine at which an unresolved ticket is listed in `similar_tickets`.
pub const SIMILAR_THRESHOLD: f32 = 0.80;
/// Most `similar_tickets` a create returns.
pub const MAX_SIMILAR: usize = 10;
/// Longest a create waits for the embedding queue before its duplicate
/// check: shorter than a search waits, because a create is a write the
/// caller is blocked on.
const CREATE_FRESHNESS: Duration = Duration::from_secs(5);

/// A ticket created through [`App::create_ticket`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreatedTicket {
    pub ticket_id: String,
    pub ticket: Ticket,
    /// Unresolved tickets of the workflow with similarity ≥ 0.80, best first.
    pub similar_tickets: Vec<SimilarTicket>,
    /// Guardian rules in `warn` mode the create broke (it went through).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
}

/// How to create a ticket through [`App::create_ticket`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreateOptions {
    /// Create even when `duplicate_policy = "refuse"` finds a look-alike.
    pub force: bool,
    /// Whether the agent searched earlier in its session. An MCP session
    /// knows; a REST call or the CLI does not (`None`). `Some(false)` while
    /// an unresolved ticket is ≥ 0.9 similar is the Guardian's
    /// `duplicate_ticket` finding.
    pub searched_first: Option<bool>,
}

impl<S: Store + SearchStore> App<S> {
    /// Creates a ticket and reports unresolved look-alikes
    /// (`similar_tickets`, cosine ≥ 0.80, same workflow). With the board's
    /// `duplicate_policy = "refuse"`, a look-alike at ≥ 0.92 refuses the
    /// create with `possible_duplicate` unless `options.force`. An
    /// unsearched create ([`CreateOptions::searched_first`] `Some(false)`)
    /// with a look-alike at ≥ 0.9 is judged by the Guardian
    /// (`duplicate_ticket`) in the create's transaction. Without semantic
    /// search it just creates (no similar tickets).
    pub async fn create_ticket(&self, actor: &str, new: NewTicket, options: CreateOptions) -> Result<CreatedTicket>
    where
        S: GuardianStore + Scoped,
    {
        if !self.search.semantic_available() {
            let created = self
                .store_answering(Vec::new())
                .create_ticket_judged(actor, new, Vec::new())
                .await?;
            return Ok(answer(created, Vec::new()));
        }
        let workflow = self.store.get_workflow(&new.workflow_id).await?;
        // Checked before anything is embedded, so bad input costs nothing.
        let checked = new.validate(&workflow.board_config)?;
        // A look-alike written in the last moments of a bulk import may be
        // missed rather than keep the create waiting.
        self.search.wait_fresh_within(CREATE_FRESHNESS).await?;
        // An embedder that fails (a remote one that is down) must not stop
        // the create: it goes ahead without the duplicate check.
        let embedded = match self
            .search
            .embed_ticket(&checked.title, &checked.description, &checked.tags)
            .await
        {
            Ok(embedded) => embedded,
            Err(err) => {
                tracing::warn!(%err, "no duplicate check for this create");
                None
            }
        };
        let similar = match &embedded {
            Some(embedded) => {
                self.search
                    .unresolved_lookalikes(&workflow.id, &embedded.vector, SIMILAR_THRESHOLD, MAX_SIMILAR)
                    .await?
            }
            None => Vec::new(),
        };
        if workflow.board_config.duplicate_policy == DuplicatePolicy::Refuse && !options.force {
            let duplicates: Vec<SimilarTicket> = similar
                .iter()
                .filter(|s| s.similarity >= DUPLICATE_THRESHOLD)
                .cloned()
                .collect();
            if !duplicates.is_empty() {
                return Err(DomainError::PossibleDuplicate {
                    title: checked.title,
                    matches: duplicates,
                }
                .into());
            }
        }
        // `similar` is best first, so its head is the closest look-alike.
        let findings = match (options.searched_first, similar.first()) {
            (Some(false), Some(closest)) if closest.similarity >= guardian::DUPLICATE_TICKET_SIMILARITY => {
                vec![guardian::duplicate_ticket(
                    &checked.title,
                    &closest.id,
                    &closest.title,
                    (f64::from(closest.similarity) * 1000.0).round() / 1000.0,
                )]
            }
            _ => Vec::new(),
        };
        let created = self
            .store_answering(similar.clone())
            .create_ticket_judged(actor, new, findings)
            .await?;
        if let Some(embedded) = embedded {
            // Stored now so the worker need not embed the ticket again.
            self.search.store_vector(&created.ticket.id, embedded).await?;
        }
        Ok(answer(created, similar))
    }

    /// The store for the create's write: a request's idempotency key keeps
    /// the use case's answer (with its look-alikes), not the store's.
    fn store_answering(&self, similar: Vec<SimilarTicket>) -> S
    where
        S: Scoped,
    {
        let scope = self.store.scope();
        if scope.idempotency.is_none() {
            return self.store.clone();
        }
        self.store
            .scoped(scope.through(move |created: &TicketCreated| answer(created.clone(), similar.clone())))
    }
}

fn answer(created: TicketCreated, similar_tickets: Vec<SimilarTicket>) -> CreatedTicket {
    CreatedTicket {
        ticket_id: created.ticket.id.clone(),
        ticket: created.ticket,
        similar_tickets,
        violations: created.violations,
    }
}
