//! Tix HTTP server: the REST API over any [`tix_store::Store`].
//!
//! [`router`] holds the whole route table; [`launch`] serves it on a given
//! listener so tests can bind port 0. Domain errors become HTTP responses in
//! exactly one place, [`error::ApiError`].

use std::future::Future;

pub mod assets;
pub mod error;
mod extract;
mod handlers;
pub mod openapi;
mod router;

pub use router::{router, router_with_shutdown, ServedStore};

/// Serves the API and the UI on `listener` until `shutdown` resolves; open
/// event streams are ended then, so the shutdown completes.
pub async fn launch<S: ServedStore>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stop = tokio::sync::watch::Sender::new(false);
    let app = router_with_shutdown(store, stop.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            stop.send_replace(true);
        })
        .await
}
