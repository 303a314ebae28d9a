//! The operations, as synchronous functions over a connection or a write
//! transaction. Each write function runs inside one transaction opened by
//! the writer thread, together with its history rows and events.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};
use serde_json::{json, Value};
use tix_core::board::BoardConfig;
use tix_core::error::TicketRef;
use tix_core::guardian::{self as guardian_rules, Finding};
use tix_core::ids;
use tix_core::rules::{self, MoveKind, MoveRequest, ReadyFacts};
use tix_core::ticket::{
    self as domain, Comment, Event, GraphEdge, GraphNode, NewTicket, Priority, ReadyTicket, StatusChange, Ticket,
    TicketCreated, TicketDetail, TicketFilter, TicketGraph, TicketPage, TicketPatch,
};
use tix_core::workflow::{NewWorkflow, Workflow};
use tix_core::DomainError;

use super::graph_cache::{GraphCache, GraphDelta, WriteCtx};
use super::guardian;
use super::rows::{self, load_ticket, load_workflow, now_text, time_text, to_json, TICKET_SELECT};
use crate::{ClaimRequest, Error, Result, DEFAULT_LEASE};

/// The agent id recorded for Tix's own actions (lease expiry).
const SYSTEM_AGENT: &str = "tix";

pub(crate) fn random_bytes() -> Result<[u8; 8]> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness for ids: {e}")))?;
    Ok(bytes)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn record_history(
    conn: &Connection,
    ticket_id: &str,
    workflow_id: &str,
    agent: &str,
    action: &str,
    from: Option<&str>,
    to: Option<&str>,
    comment: Option<&str>,
    details: Value,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ticket_history (ticket_id, workflow_id, agent_id, action, from_status, to_status, comment, details, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![ticket_id, workflow_id, agent, action, from, to, comment, details.to_string(), at])?;
    Ok(())
}

pub(crate) fn record_event(
    conn: &Connection,
    workflow_id: &str,
    kind: &str,
    ticket_id: Option<&str>,
    agent: &str,
    payload: Value,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (workflow_id, kind, ticket_id, agent_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![workflow_id, kind, ticket_id, agent, payload.to_string(), at])?;
    Ok(())
}

fn insert_comment(conn: &Connection, ticket_id: &str, author: &str, body: &str, at: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO ticket_comments (ticket_id, author, body, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![ticket_id, author, body, at])?;
    Ok(conn.last_insert_rowid())
}

fn check_version(ticket: &Ticket, expected: Option<u64>) -> Result<()> {
    match expected {
        Some(expected) if expected != ticket.version => Err(DomainError::StaleVersion {
            ticket_id: ticket.id.clone(),
            expected,
            actual: ticket.version,
        }
        .into()),
        _ => Ok(()),
    }
}

fn lease_seconds(conn: &Connection, id: &str) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT lease_seconds FROM tickets WHERE id = ?1", [id], |r| r.get(0))?)
}

/// The lease after a write by `actor`: renewed when the holder writes.
fn renewed_lease(conn: &Connection, ticket: &Ticket, actor: &str, now: DateTime<Utc>) -> Result<Option<String>> {
    let current = ticket.lease_expires_at.map(time_text);
    if ticket.assigned_agent_id.as_deref() != Some(actor) || current.is_none() {
        return Ok(current);
    }
    Ok(match lease_seconds(conn, &ticket.id)? {
        Some(secs) => Some(time_text(now + chrono::Duration::seconds(secs))),
        None => current,
    })
}

// ---------------------------------------------------------------- workflows

pub(crate) fn create_workflow(tx: &Transaction<'_>, actor: &str, new: NewWorkflow) -> Result<Workflow> {
    new.validate()?;
    let id = match &new.id {
        Some(id) => {
            let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM workflows WHERE id = ?1)", [id], |r| {
                r.get(0)
            })?;
            if exists {
                return Err(DomainError::WorkflowExists { id: id.clone() }.into());
            }
            id.clone()
        }
        None => ids::workflow_id(&random_bytes()?),
    };
    let now = now_text();
    tx.execute(
        "INSERT INTO workflows (id, name, board_config, phases, guardian, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, new.name.trim(), to_json(&new.board_config)?, to_json(&new.phases)?, to_json(&new.guardian)?, now],
    )?;
    record_event(
        tx,
        &id,
        "workflow_created",
        None,
        actor,
        json!({ "name": new.name.trim() }),
        &now,
    )?;
    load_workflow(tx, &id)
}

