//! The operations on PostgreSQL, mirroring `sqlite/ops.rs`: the same
//! domain decisions (tix-core) over the same schema shape, with the row
//! locks and advisory locks that make them safe across replicas.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde_json::{json, Value};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use tix_core::board::BoardConfig;
use tix_core::error::TicketRef;
use tix_core::graph::DependencyGraph;
use tix_core::ids;
use tix_core::rules::{self, MoveKind, MoveRequest, ReadyFacts};
use tix_core::ticket::{
    self as domain, Comment, Event, GraphEdge, GraphNode, HistoryEntry, NewTicket, Priority, ReadyTicket, StatusChange,
    Ticket, TicketCreated, TicketDetail, TicketFilter, TicketGraph, TicketPage, TicketPatch,
};
use tix_core::workflow::{NewWorkflow, Workflow};
use tix_core::DomainError;

use crate::graph_cache::{GraphCache, GraphDelta};
use crate::{ClaimRequest, Error, Result, DEFAULT_LEASE};

const SYSTEM_AGENT: &str = "tix";
const EDGE_LOCK_SPACE: i32 = 0x7469_7865; // "tixe": per-workflow edge lock
const WIP_LOCK_SPACE: i32 = 0x7469_7877; // "tixw": per-column WIP lock

/// Timestamps are kept to the microsecond, as PostgreSQL stores them.
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

pub(crate) fn random_bytes() -> Result<[u8; 8]> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness for ids: {e}")))?;
    Ok(bytes)
}

// ---------------------------------------------------------------- write context

struct PendingEvent {
    workflow_id: String,
    kind: &'static str,
    ticket_id: Option<String>,
    agent: String,
    payload: Value,
    at: DateTime<Utc>,
}

/// What a write transaction did: graph deltas (applied after commit) and
/// events (inserted last, under the event lock).
#[derive(Default)]
pub(crate) struct WriteCtx {
    refused: Option<crate::guardian::PendingViolation>,
    changes: HashMap<String, (i64, Vec<GraphDelta>)>,
    touched: HashSet<String>,
    events: Vec<PendingEvent>,
}

impl WriteCtx {
    /// Keeps a Guardian refusal to record after the rollback.
    pub(crate) fn refuse(&mut self, violation: crate::guardian::PendingViolation) {
        self.refused = Some(violation);
    }

    pub(crate) fn take_refused(&mut self) -> Option<crate::guardian::PendingViolation> {
        self.refused.take()
    }

    pub(crate) fn event(
        &mut self,
        workflow_id: &str,
        kind: &'static str,
        ticket_id: Option<&str>,
        agent: &str,
        payload: Value,
        at: DateTime<Utc>,
    ) {
        self.events.push(PendingEvent {
            workflow_id: workflow_id.to_string(),
            kind,
            ticket_id: ticket_id.map(str::to_string),
            agent: agent.to_string(),
            payload,
            at,
        });
    }

    /// Records graph changes and bumps the workflow's graph version once per
    /// transaction; the bump's row lock serialises graph writes per workflow.
    async fn changed(&mut self, tx: &mut PgConnection, workflow_id: &str, deltas: Vec<GraphDelta>) -> Result<()> {
        if let Some((_, existing)) = self.changes.get_mut(workflow_id) {
            existing.extend(deltas);
            return Ok(());
        }
        let old: i64 = sqlx::query_scalar(
            "UPDATE workflows SET graph_version = graph_version + 1 WHERE id = $1 RETURNING graph_version - 1",
        )
        .bind(workflow_id)
        .fetch_one(&mut *tx)
        .await?;
        self.changes.insert(workflow_id.to_string(), (old, deltas));
        Ok(())
    }

    pub(crate) fn after_commit(self, graphs: &GraphCache) {
        for (workflow_id, (old, deltas)) in &self.changes {
            graphs.apply(workflow_id, *old, deltas);
        }
    }

    pub(crate) fn after_rollback(self, graphs: &GraphCache) {
        for workflow_id in self.touched.iter().chain(self.changes.keys()) {
            graphs.invalidate(workflow_id);
        }
    }
}

/// Inserts the transaction's events in order under the schema's event lock
/// and notifies listeners (delivered at commit).
/// Returns the id of the last event inserted, if any.
pub(crate) async fn flush_events(tx: &mut PgConnection, ctx: &WriteCtx) -> Result<Option<i64>> {
    if ctx.events.is_empty() {
        return Ok(None);
    }
    // Lock, insert in order and notify in one round trip (see the migration).
    let last: i64 = sqlx::query_scalar("SELECT tix_append_events($1, $2, $3, $4, $5, $6)")
        .bind(ctx.events.iter().map(|e| e.workflow_id.clone()).collect::<Vec<_>>())
        .bind(ctx.events.iter().map(|e| e.kind.to_string()).collect::<Vec<_>>())
        .bind(ctx.events.iter().map(|e| e.ticket_id.clone()).collect::<Vec<_>>())
        .bind(ctx.events.iter().map(|e| e.agent.clone()).collect::<Vec<_>>())
        .bind(ctx.events.iter().map(|e| Json(e.payload.clone())).collect::<Vec<_>>())
        .bind(ctx.events.iter().map(|e| e.at).collect::<Vec<_>>())
        .fetch_one(&mut *tx)
        .await?;
    Ok(Some(last))
}

// ---------------------------------------------------------------- graph cache

async fn load_graph(conn: &mut PgConnection, workflow_id: &str) -> Result<DependencyGraph> {
    let mut graph = DependencyGraph::new();
    let rows = sqlx::query("SELECT id, is_resolved FROM tickets WHERE workflow_id = $1 ORDER BY seq")
        .bind(workflow_id)
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        graph.add_node(row.try_get::<&str, _>(0)?, row.try_get(1)?);
    }
    let rows = sqlx::query("SELECT blocker_id, blocked_id FROM ticket_edges WHERE workflow_id = $1")
        .bind(workflow_id)
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        graph.insert_stored_edge(row.try_get::<&str, _>(0)?, row.try_get::<&str, _>(1)?)?;
    }
    Ok(graph)
}

/// Runs `f` on the workflow's graph as `conn` sees it.
async fn with_graph<T>(
    conn: &mut PgConnection,
    graphs: &GraphCache,
    workflow_id: &str,
    f: impl FnOnce(&mut DependencyGraph) -> T,
) -> Result<T> {
    let version: Option<i64> = sqlx::query_scalar("SELECT graph_version FROM workflows WHERE id = $1")
        .bind(workflow_id)
        .fetch_optional(&mut *conn)
        .await?;
    let version = version.ok_or_else(|| DomainError::not_found("workflow", workflow_id))?;
    match graphs.with_fresh(workflow_id, version, f) {
        Ok(out) => Ok(out),
        Err(f) => {
            let graph = load_graph(conn, workflow_id).await?;
            Ok(graphs.put(workflow_id, version, graph, f))
        }
    }
}

// ---------------------------------------------------------------- rows

