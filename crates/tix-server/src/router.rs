//! The whole route table.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use rmcp::transport::streamable_http_server::StreamableHttpServerConfig;
use tix_app::App;
use tix_search::Search;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::auth::{authenticate, AuthMode, AuthState};
use crate::handlers::{
    self, events, interop, runs, search, stats, tasks, tickets, webhooks, whoami, workflows, AppState,
};
use crate::host::{self, HostPolicy};
use crate::limits;
use crate::mcp::{self, McpOptions, TixMcp};
use crate::request;
use crate::served::ServedStore;

/// Server settings beyond the store.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Whether requests need an agent token (see [`crate::auth`]).
    pub auth: AuthMode,
    /// The `Host` names and browser origins every route accepts (see
    /// [`crate::host`]); by default `localhost` and IP literals.
    pub hosts: HostPolicy,
    /// Becomes `true` when the server shuts down (ends event streams).
    pub shutdown: Option<watch::Sender<bool>>,
    /// Cancelled when the server shuts down (ends open MCP streams).
    pub mcp_shutdown: Option<CancellationToken>,
    /// The longest a request waits for work (`wait=`, `wait_seconds`);
    /// 60 s when absent, never more.
    pub max_wait: Option<std::time::Duration>,
    /// `GET /metrics` without authentication even when `auth` requires it.
    pub metrics_public: bool,
    /// This server's counters (made when absent).
    pub metrics: Option<crate::metrics::Metrics>,
}

/// The API, MCP and the web UI over `store`.
pub fn router<S: ServedStore>(store: S) -> Router {
    router_with(store, ServerOptions::default())
}

/// Like [`router`]; event streams end when `shutdown` becomes `true`.
pub fn router_with_shutdown<S: ServedStore>(store: S, shutdown: watch::Sender<bool>) -> Router {
    router_with(
        store,
        ServerOptions {
            shutdown: Some(shutdown),
            ..ServerOptions::default()
        },
    )
}

/// Like [`router_with_search`] with keyword search only (no embedding model).
pub fn router_with<S: ServedStore>(store: S, options: ServerOptions) -> Router {
    router_with_search(
        Search::keyword_only(store, "the server was started without an embedder"),
        options,
    )
}

/// The API, MCP and the web UI over a started search service and its store.
pub fn router_with_search<S: ServedStore>(search: Search<S>, options: ServerOptions) -> Router {
    let use_cases = App::new(search);
    let store = use_cases.store().clone();
    // `host::guard` applies the one Host policy to `/mcp` too.
    let mut mcp_config = StreamableHttpServerConfig::default().disable_allowed_hosts();
    if let Some(token) = &options.mcp_shutdown {
        mcp_config = mcp_config.with_cancellation_token(token.child_token());
    }
    // The full toolset; `/mcp?toolset=...` narrows it per connection.
    let mcp = match TixMcp::new(store.clone(), McpOptions::default()) {
        Ok(mcp) => mcp.with_use_cases(use_cases.clone()),
        Err(message) => unreachable!("the default toolset is valid: {message}"),
    };
    let auth = AuthState {
        store: store.clone(),
        mode: options.auth,
        metrics_public: options.metrics_public,
    };
    let metrics = options.metrics.unwrap_or_default();
    let shutdown = options.shutdown.unwrap_or_else(|| watch::Sender::new(false));
    let max_wait_limit = std::time::Duration::from_secs(tix_core::validate::MAX_WAIT_SECONDS);
    let max_wait = options.max_wait.unwrap_or(max_wait_limit).min(max_wait_limit);
    let mcp = mcp.with_max_wait(max_wait);
    Router::new()
        .route(
            "/api/health",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/api/openapi.json", get(|| async { Json(crate::openapi::document()) }))
        .route("/api/workflows", get(workflows::list::<S>).post(workflows::create::<S>))
        .route("/api/workflows/{workflow_id}", get(workflows::get::<S>))
        .route("/api/workflows/{workflow_id}/graph", get(workflows::graph::<S>))
        .route(
            "/api/workflows/{workflow_id}/critical-path",
            get(workflows::critical_path::<S>),
        )
        .route("/api/workflows/{workflow_id}/ready", get(workflows::ready::<S>))
        .route("/api/workflows/{workflow_id}/claim", post(workflows::claim::<S>))
        .route("/api/workflows/{workflow_id}/stats", get(stats::get::<S>))
        .route("/api/workflows/{workflow_id}/guardian", get(workflows::guardian::<S>))
        .route(
            "/api/workflows/{workflow_id}/tickets/import",
            post(workflows::import::<S>).layer(DefaultBodyLimit::max(limits::IMPORT_BODY_LIMIT)),
        )
        .route("/api/workflows/{workflow_id}/export", get(interop::export::<S>))
        .route(
            "/api/import",
            post(interop::import::<S>).layer(DefaultBodyLimit::max(limits::IMPORT_BODY_LIMIT)),
        )
        .route("/api/search", get(search::search::<S>))
        .route("/api/tickets", get(tickets::list::<S>).post(tickets::create::<S>))
        .route("/api/tickets/search", post(search::search_json::<S>))
        .route("/api/tickets/{ticket_id}/related", get(search::related::<S>))
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
        .route("/api/tickets/{ticket_id}/commits", post(tickets::link_commit::<S>))
        .route("/api/tickets/{ticket_id}/heartbeat", post(runs::heartbeat::<S>))
        .route("/api/runs", get(runs::list::<S>))
        .route("/api/runs/{run_id}", get(runs::get::<S>))
        .route("/api/runs/{run_id}/finish", post(runs::finish::<S>))
        .route("/api/webhooks", get(webhooks::list::<S>).post(webhooks::create::<S>))
        .route(
            "/api/webhooks/{webhook_id}",
            get(webhooks::get::<S>).delete(webhooks::delete::<S>),
        )
        .route("/api/webhooks/{webhook_id}/deliveries", get(webhooks::deliveries::<S>))
        .route("/api/whoami", get(whoami::get::<S>))
        .route("/api/tasks", get(tasks::list::<S>).post(tasks::create::<S>))
        .route("/api/tasks/{task_id}", get(tasks::get::<S>))
        .route("/api/tasks/{task_id}/status", post(tasks::set_status::<S>))
        .route("/api/events", get(events::list::<S>))
        .route("/metrics", get(handlers::metrics::get::<S>))
        .with_state(AppState {
            store: store.clone(),
            use_cases,
            shutdown,
            auth: options.auth,
            max_wait,
            metrics: metrics.clone(),
        })
        .nest_service("/mcp", mcp::http_service(mcp, mcp_config))
        .fallback(crate::assets::serve)
        .layer(DefaultBodyLimit::max(limits::BODY_LIMIT))
        // After authentication (it keys answers by the acting agent).
        .layer(axum::middleware::from_fn_with_state(store, request::idempotency::<S>))
        .layer(axum::middleware::from_fn_with_state(auth, authenticate::<S>))
        .layer(axum::middleware::from_fn(limits::limits))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(options.hosts),
            host::guard,
        ))
        // Outermost: every answer is counted, refusals included.
        .layer(axum::middleware::from_fn_with_state(metrics, crate::metrics::track))
}
