//! Request handlers, one module per resource.

pub mod events;
pub mod search;
pub mod stats;
pub mod tasks;
pub mod tickets;
pub mod workflows;

use tix_search::Search;
use tix_store::Store;
use tokio::sync::watch;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState<S: Store> {
    pub store: S,
    /// Search, duplicate detection and related tickets.
    pub search: Search<S>,
    /// Becomes `true` when the server shuts down, so endless responses
    /// (event streams) end and graceful shutdown can finish.
    pub shutdown: watch::Sender<bool>,
}
