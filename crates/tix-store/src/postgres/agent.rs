//! The agent interface on PostgreSQL, mirroring `sqlite/{tasks, guardian,
//! commits, agents}.rs`: tasks and the hook that keeps them in step with
//! their ticket's blockers, Guardian violations, commit links, agent tokens.

use serde_json::{json, Value};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use tix_core::commit::{CommitLink, CommitLinked, CommitSource, NewCommitLink};
use tix_core::guardian::{self as rules, Finding, Mode, Rule, Violation, ViolationFilter};
use tix_core::ids;
use tix_core::task::{check_task_move, NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_core::ticket as domain;
use tix_core::DomainError;

use super::ops::{
    load_ticket, load_workflow, now, parse_cursor, random_bytes, record_history, resolve_ticket_id, WriteCtx,
};
use super::PgStore;
use crate::guardian::{PendingViolation, Subject};
use crate::{AgentStore, AgentToken, CommitStore, Error, GuardianStore, Result, TaskStore};

// ---------------------------------------------------------------- Guardian

/// Applies the workflow's modes to the findings: refuses on the first
/// `enforce` one (kept in `ctx`, recorded after the rollback), records the
/// `warn` ones with the write.
pub(crate) async fn judge(
    conn: &mut PgConnection,
    ctx: &mut WriteCtx,
    subject: &Subject<'_>,
    findings: Vec<Finding>,
) -> Result<Vec<Violation>> {
    let pending = match crate::guardian::plan(subject, findings) {
        Err(refused) => {
            let error = crate::guardian::refusal(&refused);
            ctx.refuse(*refused);
            return Err(error.into());
        }
        Ok(pending) => pending,
    };
    let mut out = Vec::with_capacity(pending.len());
    for p in &pending {
        out.push(insert_violation(conn, p).await?);
    }
    Ok(out)
}

pub(crate) async fn insert_violation(conn: &mut PgConnection, pending: &PendingViolation) -> Result<Violation> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO guardian_violations (workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, \
         details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&pending.workflow_id)
    .bind(pending.finding.rule.as_str())
    .bind(pending.mode.as_str())
    .bind(&pending.agent)
    .bind(pending.object_kind)
    .bind(&pending.object_id)
    .bind(&pending.finding.message)
    .bind(&pending.finding.fix)
    .bind(Json(&pending.finding.details))
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Violation {
        id,
        workflow_id: pending.workflow_id.clone(),
        rule: pending.finding.rule,
        mode: pending.mode,
        agent_id: pending.agent.clone(),
        object_kind: pending.object_kind.to_string(),
        object_id: pending.object_id.clone(),
        message: pending.finding.message.clone(),
        fix: pending.finding.fix.clone(),
        details: pending.finding.details.clone(),
        created_at: at,
    })
}

fn violation(row: &PgRow) -> Result<Violation> {
    let rule: String = row.try_get(2)?;
    let mode: String = row.try_get(3)?;
    Ok(Violation {
        id: row.try_get(0)?,
        workflow_id: row.try_get(1)?,
        rule: Rule::parse(&rule).ok_or_else(|| Error::Storage(format!("unknown guardian rule '{rule}'")))?,
        mode: Mode::parse(&mode).ok_or_else(|| Error::Storage(format!("unknown guardian mode '{mode}'")))?,
        agent_id: row.try_get(4)?,
        object_kind: row.try_get(5)?,
        object_id: row.try_get(6)?,
        message: row.try_get(7)?,
        fix: row.try_get(8)?,
        details: row.try_get::<Json<Value>, _>(9)?.0,
        created_at: row.try_get(10)?,
    })
}

impl GuardianStore for PgStore {
    async fn create_ticket_judged(
        &self,
        actor: &str,
        new: domain::NewTicket,
        findings: Vec<Finding>,
    ) -> Result<domain::TicketCreated> {
        write_tx!(self, |tx, ctx, graphs| super::ops::create_ticket(
            tx,
            ctx,
            actor,
            new.clone(),
            findings.clone()
        ))
    }

