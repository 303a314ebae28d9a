//! Tix HTTP server: the REST API over any [`tix_store::Store`].
//!
//! [`router`] holds the whole route table; [`launch`] serves it on a given
//! listener so tests can bind port 0. Domain errors become HTTP responses in
//! exactly one place, [`error::ApiError`].

use std::future::Future;

use tix_store::{AgentStore, CommitStore, GuardianStore, Store, TaskStore};

pub mod auth;
pub mod error;
mod extract;
mod handlers;
pub mod mcp;
pub mod openapi;
mod router;
#[cfg(feature = "story")]
pub mod story;

pub use router::{router, router_with, ServerOptions};

/// Everything the server needs from storage: the ticket store and the
/// agent-interface capabilities (tasks, Guardian, commit links, tokens).
pub trait Backend: Store + TaskStore + GuardianStore + CommitStore + AgentStore {}

impl<T: Store + TaskStore + GuardianStore + CommitStore + AgentStore> Backend for T {}

/// Serves the API (and MCP at `/mcp`) on `listener` until `shutdown` resolves.
pub async fn launch<S: Backend>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    launch_with(store, listener, shutdown, ServerOptions::default()).await
}

/// [`launch`] with options. MCP's DNS-rebinding check accepts the loopback
/// names and the address the listener is bound to (any `Host` when bound to
/// all interfaces).
pub async fn launch_with<S: Backend>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    mut options: ServerOptions,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    if options.mcp_allowed_hosts.is_none() {
        options.mcp_allowed_hosts = router::allowed_hosts_for(addr.ip());
    }
    // Ends open MCP event streams when the server stops, so shutdown is not held up.
    let streams = tokio_util::sync::CancellationToken::new();
    options.mcp_shutdown = Some(streams.clone());
    axum::serve(listener, router_with(store, options))
        .with_graceful_shutdown(async move {
            shutdown.await;
            streams.cancel();
        })
        .await
}
