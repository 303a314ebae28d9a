//! Conformance cases of the agent interface: tasks (and how they follow
//! their ticket's blockers) and the Guardian's violations.

use tix_core::guardian::{GuardianConfig, Mode, Rule, ViolationFilter};
use tix_core::task::{NewTask, TaskStatus};
use tix_core::workflow::Workflow;

use super::fixtures::seed_workflow;
use super::ACTOR;
use crate::{GuardianStore, Store, TaskStore};

mod guardian;
mod tasks;

pub use guardian::*;
pub use tasks::*;

fn task_for(phase_id: u32, ticket_id: &str, what: &str) -> NewTask {
    NewTask {
        description: format!("Phase {phase_id}: {what} - TICKET: {ticket_id}"),
        phase_id,
        ticket_id: ticket_id.to_string(),
        ..NewTask::default()
    }
}

async fn add_task<S: TaskStore>(store: &S, new: NewTask) -> tix_core::task::Task {
    let what = new.description.clone();
    store
        .create_task(ACTOR, new)
        .await
        .unwrap_or_else(|e| panic!("creating task '{what}' failed: {e}"))
        .task
}

async fn task_status<S: TaskStore>(store: &S, id: &str) -> TaskStatus {
    store.get_task(id).await.expect("get_task").status
}

async fn workflow_with_guardian<S: Store>(store: &S, name: &str, rules: &[(Rule, Mode)]) -> Workflow {
    let mut new = seed_workflow(None, name);
    new.guardian = GuardianConfig {
        rules: rules.iter().copied().collect(),
    };
    store.create_workflow(ACTOR, new).await.expect("create workflow")
}

async fn violations<S: GuardianStore>(store: &S, workflow_id: &str) -> Vec<tix_core::guardian::Violation> {
    store
        .guardian_violations(workflow_id, ViolationFilter::default())
        .await
        .expect("guardian_violations")
}
