//! Tasks: storage, status changes, and the hook that keeps a task's
//! blocked/queued state in step with its ticket's blockers (called from the
//! same transaction that changes `tickets.open_blockers`).

use chrono::Utc;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, Transaction};
use serde_json::json;
use tix_core::guardian as rules;
use tix_core::ids;
use tix_core::task::{check_task_move, NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_core::ticket as domain;
use tix_core::DomainError;

use super::graph_cache::WriteCtx;
use super::guardian;
use super::ops::{parse_cursor, random_bytes, record_event, record_history, resolve_ticket_id};
use super::rows::{load_ticket, load_workflow, now_text, parse_time, time_text};
use crate::{Error, Result};

const TASK_SELECT: &str = "SELECT id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, \
     created_by, created_at, updated_at, started_at, completed_at, note, seq FROM tasks";

fn status_of(text: &str) -> rusqlite::Result<TaskStatus> {
    text.parse::<TaskStatus>()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))
}

fn opt_time(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<chrono::DateTime<Utc>>> {
    row.get::<_, Option<String>>(idx)?
        .as_deref()
        .map(parse_time)
        .transpose()
}

fn task(row: &Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        task_id: row.get(0)?,
        workflow_id: row.get(1)?,
        phase_id: row.get(2)?,
        ticket_id: row.get(3)?,
        description: row.get(4)?,
        status: status_of(&row.get::<_, String>(5)?)?,
        assigned_agent_id: row.get(6)?,
        created_by: row.get(7)?,
        created_at: parse_time(&row.get::<_, String>(8)?)?,
        updated_at: parse_time(&row.get::<_, String>(9)?)?,
        started_at: opt_time(row, 10)?,
        completed_at: opt_time(row, 11)?,
        note: row.get(12)?,
    })
}

pub(crate) fn load_task(conn: &Connection, id: &str) -> Result<Task> {
    conn.prepare_cached(&format!("{TASK_SELECT} WHERE id = ?1"))?
        .query_row([id], task)
        .optional()?
        .ok_or_else(|| DomainError::not_found("task", id).into())
}

/// Full id of the task an id or unambiguous prefix (`task-7hx`, `7hx`) names.
pub(crate) fn resolve_task_id(conn: &Connection, input: &str) -> Result<String> {
    let trimmed = input.trim().to_ascii_lowercase();
    let valid =
        !trimmed.is_empty() && trimmed.len() <= 64 && trimmed.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        return Err(
            DomainError::validation("task_id", format!("'{input}' is not a task id (e.g. task-7hx3k2qa)")).into(),
        );
    }
    let prefix = if trimmed.starts_with(ids::TASK_PREFIX) {
        trimmed
    } else {
        format!("{}{trimmed}", ids::TASK_PREFIX)
    };
    let mut stmt = conn.prepare_cached("SELECT id FROM tasks WHERE id >= ?1 AND id < ?1 || '~' ORDER BY id LIMIT 6")?;
    let matches = stmt
        .query_map([&prefix], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if matches.contains(&prefix) {
        return Ok(prefix);
    }
    match matches.len() {
        0 => Err(DomainError::not_found("task", input.trim()).into()),
        1 => Ok(matches.into_iter().next().unwrap_or_default()),
        _ => Err(DomainError::AmbiguousId {
            prefix: input.trim().to_string(),
            matches,
        }
        .into()),
    }
}

/// A ticket's tasks, active work first (in progress, queued, blocked, then
/// finished), oldest first within each.
pub(crate) fn tasks_of_ticket(conn: &Connection, ticket_id: &str) -> Result<Vec<Task>> {
    let sql = format!(
        "{TASK_SELECT} WHERE ticket_id = ?1 ORDER BY CASE status WHEN 'in_progress' THEN 0 WHEN 'queued' THEN 1 \
         WHEN 'blocked' THEN 2 ELSE 3 END, seq"
    );
    let tasks = conn
        .prepare_cached(&sql)?
        .query_map([ticket_id], task)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(tasks)
}

fn new_task_id(conn: &Connection) -> Result<String> {
    let mut exists = conn.prepare_cached("SELECT EXISTS(SELECT 1 FROM tasks WHERE id = ?1)")?;
    for _ in 0..16 {
        let id = ids::task_id(&random_bytes()?);
        if !exists.query_row([&id], |r| r.get::<_, bool>(0))? {
            return Ok(id);
        }
    }
    Err(Error::Storage("could not find a free task id after 16 tries".into()))
}

/// The facts a new task is checked against: its ticket (resolved from a
/// prefix) and workflow, with the workflow and phase checks done.
pub(crate) struct TaskTarget {
    pub ticket: domain::Ticket,
    pub workflow: tix_core::workflow::Workflow,
}

