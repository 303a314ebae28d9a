//! Phases of a workflow: how the work is done (Phase 1 creates tickets,
//! later phases consume them). A leaf, so the Guardian's phase rules and the
//! workflow can both use it.

use serde::{Deserialize, Serialize};

/// A phase of the workflow (Phase 1 creates tickets, later phases consume them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Phase {
    pub id: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Column ids this phase works in.
    #[serde(default)]
    pub columns: Vec<String>,
}
