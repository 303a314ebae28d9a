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

use tix_core::commit::{CommitLinked, NewCommitLink};
use tix_core::error::TicketRef;
use tix_core::guardian::{Finding, Violation, ViolationFilter};
use tix_core::stats::WorkflowStats;
use tix_core::task::{NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_core::ticket::{
    Comment, Event, NewTicket, ReadyTicket, StatusChange, Ticket, TicketCreated, TicketDetail, TicketFilter,
    TicketGraph, TicketPage, TicketPatch,
};
use tix_core::workflow::{NewWorkflow, Workflow};
use tix_core::DomainError;

mod any;
mod backend;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
#[cfg(feature = "postgres")]
mod copy;
mod graph_cache;
mod ops;
#[cfg(feature = "postgres")]
mod postgres;
pub mod search;
mod sqlite;
mod statements;
mod store;
mod url;

pub use any::{AnyStore, OpenOptions};
#[cfg(feature = "postgres")]
pub use copy::{copy_sqlite_to_postgres, CopyProgress, CopyReport};
#[cfg(all(feature = "postgres", any(test, feature = "conformance")))]
pub use postgres::TestSchema;
#[cfg(feature = "postgres")]
pub use postgres::{PgOptions, Postgres};
pub use search::{SearchFilter, SearchStore};
pub use sqlite::Sqlite;
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
    /// Ready tickets, best first (see `tix_core::rules::ready_order`).
    fn ready(
        &self,
        workflow_id: &str,
        agent: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ReadyTicket>>> + Send;
    /// Atomically assigns the top ready (or the named) ticket to the agent,
    /// moves it to the claim column and starts its lease.
    fn claim(&self, request: ClaimRequest) -> impl Future<Output = Result<Ticket>> + Send;
    /// Returns tickets whose lease ran out to ready. Returns their ids.
    fn expire_leases(&self) -> impl Future<Output = Result<Vec<String>>> + Send;
    /// Events with id > `after`, oldest first.
    fn events_after(
        &self,
        workflow_id: Option<&str>,
        after: i64,
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

/// Live notification of new events, so `GET /api/events` can stream them
/// as they are committed instead of polling.
pub trait EventFeed {
    /// Watches the id of the newest event committed through this store. The
    /// value changes after every commit that wrote an event; the events
    /// themselves are read with [`Store::events_after`]. Writes by other
    /// processes on the same database are not seen here: readers that care
    /// also re-check the log now and then.
    fn subscribe_events(&self) -> tokio::sync::watch::Receiver<i64>;
}

/// Statistics of a workflow, computed by the backend from its tickets and
/// their history (not by the caller).
pub trait StatsStore {
    /// Statistics of the workflow over the last `days` days (UTC, today
    /// included; 1..=[`MAX_STATS_DAYS`]).
    fn workflow_stats(&self, workflow_id: &str, days: u32) -> impl Future<Output = Result<WorkflowStats>> + Send;
}
