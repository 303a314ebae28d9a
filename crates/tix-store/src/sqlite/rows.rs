//! Row mapping between SQLite and the domain types.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use tix_core::board::BoardConfig;
use tix_core::error::TicketRef;
use tix_core::ticket::{Comment, Event, HistoryEntry, Priority, Ticket};
use tix_core::workflow::{EffectiveBoard, Workflow};
use tix_core::DomainError;

use crate::{Error, Result};

/// Timestamps are stored as fixed-width RFC 3339 text (UTC, microseconds),
/// so text order is time order.
pub(crate) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn now_text() -> String {
    time_text(Utc::now())
}

pub(crate) fn parse_time(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) fn time(row: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    parse_time(&row.get::<_, String>(idx)?)
}

pub(crate) fn opt_time(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    row.get::<_, Option<String>>(idx)?
        .as_deref()
        .map(parse_time)
        .transpose()
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) const TICKET_SELECT: &str = "SELECT t.id, t.workflow_id, t.title, t.description, t.ticket_type, \
     t.status, t.priority, t.tags, t.created_by, t.assigned_agent_id, t.created_at, t.updated_at, t.started_at, \
     t.completed_at, t.resolved_at, t.is_resolved, t.open_blockers, t.version, t.lease_expires_at, \
     (SELECT group_concat(e.blocker_id) FROM ticket_edges e WHERE e.blocked_id = t.id), t.seq, \
     t.parent_id, t.external_ref, \
     (NOT t.is_resolved AND t.open_blockers = 0 AND t.open_children = 0 AND t.assigned_agent_id IS NULL \
      AND t.status = (SELECT w.board_config ->> '$.initial_status' FROM workflows w WHERE w.id = t.workflow_id)) \
     FROM tickets t";

pub(crate) fn ticket(row: &Row<'_>) -> rusqlite::Result<Ticket> {
    let priority: i64 = row.get(6)?;
    let blockers: Option<String> = row.get(19)?;
    let mut blocked_by_ticket_ids: Vec<String> = blockers
        .map(|b| b.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    blocked_by_ticket_ids.sort();
    Ok(Ticket {
        id: row.get(0)?,
        workflow_id: row.get(1)?,
        title: row.get(2)?,
        description: row.get(3)?,
        ticket_type: row.get(4)?,
        status: row.get(5)?,
        priority: Priority::from_rank(priority).unwrap_or_default(),
        tags: json(row, 7)?,
        created_by: row.get(8)?,
        assigned_agent_id: row.get(9)?,
        created_at: time(row, 10)?,
        updated_at: time(row, 11)?,
        started_at: opt_time(row, 12)?,
        completed_at: opt_time(row, 13)?,
        resolved_at: opt_time(row, 14)?,
        is_resolved: row.get(15)?,
        is_blocked: row.get::<_, i64>(16)? > 0,
        is_ready: row.get::<_, Option<bool>>(23)?.unwrap_or(false),
        version: row.get::<_, i64>(17)? as u64,
        lease_expires_at: opt_time(row, 18)?,
        blocked_by_ticket_ids,
        parent_id: row.get(21)?,
        external_ref: row.get(22)?,
    })
}

/// A ticket by exact id.
pub(crate) fn find_ticket(conn: &Connection, id: &str) -> Result<Option<Ticket>> {
    let mut stmt = conn.prepare_cached(&format!("{TICKET_SELECT} WHERE t.id = ?1"))?;
    Ok(stmt.query_row([id], ticket).optional()?)
}

pub(crate) fn ticket_ref(row: &Row<'_>) -> rusqlite::Result<TicketRef> {
    Ok(TicketRef {
        id: row.get(0)?,
        title: row.get(1)?,
        status: row.get(2)?,
        is_resolved: row.get(3)?,
    })
}

pub(crate) const WORKFLOW_SELECT: &str =
    "SELECT w.id, w.name, w.board_config, w.phases, w.created_at, w.updated_at, w.guardian FROM workflows w";

pub(crate) fn workflow(row: &Row<'_>) -> rusqlite::Result<Workflow> {
    let board_config: BoardConfig = json(row, 2)?;
    Ok(Workflow {
        id: row.get(0)?,
        name: row.get(1)?,
        effective: EffectiveBoard::of(&board_config),
        board_config,
        phases: json(row, 3)?,
        created_at: time(row, 4)?,
        updated_at: time(row, 5)?,
        guardian: json(row, 6)?,
    })
}

pub(crate) fn find_workflow(conn: &Connection, id: &str) -> Result<Option<Workflow>> {
    let mut stmt = conn.prepare_cached(&format!("{WORKFLOW_SELECT} WHERE w.id = ?1"))?;
    Ok(stmt.query_row([id], workflow).optional()?)
}

/// The workflow, or `workflow_not_found`.
pub(crate) fn load_workflow(conn: &Connection, id: &str) -> Result<Workflow> {
    find_workflow(conn, id)?.ok_or_else(|| DomainError::not_found("workflow", id).into())
}

/// A JSON array of strings, for `json_each(?)` parameters.
pub(crate) fn id_list(ids: &[String]) -> Result<String> {
    to_json(&ids)
}

pub(crate) fn comment(row: &Row<'_>) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: row.get(0)?,
        ticket_id: row.get(1)?,
        author: row.get(2)?,
        comment_text: row.get(3)?,
        created_at: time(row, 4)?,
    })
}

pub(crate) fn history(row: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: row.get(0)?,
        ticket_id: row.get(1)?,
        agent_id: row.get(2)?,
        action: row.get(3)?,
        from_status: row.get(4)?,
        to_status: row.get(5)?,
        comment: row.get(6)?,
        details: json(row, 7)?,
        created_at: time(row, 8)?,
    })
}

pub(crate) fn event(row: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        id: row.get(0)?,
        workflow_id: row.get(1)?,
        kind: row.get(2)?,
        ticket_id: row.get(3)?,
        agent_id: row.get(4)?,
        payload: json(row, 5)?,
        created_at: time(row, 6)?,
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Storage(format!("cannot encode JSON: {e}")))
}
