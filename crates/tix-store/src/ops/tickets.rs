//! Creating tickets (one, or an import in one transaction) and editing
//! their fields.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use tix_core::board::BoardConfig;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::guardian::Finding;
use tix_core::ids;
use tix_core::rules::{self, ReadyFacts};
use tix_core::run::RunOutcome;
use tix_core::ticket::{NewTicket, Ticket, TicketCreated, TicketPatch};
use tix_core::DomainError;

use super::guardian::{judge, Subject};
use super::{
    check_version, lock_ticket_ref, now, random_bytes, renewed_lease, require_ticket, require_workflow,
    resolve_ticket_id, WriteCtx,
};
use crate::graph_cache::GraphDelta;
use crate::statements::{BlockerFacts, EdgeRow, FieldsRow, HistoryRow, Statements, TicketRow};
use crate::{Error, Result};

/// Resolves blocker references (ids or prefixes) and locks them against a
/// resolve or reopen, de-duplicated (`7hx` and `ticket-7hx3k2qa` are one
/// blocker), in the order given.
async fn lock_blockers<C: Statements>(tx: &mut C, inputs: &[String]) -> Result<Vec<BlockerFacts>> {
    let mut ids = Vec::with_capacity(inputs.len());
    for input in inputs {
        let id = resolve_ticket_id(tx, input).await?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut sorted = ids.clone();
    sorted.sort();
    let mut facts: HashMap<String, BlockerFacts> = tx
        .lock_blockers(&sorted)
        .await?
        .into_iter()
        .map(|f| (f.id.clone(), f))
        .collect();
    ids.into_iter()
        .map(|id| {
            facts
                .remove(&id)
                .ok_or_else(|| DomainError::not_found("ticket", id).into())
        })
        .collect()
}

fn check_same_workflow(blocker: &BlockerFacts, blocked_id: &str, workflow_id: &str) -> Result<()> {
    if blocker.workflow_id == workflow_id {
        return Ok(());
    }
    Err(DomainError::CrossWorkflowEdge {
        blocker_id: blocker.id.clone(),
        blocker_workflow: blocker.workflow_id.clone(),
        blocked_id: blocked_id.to_string(),
        blocked_workflow: workflow_id.to_string(),
    }
    .into())
}

/// A free ticket id: the caller's (refused when taken) or a random one.
async fn new_ticket_id<C: Statements>(tx: &mut C, explicit: Option<&str>) -> Result<String> {
    if let Some(id) = explicit {
        if tx.ticket_exists(id).await? {
            return Err(DomainError::TicketExists { id: id.to_string() }.into());
        }
        return Ok(id.to_string());
    }
    for _ in 0..16 {
        let id = ids::ticket_id(&random_bytes()?);
        if !tx.ticket_exists(&id).await? {
            return Ok(id);
        }
    }
    Err(Error::Storage("could not find a free ticket id after 16 tries".into()))
}

/// The ticket `row` inserts, as a read of it answers (the conformance
/// suite compares the two), so a create need not read its row back. A new
/// ticket is at version 1 in the initial column (`row.status`), with no
/// children, no lease and no dates but its creation.
fn inserted_ticket(board: &BoardConfig, row: &TicketRow<'_>, blockers: &[BlockerFacts]) -> Ticket {
    let new = row.ticket;
    let mut blocked_by_ticket_ids: Vec<String> = blockers.iter().map(|b| b.id.clone()).collect();
    blocked_by_ticket_ids.sort();
    let is_blocked = row.open_blockers > 0;
    Ticket {
        id: row.id.to_string(),
        workflow_id: new.workflow_id.clone(),
        title: new.title.clone(),
        description: new.description.clone(),
        ticket_type: new.ticket_type.clone(),
        status: row.status.to_string(),
        priority: new.priority.unwrap_or_default(),
        tags: new.tags.clone(),
        created_by: row.created_by.to_string(),
        assigned_agent_id: new.assigned_agent_id.clone(),
        created_at: row.at,
        updated_at: row.at,
        started_at: None,
        completed_at: None,
        resolved_at: None,
        is_resolved: false,
        is_blocked,
        is_ready: rules::is_ready(
            board,
            &ReadyFacts {
                status: row.status,
                is_resolved: false,
                is_blocked,
                assigned_agent_id: new.assigned_agent_id.as_deref(),
                has_open_children: false,
            },
            None,
        ),
        blocked_by_ticket_ids,
        version: 1,
        lease_expires_at: None,
        parent_id: new.parent_id.clone(),
        external_ref: None,
    }
}

/// Creates a ticket; `findings` are Guardian findings the caller made about
/// it (see `GuardianStore::create_ticket_judged`), judged before the insert.
pub async fn create_ticket<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    new: &NewTicket,
    findings: Vec<Finding>,
) -> Result<TicketCreated> {
    let workflow = require_workflow(tx, &new.workflow_id).await?;
    let mut ticket = new.validate(&workflow.board_config)?;
    let blockers = lock_blockers(tx, &ticket.blocked_by_ticket_ids).await?;
    for blocker in &blockers {
        check_same_workflow(blocker, ticket.id.as_deref().unwrap_or("(new ticket)"), &workflow.id)?;
    }
    // Its parent's count of open children grows with it.
    let parent = match ticket.parent_id.as_deref() {
        Some(reference) => Some(super::tree::lock_parent(tx, reference, None, &workflow.id).await?),
        None => None,
    };
    ticket.parent_id = parent.as_ref().map(|p| p.id.clone());
    let id = new_ticket_id(tx, ticket.id.as_deref()).await?;
    // The violations name the ticket, so its id is chosen first.
    let subject = Subject {
        workflow: &workflow,
        agent: actor,
        object_kind: "ticket",
        object_id: &id,
    };
    let violations = judge(tx, ctx, &subject, findings).await?;
    let at = now();
    let status = &workflow.board_config.initial_status;
    let row = TicketRow {
        id: &id,
        ticket: &ticket,
        status,
        created_by: actor,
        at,
        open_blockers: blockers.iter().filter(|b| !b.is_resolved).count() as i64,
    };
    tx.insert_ticket(&row).await?;
    let created = inserted_ticket(&workflow.board_config, &row, &blockers);
    let edges: Vec<EdgeRow<'_>> = blockers
        .iter()
        .map(|b| EdgeRow {
            blocker_id: &b.id,
            blocked_id: &id,
            workflow_id: &workflow.id,
            created_by: actor,
            at,
        })
        .collect();
    tx.insert_edges(&edges).await?;
    if let Some(parent) = &parent {
        tx.shift_open_children(&parent.id, 1).await?;
    }
    let blocker_ids: Vec<&str> = blockers.iter().map(|b| b.id.as_str()).collect();
    let mut details = json!({ "blocked_by_ticket_ids": blocker_ids });
    if let Some(parent) = &parent {
        details["parent_id"] = json!(parent.id);
    }
    tx.insert_history(&[
        HistoryRow::new(&id, &workflow.id, actor, HistoryAction::Created, details, at).moved(None, Some(status)),
    ])
    .await?;
    // A ticket without blockers is an isolated node: no graph changes, so
    // no version bump (the workflow's row stays free for other writers),
    // and its unblock count is the column's default, 0. Graphs cached
    // without it treat it as isolated until a change names it.
    if !blockers.is_empty() {
        let mut deltas = vec![GraphDelta::Node {
            id: id.clone(),
            resolved: false,
        }];
        deltas.extend(blockers.iter().map(|b| GraphDelta::Edge {
            blocker: b.id.clone(),
            blocked: id.clone(),
        }));
        // Last: on PostgreSQL the bump's workflow row lock is then held only to commit.
        ctx.changed(tx, &workflow.id, deltas).await?;
    }
    ctx.event(
        &workflow.id,
        EventKind::TicketCreated,
        Some(&id),
        actor,
        json!({ "title": created.title, "status": created.status, "ticket_type": created.ticket_type,
                "priority": created.priority, "is_blocked": created.is_blocked, "version": created.version,
                "parent_id": created.parent_id }),
        at,
    );
    Ok(TicketCreated {
        ticket: created,
        violations,
    })
}

