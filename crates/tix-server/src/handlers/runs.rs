//! Runs (`/api/runs`): attempts at tickets, how they ended, what they
//! handed over and cost; and the heartbeat that keeps a claim alive.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use tix_core::run::{FinishRun, Heartbeat, Run, RunFilter, RunOutcome, RunPage};
use tix_store::{RunStore, Scoped};
use utoipa::IntoParams;

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Agent, ApiJson, ApiQuery};
use crate::request::RequestScope;

#[utoipa::path(post, operation_id = "heartbeat", path = "/api/tickets/{ticket_id}/heartbeat", tag = "runs",
    params(("ticket_id" = String, Path)),
    responses((status = 200, body = Heartbeat, description = "the lease, renewed by the length it was claimed with"),
        (status = 409, body = ErrorBody, description = "lease_lost: you hold no live claim on it (or sent a stale X-Tix-Claim)")))]
pub async fn heartbeat<S: RunStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
) -> Result<Json<Heartbeat>, ApiError> {
    let store = scope.store::<_, Heartbeat>(&app.store, StatusCode::OK);
    Ok(Json(store.heartbeat(&agent, &id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RunQuery {
    pub workflow_id: Option<String>,
    /// Ticket id or unambiguous prefix.
    pub ticket_id: Option<String>,
    pub agent_id: Option<String>,
    pub outcome: Option<RunOutcome>,
    /// Only open (true) or only ended (false) runs.
    pub open: Option<bool>,
    /// Page size (default 50, max 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listRuns", path = "/api/runs", tag = "runs", params(RunQuery),
    responses((status = 200, body = RunPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list<S: RunStore>(
    State(app): State<AppState<S>>,
    ApiQuery(query): ApiQuery<RunQuery>,
) -> Result<Json<RunPage>, ApiError> {
    let filter = RunFilter {
        workflow_id: query.workflow_id,
        ticket_id: query.ticket_id,
        agent_id: query.agent_id,
        outcome: query.outcome,
        open: query.open,
    };
    Ok(Json(app.store.list_runs(filter, query.limit, query.cursor).await?))
}

#[utoipa::path(get, operation_id = "getRun", path = "/api/runs/{run_id}", tag = "runs",
    params(("run_id" = String, Path)),
    responses((status = 200, body = Run), (status = 404, body = ErrorBody)))]
pub async fn get<S: RunStore>(State(app): State<AppState<S>>, Path(id): Path<String>) -> Result<Json<Run>, ApiError> {
    Ok(Json(app.store.get_run(&id).await?))
}

#[utoipa::path(post, operation_id = "finishRun", path = "/api/runs/{run_id}/finish", tag = "runs",
    params(("run_id" = String, Path)), request_body = FinishRun,
    responses((status = 200, body = Run, description = "the run, ended; a run that held the ticket's claim gave it back"),
        (status = 403, body = ErrorBody, description = "not_run_owner"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "run_ended, or lease_lost for a stale X-Tix-Claim")))]
pub async fn finish<S: RunStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FinishRun>,
) -> Result<Json<Run>, ApiError> {
    let store = scope.store::<_, Run>(&app.store, StatusCode::OK);
    Ok(Json(store.finish_run(&agent, &id, body).await?))
}
