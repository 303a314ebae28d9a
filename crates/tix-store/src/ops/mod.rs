//! The operations, each written once over the [`Statements`] a backend
//! offers: load, check the pure rules of tix-core, ask the Guardian, apply,
//! write history and events, move the tasks that follow, keep the graph
//! cache in step. One file per subject; a new write operation goes in the
//! file of its subject (or a new one) and in [`crate::StoreOn`]'s trait impl.
//!
//! Every write runs inside one transaction opened by the backend, with one
//! [`WriteCtx`]: the events it appends (flushed in order at the end), the
//! graph deltas it made (applied to the cache after commit) and a Guardian
//! refusal to record after the rollback.

pub mod claims;
pub mod comments;
pub mod commits;
pub mod edges;
pub mod graphs;
pub mod guardian;
pub mod idempotency;
pub mod interop;
pub mod metrics;
pub mod moves;
pub mod ranks;
pub mod reads;
pub mod runs;
pub mod tasks;
pub mod tickets;
pub mod tokens;
pub mod tree;
pub mod webhooks;
pub mod workflows;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde_json::Value;
use tix_core::event::EventKind;
use tix_core::graph::DependencyGraph;
use tix_core::ids;
use tix_core::ticket::Ticket;
use tix_core::workflow::Workflow;
use tix_core::DomainError;

use crate::graph_cache::{GraphCache, GraphDelta};
use crate::scope::Scope;
use crate::statements::{PendingEvent, PendingViolation, Statements};
use crate::{Error, Result};

/// The agent id recorded for Tix's own actions (lease expiry).
pub const SYSTEM_AGENT: &str = "tix";

/// What every write of one store shares: the graph cache and the feed that
/// wakes event readers.
pub struct Shared {
    pub graphs: GraphCache,
    /// Counts commits that wrote events (through this store, or announced
    /// by another replica's NOTIFY): a change means "read the log"; the
    /// value is no event id (on PostgreSQL, ids commit out of order).
    pub last_event: tokio::sync::watch::Sender<i64>,
}

impl Shared {
    pub fn new() -> Arc<Shared> {
        Arc::new(Shared {
            graphs: GraphCache::default(),
            last_event: tokio::sync::watch::Sender::new(0),
        })
    }

    /// Wakes the event readers: new events may be in the log.
    pub fn wake(&self) {
        self.last_event
            .send_modify(|generation| *generation = generation.wrapping_add(1));
    }
}

/// What one write transaction did, kept until it commits or rolls back.
pub struct WriteCtx {
    shared: Arc<Shared>,
    /// workflow → (graph version before this transaction, deltas).
    changes: HashMap<String, (i64, Vec<GraphDelta>)>,
    /// Workflows whose graph this transaction read (a graph loaded inside a
    /// failed transaction may hold its uncommitted rows).
    touched: HashSet<String>,
    events: Vec<PendingEvent>,
    last_event: Option<i64>,
    refused: Option<PendingViolation>,
    /// What the request carries: its claim token, its idempotency key.
    scope: Arc<Scope>,
    /// Workflows whose ready ranks this write leaves to be recomputed on
    /// first use instead of maintaining them (bulk imports).
    ranks_deferred: HashSet<String>,
}

impl WriteCtx {
    pub fn new(shared: Arc<Shared>) -> WriteCtx {
        WriteCtx {
            shared,
            changes: HashMap::new(),
            touched: HashSet::new(),
            events: Vec::new(),
            last_event: None,
            refused: None,
            scope: Arc::new(Scope::default()),
            ranks_deferred: HashSet::new(),
        }
    }

    /// Leaves the workflow's ready ranks to be computed on first use, once,
    /// rather than after this write: each maintenance walks the whole
    /// graph, so a bulk import arriving in batches would pay it per batch.
    pub fn defer_ranks(&mut self, workflow_id: &str) {
        self.ranks_deferred.insert(workflow_id.to_string());
    }