pub(crate) fn list_workflows(conn: &Connection) -> Result<Vec<Workflow>> {
    let sql = format!(
        "{} ORDER BY COALESCE((SELECT MAX(e.id) FROM events e WHERE e.workflow_id = w.id), 0) DESC, w.created_at DESC",
        rows::WORKFLOW_SELECT
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let workflows = stmt
        .query_map([], rows::workflow)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(workflows)
}

pub(crate) fn get_workflow(conn: &Connection, id: &str) -> Result<Workflow> {
    load_workflow(conn, id)
}

// ---------------------------------------------------------------- reading tickets

pub(crate) fn resolve_ticket_id(conn: &Connection, input: &str) -> Result<String> {
    let prefix = ids::normalise_ticket_ref(input)?;
    let exact: Option<String> = conn
        .query_row("SELECT id FROM tickets WHERE id = ?1", [&prefix], |r| r.get(0))
        .optional()?;
    if let Some(id) = exact {
        return Ok(id);
    }
    // '~' sorts after every character an id may hold, so this is a prefix range scan.
    let mut stmt =
        conn.prepare_cached("SELECT id FROM tickets WHERE id > ?1 AND id < ?1 || '~' ORDER BY id LIMIT 6")?;
    let matches = stmt
        .query_map([&prefix], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    match matches.len() {
        0 => Err(DomainError::not_found("ticket", input.trim()).into()),
        1 => Ok(matches.into_iter().next().unwrap_or_default()),
        _ => Err(DomainError::AmbiguousId {
            prefix: input.trim().to_string(),
            matches,
        }
        .into()),
    }
}

fn refs(conn: &Connection, sql: &str, id: &str) -> Result<Vec<TicketRef>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let refs = stmt
        .query_map([id], rows::ticket_ref)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(refs)
}

fn blocked_by_refs(conn: &Connection, id: &str) -> Result<Vec<TicketRef>> {
    refs(
        conn,
        "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocker_id \
         WHERE e.blocked_id = ?1 ORDER BY t.seq",
        id,
    )
}

fn unresolved_blockers(conn: &Connection, id: &str) -> Result<Vec<TicketRef>> {
    Ok(blocked_by_refs(conn, id)?
        .into_iter()
        .filter(|b| !b.is_resolved)
        .collect())
}

pub(crate) fn get_ticket_detail(conn: &Connection, input: &str) -> Result<TicketDetail> {
    let id = resolve_ticket_id(conn, input)?;
    let ticket = load_ticket(conn, &id)?;
    let blocked_by = blocked_by_refs(conn, &id)?;
    let blocks = refs(
        conn,
        "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocked_id \
         WHERE e.blocker_id = ?1 ORDER BY t.seq",
        &id,
    )?;
    let comments = conn
        .prepare_cached(
            "SELECT id, ticket_id, author, body, created_at FROM ticket_comments WHERE ticket_id = ?1 ORDER BY id",
        )?
        .query_map([&id], rows::comment)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let history = conn
        .prepare_cached(
            "SELECT id, ticket_id, agent_id, action, from_status, to_status, comment, details, created_at \
             FROM ticket_history WHERE ticket_id = ?1 ORDER BY id",
        )?
        .query_map([&id], rows::history)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let tasks = super::tasks::tasks_of_ticket(conn, &id)?;
    let commits = super::commits::commits_of_ticket(conn, &id)?;
    Ok(TicketDetail {
        ticket,
        blocked_by,
        blocks,
        comments,
        history,
        tasks,
        commits,
    })
}

pub(crate) fn parse_cursor(cursor: &str) -> Result<i64> {
    cursor
        .strip_prefix('c')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            DomainError::validation(
                "cursor",
                "not a cursor from this API; pass next_cursor from the previous page",
            )
            .into()
        })
}

