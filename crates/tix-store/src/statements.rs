//! What a backend implements: single statements and locks, named in domain
//! words, over one connection inside one transaction (or one read
//! snapshot). The rules live in [`crate::ops`], written once over these
//! traits; a backend implements statements, never rules.
//!
//! Every method answers one statement's result (or, where a dialect needs
//! several, the same result). Methods named `lock_*` take the row or
//! advisory locks PostgreSQL needs for correctness across replicas; SQLite's
//! single writer thread already serialises every write, so there they are
//! plain reads or nothing.
//!
//! The traits are split by subject so each backend can keep one file per
//! subject; [`Statements`] is all of them.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tix_core::commit::{CommitLink, NewCommitLink};
use tix_core::event::{EventKind, HistoryAction};
use tix_core::guardian::{Finding, Mode, Rule, Violation};
use tix_core::task::{Task, TaskFilter, TaskStatus};
use tix_core::ticket::{Comment, Event, GraphNode, HistoryEntry, NewTicket, Priority, Ticket, TicketFilter};
use tix_core::workflow::Workflow;

use crate::{AgentToken, Result};
use tix_core::error::TicketRef;
use tix_core::run::{Handoff, Run, RunFilter, RunOutcome};
use tix_core::webhook::{Delivery, DeliveryState, Webhook};

pub use crate::interop_statements::{InteropStatements, MetricStatements, TreeStatements};

/// Every statement a backend offers.
pub trait Statements:
    WorkflowStatements
    + TicketStatements
    + MoveStatements
    + EdgeStatements
    + ClaimStatements
    + LogStatements
    + TaskStatements
    + AgentStatements
    + RunStatements
    + IdempotencyStatements
    + WebhookStatements
    + TreeStatements
    + InteropStatements
    + MetricStatements
{
}

impl<T> Statements for T where
    T: WorkflowStatements
        + TicketStatements
        + MoveStatements
        + EdgeStatements
        + ClaimStatements
        + LogStatements
        + TaskStatements
        + AgentStatements
        + RunStatements
        + IdempotencyStatements
        + WebhookStatements
        + TreeStatements
        + InteropStatements
        + MetricStatements
{
}

// ---------------------------------------------------------------- rows the ops hand to statements

/// A ticket to insert; its fields come validated from `NewTicket::validate`.
pub struct TicketRow<'a> {
    pub id: &'a str,
    pub ticket: &'a NewTicket,
    pub status: &'a str,
    pub created_by: &'a str,
    pub at: DateTime<Utc>,
    pub open_blockers: i64,
}

/// A blocking edge `blocker → blocked` to insert.
pub struct EdgeRow<'a> {
    pub blocker_id: &'a str,
    pub blocked_id: &'a str,
    pub workflow_id: &'a str,
    pub created_by: &'a str,
    pub at: DateTime<Utc>,
}

/// A history row to insert.
pub struct HistoryRow<'a> {
    pub ticket_id: &'a str,
    pub workflow_id: &'a str,
    pub agent: &'a str,
    pub action: HistoryAction,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub details: Value,
    pub at: DateTime<Utc>,
}

impl<'a> HistoryRow<'a> {
    /// A row with no status change and no comment.
    pub fn new(
        ticket_id: &'a str,
        workflow_id: &'a str,
        agent: &'a str,
        action: HistoryAction,
        details: Value,
        at: DateTime<Utc>,
    ) -> Self {
        HistoryRow {
            ticket_id,
            workflow_id,
            agent,
            action,
            from_status: None,
            to_status: None,
            comment: None,
            details,
            at,
        }
    }

    /// The row of a status change.
    pub fn moved(self, from_status: Option<&'a str>, to_status: Option<&'a str>) -> Self {
        HistoryRow {
            from_status,
            to_status,
            ..self
        }
    }

    pub fn with_comment(self, comment: Option<&'a str>) -> Self {
        HistoryRow { comment, ..self }
    }
}

