//! The whole route table.

use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};

use crate::error::ApiError;
use crate::handlers::{events, tasks, tickets, workflows, AppState};
use crate::Backend;

/// Imports may carry many tickets in one request.
const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

pub fn router<S: Backend>(store: S) -> Router {
    let api = Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/api/openapi.json", get(|| async { Json(crate::openapi::document()) }))
        .route("/api/workflows", get(workflows::list::<S>).post(workflows::create::<S>))
        .route("/api/workflows/{workflow_id}", get(workflows::get::<S>))
        .route("/api/workflows/{workflow_id}/graph", get(workflows::graph::<S>))
        .route("/api/workflows/{workflow_id}/ready", get(workflows::ready::<S>))
        .route("/api/workflows/{workflow_id}/claim", post(workflows::claim::<S>))
        .route("/api/workflows/{workflow_id}/guardian", get(workflows::guardian::<S>))
        .route(
            "/api/workflows/{workflow_id}/tickets/import",
            post(workflows::import::<S>).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
        .route("/api/tickets", get(tickets::list::<S>).post(tickets::create::<S>))
        .route(
            "/api/tickets/{ticket_id}",
            get(tickets::get::<S>).patch(tickets::patch::<S>),
        )
        .route("/api/tickets/{ticket_id}/status", post(tickets::change_status::<S>))
        .route("/api/tickets/{ticket_id}/comments", post(tickets::comment::<S>))
        .route("/api/tickets/{ticket_id}/resolve", post(tickets::resolve::<S>))
        .route("/api/tickets/{ticket_id}/blockers", post(tickets::add_blocker::<S>))
        .route(
            "/api/tickets/{ticket_id}/blockers/{blocker_id}",
            delete(tickets::remove_blocker::<S>),
        )
        .route("/api/tickets/{ticket_id}/graph", get(tickets::graph::<S>))
        .route("/api/tasks", get(tasks::list::<S>).post(tasks::create::<S>))
        .route("/api/tasks/{task_id}", get(tasks::get::<S>))
        .route("/api/tasks/{task_id}/status", post(tasks::set_status::<S>))
        .route("/api/events", get(events::list::<S>))
        .with_state(AppState { store });
    api.route("/", get(index)).fallback(not_found)
}

async fn index() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Tix is running.\n\nAPI: /api/workflows, /api/tickets?workflow_id=..., /api/tickets/{id}, /api/tickets/{id}/graph\n\
         API reference: /api/openapi.json\n",
    )
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        format!("no route for {}", uri.path()),
        "See /api/openapi.json for the routes this server offers.",
    )
}