/// The ids of an import: explicit ones must be new; generated ones are
/// drawn again on the rare collision.
async fn import_ids<C: Statements>(tx: &mut C, tickets: &[NewTicket]) -> Result<Vec<String>> {
    let mut ids: Vec<String> = Vec::with_capacity(tickets.len());
    for ticket in tickets {
        ids.push(match &ticket.id {
            Some(id) => id.clone(),
            None => ids::ticket_id(&random_bytes()?),
        });
    }
    loop {
        let mut taken: HashSet<String> = tx.existing_ticket_ids(&ids).await?.into_iter().collect();
        let mut seen = HashSet::with_capacity(ids.len());
        for id in &ids {
            if !seen.insert(id.as_str()) {
                taken.insert(id.clone());
            }
        }
        if taken.is_empty() {
            return Ok(ids);
        }
        for (ticket, id) in tickets.iter().zip(ids.iter_mut()) {
            if taken.contains(id) {
                if ticket.id.is_some() {
                    return Err(DomainError::TicketExists { id: id.clone() }.into());
                }
                *id = ids::ticket_id(&random_bytes()?);
            }
        }
    }
}

/// Creates many tickets in one transaction, in a handful of statements.
/// Blockers may name stored tickets or earlier tickets of the batch.
/// Imports of at least this many tickets leave the ready ranks to the next
/// `ready` ([`WriteCtx::defer_ranks`]).
const DEFER_RANKS_FROM: usize = 100;