pub(crate) fn task_target(conn: &Connection, new: &NewTask) -> Result<TaskTarget> {
    new.validate()?;
    let ticket = load_ticket(conn, &resolve_ticket_id(conn, &new.ticket_id)?)?;
    if let Some(workflow_id) = new.workflow_id.as_deref().map(str::trim) {
        load_workflow(conn, workflow_id)?;
        if workflow_id != ticket.workflow_id {
            return Err(DomainError::validation(
                "ticket_id",
                format!(
                    "{} is in workflow {}, not {workflow_id}; a task's ticket must be in the task's workflow",
                    ticket.id, ticket.workflow_id
                ),
            )
            .into());
        }
    }
    let workflow = load_workflow(conn, &ticket.workflow_id)?;
    if !workflow.phases.is_empty() && workflow.phase(new.phase_id).is_none() {
        return Err(DomainError::UnknownPhase {
            workflow_id: workflow.id.clone(),
            phase_id: new.phase_id,
            phases: workflow.phase_labels(),
        }
        .into());
    }
    Ok(TaskTarget { ticket, workflow })
}

/// Creates a task: checks its ticket, workflow and phase, runs the Guardian
/// on its description, and inserts it `blocked` when its ticket is, else
/// `queued`.
pub(crate) fn create_task(
    tx: &Transaction<'_>,
    ctx: &mut WriteCtx<'_>,
    actor: &str,
    new: NewTask,
) -> Result<TaskCreated> {
    let target = task_target(tx, &new)?;
    let id = new_task_id(tx)?;
    let phase_name = target.workflow.phase(new.phase_id).map(|p| p.name.as_str());
    let findings = rules::check_task_reference(&new.description, new.phase_id, phase_name, &target.ticket.id)
        .map(|mut finding| {
            finding.details["ticket_id"] = json!(target.ticket.id);
            finding
        })
        .into_iter()
        .collect();
    let subject = guardian::Subject {
        workflow: &target.workflow,
        agent: actor,
        object_kind: "task",
        object_id: &id,
    };
    let violations = guardian::judge(tx, ctx, &subject, findings)?;
    let task = insert_task(tx, actor, &id, &new, &target)?;
    Ok(TaskCreated {
        task_id: task.task_id.clone(),
        task,
        violations,
    })
}

fn insert_task(tx: &Transaction<'_>, actor: &str, id: &str, new: &NewTask, target: &TaskTarget) -> Result<Task> {
    let status = if target.ticket.is_blocked {
        TaskStatus::Blocked
    } else {
        TaskStatus::Queued
    };
    let now = now_text();
    let description = new.description.trim();
    tx.prepare_cached(
        "INSERT INTO tasks (id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, created_by, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        id,
        target.workflow.id,
        new.phase_id,
        target.ticket.id,
        description,
        status.as_str(),
        new.assigned_agent_id.as_deref().map(str::trim),
        actor,
        now
    ])?;
    let details = json!({ "task_id": id, "phase_id": new.phase_id, "status": status });
    record_history(
        tx,
        &target.ticket.id,
        &target.workflow.id,
        actor,
        "task_created",
        None,
        None,
        Some(description),
        details.clone(),
        &now,
    )?;
    record_event(
        tx,
        &target.workflow.id,
        "task_created",
        Some(&target.ticket.id),
        actor,
        details,
        &now,
    )?;
    load_task(tx, id)
}

