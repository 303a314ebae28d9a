//! Request handlers, one module per resource.

pub mod events;
pub mod tasks;
pub mod tickets;
pub mod workflows;

use tix_store::Store;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState<S: Store> {
    pub store: S,
}
