//! Choosing the workflow a call works in, and the agent's current task
//! (which a call also takes its ticket from).

use tix_core::task::{Task, TaskFilter, TaskStatus};
use tix_core::workflow::{named_workflow, only_workflow};
use tix_store::{Result, SearchStore, Store, TaskStore};

use crate::App;

/// Tasks read per status when looking for an agent's current task; an
/// agent with more open tasks than this is not a case worth a second page.
const CURRENT_TASK_SCAN: u32 = 500;

/// What a surface knows when it chooses the workflow: each passes what it
/// has and leaves the rest `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkflowChoice<'a> {
    /// The workflow the call names (`workflow_id`, `--workflow`); a blank
    /// name counts as none.
    pub named: Option<&'a str>,
    /// The session's default (`tix mcp --workflow`).
    pub session_default: Option<&'a str>,
    /// The agent whose current task's workflow comes next (MCP passes the
    /// acting agent; the CLI none, its calls name no task).
    pub current_task_of: Option<&'a str>,
}

impl<S: Store + SearchStore> App<S> {
    /// The workflow a call works in: the one it names, else the session's
    /// default, else the workflow of the agent's current task, else the
    /// only one there is (`workflow_not_chosen`, listing them, otherwise).
    pub async fn workflow_id(&self, choice: WorkflowChoice<'_>) -> Result<String>
    where
        S: TaskStore,
    {
        if let Some(id) = named_workflow(choice.named) {
            return Ok(id.to_string());
        }
        if let Some(id) = choice.session_default {
            return Ok(id.to_string());
        }
        if let Some(agent) = choice.current_task_of {
            if let Some(task) = self.current_task(agent).await? {
                return Ok(task.workflow_id);
            }
        }
        Ok(only_workflow(self.store.list_workflows().await?)?.id)
    }

    /// The agent's task in progress (the latest started), else its latest
    /// queued task.
    pub async fn current_task(&self, agent: &str) -> Result<Option<Task>>
    where
        S: TaskStore,
    {
        for status in [TaskStatus::InProgress, TaskStatus::Queued] {
            let filter = TaskFilter {
                status: Some(status),
                assigned_agent_id: Some(agent.to_string()),
                ..TaskFilter::default()
            };
            let mut page = self.store.list_tasks(filter, Some(CURRENT_TASK_SCAN), None).await?;
            if let Some(task) = page.tasks.pop() {
                return Ok(Some(task));
            }
        }
        Ok(None)
    }
}