    pub fn set_scope(&mut self, scope: Arc<Scope>) {
        self.scope = scope;
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The claim token the request carries, if any.
    pub fn claim_token(&self) -> Option<&str> {
        self.scope.claim_token.as_deref()
    }

    pub fn graphs(&self) -> &GraphCache {
        &self.shared.graphs
    }

    /// Queues an event; the log gets the transaction's events in order at
    /// its end.
    pub fn event(
        &mut self,
        workflow_id: &str,
        kind: EventKind,
        ticket_id: Option<&str>,
        agent: &str,
        payload: Value,
        at: DateTime<Utc>,
    ) {
        self.events.push(PendingEvent {
            workflow_id: workflow_id.to_string(),
            kind,
            ticket_id: ticket_id.map(str::to_string),
            agent: agent.to_string(),
            payload,
            at,
        });
    }

    /// Keeps a Guardian refusal to record after the rollback.
    pub fn refuse(&mut self, violation: PendingViolation) {
        self.refused = Some(violation);
    }

    /// The workflow's graph as this transaction sees it.
    pub async fn graph<C: Statements, T>(
        &mut self,
        tx: &mut C,
        workflow_id: &str,
        f: impl FnOnce(&mut DependencyGraph) -> T + Send,
    ) -> Result<T> {
        self.touched.insert(workflow_id.to_string());
        with_graph(tx, &self.shared.graphs, workflow_id, f).await
    }

    /// Records graph changes; bumps the workflow's graph version once per
    /// transaction (on PostgreSQL the bump's row lock serialises graph
    /// writes per workflow, so callers do it last).
    pub async fn changed<C: Statements>(
        &mut self,
        tx: &mut C,
        workflow_id: &str,
        deltas: Vec<GraphDelta>,
    ) -> Result<()> {
        if let Some((_, existing)) = self.changes.get_mut(workflow_id) {
            existing.extend(deltas);
            return Ok(());
        }
        let old = tx.bump_graph_version(workflow_id).await?;
        self.changes.insert(workflow_id.to_string(), (old, deltas));
        Ok(())
    }

    /// Appends the queued events to the log, and their webhook deliveries
    /// to the outbox: the last statements of every write before its commit.
    pub async fn flush<C: Statements>(&mut self, tx: &mut C) -> Result<()> {
        // The ready queue's ranks follow the graph changes, in this transaction.
        for (workflow_id, (old, deltas)) in &self.changes {
            if self.ranks_deferred.contains(workflow_id) {
                tx.set_ranks_ready(workflow_id, false).await?;
            } else {
                ranks::maintain(tx, &self.shared.graphs, workflow_id, *old, deltas).await?;
            }
        }
        if !self.events.is_empty() {
            let ids = tx.append_events(&self.events).await?;
            self.last_event = ids.last().copied();
            webhooks::enqueue(tx, &self.events, &ids).await?;
            self.events.clear();
        }
        Ok(())
    }

    /// Whether this write appended events (known once they are flushed).
    pub fn wrote_events(&self) -> bool {
        self.last_event.is_some()
    }

    /// After the commit: the cache takes the deltas, event streams wake.
    pub fn committed(self) {
        self.apply_graph_changes();
        self.wake_readers();
    }

    /// The cache takes this write's graph deltas. Group commit calls it as
    /// soon as the write's savepoint is released, so the next write of the
    /// group finds the graph it sees in the cache.
    pub fn apply_graph_changes(&self) {
        for (workflow_id, (old, deltas)) in &self.changes {
            self.shared.graphs.apply(workflow_id, *old, deltas);
        }
    }

    /// Wakes event streams if this write appended events.
    pub fn wake_readers(&self) {
        if self.last_event.is_some() {
            self.shared.wake();
        }
    }

    /// After a rollback: forget graphs the transaction may have seen
    /// half-written; answers the refusal to record, if any.
    pub fn rolled_back(self) -> Option<PendingViolation> {
        self.forget_graphs();
        self.refused
    }

    /// Drops from the cache every graph this write read or changed.
    pub fn forget_graphs(&self) {
        for workflow_id in self.touched.iter().chain(self.changes.keys()) {
            self.shared.graphs.invalidate(workflow_id);
        }
    }

    /// The refusal to record once the refused write rolled back.
    pub fn take_refusal(&mut self) -> Option<PendingViolation> {
        self.refused.take()
    }
}

/// Runs `f` on the workflow's graph as `conn` sees it: the cached one when
/// its version matches the database's, else reloaded.
pub async fn with_graph<C: Statements, T>(
    conn: &mut C,
    graphs: &GraphCache,
    workflow_id: &str,
    f: impl FnOnce(&mut DependencyGraph) -> T + Send,
) -> Result<T> {
    let version = conn
        .graph_version(workflow_id)
        .await?
        .ok_or_else(|| DomainError::not_found("workflow", workflow_id))?;
    match graphs.with_fresh(workflow_id, version, f) {
        Ok(out) => Ok(out),
        Err(f) => {
            let stored = conn.load_graph(workflow_id).await?;
            let mut graph = DependencyGraph::new();
            for (id, resolved) in &stored.nodes {
                graph.add_node(id, *resolved);
            }
            for (blocker, blocked) in &stored.edges {
                graph.insert_stored_edge(blocker, blocked)?;
            }
            Ok(graphs.put(workflow_id, version, graph, f))
        }
    }
}

// ---------------------------------------------------------------- small shared steps

/// Now, to the microsecond (what both backends store).
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

pub fn random_bytes() -> Result<[u8; 8]> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness for ids: {e}")))?;
    Ok(bytes)
}

