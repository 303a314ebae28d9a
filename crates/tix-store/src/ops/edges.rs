//! Blocking edges `blocker → blocked`: added with a cycle check, removed,
//! with the blocked ticket's count, history, events and tasks in step.

use serde_json::json;
use tix_core::error::TicketRef;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::ticket::Ticket;
use tix_core::DomainError;

use super::tasks::follow_ticket_blocking;
use super::{now, resolve_ticket_id, WriteCtx};
use crate::graph_cache::GraphDelta;
use crate::statements::{EdgeRow, HistoryRow, Statements};
use crate::Result;

/// Resolves both ends and locks them in id order (so two edge writes on the
/// same pair cannot deadlock); both must be in one workflow.
async fn edge_endpoints<C: Statements>(
    tx: &mut C,
    blocked_input: &str,
    blocker_input: &str,
) -> Result<(Ticket, Ticket)> {
    let blocked_id = resolve_ticket_id(tx, blocked_input).await?;
    let blocker_id = resolve_ticket_id(tx, blocker_input).await?;
    if blocked_id == blocker_id {
        return Err(DomainError::SelfBlock { ticket_id: blocked_id }.into());
    }
    let (blocked, blocker) = if blocked_id < blocker_id {
        let blocked = lock(tx, &blocked_id).await?;
        (blocked, lock(tx, &blocker_id).await?)
    } else {
        let blocker = lock(tx, &blocker_id).await?;
        (lock(tx, &blocked_id).await?, blocker)
    };
    if blocked.workflow_id != blocker.workflow_id {
        return Err(DomainError::CrossWorkflowEdge {
            blocker_id: blocker.id,
            blocker_workflow: blocker.workflow_id,
            blocked_id: blocked.id,
            blocked_workflow: blocked.workflow_id,
        }
        .into());
    }
    Ok((blocked, blocker))
}

async fn lock<C: Statements>(tx: &mut C, id: &str) -> Result<Ticket> {
    tx.lock_ticket(id)
        .await?
        .ok_or_else(|| DomainError::not_found("ticket", id).into())
}

fn history<'a>(
    blocked: &'a Ticket,
    actor: &'a str,
    action: HistoryAction,
    details: serde_json::Value,
    at: chrono::DateTime<chrono::Utc>,
) -> HistoryRow<'a> {
    HistoryRow::new(&blocked.id, &blocked.workflow_id, actor, action, details, at)
}

/// The blocked ticket's history row and event for an edge change.
async fn record_edge_change<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    blocked: &Ticket,
    blocker_id: &str,
    actor: &str,
    (action, kind): (HistoryAction, EventKind),
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let details = json!({ "blocker_id": blocker_id });
    tx.insert_history(&[history(blocked, actor, action, details, at)])
        .await?;
    let payload = json!({ "blocker_id": blocker_id, "version": blocked.version + 1 });
    ctx.event(&blocked.workflow_id, kind, Some(&blocked.id), actor, payload, at);
    Ok(())
}

/// Adds `blocker → blocked`; answers the blocked ticket's blockers.
pub async fn add_blocker<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    blocked_input: &str,
    blocker_input: &str,
) -> Result<Vec<TicketRef>> {
    let (blocked, blocker) = edge_endpoints(tx, blocked_input, blocker_input).await?;
    super::runs::check_fence(tx, ctx, &blocked, actor, false).await?;
    // Serialise edge additions per workflow: two concurrent inserts must
    // not each pass a cycle check that misses the other's edge.
    tx.lock_edges(&blocked.workflow_id).await?;
    let (blocker_id, blocked_id) = (blocker.id.as_str(), blocked.id.as_str());
    let ends = [(blocker_id, blocker.is_resolved), (blocked_id, blocked.is_resolved)];
    let cycle = ctx
        .graph(tx, &blocked.workflow_id, |g| {
            // Tickets created without blockers may be missing from a cached
            // graph: they are isolated nodes.
            for (id, resolved) in ends {
                if !g.contains(id) {
                    g.add_node(id, resolved);
                }
            }
            g.cycle_if_added(blocker_id, blocked_id)
        })
        .await??;
    if let Some(path) = cycle {
        return Err(DomainError::DependencyCycle { path }.into());
    }
    if blocked.blocked_by_ticket_ids.contains(&blocker.id) {
        return tx.blocked_by(&blocked.id).await;
    }
    let at = now();
    tx.insert_edges(&[EdgeRow {
        blocker_id: &blocker.id,
        blocked_id: &blocked.id,
        workflow_id: &blocked.workflow_id,
        created_by: actor,
        at,
    }])
    .await?;
    tx.shift_open_blockers(&blocked.id, i64::from(!blocker.is_resolved), at)
        .await?;
    let change = (HistoryAction::BlockerAdded, EventKind::BlockerAdded);
    record_edge_change(tx, ctx, &blocked, &blocker.id, actor, change, at).await?;
    if !blocker.is_resolved && !blocked.is_blocked && !blocked.is_resolved {
        follow_ticket_blocking(
            tx,
            ctx,
            &blocked.workflow_id,
            &[],
            std::slice::from_ref(&blocked.id),
            actor,
        )
        .await?;
    }
    ctx.changed(
        tx,
        &blocked.workflow_id,
        vec![GraphDelta::Edge {
            blocker: blocker.id.clone(),
            blocked: blocked.id.clone(),
        }],
    )
    .await?;
    tx.blocked_by(&blocked.id).await
}

/// Removes `blocker → blocked`; answers the blocked ticket's blockers.
pub async fn remove_blocker<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    blocked_input: &str,
    blocker_input: &str,
) -> Result<Vec<TicketRef>> {
    let (blocked, blocker) = edge_endpoints(tx, blocked_input, blocker_input).await?;
    super::runs::check_fence(tx, ctx, &blocked, actor, false).await?;
    if !tx.delete_edge(&blocker.id, &blocked.id).await? {
        return Err(DomainError::EdgeNotFound {
            blocker_id: blocker.id,
            blocked_id: blocked.id,
        }
        .into());
    }
    let at = now();
    let open = tx
        .shift_open_blockers(&blocked.id, -i64::from(!blocker.is_resolved), at)
        .await?;
    let change = (HistoryAction::BlockerRemoved, EventKind::BlockerRemoved);
    record_edge_change(tx, ctx, &blocked, &blocker.id, actor, change, at).await?;
    if open == 0 && blocked.is_blocked && !blocked.is_resolved {
        let details = json!({ "by_removing_blocker_id": blocker.id });
        tx.insert_history(&[history(&blocked, actor, HistoryAction::Unblocked, details.clone(), at)])
            .await?;
        ctx.event(
            &blocked.workflow_id,
            EventKind::TicketUnblocked,
            Some(&blocked.id),
            actor,
            details,
            at,
        );
        follow_ticket_blocking(
            tx,
            ctx,
            &blocked.workflow_id,
            std::slice::from_ref(&blocked.id),
            &[],
            actor,
        )
        .await?;
    }
    ctx.changed(
        tx,
        &blocked.workflow_id,
        vec![GraphDelta::RemoveEdge {
            blocker: blocker.id.clone(),
            blocked: blocked.id.clone(),
        }],
    )
    .await?;
    tx.blocked_by(&blocked.id).await
}
