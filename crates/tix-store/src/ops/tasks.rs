//! Tasks: one phase's work on one ticket. A task of a blocked ticket is
//! `blocked` and becomes `queued` in the transaction that unblocks the
//! ticket ([`follow_ticket_blocking`]); work in progress is never taken away.

use serde_json::json;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::guardian as guardian_rules;
use tix_core::ids;
use tix_core::task::{check_task_move, NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_core::validate::page_size;
use tix_core::DomainError;

use tix_core::run::RunOutcome;

use super::guardian::{judge, Subject};
use super::runs::{self, Opening};
use super::{
    now, optional_comment, parse_cursor, random_bytes, require_ticket, require_workflow, resolve_ticket_id, WriteCtx,
};
use crate::statements::{HistoryRow, RunEnd, Statements, TaskRow, TaskUpdateRow};
use crate::{Error, Result};

/// Full id of the task an id or unambiguous prefix (`task-7hx`, `7hx`) names.
pub async fn resolve_task_id<C: Statements>(conn: &mut C, input: &str) -> Result<String> {
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
    let matches = conn.task_ids_with_prefix(&prefix, 6).await?;
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

async fn require_task<C: Statements>(conn: &mut C, id: &str) -> Result<Task> {
    conn.load_task(id)
        .await?
        .ok_or_else(|| DomainError::not_found("task", id).into())
}

pub async fn get_task<C: Statements>(conn: &mut C, input: &str) -> Result<Task> {
    let id = resolve_task_id(conn, input).await?;
    require_task(conn, &id).await
}

async fn new_task_id<C: Statements>(tx: &mut C) -> Result<String> {
    for _ in 0..16 {
        let id = ids::task_id(&random_bytes()?);
        if !tx.task_exists(&id).await? {
            return Ok(id);
        }
    }
    Err(Error::Storage("could not find a free task id after 16 tries".into()))
}

/// Creates a task: checks its ticket, workflow and phase, runs the Guardian
/// on its description (`Phase X: … - TICKET: ticket-xxx`), and inserts it
/// `blocked` when its ticket is, else `queued`.
pub async fn create_task<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    new: &NewTask,
) -> Result<TaskCreated> {
    new.validate()?;
    let ticket_id = resolve_ticket_id(tx, &new.ticket_id).await?;
    let ticket = require_ticket(tx, &ticket_id).await?;
    if let Some(workflow_id) = new.workflow_id.as_deref().map(str::trim) {
        require_workflow(tx, workflow_id).await?;
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
    let workflow = require_workflow(tx, &ticket.workflow_id).await?;
    if !workflow.phases.is_empty() && workflow.phase(new.phase_id).is_none() {
        return Err(DomainError::UnknownPhase {
            workflow_id: workflow.id.clone(),
            phase_id: new.phase_id,
            phases: workflow.phase_labels(),
        }
        .into());
    }
    let id = new_task_id(tx).await?;
    let phase_name = workflow.phase(new.phase_id).map(|p| p.name.as_str());
    let findings = guardian_rules::check_task_reference(&new.description, new.phase_id, phase_name, &ticket.id)
        .map(|mut finding| {
            finding.details["ticket_id"] = json!(ticket.id);
            finding
        })
        .into_iter()
        .collect();
    let subject = Subject {
        workflow: &workflow,
        agent: actor,
        object_kind: "task",
        object_id: &id,
    };
    let violations = judge(tx, ctx, &subject, findings).await?;
    let status = if ticket.is_blocked {
        TaskStatus::Blocked
    } else {
        TaskStatus::Queued
    };
    let at = now();
    let description = new.description.trim();
    tx.insert_task(&TaskRow {
        id: &id,
        workflow_id: &workflow.id,
        phase_id: new.phase_id,
        ticket_id: &ticket.id,
        description,
        status,
        assigned_agent_id: new.assigned_agent_id.as_deref().map(str::trim),
        created_by: actor,
        at,
    })
    .await?;
    let details = json!({ "task_id": id, "phase_id": new.phase_id, "status": status });
    tx.insert_history(&[HistoryRow::new(
        &ticket.id,
        &workflow.id,
        actor,
        HistoryAction::TaskCreated,
        details.clone(),
        at,
    )
    .with_comment(Some(description))])
        .await?;
    ctx.event(
        &workflow.id,
        EventKind::TaskCreated,
        Some(&ticket.id),
        actor,
        details,
        at,
    );
    let task = require_task(tx, &id).await?;
    Ok(TaskCreated {
        task_id: task.task_id.clone(),
        task,
        violations,
    })
}

pub async fn list_tasks<C: Statements>(
    conn: &mut C,
    filter: &TaskFilter,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<TaskPage> {
    let limit = page_size(limit)?;
    let mut filter = filter.clone();
    if let Some(workflow_id) = &filter.workflow_id {
        require_workflow(conn, workflow_id).await?;
    }
    if let Some(ticket) = &filter.ticket_id {
        filter.ticket_id = Some(resolve_ticket_id(conn, ticket).await?);
    }
    let after = cursor.map(parse_cursor).transpose()?;
    let mut rows = conn.task_page(&filter, after, limit + 1).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|(_, seq)| format!("c{seq}"))
    } else {
        None
    };
    Ok(TaskPage {
        tasks: rows.into_iter().map(|(t, _)| t).collect(),
        next_cursor,
    })
}

/// Moves a task (see `tix_core::task::check_task_move`); `in_progress`
/// assigns it to `actor` when it has no assignee and opens a run (or joins
/// the assignee's open run on the ticket); `done`/`failed` end the task's
/// open run (`succeeded`/`failed`), giving back the claim it held; `queued`
/// from `in_progress` ends it `abandoned`. Writes carrying a stale claim
/// token of the task's ticket are refused (`lease_lost`).
pub async fn set_task_status<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    to: TaskStatus,
    comment: Option<String>,
) -> Result<Task> {
    let id = resolve_task_id(tx, input).await?;
    let current = tx
        .lock_task(&id)
        .await?
        .ok_or_else(|| DomainError::not_found("task", &id))?;
    let comment = optional_comment(comment)?;
    let ticket_blocked = tx.lock_ticket_blocked(&current.ticket_id).await?;
    let to = check_task_move(&current, to, ticket_blocked)?;
    if to == current.status && comment.is_none() {
        return Ok(current);
    }
    let ticket = require_ticket(tx, &current.ticket_id).await?;
    runs::check_fence(tx, ctx, &ticket, actor, false).await?;
    let at = now();
    let assignee = match to {
        TaskStatus::InProgress => current.assigned_agent_id.clone().or_else(|| Some(actor.to_string())),
        TaskStatus::Queued | TaskStatus::Blocked if current.status == TaskStatus::InProgress => None,
        _ => current.assigned_agent_id.clone(),
    };
    let started_at = match to {
        TaskStatus::InProgress => Some(current.started_at.unwrap_or(at)),
        TaskStatus::Queued | TaskStatus::Blocked => None,
        _ => current.started_at,
    };
    tx.update_task(&TaskUpdateRow {
        id: &id,
        status: to,
        assigned_agent_id: assignee.as_deref(),
        started_at,
        completed_at: to.is_finished().then_some(at),
        note: comment.as_deref(),
        at,
    })
    .await?;
    let details = json!({ "task_id": id, "phase_id": current.phase_id, "from": current.status, "to": to });
    tx.insert_history(&[HistoryRow::new(
        &current.ticket_id,
        &current.workflow_id,
        actor,
        HistoryAction::TaskStatusChanged,
        details.clone(),
        at,
    )
    .with_comment(comment.as_deref())])
        .await?;
    ctx.event(
        &current.workflow_id,
        EventKind::TaskUpdated,
        Some(&current.ticket_id),
        actor,
        details,
        at,
    );
    let ending = match to {
        TaskStatus::Done => Some(RunOutcome::Succeeded),
        TaskStatus::Failed => Some(RunOutcome::Failed),
        TaskStatus::Queued | TaskStatus::Blocked if current.status == TaskStatus::InProgress => {
            Some(RunOutcome::Abandoned)
        }
        _ => None,
    };
    if to == TaskStatus::InProgress && current.status != TaskStatus::InProgress {
        let agent = assignee.as_deref().unwrap_or(actor);
        let opening = Opening {
            agent,
            task: Some((&id, current.phase_id)),
            claim_token_hash: None,
        };
        runs::open_run(tx, ctx, &ticket, opening, at).await?;
    } else if let Some(outcome) = ending {
        if let Some(run) = tx.open_run_of_task(&id).await? {
            runs::end_run(tx, ctx, &run, &RunEnd::closing(outcome, actor, at)).await?;
            let ticket = require_ticket(tx, &current.ticket_id).await?;
            runs::release_claim(tx, ctx, actor, &run, &ticket, outcome, at).await?;
        }
    }
    require_task(tx, &id).await
}

