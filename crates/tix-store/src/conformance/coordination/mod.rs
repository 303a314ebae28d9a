//! Conformance cases of coordination: runs and their hand-offs, claim
//! tokens that fence a lost claim, claims by phase, idempotency keys and
//! the webhook outbox.

use std::time::Duration;

use tix_core::claim::Claimed;
use tix_core::run::RunFilter;
use tix_core::task::{NewTask, TaskStatus};

use super::ACTOR;
use crate::{ClaimRequest, IdempotencyStore, RunStore, Scope, Scoped, StatsStore, Store, TaskStore, WebhookStore};

mod fencing;
mod idempotency;
mod outbox;
mod runs;

pub use fencing::*;
pub use idempotency::*;
pub use outbox::*;
pub use runs::*;

/// What the coordination cases need of a store.
pub trait CoordinationStore:
    Store + TaskStore + RunStore + WebhookStore + IdempotencyStore + StatsStore + Scoped
{
}
impl<S: Store + TaskStore + RunStore + WebhookStore + IdempotencyStore + StatsStore + Scoped> CoordinationStore for S {}

async fn claim<S: Store>(store: &S, workflow_id: &str, agent: &str, lease: Option<Duration>) -> Claimed {
    store
        .claim(ClaimRequest {
            workflow_id: workflow_id.to_string(),
            agent_id: agent.to_string(),
            lease,
            ..ClaimRequest::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{agent} claims: {e}"))
}

/// The store, carrying `token` on its writes.
fn with_token<S: Scoped>(store: &S, token: &str) -> S {
    store.scoped(Scope {
        claim_token: Some(token.to_string()),
        idempotency: None,
    })
}

async fn runs_of<S: RunStore>(store: &S, ticket_id: &str) -> Vec<tix_core::run::Run> {
    store
        .list_runs(
            RunFilter {
                ticket_id: Some(ticket_id.to_string()),
                ..RunFilter::default()
            },
            Some(100),
            None,
        )
        .await
        .expect("list runs")
        .runs
}

async fn phase_task<S: TaskStore>(store: &S, phase_id: u32, ticket_id: &str, what: &str) -> String {
    store
        .create_task(
            ACTOR,
            NewTask {
                description: format!("Phase {phase_id}: {what} - TICKET: {ticket_id}"),
                phase_id,
                ticket_id: ticket_id.to_string(),
                ..NewTask::default()
            },
        )
        .await
        .expect("create task")
        .task_id
}

async fn task_status<S: TaskStore>(store: &S, id: &str) -> TaskStatus {
    store.get_task(id).await.expect("get task").status
}

/// Lets a zero lease run out (leases are compared with the clock).
async fn let_lease_run_out() {
    tokio::time::sleep(Duration::from_millis(30)).await;
}