pub(crate) fn list_tasks(
    conn: &Connection,
    filter: &TaskFilter,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<TaskPage> {
    let limit = domain::page_size(limit)?;
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut push = |clause: &str, value: rusqlite::types::Value| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(workflow_id) = &filter.workflow_id {
        load_workflow(conn, workflow_id)?;
        push("workflow_id = ?", workflow_id.clone().into());
    }
    if let Some(ticket) = &filter.ticket_id {
        push("ticket_id = ?", resolve_ticket_id(conn, ticket)?.into());
    }
    if let Some(status) = filter.status {
        push("status = ?", status.as_str().to_string().into());
    }
    if let Some(phase) = filter.phase_id {
        push("phase_id = ?", i64::from(phase).into());
    }
    if let Some(agent) = &filter.assigned_agent_id {
        push("assigned_agent_id = ?", agent.clone().into());
    }
    if let Some(cursor) = cursor {
        push("seq > ?", parse_cursor(cursor)?.into());
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let sql = format!("{TASK_SELECT}{where_sql} ORDER BY seq LIMIT {}", limit + 1);
    let mut rows_out: Vec<(Task, i64)> = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values.iter()), |row| {
            Ok((task(row)?, row.get::<_, i64>(13)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor = if rows_out.len() > limit as usize {
        rows_out.truncate(limit as usize);
        rows_out.last().map(|(_, seq)| format!("c{seq}"))
    } else {
        None
    };
    Ok(TaskPage {
        tasks: rows_out.into_iter().map(|(t, _)| t).collect(),
        next_cursor,
    })
}

/// The phase of the agent's most recent task in progress, if any.
pub(crate) fn active_phase(conn: &Connection, workflow_id: &str, agent: &str) -> Result<Option<u32>> {
    Ok(conn
        .prepare_cached(
            "SELECT phase_id FROM tasks WHERE assigned_agent_id = ?1 AND status = 'in_progress' AND workflow_id = ?2 \
             ORDER BY started_at DESC, seq DESC LIMIT 1",
        )?
        .query_row(params![agent, workflow_id], |r| r.get(0))
        .optional()?)
}

/// Whether the agent has a task in progress on the ticket.
pub(crate) fn has_active_task(conn: &Connection, ticket_id: &str, agent: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM tasks WHERE ticket_id = ?1 AND assigned_agent_id = ?2 AND status = 'in_progress')",
        )?
        .query_row(params![ticket_id, agent], |r| r.get(0))?)
}

pub(crate) fn set_task_status(
    tx: &Transaction<'_>,
    actor: &str,
    input: &str,
    to: TaskStatus,
    comment: Option<String>,
) -> Result<Task> {
    let id = resolve_task_id(tx, input)?;
    let current = load_task(tx, &id)?;
    let comment = match comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(domain::check_comment("comment", text)?),
    };
    let ticket_blocked: bool = tx.query_row(
        "SELECT open_blockers > 0 FROM tickets WHERE id = ?1",
        [&current.ticket_id],
        |r| r.get(0),
    )?;
    let to = check_task_move(&current, to, ticket_blocked)?;
    if to == current.status && comment.is_none() {
        return Ok(current);
    }
    let now = Utc::now();
    let now_s = time_text(now);
    let assignee = match to {
        TaskStatus::InProgress => current.assigned_agent_id.clone().or_else(|| Some(actor.to_string())),
        TaskStatus::Queued | TaskStatus::Blocked if current.status == TaskStatus::InProgress => None,
        _ => current.assigned_agent_id.clone(),
    };
    let started_at = match to {
        TaskStatus::InProgress => Some(current.started_at.map(time_text).unwrap_or_else(|| now_s.clone())),
        TaskStatus::Queued | TaskStatus::Blocked => None,
        _ => current.started_at.map(time_text),
    };
    let completed_at = to.is_finished().then(|| now_s.clone());
    tx.prepare_cached(
        "UPDATE tasks SET status = ?2, assigned_agent_id = ?3, started_at = ?4, completed_at = ?5, \
         note = COALESCE(?6, note), updated_at = ?7 WHERE id = ?1",
    )?
    .execute(params![
        id,
        to.as_str(),
        assignee,
        started_at,
        completed_at,
        comment,
        now_s
    ])?;
    let details = json!({ "task_id": id, "phase_id": current.phase_id, "from": current.status, "to": to });
    record_history(
        tx,
        &current.ticket_id,
        &current.workflow_id,
        actor,
        "task_status_changed",
        None,
        None,
        comment.as_deref(),
        details.clone(),
        &now_s,
    )?;
    record_event(
        tx,
        &current.workflow_id,
        "task_updated",
        Some(&current.ticket_id),
        actor,
        details,
        &now_s,
    )?;
    load_task(tx, &id)
}

/// Moves the tasks of tickets that just unblocked from `blocked` to
/// `queued`, and the queued tasks of tickets that just blocked again to
/// `blocked`, with a history row and an event each. Returns the ids moved
/// each way. Runs in the transaction that changed the blockers.
pub(crate) fn follow_ticket_blocking(
    tx: &Transaction<'_>,
    workflow_id: &str,
    unblocked: &[String],
    reblocked: &[String],
    actor: &str,
    now: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut queued = Vec::new();
    let mut blocked = Vec::new();
    for (tickets, from, to, out) in [
        (unblocked, TaskStatus::Blocked, TaskStatus::Queued, &mut queued),
        (reblocked, TaskStatus::Queued, TaskStatus::Blocked, &mut blocked),
    ] {
        let mut stmt = tx.prepare_cached(
            "UPDATE tasks SET status = ?3, updated_at = ?4 WHERE ticket_id = ?1 AND status = ?2 RETURNING id, phase_id",
        )?;
        for ticket_id in tickets {
            let moved = stmt
                .query_map(params![ticket_id, from.as_str(), to.as_str(), now], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (task_id, phase_id) in moved {
                let reason = if to == TaskStatus::Queued {
                    "its ticket was unblocked"
                } else {
                    "its ticket was blocked again"
                };
                let details =
                    json!({ "task_id": task_id, "phase_id": phase_id, "from": from, "to": to, "reason": reason });
                record_history(
                    tx,
                    ticket_id,
                    workflow_id,
                    actor,
                    "task_status_changed",
                    None,
                    None,
                    None,
                    details.clone(),
                    now,
                )?;
                record_event(tx, workflow_id, "task_updated", Some(ticket_id), actor, details, now)?;
                out.push(task_id);
            }
        }
    }
    queued.sort();
    blocked.sort();
    Ok((queued, blocked))
}