pub(crate) fn list_tickets(
    conn: &Connection,
    filter: &TicketFilter,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<TicketPage> {
    let limit = domain::page_size(limit)?;
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut push = |clause: &str, value: rusqlite::types::Value| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(workflow_id) = &filter.workflow_id {
        let workflow = load_workflow(conn, workflow_id)?;
        if let Some(status) = &filter.status {
            workflow.board_config.check_status(status)?;
        }
        if let Some(ticket_type) = &filter.ticket_type {
            workflow.board_config.check_ticket_type(ticket_type)?;
        }
        push("t.workflow_id = ?", workflow_id.clone().into());
    }
    if let Some(status) = &filter.status {
        push("t.status = ?", status.clone().into());
    }
    if let Some(ticket_type) = &filter.ticket_type {
        push("t.ticket_type = ?", ticket_type.clone().into());
    }
    if let Some(priority) = filter.priority {
        push("t.priority = ?", priority.rank().into());
    }
    if let Some(agent) = &filter.assigned_agent_id {
        push("t.assigned_agent_id = ?", agent.clone().into());
    }
    if let Some(tag) = &filter.tag {
        push(
            "EXISTS (SELECT 1 FROM json_each(t.tags) WHERE json_each.value = ?)",
            tag.clone().into(),
        );
    }
    if let Some(resolved) = filter.resolved {
        push("t.is_resolved = ?", i64::from(resolved).into());
    }
    if let Some(blocked) = filter.blocked {
        clauses.push(if blocked {
            "t.open_blockers > 0".into()
        } else {
            "t.open_blockers = 0".into()
        });
    }
    if let Some(cursor) = cursor {
        let seq = parse_cursor(cursor)?;
        values.push(seq.into());
        clauses.push(format!("t.seq > ?{}", values.len()));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let sql = format!("{TICKET_SELECT}{where_sql} ORDER BY t.seq LIMIT {}", limit + 1);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows_out: Vec<(Ticket, i64)> = stmt
        .query_map(params_from_iter(values.iter()), |row| {
            Ok((rows::ticket(row)?, row.get::<_, i64>(20)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor = if rows_out.len() > limit as usize {
        rows_out.truncate(limit as usize);
        rows_out.last().map(|(_, seq)| format!("c{seq}"))
    } else {
        None
    };
    Ok(TicketPage {
        tickets: rows_out.into_iter().map(|(t, _)| t).collect(),
        next_cursor,
    })
}

// ---------------------------------------------------------------- creating tickets

struct BlockerFacts {
    id: String,
    workflow_id: String,
    is_resolved: bool,
}

fn blocker_facts(conn: &Connection, input: &str) -> Result<BlockerFacts> {
    let mut stmt = conn.prepare_cached("SELECT workflow_id, is_resolved FROM tickets WHERE id = ?1")?;
    // Full ids (the common case, and every import) skip prefix resolution.
    let id = match stmt.query_row([input], |r| Ok((r.get(0)?, r.get(1)?))).optional()? {
        Some((workflow_id, is_resolved)) => {
            return Ok(BlockerFacts {
                id: input.to_string(),
                workflow_id,
                is_resolved,
            })
        }
        None => resolve_ticket_id(conn, input)?,
    };
    let (workflow_id, is_resolved) = stmt.query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(BlockerFacts {
        id,
        workflow_id,
        is_resolved,
    })
}

/// Resolves a new ticket's blocker references. Two references may name the
/// same ticket (`7hx` and `ticket-7hx3k2qa`); each blocker is kept once.
fn resolve_blockers(conn: &Connection, inputs: &[String]) -> Result<Vec<BlockerFacts>> {
    let mut blockers: Vec<BlockerFacts> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let facts = blocker_facts(conn, input)?;
        if !blockers.iter().any(|b| b.id == facts.id) {
            blockers.push(facts);
        }
    }
    Ok(blockers)
}

fn ticket_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM tickets WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

fn new_ticket_id(conn: &Connection, explicit: Option<&str>) -> Result<String> {
    if let Some(id) = explicit {
        if ticket_exists(conn, id)? {
            return Err(DomainError::TicketExists { id: id.to_string() }.into());
        }
        return Ok(id.to_string());
    }
    for _ in 0..16 {
        let id = ids::ticket_id(&random_bytes()?);
        if !ticket_exists(conn, &id)? {
            return Ok(id);
        }
    }
    Err(Error::Storage("could not find a free ticket id after 16 tries".into()))
}

/// Inserts one validated ticket with its edges and history row; returns its
/// id and the graph deltas.
fn insert_ticket(
    conn: &Connection,
    actor: &str,
    board: &BoardConfig,
    ticket: &NewTicket,
    blockers: &[BlockerFacts],
    now: &str,
    deltas: &mut Vec<GraphDelta>,
) -> Result<String> {
    for blocker in blockers {
        if blocker.workflow_id != ticket.workflow_id {
            return Err(DomainError::CrossWorkflowEdge {
                blocker_id: blocker.id.clone(),
                blocker_workflow: blocker.workflow_id.clone(),
                blocked_id: ticket.id.clone().unwrap_or_else(|| "(new ticket)".into()),
                blocked_workflow: ticket.workflow_id.clone(),
            }
            .into());
        }
    }
    let id = new_ticket_id(conn, ticket.id.as_deref())?;
    let open_blockers = blockers.iter().filter(|b| !b.is_resolved).count() as i64;
    conn.prepare_cached(
        "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, created_by, \
         assigned_agent_id, created_at, updated_at, open_blockers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
    )?
    .execute(params![
        id,
        ticket.workflow_id,
        ticket.title,
        ticket.description,
        ticket.ticket_type,
        board.initial_status,
        ticket.priority.unwrap_or_default().rank(),
        to_json(&ticket.tags)?,
        actor,
        ticket.assigned_agent_id,
        now,
        open_blockers,
    ])?;
    deltas.push(GraphDelta::Node {
        id: id.clone(),
        resolved: false,
    });
    let mut insert_edge = conn.prepare_cached(
        "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for blocker in blockers {
        insert_edge.execute(params![blocker.id, id, ticket.workflow_id, actor, now])?;
        deltas.push(GraphDelta::Edge {
            blocker: blocker.id.clone(),
            blocked: id.clone(),
        });
    }
    let blocker_ids: Vec<&str> = blockers.iter().map(|b| b.id.as_str()).collect();
    record_history(
        conn,
        &id,
        &ticket.workflow_id,
        actor,
        "created",
        None,
        Some(&board.initial_status),
        None,
        json!({ "blocked_by_ticket_ids": blocker_ids }),
        now,
    )?;
    Ok(id)
}

/// Creates a ticket; `findings` are Guardian findings the caller made about
/// it (see `GuardianStore::create_ticket_judged`), judged before the insert.
pub(crate) fn create_ticket(
    tx: &Transaction<'_>,
    ctx: &mut WriteCtx<'_>,
    actor: &str,
    new: NewTicket,
    findings: Vec<Finding>,
) -> Result<TicketCreated> {
    let workflow = load_workflow(tx, &new.workflow_id)?;
    let mut ticket = new.validate(&workflow.board_config)?;
    let blockers = resolve_blockers(tx, &ticket.blocked_by_ticket_ids)?;
    let violations = if findings.is_empty() {
        Vec::new()
    } else {
        // The violations name the ticket, so its id is chosen first.
        let id = new_ticket_id(tx, ticket.id.as_deref())?;
        let subject = guardian::Subject {
            workflow: &workflow,
            agent: actor,
            object_kind: "ticket",
            object_id: &id,
        };
        let violations = guardian::judge(tx, ctx, &subject, findings)?;
        ticket.id = Some(id);
        violations
    };
    let now = now_text();
    let mut deltas = Vec::new();
    let id = insert_ticket(tx, actor, &workflow.board_config, &ticket, &blockers, &now, &mut deltas)?;
    ctx.changed(tx, &workflow.id, deltas)?;
    let created = load_ticket(tx, &id)?;
    record_event(
        tx,
        &workflow.id,
        "ticket_created",
        Some(&id),
        actor,
        json!({ "title": created.title, "status": created.status, "ticket_type": created.ticket_type,
                "priority": created.priority, "is_blocked": created.is_blocked, "version": created.version }),
        &now,
    )?;
    Ok(TicketCreated {
        ticket: created,
        violations,
    })
}

pub(crate) fn import_tickets(
    tx: &Transaction<'_>,
    ctx: &mut WriteCtx<'_>,
    actor: &str,
    workflow_id: &str,
    tickets: Vec<NewTicket>,
) -> Result<Vec<String>> {
    let workflow = load_workflow(tx, workflow_id)?;
    let now = now_text();
    let mut deltas = Vec::with_capacity(tickets.len() * 3);
    let mut created = Vec::with_capacity(tickets.len());
    // The search index and queue are filled once for the batch (migration
    // 0004): new rows get a seq above every one used so far.
    let seq_before: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM tickets", [], |r| r.get(0))?;
    tx.execute("INSERT INTO search_bulk_import (id) VALUES (1)", [])?;
    for (index, mut ticket) in tickets.into_iter().enumerate() {
        ticket.workflow_id = workflow.id.clone();
        let ticket = ticket.validate(&workflow.board_config).map_err(|e| match e {
            DomainError::Validation { field, message } => DomainError::Validation {
                field: format!("tickets[{index}].{field}"),
                message,
            },
            other => other,
        })?;
        let blockers = resolve_blockers(tx, &ticket.blocked_by_ticket_ids)?;
        created.push(insert_ticket(
            tx,
            actor,
            &workflow.board_config,
            &ticket,
            &blockers,
            &now,
            &mut deltas,
        )?);
    }
    tx.execute("DELETE FROM search_bulk_import", [])?;
    if !created.is_empty() {
        index_for_search(tx, seq_before)?;
        ctx.changed(tx, &workflow.id, deltas)?;
        record_event(
            tx,
            &workflow.id,
            "tickets_imported",
            None,
            actor,
            json!({ "count": created.len(), "first": created.first(), "last": created.last() }),
            &now,
        )?;
    }
    Ok(created)
}

/// Adds the tickets inserted after `seq_before` to the keyword index and the
/// embedding queue, as the insert triggers would have one by one.
fn index_for_search(tx: &Transaction<'_>, seq_before: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO ticket_fts (rowid, title, description, tags, comments) \
         SELECT t.seq, t.title, t.description, \
                COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(t.tags) j), ''), '' \
         FROM tickets t WHERE t.seq > ?1",
        [seq_before],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO embedding_queue (ticket_id) SELECT id FROM tickets WHERE seq > ?1 ORDER BY seq",
        [seq_before],
    )?;
    Ok(())
}

// ---------------------------------------------------------------- changing tickets

pub(crate) fn update_ticket(
    tx: &Transaction<'_>,
    actor: &str,
    input: &str,
    patch: TicketPatch,
    expected_version: Option<u64>,
) -> Result<Ticket> {
    let id = resolve_ticket_id(tx, input)?;
    let ticket = load_ticket(tx, &id)?;
    check_version(&ticket, expected_version)?;
    let workflow = load_workflow(tx, &ticket.workflow_id)?;
    let patch = patch.validate(&workflow.board_config)?;
    let now = Utc::now();
    let now_s = time_text(now);
    let assignee = match &patch.assigned_agent_id {
        Some(a) => a.clone(),
        None => ticket.assigned_agent_id.clone(),
    };
    // Reassigning ends any claim lease; the holder's own writes renew it.
    let lease = if assignee != ticket.assigned_agent_id {
        None
    } else {
        renewed_lease(tx, &ticket, actor, now)?
    };
    let tags = patch.tags.clone().unwrap_or_else(|| ticket.tags.clone());
    tx.execute(
        "UPDATE tickets SET title = ?2, description = ?3, priority = ?4, tags = ?5, ticket_type = ?6, \
         assigned_agent_id = ?7, lease_expires_at = ?8, lease_seconds = CASE WHEN ?8 IS NULL THEN NULL ELSE lease_seconds END, \
         version = version + 1, updated_at = ?9 WHERE id = ?1",
        params![
            id,
            patch.title.as_deref().unwrap_or(&ticket.title),
            patch.description.as_deref().unwrap_or(&ticket.description),
            patch.priority.unwrap_or(ticket.priority).rank(),
            to_json(&tags)?,
            patch.ticket_type.as_deref().unwrap_or(&ticket.ticket_type),
            assignee,
            lease,
            now_s,
        ],
    )?;
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
    record_history(
        tx,
        &id,
        &ticket.workflow_id,
        actor,
        "updated",
        None,
        None,
        None,
        json!({ "fields": fields, "changes": changes }),
        &now_s,
    )?;
    let updated = load_ticket(tx, &id)?;
    record_event(
        tx,
        &ticket.workflow_id,
        "ticket_updated",
        Some(&id),
        actor,
        json!({ "fields": fields, "version": updated.version }),
        &now_s,
    )?;
    Ok(updated)
}

pub(crate) enum Target<'a> {
    Status(&'a str),
    Resolve,
}

/// Tickets in `status` other than `except`; only counted when the column
/// has a WIP limit (the only rule that needs it), else 0.
fn count_in_status(
    conn: &Connection,
    board: &BoardConfig,
    workflow_id: &str,
    status: &str,
    except: &str,
) -> Result<u64> {
    if board.column(status).and_then(|c| c.wip_limit).is_none() {
        return Ok(0);
    }
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM tickets WHERE workflow_id = ?1 AND status = ?2 AND id != ?3")?
        .query_row(params![workflow_id, status, except], |r| r.get(0))?;
    Ok(n as u64)
}

/// Claim details applied together with a move.
struct Assignment<'a> {
    agent: &'a str,
    lease: Duration,
}

/// Applies a permitted move: the row, the comment, history, events, and
/// the dependents' blocked state when the ticket resolves or reopens.
#[allow(clippy::too_many_arguments)]
fn apply_move(
    tx: &Transaction<'_>,
    ctx: &mut WriteCtx<'_>,
    actor: &str,
    ticket: &Ticket,
    board: &BoardConfig,
    to: &str,
    kind: MoveKind,
    comment: Option<&str>,
    assignment: Option<Assignment<'_>>,
) -> Result<StatusChange> {
    let now = Utc::now();
    let now_s = time_text(now);
    let started_at = ticket
        .started_at
        .map(time_text)
        .or_else(|| (ticket.status == board.initial_status && to != board.initial_status).then(|| now_s.clone()));
    let (is_resolved, completed_at, resolved_at) = match kind {
        MoveKind::Resolve => (true, Some(now_s.clone()), Some(now_s.clone())),
        MoveKind::Reopen => (false, None, None),
        MoveKind::Plain | MoveKind::Unchanged => (
            ticket.is_resolved,
            ticket.completed_at.map(time_text),
            ticket.resolved_at.map(time_text),
        ),
    };
    let (assignee, lease, lease_secs) = match &assignment {
        Some(a) => (
            Some(a.agent.to_string()),
            Some(time_text(now + chrono::Duration::seconds(a.lease.as_secs() as i64))),
            Some(a.lease.as_secs() as i64),
        ),
        None if is_resolved => (ticket.assigned_agent_id.clone(), None, None),
        None => (
            ticket.assigned_agent_id.clone(),
            renewed_lease(tx, ticket, actor, now)?,
            lease_seconds(tx, &ticket.id)?,
        ),
    };
    tx.prepare_cached(
        "UPDATE tickets SET status = ?2, is_resolved = ?3, started_at = ?4, completed_at = ?5, resolved_at = ?6, \
         assigned_agent_id = ?7, lease_expires_at = ?8, lease_seconds = ?9, version = version + 1, updated_at = ?10 \
         WHERE id = ?1",
    )?
    .execute(params![
        ticket.id,
        to,
        is_resolved,
        started_at,
        completed_at,
        resolved_at,
        assignee,
        lease,
        if lease.is_some() { lease_secs } else { None },
        now_s
    ])?;
    if let Some(text) = comment {
        insert_comment(tx, &ticket.id, actor, text, &now_s)?;
    }
    let (action, event_kind) = match (&assignment, kind) {
        (Some(_), _) => ("claimed", "ticket_claimed"),
        (None, MoveKind::Resolve) => ("resolved", "ticket_resolved"),
        (None, MoveKind::Reopen) => ("reopened", "ticket_reopened"),
        (None, _) => ("status_changed", "ticket_moved"),
    };
    let details = match &assignment {
        Some(a) => json!({ "agent_id": a.agent, "lease_expires_at": lease }),
        None => json!({}),
    };
    record_history(
        tx,
        &ticket.id,
        &ticket.workflow_id,
        actor,
        action,
        Some(&ticket.status),
        Some(to),
        comment,
        details,
        &now_s,
    )?;

    let mut unblocked_ticket_ids = Vec::new();
    let mut reblocked_ticket_ids = Vec::new();
    let mut queued_task_ids = Vec::new();
    let mut blocked_task_ids = Vec::new();
    let delta = match kind {
        MoveKind::Resolve => Some(-1),
        MoveKind::Reopen => Some(1),
        _ => None,
    };
    if let Some(delta) = delta {
        let mut stmt = tx.prepare_cached(
            "UPDATE tickets SET open_blockers = open_blockers + ?2 \
             WHERE id IN (SELECT blocked_id FROM ticket_edges WHERE blocker_id = ?1) \
             RETURNING id, open_blockers, is_resolved",
        )?;
        let changed = stmt
            .query_map(params![ticket.id, delta], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, bool>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (dependent, open, resolved) in changed {
            if resolved {
                continue;
            }
            if delta < 0 && open == 0 {
                unblocked_ticket_ids.push(dependent);
            } else if delta > 0 && open == 1 {
                reblocked_ticket_ids.push(dependent);
            }
        }
        unblocked_ticket_ids.sort();
        reblocked_ticket_ids.sort();
        for (ids, action, event) in [
            (&unblocked_ticket_ids, "unblocked", "ticket_unblocked"),
            (&reblocked_ticket_ids, "blocked", "ticket_blocked"),
        ] {
            for dependent in ids {
                record_history(
                    tx,
                    dependent,
                    &ticket.workflow_id,
                    actor,
                    action,
                    None,
                    None,
                    None,
                    json!({ "by_ticket_id": ticket.id }),
                    &now_s,
                )?;
                record_event(
                    tx,
                    &ticket.workflow_id,
                    event,
                    Some(dependent),
                    actor,
                    json!({ "by_ticket_id": ticket.id }),
                    &now_s,
                )?;
            }
        }
        // Tasks follow their ticket's blockers in this same transaction.
        (queued_task_ids, blocked_task_ids) = super::tasks::follow_ticket_blocking(
            tx,
            &ticket.workflow_id,
            &unblocked_ticket_ids,
            &reblocked_ticket_ids,
            actor,
            &now_s,
        )?;
        ctx.changed(
            tx,
            &ticket.workflow_id,
            vec![GraphDelta::Resolved {
                id: ticket.id.clone(),
                resolved: is_resolved,
            }],
        )?;
    }
    let updated = load_ticket(tx, &ticket.id)?;
    record_event(
        tx,
        &ticket.workflow_id,
        event_kind,
        Some(&ticket.id),
        actor,
        json!({ "from_status": ticket.status, "to_status": to, "comment": comment,
                "assigned_agent_id": updated.assigned_agent_id, "version": updated.version,
                "unblocked_ticket_ids": unblocked_ticket_ids, "reblocked_ticket_ids": reblocked_ticket_ids,
                "queued_task_ids": queued_task_ids, "blocked_task_ids": blocked_task_ids }),
        &now_s,
    )?;
    Ok(StatusChange {
        ticket: updated,
        unblocked_ticket_ids,
        reblocked_ticket_ids,
        queued_task_ids,
        blocked_task_ids,
        violations: Vec::new(),
    })
}

pub(crate) fn change_status(
    tx: &Transaction<'_>,
    ctx: &mut WriteCtx<'_>,
    actor: &str,
    input: &str,
    target: Target<'_>,
    comment: Option<String>,
    expected_version: Option<u64>,
) -> Result<StatusChange> {
    let id = resolve_ticket_id(tx, input)?;
    let ticket = load_ticket(tx, &id)?;
    check_version(&ticket, expected_version)?;
    let workflow = load_workflow(tx, &ticket.workflow_id)?;
    let board = &workflow.board_config;
    let comment = match comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(domain::check_comment("comment", text)?),
    };
    let to = match target {
        Target::Status(status) => status.trim().to_string(),
        Target::Resolve => {
            if ticket.is_resolved {
                return Err(DomainError::AlreadyResolved { ticket_id: id }.into());
            }
            board.first_done_status().to_string()
        }
    };
    let blockers = unresolved_blockers(tx, &id)?;
    let in_target = count_in_status(tx, board, &ticket.workflow_id, &to, &id)?;
    let kind = rules::check_move(
        board,
        &MoveRequest {
            ticket_id: &id,
            from: &ticket.status,
            to: &to,
            unresolved_blockers: &blockers,
            tickets_in_target: in_target,
        },
    )?;
    let violations = if kind == MoveKind::Unchanged {
        Vec::new()
    } else {
        let is_resolve = matches!(target, Target::Resolve);
        let findings = move_findings(tx, &workflow, &ticket, actor, &to, is_resolve)?;
        let subject = guardian::Subject {
            workflow: &workflow,
            agent: actor,
            object_kind: "ticket",
            object_id: &id,
        };
        guardian::judge(tx, ctx, &subject, findings)?
    };
    let mut change = apply_move(tx, ctx, actor, &ticket, board, &to, kind, comment.as_deref(), None)?;
    change.violations = violations;
    Ok(change)
}

/// What the Guardian's move rules find about `actor` moving `ticket` to `to`.
fn move_findings(
    conn: &Connection,
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
        actor_has_active_task: super::tasks::has_active_task(conn, &ticket.id, actor)?,
    };
    let agent_phase = super::tasks::active_phase(conn, &workflow.id, actor)?;
    Ok([
        guardian_rules::check_mover(&mover),
        guardian_rules::check_column_skip(&workflow.board_config, &ticket.status, to, is_resolve),
        guardian_rules::check_phase_column(&workflow.phases, agent_phase, to),
    ]
    .into_iter()
    .flatten()
    .collect())
}

pub(crate) fn add_comment(tx: &Transaction<'_>, actor: &str, input: &str, text: &str) -> Result<Comment> {
    let text = domain::check_comment("comment_text", text)?;
    let id = resolve_ticket_id(tx, input)?;
    let ticket = load_ticket(tx, &id)?;
    // Stored timestamps keep microseconds; return the same instant we store.
    let now = Utc::now().trunc_subsecs(6);
    let now_s = time_text(now);
    let comment_id = insert_comment(tx, &id, actor, &text, &now_s)?;
    let lease = renewed_lease(tx, &ticket, actor, now)?;
    tx.execute(
        "UPDATE tickets SET version = version + 1, updated_at = ?2, lease_expires_at = ?3 WHERE id = ?1",
        params![id, now_s, lease],
    )?;
    record_history(
        tx,
        &id,
        &ticket.workflow_id,
        actor,
        "commented",
        None,
        None,
        None,
        json!({ "comment_id": comment_id }),
        &now_s,
    )?;
    record_event(
        tx,
        &ticket.workflow_id,
        "ticket_commented",
        Some(&id),
        actor,
        json!({ "comment_id": comment_id, "version": ticket.version + 1 }),
        &now_s,
    )?;
    Ok(Comment {
        id: comment_id,
        ticket_id: id,
        author: actor.to_string(),
        comment_text: text,
        created_at: now,
    })
}

// ---------------------------------------------------------------- blocking edges

fn edge_endpoints(conn: &Connection, blocked_input: &str, blocker_input: &str) -> Result<(Ticket, Ticket)> {
    let blocked = load_ticket(conn, &resolve_ticket_id(conn, blocked_input)?)?;
    let blocker = load_ticket(conn, &resolve_ticket_id(conn, blocker_input)?)?;
    if blocked.id == blocker.id {
        return Err(DomainError::SelfBlock { ticket_id: blocked.id }.into());
    }
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

pub(crate) fn add_blocker(
    tx: &Transaction<'_>,
    ctx: &mut WriteCtx<'_>,
    actor: &str,
    blocked_input: &str,
    blocker_input: &str,
) -> Result<Vec<TicketRef>> {
    let (blocked, blocker) = edge_endpoints(tx, blocked_input, blocker_input)?;
    let cycle = ctx.graph(tx, &blocked.workflow_id, |g| g.cycle_if_added(&blocker.id, &blocked.id))??;
    if let Some(path) = cycle {
        return Err(DomainError::DependencyCycle { path }.into());
    }
    if blocked.blocked_by_ticket_ids.contains(&blocker.id) {
        return blocked_by_refs(tx, &blocked.id);
    }
    let now = now_text();
    tx.execute(
        "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![blocker.id, blocked.id, blocked.workflow_id, actor, now],
    )?;
    tx.execute(
        "UPDATE tickets SET open_blockers = open_blockers + ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
        params![blocked.id, i64::from(!blocker.is_resolved), now],
    )?;
    record_history(
        tx,
        &blocked.id,
        &blocked.workflow_id,
        actor,
        "blocker_added",
        None,
        None,
        None,
        json!({ "blocker_id": blocker.id }),
        &now,
    )?;
    record_event(
        tx,
        &blocked.workflow_id,
        "blocker_added",
        Some(&blocked.id),
        actor,
        json!({ "blocker_id": blocker.id, "version": blocked.version + 1 }),
        &now,
    )?;
    if !blocker.is_resolved && !blocked.is_blocked && !blocked.is_resolved {
        super::tasks::follow_ticket_blocking(
            tx,
            &blocked.workflow_id,
            &[],
            std::slice::from_ref(&blocked.id),
            actor,
            &now,
        )?;
    }
    ctx.changed(
        tx,
        &blocked.workflow_id,
        vec![GraphDelta::Edge {
            blocker: blocker.id.clone(),
            blocked: blocked.id.clone(),
        }],
    )?;
    blocked_by_refs(tx, &blocked.id)
}

pub(crate) fn remove_blocker(
    tx: &Transaction<'_>,
    ctx: &mut WriteCtx<'_>,
    actor: &str,
    blocked_input: &str,
    blocker_input: &str,
) -> Result<Vec<TicketRef>> {
    let (blocked, blocker) = edge_endpoints(tx, blocked_input, blocker_input)?;
    let removed = tx.execute(
        "DELETE FROM ticket_edges WHERE blocker_id = ?1 AND blocked_id = ?2",
        params![blocker.id, blocked.id],
    )?;
    if removed == 0 {
        return Err(DomainError::EdgeNotFound {
            blocker_id: blocker.id,
            blocked_id: blocked.id,
        }
        .into());
    }
    let now = now_text();
    let open: i64 = tx.query_row(
        "UPDATE tickets SET open_blockers = open_blockers - ?2, version = version + 1, updated_at = ?3 WHERE id = ?1 \
         RETURNING open_blockers",
        params![blocked.id, i64::from(!blocker.is_resolved), now],
        |r| r.get(0),
    )?;
    record_history(
        tx,
        &blocked.id,
        &blocked.workflow_id,
        actor,
        "blocker_removed",
        None,
        None,
        None,
        json!({ "blocker_id": blocker.id }),
        &now,
    )?;
    record_event(
        tx,
        &blocked.workflow_id,
        "blocker_removed",
        Some(&blocked.id),
        actor,
        json!({ "blocker_id": blocker.id, "version": blocked.version + 1 }),
        &now,
    )?;
    if open == 0 && blocked.is_blocked && !blocked.is_resolved {
        let details = json!({ "by_removing_blocker_id": blocker.id });
        record_history(
            tx,
            &blocked.id,
            &blocked.workflow_id,
            actor,
            "unblocked",
            None,
            None,
            None,
            details.clone(),
            &now,
        )?;
        record_event(
            tx,
            &blocked.workflow_id,
            "ticket_unblocked",
            Some(&blocked.id),
            actor,
            details,
            &now,
        )?;
        super::tasks::follow_ticket_blocking(
            tx,
            &blocked.workflow_id,
            std::slice::from_ref(&blocked.id),
            &[],
            actor,
            &now,
        )?;
    }
    ctx.changed(
        tx,
        &blocked.workflow_id,
        vec![GraphDelta::RemoveEdge {
            blocker: blocker.id.clone(),
            blocked: blocked.id.clone(),
        }],
    )?;
    blocked_by_refs(tx, &blocked.id)
}

// ---------------------------------------------------------------- graphs

fn graph_nodes(conn: &Connection, sql_filter: &str, param: &str) -> Result<Vec<GraphNode>> {
    let sql = format!(
        "SELECT id, title, status, ticket_type, priority, assigned_agent_id, is_resolved, open_blockers \
         FROM tickets WHERE {sql_filter} ORDER BY seq"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let nodes = stmt
        .query_map([param], |r| {
            Ok(GraphNode {
                id: r.get(0)?,
                title: r.get(1)?,
                status: r.get(2)?,
                ticket_type: r.get(3)?,
                priority: Priority::from_rank(r.get(4)?).unwrap_or_default(),
                assigned_agent_id: r.get(5)?,
                is_resolved: r.get(6)?,
                is_blocked: r.get::<_, i64>(7)? > 0,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(nodes)
}

fn edges(pairs: Vec<(String, String)>) -> Vec<GraphEdge> {
    pairs
        .into_iter()
        .map(|(from, to)| GraphEdge {
            from,
            to,
            edge_type: "blocks".into(),
        })
        .collect()
}

pub(crate) fn ticket_graph(
    conn: &Connection,
    graphs: &GraphCache,
    input: &str,
    depth: Option<u32>,
) -> Result<TicketGraph> {
    let id = resolve_ticket_id(conn, input)?;
    let workflow_id: String = conn.query_row("SELECT workflow_id FROM tickets WHERE id = ?1", [&id], |r| r.get(0))?;
    let (ids, pairs, critical_path) = graphs.with(conn, &workflow_id, |g| -> Result<_> {
        let ids = g.neighbourhood(&id, depth)?;
        let pairs = g.edges_among(&ids);
        let critical = g.critical_path(Some(&ids));
        Ok((ids, pairs, critical))
    })??;
    let nodes = graph_nodes(conn, "id IN (SELECT value FROM json_each(?1))", &to_json(&ids)?)?;
    Ok(TicketGraph {
        nodes,
        edges: edges(pairs),
        critical_path,
    })
}

pub(crate) fn workflow_graph(
    conn: &Connection,
    graphs: &GraphCache,
    workflow_id: &str,
    include_resolved: bool,
) -> Result<TicketGraph> {
    load_workflow(conn, workflow_id)?;
    let filter = if include_resolved {
        "workflow_id = ?1"
    } else {
        "workflow_id = ?1 AND is_resolved = 0"
    };
    let nodes = graph_nodes(conn, filter, workflow_id)?;
    let ids: Vec<String> = nodes.iter().map(|n| n.id.clone()).collect();
    let (pairs, critical_path) = graphs.with(conn, workflow_id, |g| (g.edges_among(&ids), g.critical_path(None)))?;
    Ok(TicketGraph {
        nodes,
        edges: edges(pairs),
        critical_path,
    })
}

// ---------------------------------------------------------------- ready and claim

struct Candidate {
    id: String,
    priority: Priority,
    created_at: DateTime<Utc>,
}

fn ready_candidates(
    conn: &Connection,
    workflow_id: &str,
    initial: &str,
    agent: Option<&str>,
) -> Result<Vec<Candidate>> {
    // Served by the partial index tickets_ready.
    let mut stmt = conn.prepare_cached(
        "SELECT id, priority, created_at FROM tickets \
         WHERE workflow_id = ?1 AND status = ?2 AND is_resolved = 0 AND open_blockers = 0 \
         AND (assigned_agent_id IS NULL OR assigned_agent_id = ?3)",
    )?;
    let candidates = stmt
        .query_map(params![workflow_id, initial, agent], |r| {
            let created: String = r.get(2)?;
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, created))
        })?
        .map(|row| {
            let (id, priority, created) = row?;
            let created_at = DateTime::parse_from_rfc3339(&created)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| Error::Storage(format!("bad timestamp {created}: {e}")))?;
            Ok(Candidate {
                id,
                priority: Priority::from_rank(priority).unwrap_or_default(),
                created_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(candidates)
}

/// Orders candidates by the ready rules and keeps the best `limit`.
fn rank_candidates(
    graphs: &GraphCache,
    conn: &Connection,
    workflow_id: &str,
    candidates: Vec<Candidate>,
    limit: usize,
) -> Result<Vec<(Candidate, u64)>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    let counts = graphs.with(conn, workflow_id, |g| g.unblocks_counts(&ids))?;
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

pub(crate) fn ready(
    conn: &Connection,
    graphs: &GraphCache,
    workflow_id: &str,
    agent: Option<&str>,
    limit: u32,
) -> Result<Vec<ReadyTicket>> {
    let limit = domain::page_size(Some(limit))?;
    let workflow = load_workflow(conn, workflow_id)?;
    let candidates = ready_candidates(conn, workflow_id, &workflow.board_config.initial_status, agent)?;
    let ranked = rank_candidates(graphs, conn, workflow_id, candidates, limit as usize)?;
    ranked
        .into_iter()
        .map(|(c, unblocks_count)| {
            Ok(ReadyTicket {
                ticket: load_ticket(conn, &c.id)?,
                unblocks_count,
            })
        })
        .collect()
}

pub(crate) fn claim(tx: &Transaction<'_>, ctx: &mut WriteCtx<'_>, request: &ClaimRequest) -> Result<Ticket> {
    let agent = domain::check_agent_id("agent_id", &request.agent_id)?;
    expire_leases(tx)?;
    let workflow = load_workflow(tx, &request.workflow_id)?;
    let board = &workflow.board_config;
    let ticket = match &request.ticket_id {
        Some(input) => {
            let ticket = load_ticket(tx, &resolve_ticket_id(tx, input)?)?;
            if ticket.workflow_id != workflow.id {
                return Err(DomainError::NotClaimable {
                    ticket_id: ticket.id,
                    reason: format!("it belongs to workflow {}, not {}", ticket.workflow_id, workflow.id),
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
                let reason = if ticket.is_resolved {
                    "it is resolved".to_string()
                } else if ticket.is_blocked {
                    format!(
                        "it is blocked by {}",
                        unresolved_blockers(tx, &ticket.id)?
                            .iter()
                            .map(|b| b.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
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
                };
                return Err(DomainError::NotClaimable {
                    ticket_id: ticket.id,
                    reason,
                }
                .into());
            }
            ticket
        }
        None => {
            let candidates = ready_candidates(tx, &workflow.id, &board.initial_status, Some(&agent))?;
            let best = rank_candidates(ctx.graphs(), tx, &workflow.id, candidates, 1)?;
            let Some((best, _)) = best.into_iter().next() else {
                return Err(DomainError::NothingReady {
                    workflow_id: workflow.id,
                }
                .into());
            };
            load_ticket(tx, &best.id)?
        }
    };
    let to = board.claim_status().to_string();
    let in_target = count_in_status(tx, board, &workflow.id, &to, &ticket.id)?;
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
    let lease = request.lease.unwrap_or(DEFAULT_LEASE);
    let change = apply_move(
        tx,
        ctx,
        &agent,
        &ticket,
        board,
        &to,
        kind,
        None,
        Some(Assignment { agent: &agent, lease }),
    )?;
    Ok(change.ticket)
}

pub(crate) fn has_expired_leases(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM tickets WHERE lease_expires_at IS NOT NULL AND lease_expires_at < ?1)",
        )?
        .query_row([now_text()], |r| r.get(0))?)
}

pub(crate) fn expire_leases(tx: &Transaction<'_>) -> Result<Vec<String>> {
    let now = now_text();
    let expired = tx
        .prepare_cached(
            "SELECT id FROM tickets WHERE lease_expires_at IS NOT NULL AND lease_expires_at < ?1 ORDER BY seq",
        )?
        .query_map([&now], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for id in &expired {
        let ticket = load_ticket(tx, id)?;
        let workflow = load_workflow(tx, &ticket.workflow_id)?;
        let initial = &workflow.board_config.initial_status;
        tx.execute(
            "UPDATE tickets SET status = ?2, assigned_agent_id = NULL, lease_expires_at = NULL, lease_seconds = NULL, \
             version = version + 1, updated_at = ?3 WHERE id = ?1",
            params![id, initial, now],
        )?;
        let details =
            json!({ "previous_agent_id": ticket.assigned_agent_id, "lease_expired_at": ticket.lease_expires_at });
        record_history(
            tx,
            id,
            &ticket.workflow_id,
            SYSTEM_AGENT,
            "lease_expired",
            Some(&ticket.status),
            Some(initial),
            Some("Lease ran out with no write from the holder; the ticket is ready again."),
            details.clone(),
            &now,
        )?;
        record_event(
            tx,
            &ticket.workflow_id,
            "ticket_lease_expired",
            Some(id),
            SYSTEM_AGENT,
            details,
            &now,
        )?;
        if let (Some(holder), Some(lease)) = (&ticket.assigned_agent_id, ticket.lease_expires_at) {
            let pending = guardian::PendingViolation {
                workflow_id: ticket.workflow_id.clone(),
                mode: workflow.guardian.mode(guardian_rules::Rule::LeaseIdle),
                agent: holder.clone(),
                object_kind: "ticket",
                object_id: id.clone(),
                finding: guardian_rules::lease_idle(id, holder, &time_text(lease)),
            };
            guardian::record(tx, &pending)?;
        }
    }
    Ok(expired)
}

// ---------------------------------------------------------------- events

pub(crate) fn events_after(conn: &Connection, workflow_id: Option<&str>, after: i64, limit: u32) -> Result<Vec<Event>> {
    let limit = limit.clamp(1, 10_000);
    let sql = "SELECT id, workflow_id, kind, ticket_id, agent_id, payload, created_at FROM events \
               WHERE id > ?1 AND (?2 IS NULL OR workflow_id = ?2) ORDER BY id LIMIT ?3";
    let events = conn
        .prepare_cached(sql)?
        .query_map(params![after, workflow_id, limit], rows::event)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(events)
}
