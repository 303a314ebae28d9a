//! Request handlers, one module per resource.

pub mod events;
pub mod interop;
pub mod metrics;
pub mod runs;
pub mod search;
pub mod stats;
pub mod tasks;
pub mod tickets;
pub mod webhooks;
pub mod whoami;
pub mod workflows;

use std::time::Duration;

use tix_app::App;
use tix_store::Store;
use tokio::sync::watch;

use crate::auth::AuthMode;
use crate::error::ApiError;

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
    pub auth: AuthMode,
    /// The longest a request waits for work (`wait=`), at most 60 s.
    pub max_wait: Duration,
    /// This server's counters, for `GET /metrics`.
    pub metrics: crate::metrics::Metrics,
}

impl<S: Store> AppState<S> {
    /// The wait a request asked for (`wait=`, checked: at most 60 s),
    /// capped by the server's `--max-wait`.
    pub fn wait(&self, seconds: Option<u64>) -> Result<Option<Duration>, ApiError> {
        Ok(tix_core::validate::wait(seconds)?.map(|w| w.min(self.max_wait)))
    }
}
