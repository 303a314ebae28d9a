//! The one mapping from domain and store errors to MCP tool errors: a
//! tool result with `isError` whose text says what went wrong and what to
//! do next (the same code, message and hint as the HTTP API's error body).

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{json, Value};
use tix_core::DomainError;

#[derive(Debug, Clone)]
pub struct ToolError {
    pub code: String,
    pub message: String,
    pub hint: String,
    pub details: Value,
}

impl ToolError {
    pub fn new(code: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        ToolError {
            code: code.to_string(),
            message: message.into(),
            hint: hint.into(),
            details: json!({}),
        }
    }

    /// Arguments that do not parse.
    pub fn arguments(tool: &str, problem: impl std::fmt::Display, schema: &Value) -> Self {
        let names: Vec<String> = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let required: Vec<String> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        ToolError::new(
            "invalid_arguments",
            format!("invalid arguments for {tool}: {problem}"),
            format!(
                "{tool} takes: {} (required: {}); agent_id is also accepted.",
                names.join(", "),
                if required.is_empty() {
                    "none".into()
                } else {
                    required.join(", ")
                }
            ),
        )
    }

    /// The text an agent reads.
    pub fn text(&self) -> String {
        format!("error [{}]: {}\nnext: {}", self.code, self.message, self.hint)
    }

    pub fn into_result(self) -> CallToolResult {
        CallToolResult::error(vec![ContentBlock::text(self.text())])
    }
}

impl From<DomainError> for ToolError {
    fn from(error: DomainError) -> Self {
        ToolError {
            code: error.code().to_string(),
            message: error.to_string(),
            hint: mcp_hint(&error).unwrap_or_else(|| error.hint()),
            details: error.details(),
        }
    }
}

/// Hints that name MCP tools where the domain's name REST routes or `tix`
/// commands (an agent on MCP can call neither).
fn mcp_hint(error: &DomainError) -> Option<String> {
    Some(match error {
        DomainError::NotFound { kind: "workflow", .. } => {
            "Check workflow_id; get_board without one shows the workflow your calls default to.".into()
        }
        DomainError::NotFound { kind: "task", .. } => {
            "Check task_id; list tasks with get_tasks (ticket_id=... narrows it).".into()
        }
        DomainError::NotFound { .. } => {
            "Check ticket_id; find tickets with search_tickets, or see get_ready_tickets.".into()
        }
        DomainError::EdgeNotFound { .. } => "get_ticket shows the ticket's actual blocked_by.".into(),
        DomainError::NothingReady { .. } => {
            "Every open ticket is blocked, claimed or started; try again after a blocker resolves \
             (resolve_ticket unblocks its dependents), or look at your tasks with get_tasks."
                .into()
        }
        DomainError::PossibleDuplicate { matches, .. } => format!(
            "Work on the existing ticket ({}) or comment on it (add_ticket_comment); if this really is different \
             work, say how in the title and call create_ticket again with force: true.",
            matches.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
        DomainError::WorkflowNotChosen { candidates } if candidates.is_empty() => {
            "Create one with create_workflow (toolset admin: /mcp?toolset=default,admin or \
             `tix mcp --toolset default,admin`), or start Tix with `--board FILE` \
             (`tix serve --board FILE`, `tix mcp --board FILE`)."
                .into()
        }
        DomainError::WorkflowNotChosen { .. } => {
            "Pass workflow_id (one of those listed), or start the session with `tix mcp --workflow ID`.".into()
        }
        DomainError::StaleVersion { .. } => "Read the ticket again with get_ticket and retry.".into(),
        DomainError::NothingQueued { .. } => {
            "No task of this phase is queued; call claim_next_ticket again with wait_seconds (up to 60) \
             to wait for one, or look at get_tasks."
                .into()
        }
        DomainError::RunEnded { .. } => {
            "Nothing to do; claim the ticket again (claim_next_ticket) to start a new run.".into()
        }
        DomainError::ChildrenOpen { children, .. } => format!(
            "Resolve the children first ({}; get_ticket lists them), then resolve this one.",
            children.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
        _ => return None,
    })
}

impl From<tix_store::Error> for ToolError {
    fn from(error: tix_store::Error) -> Self {
        match error {
            tix_store::Error::Domain(error) => error.into(),
            tix_store::Error::AlreadyAnswered => ToolError::new(
                crate::error::IDEMPOTENCY_CONFLICT,
                "a call with the same idempotency_key was answered first; this one changed nothing",
                "Call again with the same idempotency_key to get that answer.",
            ),
            tix_store::Error::Storage(message) => {
                tracing::error!(%message, "storage failure in an MCP tool");
                ToolError::new(
                    "storage_error",
                    "the Tix server could not complete the call because its database failed",
                    "Retry shortly; if it persists, tell a human to check the Tix server's log.",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tix_core::error::TicketRef;

    use super::*;

    #[test]
    fn a_blocked_move_lists_blockers_and_suggests_get_ticket() {
        let error = ToolError::from(DomainError::TicketBlocked {
            ticket_id: "ticket-auth".into(),
            target: "building".into(),
            blockers: vec![TicketRef {
                id: "ticket-db".into(),
                title: "Database Schema".into(),
                status: "testing".into(),
                is_resolved: false,
            }],
        });
        let text = error.text();
        assert!(text.starts_with("error [ticket_blocked]:"), "{text}");
        assert!(text.contains("ticket-db [testing] Database Schema"), "{text}");
        assert!(
            text.contains("next: Wait until the blockers are resolved (inspect them with get_ticket"),
            "{text}"
        );
    }

    #[test]
    fn an_unknown_status_lists_the_columns() {
        let text = ToolError::from(DomainError::UnknownStatus {
            status: "built".into(),
            allowed: vec!["backlog".into(), "building".into(), "building-done".into()],
        })
        .text();
        assert!(
            text.contains("next: Use one of the board's column ids: backlog, building, building-done."),
            "{text}"
        );
    }
}
