//! Statements of hierarchy ([`TreeStatements`]), of export and import
//! ([`InteropStatements`]) and of the metrics' counts
//! ([`MetricStatements`]), next to the others of `statements.rs` and part
//! of its `Statements`: single statements in domain words, no rules.

use std::future::Future;

use tix_core::error::TicketRef;
use tix_core::hierarchy::{SubtreeRow, TicketLink};
use tix_core::interop::{CommentRecord, CommitRecord, EdgeRecord, HistoryRecord, RunRecord, TaskRecord, TicketRecord};

use tix_core::run::RunOutcome;

use crate::Result;

/// A ticket to insert from an import: its record (ids already the ones to
/// store; nested lists ignored) and its counters, computed from the file.
pub struct ImportedTicketRow<'a> {
    pub record: &'a TicketRecord,
    pub workflow_id: &'a str,
    pub open_blockers: i64,
    pub open_children: i64,
}

pub trait TreeStatements: Send {
    fn parent_of(&mut self, id: &str) -> impl Future<Output = Result<Option<String>>> + Send;
    /// Sets (or clears) the parent; the caller bumps the version.
    fn set_parent(&mut self, id: &str, parent: Option<&str>) -> impl Future<Output = Result<()>> + Send;
    /// Adds `delta` to the ticket's count of unresolved children.
    fn shift_open_children(&mut self, id: &str, delta: i64) -> impl Future<Output = Result<()>> + Send;
    /// Its unresolved direct children, oldest first.
    fn open_children(&mut self, id: &str) -> impl Future<Output = Result<Vec<TicketRef>>> + Send;
    /// Every descendant (any order), at most `limit`.
    fn subtree(&mut self, id: &str, limit: u32) -> impl Future<Output = Result<Vec<SubtreeRow>>> + Send;
    fn links_of(&mut self, id: &str) -> impl Future<Output = Result<Vec<TicketLink>>> + Send;
    /// Ids of the tickets whose `external_ref` is exactly `reference`, at most `limit`.
    fn tickets_with_external_ref(
        &mut self,
        reference: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<String>>> + Send;
}

/// Reads of a whole workflow for its export (each: one statement, the
/// workflow's rows in the order the format keeps), and the inserts of an
/// import (rows as the file has them, counters computed by the operation).
pub trait InteropStatements: Send {
    /// The tickets, in creation order, without their nested lists.
    fn ticket_records(&mut self, workflow_id: &str) -> impl Future<Output = Result<Vec<TicketRecord>>> + Send;
    /// `(blocked id, edge)`, each ticket's oldest edge first.
    fn edge_records(&mut self, workflow_id: &str) -> impl Future<Output = Result<Vec<(String, EdgeRecord)>>> + Send;
    /// `(ticket id, comment)` in the order they were written.
    fn comment_records(
        &mut self,
        workflow_id: &str,
    ) -> impl Future<Output = Result<Vec<(String, CommentRecord)>>> + Send;
    fn history_records(
        &mut self,
        workflow_id: &str,
    ) -> impl Future<Output = Result<Vec<(String, HistoryRecord)>>> + Send;
    fn task_records(&mut self, workflow_id: &str) -> impl Future<Output = Result<Vec<(String, TaskRecord)>>> + Send;
    /// Each ticket's links by time linked, then sha.
    fn commit_records(&mut self, workflow_id: &str)
        -> impl Future<Output = Result<Vec<(String, CommitRecord)>>> + Send;
    fn run_records(&mut self, workflow_id: &str) -> impl Future<Output = Result<Vec<(String, RunRecord)>>> + Send;
    fn link_records(&mut self, workflow_id: &str) -> impl Future<Output = Result<Vec<(String, TicketLink)>>> + Send;

    /// Inserts tickets in order, with their comments, and indexes them for
    /// search (comments included) as single writes would.
    fn insert_ticket_records(
        &mut self,
        rows: &[ImportedTicketRow<'_>],
        comments: &[(&str, &CommentRecord)],
    ) -> impl Future<Output = Result<()>> + Send;
    /// `(blocked id, edge)` as the file has them.
    fn insert_edge_records(
        &mut self,
        workflow_id: &str,
        edges: &[(&str, &EdgeRecord)],
    ) -> impl Future<Output = Result<()>> + Send;
    fn insert_task_records(
        &mut self,
        workflow_id: &str,
        tasks: &[(&str, &TaskRecord)],
    ) -> impl Future<Output = Result<()>> + Send;
    fn insert_commit_records(
        &mut self,
        workflow_id: &str,
        commits: &[(&str, &CommitRecord)],
    ) -> impl Future<Output = Result<()>> + Send;
    fn insert_run_records(
        &mut self,
        workflow_id: &str,
        runs: &[(&str, &RunRecord)],
    ) -> impl Future<Output = Result<()>> + Send;
    fn insert_links(&mut self, links: &[(&str, &TicketLink)]) -> impl Future<Output = Result<()>> + Send;
    /// Those of `ids` that are taken.
    fn existing_task_ids(&mut self, ids: &[String]) -> impl Future<Output = Result<Vec<String>>> + Send;
    fn existing_run_ids(&mut self, ids: &[String]) -> impl Future<Output = Result<Vec<String>>> + Send;
}

/// Counts for `GET /metrics`, read at scrape time.
pub trait MetricStatements: Send {
    /// `(workflow id, status, tickets)` for every status that has tickets.
    fn ticket_counts(&mut self) -> impl Future<Output = Result<Vec<(String, String, u64)>>> + Send;
    /// Tickets ready for anyone (unassigned) in the workflow's initial `status`.
    fn ready_count(&mut self, workflow_id: &str, status: &str) -> impl Future<Output = Result<u64>> + Send;
    /// Runs a claim opened (every claim opens one; none is ever deleted).
    fn claim_count(&mut self) -> impl Future<Output = Result<u64>> + Send;
    /// Runs that ended with `outcome`, closed by `ended_by`.
    fn runs_ended(&mut self, outcome: RunOutcome, ended_by: &str) -> impl Future<Output = Result<u64>> + Send;
    /// Webhook deliveries in the outbox, by state.
    fn delivery_counts(&mut self) -> impl Future<Output = Result<Vec<(String, u64)>>> + Send;
}