    async fn guardian_violations(&self, workflow_id: &str, filter: ViolationFilter) -> Result<Vec<Violation>> {
        let mut conn = self.inner.pool.acquire().await?;
        load_workflow(&mut conn, workflow_id).await?;
        let limit = i64::from(filter.limit.unwrap_or(100).clamp(1, 1000));
        sqlx::query(
            "SELECT id, workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, details, created_at \
             FROM guardian_violations WHERE workflow_id = $1 AND id > $2 AND ($3::text IS NULL OR rule = $3) \
             AND ($4::text IS NULL OR agent_id = $4) ORDER BY id LIMIT $5",
        )
        .bind(workflow_id)
        .bind(filter.after)
        .bind(filter.rule.map(Rule::as_str))
        .bind(filter.agent_id.as_deref())
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(violation)
        .collect()
    }
}

// ---------------------------------------------------------------- tasks

const TASK_SELECT: &str = "SELECT id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, \
     created_by, created_at, updated_at, started_at, completed_at, note, seq FROM tasks ";

fn task(row: &PgRow) -> Result<Task> {
    let status: String = row.try_get(5)?;
    Ok(Task {
        task_id: row.try_get(0)?,
        workflow_id: row.try_get(1)?,
        phase_id: row.try_get::<i32, _>(2)? as u32,
        ticket_id: row.try_get(3)?,
        description: row.try_get(4)?,
        status: status.parse::<TaskStatus>()?,
        assigned_agent_id: row.try_get(6)?,
        created_by: row.try_get(7)?,
        created_at: row.try_get(8)?,
        updated_at: row.try_get(9)?,
        started_at: row.try_get(10)?,
        completed_at: row.try_get(11)?,
        note: row.try_get(12)?,
    })
}

async fn load_task(conn: &mut PgConnection, id: &str) -> Result<Task> {
    let sql = sqlx::AssertSqlSafe(format!("{TASK_SELECT}WHERE id = $1"));
    match sqlx::query(sql).bind(id).fetch_optional(&mut *conn).await? {
        Some(row) => task(&row),
        None => Err(DomainError::not_found("task", id).into()),
    }
}

async fn resolve_task_id(conn: &mut PgConnection, input: &str) -> Result<String> {
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
    let matches: Vec<String> =
        sqlx::query_scalar("SELECT id FROM tasks WHERE id >= $1 AND id < $1 || '~' ORDER BY id LIMIT 6")
            .bind(&prefix)
            .fetch_all(&mut *conn)
            .await?;
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

/// A ticket's tasks, active work first, oldest first within each group.
pub(crate) async fn tasks_of_ticket(conn: &mut PgConnection, ticket_id: &str) -> Result<Vec<Task>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{TASK_SELECT}WHERE ticket_id = $1 ORDER BY CASE status WHEN 'in_progress' THEN 0 WHEN 'queued' THEN 1 \
         WHEN 'blocked' THEN 2 ELSE 3 END, seq"
    ));
    sqlx::query(sql)
        .bind(ticket_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(task)
        .collect()
}

/// The phase of the agent's most recent task in progress, if any.
pub(crate) async fn active_phase(conn: &mut PgConnection, workflow_id: &str, agent: &str) -> Result<Option<u32>> {
    let phase: Option<i32> = sqlx::query_scalar(
        "SELECT phase_id FROM tasks WHERE assigned_agent_id = $1 AND status = 'in_progress' AND workflow_id = $2 \
         ORDER BY started_at DESC, seq DESC LIMIT 1",
    )
    .bind(agent)
    .bind(workflow_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(phase.map(|p| p as u32))
}

/// Whether the agent has a task in progress on the ticket.
pub(crate) async fn has_active_task(conn: &mut PgConnection, ticket_id: &str, agent: &str) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS(SELECT 1 FROM tasks WHERE ticket_id = $1 AND assigned_agent_id = $2 AND status = 'in_progress')",
    )
    .bind(ticket_id)
    .bind(agent)
    .fetch_one(&mut *conn)
    .await?)
}

