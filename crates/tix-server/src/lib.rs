//! Tix HTTP server: the REST API over any [`tix_store::Store`].
//!
//! [`router`] holds the whole route table; [`launch`] serves it on a given
//! listener so tests can bind port 0. Domain errors become HTTP responses in
//! exactly one place, [`error::ApiError`].

use std::future::Future;

use tix_search::Search;
use tix_store::{SearchStore, Store};

pub mod error;
mod extract;
mod handlers;
pub mod openapi;
mod router;

pub use router::{router, router_with_search};

/// Serves the API on `listener` until `shutdown` resolves, with keyword
/// search only (no embedding model); see [`launch_with_search`].
pub async fn launch<S: Store + SearchStore>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves the API with a started [`Search`] service (semantic search,
/// duplicate detection) until `shutdown` resolves.
pub async fn launch_with_search<S: Store + SearchStore>(
    search: Search<S>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router_with_search(search))
        .with_graceful_shutdown(shutdown)
        .await
}