macro_rules! ticket_select {
    ($tail:literal) => {
        concat!(
            "SELECT t.id, t.workflow_id, t.title, t.description, t.ticket_type, t.status, t.priority, t.tags, \
             t.created_by, t.assigned_agent_id, t.created_at, t.updated_at, t.started_at, t.completed_at, \
             t.resolved_at, t.is_resolved, t.open_blockers, t.version, t.lease_expires_at, \
             (SELECT string_agg(e.blocker_id, ',' ORDER BY e.blocker_id) FROM ticket_edges e WHERE e.blocked_id = t.id) \
             AS blockers, t.seq FROM tickets t ",
            $tail
        )
    };
}

const TICKET_SELECT_PREFIX: &str = ticket_select!("");

fn ticket(row: &PgRow) -> Result<Ticket> {
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
        blocked_by_ticket_ids: blockers
            .map(|b| b.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        version: version as u64,
        lease_expires_at: row.try_get("lease_expires_at")?,
    })
}

pub(crate) async fn load_ticket(conn: &mut PgConnection, id: &str) -> Result<Ticket> {
    let row = sqlx::query(ticket_select!("WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => ticket(&row),
        None => Err(DomainError::not_found("ticket", id).into()),
    }
}

/// Loads many tickets in one query (any order).
pub(crate) async fn load_tickets(conn: &mut PgConnection, ids: &[String]) -> Result<Vec<Ticket>> {
    let rows = sqlx::query(ticket_select!("WHERE t.id = ANY($1)"))
        .bind(ids)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(ticket).collect()
}

/// Loads and locks a ticket row for the rest of the transaction.
async fn lock_ticket(conn: &mut PgConnection, id: &str) -> Result<Ticket> {
    let row = sqlx::query(ticket_select!("WHERE t.id = $1 FOR UPDATE OF t"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => ticket(&row),
        None => Err(DomainError::not_found("ticket", id).into()),
    }
}

/// Resolves an id or prefix and locks the ticket: one round trip for a full id.
async fn lock_ticket_ref(conn: &mut PgConnection, input: &str) -> Result<Ticket> {
    let normalised = ids::normalise_ticket_ref(input)?;
    match lock_ticket(conn, &normalised).await {
        Err(Error::Domain(DomainError::NotFound { .. })) => {
            let id = resolve_ticket_id(conn, input).await?;
            lock_ticket(conn, &id).await
        }
        other => other,
    }
}

fn workflow(row: &PgRow) -> Result<Workflow> {
    Ok(Workflow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        board_config: row.try_get::<Json<BoardConfig>, _>("board_config")?.0,
        phases: row.try_get::<Json<Vec<tix_core::workflow::Phase>>, _>("phases")?.0,
        guardian: row
            .try_get::<Json<tix_core::guardian::GuardianConfig>, _>("guardian")?
            .0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(crate) async fn load_workflow(conn: &mut PgConnection, id: &str) -> Result<Workflow> {
    let row = sqlx::query(
        "SELECT id, name, board_config, phases, guardian, created_at, updated_at FROM workflows WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => workflow(&row),
        None => Err(DomainError::not_found("workflow", id).into()),
    }
}

fn ticket_ref(row: &PgRow) -> Result<TicketRef> {
    Ok(TicketRef {
        id: row.try_get(0)?,
        title: row.try_get(1)?,
        status: row.try_get(2)?,
        is_resolved: row.try_get(3)?,
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_history(
    conn: &mut PgConnection,
    ticket_id: &str,
    workflow_id: &str,
    agent: &str,
    action: &str,
    from: Option<&str>,
    to: Option<&str>,
    comment: Option<&str>,
    details: Value,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO ticket_history (ticket_id, workflow_id, agent_id, action, from_status, to_status, comment, details, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(ticket_id)
    .bind(workflow_id)
    .bind(agent)
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(comment)
    .bind(Json(details))
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_comment(
    conn: &mut PgConnection,
    ticket_id: &str,
    author: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO ticket_comments (ticket_id, author, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(ticket_id)
    .bind(author)
    .bind(body)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?)
}

pub(crate) fn check_version(ticket: &Ticket, expected: Option<u64>) -> Result<()> {
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

async fn lease_seconds(conn: &mut PgConnection, id: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT lease_seconds FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

async fn renewed_lease(
    conn: &mut PgConnection,
    ticket: &Ticket,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let current = ticket.lease_expires_at;
    if ticket.assigned_agent_id.as_deref() != Some(actor) || current.is_none() {
        return Ok(current);
    }
    Ok(match lease_seconds(conn, &ticket.id).await? {
        Some(secs) => Some(now + TimeDelta::seconds(secs)),
        None => current,
    })
}

// ---------------------------------------------------------------- workflows

pub(crate) async fn create_workflow(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    new: NewWorkflow,
) -> Result<Workflow> {
    new.validate()?;
    let id = match &new.id {
        Some(id) => id.clone(),
        None => ids::workflow_id(&random_bytes()?),
    };
    let at = now();
    let inserted = sqlx::query(
        "INSERT INTO workflows (id, name, board_config, phases, guardian, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $6, $5, $5) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&id)
    .bind(new.name.trim())
    .bind(Json(&new.board_config))
    .bind(Json(&new.phases))
    .bind(at)
    .bind(Json(&new.guardian))
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(DomainError::WorkflowExists { id }.into());
    }
    ctx.event(
        &id,
        "workflow_created",
        None,
        actor,
        json!({ "name": new.name.trim() }),
        at,
    );
    load_workflow(tx, &id).await
}

pub(crate) async fn list_workflows(conn: &mut PgConnection) -> Result<Vec<Workflow>> {
    let rows = sqlx::query(
        "SELECT w.id, w.name, w.board_config, w.phases, w.guardian, w.created_at, w.updated_at FROM workflows w \
         ORDER BY COALESCE((SELECT MAX(e.id) FROM events e WHERE e.workflow_id = w.id), 0) DESC, w.created_at DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(workflow).collect()
}

// ---------------------------------------------------------------- reading tickets

pub(crate) async fn resolve_ticket_id(conn: &mut PgConnection, input: &str) -> Result<String> {
    let prefix = ids::normalise_ticket_ref(input)?;
    let exact: Option<String> = sqlx::query_scalar("SELECT id FROM tickets WHERE id = $1")
        .bind(&prefix)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = exact {
        return Ok(id);
    }
    // ids use the "C" collation, so this is a prefix range scan.
    let matches: Vec<String> =
        sqlx::query_scalar("SELECT id FROM tickets WHERE id > $1 AND id < $1 || '~' ORDER BY id LIMIT 6")
            .bind(&prefix)
            .fetch_all(&mut *conn)
            .await?;
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

async fn blocked_by_refs(conn: &mut PgConnection, id: &str) -> Result<Vec<TicketRef>> {
    let rows = sqlx::query(
        "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocker_id \
         WHERE e.blocked_id = $1 ORDER BY t.seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(ticket_ref).collect()
}

async fn unresolved_blockers(conn: &mut PgConnection, id: &str) -> Result<Vec<TicketRef>> {
    Ok(blocked_by_refs(conn, id)
        .await?
        .into_iter()
        .filter(|b| !b.is_resolved)
        .collect())
}

/// Reads run in one REPEATABLE READ snapshot so their queries agree.
async fn snapshot(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn get_ticket_detail(conn: &mut PgConnection, input: &str) -> Result<TicketDetail> {
    snapshot(conn).await?;
    let id = resolve_ticket_id(conn, input).await?;
    let ticket = load_ticket(conn, &id).await?;
    let blocked_by = blocked_by_refs(conn, &id).await?;
    let blocks = sqlx::query(
        "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocked_id \
         WHERE e.blocker_id = $1 ORDER BY t.seq",
    )
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(ticket_ref)
    .collect::<Result<Vec<_>>>()?;
    let comments = sqlx::query(
        "SELECT id, ticket_id, author, body, created_at FROM ticket_comments WHERE ticket_id = $1 ORDER BY id",
    )
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Comment {
            id: r.try_get(0)?,
            ticket_id: r.try_get(1)?,
            author: r.try_get(2)?,
            comment_text: r.try_get(3)?,
            created_at: r.try_get(4)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let history = sqlx::query(
        "SELECT id, ticket_id, agent_id, action, from_status, to_status, comment, details, created_at \
         FROM ticket_history WHERE ticket_id = $1 ORDER BY id",
    )
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
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
    })
    .collect::<Result<Vec<_>>>()?;
    let tasks = super::agent::tasks_of_ticket(conn, &id).await?;
    let commits = super::agent::commits_of_ticket(conn, &id).await?;
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

pub(crate) async fn list_tickets(
    conn: &mut PgConnection,
    filter: &TicketFilter,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<TicketPage> {
    let limit = domain::page_size(limit)?;
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(TICKET_SELECT_PREFIX);
    query.push("WHERE TRUE");
    if let Some(workflow_id) = &filter.workflow_id {
        let workflow = load_workflow(conn, workflow_id).await?;
        if let Some(status) = &filter.status {
            workflow.board_config.check_status(status)?;
        }
        if let Some(ticket_type) = &filter.ticket_type {
            workflow.board_config.check_ticket_type(ticket_type)?;
        }
        query.push(" AND t.workflow_id = ").push_bind(workflow_id.clone());
    }
    if let Some(status) = &filter.status {
        query.push(" AND t.status = ").push_bind(status.clone());
    }
    if let Some(ticket_type) = &filter.ticket_type {
        query.push(" AND t.ticket_type = ").push_bind(ticket_type.clone());
    }
    if let Some(priority) = filter.priority {
        query.push(" AND t.priority = ").push_bind(priority.rank() as i16);
    }
    if let Some(agent) = &filter.assigned_agent_id {
        query.push(" AND t.assigned_agent_id = ").push_bind(agent.clone());
    }
    if let Some(tag) = &filter.tag {
        query.push(" AND t.tags ? ").push_bind(tag.clone());
    }
    if let Some(resolved) = filter.resolved {
        query.push(" AND t.is_resolved = ").push_bind(resolved);
    }
    if let Some(blocked) = filter.blocked {
        query.push(if blocked {
            " AND t.open_blockers > 0"
        } else {
            " AND t.open_blockers = 0"
        });
    }
    if let Some(cursor) = cursor {
        query.push(" AND t.seq > ").push_bind(parse_cursor(cursor)?);
    }
    query.push(" ORDER BY t.seq LIMIT ").push_bind(i64::from(limit) + 1);
    let rows = query.build().fetch_all(&mut *conn).await?;
    let mut tickets = Vec::with_capacity(rows.len());
    let mut last_seq = 0i64;
    for row in rows.iter().take(limit as usize) {
        tickets.push(ticket(row)?);
        last_seq = row.try_get("seq")?;
    }
    let next_cursor = (rows.len() > limit as usize).then(|| format!("c{last_seq}"));
    Ok(TicketPage { tickets, next_cursor })
}

// ---------------------------------------------------------------- creating tickets

struct BlockerFacts {
    id: String,
    workflow_id: String,
    is_resolved: bool,
}

/// Resolves and share-locks the named blockers (so none resolves or
/// reopens under us), de-duplicated, in id order.
async fn lock_blockers(conn: &mut PgConnection, inputs: &[String]) -> Result<Vec<BlockerFacts>> {
    let mut ids = Vec::with_capacity(inputs.len());
    for input in inputs {
        let id = resolve_ticket_id(conn, input).await?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut sorted = ids.clone();
    sorted.sort();
    let mut facts: HashMap<String, BlockerFacts> = HashMap::new();
    for id in &sorted {
        let row = sqlx::query("SELECT workflow_id, is_resolved FROM tickets WHERE id = $1 FOR SHARE")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        facts.insert(
            id.clone(),
            BlockerFacts {
                id: id.clone(),
                workflow_id: row.try_get(0)?,
                is_resolved: row.try_get(1)?,
            },
        );
    }
    Ok(ids.into_iter().filter_map(|id| facts.remove(&id)).collect())
}

async fn ticket_exists(conn: &mut PgConnection, id: &str) -> Result<bool> {
    Ok(sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM tickets WHERE id = $1)")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

async fn new_ticket_id(conn: &mut PgConnection, explicit: Option<&str>) -> Result<String> {
    if let Some(id) = explicit {
        if ticket_exists(conn, id).await? {
            return Err(DomainError::TicketExists { id: id.to_string() }.into());
        }
        return Ok(id.to_string());
    }
    for _ in 0..16 {
        let id = ids::ticket_id(&random_bytes()?);
        if !ticket_exists(conn, &id).await? {
            return Ok(id);
        }
    }
    Err(Error::Storage("could not find a free ticket id after 16 tries".into()))
}

async fn insert_ticket(
    conn: &mut PgConnection,
    actor: &str,
    board: &BoardConfig,
    ticket: &NewTicket,
    blockers: &[BlockerFacts],
    at: DateTime<Utc>,
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
    let id = new_ticket_id(conn, ticket.id.as_deref()).await?;
    let open_blockers = blockers.iter().filter(|b| !b.is_resolved).count() as i32;
    sqlx::query(
        "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, created_by, \
         assigned_agent_id, created_at, updated_at, open_blockers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
    )
    .bind(&id)
    .bind(&ticket.workflow_id)
    .bind(&ticket.title)
    .bind(&ticket.description)
    .bind(&ticket.ticket_type)
    .bind(&board.initial_status)
    .bind(ticket.priority.unwrap_or_default().rank() as i16)
    .bind(Json(&ticket.tags))
    .bind(actor)
    .bind(&ticket.assigned_agent_id)
    .bind(at)
    .bind(open_blockers)
    .execute(&mut *conn)
    .await?;
    deltas.push(GraphDelta::Node {
        id: id.clone(),
        resolved: false,
    });
    for blocker in blockers {
        sqlx::query(
            "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&blocker.id)
        .bind(&id)
        .bind(&ticket.workflow_id)
        .bind(actor)
        .bind(at)
        .execute(&mut *conn)
        .await?;
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
        at,
    )
    .await?;
    Ok(id)
}

/// Creates a ticket; `findings` are Guardian findings the caller made about
/// it (see `GuardianStore::create_ticket_judged`), judged before the insert.
pub(crate) async fn create_ticket(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    new: NewTicket,
    findings: Vec<tix_core::guardian::Finding>,
) -> Result<TicketCreated> {
    let workflow = load_workflow(tx, &new.workflow_id).await?;
    let mut ticket = new.validate(&workflow.board_config)?;
    let blockers = lock_blockers(tx, &ticket.blocked_by_ticket_ids).await?;
    let violations = if findings.is_empty() {
        Vec::new()
    } else {
        // The violations name the ticket, so its id is chosen first.
        let id = new_ticket_id(tx, ticket.id.as_deref()).await?;
        let subject = crate::guardian::Subject {
            workflow: &workflow,
            agent: actor,
            object_kind: "ticket",
            object_id: &id,
        };
        let violations = super::agent::judge(tx, ctx, &subject, findings).await?;
        ticket.id = Some(id);
        violations
    };
    let at = now();
    let mut deltas = Vec::new();
    let id = insert_ticket(tx, actor, &workflow.board_config, &ticket, &blockers, at, &mut deltas).await?;
    let created = load_ticket(tx, &id).await?;
    // Last: the bump's workflow row lock is then held only to commit.
    ctx.changed(tx, &workflow.id, deltas).await?;
    ctx.event(
        &workflow.id,
        "ticket_created",
        Some(&id),
        actor,
        json!({ "title": created.title, "status": created.status, "ticket_type": created.ticket_type,
                "priority": created.priority, "is_blocked": created.is_blocked, "version": created.version }),
        at,
    );
    Ok(TicketCreated {
        ticket: created,
        violations,
    })
}

/// Bulk creation in a handful of statements (arrays + UNNEST), so a large
/// import is not one round trip per row. Blockers may name tickets already
/// stored or earlier lines of the same batch.
pub(crate) async fn import_tickets(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    workflow_id: &str,
    tickets: Vec<NewTicket>,
) -> Result<Vec<String>> {
    let workflow = load_workflow(tx, workflow_id).await?;
    let board = &workflow.board_config;
    let at = now();
    let mut valid = Vec::with_capacity(tickets.len());
    for (index, mut ticket) in tickets.into_iter().enumerate() {
        ticket.workflow_id = workflow.id.clone();
        valid.push(ticket.validate(board).map_err(|e| match e {
            DomainError::Validation { field, message } => DomainError::Validation {
                field: format!("tickets[{index}].{field}"),
                message,
            },
            other => other,
        })?);
    }
    if valid.is_empty() {
        return Ok(Vec::new());
    }

    // Ids: explicit ones must be new; generated ones are re-drawn on the rare collision.
    let mut ids: Vec<String> = Vec::with_capacity(valid.len());
    for ticket in &valid {
        ids.push(match &ticket.id {
            Some(id) => id.clone(),
            None => ids::ticket_id(&random_bytes()?),
        });
    }
    let mut seen = HashSet::new();
    for (ticket, id) in valid.iter().zip(&ids) {
        if !seen.insert(id.clone()) && ticket.id.is_some() {
            return Err(DomainError::TicketExists { id: id.clone() }.into());
        }
    }
    loop {
        let taken: Vec<String> = sqlx::query_scalar("SELECT id FROM tickets WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?;
        let mut duplicates: HashSet<String> = taken.into_iter().collect();
        let mut counted = HashSet::new();
        for id in &ids {
            if !counted.insert(id.clone()) {
                duplicates.insert(id.clone());
            }
        }
        if duplicates.is_empty() {
            break;
        }
        for (ticket, id) in valid.iter().zip(ids.iter_mut()) {
            if duplicates.contains(id) {
                if ticket.id.is_some() {
                    return Err(DomainError::TicketExists { id: id.clone() }.into());
                }
                *id = ids::ticket_id(&random_bytes()?);
            }
        }
    }
    let position: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();

    // Blockers outside the batch: looked up (and share-locked) together.
    let mut outside: Vec<String> = valid
        .iter()
        .flat_map(|t| t.blocked_by_ticket_ids.iter())
        .filter(|b| !position.contains_key(b.as_str()))
        .cloned()
        .collect();
    outside.sort();
    outside.dedup();
    let mut stored: HashMap<String, (String, String, bool)> = HashMap::new(); // ref -> (id, workflow, resolved)
    for row in sqlx::query("SELECT id, workflow_id, is_resolved FROM tickets WHERE id = ANY($1) ORDER BY id FOR SHARE")
        .bind(&outside)
        .fetch_all(&mut *tx)
        .await?
    {
        let id: String = row.try_get(0)?;
        stored.insert(id.clone(), (id, row.try_get(1)?, row.try_get(2)?));
    }
    let prefixes: Vec<String> = outside.iter().filter(|r| !stored.contains_key(*r)).cloned().collect();
    for reference in &prefixes {
        // A prefix (or an unknown id, which errors here).
        let facts = lock_blockers(tx, std::slice::from_ref(reference)).await?;
        if let Some(f) = facts.into_iter().next() {
            stored.insert(reference.clone(), (f.id, f.workflow_id, f.is_resolved));
        }
    }

    let mut edge_blockers = Vec::new();
    let mut edge_blocked = Vec::new();
    let mut open_blockers = Vec::with_capacity(valid.len());
    let mut history_details = Vec::with_capacity(valid.len());
    let mut deltas = Vec::with_capacity(valid.len() * 3);
    for (index, ticket) in valid.iter().enumerate() {
        let mut open = 0i32;
        let mut blockers: Vec<String> = Vec::new();
        for reference in &ticket.blocked_by_ticket_ids {
            let (blocker, resolved) = match position.get(reference.as_str()) {
                Some(&at_index) if at_index < index => (reference.clone(), false),
                Some(_) => {
                    return Err(DomainError::validation(
                        format!("tickets[{index}].blocked_by_ticket_ids"),
                        format!("{reference} comes later in the import; a ticket may only name earlier lines"),
                    )
                    .into())
                }
                None => {
                    let (id, blocker_workflow, resolved) = stored
                        .get(reference)
                        .cloned()
                        .ok_or_else(|| DomainError::not_found("ticket", reference))?;
                    if blocker_workflow != workflow.id {
                        return Err(DomainError::CrossWorkflowEdge {
                            blocker_id: id,
                            blocker_workflow,
                            blocked_id: ids[index].clone(),
                            blocked_workflow: workflow.id.clone(),
                        }
                        .into());
                    }
                    (id, resolved)
                }
            };
            if blockers.contains(&blocker) {
                continue;
            }
            open += i32::from(!resolved);
            edge_blockers.push(blocker.clone());
            edge_blocked.push(ids[index].clone());
            blockers.push(blocker);
        }
        deltas.push(GraphDelta::Node {
            id: ids[index].clone(),
            resolved: false,
        });
        for blocker in &blockers {
            deltas.push(GraphDelta::Edge {
                blocker: blocker.clone(),
                blocked: ids[index].clone(),
            });
        }
        open_blockers.push(open);
        history_details.push(Json(json!({ "blocked_by_ticket_ids": blockers })));
    }

    sqlx::query(
        "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, created_by, \
         assigned_agent_id, created_at, updated_at, open_blockers) \
         SELECT id, $2, title, description, ticket_type, $3, priority, tags, $4, assignee, $5, $5, open_blockers \
         FROM UNNEST($1::text[], $6::text[], $7::text[], $8::text[], $9::smallint[], $10::jsonb[], $11::text[], \
                     $12::int[]) WITH ORDINALITY \
              AS t(id, title, description, ticket_type, priority, tags, assignee, open_blockers, n) ORDER BY n",
    )
    .bind(&ids)
    .bind(&workflow.id)
    .bind(&board.initial_status)
    .bind(actor)
    .bind(at)
    .bind(valid.iter().map(|t| t.title.clone()).collect::<Vec<_>>())
    .bind(valid.iter().map(|t| t.description.clone()).collect::<Vec<_>>())
    .bind(valid.iter().map(|t| t.ticket_type.clone()).collect::<Vec<_>>())
    .bind(
        valid
            .iter()
            .map(|t| t.priority.unwrap_or_default().rank() as i16)
            .collect::<Vec<_>>(),
    )
    .bind(valid.iter().map(|t| Json(t.tags.clone())).collect::<Vec<_>>())
    .bind(valid.iter().map(|t| t.assigned_agent_id.clone()).collect::<Vec<_>>())
    .bind(&open_blockers)
    .execute(&mut *tx)
    .await?;
    if !edge_blockers.is_empty() {
        sqlx::query(
            "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) \
             SELECT blocker, blocked, $3, $4, $5 FROM UNNEST($1::text[], $2::text[]) AS e(blocker, blocked)",
        )
        .bind(&edge_blockers)
        .bind(&edge_blocked)
        .bind(&workflow.id)
        .bind(actor)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO ticket_history (ticket_id, workflow_id, agent_id, action, to_status, details, created_at) \
         SELECT id, $3, $4, 'created', $5, details, $6 \
         FROM UNNEST($1::text[], $2::jsonb[]) WITH ORDINALITY AS h(id, details, n) ORDER BY n",
    )
    .bind(&ids)
    .bind(&history_details)
    .bind(&workflow.id)
    .bind(actor)
    .bind(&board.initial_status)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    ctx.changed(tx, &workflow.id, deltas).await?;
    ctx.event(
        &workflow.id,
        "tickets_imported",
        None,
        actor,
        json!({ "count": ids.len(), "first": ids.first(), "last": ids.last() }),
        at,
    );
    Ok(ids)
}

// ---------------------------------------------------------------- changing tickets

pub(crate) async fn update_ticket(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    patch: TicketPatch,
    expected_version: Option<u64>,
) -> Result<Ticket> {
    let ticket = lock_ticket_ref(tx, input).await?;
    let id = ticket.id.clone();
    check_version(&ticket, expected_version)?;
    let workflow = load_workflow(tx, &ticket.workflow_id).await?;
    let patch = patch.validate(&workflow.board_config)?;
    let at = now();
    let assignee = match &patch.assigned_agent_id {
        Some(a) => a.clone(),
        None => ticket.assigned_agent_id.clone(),
    };
    let lease = if assignee != ticket.assigned_agent_id {
        None
    } else {
        renewed_lease(tx, &ticket, actor, at).await?
    };
    let tags = patch.tags.clone().unwrap_or_else(|| ticket.tags.clone());
    sqlx::query(
        "UPDATE tickets SET title = $2, description = $3, priority = $4, tags = $5, ticket_type = $6, \
         assigned_agent_id = $7, lease_expires_at = $8, lease_seconds = CASE WHEN $8::timestamptz IS NULL THEN NULL ELSE lease_seconds END, \
         version = version + 1, updated_at = $9 WHERE id = $1",
    )
    .bind(&id)
    .bind(patch.title.as_deref().unwrap_or(&ticket.title))
    .bind(patch.description.as_deref().unwrap_or(&ticket.description))
    .bind(patch.priority.unwrap_or(ticket.priority).rank() as i16)
    .bind(Json(&tags))
    .bind(patch.ticket_type.as_deref().unwrap_or(&ticket.ticket_type))
    .bind(&assignee)
    .bind(lease)
    .bind(at)
    .execute(&mut *tx)
    .await?;
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
        at,
    )
    .await?;
    let updated = load_ticket(tx, &id).await?;
    ctx.event(
        &ticket.workflow_id,
        "ticket_updated",
        Some(&id),
        actor,
        json!({ "fields": fields, "version": updated.version }),
        at,
    );
    Ok(updated)
}

pub(crate) enum Target<'a> {
    Status(&'a str),
    Resolve,
}

/// Tickets in `status` other than `except`, counted under a per-column
/// advisory lock; 0 (and no lock) when the column has no WIP limit.
async fn count_in_status(
    conn: &mut PgConnection,
    board: &BoardConfig,
    workflow_id: &str,
    status: &str,
    except: &str,
) -> Result<u64> {
    if board.column(status).and_then(|c| c.wip_limit).is_none() {
        return Ok(0);
    }
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(WIP_LOCK_SPACE)
        .bind(format!("{workflow_id}/{status}"))
        .execute(&mut *conn)
        .await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE workflow_id = $1 AND status = $2 AND id != $3")
        .bind(workflow_id)
        .bind(status)
        .bind(except)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n as u64)
}

struct Assignment<'a> {
    agent: &'a str,
    lease: Duration,
}

#[allow(clippy::too_many_arguments)]
async fn apply_move(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    ticket: &Ticket,
    board: &BoardConfig,
    to: &str,
    kind: MoveKind,
    comment: Option<&str>,
    assignment: Option<Assignment<'_>>,
) -> Result<StatusChange> {
    let at = now();
    let started_at = ticket
        .started_at
        .or_else(|| (ticket.status == board.initial_status && to != board.initial_status).then_some(at));
    let (is_resolved, completed_at, resolved_at) = match kind {
        MoveKind::Resolve => (true, Some(at), Some(at)),
        MoveKind::Reopen => (false, None, None),
        MoveKind::Plain | MoveKind::Unchanged => (ticket.is_resolved, ticket.completed_at, ticket.resolved_at),
    };
    let (assignee, lease, lease_secs) = match &assignment {
        Some(a) => (
            Some(a.agent.to_string()),
            Some(at + TimeDelta::seconds(a.lease.as_secs() as i64)),
            Some(a.lease.as_secs() as i64),
        ),
        None if is_resolved => (ticket.assigned_agent_id.clone(), None, None),
        None => (
            ticket.assigned_agent_id.clone(),
            renewed_lease(tx, ticket, actor, at).await?,
            lease_seconds(tx, &ticket.id).await?,
        ),
    };
    sqlx::query(
        "UPDATE tickets SET status = $2, is_resolved = $3, started_at = $4, completed_at = $5, resolved_at = $6, \
         assigned_agent_id = $7, lease_expires_at = $8, lease_seconds = $9, version = version + 1, updated_at = $10 \
         WHERE id = $1",
    )
    .bind(&ticket.id)
    .bind(to)
    .bind(is_resolved)
    .bind(started_at)
    .bind(completed_at)
    .bind(resolved_at)
    .bind(&assignee)
    .bind(lease)
    .bind(if lease.is_some() { lease_secs } else { None })
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if let Some(text) = comment {
        insert_comment(tx, &ticket.id, actor, text, at).await?;
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
        at,
    )
    .await?;

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
        let changed = sqlx::query(
            "UPDATE tickets SET open_blockers = open_blockers + $2 \
             WHERE id IN (SELECT blocked_id FROM ticket_edges WHERE blocker_id = $1) \
             RETURNING id, open_blockers, is_resolved",
        )
        .bind(&ticket.id)
        .bind(delta)
        .fetch_all(&mut *tx)
        .await?;
        for row in changed {
            let (dependent, open, resolved): (String, i32, bool) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
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
            if ids.is_empty() {
                continue;
            }
            // One statement for all dependents: a resolve may unblock thousands.
            let details = json!({ "by_ticket_id": ticket.id });
            sqlx::query(
                "INSERT INTO ticket_history (ticket_id, workflow_id, agent_id, action, details, created_at) \
                 SELECT unnest($1::text[]), $2, $3, $4, $5, $6",
            )
            .bind(ids.as_slice())
            .bind(&ticket.workflow_id)
            .bind(actor)
            .bind(action)
            .bind(Json(&details))
            .bind(at)
            .execute(&mut *tx)
            .await?;
            for dependent in ids {
                ctx.event(&ticket.workflow_id, event, Some(dependent), actor, details.clone(), at);
            }
        }
        // Tasks follow their ticket's blockers in this same transaction.
        (queued_task_ids, blocked_task_ids) = super::agent::follow_ticket_blocking(
            tx,
            ctx,
            &ticket.workflow_id,
            &unblocked_ticket_ids,
            &reblocked_ticket_ids,
            actor,
        )
        .await?;
        ctx.changed(
            tx,
            &ticket.workflow_id,
            vec![GraphDelta::Resolved {
                id: ticket.id.clone(),
                resolved: is_resolved,
            }],
        )
        .await?;
    }
    let updated = load_ticket(tx, &ticket.id).await?;
    ctx.event(
        &ticket.workflow_id,
        event_kind,
        Some(&ticket.id),
        actor,
        json!({ "from_status": ticket.status, "to_status": to, "comment": comment,
                "assigned_agent_id": updated.assigned_agent_id, "version": updated.version,
                "unblocked_ticket_ids": unblocked_ticket_ids, "reblocked_ticket_ids": reblocked_ticket_ids,
                "queued_task_ids": queued_task_ids, "blocked_task_ids": blocked_task_ids }),
        at,
    );
    Ok(StatusChange {
        ticket: updated,
        unblocked_ticket_ids,
        reblocked_ticket_ids,
        queued_task_ids,
        blocked_task_ids,
        violations: Vec::new(),
    })
}

pub(crate) async fn change_status(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    target: Target<'_>,
    comment: Option<String>,
    expected_version: Option<u64>,
) -> Result<StatusChange> {
    let ticket = lock_ticket_ref(tx, input).await?;
    let id = ticket.id.clone();
    check_version(&ticket, expected_version)?;
    let workflow = load_workflow(tx, &ticket.workflow_id).await?;
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
    let blockers = unresolved_blockers(tx, &id).await?;
    board.check_status(&to)?;
    let in_target = count_in_status(tx, board, &ticket.workflow_id, &to, &id).await?;
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
        let findings = move_findings(tx, &workflow, &ticket, actor, &to, is_resolve).await?;
        let subject = crate::guardian::Subject {
            workflow: &workflow,
            agent: actor,
            object_kind: "ticket",
            object_id: &id,
        };
        super::agent::judge(tx, ctx, &subject, findings).await?
    };
    let mut change = apply_move(tx, ctx, actor, &ticket, board, &to, kind, comment.as_deref(), None).await?;
    change.violations = violations;
    Ok(change)
}

/// What the Guardian's move rules find about `actor` moving `ticket` to `to`.
async fn move_findings(
    conn: &mut PgConnection,
    workflow: &Workflow,
    ticket: &Ticket,
    actor: &str,
    to: &str,
    is_resolve: bool,
) -> Result<Vec<tix_core::guardian::Finding>> {
    use tix_core::guardian as rules;
    let mover = rules::MoveFacts {
        actor,
        ticket_id: &ticket.id,
        created_by: &ticket.created_by,
        assigned_agent_id: ticket.assigned_agent_id.as_deref(),
        actor_has_active_task: super::agent::has_active_task(conn, &ticket.id, actor).await?,
    };
    let agent_phase = super::agent::active_phase(conn, &workflow.id, actor).await?;
    Ok([
        rules::check_mover(&mover),
        rules::check_column_skip(&workflow.board_config, &ticket.status, to, is_resolve),
        rules::check_phase_column(&workflow.phases, agent_phase, to),
    ]
    .into_iter()
    .flatten()
    .collect())
}

pub(crate) async fn add_comment(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    text: &str,
) -> Result<Comment> {
    let text = domain::check_comment("comment_text", text)?;
    let ticket = lock_ticket_ref(tx, input).await?;
    let id = ticket.id.clone();
    let at = now();
    let comment_id = insert_comment(tx, &id, actor, &text, at).await?;
    let lease = renewed_lease(tx, &ticket, actor, at).await?;
    sqlx::query("UPDATE tickets SET version = version + 1, updated_at = $2, lease_expires_at = $3 WHERE id = $1")
        .bind(&id)
        .bind(at)
        .bind(lease)
        .execute(&mut *tx)
        .await?;
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
        at,
    )
    .await?;
    ctx.event(
        &ticket.workflow_id,
        "ticket_commented",
        Some(&id),
        actor,
        json!({ "comment_id": comment_id, "version": ticket.version + 1 }),
        at,
    );
    Ok(Comment {
        id: comment_id,
        ticket_id: id,
        author: actor.to_string(),
        comment_text: text,
        created_at: at,
    })
}

// ---------------------------------------------------------------- blocking edges

/// Resolves both ends, locks them in id order, checks same workflow.
async fn edge_endpoints(conn: &mut PgConnection, blocked_input: &str, blocker_input: &str) -> Result<(Ticket, Ticket)> {
    let blocked_id = resolve_ticket_id(conn, blocked_input).await?;
    let blocker_id = resolve_ticket_id(conn, blocker_input).await?;
    if blocked_id == blocker_id {
        return Err(DomainError::SelfBlock { ticket_id: blocked_id }.into());
    }
    let (first, second) = if blocked_id < blocker_id {
        (&blocked_id, &blocker_id)
    } else {
        (&blocker_id, &blocked_id)
    };
    lock_ticket(conn, first).await?;
    lock_ticket(conn, second).await?;
    let blocked = load_ticket(conn, &blocked_id).await?;
    let blocker = load_ticket(conn, &blocker_id).await?;
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

pub(crate) async fn add_blocker(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    graphs: &GraphCache,
    actor: &str,
    blocked_input: &str,
    blocker_input: &str,
) -> Result<Vec<TicketRef>> {
    let (blocked, blocker) = edge_endpoints(tx, blocked_input, blocker_input).await?;
    // Serialise edge additions per workflow: two concurrent inserts must
    // not each pass a cycle check that misses the other's edge.
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(EDGE_LOCK_SPACE)
        .bind(&blocked.workflow_id)
        .execute(&mut *tx)
        .await?;
    ctx.touched.insert(blocked.workflow_id.clone());
    let cycle = with_graph(tx, graphs, &blocked.workflow_id, |g| {
        g.cycle_if_added(&blocker.id, &blocked.id)
    })
    .await??;
    if let Some(path) = cycle {
        return Err(DomainError::DependencyCycle { path }.into());
    }
    if blocked.blocked_by_ticket_ids.contains(&blocker.id) {
        return blocked_by_refs(tx, &blocked.id).await;
    }
    let at = now();
    sqlx::query(
        "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&blocker.id)
    .bind(&blocked.id)
    .bind(&blocked.workflow_id)
    .bind(actor)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE tickets SET open_blockers = open_blockers + $2, version = version + 1, updated_at = $3 WHERE id = $1",
    )
    .bind(&blocked.id)
    .bind(i32::from(!blocker.is_resolved))
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let details = json!({ "blocker_id": blocker.id });
    record_history(
        tx,
        &blocked.id,
        &blocked.workflow_id,
        actor,
        "blocker_added",
        None,
        None,
        None,
        details,
        at,
    )
    .await?;
    ctx.event(
        &blocked.workflow_id,
        "blocker_added",
        Some(&blocked.id),
        actor,
        json!({ "blocker_id": blocker.id, "version": blocked.version + 1 }),
        at,
    );
    if !blocker.is_resolved && !blocked.is_blocked && !blocked.is_resolved {
        super::agent::follow_ticket_blocking(
            tx,
            ctx,
            &blocked.workflow_id,
            &[],
            std::slice::from_ref(&blocked.id),
            actor,
        )
        .await?;
    }
    ctx.changed(
        tx,
        &blocked.workflow_id,
        vec![GraphDelta::Edge {
            blocker: blocker.id.clone(),
            blocked: blocked.id.clone(),
        }],
    )
    .await?;
    blocked_by_refs(tx, &blocked.id).await
}

pub(crate) async fn remove_blocker(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    actor: &str,
    blocked_input: &str,
    blocker_input: &str,
) -> Result<Vec<TicketRef>> {
    let (blocked, blocker) = edge_endpoints(tx, blocked_input, blocker_input).await?;
    let removed = sqlx::query("DELETE FROM ticket_edges WHERE blocker_id = $1 AND blocked_id = $2")
        .bind(&blocker.id)
        .bind(&blocked.id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(DomainError::EdgeNotFound {
            blocker_id: blocker.id,
            blocked_id: blocked.id,
        }
        .into());
    }
    let at = now();
    let open: i32 = sqlx::query_scalar(
        "UPDATE tickets SET open_blockers = open_blockers - $2, version = version + 1, updated_at = $3 WHERE id = $1 \
         RETURNING open_blockers",
    )
    .bind(&blocked.id)
    .bind(i32::from(!blocker.is_resolved))
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let details = json!({ "blocker_id": blocker.id });
    record_history(
        tx,
        &blocked.id,
        &blocked.workflow_id,
        actor,
        "blocker_removed",
        None,
        None,
        None,
        details,
        at,
    )
    .await?;
    ctx.event(
        &blocked.workflow_id,
        "blocker_removed",
        Some(&blocked.id),
        actor,
        json!({ "blocker_id": blocker.id, "version": blocked.version + 1 }),
        at,
    );
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
            at,
        )
        .await?;
        ctx.event(
            &blocked.workflow_id,
            "ticket_unblocked",
            Some(&blocked.id),
            actor,
            details,
            at,
        );
        super::agent::follow_ticket_blocking(
            tx,
            ctx,
            &blocked.workflow_id,
            std::slice::from_ref(&blocked.id),
            &[],
            actor,
        )
        .await?;
    }
    ctx.changed(
        tx,
        &blocked.workflow_id,
        vec![GraphDelta::RemoveEdge {
            blocker: blocker.id.clone(),
            blocked: blocked.id.clone(),
        }],
    )
    .await?;
    blocked_by_refs(tx, &blocked.id).await
}

// ---------------------------------------------------------------- graphs

fn graph_node(r: &PgRow) -> Result<GraphNode> {
    Ok(GraphNode {
        id: r.try_get(0)?,
        title: r.try_get(1)?,
        status: r.try_get(2)?,
        ticket_type: r.try_get(3)?,
        priority: Priority::from_rank(i64::from(r.try_get::<i16, _>(4)?)).unwrap_or_default(),
        assigned_agent_id: r.try_get(5)?,
        is_resolved: r.try_get(6)?,
        is_blocked: r.try_get::<i32, _>(7)? > 0,
    })
}

const GRAPH_NODE_COLUMNS: &str =
    "SELECT id, title, status, ticket_type, priority, assigned_agent_id, is_resolved, open_blockers FROM tickets ";

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

pub(crate) async fn ticket_graph(
    conn: &mut PgConnection,
    graphs: &GraphCache,
    input: &str,
    depth: Option<u32>,
) -> Result<TicketGraph> {
    snapshot(conn).await?;
    let id = resolve_ticket_id(conn, input).await?;
    let workflow_id: String = sqlx::query_scalar("SELECT workflow_id FROM tickets WHERE id = $1")
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?;
    let (ids, pairs, critical_path) = with_graph(conn, graphs, &workflow_id, |g| -> Result<_> {
        let ids = g.neighbourhood(&id, depth)?;
        let pairs = g.edges_among(&ids);
        let critical = g.critical_path(Some(&ids));
        Ok((ids, pairs, critical))
    })
    .await??;
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(GRAPH_NODE_COLUMNS);
    query.push("WHERE id = ANY(").push_bind(ids).push(") ORDER BY seq");
    let nodes = query
        .build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(graph_node)
        .collect::<Result<Vec<_>>>()?;
    Ok(TicketGraph {
        nodes,
        edges: edges(pairs),
        critical_path,
    })
}

pub(crate) async fn workflow_graph(
    conn: &mut PgConnection,
    graphs: &GraphCache,
    workflow_id: &str,
    include_resolved: bool,
) -> Result<TicketGraph> {
    snapshot(conn).await?;
    load_workflow(conn, workflow_id).await?;
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(GRAPH_NODE_COLUMNS);
    query.push("WHERE workflow_id = ").push_bind(workflow_id.to_string());
    if !include_resolved {
        query.push(" AND NOT is_resolved");
    }
    query.push(" ORDER BY seq");
    let nodes = query
        .build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(graph_node)
        .collect::<Result<Vec<_>>>()?;
    let ids: Vec<String> = nodes.iter().map(|n| n.id.clone()).collect();
    let (pairs, critical_path) = with_graph(conn, graphs, workflow_id, |g| {
        (g.edges_among(&ids), g.critical_path(None))
    })
    .await?;
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

async fn ready_candidates(
    conn: &mut PgConnection,
    workflow_id: &str,
    initial: &str,
    agent: Option<&str>,
) -> Result<Vec<Candidate>> {
    // Served by the partial index tickets_ready.
    let rows = sqlx::query(
        "SELECT id, priority, created_at FROM tickets \
         WHERE workflow_id = $1 AND status = $2 AND NOT is_resolved AND open_blockers = 0 \
         AND (assigned_agent_id IS NULL OR assigned_agent_id = $3)",
    )
    .bind(workflow_id)
    .bind(initial)
    .bind(agent)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Candidate {
                id: r.try_get(0)?,
                priority: Priority::from_rank(i64::from(r.try_get::<i16, _>(1)?)).unwrap_or_default(),
                created_at: r.try_get(2)?,
            })
        })
        .collect()
}

async fn rank_candidates(
    conn: &mut PgConnection,
    graphs: &GraphCache,
    workflow_id: &str,
    candidates: Vec<Candidate>,
    limit: usize,
) -> Result<Vec<(Candidate, u64)>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = candidates.iter().map(|c| c.id.clone()).collect();
    let counts = with_graph(conn, graphs, workflow_id, |g| {
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        g.unblocks_counts(&refs)
    })
    .await?;
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

pub(crate) async fn ready(
    conn: &mut PgConnection,
    graphs: &GraphCache,
    workflow_id: &str,
    agent: Option<&str>,
    limit: u32,
) -> Result<Vec<ReadyTicket>> {
    snapshot(conn).await?;
    let limit = domain::page_size(Some(limit))?;
    let workflow = load_workflow(conn, workflow_id).await?;
    let candidates = ready_candidates(conn, workflow_id, &workflow.board_config.initial_status, agent).await?;
    let ranked = rank_candidates(conn, graphs, workflow_id, candidates, limit as usize).await?;
    let ids: Vec<String> = ranked.iter().map(|(c, _)| c.id.clone()).collect();
    let mut tickets: HashMap<String, Ticket> = load_tickets(conn, &ids)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    Ok(ranked
        .into_iter()
        .filter_map(|(c, unblocks_count)| {
            tickets
                .remove(&c.id)
                .map(|ticket| ReadyTicket { ticket, unblocks_count })
        })
        .collect())
}

/// How many top-ranked candidates a claim tries to lock per round.
const CLAIM_ROUND: usize = 64;

pub(crate) async fn claim(
    tx: &mut PgConnection,
    ctx: &mut WriteCtx,
    graphs: &GraphCache,
    request: &ClaimRequest,
) -> Result<Ticket> {
    let agent = domain::check_agent_id("agent_id", &request.agent_id)?;
    let workflow = load_workflow(tx, &request.workflow_id).await?;
    let board = &workflow.board_config;
    let ticket = match &request.ticket_id {
        Some(input) => {
            let ticket = lock_ticket_ref(tx, input).await?;
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
                    let blockers = unresolved_blockers(tx, &ticket.id).await?;
                    format!(
                        "it is blocked by {}",
                        blockers.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ")
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
            let candidates = ready_candidates(tx, &workflow.id, &board.initial_status, Some(&agent)).await?;
            let ranked = rank_candidates(tx, graphs, &workflow.id, candidates, CLAIM_ROUND).await?;
            let mut taken = None;
            for (candidate, _) in ranked {
                // Still ready, and not being claimed by someone else right now.
                let locked: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM tickets WHERE id = $1 AND status = $2 AND NOT is_resolved AND open_blockers = 0 \
                     AND (assigned_agent_id IS NULL OR assigned_agent_id = $3) FOR UPDATE SKIP LOCKED",
                )
                .bind(&candidate.id)
                .bind(&board.initial_status)
                .bind(&agent)
                .fetch_optional(&mut *tx)
                .await?;
                if locked.is_some() {
                    taken = Some(load_ticket(tx, &candidate.id).await?);
                    break;
                }
            }
            match taken {
                Some(ticket) => ticket,
                None => {
                    return Err(DomainError::NothingReady {
                        workflow_id: workflow.id,
                    }
                    .into())
                }
            }
        }
    };
    let to = board.claim_status().to_string();
    let in_target = count_in_status(tx, board, &workflow.id, &to, &ticket.id).await?;
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
    )
    .await?;
    Ok(change.ticket)
}

pub(crate) async fn has_expired_leases(conn: &mut PgConnection) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS(SELECT 1 FROM tickets WHERE lease_expires_at IS NOT NULL AND lease_expires_at < $1)",
    )
    .bind(now())
    .fetch_one(&mut *conn)
    .await?)
}

pub(crate) async fn expire_leases(tx: &mut PgConnection, ctx: &mut WriteCtx) -> Result<Vec<String>> {
    let at = now();
    let expired: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM tickets WHERE lease_expires_at IS NOT NULL AND lease_expires_at < $1 ORDER BY id \
         FOR UPDATE SKIP LOCKED",
    )
    .bind(at)
    .fetch_all(&mut *tx)
    .await?;
    for id in &expired {
        let ticket = load_ticket(tx, id).await?;
        let workflow = load_workflow(tx, &ticket.workflow_id).await?;
        let initial = &workflow.board_config.initial_status;
        sqlx::query(
            "UPDATE tickets SET status = $2, assigned_agent_id = NULL, lease_expires_at = NULL, lease_seconds = NULL, \
             version = version + 1, updated_at = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(initial)
        .bind(at)
        .execute(&mut *tx)
        .await?;
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
            at,
        )
        .await?;
        ctx.event(
            &ticket.workflow_id,
            "ticket_lease_expired",
            Some(id),
            SYSTEM_AGENT,
            details,
            at,
        );
        if let (Some(holder), Some(lease)) = (&ticket.assigned_agent_id, ticket.lease_expires_at) {
            use tix_core::guardian as rules;
            let pending = crate::guardian::PendingViolation {
                workflow_id: ticket.workflow_id.clone(),
                mode: workflow.guardian.mode(rules::Rule::LeaseIdle),
                agent: holder.clone(),
                object_kind: "ticket",
                object_id: id.clone(),
                finding: rules::lease_idle(id, holder, &lease.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
            };
            if pending.mode != rules::Mode::Off {
                super::agent::insert_violation(tx, &pending).await?;
            }
        }
    }
    Ok(expired)
}

// ---------------------------------------------------------------- events

pub(crate) async fn events_after(
    conn: &mut PgConnection,
    workflow_id: Option<&str>,
    after: i64,
    limit: u32,
) -> Result<Vec<Event>> {
    let limit = i64::from(limit.clamp(1, 10_000));
    let rows = sqlx::query(
        "SELECT id, workflow_id, kind, ticket_id, agent_id, payload, created_at FROM events \
         WHERE id > $1 AND ($2::text IS NULL OR workflow_id = $2) ORDER BY id LIMIT $3",
    )
    .bind(after)
    .bind(workflow_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                id: r.try_get(0)?,
                workflow_id: r.try_get(1)?,
                kind: r.try_get(2)?,
                ticket_id: r.try_get(3)?,
                agent_id: r.try_get(4)?,
                payload: r.try_get::<Json<Value>, _>(5)?.0,
                created_at: r.try_get(6)?,
            })
        })
        .collect()
}
