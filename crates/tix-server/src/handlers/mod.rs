//! Request handlers, one module per resource.

pub mod events;
pub mod search;
pub mod stats;
pub mod tasks;
pub mod tickets;
pub mod workflows;

use tix_app::App;
use tix_store::Store;
use tokio::sync::watch;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState<S: Store> {
    /// The plain operations.
    pub store: S,
    /// The use cases (create with look-alikes, claim, statistics) and the
    /// search service (search, related tickets).
    pub use_cases: App<S>,
    /// Becomes `true` when the server shuts down, so endless responses
    /// (event streams) end and graceful shutdown can finish.
    pub shutdown: watch::Sender<bool>,
}
