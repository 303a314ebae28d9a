//! The ready queue, claims with a lease, and leases that run out.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::guardian as guardian_rules;
use tix_core::rules::{self, MoveRequest, ReadyFacts};
use tix_core::ticket::{ReadyTicket, Ticket};
use tix_core::validate::{self, check_agent_id};
use tix_core::workflow::Workflow;
use tix_core::DomainError;

use chrono::{DateTime, TimeDelta, Utc};
use tix_core::claim::Claimed;
use tix_core::run::RunOutcome;
use tix_core::task::TaskStatus;

use super::guardian::record;
use super::moves::{apply_move, count_in_column, Assignment};
use super::runs::{self, give_back, new_claim_token, token_hash, Opening};
use super::{lock_ticket_ref, now, require_ticket, require_workflow, WriteCtx, SYSTEM_AGENT};
use crate::statements::{HistoryRow, IfHeld, PendingViolation, RunEnd, Statements};
use crate::{ClaimRequest, Result};

/// How many top-ranked candidates a claim tries to lock per round.
const CLAIM_ROUND: usize = 64;

/// Ready tickets, best first (see `tix_core::rules::ready_order`): one
/// ranked query over the `unblocks` column ([`super::ranks`]). `None` when
/// the workflow's counts were never computed (a workflow older than the
/// column): the caller computes them once ([`super::ranks::backfill`]).
pub async fn ready<C: Statements>(
    conn: &mut C,
    workflow_id: &str,
    agent: Option<&str>,
    limit: u32,
) -> Result<Option<Vec<ReadyTicket>>> {
    let limit = validate::page_size(Some(limit))?;
    let workflow = require_workflow(conn, workflow_id).await?;
    if !conn.ranks_ready(workflow_id).await? {
        return Ok(None);
    }
    let page = conn
        .ready_page(workflow_id, &workflow.board_config.initial_status, agent, limit)
        .await?;
    let ids: Vec<String> = page.iter().map(|(id, _)| id.clone()).collect();
    let mut tickets: HashMap<String, Ticket> = conn
        .load_tickets(&ids)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    Ok(Some(
        page.into_iter()
            .filter_map(|(id, unblocks_count)| tickets.remove(&id).map(|ticket| ReadyTicket { ticket, unblocks_count }))
            .collect(),
    ))
}

/// Why a named ticket is not ready for `agent`.
async fn not_ready_reason<C: Statements>(tx: &mut C, workflow: &Workflow, ticket: &Ticket) -> Result<String> {
    let board = &workflow.board_config;
    Ok(if ticket.is_resolved {
        "it is resolved".to_string()
    } else if ticket.is_blocked {
        let blockers = tx.blocked_by(&ticket.id).await?;
        let open: Vec<&str> = blockers
            .iter()
            .filter(|b| !b.is_resolved)
            .map(|b| b.id.as_str())
            .collect();
        format!("it is blocked by {}", open.join(", "))
    } else if let Some(child) = tx.open_children(&ticket.id).await?.first() {
        format!(
            "its children are not all resolved (e.g. {} [{}])",
            child.id, child.status
        )
    } else if ticket.status != board.initial_status {
        format!(
            "it is in '{}', not the initial column '{}'",
            ticket.status, board.initial_status
        )
    } else {
        format!(
            "it is held by {}",
            ticket.assigned_agent_id.as_deref().unwrap_or("another agent")
        )
    })
}

