//! Claiming a ticket (or a phase's task) with a lease, waiting for one
//! when none is ready.

use std::time::Duration;

use tix_core::claim::Claimed;
use tix_core::DomainError;
use tix_store::{ClaimRequest, Error, EventFeed, Result, SearchStore, Store};

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
    /// Take this phase's best queued task (and hold its ticket) instead.
    pub phase_id: Option<u32>,
    /// When nothing is ready (or queued), wait this long for something to
    /// become so (`tix_core::validate::wait`: at most 60 s).
    pub wait: Option<Duration>,
}

impl<S: Store + SearchStore> App<S> {
    /// Assigns the top ready ticket (or the named one) to the agent, moves
    /// it to the claim column and starts its lease; with a phase, takes the
    /// phase's best queued task and holds its ticket. Opens a run and
    /// answers its claim token and earlier runs' hand-offs. A lease out of
    /// range is refused (`validation_failed`, field `lease_seconds`) by the
    /// store's claim, which changes nothing. With `wait`, a claim that
    /// finds nothing waits until something becomes ready (woken by the
    /// event log, whichever process wrote) or the time runs out, then
    /// answers `nothing_ready` / `nothing_queued` as without waiting.
    pub async fn claim(&self, claim: NewClaim) -> Result<Claimed>
    where
        S: EventFeed,
    {
        let request = ClaimRequest {
            workflow_id: claim.workflow_id.clone(),
            agent_id: claim.agent_id,
            ticket_id: claim.ticket_id,
            lease: claim.lease_seconds.map(Duration::from_secs),
            phase_id: claim.phase_id,
        };
        let Some(wait) = claim.wait else {
            return self.store.claim(request).await;
        };
        let deadline = tokio::time::Instant::now() + wait;
        let mut wake = self.waiters.subscribe(&self.store, &claim.workflow_id);
        loop {
            match self.store.claim(request.clone()).await {
                Err(Error::Domain(DomainError::NothingReady { .. } | DomainError::NothingQueued { .. }))
                    if tokio::time::Instant::now() < deadline =>
                {
                    if !wake.until(deadline).await {
                        return self.store.claim(request).await;
                    }
                }
                answer => return answer,
            }
        }
    }
}
