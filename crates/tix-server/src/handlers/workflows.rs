//! `/api/workflows`: boards, their graph, the ready queue and claims.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use tix_app::NewClaim;
use tix_core::claim::Claimed;
use tix_core::guardian::{Mode, Rule, Violation, ViolationFilter};
use tix_core::ticket::{CriticalPath, NewTicket, ReadyTicket, TicketGraph};
use tix_core::workflow::{NewWorkflow, Workflow};
use tix_store::{EventFeed, GuardianStore, Scoped, SearchStore, Store};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Agent, ApiJson, ApiQuery, Caller, OptionalJson};
use crate::request::RequestScope;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct WorkflowList {
    /// Most recently active first.
    pub workflows: Vec<Workflow>,
}

#[utoipa::path(post, operation_id = "createWorkflow", path = "/api/workflows", tag = "workflows", request_body = NewWorkflow,
    responses((status = 201, body = Workflow), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create<S: Store + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    ApiJson(body): ApiJson<NewWorkflow>,
) -> Result<(StatusCode, Json<Workflow>), ApiError> {
    let store = scope.store::<_, Workflow>(&app.store, StatusCode::CREATED);
    Ok((StatusCode::CREATED, Json(store.create_workflow(&agent, body).await?)))
}

#[utoipa::path(get, operation_id = "listWorkflows", path = "/api/workflows", tag = "workflows", responses((status = 200, body = WorkflowList)))]
pub async fn list<S: Store>(State(app): State<AppState<S>>) -> Result<Json<WorkflowList>, ApiError> {
    Ok(Json(WorkflowList {
        workflows: app.store.list_workflows().await?,
    }))
}

#[utoipa::path(get, operation_id = "getWorkflow", path = "/api/workflows/{workflow_id}", tag = "workflows",
    params(("workflow_id" = String, Path)),
    responses((status = 200, body = Workflow), (status = 404, body = ErrorBody)))]
pub async fn get<S: Store>(State(app): State<AppState<S>>, Path(id): Path<String>) -> Result<Json<Workflow>, ApiError> {
    Ok(Json(app.store.get_workflow(&id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GraphQuery {
    /// Include resolved tickets (default true).
    pub include_resolved: Option<bool>,
}

#[utoipa::path(get, operation_id = "getWorkflowGraph", path = "/api/workflows/{workflow_id}/graph", tag = "workflows",
    params(("workflow_id" = String, Path), GraphQuery),
    responses((status = 200, body = TicketGraph), (status = 404, body = ErrorBody)))]
pub async fn graph<S: Store>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<GraphQuery>,
) -> Result<Response, ApiError> {
    // A whole workflow's graph can be tens of MB: written in pieces.
    let graph: TicketGraph = app
        .store
        .workflow_graph(&id, query.include_resolved.unwrap_or(true))
        .await?;
    Ok(crate::chunked::json(graph))
}

#[utoipa::path(get, operation_id = "getCriticalPath", path = "/api/workflows/{workflow_id}/critical-path", tag = "workflows",
    params(("workflow_id" = String, Path)),
    responses((status = 200, body = CriticalPath, description = "The longest chain of unresolved tickets, \
        blocker first, with their titles: the graph's `critical_path` without the rest of the graph"),
        (status = 404, body = ErrorBody)))]
