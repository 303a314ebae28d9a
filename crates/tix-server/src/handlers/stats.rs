//! `/api/workflows/{id}/stats`: counts, throughput, lead and cycle time,
//! cumulative flow and workload, computed by the store from the history.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use tix_core::stats::WorkflowStats;
use tix_store::{StatsStore, Store, MAX_STATS_DAYS};
use utoipa::IntoParams;

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Days in the per-day series and timings, today (UTC) included
    /// (default 30, max 365).
    pub days: Option<u32>,
}

pub const DEFAULT_STATS_DAYS: u32 = 30;

#[utoipa::path(get, path = "/api/workflows/{workflow_id}/stats", tag = "workflows",
    params(("workflow_id" = String, Path), StatsQuery),
    responses((status = 200, body = WorkflowStats), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get<S: Store + StatsStore>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<WorkflowStats>, ApiError> {
    let days = query.days.unwrap_or(DEFAULT_STATS_DAYS);
    if !(1..=MAX_STATS_DAYS).contains(&days) {
        return Err(ApiError::bad_request(
            format!("days must be 1..={MAX_STATS_DAYS} (got {days})"),
            "Ask for a shorter period, e.g. ?days=30.",
        ));
    }
    Ok(Json(app.store.workflow_stats(&id, days).await?))
}