/// An event to append to the log (kept in the write context until the
/// transaction's end, then appended in order).
#[derive(Debug, Clone)]
pub struct PendingEvent {
    pub workflow_id: String,
    pub kind: EventKind,
    pub ticket_id: Option<String>,
    pub agent: String,
    pub payload: Value,
    pub at: DateTime<Utc>,
}

/// The new state of a ticket's editable fields (`update_ticket`).
pub struct FieldsRow<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub priority: Priority,
    pub tags: &'a [String],
    pub ticket_type: &'a str,
    pub assigned_agent_id: Option<&'a str>,
    /// `None` also clears the stored lease length.
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

/// The new state of a ticket after a move (`apply_move`).
pub struct MoveRow<'a> {
    pub status: &'a str,
    pub is_resolved: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub assigned_agent_id: Option<&'a str>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub lease_seconds: Option<i64>,
    pub at: DateTime<Utc>,
}

/// What a new ticket's blocker is, as far as the new edge cares.
#[derive(Debug, Clone)]
pub struct BlockerFacts {
    pub id: String,
    pub workflow_id: String,
    pub is_resolved: bool,
}

/// What a claim does with a candidate another transaction holds right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfHeld {
    /// Pass it over at once (`SKIP LOCKED`).
    Skip,
    /// Wait for the holder to finish, then check the candidate again.
    Wait,
}

/// A dependent whose open-blocker count a resolve or reopen shifted.
pub struct ShiftedDependent {
    pub id: String,
    pub open_blockers: i64,
    pub is_resolved: bool,
}

/// A workflow's graph as stored: its tickets (id, resolved) and edges.
pub struct StoredGraph {
    pub nodes: Vec<(String, bool)>,
    pub edges: Vec<(String, String)>,
}

/// A task to insert.
pub struct TaskRow<'a> {
    pub id: &'a str,
    pub workflow_id: &'a str,
    pub phase_id: u32,
    pub ticket_id: &'a str,
    pub description: &'a str,
    pub status: TaskStatus,
    pub assigned_agent_id: Option<&'a str>,
    pub created_by: &'a str,
    pub at: DateTime<Utc>,
}

/// The new state of a task after a status change.
pub struct TaskUpdateRow<'a> {
    pub id: &'a str,
    pub status: TaskStatus,
    pub assigned_agent_id: Option<&'a str>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Replaces the note when given.
    pub note: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// A task that followed its ticket's blockers.
pub struct MovedTask {
    pub task_id: String,
    pub phase_id: u32,
    pub ticket_id: String,
}

/// A violation to record (not yet stored).
#[derive(Debug, Clone)]
pub struct PendingViolation {
    pub workflow_id: String,
    pub mode: Mode,
    pub agent: String,
    pub object_kind: &'static str,
    pub object_id: String,
    pub finding: Finding,
}

/// Which violations to list.
pub struct ViolationQuery<'a> {
    pub workflow_id: &'a str,
    pub rule: Option<Rule>,
    pub agent_id: Option<&'a str>,
    pub after: i64,
    pub limit: u32,
}

/// A run to insert (open).
pub struct RunRow<'a> {
    pub id: &'a str,
    pub workflow_id: &'a str,
    pub ticket_id: &'a str,
    pub task_id: Option<&'a str>,
    pub phase_id: Option<u32>,
    pub agent: &'a str,
    pub claim_token_hash: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// How a run ends.
pub struct RunEnd<'a> {
    pub outcome: RunOutcome,
    pub ended_by: &'a str,
    pub at: DateTime<Utc>,
    pub summary: Option<&'a str>,
    pub handoff: Option<&'a Handoff>,
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
    pub cost_usd: Option<f64>,
    pub exit_code: Option<i32>,
}

/// A queued task a claim by phase may take.
pub struct TaskCandidate {
    pub task_id: String,
    pub ticket_id: String,
}

/// An answer kept under an idempotency key.
#[derive(Debug, Clone)]
pub struct RecordedAnswer {
    pub fingerprint: String,
    pub status: u16,
    pub body: Value,
}

