//! `/api/events`: the event log, oldest first.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use tix_core::ticket::Event;
use tix_store::Store;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    pub workflow_id: Option<String>,
    /// Return events with an id greater than this (default 0).
    pub after: Option<i64>,
    /// At most this many (default 100, max 1000).
    pub limit: Option<u32>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct EventList {
    pub events: Vec<Event>,
}

#[utoipa::path(get, path = "/api/events", tag = "events", params(EventQuery),
    responses((status = 200, body = EventList), (status = 400, body = ErrorBody)))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    ApiQuery(query): ApiQuery<EventQuery>,
) -> Result<Json<EventList>, ApiError> {
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let events = app
        .store
        .events_after(query.workflow_id.as_deref(), query.after.unwrap_or(0), limit)
        .await?;
    Ok(Json(EventList { events }))
}