/// Locks the best ready ticket nobody else is claiming right now. Rounds of
/// [`CLAIM_ROUND`] candidates: a candidate another transaction holds (or
/// that was taken since the candidates were read) is passed over; when a
/// whole round is passed over, the next round reads the candidates again
/// (concurrent claims may have committed meanwhile). When every ticket
/// ready now has been passed over, the claim waits for each one's holder in
/// turn: a holder need not be claiming it (an edit, a blocker being linked),
/// so `nothing_ready` means every ticket ready now was seen taken after its
/// holder finished, never merely busy.
async fn take_best_ready<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    workflow: &Workflow,
    agent: &str,
) -> Result<Ticket> {
    super::ranks::backfill(tx, ctx.graphs(), &workflow.id).await?;
    let status = &workflow.board_config.initial_status;
    let mut passed_over: HashSet<String> = HashSet::new();
    loop {
        let round = (CLAIM_ROUND + passed_over.len()) as u32;
        let ranked: Vec<String> = tx
            .ready_page(&workflow.id, status, Some(agent), round)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let fresh: Vec<&String> = ranked.iter().filter(|id| !passed_over.contains(*id)).collect();
        if fresh.is_empty() {
            // The page is shorter than the round, so it is every ticket
            // ready now, and each was held by someone when tried.
            for id in &ranked {
                if tx.lock_if_ready(id, status, agent, IfHeld::Wait).await? {
                    return require_ticket(tx, id).await;
                }
            }
            return Err(DomainError::NothingReady {
                workflow_id: workflow.id.clone(),
            }
            .into());
        }
        for id in fresh {
            if tx.lock_if_ready(id, status, agent, IfHeld::Skip).await? {
                return require_ticket(tx, id).await;
            }
            passed_over.insert(id.clone());
        }
    }
}

/// Atomically assigns the top ready (or the named) ticket to the agent,
/// moves it to the claim column and starts its lease; with a phase, takes
/// the phase's best queued task instead ([`claim_task`]). Either way it
/// opens a run with a new claim token, and answers earlier runs' hand-offs.
pub async fn claim<C: Statements>(tx: &mut C, ctx: &mut WriteCtx, request: &ClaimRequest) -> Result<Claimed> {
    let agent = check_agent_id("agent_id", &request.agent_id)?;
    let lease = validate::lease(request.lease.map(|lease| lease.as_secs()))?;
    // Leases that ran out free their tickets first, in this transaction.
    expire_leases(tx, ctx).await?;
    let workflow = require_workflow(tx, &request.workflow_id).await?;
    if let Some(phase_id) = request.phase_id {
        if request.ticket_id.is_some() {
            return Err(
                DomainError::validation("ticket_id", "a claim names a ticket or a phase, not both; drop one").into(),
            );
        }
        return claim_task(tx, ctx, &workflow, &agent, phase_id, lease).await;
    }
    let board = &workflow.board_config;
    let ticket = match &request.ticket_id {
        Some(input) => {
            let ticket = lock_ticket_ref(tx, input).await?;
            if ticket.workflow_id != workflow.id {
                return Err(DomainError::NotClaimable {
                    reason: format!("it belongs to workflow {}, not {}", ticket.workflow_id, workflow.id),
                    ticket_id: ticket.id,
                }
                .into());
            }
            let open_children = tx.open_children(&ticket.id).await?;
            let facts = ReadyFacts {
                status: &ticket.status,
                is_resolved: ticket.is_resolved,
                is_blocked: ticket.is_blocked,
                assigned_agent_id: ticket.assigned_agent_id.as_deref(),
                has_open_children: !open_children.is_empty(),
            };
            if !rules::is_ready(board, &facts, Some(&agent)) {
                let reason = not_ready_reason(tx, &workflow, &ticket).await?;
                return Err(DomainError::NotClaimable {
                    ticket_id: ticket.id,
                    reason,
                }
                .into());
            }
            ticket
        }
        None => take_best_ready(tx, ctx, &workflow, &agent).await?,
    };
    let to = board.claim_status().to_string();
    let in_target = count_in_column(tx, board, &workflow.id, &to, &ticket.id).await?;
    let kind = rules::check_move(
        board,
        &MoveRequest {
            ticket_id: &ticket.id,
            from: &ticket.status,
            to: &to,
            unresolved_blockers: &[],
            tickets_in_target: in_target,
        },
    )?;
    let assignment = Assignment { agent: &agent, lease };
    let change = apply_move(tx, ctx, &agent, &ticket, board, &to, kind, None, Some(assignment)).await?;
    claimed(tx, ctx, change.ticket, &agent, None).await
}