/// A webhook to insert.
pub struct WebhookRow<'a> {
    pub id: &'a str,
    pub url: &'a str,
    pub events: &'a [String],
    pub secret: &'a str,
    pub workflow_id: Option<&'a str>,
    pub created_by: &'a str,
    pub at: DateTime<Utc>,
}

/// A delivery to put in the outbox.
pub struct DeliveryRow {
    pub delivery_id: String,
    pub webhook_id: String,
    pub event_id: i64,
    pub event: &'static str,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A webhook this process now sends for, until its lease runs out.
#[derive(Debug, Clone)]
pub struct WebhookLease {
    pub webhook_id: String,
    pub url: String,
    pub secret: String,
}

/// The delivery a webhook's sender posts next.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    /// Outbox order.
    pub seq: i64,
    pub delivery_id: String,
    pub event: String,
    pub body: String,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
}

/// The outcome of one attempt of a delivery.
pub struct AttemptRow<'a> {
    pub seq: i64,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<u16>,
    pub last_error: Option<&'a str>,
    pub delivered_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------- the traits

pub trait WorkflowStatements: Send {
    /// Inserts the workflow unless its id is taken; answers whether it did.
    fn insert_workflow(&mut self, workflow: &Workflow) -> impl Future<Output = Result<bool>> + Send;
    fn load_workflow(&mut self, id: &str) -> impl Future<Output = Result<Option<Workflow>>> + Send;
    /// Most recently active (newest event) first, then newest.
    fn list_workflows(&mut self) -> impl Future<Output = Result<Vec<Workflow>>> + Send;
    fn graph_version(&mut self, workflow_id: &str) -> impl Future<Output = Result<Option<i64>>> + Send;
    /// Increments the workflow's graph version; answers the version before.
    fn bump_graph_version(&mut self, workflow_id: &str) -> impl Future<Output = Result<i64>> + Send;
    fn load_graph(&mut self, workflow_id: &str) -> impl Future<Output = Result<StoredGraph>> + Send;
}

