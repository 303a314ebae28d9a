//! Moving a ticket between columns: the status-change rules in their fixed
//! order, the Guardian's move rules, and what a resolve or reopen does to
//! the dependents and their tasks.

use std::time::Duration;

use chrono::TimeDelta;
use serde_json::json;
use tix_core::board::BoardConfig;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::guardian::{self as guardian_rules, Finding};
use tix_core::rules::{self, MoveKind, MoveRequest, ReadyFacts};
use tix_core::run::RunOutcome;
use tix_core::ticket::{StatusChange, Ticket};
use tix_core::workflow::Workflow;
use tix_core::DomainError;

use super::guardian::{judge, Subject};
use super::tasks::follow_ticket_blocking;
use super::{
    check_version, lock_ticket_ref, now, optional_comment, renewed_lease, require_ticket, require_workflow, WriteCtx,
};
use crate::graph_cache::GraphDelta;
use crate::statements::{HistoryRow, MoveRow, Statements};
use crate::Result;

/// Where a status change goes.
pub enum Target<'a> {
    Status(&'a str),
    /// The board's first done column (refused when already resolved).
    Resolve,
}

/// Tickets in `status` other than `except`, counted under the column's
/// lock; 0 (and no lock) when the column has no WIP limit, the only rule
/// that needs the count.
pub async fn count_in_column<C: Statements>(
    tx: &mut C,
    board: &BoardConfig,
    workflow_id: &str,
    status: &str,
    except: &str,
) -> Result<u64> {
    if board.column(status).and_then(|c| c.wip_limit).is_none() {
        return Ok(0);
    }
    tx.lock_column(workflow_id, status).await?;
    tx.count_in_column(workflow_id, status, except).await
}

/// Claim details applied together with a move.
pub struct Assignment<'a> {
    pub agent: &'a str,
    pub lease: Duration,
}

