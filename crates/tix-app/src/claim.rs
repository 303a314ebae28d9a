//! Claiming a ticket with a lease.

use std::time::Duration;

use tix_core::ticket::Ticket;
use tix_store::{ClaimRequest, Result, SearchStore, Store};

use crate::App;

/// A claim as a surface receives it, the lease in plain seconds.
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
    /// is refused (`validation_failed`, field `lease_seconds`) by the
    /// store's claim (`tix_core::validate::lease`), which changes nothing.
    pub async fn claim(&self, claim: NewClaim) -> Result<Ticket> {
        self.store
            .claim(ClaimRequest {
                workflow_id: claim.workflow_id,
                agent_id: claim.agent_id,
                ticket_id: claim.ticket_id,
                lease: claim.lease_seconds.map(Duration::from_secs),
            })
            .await
    }
}