/// Moves tasks of tickets that just unblocked to `queued` and queued tasks
/// of tickets blocked again to `blocked`, in the caller's transaction.
pub(crate) async fn follow_ticket_blocking(
    tx: &mut PgConnection,
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
        let moved = sqlx::query(
            "UPDATE tasks SET status = $3, updated_at = $4 WHERE ticket_id = ANY($1) AND status = $2 \
             RETURNING id, phase_id, ticket_id",
        )
        .bind(tickets)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(at)
        .fetch_all(&mut *tx)
        .await?;
        let reason = if to == TaskStatus::Queued {
            "its ticket was unblocked"
        } else {
            "its ticket was blocked again"
        };
        for row in moved {
            let (task_id, phase_id, ticket_id): (String, i32, String) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let details = json!({ "task_id": task_id, "phase_id": phase_id, "from": from, "to": to, "reason": reason });
            record_history(
                tx,
                &ticket_id,
                workflow_id,
                actor,
                "task_status_changed",
                None,
                None,
                None,
                details.clone(),
                at,
            )
            .await?;
            ctx.event(workflow_id, "task_updated", Some(&ticket_id), actor, details, at);
            out.push(task_id);
        }
    }
    queued.sort();
    blocked.sort();
    Ok((queued, blocked))
}

async fn create_task(tx: &mut PgConnection, ctx: &mut WriteCtx, actor: &str, new: NewTask) -> Result<TaskCreated> {
    new.validate()?;
    let ticket_id = resolve_ticket_id(tx, &new.ticket_id).await?;
    let ticket = load_ticket(tx, &ticket_id).await?;
    if let Some(workflow_id) = new.workflow_id.as_deref().map(str::trim) {
        load_workflow(tx, workflow_id).await?;
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
    let workflow = load_workflow(tx, &ticket.workflow_id).await?;
    if !workflow.phases.is_empty() && workflow.phase(new.phase_id).is_none() {
        return Err(DomainError::UnknownPhase {
            workflow_id: workflow.id.clone(),
            phase_id: new.phase_id,
            phases: workflow.phase_labels(),
        }
        .into());
    }
    let mut id = ids::task_id(&random_bytes()?);
    for _ in 0..16 {
        let taken: bool = sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM tasks WHERE id = $1)")
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        if !taken {
            break;
        }
        id = ids::task_id(&random_bytes()?);
    }
    let phase_name = workflow.phase(new.phase_id).map(|p| p.name.as_str());
    let findings: Vec<Finding> = rules::check_task_reference(&new.description, new.phase_id, phase_name, &ticket.id)
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
    sqlx::query(
        "INSERT INTO tasks (id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(&id)
    .bind(&workflow.id)
    .bind(new.phase_id as i32)
    .bind(&ticket.id)
    .bind(description)
    .bind(status.as_str())
    .bind(new.assigned_agent_id.as_deref().map(str::trim))
    .bind(actor)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let details = json!({ "task_id": id, "phase_id": new.phase_id, "status": status });
    record_history(
        tx,
        &ticket.id,
        &workflow.id,
        actor,
        "task_created",
        None,
        None,
        Some(description),
        details.clone(),
        at,
    )
    .await?;
    ctx.event(&workflow.id, "task_created", Some(&ticket.id), actor, details, at);
    let task = load_task(tx, &id).await?;
    Ok(TaskCreated {
        task_id: task.task_id.clone(),
        task,
        violations,
    })
}

async fn list_tasks(
    conn: &mut PgConnection,
    filter: &TaskFilter,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<TaskPage> {
    let limit = domain::page_size(limit)?;
    let mut query: sqlx::QueryBuilder<sqlx::Postgres> = sqlx::QueryBuilder::new(TASK_SELECT);
    query.push("WHERE TRUE");
    if let Some(workflow_id) = &filter.workflow_id {
        load_workflow(conn, workflow_id).await?;
        query.push(" AND workflow_id = ").push_bind(workflow_id.clone());
    }
    if let Some(ticket) = &filter.ticket_id {
        let id = resolve_ticket_id(conn, ticket).await?;
        query.push(" AND ticket_id = ").push_bind(id);
    }
    if let Some(status) = filter.status {
        query.push(" AND status = ").push_bind(status.as_str().to_string());
    }
    if let Some(phase) = filter.phase_id {
        query.push(" AND phase_id = ").push_bind(phase as i32);
    }
    if let Some(agent) = &filter.assigned_agent_id {
        query.push(" AND assigned_agent_id = ").push_bind(agent.clone());
    }
    if let Some(cursor) = cursor {
        query.push(" AND seq > ").push_bind(parse_cursor(cursor)?);
    }
    query.push(" ORDER BY seq LIMIT ").push_bind(i64::from(limit) + 1);
    let rows = query.build().fetch_all(&mut *conn).await?;
    let mut tasks = Vec::with_capacity(rows.len());
    let mut last_seq = 0i64;
    for row in rows.iter().take(limit as usize) {
        tasks.push(task(row)?);
        last_seq = row.try_get(13)?;
    }
    let next_cursor = (rows.len() > limit as usize).then(|| format!("c{last_seq}"));
    Ok(TaskPage { tasks, next_cursor })
}

async fn set_task_status(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    to: TaskStatus,
    comment: Option<String>,
) -> Result<Task> {
    let id = resolve_task_id(tx, input).await?;
    sqlx::query("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    let current = load_task(tx, &id).await?;
    let comment = match comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(domain::check_comment("comment", text)?),
    };
    let ticket_blocked: bool = sqlx::query_scalar("SELECT open_blockers > 0 FROM tickets WHERE id = $1 FOR SHARE")
        .bind(&current.ticket_id)
        .fetch_one(&mut *tx)
        .await?;
    let to = check_task_move(&current, to, ticket_blocked)?;
    if to == current.status && comment.is_none() {
        return Ok(current);
    }
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
    let completed_at = to.is_finished().then_some(at);
    sqlx::query(
        "UPDATE tasks SET status = $2, assigned_agent_id = $3, started_at = $4, completed_at = $5, \
         note = COALESCE($6, note), updated_at = $7 WHERE id = $1",
    )
    .bind(&id)
    .bind(to.as_str())
    .bind(&assignee)
    .bind(started_at)
    .bind(completed_at)
    .bind(&comment)
    .bind(at)
    .execute(&mut *tx)
    .await?;
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
        at,
    )
    .await?;
    ctx.event(
        &current.workflow_id,
        "task_updated",
        Some(&current.ticket_id),
        actor,
        details,
        at,
    );
    load_task(tx, &id).await
}

impl TaskStore for PgStore {
    async fn create_task(&self, actor: &str, new: NewTask) -> Result<TaskCreated> {
        write_tx!(self, |tx, ctx, graphs| create_task(tx, ctx, actor, new.clone()))
    }

    async fn get_task(&self, id: &str) -> Result<Task> {
        let mut conn = self.inner.pool.acquire().await?;
        let id = resolve_task_id(&mut conn, id).await?;
        load_task(&mut conn, &id).await
    }

    async fn list_tasks(&self, filter: TaskFilter, limit: Option<u32>, cursor: Option<String>) -> Result<TaskPage> {
        list_tasks(
            &mut *self.inner.pool.acquire().await?,
            &filter,
            limit,
            cursor.as_deref(),
        )
        .await
    }

    async fn set_task_status(
        &self,
        actor: &str,
        id: &str,
        status: TaskStatus,
        comment: Option<String>,
    ) -> Result<Task> {
        write_tx!(self, |tx, ctx, graphs| set_task_status(
            tx,
            ctx,
            actor,
            id,
            status,
            comment.clone()
        ))
    }
}

// ---------------------------------------------------------------- commits

const COMMIT_SELECT: &str = "SELECT ticket_id, sha, message, author, committed_at, files_changed, insertions, \
     deletions, source, linked_by, linked_at FROM ticket_commits ";

fn link(row: &PgRow) -> Result<CommitLink> {
    let source: String = row.try_get(8)?;
    let count = |i: usize| -> Result<Option<u32>> { Ok(row.try_get::<Option<i64>, _>(i)?.map(|n| n as u32)) };
    Ok(CommitLink {
        ticket_id: row.try_get(0)?,
        sha: row.try_get(1)?,
        message: row.try_get(2)?,
        author: row.try_get(3)?,
        committed_at: row.try_get(4)?,
        files_changed: count(5)?,
        insertions: count(6)?,
        deletions: count(7)?,
        source: CommitSource::parse(&source).unwrap_or_default(),
        linked_by: row.try_get(9)?,
        linked_at: row.try_get(10)?,
    })
}

/// A ticket's commits, oldest commit first.
pub(crate) async fn commits_of_ticket(conn: &mut PgConnection, ticket_id: &str) -> Result<Vec<CommitLink>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{COMMIT_SELECT}WHERE ticket_id = $1 ORDER BY COALESCE(committed_at, linked_at), sha"
    ));
    sqlx::query(sql)
        .bind(ticket_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(link)
        .collect()
}