/// Applies a permitted move: the row, the comment, history, events, and the
/// dependents' blocked state (and their tasks) when the ticket resolves or
/// reopens.
#[allow(clippy::too_many_arguments)]
pub async fn apply_move<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    ticket: &Ticket,
    board: &BoardConfig,
    to: &str,
    kind: MoveKind,
    comment: Option<&str>,
    assignment: Option<Assignment<'_>>,
) -> Result<StatusChange> {
    let at = now();
    // Work starts when a ticket leaves the initial column for another open
    // one; a ticket resolved straight from it was never started (so it has
    // no cycle time).
    let starts =
        ticket.status == board.initial_status && to != board.initial_status && !matches!(kind, MoveKind::Resolve);
    let started_at = ticket.started_at.or_else(|| starts.then_some(at));
    let (is_resolved, completed_at, resolved_at) = match kind {
        MoveKind::Resolve => (true, Some(at), Some(at)),
        MoveKind::Reopen => (false, None, None),
        MoveKind::Plain | MoveKind::Unchanged => (ticket.is_resolved, ticket.completed_at, ticket.resolved_at),
    };
    let (assignee, lease, lease_seconds) = match &assignment {
        Some(a) => {
            let seconds = a.lease.as_secs() as i64;
            (
                Some(a.agent.to_string()),
                Some(at + TimeDelta::seconds(seconds)),
                Some(seconds),
            )
        }
        None if is_resolved => (ticket.assigned_agent_id.clone(), None, None),
        None => (
            ticket.assigned_agent_id.clone(),
            renewed_lease(tx, ticket, actor, at).await?,
            tx.lease_seconds(&ticket.id).await?,
        ),
    };
    let open_children = tx
        .update_after_move(
            &ticket.id,
            &MoveRow {
                status: to,
                is_resolved,
                started_at,
                completed_at,
                resolved_at,
                assigned_agent_id: assignee.as_deref(),
                lease_expires_at: lease,
                lease_seconds: lease.and(lease_seconds),
                at,
            },
        )
        .await?;
    if let Some(text) = comment {
        tx.insert_comment(&ticket.id, actor, text, at).await?;
    }
    let (action, event_kind) = match (&assignment, kind) {
        (Some(_), _) => (HistoryAction::Claimed, EventKind::TicketClaimed),
        (None, MoveKind::Resolve) => (HistoryAction::Resolved, EventKind::TicketResolved),
        (None, MoveKind::Reopen) => (HistoryAction::Reopened, EventKind::TicketReopened),
        (None, _) => (HistoryAction::StatusChanged, EventKind::TicketMoved),
    };
    let details = match &assignment {
        Some(a) => json!({ "agent_id": a.agent, "lease_expires_at": lease }),
        None => json!({}),
    };
    tx.insert_history(&[
        HistoryRow::new(&ticket.id, &ticket.workflow_id, actor, action, details, at)
            .moved(Some(&ticket.status), Some(to))
            .with_comment(comment),
    ])
    .await?;

    let mut change = StatusChange {
        ticket: ticket.clone(),
        unblocked_ticket_ids: Vec::new(),
        reblocked_ticket_ids: Vec::new(),
        queued_task_ids: Vec::new(),
        blocked_task_ids: Vec::new(),
        violations: Vec::new(),
    };
    let delta = match kind {
        MoveKind::Resolve => Some(-1),
        MoveKind::Reopen => Some(1),
        MoveKind::Plain | MoveKind::Unchanged => None,
    };
    if let Some(delta) = delta {
        // A parent counts its open children.
        if let Some(parent) = &ticket.parent_id {
            tx.shift_open_children(parent, delta).await?;
        }
        for dependent in tx.shift_dependents(&ticket.id, delta).await? {
            if dependent.is_resolved {
                continue;
            }
            if delta < 0 && dependent.open_blockers == 0 {
                change.unblocked_ticket_ids.push(dependent.id);
            } else if delta > 0 && dependent.open_blockers == 1 {
                change.reblocked_ticket_ids.push(dependent.id);
            }
        }
        change.unblocked_ticket_ids.sort();
        change.reblocked_ticket_ids.sort();
        let details = json!({ "by_ticket_id": ticket.id });
        for (ids, action, event) in [
            (
                &change.unblocked_ticket_ids,
                HistoryAction::Unblocked,
                EventKind::TicketUnblocked,
            ),
            (
                &change.reblocked_ticket_ids,
                HistoryAction::Blocked,
                EventKind::TicketBlocked,
            ),
        ] {
            let rows: Vec<HistoryRow<'_>> = ids
                .iter()
                .map(|dependent| HistoryRow::new(dependent, &ticket.workflow_id, actor, action, details.clone(), at))
                .collect();
            tx.insert_history(&rows).await?;
            for dependent in ids {
                ctx.event(&ticket.workflow_id, event, Some(dependent), actor, details.clone(), at);
            }
        }
        // Tasks follow their ticket's blockers in this same transaction.
        (change.queued_task_ids, change.blocked_task_ids) = follow_ticket_blocking(
            tx,
            ctx,
            &ticket.workflow_id,
            &change.unblocked_ticket_ids,
            &change.reblocked_ticket_ids,
            actor,
        )
        .await?;
        ctx.changed(
            tx,
            &ticket.workflow_id,
            vec![GraphDelta::Resolved {
                id: ticket.id.clone(),
                resolved: is_resolved,
            }],
        )
        .await?;
    }
    // The ticket as a read now answers (the conformance suite compares
    // them): a move changes only these of its fields.
    change.ticket = Ticket {
        status: to.to_string(),
        is_resolved,
        started_at,
        completed_at,
        resolved_at,
        is_ready: rules::is_ready(
            board,
            &ReadyFacts {
                status: to,
                is_resolved,
                is_blocked: ticket.is_blocked,
                assigned_agent_id: assignee.as_deref(),
                has_open_children: open_children > 0,
            },
            None,
        ),
        assigned_agent_id: assignee,
        lease_expires_at: lease,
        updated_at: at,
        version: ticket.version + 1,
        ..ticket.clone()
    };
    let updated = &change.ticket;
    ctx.event(
        &ticket.workflow_id,
        event_kind,
        Some(&ticket.id),
        actor,
        json!({ "from_status": ticket.status, "to_status": to, "comment": comment,
                "assigned_agent_id": updated.assigned_agent_id, "version": updated.version,
                "unblocked_ticket_ids": change.unblocked_ticket_ids, "reblocked_ticket_ids": change.reblocked_ticket_ids,
                "queued_task_ids": change.queued_task_ids, "blocked_task_ids": change.blocked_task_ids }),
        at,
    );
    Ok(change)
}