pub async fn import_tickets<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    workflow_id: &str,
    tickets: &[NewTicket],
) -> Result<Vec<String>> {
    let workflow = require_workflow(tx, workflow_id).await?;
    let board = &workflow.board_config;
    let mut valid = Vec::with_capacity(tickets.len());
    for (index, ticket) in tickets.iter().enumerate() {
        if ticket.parent_id.is_some() {
            return Err(DomainError::validation(
                format!("tickets[{index}].parent_id"),
                "a plain import sets no parents; set them afterwards (PATCH parent_id), or import a Tix export",
            )
            .into());
        }
        let mut ticket = ticket.clone();
        ticket.workflow_id = workflow.id.clone();
        valid.push(ticket.validate(board).map_err(|e| match e {
            DomainError::Validation { field, message } => DomainError::Validation {
                field: format!("tickets[{index}].{field}"),
                message,
            },
            other => other,
        })?);
    }
    if valid.is_empty() {
        return Ok(Vec::new());
    }
    let ids = import_ids(tx, &valid).await?;
    let position: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();

    // Blockers outside the batch: full ids locked together, prefixes one by one.
    let mut outside: Vec<String> = valid
        .iter()
        .flat_map(|t| t.blocked_by_ticket_ids.iter())
        .filter(|b| !position.contains_key(b.as_str()))
        .cloned()
        .collect();
    outside.sort();
    outside.dedup();
    let mut stored: HashMap<String, BlockerFacts> = tx
        .lock_blockers(&outside)
        .await?
        .into_iter()
        .map(|f| (f.id.clone(), f))
        .collect();
    for reference in &outside {
        if !stored.contains_key(reference) {
            // A prefix (or an unknown id, which errors here).
            if let Some(facts) = lock_blockers(tx, std::slice::from_ref(reference)).await?.pop() {
                stored.insert(reference.clone(), facts);
            }
        }
    }

    let at = now();
    let mut blockers_of: Vec<Vec<&str>> = Vec::with_capacity(valid.len());
    let mut open_blockers = Vec::with_capacity(valid.len());
    for (index, ticket) in valid.iter().enumerate() {
        let mut open = 0i64;
        let mut blockers: Vec<&str> = Vec::new();
        for reference in &ticket.blocked_by_ticket_ids {
            let (blocker, resolved) = match position.get(reference.as_str()) {
                Some(&earlier) if earlier < index => (ids[earlier].as_str(), false),
                Some(_) => {
                    return Err(DomainError::validation(
                        format!("tickets[{index}].blocked_by_ticket_ids"),
                        format!("{reference} comes later in the import; a ticket may only name earlier lines"),
                    )
                    .into())
                }
                None => {
                    let facts = stored
                        .get(reference)
                        .ok_or_else(|| DomainError::not_found("ticket", reference))?;
                    check_same_workflow(facts, &ids[index], &workflow.id)?;
                    (facts.id.as_str(), facts.is_resolved)
                }
            };
            if !blockers.contains(&blocker) {
                open += i64::from(!resolved);
                blockers.push(blocker);
            }
        }
        blockers_of.push(blockers);
        open_blockers.push(open);
    }

    let status = &board.initial_status;
    let workflow_id = workflow.id.as_str();
    let rows: Vec<TicketRow<'_>> = valid
        .iter()
        .zip(&ids)
        .zip(&open_blockers)
        .map(|((ticket, id), open)| TicketRow {
            id,
            ticket,
            status,
            created_by: actor,
            at,
            open_blockers: *open,
        })
        .collect();
    tx.insert_tickets(&rows).await?;
    let edges: Vec<EdgeRow<'_>> = ids
        .iter()
        .zip(&blockers_of)
        .flat_map(|(id, blockers)| {
            blockers.iter().map(move |blocker| EdgeRow {
                blocker_id: blocker,
                blocked_id: id,
                workflow_id,
                created_by: actor,
                at,
            })
        })
        .collect();
    tx.insert_edges(&edges).await?;
    let history: Vec<HistoryRow<'_>> = ids
        .iter()
        .zip(&blockers_of)
        .map(|(id, blockers)| {
            HistoryRow::new(
                id,
                workflow_id,
                actor,
                HistoryAction::Created,
                json!({ "blocked_by_ticket_ids": blockers }),
                at,
            )
            .moved(None, Some(status))
        })
        .collect();
    tx.insert_history(&history).await?;

    let mut deltas = Vec::with_capacity(ids.len() + edges.len());
    for (id, blockers) in ids.iter().zip(&blockers_of) {
        deltas.push(GraphDelta::Node {
            id: id.clone(),
            resolved: false,
        });
        deltas.extend(blockers.iter().map(|blocker| GraphDelta::Edge {
            blocker: blocker.to_string(),
            blocked: id.clone(),
        }));
    }
    ctx.changed(tx, &workflow.id, deltas).await?;
    if ids.len() >= DEFER_RANKS_FROM {
        ctx.defer_ranks(&workflow.id);
    }
    ctx.event(
        &workflow.id,
        EventKind::TicketsImported,
        None,
        actor,
        json!({ "count": ids.len(), "first": ids.first(), "last": ids.last() }),
        at,
    );
    Ok(ids)
}

