//! Tix use cases: the one door every surface goes through for the
//! operations whose rules span more than one store call.
//!
//! REST handlers, MCP tools and the CLI's local mode all call [`App`] to
//! - create a ticket ([`App::create_ticket`]: similar tickets, the board's
//!   duplicate policy, the Guardian's `duplicate_ticket` finding),
//! - claim one ([`App::claim`]: the lease in seconds, capped),
//! - read a workflow's statistics ([`App::workflow_stats`]: `days`, 30 by
//!   default),
//! - choose the workflow a call works in ([`App::workflow_id`]: named, the
//!   session's default, the agent's current task's, the only one).
//!
//! Before this crate each surface spelled those rules itself, and the CLI's
//! local mode skipped some (a local `tix create` listed no similar tickets;
//! a local `tix claim` took any lease). Here they are written once, so a
//! rule added to a use case reaches every surface. A remote CLI talks HTTP,
//! and the server it talks to calls this crate.
//!
//! The plain operations (read a ticket, move it, comment, …) are not
//! forwarded: they have no rule beyond the store's own, so surfaces call
//! [`App::store`] for them rather than a second copy of every signature.
//!
//! Architecture Invariant: input ranges are checked in `tix-core`
//! (`tix_core::validate`), applied by the store's operations so no caller
//! can skip them; this crate adds none of its own, so the answer to a bad
//! value is the same wherever it is sent.
//!
//! ```no_run
//! # async fn example(store: tix_store::SqliteStore) -> tix_store::Result<()> {
//! use tix_app::{App, CreateOptions, NewClaim, WorkflowChoice};
//! let app = App::keyword_only(store, "no embedding model in this example");
//! let workflow_id = app.workflow_id(WorkflowChoice::default()).await?;
//! let new = tix_core::ticket::NewTicket {
//!     workflow_id: workflow_id.clone(),
//!     title: "Sign-in page goes blank".into(),
//!     description: String::new(),
//!     ticket_type: "bug".into(),
//!     priority: None,
//!     tags: Vec::new(),
//!     blocked_by_ticket_ids: Vec::new(),
//!     assigned_agent_id: None,
//!     id: None,
//!     parent_id: None,
//! };
//! let created = app.create_ticket("agent-a", new, CreateOptions::default()).await?;
//! println!("{} ({} look-alikes)", created.ticket_id, created.similar_tickets.len());
//! let claimed = app
//!     .claim(NewClaim {
//!         workflow_id,
//!         agent_id: "agent-a".into(),
//!         ticket_id: None,
//!         lease_seconds: Some(3600),
//!         ..NewClaim::default()
//!     })
//!     .await?;
//! println!("claimed {} (claim token {})", claimed.ticket.id, claimed.claim_token);
//! # Ok(()) }
//! ```

mod adopt;
mod claim;
mod create;
mod stats;
mod waiting;
mod workflow;

use std::sync::Arc;
use std::time::Duration;

use tix_core::ticket::ReadyTicket;
use tix_search::Search;
use tix_store::{EventFeed, Result, Scope, Scoped, SearchStore, Store};

pub use adopt::phase_named_by;
pub use claim::NewClaim;
pub use create::{CreateOptions, CreatedTicket, MAX_SIMILAR, SIMILAR_THRESHOLD};
pub use waiting::RECHECK;
pub use workflow::WorkflowChoice;

/// The use cases over a store and its search service. Cheap to clone: the
/// store is a handle and the search service shares its state.
#[derive(Clone)]
pub struct App<S> {
    store: S,
    search: Search<S>,
    /// Requests waiting for work, woken from the event log.
    waiters: Arc<waiting::Waiters>,
}

impl<S: Store + SearchStore> App<S> {
    /// The use cases over a started search service and the store it searches.
    pub fn new(search: Search<S>) -> App<S> {
        App {
            store: search.store().clone(),
            search,
            waiters: Arc::default(),
        }
    }

    /// The use cases without semantic search (creates then list no similar
    /// tickets); `reason` is what searches say about it.
    pub fn keyword_only(store: S, reason: &str) -> App<S> {
        App::new(Search::keyword_only(store, reason))
    }

    /// The store, for the plain operations.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The search service, for searches, related tickets and reindexing.
    pub fn search(&self) -> &Search<S> {
        &self.search
    }

    /// These use cases over the store scoped to one request (its claim
    /// token, its idempotency key: see [`tix_store::scope`]).
    pub fn scoped(&self, scope: Scope) -> App<S>
    where
        S: Scoped,
    {
        App {
            store: self.store.scoped(scope),
            search: self.search.clone(),
            waiters: self.waiters.clone(),
        }
    }

    /// Ready tickets for `agent`, best first. With `wait`, an empty answer
    /// waits until something becomes ready in the workflow (or the time runs
    /// out, then answers the empty list).
    pub async fn ready(
        &self,
        workflow_id: &str,
        agent: Option<&str>,
        limit: u32,
        wait: Option<Duration>,
    ) -> Result<Vec<ReadyTicket>>
    where
        S: EventFeed,
    {
        let Some(wait) = wait else {
            return self.store.ready(workflow_id, agent, limit).await;
        };
        let deadline = tokio::time::Instant::now() + wait;
        let mut wake = self.waiters.subscribe(&self.store, workflow_id);
        loop {
            let ready = self.store.ready(workflow_id, agent, limit).await?;
            if !ready.is_empty() || !wake.until(deadline).await {
                return Ok(ready);
            }
        }
    }
}
