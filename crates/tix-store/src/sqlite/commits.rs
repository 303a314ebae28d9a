//! Commits linked to tickets. Linking is idempotent: the same commit is
//! linked to a ticket once, whoever links it again (hook, scan, by hand).

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde_json::json;
use tix_core::commit::{CommitLink, CommitLinked, CommitSource, NewCommitLink};

use super::ops::{record_event, record_history, resolve_ticket_id};
use super::rows::{load_ticket, now_text, parse_time, time_text};
use crate::Result;

const COMMIT_SELECT: &str = "SELECT ticket_id, sha, message, author, committed_at, files_changed, insertions, \
     deletions, source, linked_by, linked_at FROM ticket_commits";

fn link(row: &Row<'_>) -> rusqlite::Result<CommitLink> {
    let committed: Option<String> = row.get(4)?;
    let source: String = row.get(8)?;
    Ok(CommitLink {
        ticket_id: row.get(0)?,
        sha: row.get(1)?,
        message: row.get(2)?,
        author: row.get(3)?,
        committed_at: committed.as_deref().map(parse_time).transpose()?,
        files_changed: row.get(5)?,
        insertions: row.get(6)?,
        deletions: row.get(7)?,
        source: CommitSource::parse(&source).unwrap_or_default(),
        linked_by: row.get(9)?,
        linked_at: parse_time(&row.get::<_, String>(10)?)?,
    })
}

/// A ticket's commits, oldest commit first.
pub(crate) fn commits_of_ticket(conn: &Connection, ticket_id: &str) -> Result<Vec<CommitLink>> {
    let sql = format!("{COMMIT_SELECT} WHERE ticket_id = ?1 ORDER BY COALESCE(committed_at, linked_at), sha");
    let links = conn
        .prepare_cached(&sql)?
        .query_map([ticket_id], link)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(links)
}

pub(crate) fn link_commit(tx: &Transaction<'_>, actor: &str, input: &str, new: NewCommitLink) -> Result<CommitLinked> {
    let new = new.validate()?;
    let ticket = load_ticket(tx, &resolve_ticket_id(tx, input)?)?;
    let existing = tx
        .prepare_cached(&format!("{COMMIT_SELECT} WHERE ticket_id = ?1 AND sha = ?2"))?
        .query_row(params![ticket.id, new.sha], link)
        .optional()?;
    if let Some(existing) = existing {
        return Ok(CommitLinked {
            ticket_id: ticket.id,
            sha: existing.sha.clone(),
            newly_linked: false,
            link: existing,
        });
    }
    let now = now_text();
    tx.prepare_cached(
        "INSERT INTO ticket_commits (ticket_id, sha, workflow_id, message, author, committed_at, files_changed, \
         insertions, deletions, source, linked_by, linked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        ticket.id,
        new.sha,
        ticket.workflow_id,
        new.message,
        new.author,
        new.committed_at.map(time_text),
        new.files_changed,
        new.insertions,
        new.deletions,
        new.source.as_str(),
        actor,
        now
    ])?;
    let subject = new.message.lines().next().unwrap_or_default();
    let details = json!({ "sha": new.sha, "source": new.source, "author": new.author });
    record_history(
        tx,
        &ticket.id,
        &ticket.workflow_id,
        actor,
        "commit_linked",
        None,
        None,
        Some(subject).filter(|s| !s.is_empty()),
        details.clone(),
        &now,
    )?;
    record_event(
        tx,
        &ticket.workflow_id,
        "commit_linked",
        Some(&ticket.id),
        actor,
        details,
        &now,
    )?;
    let link = tx
        .prepare_cached(&format!("{COMMIT_SELECT} WHERE ticket_id = ?1 AND sha = ?2"))?
        .query_row(params![ticket.id, new.sha], link)?;
    Ok(CommitLinked {
        ticket_id: ticket.id,
        sha: new.sha,
        newly_linked: true,
        link,
    })
}
