//! Tix HTTP server: the REST API over any [`tix_store::Store`].

use std::future::Future;

use tix_store::Store;

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn launch<S: Store>(
    store: S,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(store);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// The whole route table.
pub fn router<S: Store>(_store: S) -> axum::Router {
    axum::Router::new()
}
