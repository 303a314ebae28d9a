//! The seed spec's web-app workflow and the small helpers every case uses:
//! creating tickets, reading them back, and checking refusals by error code.

use std::collections::BTreeSet;
use std::fmt::Debug;

use tix_core::board::{BoardConfig, Column};
use tix_core::ticket::{Event, NewTicket, Priority, Ticket, TicketFilter};
use tix_core::workflow::{NewWorkflow, Phase, Workflow};
use tix_core::DomainError;

use super::ACTOR;
use crate::{Error, Result, Store};

/// The board of the seed spec's web-app example.
pub fn seed_board() -> BoardConfig {
    let column = |id: &str, name: &str| Column {
        id: id.to_string(),
        name: name.to_string(),
        wip_limit: None,
    };
    BoardConfig {
        columns: vec![
            column("backlog", "📋 Backlog"),
            column("building", "🔨 Building"),
            column("building-done", "✅ Built"),
            column("testing", "🧪 Testing"),
            column("testing-done", "✅ Tested"),
            column("done", "✅ Done"),
        ],
        ticket_types: vec!["component".into(), "bug".into(), "feature".into()],
        initial_status: "backlog".into(),
        transitions: None,
        done_statuses: None,
        claim_status: None,
        duplicate_policy: Default::default(),
    }
}

/// The seed's workflow: its board and its three phases.
pub fn seed_workflow(id: Option<&str>, name: &str) -> NewWorkflow {
    let phase = |id: u32, name: &str, columns: &[&str]| Phase {
        id,
        name: name.to_string(),
        description: String::new(),
        instructions: None,
        columns: columns.iter().map(|c| c.to_string()).collect(),
    };
    NewWorkflow {
        id: id.map(str::to_string),
        name: name.to_string(),
        board_config: seed_board(),
        phases: vec![
            phase(1, "Create tickets", &["backlog"]),
            phase(2, "Build", &["backlog", "building", "building-done"]),
            phase(3, "Test", &["building-done", "testing", "testing-done", "done"]),
        ],
        guardian: Default::default(),
    }
}

/// Creates a workflow with the seed's board (generated id).
pub async fn create_seed_workflow<S: Store>(store: &S, name: &str) -> Workflow {
    store
        .create_workflow(ACTOR, seed_workflow(None, name))
        .await
        .unwrap_or_else(|e| panic!("creating the seed workflow '{name}' failed: {e}"))
}

/// A `component` ticket with the given title.
pub fn new_ticket(workflow_id: &str, title: &str) -> NewTicket {
    NewTicket {
        workflow_id: workflow_id.to_string(),
        title: title.to_string(),
        ticket_type: "component".to_string(),
        ..NewTicket::default()
    }
}

pub(super) fn blocked_by(mut ticket: NewTicket, blockers: &[&str]) -> NewTicket {
    ticket.blocked_by_ticket_ids = blockers.iter().map(|b| b.to_string()).collect();
    ticket
}

pub(super) fn with_priority(mut ticket: NewTicket, priority: Priority) -> NewTicket {
    ticket.priority = Some(priority);
    ticket
}

pub(super) async fn create<S: Store>(store: &S, ticket: NewTicket) -> Ticket {
    let title = ticket.title.clone();
    store
        .create_ticket(ACTOR, ticket)
        .await
        .unwrap_or_else(|e| panic!("creating ticket '{title}' failed: {e}"))
}

/// The domain error of a call expected to fail; panics otherwise.
pub(super) fn domain_error<T: Debug>(result: Result<T>, what: &str) -> DomainError {
    match result {
        Ok(value) => panic!("{what}: expected a domain error, got Ok({value:?})"),
        Err(Error::Domain(err)) => err,
        Err(Error::Storage(err)) => panic!("{what}: expected a domain error, got a storage error: {err}"),
        Err(Error::AlreadyAnswered) => panic!("{what}: expected a domain error, got AlreadyAnswered"),
    }
}

/// Checks a call failed with the given domain error code; returns the error.
pub(super) fn expect_code<T: Debug>(result: Result<T>, code: &str, what: &str) -> DomainError {
    let err = domain_error(result, what);
    assert_eq!(err.code(), code, "{what}: wrong error code (error: {err})");
    err
}

pub async fn all_tickets<S: Store>(store: &S, filter: TicketFilter) -> Vec<Ticket> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_tickets(filter.clone(), Some(500), cursor)
            .await
            .expect("list_tickets");
        out.extend(page.tickets);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return out,
        }
    }
}

pub fn in_workflow(workflow_id: &str) -> TicketFilter {
    TicketFilter {
        workflow_id: Some(workflow_id.to_string()),
        ..TicketFilter::default()
    }
}

pub(super) async fn all_events<S: Store>(store: &S, workflow_id: Option<&str>) -> Vec<Event> {
    store.events_after(workflow_id, 0, 10_000).await.expect("events_after")
}

pub(super) async fn ready_ids<S: Store>(store: &S, workflow_id: &str, agent: Option<&str>) -> Vec<String> {
    store
        .ready(workflow_id, agent, 500)
        .await
        .expect("ready")
        .into_iter()
        .map(|r| r.ticket.id)
        .collect()
}

pub(super) fn set<I, T>(items: I) -> BTreeSet<String>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    items.into_iter().map(|s| s.as_ref().to_string()).collect()
}

pub(super) fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

pub(super) fn ids_of(tickets: &[Ticket]) -> BTreeSet<String> {
    tickets.iter().map(|t| t.id.clone()).collect()
}

pub(super) async fn get<S: Store>(store: &S, id: &str) -> tix_core::ticket::TicketDetail {
    store
        .get_ticket(id)
        .await
        .unwrap_or_else(|e| panic!("get_ticket({id}) failed: {e}"))
}

pub(super) fn last_action(detail: &tix_core::ticket::TicketDetail) -> &str {
    detail
        .history
        .last()
        .map(|h| h.action.as_str())
        .unwrap_or("<no history>")
}