async fn link_commit(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    new: NewCommitLink,
) -> Result<CommitLinked> {
    let new = new.validate()?;
    let ticket_id = resolve_ticket_id(tx, input).await?;
    let ticket = load_ticket(tx, &ticket_id).await?;
    let at = now();
    let inserted = sqlx::query(
        "INSERT INTO ticket_commits (ticket_id, sha, workflow_id, message, author, committed_at, files_changed, \
         insertions, deletions, source, linked_by, linked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (ticket_id, sha) DO NOTHING",
    )
    .bind(&ticket.id)
    .bind(&new.sha)
    .bind(&ticket.workflow_id)
    .bind(&new.message)
    .bind(&new.author)
    .bind(new.committed_at)
    .bind(new.files_changed.map(i64::from))
    .bind(new.insertions.map(i64::from))
    .bind(new.deletions.map(i64::from))
    .bind(new.source.as_str())
    .bind(actor)
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if inserted {
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
            at,
        )
        .await?;
        ctx.event(
            &ticket.workflow_id,
            "commit_linked",
            Some(&ticket.id),
            actor,
            details,
            at,
        );
    }
    let sql = sqlx::AssertSqlSafe(format!("{COMMIT_SELECT}WHERE ticket_id = $1 AND sha = $2"));
    let row = sqlx::query(sql)
        .bind(&ticket.id)
        .bind(&new.sha)
        .fetch_one(&mut *tx)
        .await?;
    let link = link(&row)?;
    Ok(CommitLinked {
        ticket_id: ticket.id,
        sha: link.sha.clone(),
        newly_linked: inserted,
        link,
    })
}

