//! Domain errors. Each variant says what went wrong in domain words, has a
//! stable machine `code`, and a `hint` telling the caller what to do next.

use serde_json::{json, Value};

pub use crate::refs::{SimilarTicket, TicketRef};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },

    #[error("unknown status '{status}'; the board's columns are: {}", allowed.join(", "))]
    UnknownStatus { status: String, allowed: Vec<String> },

    #[error("unknown ticket type '{ticket_type}'; allowed types are: {}", allowed.join(", "))]
    UnknownTicketType { ticket_type: String, allowed: Vec<String> },

    #[error("ticket {ticket_id} is blocked and cannot move forward to '{target}'; unresolved blockers: {}",
        blockers.iter().map(|b| format!("{} [{}] {}", b.id, b.status, b.title)).collect::<Vec<_>>().join("; "))]
    TicketBlocked {
        ticket_id: String,
        target: String,
        blockers: Vec<TicketRef>,
    },

    #[error("moving from '{from}' to '{to}' is not allowed by the board's transitions; from '{from}' a ticket may move to: {}",
        if allowed.is_empty() { "nowhere".to_string() } else { allowed.join(", ") })]
    TransitionNotAllowed {
        from: String,
        to: String,
        allowed: Vec<String>,
    },

    #[error("column '{status}' is at its WIP limit of {limit} ({current} tickets)")]
    WipLimitReached { status: String, limit: u32, current: u64 },

    #[error("adding this blocker would create a dependency cycle: {}", path.join(" -> "))]
    DependencyCycle { path: Vec<String> },

    #[error("a ticket cannot block itself ({ticket_id})")]
    SelfBlock { ticket_id: String },

    #[error("{blocker_id} (workflow {blocker_workflow}) and {blocked_id} (workflow {blocked_workflow}) are in different workflows; blocking edges stay inside one workflow")]
    CrossWorkflowEdge {
        blocker_id: String,
        blocker_workflow: String,
        blocked_id: String,
        blocked_workflow: String,
    },

    #[error("{blocker_id} does not block {blocked_id}")]
    EdgeNotFound { blocker_id: String, blocked_id: String },

    #[error("{kind} '{id}' not found")]
    NotFound { kind: &'static str, id: String },

    #[error("'{prefix}' matches several tickets: {}", matches.join(", "))]
    AmbiguousId { prefix: String, matches: Vec<String> },

    #[error("ticket {ticket_id} is at version {actual}, not {expected}; someone changed it since you read it")]
    StaleVersion {
        ticket_id: String,
        expected: u64,
        actual: u64,
    },

    #[error("ticket {ticket_id} is already resolved")]
    AlreadyResolved { ticket_id: String },

    #[error("no ticket is ready in workflow {workflow_id}")]
    NothingReady { workflow_id: String },

    #[error("ticket {ticket_id} cannot be claimed: {reason}")]
    NotClaimable { ticket_id: String, reason: String },

    #[error("workflow '{id}' already exists")]
    WorkflowExists { id: String },

    #[error("ticket '{id}' already exists")]
    TicketExists { id: String },

    #[error("'{title}' looks like a duplicate of {}", matches.iter().map(|m| format!("{} [{}] {} (similarity {:.2})", m.id, m.status, m.title, m.similarity)).collect::<Vec<_>>().join("; "))]
    PossibleDuplicate { title: String, matches: Vec<SimilarTicket> },

    #[error("{}", if candidates.is_empty() {
        "no workflow exists yet".to_string()
    } else {
        format!("no workflow was named and there are several: {}", candidates.join(", "))
    })]
    WorkflowNotChosen { candidates: Vec<String> },

    // The format is spelled out (not `reference::TASK_FORMAT`) so this module
    // depends on nothing; a test in `reference` keeps the two equal.
    #[error("the task description {problem} (format: 'Phase X: Description - TICKET: ticket-xxx')")]
    TaskReference {
        problem: String,
        /// The description this task should have, e.g. `Phase 2: <what to do> - TICKET: ticket-abc`.
        expected: String,
    },

    #[error("workflow {workflow_id} has no phase {phase_id}; its phases are: {}",
        if phases.is_empty() { "none".to_string() } else { phases.join(", ") })]
    UnknownPhase {
        workflow_id: String,
        phase_id: u32,
        /// `id (name)` of each phase.
        phases: Vec<String>,
    },

    #[error("task {task_id} cannot go from {from} to {to}: {reason}")]
    TaskTransition {
        task_id: String,
        from: String,
        to: String,
        reason: String,
        allowed: Vec<String>,
    },

    #[error("Guardian rule '{rule}' refused this: {message}")]
    GuardianRefused { rule: String, message: String, fix: String },

    #[error("you no longer hold ticket {ticket_id}: {reason}{}", match holder {
        Some(holder) => format!("; {holder} holds it now"),
        None => String::new(),
    })]
    LeaseLost {
        ticket_id: String,
        /// Who holds it now (with a live lease), if anyone.
        holder: Option<String>,
        reason: String,
    },

    #[error("run {run_id} already ended ({outcome})")]
    RunEnded { run_id: String, outcome: String },

    #[error("run {run_id} belongs to {owner}, not {agent_id}")]
    NotRunOwner {
        run_id: String,
        owner: String,
        agent_id: String,
    },

    #[error("no task of phase {phase_id} is queued in workflow {workflow_id}")]
    NothingQueued { workflow_id: String, phase_id: u32 },

    #[error("the Idempotency-Key '{key}' was already used for a different request")]
    IdempotencyKeyReused { key: String },

    #[error("ticket {ticket_id} has unresolved children: {}",
        children.iter().map(|c| format!("{} [{}] {}", c.id, c.status, c.title)).collect::<Vec<_>>().join("; "))]
    ChildrenOpen {
        ticket_id: String,
        children: Vec<TicketRef>,
    },

    #[error("making {parent_id} the parent of {ticket_id} would make a loop: {}", path.join(" -> "))]
    ParentCycle {
        ticket_id: String,
        parent_id: String,
        /// The ticket, its would-be parent, and up the parents back to the ticket.
        path: Vec<String>,
    },

    #[error("line {line}: {reason}")]
    ImportRefused { line: u64, reason: String },
}

