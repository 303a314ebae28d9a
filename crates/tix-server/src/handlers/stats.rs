//! `/api/workflows/{id}/stats`: counts, throughput, lead and cycle time,
//! cumulative flow and workload, computed by the store from the history.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use tix_core::stats::WorkflowStats;
use tix_store::{SearchStore, StatsStore, Store};
use utoipa::IntoParams;

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Days in the per-day series and timings, today (UTC) included
    /// (default 30, max 365).
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<u32>,
}

#[utoipa::path(get, operation_id = "getWorkflowStats", path = "/api/workflows/{workflow_id}/stats", tag = "workflows",
    params(("workflow_id" = String, Path), StatsQuery),
    responses((status = 200, body = WorkflowStats), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get<S: Store + StatsStore + SearchStore>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<WorkflowStats>, ApiError> {
    Ok(Json(app.use_cases.workflow_stats(&id, query.days).await?))
}
