//! Tix domain core: workflows and their board config, tickets, the blocking
//! graph, the status-change rules and the ready ordering, tasks and the
//! formats that link tasks and commits to tickets.
//!
//! This crate does no IO: no database, no network, no clock, no randomness.
//! Storage backends call into it with the facts they read, and it answers
//! with decisions (or a [`DomainError`] that says what to do next).
//!
//! ```
//! use tix_core::board::BoardConfig;
//! let board: BoardConfig = serde_json::from_str(r#"{
//!     "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "done", "name": "Done"}],
//!     "ticket_types": ["bug"], "initial_status": "backlog"
//! }"#).unwrap();
//! board.validate().unwrap();
//! assert_eq!(board.done_statuses(), vec!["done"]);
//! ```

pub mod board;
pub mod claim;
pub mod commit;
pub mod error;
pub mod event;
pub mod graph;
pub mod guardian;
pub mod hierarchy;
pub mod ids;
pub mod interop;
pub mod phase;
pub mod reference;
pub mod refs;
pub mod rules;
pub mod run;
pub mod stats;
pub mod task;
pub mod ticket;
pub mod validate;
pub mod webhook;
pub mod workflow;

pub use error::DomainError;