/// Moves the tasks of tickets that just unblocked from `blocked` to
/// `queued`, and the queued tasks of tickets blocked again to `blocked`,
/// with a history row and an event each. Answers the ids moved each way.
/// Runs in the transaction that changed the blockers.
pub async fn follow_ticket_blocking<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    workflow_id: &str,
    unblocked: &[String],
    reblocked: &[String],
    actor: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let at = now();
    let mut queued = Vec::new();
    let mut blocked = Vec::new();
    for (tickets, from, to, out) in [
        (unblocked, TaskStatus::Blocked, TaskStatus::Queued, &mut queued),
        (reblocked, TaskStatus::Queued, TaskStatus::Blocked, &mut blocked),
    ] {
        if tickets.is_empty() {
            continue;
        }
        let moved = tx.move_tasks(tickets, from, to, at).await?;
        let reason = if to == TaskStatus::Queued {
            "its ticket was unblocked"
        } else {
            "its ticket was blocked again"
        };
        let details: Vec<serde_json::Value> = moved
            .iter()
            .map(|m| json!({ "task_id": m.task_id, "phase_id": m.phase_id, "from": from, "to": to, "reason": reason }))
            .collect();
        let rows: Vec<HistoryRow<'_>> = moved
            .iter()
            .zip(&details)
            .map(|(m, details)| {
                HistoryRow::new(
                    &m.ticket_id,
                    workflow_id,
                    actor,
                    HistoryAction::TaskStatusChanged,
                    details.clone(),
                    at,
                )
            })
            .collect();
        tx.insert_history(&rows).await?;
        for (m, details) in moved.into_iter().zip(details) {
            ctx.event(
                workflow_id,
                EventKind::TaskUpdated,
                Some(&m.ticket_id),
                actor,
                details,
                at,
            );
            out.push(m.task_id);
        }
    }
    queued.sort();
    blocked.sort();
    Ok((queued, blocked))
}
