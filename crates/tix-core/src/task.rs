//! Tasks: work items for an agent in one phase, each linked to a ticket.
//!
//! A task's description carries its ticket in the spec's format,
//! `Phase X: Description - TICKET: ticket-xxx` (see [`crate::reference`]).
//! A task whose ticket is blocked is `blocked`; it becomes `queued` in the
//! same transaction that unblocks the ticket.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;

pub const MAX_TASK_DESCRIPTION_CHARS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Ready to be worked on: its ticket is not blocked.
    Queued,
    InProgress,
    Done,
    Failed,
    /// Its ticket is blocked; becomes `queued` when the ticket unblocks.
    Blocked,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::Queued,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::Failed,
        TaskStatus::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Failed => "failed",
            TaskStatus::Blocked => "blocked",
        }
    }

    /// Done and failed tasks are finished.
    pub fn is_finished(self) -> bool {
        matches!(self, TaskStatus::Done | TaskStatus::Failed)
    }

    /// Statuses a caller may move a task in `self` to. `blocked` is never a
    /// target: Tix sets it from the ticket's blockers.
    pub fn allowed_targets(self) -> &'static [TaskStatus] {
        match self {
            TaskStatus::Queued => &[TaskStatus::InProgress, TaskStatus::Done, TaskStatus::Failed],
            TaskStatus::InProgress => &[TaskStatus::Queued, TaskStatus::Done, TaskStatus::Failed],
            TaskStatus::Blocked => &[TaskStatus::Failed],
            TaskStatus::Failed => &[TaskStatus::Queued],
            TaskStatus::Done => &[],
        }
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TaskStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        TaskStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted)
            .ok_or_else(|| {
                DomainError::validation(
                    "status",
                    format!(
                        "'{s}' is not a task status; use queued, in_progress, done, failed (blocked is set by Tix)"
                    ),
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Task {
    pub task_id: String,
    pub workflow_id: String,
    pub phase_id: u32,
    pub ticket_id: String,
    pub description: String,
    pub status: TaskStatus,
    pub assigned_agent_id: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The comment of the last status change (what was done, why it failed).
    pub note: Option<String>,
}

/// Body of `POST /api/tasks` and the `create_task` tool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    /// `Phase X: Description - TICKET: ticket-xxx`, X being `phase_id`.
    #[schema(pattern = "^Phase [0-9]+: .+ - TICKET: .+$")]
    pub description: String,
    pub phase_id: u32,
    /// The ticket the task works on (id or unambiguous prefix).
    pub ticket_id: String,
    /// Optional; when given, the ticket must be in this workflow.
    #[serde(default)]
    pub workflow_id: Option<String>,
    #[serde(default)]
    pub assigned_agent_id: Option<String>,
}

impl NewTask {
    /// Checks the fields that need no stored facts.
    pub fn validate(&self) -> Result<(), DomainError> {
        let chars = self.description.trim().chars().count();
        if chars == 0 || chars > MAX_TASK_DESCRIPTION_CHARS {
            return Err(DomainError::validation(
                "description",
                format!("a task description must be 1..{MAX_TASK_DESCRIPTION_CHARS} characters (got {chars})"),
            ));
        }
        if self.phase_id == 0 {
            return Err(DomainError::validation("phase_id", "phase ids start at 1"));
        }
        if let Some(agent) = &self.assigned_agent_id {
            crate::validate::check_agent_id("assigned_agent_id", agent)?;
        }
        Ok(())
    }
}

/// Result of creating a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskCreated {
    pub task_id: String,
    pub task: Task,
    /// Guardian rules in `warn` mode the task broke (it was created anyway).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<crate::guardian::Violation>,
}

/// Filters of `GET /api/tasks`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskFilter {
    pub workflow_id: Option<String>,
    pub ticket_id: Option<String>,
    pub status: Option<TaskStatus>,
    pub phase_id: Option<u32>,
    pub assigned_agent_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// What a requested task status change becomes, given the task and its ticket.
///
/// Moving to `queued` while the ticket is blocked stores `blocked`.
pub fn check_task_move(task: &Task, to: TaskStatus, ticket_blocked: bool) -> Result<TaskStatus, DomainError> {
    if to == task.status && to != TaskStatus::Blocked {
        return Ok(to);
    }
    if !task.status.allowed_targets().contains(&to) {
        let reason = match (task.status, to) {
            (_, TaskStatus::Blocked) => "blocked is set by Tix from the ticket's blockers".to_string(),
            (TaskStatus::Blocked, _) => format!(
                "its ticket {} is blocked; the task is queued when the ticket's blockers resolve",
                task.ticket_id
            ),
            (TaskStatus::Done, _) => "it is done; create a new task for more work".to_string(),
            (from, to) => format!("a task cannot go from {from} to {to}"),
        };
        return Err(DomainError::TaskTransition {
            task_id: task.task_id.clone(),
            from: task.status.to_string(),
            to: to.to_string(),
            reason,
            allowed: task.status.allowed_targets().iter().map(|s| s.to_string()).collect(),
        });
    }
    Ok(if to == TaskStatus::Queued && ticket_blocked {
        TaskStatus::Blocked
    } else {
        to
    })
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn task(status: TaskStatus) -> Task {
        let t = DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default();
        Task {
            task_id: "task-1".into(),
            workflow_id: "wf".into(),
            phase_id: 2,
            ticket_id: "ticket-a".into(),
            description: "Phase 2: x - TICKET: ticket-a".into(),
            status,
            assigned_agent_id: None,
            created_by: "p1".into(),
            created_at: t,
            updated_at: t,
            started_at: None,
            completed_at: None,
            note: None,
        }
    }

    #[rstest]
    #[case(TaskStatus::Queued, TaskStatus::InProgress, false, Some(TaskStatus::InProgress))]
    #[case(TaskStatus::InProgress, TaskStatus::Done, false, Some(TaskStatus::Done))]
    #[case(TaskStatus::InProgress, TaskStatus::Queued, true, Some(TaskStatus::Blocked))]
    #[case(TaskStatus::Failed, TaskStatus::Queued, false, Some(TaskStatus::Queued))]
    #[case(TaskStatus::Blocked, TaskStatus::Failed, true, Some(TaskStatus::Failed))]
    #[case(TaskStatus::Blocked, TaskStatus::InProgress, true, None)]
    #[case(TaskStatus::Done, TaskStatus::Queued, false, None)]
    #[case(TaskStatus::Queued, TaskStatus::Blocked, false, None)]
    #[case(TaskStatus::Done, TaskStatus::Done, false, Some(TaskStatus::Done))]
    #[case(TaskStatus::Blocked, TaskStatus::Blocked, true, None)]
    fn task_moves(
        #[case] from: TaskStatus,
        #[case] to: TaskStatus,
        #[case] ticket_blocked: bool,
        #[case] expected: Option<TaskStatus>,
    ) {
        let result = check_task_move(&task(from), to, ticket_blocked);
        match expected {
            Some(status) => assert_eq!(result.unwrap(), status),
            None => assert_eq!(result.unwrap_err().code(), "task_transition_not_allowed"),
        }
    }

    #[test]
    fn blocked_task_refusal_says_why() {
        let err = check_task_move(&task(TaskStatus::Blocked), TaskStatus::InProgress, true).unwrap_err();
        assert!(err.to_string().contains("ticket-a is blocked"), "{err}");
    }

    #[test]
    fn statuses_parse() {
        assert_eq!("in-progress".parse::<TaskStatus>().unwrap(), TaskStatus::InProgress);
        assert_eq!(" DONE ".parse::<TaskStatus>().unwrap(), TaskStatus::Done);
        assert!("started".parse::<TaskStatus>().is_err());
    }

    #[test]
    fn new_task_checks_fields() {
        let mut new = NewTask {
            description: "Phase 2: Build - TICKET: ticket-a".into(),
            phase_id: 2,
            ticket_id: "ticket-a".into(),
            ..NewTask::default()
        };
        assert!(new.validate().is_ok());
        new.phase_id = 0;
        assert!(new.validate().is_err());
        new.phase_id = 1;
        new.description = "  ".into();
        assert!(new.validate().is_err());
    }
}
