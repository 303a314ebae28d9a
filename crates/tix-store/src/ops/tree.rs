//! Hierarchy steps the ticket operations share: checking and locking a new
//! parent, moving a ticket under another one (keeping `open_children` in
//! step), and a ticket's tree for its detail.

use tix_core::hierarchy::{self, ChildTicket, Progress};
use tix_core::ticket::Ticket;
use tix_core::DomainError;

use super::resolve_ticket_id;
use crate::statements::Statements;
use crate::Result;

/// Longest chain of parents followed (a guard; loops are refused on write).
const MAX_DEPTH: usize = 10_000;
/// Most descendants a ticket's detail lists.
pub const MAX_TREE: u32 = 2_000;

/// The parent a reference names, locked (its count of open children is
/// about to change), checked for `ticket` (`None`: a ticket being created)
/// in `workflow_id`.
pub async fn lock_parent<C: Statements>(
    tx: &mut C,
    reference: &str,
    ticket: Option<&str>,
    workflow_id: &str,
) -> Result<Ticket> {
    let id = resolve_ticket_id(tx, reference).await?;
    let parent = tx
        .lock_ticket(&id)
        .await?
        .ok_or_else(|| DomainError::not_found("ticket", id.clone()))?;
    let ancestors = match ticket {
        Some(_) => ancestors(tx, &parent.id).await?,
        None => Vec::new(),
    };
    hierarchy::check_parent(ticket, workflow_id, &parent.as_ref(), &parent.workflow_id, &ancestors)?;
    Ok(parent)
}

/// The parents above `id`, nearest first.
async fn ancestors<C: Statements>(tx: &mut C, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut at = id.to_string();
    while let Some(up) = tx.parent_of(&at).await? {
        if out.len() >= MAX_DEPTH || out.contains(&up) {
            break;
        }
        out.push(up.clone());
        at = up;
    }
    Ok(out)
}

/// Puts `ticket` under `parent` (or under none), keeping both parents'
/// counts of open children in step (the ready queue reads them: no graph
/// changes); changes the parent link only. Answers the previous parent.
pub async fn reparent<C: Statements>(tx: &mut C, ticket: &Ticket, parent: Option<&str>) -> Result<Option<String>> {
    let previous = ticket.parent_id.clone();
    if previous.as_deref() == parent {
        return Ok(previous);
    }
    tx.set_parent(&ticket.id, parent).await?;
    if !ticket.is_resolved {
        if let Some(old) = &previous {
            tx.shift_open_children(old, -1).await?;
        }
        if let Some(new) = parent {
            tx.shift_open_children(new, 1).await?;
        }
    }
    Ok(previous)
}

/// The descendants of `id` in tree order, and their progress.
pub async fn tree_of<C: Statements>(conn: &mut C, id: &str) -> Result<(Vec<ChildTicket>, Progress)> {
    let rows = conn.subtree(id, MAX_TREE).await?;
    Ok(hierarchy::tree(id, rows))
}