pub async fn require_workflow<C: Statements>(conn: &mut C, id: &str) -> Result<Workflow> {
    conn.load_workflow(id)
        .await?
        .ok_or_else(|| DomainError::not_found("workflow", id).into())
}

pub async fn require_ticket<C: Statements>(conn: &mut C, id: &str) -> Result<Ticket> {
    conn.load_ticket(id)
        .await?
        .ok_or_else(|| DomainError::not_found("ticket", id).into())
}

/// The full id an id, an unambiguous prefix (`ticket-7hx`, `7hx`) or an
/// external ref (`bd-a1b2`: the id a ticket had where it was imported
/// from) names. An exact id wins, then an external ref, then a prefix.
pub async fn resolve_ticket_id<C: Statements>(conn: &mut C, input: &str) -> Result<String> {
    let normalised = ids::normalise_ticket_ref(input);
    if let Ok(id) = &normalised {
        if conn.ticket_exists(id).await? {
            return Ok(id.clone());
        }
    }
    let trimmed = input.trim();
    if !trimmed.is_empty() {
        let mut by_ref = conn.tickets_with_external_ref(trimmed, 6).await?;
        match by_ref.len() {
            0 => {}
            1 => return Ok(by_ref.pop().unwrap_or_default()),
            _ => {
                return Err(DomainError::AmbiguousId {
                    prefix: trimmed.to_string(),
                    matches: by_ref,
                }
                .into())
            }
        }
    }
    let prefix = normalised?;
    let matches = conn.ticket_ids_with_prefix(&prefix, 6).await?;
    match matches.len() {
        0 => Err(DomainError::not_found("ticket", input.trim()).into()),
        1 => Ok(matches.into_iter().next().unwrap_or_default()),
        _ => Err(DomainError::AmbiguousId {
            prefix: input.trim().to_string(),
            matches,
        }
        .into()),
    }
}

/// Resolves an id, prefix or external ref and locks the ticket (one
/// statement for a full id).
pub async fn lock_ticket_ref<C: Statements>(conn: &mut C, input: &str) -> Result<Ticket> {
    if let Ok(normalised) = ids::normalise_ticket_ref(input) {
        if let Some(ticket) = conn.lock_ticket(&normalised).await? {
            return Ok(ticket);
        }
    }
    let id = resolve_ticket_id(conn, input).await?;
    conn.lock_ticket(&id)
        .await?
        .ok_or_else(|| DomainError::not_found("ticket", id).into())
}

pub fn check_version(ticket: &Ticket, expected: Option<u64>) -> Result<()> {
    match expected {
        Some(expected) if expected != ticket.version => Err(DomainError::StaleVersion {
            ticket_id: ticket.id.clone(),
            expected,
            actual: ticket.version,
        }
        .into()),
        _ => Ok(()),
    }
}

/// The lease after a write by `actor`: renewed when the holder writes.
pub async fn renewed_lease<C: Statements>(
    conn: &mut C,
    ticket: &Ticket,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let current = ticket.lease_expires_at;
    if ticket.assigned_agent_id.as_deref() != Some(actor) || current.is_none() {
        return Ok(current);
    }
    Ok(match conn.lease_seconds(&ticket.id).await? {
        Some(secs) => Some(now + TimeDelta::seconds(secs)),
        None => current,
    })
}

/// The `seq` a page cursor (`c123`, from `next_cursor`) continues after.
pub fn parse_cursor(cursor: &str) -> Result<i64> {
    cursor
        .strip_prefix('c')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            DomainError::validation(
                "cursor",
                "not a cursor from this API; pass next_cursor from the previous page",
            )
            .into()
        })
}

/// A comment as given: `None` when absent or blank, else checked.
pub fn optional_comment(comment: Option<String>) -> Result<Option<String>> {
    match comment.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Ok(Some(tix_core::validate::check_comment("comment", text)?)),
    }
}
