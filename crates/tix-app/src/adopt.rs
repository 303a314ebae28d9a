//! Starting an agent's task for it. The spec's phase instructions name a
//! ticket (or no ticket at all: "change_ticket_status(new_status=
//! "testing")") but never start a task or claim anything. So an agent's
//! first write to the ticket of a queued, unassigned task starts that task
//! for it, and an agent with no task that writes without naming a ticket
//! gets the oldest queued, unassigned task of its phase. Either way the
//! task's own history row records the start, and "the ticket of the
//! agent's current task" applies from then on.

use tix_core::task::{Task, TaskFilter, TaskStatus};
use tix_store::{Result, SearchStore, Store, TaskStore};

use crate::App;

/// Queued tasks looked at per adoption (the oldest first).
const ADOPTION_SCAN: u32 = 50;

/// The phase an agent id names, by the convention of phase-spawned agents
/// (`agent-phase3-a`, `phase-2-builder`): the number after `phase`.
pub fn phase_named_by(agent: &str) -> Option<u32> {
    let lower = agent.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("phase") {
        let after = rest[at + "phase".len()..].trim_start_matches(['-', '_']);
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(phase) = digits.parse() {
            return Some(phase);
        }
        rest = &rest[at + "phase".len()..];
    }
    None
}

impl<S: Store + SearchStore + TaskStore> App<S> {
    /// Before `agent` writes to `ticket_id`: starts the ticket's queued,
    /// unassigned task (of `phase`, when known) for the agent, unless it
    /// already has a task in progress there. Answers the task started.
    pub async fn adopt_task_on(&self, agent: &str, ticket_id: &str, phase: Option<u32>) -> Result<Option<Task>> {
        let ticket_id = self.store.resolve_ticket_id(ticket_id).await?;
        let on_ticket = TaskFilter {
            ticket_id: Some(ticket_id),
            ..TaskFilter::default()
        };
        let tasks = self.store.list_tasks(on_ticket, Some(ADOPTION_SCAN), None).await?.tasks;
        let working = tasks
            .iter()
            .any(|t| t.status == TaskStatus::InProgress && t.assigned_agent_id.as_deref() == Some(agent));
        if working {
            return Ok(None);
        }
        let mut open: Vec<Task> = tasks
            .into_iter()
            .filter(|t| t.status == TaskStatus::Queued && t.assigned_agent_id.as_deref().is_none_or(|a| a == agent))
            .filter(|t| phase.is_none_or(|p| t.phase_id == p))
            .collect();
        // The earliest phase's task is the one the ticket waits on.
        open.sort_by_key(|t| t.phase_id);
        self.start_first(agent, open).await
    }

    /// For an agent with no task that writes without naming a ticket: the
    /// oldest queued, unassigned task of its phase, started for it.
    pub async fn adopt_task_of_phase(
        &self,
        agent: &str,
        workflow_id: Option<&str>,
        phase: u32,
    ) -> Result<Option<Task>> {
        let queued = TaskFilter {
            workflow_id: workflow_id.map(str::to_string),
            status: Some(TaskStatus::Queued),
            phase_id: Some(phase),
            ..TaskFilter::default()
        };
        let open: Vec<Task> = self
            .store
            .list_tasks(queued, Some(ADOPTION_SCAN), None)
            .await?
            .tasks
            .into_iter()
            .filter(|t| t.assigned_agent_id.is_none())
            .collect();
        self.start_first(agent, open).await
    }

    /// Starts the first of `candidates` that is still free: another agent
    /// may start the same task at the same moment, and then it stays its.
    async fn start_first(&self, agent: &str, candidates: Vec<Task>) -> Result<Option<Task>> {
        for task in candidates {
            match self
                .store
                .set_task_status(agent, &task.task_id, TaskStatus::InProgress, None)
                .await
            {
                Ok(started) if started.assigned_agent_id.as_deref() == Some(agent) => return Ok(Some(started)),
                // Taken meanwhile (in progress for someone else, or no longer queued).
                Ok(_) | Err(tix_store::Error::Domain(_)) => continue,
                Err(other) => return Err(other),
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::phase_named_by;

    #[test]
    fn the_phase_an_agent_id_names() {
        assert_eq!(phase_named_by("agent-phase3-a"), Some(3));
        assert_eq!(phase_named_by("Phase-2-builder"), Some(2));
        assert_eq!(phase_named_by("phase_12"), Some(12));
        assert_eq!(phase_named_by("phaser-phase1"), Some(1));
        assert_eq!(phase_named_by("builder"), None);
        assert_eq!(phase_named_by("phase-x"), None);
    }
}
