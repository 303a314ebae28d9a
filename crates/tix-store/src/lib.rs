//! Tix storage: the [`Store`] trait and its capability traits, named after
//! domain operations, over two backends: SQLite ([`SqliteStore`], the
//! default: one file, zero set-up) and PostgreSQL ([`PgStore`], feature
//! `postgres`, for several `tix serve` replicas sharing one database).
//!
//! Each operation is written once, in `ops/`, over the statements a backend
//! implements (`statements.rs`); [`StoreOn`] implements the public traits
//! once for every backend. Every write is one transaction holding the
//! change, its history row(s) and its event(s). Backends keep errors from
//! their drivers inside this crate: callers see [`Error::Domain`] for
//! anything the caller can fix and [`Error::Storage`] for the rest.
//!
//! The backend-independent conformance suite lives in [`conformance`]
//! (feature `conformance`), so every backend runs the same story.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use tix_store::{SqliteStore, Store};
//! let store = SqliteStore::open_in_memory().unwrap();
//! assert!(store.list_workflows().await.unwrap().is_empty());
//! # });
//! ```

use std::future::Future;
use std::time::Duration;

use tix_core::claim::Claimed;
use tix_core::commit::{CommitLinked, NewCommitLink};
use tix_core::error::TicketRef;
use tix_core::guardian::{Finding, Violation, ViolationFilter};
use tix_core::interop::{ExportFile, ImportReport, WorkflowExport};
use tix_core::run::{FinishRun, Heartbeat, Run, RunFilter, RunPage};
use tix_core::stats::WorkflowStats;
use tix_core::task::{NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_core::ticket::{
    Comment, CriticalPath, Event, NewTicket, ReadyTicket, StatusChange, Ticket, TicketCreated, TicketDetail,
    TicketFilter, TicketGraph, TicketPage, TicketPatch,
};
use tix_core::webhook::{DeliveryPage, NewWebhook, Webhook, WebhookCreated};
use tix_core::workflow::{NewWorkflow, Workflow};
use tix_core::DomainError;

mod any;
mod backend;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
#[cfg(feature = "postgres")]
mod copy;
mod graph_cache;
mod interop_statements;
mod ops;
#[cfg(feature = "postgres")]
mod postgres;
pub mod scope;
pub mod search;
mod sqlite;
mod statements;
mod store;
mod url;

pub use any::{AnyStore, OpenOptions};
#[cfg(feature = "postgres")]
pub use copy::{copy_sqlite_to_postgres, CopyProgress, CopyReport};
pub use graph_cache::{GraphCacheStats, DEFAULT_GRAPH_CACHE_NODES};
pub use ops::interop::ImportOptions;
pub use ops::webhooks::Attempt;
#[cfg(all(feature = "postgres", any(test, feature = "conformance")))]
pub use postgres::TestSchema;
#[cfg(feature = "postgres")]
pub use postgres::{PgOptions, Postgres};
pub use scope::{Keyed, Scope, Scoped};
pub use search::{SearchFilter, SearchStore};
pub use sqlite::{GroupCommitStats, Sqlite};
pub use statements::{DueDelivery, RecordedAnswer, WebhookLease};
pub use store::StoreOn;
pub use tix_core::validate::MAX_STATS_DAYS;
pub use url::DatabaseUrl;

/// The store on an embedded SQLite file (or in memory).
pub type SqliteStore = StoreOn<Sqlite>;
/// The store on a PostgreSQL database shared by replicas.
#[cfg(feature = "postgres")]
pub type PgStore = StoreOn<Postgres>;

/// Default lease of a claim: renewed by any write of the holder.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(tix_core::validate::DEFAULT_LEASE_SECONDS);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The backend failed (IO, corruption, a bug). Not the caller's fault.
    #[error("storage error: {0}")]
    Storage(String),
    /// A concurrent request with the same idempotency key kept its answer
    /// first; this write changed nothing. Answer the kept one
    /// ([`IdempotencyStore::recorded_answer`]).
    #[error("a request with the same idempotency key was answered first")]
    AlreadyAnswered,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Options of a claim.
#[derive(Debug, Clone, Default)]
pub struct ClaimRequest {
    pub workflow_id: String,
    pub agent_id: String,
    /// Claim this ticket instead of the top ready one.
    pub ticket_id: Option<String>,
    /// Lease length; [`DEFAULT_LEASE`] when absent, at most 24 hours
    /// (`tix_core::validate::lease`).
    pub lease: Option<Duration>,
    /// Take this phase's best queued task instead of a ready ticket: the
    /// task starts and its ticket is held where it stands.
    pub phase_id: Option<u32>,
}

/// The storage trait. Front ends are generic over it (static dispatch).
///
/// `actor` is the agent id recorded on the write's history row and event.
/// Ticket ids may be given as unambiguous prefixes (`ticket-7hx`, `7hx`).
pub trait Store: Clone + Send + Sync + 'static {
    fn create_workflow(&self, actor: &str, new: NewWorkflow) -> impl Future<Output = Result<Workflow>> + Send;
    /// Most recently active first.
    fn list_workflows(&self) -> impl Future<Output = Result<Vec<Workflow>>> + Send;
    fn get_workflow(&self, id: &str) -> impl Future<Output = Result<Workflow>> + Send;

    fn create_ticket(&self, actor: &str, new: NewTicket) -> impl Future<Output = Result<Ticket>> + Send;
    /// Creates many tickets in one transaction (blockers may name tickets
    /// earlier in the same batch). Returns their ids in order.
    fn import_tickets(
        &self,
        actor: &str,
        workflow_id: &str,
        tickets: Vec<NewTicket>,
    ) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// Full id of the ticket an id or unambiguous prefix names.
    fn resolve_ticket_id(&self, input: &str) -> impl Future<Output = Result<String>> + Send;
    fn get_ticket(&self, id: &str) -> impl Future<Output = Result<TicketDetail>> + Send;
    fn list_tickets(
        &self,
        filter: TicketFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> impl Future<Output = Result<TicketPage>> + Send;
    fn update_ticket(
        &self,
        actor: &str,
        id: &str,
        patch: TicketPatch,
        expected_version: Option<u64>,
    ) -> impl Future<Output = Result<Ticket>> + Send;
    fn change_status(
        &self,
        actor: &str,
        id: &str,
        new_status: &str,
        comment: Option<String>,
        expected_version: Option<u64>,
    ) -> impl Future<Output = Result<StatusChange>> + Send;
    /// Moves the ticket to the first done status and marks it resolved.
    fn resolve(
        &self,
        actor: &str,
        id: &str,
        comment: Option<String>,
    ) -> impl Future<Output = Result<StatusChange>> + Send;
    fn add_comment(&self, actor: &str, id: &str, text: &str) -> impl Future<Output = Result<Comment>> + Send;
    /// Adds `blocker -> blocked`; returns the blocked ticket's blockers.
    fn add_blocker(
        &self,
        actor: &str,
        blocked: &str,
        blocker: &str,
    ) -> impl Future<Output = Result<Vec<TicketRef>>> + Send;
    fn remove_blocker(
        &self,
        actor: &str,
        blocked: &str,
        blocker: &str,
    ) -> impl Future<Output = Result<Vec<TicketRef>>> + Send;
    /// Everything upstream and downstream of the ticket, up to `depth` steps.
    fn ticket_graph(&self, id: &str, depth: Option<u32>) -> impl Future<Output = Result<TicketGraph>> + Send;
    fn workflow_graph(
        &self,
        workflow_id: &str,
        include_resolved: bool,
    ) -> impl Future<Output = Result<TicketGraph>> + Send;
    /// The workflow's critical path with its tickets, without the rest of
    /// the graph.
    fn critical_path(&self, workflow_id: &str) -> impl Future<Output = Result<CriticalPath>> + Send;
    /// Ready tickets, best first (see `tix_core::rules::ready_order`).
    fn ready(
        &self,
        workflow_id: &str,
        agent: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ReadyTicket>>> + Send;
    /// Atomically assigns the top ready (or the named) ticket to the agent,
    /// moves it to the claim column and starts its lease (or, with a phase,
    /// takes its best queued task); opens a run with a new claim token.
    fn claim(&self, request: ClaimRequest) -> impl Future<Output = Result<Claimed>> + Send;
    /// Returns tickets whose lease ran out to ready. Returns their ids.
    fn expire_leases(&self) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// Whether any lease has run out (a read: cheap enough to ask every second).
    fn has_expired_leases(&self) -> impl Future<Output = Result<bool>> + Send;
    /// The id of the last event a reader can be given now (a stream that
    /// starts now resumes after it); 0 when the log is empty.
    fn log_head(&self) -> impl Future<Output = Result<i64>> + Send;
    /// Events after the event `after` (0: from the start), in the log's
    /// order, which every reader on the database sees the same (on
    /// PostgreSQL that is the order of the writing transactions, not of
    /// the ids: an id is a resume point, not a position to compare).
    fn events_after(
        &self,
        workflow_id: Option<&str>,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send;
    /// The latest `limit` events before the event `before` (`None`: the
    /// newest), answered oldest first: the recent past of a workflow, for a
    /// client that starts now and pages backwards.
    fn events_before(
        &self,
        workflow_id: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send;
}

/// Tasks: an agent's work items in one phase, each linked to a ticket.
/// A task of a blocked ticket is `blocked` and becomes `queued` in the same
/// transaction that unblocks the ticket.
pub trait TaskStore: Store {
    /// Checks the ticket (in the workflow, if one is named), the phase and
    /// the description's `Phase X: … - TICKET: ticket-xxx` (Guardian rule
    /// `task_ticket_reference`), then creates the task.
    fn create_task(&self, actor: &str, new: NewTask) -> impl Future<Output = Result<TaskCreated>> + Send;
    /// A task by id or unambiguous prefix.
    fn get_task(&self, id: &str) -> impl Future<Output = Result<Task>> + Send;
    /// Tasks in creation order.
    fn list_tasks(
        &self,
        filter: TaskFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> impl Future<Output = Result<TaskPage>> + Send;
    /// Moves a task (see `tix_core::task::check_task_move`); `in_progress`
    /// assigns it to `actor` when it has no assignee.
    fn set_task_status(
        &self,
        actor: &str,
        id: &str,
        status: TaskStatus,
        comment: Option<String>,
    ) -> impl Future<Output = Result<Task>> + Send;
}

/// Guardian violations recorded by the writes (see `tix_core::guardian`).
pub trait GuardianStore: Store {
    /// Creates a ticket as [`Store::create_ticket`] does, judging in the
    /// same transaction the `findings` the caller made about it: rules that
    /// need facts the store lacks, such as `duplicate_ticket` (the agent's
    /// MCP session and the embeddings). `warn` ones are recorded with the
    /// ticket and returned; an `enforce` one refuses the create.
    fn create_ticket_judged(
        &self,
        actor: &str,
        new: NewTicket,
        findings: Vec<Finding>,
    ) -> impl Future<Output = Result<TicketCreated>> + Send;
    /// A workflow's violations, oldest first.
    fn guardian_violations(
        &self,
        workflow_id: &str,
        filter: ViolationFilter,
    ) -> impl Future<Output = Result<Vec<Violation>>> + Send;
}

/// Git commits linked to tickets.
pub trait CommitStore: Store {
    /// Links a commit to a ticket, with a history row and an event.
    /// Idempotent: linking the same commit again changes nothing and
    /// answers `newly_linked: false`.
    fn link_commit(
        &self,
        actor: &str,
        ticket_id: &str,
        link: NewCommitLink,
    ) -> impl Future<Output = Result<CommitLinked>> + Send;
}

/// An agent's token, as listed (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentToken {
    pub agent_id: String,
    /// An admin token may act as any agent.
    pub admin: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Bearer tokens of agents, stored hashed.
pub trait AgentStore: Store {
    /// Creates (or replaces) the agent's token and returns it: the only
    /// time the token is seen.
    fn create_agent_token(&self, agent_id: &str, admin: bool) -> impl Future<Output = Result<String>> + Send;
    /// The agent a token belongs to, if any.
    fn agent_for_token(&self, token: &str) -> impl Future<Output = Result<Option<AgentToken>>> + Send;
    fn list_agent_tokens(&self) -> impl Future<Output = Result<Vec<AgentToken>>> + Send;
    /// Removes the agent's token; false when it had none.
    fn revoke_agent_token(&self, agent_id: &str) -> impl Future<Output = Result<bool>> + Send;
}

/// Runs: attempts at tickets, their hand-offs and cost; heartbeats.
pub trait RunStore: Store {
    /// Renews the holder's lease by the length it claimed with; anyone else
    /// (or a stale claim token) gets `lease_lost`.
    fn heartbeat(&self, actor: &str, ticket_id: &str) -> impl Future<Output = Result<Heartbeat>> + Send;
    /// Ends the run (see `ops::runs::finish_run`).
    fn finish_run(&self, actor: &str, run_id: &str, finish: FinishRun) -> impl Future<Output = Result<Run>> + Send;
    fn get_run(&self, run_id: &str) -> impl Future<Output = Result<Run>> + Send;
    /// Newest first.
    fn list_runs(
        &self,
        filter: RunFilter,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> impl Future<Output = Result<RunPage>> + Send;
}

/// Answers kept under idempotency keys.
pub trait IdempotencyStore {
    /// The answer kept under the agent's key in the last 24 hours.
    fn recorded_answer(&self, agent: &str, key: &str) -> impl Future<Output = Result<Option<RecordedAnswer>>> + Send;
}

/// Webhooks, their outbox and its sender's side.
pub trait WebhookStore: Store {
    fn create_webhook(&self, actor: &str, new: NewWebhook) -> impl Future<Output = Result<WebhookCreated>> + Send;
    fn list_webhooks(&self) -> impl Future<Output = Result<Vec<Webhook>>> + Send;
    fn get_webhook(&self, id: &str) -> impl Future<Output = Result<Webhook>> + Send;
    /// Removes it with its deliveries; answers what was removed.
    fn delete_webhook(&self, id: &str) -> impl Future<Output = Result<Webhook>> + Send;
    /// Newest first.
    fn webhook_deliveries(
        &self,
        id: &str,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> impl Future<Output = Result<DeliveryPage>> + Send;
    /// Whether any webhook has a delivery due now.
    fn has_due_deliveries(&self) -> impl Future<Output = Result<bool>> + Send;
    /// Leases up to `limit` webhooks with a due delivery to `sender`.
    fn lease_due_webhooks(
        &self,
        sender: &str,
        lease: Duration,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<WebhookLease>>> + Send;
    /// The next due delivery of a webhook `sender` leased (renewing the
    /// lease); `None` when none is due or the lease was lost.
    fn next_due_delivery(
        &self,
        webhook_id: &str,
        sender: &str,
        lease: Duration,
    ) -> impl Future<Output = Result<Option<DueDelivery>>> + Send;
    /// Records how an attempt went (delivered, to retry, given up).
    fn record_attempt(
        &self,
        delivery: &DueDelivery,
        attempt: Attempt,
    ) -> impl Future<Output = Result<tix_core::webhook::DeliveryState>> + Send;
    fn release_webhook(&self, webhook_id: &str, sender: &str) -> impl Future<Output = Result<()>> + Send;
    /// Forgets idempotency answers past their 24 hours and finished
    /// deliveries older than `keep_deliveries`.
    fn housekeeping(&self, keep_deliveries: Duration) -> impl Future<Output = Result<(u64, u64)>> + Send;
}

/// Live notification of new events, so `GET /api/events` can stream them
/// as they are committed instead of polling.
pub trait EventFeed {
    /// Changes after every commit that wrote events through this store (on
    /// PostgreSQL, through any replica on the database); the value is a
    /// counter, not an event id. Read the events with
    /// [`Store::events_after`]. Writes by other processes on the same SQLite
    /// file are not seen here: readers that care also re-check the log now
    /// and then.
    fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64>;
}

/// A status change with options ([`HierarchyStore::move_ticket`]).
#[derive(Debug, Clone, Default)]
pub struct TicketMove {
    /// The column to move to; `None` resolves (the board's first done column).
    pub to: Option<String>,
    pub comment: Option<String>,
    pub expected_version: Option<u64>,
    /// Resolve even while some of its children are unresolved.
    pub force: bool,
}

/// Writes that know about parents and children (`parent_id` on create and
/// edit is part of [`Store`]; this adds what needs an option).
pub trait HierarchyStore: Store {
    /// [`Store::change_status`] (or, with `to: None`, [`Store::resolve`]);
    /// resolving a ticket with unresolved children is refused with
    /// `children_open` unless `force`.
    fn move_ticket(
        &self,
        actor: &str,
        id: &str,
        request: TicketMove,
    ) -> impl Future<Output = Result<StatusChange>> + Send;
}

/// Export and import in the Tix format (`tix_core::interop`).
pub trait InteropStore: Store {
    /// The workflow with every ticket, read in one snapshot.
    fn export_workflow(&self, workflow_id: &str) -> impl Future<Output = Result<WorkflowExport>> + Send;
    /// Writes a file in one transaction: its workflow (or into the existing
    /// one its header names) and every ticket with all that hangs off it,
    /// after checking it against the board (a refusal names the line and
    /// writes nothing).
    fn import_file(
        &self,
        actor: &str,
        file: ExportFile,
        options: ImportOptions,
    ) -> impl Future<Output = Result<ImportReport>> + Send;
}

/// How a store's database connections are used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PoolStats {
    /// The most it opens.
    pub max: u32,
    /// Open now (in use or idle).
    pub open: u32,
    pub idle: u32,
}

/// What `GET /metrics` reads from the database: the same on every replica
/// (the pool aside).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StoreMetrics {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// `(workflow id, status, tickets)`.
    pub tickets: Vec<(String, String, u64)>,
    /// `(workflow id, tickets ready for anyone)`.
    pub ready: Vec<(String, u64)>,
    /// Claims ever made (each opened a run).
    pub claims: u64,
    /// Leases that ran out (each ended its run as abandoned by Tix).
    pub lease_expiries: u64,
    /// Webhook deliveries in the outbox by state (delivered and failed ones
    /// are forgotten after a while).
    pub deliveries: Vec<(String, u64)>,
    pub pool: PoolStats,
}

/// The counts behind `GET /metrics`.
pub trait MetricsStore {
    fn store_metrics(&self) -> impl Future<Output = Result<StoreMetrics>> + Send;
}

/// Statistics of a workflow, computed by the backend from its tickets and
/// their history (not by the caller).
pub trait StatsStore {
    /// Statistics of the workflow over the last `days` days (UTC, today
    /// included; 1..=[`MAX_STATS_DAYS`]).
    fn workflow_stats(&self, workflow_id: &str, days: u32) -> impl Future<Output = Result<WorkflowStats>> + Send;
}