/// Changes a ticket's status (or resolves it); resolving one whose children
/// are unresolved is refused unless `force`.
#[allow(clippy::too_many_arguments)]
pub async fn change_status<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    target: Target<'_>,
    comment: Option<String>,
    expected_version: Option<u64>,
    force: bool,
) -> Result<StatusChange> {
    let ticket = lock_ticket_ref(tx, input).await?;
    check_version(&ticket, expected_version)?;
    super::runs::check_fence(tx, ctx, &ticket, actor, true).await?;
    let workflow = require_workflow(tx, &ticket.workflow_id).await?;
    let board = &workflow.board_config;
    let comment = optional_comment(comment)?;
    let to = match target {
        Target::Status(status) => status.trim().to_string(),
        Target::Resolve => {
            if ticket.is_resolved {
                return Err(DomainError::AlreadyResolved { ticket_id: ticket.id }.into());
            }
            board.first_done_status().to_string()
        }
    };
    let blockers = tx.blocked_by(&ticket.id).await?;
    let unresolved: Vec<_> = blockers.into_iter().filter(|b| !b.is_resolved).collect();
    // Before counting: the count's lock is named after the column.
    board.check_status(&to)?;
    let in_target = count_in_column(tx, board, &ticket.workflow_id, &to, &ticket.id).await?;
    let kind = rules::check_move(
        board,
        &MoveRequest {
            ticket_id: &ticket.id,
            from: &ticket.status,
            to: &to,
            unresolved_blockers: &unresolved,
            tickets_in_target: in_target,
        },
    )?;
    if kind == MoveKind::Resolve {
        tix_core::hierarchy::check_resolve(&ticket.id, tx.open_children(&ticket.id).await?, force)?;
    }
    let violations = if kind == MoveKind::Unchanged {
        Vec::new()
    } else {
        let is_resolve = matches!(target, Target::Resolve);
        let findings = move_findings(tx, &workflow, &ticket, actor, &to, is_resolve).await?;
        let subject = Subject {
            workflow: &workflow,
            agent: actor,
            object_kind: "ticket",
            object_id: &ticket.id,
        };
        judge(tx, ctx, &subject, findings).await?
    };
    let mut change = apply_move(tx, ctx, actor, &ticket, board, &to, kind, comment.as_deref(), None).await?;
    change.violations = violations;
    if kind == MoveKind::Resolve {
        // The holder's (and the resolver's) open runs end with the work done.
        let mut agents = vec![actor];
        agents.extend(ticket.assigned_agent_id.as_deref());
        let ended = super::runs::end_open_runs(
            tx,
            ctx,
            &ticket.id,
            &agents,
            RunOutcome::Succeeded,
            actor,
            change.ticket.updated_at,
        )
        .await?;
        if !ended.is_empty() {
            change.ticket = require_ticket(tx, &ticket.id).await?;
        }
    }
    Ok(change)
}

/// What the Guardian's move rules find about `actor` moving `ticket` to `to`.
async fn move_findings<C: Statements>(
    tx: &mut C,
    workflow: &Workflow,
    ticket: &Ticket,
    actor: &str,
    to: &str,
    is_resolve: bool,
) -> Result<Vec<Finding>> {
    let mover = guardian_rules::MoveFacts {
        actor,
        ticket_id: &ticket.id,
        created_by: &ticket.created_by,
        assigned_agent_id: ticket.assigned_agent_id.as_deref(),
        actor_has_active_task: tx.has_active_task(&ticket.id, actor).await?,
    };
    let agent_phase = tx.active_phase(&workflow.id, actor).await?;
    Ok([
        guardian_rules::check_mover(&mover),
        guardian_rules::check_column_skip(&workflow.board_config, &ticket.status, to, is_resolve),
        guardian_rules::check_phase_column(&workflow.phases, agent_phase, to),
    ]
    .into_iter()
    .flatten()
    .collect())
}