pub trait TicketStatements: Send {
    fn ticket_exists(&mut self, id: &str) -> impl Future<Output = Result<bool>> + Send;
    /// Ids starting with `prefix` (not equal to it), in id order, at most `limit`.
    fn ticket_ids_with_prefix(&mut self, prefix: &str, limit: u32) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// Those of `ids` that are taken.
    fn existing_ticket_ids(&mut self, ids: &[String]) -> impl Future<Output = Result<Vec<String>>> + Send;
    fn load_ticket(&mut self, id: &str) -> impl Future<Output = Result<Option<Ticket>>> + Send;
    /// Many tickets, in any order.
    fn load_tickets(&mut self, ids: &[String]) -> impl Future<Output = Result<Vec<Ticket>>> + Send;
    /// Loads the ticket and holds it against concurrent writers until the
    /// transaction ends.
    fn lock_ticket(&mut self, id: &str) -> impl Future<Output = Result<Option<Ticket>>> + Send;
    /// Facts of the named tickets (sorted, distinct ids), held against a
    /// resolve or reopen until the transaction ends.
    fn lock_blockers(&mut self, ids: &[String]) -> impl Future<Output = Result<Vec<BlockerFacts>>> + Send;
    fn insert_ticket(&mut self, row: &TicketRow<'_>) -> impl Future<Output = Result<()>> + Send;
    /// Many tickets at once (an import), in order, with the search indexes
    /// filled as single inserts would.
    fn insert_tickets(&mut self, rows: &[TicketRow<'_>]) -> impl Future<Output = Result<()>> + Send;
    fn update_fields(&mut self, id: &str, row: &FieldsRow<'_>) -> impl Future<Output = Result<()>> + Send;
    /// Bumps version and `updated_at`, sets the lease (a comment's write).
    fn touch_ticket(
        &mut self,
        id: &str,
        at: DateTime<Utc>,
        lease_expires_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The lease length the holder claimed with, if any.
    fn lease_seconds(&mut self, id: &str) -> impl Future<Output = Result<Option<i64>>> + Send;
    fn insert_comment(
        &mut self,
        ticket_id: &str,
        author: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64>> + Send;
    fn comments_of(&mut self, ticket_id: &str) -> impl Future<Output = Result<Vec<Comment>>> + Send;
    fn history_of(&mut self, ticket_id: &str) -> impl Future<Output = Result<Vec<HistoryEntry>>> + Send;
    /// A page of tickets matching the filter with `seq > after_seq`, in
    /// `seq` order, with each one's `seq`.
    fn ticket_page(
        &mut self,
        filter: &TicketFilter,
        after_seq: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(Ticket, i64)>>> + Send;
    fn graph_nodes(&mut self, ids: &[String]) -> impl Future<Output = Result<Vec<GraphNode>>> + Send;
    fn workflow_graph_nodes(
        &mut self,
        workflow_id: &str,
        include_resolved: bool,
    ) -> impl Future<Output = Result<Vec<GraphNode>>> + Send;
}

pub trait MoveStatements: Send {
    /// Holds the column's WIP count against concurrent moves into it.
    fn lock_column(&mut self, workflow_id: &str, status: &str) -> impl Future<Output = Result<()>> + Send;
    /// Tickets in the column other than `except`.
    fn count_in_column(
        &mut self,
        workflow_id: &str,
        status: &str,
        except: &str,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// Writes a move to the ticket's row; answers how many open children
    /// the ticket has (the one fact of its `is_ready` the move's caller
    /// does not hold).
    fn update_after_move(&mut self, id: &str, row: &MoveRow<'_>) -> impl Future<Output = Result<i64>> + Send;
    /// Adds `delta` to the open-blocker count of every ticket `blocker_id`
    /// blocks; answers their new counts.
    fn shift_dependents(
        &mut self,
        blocker_id: &str,
        delta: i64,
    ) -> impl Future<Output = Result<Vec<ShiftedDependent>>> + Send;
}

pub trait EdgeStatements: Send {
    /// Holds the workflow's edges against concurrent edge additions, so a
    /// cycle check and its insert are atomic.
    fn lock_edges(&mut self, workflow_id: &str) -> impl Future<Output = Result<()>> + Send;
    fn insert_edges(&mut self, rows: &[EdgeRow<'_>]) -> impl Future<Output = Result<()>> + Send;
    /// Answers whether the edge existed.
    fn delete_edge(&mut self, blocker_id: &str, blocked_id: &str) -> impl Future<Output = Result<bool>> + Send;
    /// Adds `delta` to the ticket's open-blocker count (and bumps its
    /// version); answers the new count.
    fn shift_open_blockers(
        &mut self,
        id: &str,
        delta: i64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64>> + Send;
    /// The ticket's blockers, resolved or not, in creation order.
    fn blocked_by(&mut self, id: &str) -> impl Future<Output = Result<Vec<TicketRef>>> + Send;
    /// The tickets it blocks, in creation order.
    fn blocks(&mut self, id: &str) -> impl Future<Output = Result<Vec<TicketRef>>> + Send;
}

pub trait ClaimStatements: Send {
    /// The best ready tickets, best first (priority, then the `unblocks`
    /// column, then age, then id), with their unblock counts: one ranked,
    /// indexed query with a limit.
    fn ready_page(
        &mut self,
        workflow_id: &str,
        status: &str,
        agent: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(String, u64)>>> + Send;
    /// Whether the workflow's `unblocks` column is maintained (false for a
    /// workflow created before it existed, until its counts are computed).
    fn ranks_ready(&mut self, workflow_id: &str) -> impl Future<Output = Result<bool>> + Send;
    /// Marks the workflow's `unblocks` counts maintained (`ready`) or to be
    /// computed again on first use.
    fn set_ranks_ready(&mut self, workflow_id: &str, ready: bool) -> impl Future<Output = Result<()>> + Send;
    /// Stores unblock counts.
    fn set_unblocks(&mut self, counts: &[(String, u64)]) -> impl Future<Output = Result<()>> + Send;
    /// Locks the candidate if it is still ready; one another transaction
    /// holds is passed over or waited for (`if_held`). Answers whether it
    /// got it.
    fn lock_if_ready(
        &mut self,
        id: &str,
        status: &str,
        agent: &str,
        if_held: IfHeld,
    ) -> impl Future<Output = Result<bool>> + Send;
    fn has_expired_leases(&mut self, now: DateTime<Utc>) -> impl Future<Output = Result<bool>> + Send;
    /// Ids of tickets whose lease ran out, locked (skipping any another
    /// writer holds), in id order.
    fn lock_expired_leases(&mut self, now: DateTime<Utc>) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// Back to `status`, unassigned, no lease.
    fn release_lease(&mut self, id: &str, status: &str, at: DateTime<Utc>) -> impl Future<Output = Result<()>> + Send;
    /// Assigns the ticket to `agent` with a lease, leaving its status (a
    /// claim of a phase's task holds its ticket where it stands).
    fn hold_ticket(
        &mut self,
        id: &str,
        agent: &str,
        lease_expires_at: DateTime<Utc>,
        lease_seconds: i64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Unassigned, no lease, status unchanged.
    fn release_hold(&mut self, id: &str, at: DateTime<Utc>) -> impl Future<Output = Result<()>> + Send;
    /// Sets a new lease end (a heartbeat), leaving the version alone.
    fn renew_lease(&mut self, id: &str, until: DateTime<Utc>) -> impl Future<Output = Result<()>> + Send;
    /// Queued tasks of the phase, unassigned or assigned to `agent`, whose
    /// ticket is unresolved and not held by another agent's live lease:
    /// most urgent ticket first, then oldest task; at most `limit`.
    fn task_candidates(
        &mut self,
        workflow_id: &str,
        phase_id: u32,
        agent: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<TaskCandidate>>> + Send;
    /// Locks the task if it is still queued for `agent` and nobody else is
    /// taking it right now (never waits); answers whether it got it.
    fn lock_task_if_queued(&mut self, task_id: &str, agent: &str) -> impl Future<Output = Result<bool>> + Send;
}

pub trait RunStatements: Send {
    fn insert_run(&mut self, row: &RunRow<'_>) -> impl Future<Output = Result<()>> + Send;
    fn run_exists(&mut self, id: &str) -> impl Future<Output = Result<bool>> + Send;
    fn load_run(&mut self, id: &str) -> impl Future<Output = Result<Option<Run>>> + Send;
    /// Loads the run and holds it against concurrent writers.
    fn lock_run(&mut self, id: &str) -> impl Future<Output = Result<Option<Run>>> + Send;
    /// The run a claim token opened (by the token's hash).
    fn run_by_token(&mut self, token_hash: &str) -> impl Future<Output = Result<Option<Run>>> + Send;
    /// Whether the run was opened by a claim (has a token).
    fn run_has_token(&mut self, id: &str) -> impl Future<Output = Result<bool>> + Send;
    /// The agent's open runs on the ticket, oldest first.
    fn open_runs(&mut self, ticket_id: &str, agent: &str) -> impl Future<Output = Result<Vec<Run>>> + Send;
    /// The agent's most recent run on the ticket.
    fn latest_run(&mut self, ticket_id: &str, agent: &str) -> impl Future<Output = Result<Option<Run>>> + Send;
    /// The open run working on the task, if any.
    fn open_run_of_task(&mut self, task_id: &str) -> impl Future<Output = Result<Option<Run>>> + Send;
    fn end_run(&mut self, id: &str, end: &RunEnd<'_>) -> impl Future<Output = Result<()>> + Send;
    /// Records the task a run works on (a task started by a claimant).
    fn set_run_task(&mut self, id: &str, task_id: &str, phase_id: u32) -> impl Future<Output = Result<()>> + Send;
    /// Every run on the ticket, oldest first.
    fn runs_of(&mut self, ticket_id: &str) -> impl Future<Output = Result<Vec<Run>>> + Send;
    /// A page of runs with `seq < before_seq`, newest first, with each one's `seq`.
    fn run_page(
        &mut self,
        filter: &RunFilter,
        before_seq: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(Run, i64)>>> + Send;
}

pub trait IdempotencyStatements: Send {
    /// The answer kept under the agent's key, if it is younger than `since`.
    fn recorded_answer(
        &mut self,
        agent: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<RecordedAnswer>>> + Send;
    /// Keeps an answer under the key (replacing one older than `stale_before`);
    /// answers false when a live answer already holds the key.
    fn record_answer(
        &mut self,
        agent: &str,
        key: &str,
        answer: &RecordedAnswer,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// Forgets answers older than `before`; answers how many.
    fn purge_answers(&mut self, before: DateTime<Utc>) -> impl Future<Output = Result<u64>> + Send;
}

pub trait WebhookStatements: Send {
    fn webhook_exists(&mut self, id: &str) -> impl Future<Output = Result<bool>> + Send;
    fn insert_webhook(&mut self, row: &WebhookRow<'_>) -> impl Future<Output = Result<()>> + Send;
    fn load_webhook(&mut self, id: &str) -> impl Future<Output = Result<Option<Webhook>>> + Send;
    /// Oldest first.
    fn webhooks(&mut self) -> impl Future<Output = Result<Vec<Webhook>>> + Send;
    /// Removes it and its deliveries; answers whether it existed.
    fn delete_webhook(&mut self, id: &str) -> impl Future<Output = Result<bool>> + Send;
    fn insert_deliveries(&mut self, rows: &[DeliveryRow]) -> impl Future<Output = Result<()>> + Send;
    /// A page of the webhook's deliveries with outbox `seq < before`, newest first.
    fn delivery_page(
        &mut self,
        webhook_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(Delivery, i64)>>> + Send;
    /// Whether any webhook's oldest pending delivery is due at `now`.
    fn has_due_deliveries(&mut self, now: DateTime<Utc>) -> impl Future<Output = Result<bool>> + Send;
    /// Leases up to `limit` webhooks whose oldest pending delivery is due
    /// and that no other live sender holds (skipping any another writer
    /// holds right now), until `until`.
    fn lease_due_webhooks(
        &mut self,
        sender: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<WebhookLease>>> + Send;
    /// The webhook's oldest pending delivery, if this sender still holds it.
    fn head_delivery(
        &mut self,
        webhook_id: &str,
        sender: &str,
    ) -> impl Future<Output = Result<Option<DueDelivery>>> + Send;
    fn record_attempt(&mut self, row: &AttemptRow<'_>) -> impl Future<Output = Result<()>> + Send;
    /// Extends this sender's lease on the webhook; answers false if it lost it.
    fn renew_webhook_lease(
        &mut self,
        webhook_id: &str,
        sender: &str,
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool>> + Send;
    fn release_webhook(&mut self, webhook_id: &str, sender: &str) -> impl Future<Output = Result<()>> + Send;
    /// Forgets finished deliveries older than `before`; answers how many.
    fn purge_deliveries(&mut self, before: DateTime<Utc>) -> impl Future<Output = Result<u64>> + Send;
}

pub trait LogStatements: Send {
    /// One row per entry, in order.
    fn insert_history(&mut self, rows: &[HistoryRow<'_>]) -> impl Future<Output = Result<()>> + Send;
    /// Appends the events in order (ids visible in increasing order to
    /// readers) and answers their ids, in order.
    fn append_events(&mut self, events: &[PendingEvent]) -> impl Future<Output = Result<Vec<i64>>> + Send;
    /// Events after the event `after` (0: from the start) in the log's
    /// order, which every reader sees the same: on SQLite the ids' order
    /// (one writer commits them in order); on PostgreSQL the order of the
    /// writing transactions, and only events of transactions older than any
    /// still in progress, so one that commits late is never skipped.
    fn events_after(
        &mut self,
        workflow_id: Option<&str>,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send;
    /// The last `limit` events before the event `before` (`None`: the
    /// newest) in the log's order, newest first.
    fn events_before(
        &mut self,
        workflow_id: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send;
    /// The id of the last event readers can be given (a stream that starts
    /// now resumes after it); 0 when there is none.
    fn log_head(&mut self) -> impl Future<Output = Result<i64>> + Send;
    fn insert_violation(
        &mut self,
        violation: &PendingViolation,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<i64>> + Send;
    fn violations(&mut self, query: &ViolationQuery<'_>) -> impl Future<Output = Result<Vec<Violation>>> + Send;
    /// Answers whether the link is new (linking twice changes nothing).
    fn insert_commit_link(
        &mut self,
        ticket: &Ticket,
        link: &NewCommitLink,
        linked_by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool>> + Send;
    fn commit_link(&mut self, ticket_id: &str, sha: &str) -> impl Future<Output = Result<Option<CommitLink>>> + Send;
    /// Oldest commit first.
    fn commits_of(&mut self, ticket_id: &str) -> impl Future<Output = Result<Vec<CommitLink>>> + Send;
}

pub trait TaskStatements: Send {
    fn task_exists(&mut self, id: &str) -> impl Future<Output = Result<bool>> + Send;
    /// Ids starting with `prefix` (including it), in id order, at most `limit`.
    fn task_ids_with_prefix(&mut self, prefix: &str, limit: u32) -> impl Future<Output = Result<Vec<String>>> + Send;
    fn load_task(&mut self, id: &str) -> impl Future<Output = Result<Option<Task>>> + Send;
    fn lock_task(&mut self, id: &str) -> impl Future<Output = Result<Option<Task>>> + Send;
    /// Whether the ticket is blocked, held against a change until the end.
    fn lock_ticket_blocked(&mut self, ticket_id: &str) -> impl Future<Output = Result<bool>> + Send;
    /// Active work first (in progress, queued, blocked, then finished),
    /// oldest first within each.
    fn tasks_of(&mut self, ticket_id: &str) -> impl Future<Output = Result<Vec<Task>>> + Send;
    fn insert_task(&mut self, row: &TaskRow<'_>) -> impl Future<Output = Result<()>> + Send;
    fn update_task(&mut self, row: &TaskUpdateRow<'_>) -> impl Future<Output = Result<()>> + Send;
    /// Moves the tasks of these tickets that are in `from` to `to`.
    fn move_tasks(
        &mut self,
        ticket_ids: &[String],
        from: TaskStatus,
        to: TaskStatus,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<MovedTask>>> + Send;
    /// A page of tasks with `seq > after_seq` (the filter's ticket id is a
    /// full id), in `seq` order, with each one's `seq`.
    fn task_page(
        &mut self,
        filter: &TaskFilter,
        after_seq: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<(Task, i64)>>> + Send;
    /// Phase of the agent's most recently started task in progress.
    fn active_phase(&mut self, workflow_id: &str, agent: &str) -> impl Future<Output = Result<Option<u32>>> + Send;
    fn has_active_task(&mut self, ticket_id: &str, agent: &str) -> impl Future<Output = Result<bool>> + Send;
}

pub trait AgentStatements: Send {
    /// Creates or replaces the agent's token hash.
    fn upsert_agent_token(
        &mut self,
        agent_id: &str,
        token_hash: &str,
        admin: bool,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;
    fn agent_token_by_hash(&mut self, token_hash: &str) -> impl Future<Output = Result<Option<AgentToken>>> + Send;
    /// In agent id order.
    fn agent_tokens(&mut self) -> impl Future<Output = Result<Vec<AgentToken>>> + Send;
    /// Answers whether there was one.
    fn delete_agent_token(&mut self, agent_id: &str) -> impl Future<Output = Result<bool>> + Send;
}
