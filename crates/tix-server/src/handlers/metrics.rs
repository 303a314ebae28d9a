//! `GET /metrics`: this server's counters and the database's numbers in
//! the Prometheus text format ([`crate::metrics`]).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tix_store::{MetricsStore, SearchStore, Store};

use super::AppState;
use crate::error::ApiError;
use crate::metrics::render;

/// `GET /metrics`.
pub async fn get<S: Store + MetricsStore + SearchStore>(State(app): State<AppState<S>>) -> Result<Response, ApiError> {
    let counts = app.store.store_metrics().await?;
    let queue = app.store.embedding_queue_len().await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        render(&app.metrics, &counts, queue),
    )
        .into_response())
}
