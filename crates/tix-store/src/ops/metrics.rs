//! What `GET /metrics` reads from the database, in one snapshot: tickets
//! by workflow and status, the ready queue's length, claims and lease
//! expiries so far, the webhook outbox.

use tix_core::run::RunOutcome;

use super::SYSTEM_AGENT;
use crate::statements::Statements;
use crate::{Result, StoreMetrics};

pub async fn store_metrics<C: Statements>(conn: &mut C) -> Result<StoreMetrics> {
    let mut ready = Vec::new();
    for workflow in conn.list_workflows().await? {
        let count = conn
            .ready_count(&workflow.id, &workflow.board_config.initial_status)
            .await?;
        ready.push((workflow.id, count));
    }
    ready.sort();
    Ok(StoreMetrics {
        backend: "",
        tickets: conn.ticket_counts().await?,
        ready,
        claims: conn.claim_count().await?,
        // Only an expired lease ends a run as abandoned by Tix itself.
        lease_expiries: conn.runs_ended(RunOutcome::Abandoned, SYSTEM_AGENT).await?,
        deliveries: conn.delivery_counts().await?,
        pool: Default::default(),
    })
}