impl CommitStore for PgStore {
    async fn link_commit(&self, actor: &str, ticket_id: &str, link: NewCommitLink) -> Result<CommitLinked> {
        write_tx!(self, |tx, ctx, graphs| link_commit(
            tx,
            ctx,
            actor,
            ticket_id,
            link.clone()
        ))
    }
}

// ---------------------------------------------------------------- agent tokens

fn token_row(row: &PgRow) -> Result<AgentToken> {
    Ok(AgentToken {
        agent_id: row.try_get(0)?,
        admin: row.try_get::<String, _>(1)? == "admin",
        created_at: row.try_get(2)?,
    })
}

impl AgentStore for PgStore {
    async fn create_agent_token(&self, agent_id: &str, admin: bool) -> Result<String> {
        let agent = domain::check_agent_id("agent_id", agent_id)?;
        let token = crate::sqlite::new_agent_token()?;
        sqlx::query(
            "INSERT INTO agent_tokens (agent_id, token_hash, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (agent_id) DO UPDATE SET token_hash = excluded.token_hash, role = excluded.role, \
             created_at = excluded.created_at",
        )
        .bind(&agent)
        .bind(crate::sqlite::hash_agent_token(&token))
        .bind(if admin { "admin" } else { "agent" })
        .bind(now())
        .execute(&self.inner.pool)
        .await?;
        Ok(token)
    }

    async fn agent_for_token(&self, token: &str) -> Result<Option<AgentToken>> {
        sqlx::query("SELECT agent_id, role, created_at FROM agent_tokens WHERE token_hash = $1")
            .bind(crate::sqlite::hash_agent_token(token))
            .fetch_optional(&self.inner.pool)
            .await?
            .as_ref()
            .map(token_row)
            .transpose()
    }

    async fn list_agent_tokens(&self) -> Result<Vec<AgentToken>> {
        sqlx::query("SELECT agent_id, role, created_at FROM agent_tokens ORDER BY agent_id")
            .fetch_all(&self.inner.pool)
            .await?
            .iter()
            .map(token_row)
            .collect()
    }

    async fn revoke_agent_token(&self, agent_id: &str) -> Result<bool> {
        let removed = sqlx::query("DELETE FROM agent_tokens WHERE agent_id = $1")
            .bind(agent_id.trim())
            .execute(&self.inner.pool)
            .await?;
        Ok(removed.rows_affected() > 0)
    }
}
