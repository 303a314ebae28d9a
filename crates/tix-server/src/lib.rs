//! Tix HTTP server: the REST API over any [`tix_store::Store`].
//!
//! [`router`] holds the whole route table; [`launch`] serves it on a given
//! listener so tests can bind port 0. Domain errors become HTTP responses in
//! exactly one place, [`error::ApiError`].

use std::future::Future;

use tix_store::{GuardianStore, Store, TaskStore};

pub mod error;
mod extract;
mod handlers;
pub mod openapi;
mod router;

pub use router::router;

/// Everything the server needs from storage: the ticket store and the
/// agent-interface capabilities (tasks, Guardian).
pub trait Backend: Store + TaskStore + GuardianStore {}

impl<T: Store + TaskStore + GuardianStore> Backend for T {}

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn launch<S: Backend>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store))
        .with_graceful_shutdown(shutdown)
        .await
}
