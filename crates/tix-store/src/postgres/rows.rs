//! Row mapping between PostgreSQL and the domain types.

use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use tix_core::board::BoardConfig;
use tix_core::commit::{CommitLink, CommitSource};
use tix_core::error::TicketRef;
use tix_core::guardian::{GuardianConfig, Mode, Rule, Violation};
use tix_core::task::{Task, TaskStatus};
use tix_core::ticket::{Comment, Event, GraphNode, HistoryEntry, Priority, Ticket};
use tix_core::workflow::{EffectiveBoard, Phase, Workflow};
use tix_core::DomainError;

use crate::{AgentToken, Error, Result};

/// The ticket columns, then `blockers` (comma-joined) and `seq`.
macro_rules! ticket_select {
    ($tail:literal) => {
        concat!(
            "SELECT t.id, t.workflow_id, t.title, t.description, t.ticket_type, t.status, t.priority, t.tags, \
             t.created_by, t.assigned_agent_id, t.created_at, t.updated_at, t.started_at, t.completed_at, \
             t.resolved_at, t.is_resolved, t.open_blockers, t.version, t.lease_expires_at, \
             (SELECT string_agg(e.blocker_id, ',' ORDER BY e.blocker_id) FROM ticket_edges e WHERE e.blocked_id = t.id) \
             AS blockers, t.seq, t.parent_id, t.external_ref, \
             (NOT t.is_resolved AND t.open_blockers = 0 AND t.open_children = 0 AND t.assigned_agent_id IS NULL \
              AND t.status = (SELECT w.board_config ->> 'initial_status' FROM workflows w WHERE w.id = t.workflow_id)) \
             AS is_ready FROM tickets t ",
            $tail
        )
    };
}
pub(crate) use ticket_select;

pub(crate) const TICKET_SELECT_PREFIX: &str = ticket_select!("");

pub(crate) fn ticket(row: &PgRow) -> Result<Ticket> {
    let blockers: Option<String> = row.try_get("blockers")?;
    let priority: i16 = row.try_get("priority")?;
    let version: i64 = row.try_get("version")?;
    Ok(Ticket {
        id: row.try_get("id")?,
        workflow_id: row.try_get("workflow_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        ticket_type: row.try_get("ticket_type")?,
        status: row.try_get("status")?,
        priority: Priority::from_rank(i64::from(priority)).unwrap_or_default(),
        tags: row.try_get::<Json<Vec<String>>, _>("tags")?.0,
        created_by: row.try_get("created_by")?,
        assigned_agent_id: row.try_get("assigned_agent_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        started_at: row.try_get("started_at")?,
        completed_at: row.try_get("completed_at")?,
        resolved_at: row.try_get("resolved_at")?,
        is_resolved: row.try_get("is_resolved")?,
        is_blocked: row.try_get::<i32, _>("open_blockers")? > 0,
        is_ready: row.try_get::<Option<bool>, _>("is_ready")?.unwrap_or(false),
        blocked_by_ticket_ids: blockers
            .map(|b| b.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        version: version as u64,
        lease_expires_at: row.try_get("lease_expires_at")?,
        parent_id: row.try_get("parent_id")?,
        external_ref: row.try_get("external_ref")?,
    })
}

/// Many tickets by id, in one query (any order).
pub(crate) async fn tickets_by_ids(conn: &mut PgConnection, ids: &[String]) -> Result<Vec<Ticket>> {
    sqlx::query(ticket_select!("WHERE t.id = ANY($1)"))
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(ticket)
        .collect()
}

pub(crate) fn workflow(row: &PgRow) -> Result<Workflow> {
    let board_config = row.try_get::<Json<BoardConfig>, _>("board_config")?.0;
    Ok(Workflow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        effective: EffectiveBoard::of(&board_config),
        board_config,
        phases: row.try_get::<Json<Vec<Phase>>, _>("phases")?.0,
        guardian: row.try_get::<Json<GuardianConfig>, _>("guardian")?.0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(crate) const WORKFLOW_SELECT: &str =
    "SELECT w.id, w.name, w.board_config, w.phases, w.guardian, w.created_at, w.updated_at FROM workflows w ";

pub(crate) async fn find_workflow(conn: &mut PgConnection, id: &str) -> Result<Option<Workflow>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{WORKFLOW_SELECT}WHERE w.id = $1")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(workflow)
        .transpose()
}

/// The workflow, or `workflow_not_found` (for the search and statistics SQL).
pub(crate) async fn load_workflow(conn: &mut PgConnection, id: &str) -> Result<Workflow> {
    find_workflow(conn, id)
        .await?
        .ok_or_else(|| DomainError::not_found("workflow", id).into())
}

pub(crate) fn ticket_ref(row: &PgRow) -> Result<TicketRef> {
    Ok(TicketRef {
        id: row.try_get(0)?,
        title: row.try_get(1)?,
        status: row.try_get(2)?,
        is_resolved: row.try_get(3)?,
    })
}

pub(crate) fn graph_node(r: &PgRow) -> Result<GraphNode> {
    Ok(GraphNode {
        id: r.try_get::<String, _>(0)?.into(),
        title: r.try_get(1)?,
        status: r.try_get(2)?,
        ticket_type: r.try_get(3)?,
        priority: Priority::from_rank(i64::from(r.try_get::<i16, _>(4)?)).unwrap_or_default(),
        assigned_agent_id: r.try_get(5)?,
        is_resolved: r.try_get(6)?,
        is_blocked: r.try_get::<i32, _>(7)? > 0,
    })
}

pub(crate) fn comment(r: &PgRow) -> Result<Comment> {
    Ok(Comment {
        id: r.try_get(0)?,
        ticket_id: r.try_get(1)?,
        author: r.try_get(2)?,
        comment_text: r.try_get(3)?,
        created_at: r.try_get(4)?,
    })
}

pub(crate) fn history(r: &PgRow) -> Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: r.try_get(0)?,
        ticket_id: r.try_get(1)?,
        agent_id: r.try_get(2)?,
        action: r.try_get(3)?,
        from_status: r.try_get(4)?,
        to_status: r.try_get(5)?,
        comment: r.try_get(6)?,
        details: r.try_get::<Json<Value>, _>(7)?.0,
        created_at: r.try_get(8)?,
    })
}

pub(crate) fn event(r: &PgRow) -> Result<Event> {
    Ok(Event {
        id: r.try_get(0)?,
        workflow_id: r.try_get(1)?,
        kind: r.try_get(2)?,
        ticket_id: r.try_get(3)?,
        agent_id: r.try_get(4)?,
        payload: r.try_get::<Json<Value>, _>(5)?.0,
        created_at: r.try_get(6)?,
    })
}

pub(crate) const TASK_SELECT: &str = "SELECT id, workflow_id, phase_id, ticket_id, description, status, \
     assigned_agent_id, created_by, created_at, updated_at, started_at, completed_at, note, seq FROM tasks ";

pub(crate) fn task(row: &PgRow) -> Result<Task> {
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

pub(crate) const COMMIT_SELECT: &str = "SELECT ticket_id, sha, message, author, committed_at, files_changed, \
     insertions, deletions, source, linked_by, linked_at FROM ticket_commits ";

pub(crate) fn commit_link(row: &PgRow) -> Result<CommitLink> {
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

pub(crate) fn violation(row: &PgRow) -> Result<Violation> {
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

pub(crate) fn agent_token(row: &PgRow) -> Result<AgentToken> {
    Ok(AgentToken {
        agent_id: row.try_get(0)?,
        admin: row.try_get::<String, _>(1)? == "admin",
        created_at: row.try_get(2)?,
    })
}
