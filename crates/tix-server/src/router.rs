//! The whole route table.

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use tix_store::{EventFeed, StatsStore, Store};
use tokio::sync::watch;

use crate::handlers::{events, stats, tickets, workflows, AppState};

/// Imports may carry many tickets in one request.
const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// What a store must offer to be served: the domain operations, live event
/// notification and statistics.
pub trait ServedStore: Store + EventFeed + StatsStore {}
impl<S: Store + EventFeed + StatsStore> ServedStore for S {}

/// The API and the web UI over `store`.
pub fn router<S: ServedStore>(store: S) -> Router {
    router_with_shutdown(store, watch::Sender::new(false))
}

/// Like [`router`]; event streams end when `shutdown` becomes `true`.
pub fn router_with_shutdown<S: ServedStore>(store: S, shutdown: watch::Sender<bool>) -> Router {
    Router::new()
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
        .route("/api/workflows/{workflow_id}/stats", get(stats::get::<S>))
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
        .route("/api/events", get(events::list::<S>))
        .with_state(AppState { store, shutdown })
        .fallback(crate::assets::serve)
}