pub async fn critical_path<S: Store>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
) -> Result<Json<CriticalPath>, ApiError> {
    Ok(Json(app.store.critical_path(&id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReadyQuery {
    /// Include tickets assigned to this agent (default: the X-Agent-ID).
    pub agent_id: Option<String>,
    /// At most this many (default 50, max 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// When nothing is ready, wait up to this many seconds for something to
    /// become ready (0..60; default 0: answer at once).
    #[param(minimum = 0, maximum = 60)]
    pub wait: Option<u64>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReadyList {
    /// Best first: priority, then how many tickets each unblocks, then age.
    pub tickets: Vec<ReadyTicket>,
}

#[utoipa::path(get, operation_id = "listReadyTickets", path = "/api/workflows/{workflow_id}/ready", tag = "workflows",
    params(("workflow_id" = String, Path), ReadyQuery),
    responses((status = 200, body = ReadyList), (status = 404, body = ErrorBody)))]
pub async fn ready<S: Store + SearchStore + EventFeed>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ReadyQuery>,
) -> Result<Json<ReadyList>, ApiError> {
    let limit = tix_core::ticket::page_size(query.limit)?;
    let asking = caller.acting_as("agent_id", query.agent_id)?;
    let wait = app.wait(query.wait)?;
    Ok(Json(ReadyList {
        tickets: app.use_cases.ready(&id, Some(&asking), limit, wait).await?,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    /// When nothing is ready (or queued), wait up to this many seconds for
    /// something to become so (0..60; default 0: answer at once).
    #[param(minimum = 0, maximum = 60)]
    pub wait: Option<u64>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    /// The claiming agent (default: the X-Agent-ID).
    pub agent_id: Option<String>,
    /// Claim this ticket instead of the top ready one.
    pub ticket_id: Option<String>,
    /// Lease length in seconds (default 1800, at most 86400).
    pub lease_seconds: Option<u64>,
    /// Take this phase's best queued task instead of a ready ticket: the
    /// task starts for you and its ticket is held where it stands.
    pub phase_id: Option<u32>,
}

#[utoipa::path(post, operation_id = "claimTicket", path = "/api/workflows/{workflow_id}/claim", tag = "workflows",
    params(("workflow_id" = String, Path), ClaimQuery), request_body = ClaimBody,
    responses((status = 200, body = Claimed, description = "the ticket, its claim_token (send it as X-Tix-Claim), the run it opened and earlier runs' hand-offs"),
        (status = 404, body = ErrorBody, description = "nothing_ready / nothing_queued (after waiting, with wait)"),
        (status = 409, body = ErrorBody)))]
pub async fn claim<S: Store + SearchStore + EventFeed + Scoped>(
    State(app): State<AppState<S>>,
    caller: Caller,
    scope: RequestScope,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ClaimQuery>,
    OptionalJson(body): OptionalJson<ClaimBody>,
) -> Result<Json<Claimed>, ApiError> {
    let body = body.unwrap_or_default();
    let claim = NewClaim {
        workflow_id: id,
        agent_id: caller.acting_as("agent_id", body.agent_id)?,
        ticket_id: body.ticket_id,
        lease_seconds: body.lease_seconds,
        phase_id: body.phase_id,
        wait: app.wait(query.wait)?,
    };
    let use_cases = scope.app::<_, Claimed>(&app.use_cases, StatusCode::OK);
    Ok(Json(use_cases.claim(claim).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// Tickets to create in one transaction; `workflow_id` may be omitted.
    pub tickets: Vec<ImportTicket>,
}

/// A ticket to import: like `POST /api/tickets`, with an optional `id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportTicket {
    pub id: Option<String>,
    pub workflow_id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub ticket_type: String,
    pub priority: Option<tix_core::ticket::Priority>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub blocked_by_ticket_ids: Vec<String>,
    pub assigned_agent_id: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    pub ticket_ids: Vec<String>,
}

pub use tix_core::validate::MAX_IMPORT_BATCH;

#[utoipa::path(post, operation_id = "importTickets", path = "/api/workflows/{workflow_id}/tickets/import", tag = "workflows",
    params(("workflow_id" = String, Path)), request_body = ImportBody,
    responses((status = 201, body = ImportResult), (status = 400, body = ErrorBody)))]
pub async fn import<S: Store + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ImportBody>,
) -> Result<(StatusCode, Json<ImportResult>), ApiError> {
    if body.tickets.len() > MAX_IMPORT_BATCH {
        return Err(ApiError::bad_request(
            format!(
                "{} tickets in one batch; the limit is {MAX_IMPORT_BATCH}",
                body.tickets.len()
            ),
            "Split the import into batches (the CLI's `tix import` does this for you).",
        ));
    }
    if let Some((index, other)) = body.tickets.iter().enumerate().find_map(|(i, t)| {
        t.workflow_id
            .as_deref()
            .filter(|w| *w != id)
            .map(|w| (i, w.to_string()))
    }) {
        return Err(ApiError::bad_request(
            format!("tickets[{index}] names workflow {other}, but this import is into {id}"),
            "Omit workflow_id in imported tickets, or import them into their own workflow.",
        ));
    }
    let tickets = body
        .tickets
        .into_iter()
        .map(|t| NewTicket {
            workflow_id: t.workflow_id.unwrap_or_else(|| id.clone()),
            title: t.title,
            description: t.description,
            ticket_type: t.ticket_type,
            priority: t.priority,
            tags: t.tags,
            blocked_by_ticket_ids: t.blocked_by_ticket_ids,
            assigned_agent_id: t.assigned_agent_id,
            id: t.id,
            parent_id: None,
        })
        .collect();
    let store = app
        .store
        .scoped(scope.scope(|ticket_ids: &Vec<String>| (201, serde_json::json!({ "ticket_ids": ticket_ids }))));
    let ticket_ids = store.import_tickets(&agent, &id, tickets).await?;
    Ok((StatusCode::CREATED, Json(ImportResult { ticket_ids })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GuardianQuery {
    /// Only this rule's violations.
    pub rule: Option<Rule>,
    /// Only this agent's violations.
    pub agent_id: Option<String>,
    /// Only violations with a greater id (default 0).
    pub after: Option<i64>,
    /// At most this many (default 100, max 1000).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct GuardianReport {
    pub workflow_id: String,
    /// Every rule with the mode in effect (`off`, `warn`, `enforce`).
    #[schema(value_type = Object)]
    pub rules: BTreeMap<Rule, Mode>,
    /// Oldest first. `mode: enforce` means the write was refused.
    pub violations: Vec<Violation>,
}

#[utoipa::path(get, operation_id = "getGuardianReport", path = "/api/workflows/{workflow_id}/guardian", tag = "workflows",
    params(("workflow_id" = String, Path), GuardianQuery),
    responses((status = 200, body = GuardianReport), (status = 404, body = ErrorBody)))]
pub async fn guardian<S: GuardianStore>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<GuardianQuery>,
) -> Result<Json<GuardianReport>, ApiError> {
    let workflow = app.store.get_workflow(&id).await?;
    let filter = ViolationFilter {
        rule: query.rule,
        agent_id: query.agent_id,
        after: query.after.unwrap_or(0),
        limit: query.limit,
    };
    let violations = app.store.guardian_violations(&id, filter).await?;
    Ok(Json(GuardianReport {
        workflow_id: workflow.id,
        rules: workflow.guardian.effective(),
        violations,
    }))
}