pub async fn update_ticket<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    patch: &TicketPatch,
    expected_version: Option<u64>,
) -> Result<Ticket> {
    let ticket = lock_ticket_ref(tx, input).await?;
    check_version(&ticket, expected_version)?;
    super::runs::check_fence(tx, ctx, &ticket, actor, false).await?;
    let workflow = require_workflow(tx, &ticket.workflow_id).await?;
    let patch = patch.validate(&workflow.board_config)?;
    let at = now();
    let assignee = match &patch.assigned_agent_id {
        Some(a) => a.clone(),
        None => ticket.assigned_agent_id.clone(),
    };
    // Reassigning ends any claim lease; the holder's own writes renew it.
    let lease = if assignee != ticket.assigned_agent_id {
        None
    } else {
        renewed_lease(tx, &ticket, actor, at).await?
    };
    let tags = patch.tags.clone().unwrap_or_else(|| ticket.tags.clone());
    let reparented = match &patch.parent_id {
        None => None,
        Some(target) => {
            // Tree changes of a workflow are serialised, so two cannot close a loop together.
            tx.lock_edges(&ticket.workflow_id).await?;
            let parent = match target {
                Some(reference) => Some(
                    super::tree::lock_parent(tx, reference, Some(&ticket.id), &ticket.workflow_id)
                        .await?
                        .id,
                ),
                None => None,
            };
            let previous = super::tree::reparent(tx, &ticket, parent.as_deref()).await?;
            Some((previous, parent))
        }
    };
    tx.update_fields(
        &ticket.id,
        &FieldsRow {
            title: patch.title.as_deref().unwrap_or(&ticket.title),
            description: patch.description.as_deref().unwrap_or(&ticket.description),
            priority: patch.priority.unwrap_or(ticket.priority),
            tags: &tags,
            ticket_type: patch.ticket_type.as_deref().unwrap_or(&ticket.ticket_type),
            assigned_agent_id: assignee.as_deref(),
            lease_expires_at: lease,
            at,
        },
    )
    .await?;
    let fields = patch.field_names();
    let mut changes = serde_json::Map::new();
    if let Some(p) = patch.priority {
        changes.insert("priority".into(), json!({ "from": ticket.priority, "to": p }));
    }
    if patch.assigned_agent_id.is_some() {
        changes.insert(
            "assigned_agent_id".into(),
            json!({ "from": ticket.assigned_agent_id, "to": assignee }),
        );
    }
    if let Some(t) = &patch.ticket_type {
        changes.insert("ticket_type".into(), json!({ "from": ticket.ticket_type, "to": t }));
    }
    if let Some(t) = &patch.title {
        changes.insert("title".into(), json!({ "from": ticket.title, "to": t }));
    }
    if let Some((from, to)) = &reparented {
        changes.insert("parent_id".into(), json!({ "from": from, "to": to }));
    }
    tx.insert_history(&[HistoryRow::new(
        &ticket.id,
        &ticket.workflow_id,
        actor,
        HistoryAction::Updated,
        json!({ "fields": fields, "changes": changes }),
        at,
    )])
    .await?;
    if assignee != ticket.assigned_agent_id {
        if let Some(previous) = ticket.assigned_agent_id.as_deref() {
            // Taken away from its holder (or given up by it): its open runs end.
            let outcome = if previous == actor {
                RunOutcome::Abandoned
            } else {
                RunOutcome::LeaseLost
            };
            super::runs::end_open_runs(tx, ctx, &ticket.id, &[previous], outcome, actor, at).await?;
        }
    }
    let updated = require_ticket(tx, &ticket.id).await?;
    let mut payload = json!({ "fields": fields, "version": updated.version });
    if patch.assigned_agent_id.is_some() {
        payload["assigned_agent_id"] = json!(updated.assigned_agent_id);
    }
    if reparented.is_some() {
        payload["parent_id"] = json!(updated.parent_id);
    }
    ctx.event(
        &ticket.workflow_id,
        EventKind::TicketUpdated,
        Some(&ticket.id),
        actor,
        payload,
        at,
    );
    Ok(updated)
}
