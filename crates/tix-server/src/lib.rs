//! Tix HTTP server: the REST API, MCP (streamable HTTP at `/mcp`) and the
//! web UI over any store that offers what [`ServedStore`] lists.
//!
//! [`router`] holds the whole route table; [`launch`] serves it on a given
//! listener so tests can bind port 0. Domain errors become HTTP responses in
//! exactly one place, [`error::ApiError`], and MCP tool errors in one place,
//! [`mcp::error::ToolError`].

use std::future::Future;

pub mod assets;
pub mod auth;
mod chunked;
pub mod deliver;
pub mod error;
mod extract;
mod handlers;
pub mod host;
mod identity;
mod limits;
pub mod mcp;
pub mod metrics;
pub mod openapi;
pub mod request;
mod router;
mod served;
#[cfg(feature = "story")]
pub mod story;

pub use router::{router, router_with, router_with_search, router_with_shutdown, ServerOptions};
pub use served::ServedStore;
use tix_search::Search;

/// Serves the API, MCP and the UI on `listener` until `shutdown` resolves;
/// open event streams are ended then, so the shutdown completes.
pub async fn launch<S: ServedStore>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    launch_with(store, listener, shutdown, ServerOptions::default()).await
}

/// [`launch`] with options (auth, the Host policy of [`host`]).
pub async fn launch_with<S: ServedStore>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: ServerOptions,
) -> std::io::Result<()> {
    let search = Search::keyword_only(store, "the server was started without an embedder");
    launch_with_search(search, listener, shutdown, options).await
}

/// [`launch_with`] over a started [`Search`] service (semantic search,
/// duplicate detection) and its store.
pub async fn launch_with_search<S: ServedStore>(
    search: Search<S>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    mut options: ServerOptions,
) -> std::io::Result<()> {
    let stop = tokio::sync::watch::Sender::new(false);
    let mcp_streams = tokio_util::sync::CancellationToken::new();
    options.shutdown = Some(stop.clone());
    options.mcp_shutdown = Some(mcp_streams.clone());
    let metrics = options.metrics.get_or_insert_with(metrics::Metrics::default).clone();
    // Webhook deliveries go out from every server on the database.
    let deliverer = tokio::spawn(deliver::run(search.store().clone(), stop.subscribe(), metrics));
    let served = axum::serve(listener, router_with_search(search, options))
        .with_graceful_shutdown(async move {
            shutdown.await;
            stop.send_replace(true);
            mcp_streams.cancel();
        })
        .await;
    deliverer.abort();
    served
}
