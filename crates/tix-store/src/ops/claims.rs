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

use super::guardian::record;
use super::moves::{apply_move, count_in_column, Assignment};
use super::{lock_ticket_ref, now, require_ticket, require_workflow, WriteCtx, SYSTEM_AGENT};
use crate::graph_cache::GraphCache;
use crate::statements::{Candidate, HistoryRow, PendingViolation, Statements};
use crate::{ClaimRequest, Result};

/// How many top-ranked candidates a claim tries to lock per round.
const CLAIM_ROUND: usize = 64;

/// Orders candidates by the ready rules (priority, then how many tickets
/// each unblocks, then age) and keeps the best `limit`.
async fn rank<C: Statements>(
    conn: &mut C,
    graphs: &GraphCache,
    workflow_id: &str,
    candidates: Vec<Candidate>,
    limit: usize,
) -> Result<Vec<(Candidate, u64)>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    let counts = super::with_graph(conn, graphs, workflow_id, |g| g.unblocks_counts(&ids)).await?;
    let mut ranked: Vec<(Candidate, u64)> = candidates.into_iter().zip(counts).collect();
    ranked.sort_by(|a, b| {
        rules::ready_order(
            (a.0.priority, a.1, a.0.created_at, a.0.id.as_str()),
            (b.0.priority, b.1, b.0.created_at, b.0.id.as_str()),
        )
    });
    ranked.truncate(limit);
    Ok(ranked)
}

/// Ready tickets, best first (see `tix_core::rules::ready_order`).
pub async fn ready<C: Statements>(
    conn: &mut C,
    graphs: &GraphCache,
    workflow_id: &str,
    agent: Option<&str>,
    limit: u32,
) -> Result<Vec<ReadyTicket>> {
    let limit = validate::page_size(Some(limit))?;
    let workflow = require_workflow(conn, workflow_id).await?;
    let candidates = conn
        .ready_candidates(workflow_id, &workflow.board_config.initial_status, agent)
        .await?;
    let ranked = rank(conn, graphs, workflow_id, candidates, limit as usize).await?;
    let ids: Vec<String> = ranked.iter().map(|(c, _)| c.id.clone()).collect();
    let mut tickets: HashMap<String, Ticket> = conn
        .load_tickets(&ids)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    Ok(ranked
        .into_iter()
        .filter_map(|(c, unblocks_count)| {
            tickets
                .remove(&c.id)
                .map(|ticket| ReadyTicket { ticket, unblocks_count })
        })
        .collect())
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
/// [`CLAIM_ROUND`] candidates: a candidate another claim holds (or took
/// since the candidates were read) is passed over; when a whole round is
/// passed over, the next round reads the candidates again (concurrent claims
/// may have committed meanwhile), so `nothing_ready` means every ticket
/// ready now was seen taken.
async fn take_best_ready<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    workflow: &Workflow,
    agent: &str,
) -> Result<Ticket> {
    let status = &workflow.board_config.initial_status;
    let mut passed_over: HashSet<String> = HashSet::new();
    loop {
        let candidates: Vec<Candidate> = tx
            .ready_candidates(&workflow.id, status, Some(agent))
            .await?
            .into_iter()
            .filter(|c| !passed_over.contains(&c.id))
            .collect();
        let ranked = rank(tx, ctx.graphs(), &workflow.id, candidates, CLAIM_ROUND).await?;
        if ranked.is_empty() {
            return Err(DomainError::NothingReady {
                workflow_id: workflow.id.clone(),
            }
            .into());
        }
        for (candidate, _) in ranked {
            // Still ready, and not being claimed by someone else right now.
            if tx.lock_if_ready(&candidate.id, status, agent).await? {
                return require_ticket(tx, &candidate.id).await;
            }
            passed_over.insert(candidate.id);
        }
    }
}

/// Atomically assigns the top ready (or the named) ticket to the agent,
/// moves it to the claim column and starts its lease.
pub async fn claim<C: Statements>(tx: &mut C, ctx: &mut WriteCtx, request: &ClaimRequest) -> Result<Ticket> {
    let agent = check_agent_id("agent_id", &request.agent_id)?;
    let lease = validate::lease(request.lease.map(|lease| lease.as_secs()))?;
    // Leases that ran out free their tickets first, in this transaction.
    expire_leases(tx, ctx).await?;
    let workflow = require_workflow(tx, &request.workflow_id).await?;
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
            let facts = ReadyFacts {
                status: &ticket.status,
                is_resolved: ticket.is_resolved,
                is_blocked: ticket.is_blocked,
                assigned_agent_id: ticket.assigned_agent_id.as_deref(),
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
    Ok(change.ticket)
}

/// Whether any lease has run out (checked before `ready` answers).
pub async fn has_expired_leases<C: Statements>(conn: &mut C) -> Result<bool> {
    conn.has_expired_leases(now()).await
}

/// Returns tickets whose lease ran out to the initial column, unassigned,
/// with a history row, an event and the holder's `lease_idle` violation.
pub async fn expire_leases<C: Statements>(tx: &mut C, ctx: &mut WriteCtx) -> Result<Vec<String>> {
    let at = now();
    let expired = tx.lock_expired_leases(at).await?;
    for id in &expired {
        let ticket = require_ticket(tx, id).await?;
        let workflow = require_workflow(tx, &ticket.workflow_id).await?;
        let initial = &workflow.board_config.initial_status;
        tx.release_lease(id, initial, at).await?;
        let details =
            json!({ "previous_agent_id": ticket.assigned_agent_id, "lease_expired_at": ticket.lease_expires_at });
        tx.insert_history(&[HistoryRow::new(
            id,
            &ticket.workflow_id,
            SYSTEM_AGENT,
            HistoryAction::LeaseExpired,
            details.clone(),
            at,
        )
        .moved(Some(&ticket.status), Some(initial))
        .with_comment(Some(
            "Lease ran out with no write from the holder; the ticket is ready again.",
        ))])
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