/// Opens the claim's run with a new token and gathers the answer.
async fn claimed<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    ticket: Ticket,
    agent: &str,
    task: Option<(&str, u32)>,
) -> Result<Claimed> {
    let token = new_claim_token()?;
    let hash = token_hash(&token);
    let opening = Opening {
        agent,
        task,
        claim_token_hash: Some(&hash),
    };
    let run_id = runs::open_run(tx, ctx, &ticket, opening, now()).await?;
    let handoffs = runs::prior_runs(tx, &ticket.id, &run_id).await?;
    Ok(Claimed {
        ticket,
        claim_token: token,
        run_id,
        task: None,
        handoffs,
    })
}

/// Rounds of queued tasks a claim by phase looks at.
const TASK_ROUND: u32 = 64;

/// Takes the phase's best queued task (most urgent ticket, then oldest
/// task) whose ticket no other agent holds: starts the task for the agent
/// and holds its ticket where it stands (assigned, leased).
async fn claim_task<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    workflow: &Workflow,
    agent: &str,
    phase_id: u32,
    lease: std::time::Duration,
) -> Result<Claimed> {
    if !workflow.phases.is_empty() && workflow.phase(phase_id).is_none() {
        return Err(DomainError::UnknownPhase {
            workflow_id: workflow.id.clone(),
            phase_id,
            phases: workflow.phase_labels(),
        }
        .into());
    }
    let at = now();
    let mut passed_over: HashSet<String> = HashSet::new();
    let (task_id, ticket) = 'search: loop {
        let candidates: Vec<_> = tx
            .task_candidates(&workflow.id, phase_id, agent, at, TASK_ROUND + passed_over.len() as u32)
            .await?
            .into_iter()
            .filter(|c| !passed_over.contains(&c.task_id))
            .collect();
        if candidates.is_empty() {
            return Err(DomainError::NothingQueued {
                workflow_id: workflow.id.clone(),
                phase_id,
            }
            .into());
        }
        for candidate in candidates {
            passed_over.insert(candidate.task_id.clone());
            if !tx.lock_task_if_queued(&candidate.task_id, agent).await? {
                continue;
            }
            let Some(ticket) = tx.lock_ticket(&candidate.ticket_id).await? else {
                continue;
            };
            let held_by_other = ticket.assigned_agent_id.as_deref().is_some_and(|a| a != agent)
                && ticket.lease_expires_at.is_some_and(|l| l > at);
            if !ticket.is_resolved && !held_by_other {
                break 'search (candidate.task_id, ticket);
            }
        }
    };
    let seconds = lease.as_secs() as i64;
    let until = at + TimeDelta::seconds(seconds);
    tx.hold_ticket(&ticket.id, agent, until, seconds, at).await?;
    let task = super::tasks::get_task(tx, &task_id).await?;
    let details = json!({ "agent_id": agent, "lease_expires_at": until, "task_id": task_id, "phase_id": phase_id });
    tx.insert_history(&[HistoryRow::new(
        &ticket.id,
        &ticket.workflow_id,
        agent,
        HistoryAction::Claimed,
        details,
        at,
    )
    .moved(Some(&ticket.status), Some(&ticket.status))])
        .await?;
    let held = require_ticket(tx, &ticket.id).await?;
    ctx.event(
        &ticket.workflow_id,
        EventKind::TicketClaimed,
        Some(&ticket.id),
        agent,
        json!({ "from_status": ticket.status, "to_status": ticket.status, "assigned_agent_id": agent,
                "version": held.version, "task_id": task_id, "phase_id": phase_id }),
        at,
    );
    let mut answer = claimed(tx, ctx, held, agent, Some((&task_id, task.phase_id))).await?;
    // The task starts inside the claim's run (a task start joins the agent's open run).
    let started = super::tasks::set_task_status(tx, ctx, agent, &task_id, TaskStatus::InProgress, None).await?;
    answer.ticket = require_ticket(tx, &ticket.id).await?;
    answer.task = Some(started);
    Ok(answer)
}

/// Whether any lease has run out (checked before `ready` answers).
pub async fn has_expired_leases<C: Statements>(conn: &mut C) -> Result<bool> {
    conn.has_expired_leases(now()).await
}