impl DomainError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(kind: &'static str, id: impl Into<String>) -> Self {
        DomainError::NotFound { kind, id: id.into() }
    }

    /// Stable machine-readable code, used by the HTTP API and the MCP tools.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Validation { .. } => "validation_failed",
            DomainError::UnknownStatus { .. } => "unknown_status",
            DomainError::UnknownTicketType { .. } => "unknown_ticket_type",
            DomainError::TicketBlocked { .. } => "ticket_blocked",
            DomainError::TransitionNotAllowed { .. } => "transition_not_allowed",
            DomainError::WipLimitReached { .. } => "wip_limit_reached",
            DomainError::DependencyCycle { .. } => "dependency_cycle",
            DomainError::SelfBlock { .. } => "self_block",
            DomainError::CrossWorkflowEdge { .. } => "cross_workflow_edge",
            DomainError::EdgeNotFound { .. } => "edge_not_found",
            DomainError::NotFound { kind, .. } => match *kind {
                "workflow" => "workflow_not_found",
                "comment" => "comment_not_found",
                "task" => "task_not_found",
                "run" => "run_not_found",
                "webhook" => "webhook_not_found",
                _ => "ticket_not_found",
            },
            DomainError::AmbiguousId { .. } => "ambiguous_id",
            DomainError::StaleVersion { .. } => "stale_version",
            DomainError::AlreadyResolved { .. } => "already_resolved",
            DomainError::NothingReady { .. } => "nothing_ready",
            DomainError::NotClaimable { .. } => "not_claimable",
            DomainError::WorkflowExists { .. } => "workflow_exists",
            DomainError::TicketExists { .. } => "ticket_exists",
            DomainError::WorkflowNotChosen { .. } => "workflow_not_chosen",
            DomainError::PossibleDuplicate { .. } => "possible_duplicate",
            DomainError::TaskReference { .. } => "task_reference_invalid",
            DomainError::UnknownPhase { .. } => "unknown_phase",
            DomainError::TaskTransition { .. } => "task_transition_not_allowed",
            DomainError::GuardianRefused { .. } => "guardian_refused",
            DomainError::LeaseLost { .. } => "lease_lost",
            DomainError::RunEnded { .. } => "run_ended",
            DomainError::NotRunOwner { .. } => "not_run_owner",
            DomainError::NothingQueued { .. } => "nothing_queued",
            DomainError::IdempotencyKeyReused { .. } => "idempotency_key_reused",
            DomainError::ChildrenOpen { .. } => "children_open",
            DomainError::ParentCycle { .. } => "parent_cycle",
            DomainError::ImportRefused { .. } => "import_refused",
        }
    }

    /// What the caller should do next.
    pub fn hint(&self) -> String {
        match self {
            DomainError::Validation { .. } => "Fix the named field and send the request again.".into(),
            DomainError::UnknownStatus { allowed, .. } => {
                format!("Use one of the board's column ids: {}.", allowed.join(", "))
            }
            DomainError::UnknownTicketType { allowed, .. } => {
                format!("Use one of: {}.", allowed.join(", "))
            }
            DomainError::TicketBlocked { blockers, .. } => format!(
                "Wait until the blockers are resolved (inspect them with get_ticket / `tix show`: {}), or move the ticket back instead.",
                blockers.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
            DomainError::TransitionNotAllowed { allowed, .. } => {
                if allowed.is_empty() {
                    "This column has no outgoing transitions; ask a human to change the board's transitions.".into()
                } else {
                    format!("Move to one of: {}.", allowed.join(", "))
                }
            }
            DomainError::WipLimitReached { status, .. } => format!(
                "Finish or move a ticket out of '{status}' first, or raise the column's wip_limit."
            ),
            DomainError::DependencyCycle { .. } => {
                "Remove one of the edges on the path, or reverse the dependency you meant to add.".into()
            }
            DomainError::SelfBlock { .. } => "Name a different ticket as the blocker.".into(),
            DomainError::CrossWorkflowEdge { .. } => {
                "Create the dependent ticket in the blocker's workflow, or track the link in a comment.".into()
            }
            DomainError::EdgeNotFound { .. } => {
                "List the ticket's blocked_by with GET /api/tickets/{id} to see its actual blockers.".into()
            }
            DomainError::NotFound { kind, .. } => match *kind {
                "workflow" => "List workflows with GET /api/workflows (or `tix workflow list`).".into(),
                "task" => "Check the id; list tasks with GET /api/tasks?ticket_id=... (or `tix task list`).".into(),
                "run" => "Check the id; list runs with GET /api/runs?ticket_id=... (or `tix run list`).".into(),
                "webhook" => "List webhooks with GET /api/webhooks (or `tix webhook list`).".into(),
                _ => "Check the id; list tickets with GET /api/tickets?workflow_id=... (or `tix list`).".into(),
            },
            DomainError::AmbiguousId { .. } => "Type more characters of the id.".into(),
            DomainError::StaleVersion { .. } => {
                "Fetch the ticket again, re-apply your change to the new version and retry with the new If-Match.".into()
            }
            DomainError::AlreadyResolved { .. } => {
                "Nothing to do; to reopen it, move it to a non-done column.".into()
            }
            DomainError::NothingReady { .. } => {
                "All open tickets are blocked, claimed or past the initial column; check GET /api/workflows/{id}/graph or try again after a blocker resolves.".into()
            }
            DomainError::NotClaimable { .. } => "Claim another ticket; see the ready list.".into(),
            DomainError::WorkflowExists { .. } => "Choose another id, or omit it to get a generated one.".into(),
            DomainError::TicketExists { .. } => "Choose another id, or omit it to get a generated one.".into(),
            DomainError::WorkflowNotChosen { candidates } if candidates.is_empty() => {
                "Create one: `tix workflow create --file board.yaml`, POST /api/workflows, or start \
                 `tix serve --board FILE` (`tix mcp --board FILE`), which creates it when none exists."
                    .into()
            }
            DomainError::WorkflowNotChosen { .. } => {
                "Name the workflow with workflow_id (or --workflow / TIX_WORKFLOW).".into()
            }
            DomainError::PossibleDuplicate { matches, .. } => format!(
                "Work on the existing ticket ({}) or comment on it; if this really is different work, say how in the title and send the create again with force: true (`tix create --force`).",
                matches.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
            DomainError::TaskReference { expected, .. } => format!("Write the description as '{expected}'."),
            DomainError::UnknownPhase { .. } => "Use one of the workflow's phase ids as phase_id.".into(),
            DomainError::TaskTransition { allowed, .. } => {
                if allowed.is_empty() {
                    "The task is finished; create a new task for more work.".into()
                } else {
                    format!("From here a task may go to: {}.", allowed.join(", "))
                }
            }
            DomainError::GuardianRefused { fix, .. } => fix.clone(),
            DomainError::LeaseLost { .. } => "claim it again or pick another ticket".into(),
            DomainError::RunEnded { .. } => {
                "Nothing to do; a run ends once. Claim the ticket again to start a new run.".into()
            }
            DomainError::NotRunOwner { owner, .. } => {
                format!("Only {owner} (or an admin acting as {owner}) can finish this run.")
            }
            DomainError::NothingQueued { .. } => {
                "Wait for a task (claim with wait=SECONDS, `tix claim --wait 30s`), or check the queue with GET /api/tasks?status=queued.".into()
            }
            DomainError::IdempotencyKeyReused { .. } => {
                "Use a new key for a new request; repeat a key only to retry the very same request.".into()
            }
            DomainError::ChildrenOpen { children, .. } => format!(
                "Resolve the children first ({}), or resolve with force: true (`tix resolve --force`) to close it anyway.",
                children.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
            DomainError::ParentCycle { .. } => {
                "Choose a parent that is not below this ticket, or move the other ticket first.".into()
            }
            DomainError::ImportRefused { .. } => {
                "Fix the file at that line (or export it again) and import again; nothing was written.".into()
            }
        }
    }

    /// Structured details that travel next to code/message/hint.
    pub fn details(&self) -> Value {
        match self {
            DomainError::Validation { field, .. } => json!({ "field": field }),
            DomainError::UnknownStatus { status, allowed } => json!({ "status": status, "allowed": allowed }),
            DomainError::UnknownTicketType { ticket_type, allowed } => {
                json!({ "ticket_type": ticket_type, "allowed": allowed })
            }
            DomainError::TicketBlocked {
                ticket_id,
                target,
                blockers,
            } => {
                json!({ "ticket_id": ticket_id, "target": target, "blockers": blockers })
            }
            DomainError::TransitionNotAllowed { from, to, allowed } => {
                json!({ "from": from, "to": to, "allowed": allowed })
            }
            DomainError::WipLimitReached { status, limit, current } => {
                json!({ "status": status, "wip_limit": limit, "current": current })
            }
            DomainError::DependencyCycle { path } => json!({ "path": path }),
            DomainError::SelfBlock { ticket_id } => json!({ "ticket_id": ticket_id }),
            DomainError::CrossWorkflowEdge {
                blocker_id, blocked_id, ..
            } => {
                json!({ "blocker_id": blocker_id, "blocked_id": blocked_id })
            }
            DomainError::EdgeNotFound { blocker_id, blocked_id } => {
                json!({ "blocker_id": blocker_id, "blocked_id": blocked_id })
            }
            DomainError::NotFound { kind, id } => json!({ "kind": kind, "id": id }),
            DomainError::AmbiguousId { prefix, matches } => json!({ "prefix": prefix, "matches": matches }),
            DomainError::StaleVersion {
                ticket_id,
                expected,
                actual,
            } => {
                json!({ "ticket_id": ticket_id, "expected_version": expected, "current_version": actual })
            }
            DomainError::AlreadyResolved { ticket_id } => json!({ "ticket_id": ticket_id }),
            DomainError::NothingReady { workflow_id } => json!({ "workflow_id": workflow_id }),
            DomainError::NotClaimable { ticket_id, reason } => json!({ "ticket_id": ticket_id, "reason": reason }),
            DomainError::WorkflowExists { id } => json!({ "id": id }),
            DomainError::TicketExists { id } => json!({ "id": id }),
            DomainError::WorkflowNotChosen { candidates } => json!({ "workflows": candidates }),
            DomainError::PossibleDuplicate { title, matches } => json!({ "title": title, "matches": matches }),
            DomainError::TaskReference { problem, expected } => json!({ "problem": problem, "expected": expected }),
            DomainError::UnknownPhase {
                workflow_id,
                phase_id,
                phases,
            } => json!({ "workflow_id": workflow_id, "phase_id": phase_id, "phases": phases }),
            DomainError::TaskTransition {
                task_id,
                from,
                to,
                allowed,
                ..
            } => json!({ "task_id": task_id, "from": from, "to": to, "allowed": allowed }),
            DomainError::GuardianRefused { rule, fix, .. } => json!({ "rule": rule, "fix": fix }),
            DomainError::LeaseLost { ticket_id, holder, .. } => json!({ "ticket_id": ticket_id, "holder": holder }),
            DomainError::RunEnded { run_id, outcome } => json!({ "run_id": run_id, "outcome": outcome }),
            DomainError::NotRunOwner { run_id, owner, .. } => json!({ "run_id": run_id, "owner": owner }),
            DomainError::NothingQueued { workflow_id, phase_id } => {
                json!({ "workflow_id": workflow_id, "phase_id": phase_id })
            }
            DomainError::IdempotencyKeyReused { key } => json!({ "key": key }),
            DomainError::ChildrenOpen { ticket_id, children } => {
                json!({ "ticket_id": ticket_id, "children": children })
            }
            DomainError::ParentCycle {
                ticket_id,
                parent_id,
                path,
            } => json!({ "ticket_id": ticket_id, "parent_id": parent_id, "path": path }),
            DomainError::ImportRefused { line, .. } => json!({ "line": line }),
        }
    }
}
