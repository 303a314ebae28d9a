//! Comments: progress, findings and hand-over notes on a ticket.

use serde_json::json;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::ticket::Comment;
use tix_core::validate::check_comment;

use super::{lock_ticket_ref, now, renewed_lease, WriteCtx};
use crate::statements::{HistoryRow, Statements};
use crate::Result;

pub async fn add_comment<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    text: &str,
) -> Result<Comment> {
    let text = check_comment("comment_text", text)?;
    let ticket = lock_ticket_ref(tx, input).await?;
    let at = now();
    let comment_id = tx.insert_comment(&ticket.id, actor, &text, at).await?;
    // A comment by the holder is a sign of life: it renews the lease.
    let lease = renewed_lease(tx, &ticket, actor, at).await?;
    tx.touch_ticket(&ticket.id, at, lease).await?;
    tx.insert_history(&[HistoryRow::new(
        &ticket.id,
        &ticket.workflow_id,
        actor,
        HistoryAction::Commented,
        json!({ "comment_id": comment_id }),
        at,
    )])
    .await?;
    ctx.event(
        &ticket.workflow_id,
        EventKind::TicketCommented,
        Some(&ticket.id),
        actor,
        json!({ "comment_id": comment_id, "version": ticket.version + 1 }),
        at,
    );
    Ok(Comment {
        id: comment_id,
        ticket_id: ticket.id,
        author: actor.to_string(),
        comment_text: text,
        created_at: at,
    })
}