/// Frees tickets whose lease ran out ([`give_back`]: a ticket claimed from
/// the ready queue and still in the claim column is ready again; any other
/// stays where it is, unassigned, and a claimed task is queued again),
/// ends the holder's open runs there as `abandoned`, with a history row, an
/// event and the holder's `lease_idle` violation.
pub async fn expire_leases<C: Statements>(tx: &mut C, ctx: &mut WriteCtx) -> Result<Vec<String>> {
    let at = now();
    let expired = tx.lock_expired_leases(at).await?;
    for id in &expired {
        let ticket = require_ticket(tx, id).await?;
        let workflow = require_workflow(tx, &ticket.workflow_id).await?;
        let holder = ticket.assigned_agent_id.clone().unwrap_or_default();
        let open = tx.open_runs(id, &holder).await?;
        let tasks: Vec<String> = open.iter().filter_map(|r| r.task_id.clone()).collect();
        let to = give_back(tx, &ticket, &workflow.board_config, !tasks.is_empty(), at).await?;
        for run in &open {
            runs::end_run(tx, ctx, run, &RunEnd::closing(RunOutcome::Abandoned, SYSTEM_AGENT, at)).await?;
        }
        for task_id in &tasks {
            requeue_task(tx, ctx, task_id, &holder, at).await?;
        }
        let details = json!({ "previous_agent_id": ticket.assigned_agent_id, "lease_expired_at": ticket.lease_expires_at,
                              "to_status": to });
        let comment = if to == workflow.board_config.initial_status {
            "Lease ran out with no write from the holder; the ticket is ready again."
        } else {
            "Lease ran out with no write from the holder; the ticket is unassigned where it stands."
        };
        tx.insert_history(&[HistoryRow::new(
            id,
            &ticket.workflow_id,
            SYSTEM_AGENT,
            HistoryAction::LeaseExpired,
            details.clone(),
            at,
        )
        .moved(Some(&ticket.status), Some(&to))
        .with_comment(Some(comment))])
            .await?;
        ctx.event(
            &ticket.workflow_id,
            EventKind::TicketLeaseExpired,
            Some(id),
            SYSTEM_AGENT,
            details,
            at,
        );
        if let (Some(holder), Some(lease)) = (&ticket.assigned_agent_id, ticket.lease_expires_at) {
            let pending = PendingViolation {
                workflow_id: ticket.workflow_id.clone(),
                mode: workflow.guardian.mode(guardian_rules::Rule::LeaseIdle),
                agent: holder.clone(),
                object_kind: "ticket",
                object_id: id.clone(),
                finding: guardian_rules::lease_idle(
                    id,
                    holder,
                    &lease.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                ),
            };
            record(tx, &pending).await?;
        }
    }
    Ok(expired)
}

/// Puts a task its holder lost back in the queue (unassigned), with a
/// history row and an event.
async fn requeue_task<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    task_id: &str,
    holder: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let Some(task) = tx.lock_task(task_id).await? else {
        return Ok(());
    };
    if task.status != TaskStatus::InProgress || task.assigned_agent_id.as_deref() != Some(holder) {
        return Ok(());
    }
    let blocked = tx.lock_ticket_blocked(&task.ticket_id).await?;
    let to = if blocked {
        TaskStatus::Blocked
    } else {
        TaskStatus::Queued
    };
    tx.update_task(&crate::statements::TaskUpdateRow {
        id: task_id,
        status: to,
        assigned_agent_id: None,
        started_at: None,
        completed_at: None,
        note: Some("its holder's lease ran out"),
        at,
    })
    .await?;
    let details = json!({ "task_id": task_id, "phase_id": task.phase_id, "from": task.status, "to": to,
                          "reason": "its holder's lease ran out" });
    tx.insert_history(&[HistoryRow::new(
        &task.ticket_id,
        &task.workflow_id,
        SYSTEM_AGENT,
        HistoryAction::TaskStatusChanged,
        details.clone(),
        at,
    )])
    .await?;
    ctx.event(
        &task.workflow_id,
        EventKind::TaskUpdated,
        Some(&task.ticket_id),
        SYSTEM_AGENT,
        details,
        at,
    );
    Ok(())
}
