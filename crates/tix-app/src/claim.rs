//! Claiming a ticket with a lease.

use tix_core::ticket::Ticket;
use tix_core::validate;
use tix_store::{ClaimRequest, Result, SearchStore, Store};

use crate::App;

/// A claim as a surface receives it: the lease still in plain seconds, so
/// its range is checked here, on every surface.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewClaim {
    pub workflow_id: String,
    pub agent_id: String,
    /// Claim this ticket instead of the top ready one.
    pub ticket_id: Option<String>,
    /// Lease length; 1800 when absent, at most 86,400.
    pub lease_seconds: Option<u64>,
}

impl<S: Store + SearchStore> App<S> {
    /// Assigns the top ready ticket (or the named one) to the agent, moves
    /// it to the claim column and starts its lease. A lease out of range
    /// is refused (`validation_failed`, field `lease_seconds`) before the
    /// store is asked anything.
    pub async fn claim(&self, claim: NewClaim) -> Result<Ticket> {
        let lease = validate::lease(claim.lease_seconds)?;
        self.store
            .claim(ClaimRequest {
                workflow_id: claim.workflow_id,
                agent_id: claim.agent_id,
                ticket_id: claim.ticket_id,
                lease: Some(lease),
            })
            .await
    }
}
