//! Commits linked to tickets. Linking is idempotent: the same commit is
//! linked to a ticket once, whoever links it again (hook, scan, by hand).

use serde_json::json;
use tix_core::commit::{CommitLinked, NewCommitLink};
use tix_core::event::{EventKind, HistoryAction};

use super::{now, require_ticket, resolve_ticket_id, WriteCtx};
use crate::statements::{HistoryRow, Statements};
use crate::{Error, Result};

pub async fn link_commit<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    link: &NewCommitLink,
) -> Result<CommitLinked> {
    let new = link.validate()?;
    let ticket_id = resolve_ticket_id(tx, input).await?;
    let ticket = require_ticket(tx, &ticket_id).await?;
    let at = now();
    let newly_linked = tx.insert_commit_link(&ticket, &new, actor, at).await?;
    if newly_linked {
        let subject = new.message.lines().next().unwrap_or_default();
        let details = json!({ "sha": new.sha, "source": new.source, "author": new.author });
        tx.insert_history(&[HistoryRow::new(
            &ticket.id,
            &ticket.workflow_id,
            actor,
            HistoryAction::CommitLinked,
            details.clone(),
            at,
        )
        .with_comment(Some(subject).filter(|s| !s.is_empty()))])
            .await?;
        ctx.event(
            &ticket.workflow_id,
            EventKind::CommitLinked,
            Some(&ticket.id),
            actor,
            details,
            at,
        );
    }
    let stored = tx
        .commit_link(&ticket.id, &new.sha)
        .await?
        .ok_or_else(|| Error::Storage(format!("commit {} vanished from {}", new.sha, ticket.id)))?;
    Ok(CommitLinked {
        ticket_id: ticket.id,
        sha: stored.sha.clone(),
        newly_linked,
        link: stored,
    })
}
