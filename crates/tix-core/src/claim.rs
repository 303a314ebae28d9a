//! The answer to a claim: the claimed ticket with its claim token, its run
//! and what earlier runs handed over. Its own module: it joins tickets,
//! tasks and runs, which do not depend on one another.

use serde::{Deserialize, Serialize};

use crate::run::PriorRun;
use crate::task::Task;
use crate::ticket::Ticket;

/// The answer to a claim: the ticket (its fields at the top level), the
/// token that fences the claimant's writes, the run the claim opened, the
/// task when a phase's task was claimed, and earlier runs' hand-offs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Claimed {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// Send it with your writes to this ticket (`X-Tix-Claim`, or `claim_token`
    /// over MCP); it stops working when the claim ends.
    pub claim_token: String,
    pub run_id: String,
    /// The task claimed (a claim by phase), else `null`.
    pub task: Option<Task>,
    /// What earlier runs on this ticket left, most recent first (about 2 KB of text at most).
    pub handoffs: Vec<PriorRun>,
}
