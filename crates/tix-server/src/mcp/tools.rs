//! The tool table: names and parameters as the spec gives them, grouped
//! into toolsets, with compact hand-written input schemas (every byte of
//! `tools/list` is read by the agent on each session).
//!
//! A test checks each schema against the argument struct that parses it,
//! so the two cannot drift apart.

use serde_json::{json, Value};

/// Toolsets `--toolset` may name (besides single tool names).
pub const GROUPS: &[(&str, &str)] = &[
    ("default", "what a session offers unless told otherwise: the spec's tools (search_tickets, create_ticket, change_ticket_status, add_ticket_comment, resolve_ticket, create_task) with get_board, get_ticket, get_tasks, get_ready_tickets, claim_next_ticket"),
    ("tickets", "get_board, get_ticket, get_tickets, search_tickets, create_ticket, change_ticket_status, add_ticket_comment, resolve_ticket"),
    ("queue", "get_ready_tickets, claim_next_ticket, heartbeat, finish_run"),
    ("runs", "heartbeat, finish_run"),
    ("tasks", "create_task, update_task, get_tasks"),
    ("commits", "link_commit"),
    ("read", "get_board, get_ticket, get_tickets, search_tickets, get_ready_tickets, get_tasks"),
    ("admin", "create_workflow"),
    ("all", "every tool"),
];

pub struct ToolDef {
    pub name: &'static str,
    /// For people (the MCP `title`).
    pub title: &'static str,
    /// The MCP annotations: reads change nothing; no tool deletes, and
    /// none reaches beyond this Tix server.
    pub access: Access,
    pub groups: &'static [&'static str],
    pub description: &'static str,
    pub schema: fn() -> Value,
    /// The answer's shape, for tools whose answer has a fixed one: it is
    /// declared as `outputSchema` and the answer sent as `structuredContent` too.
    pub output: Option<fn() -> Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write { idempotent: bool },
}

// ------------------------------------------------------------ answer shapes
// The fields every answer of the tool has, with their types; answers carry
// more when there is more to say (`guardian_warnings`, `unblocked_ticket_ids`,
// `similar_tickets`, …), which the schemas allow. Kept this small because
// every byte of `tools/list` is read on each session; the MCP tests check
// every answer against its shape.

/// A field of an answer shape: its name and its schema.
type Field = (&'static str, fn() -> Value);

fn shape(fields: &[Field]) -> Value {
    let properties: serde_json::Map<String, Value> = fields.iter().map(|(k, t)| (k.to_string(), t())).collect();
    let required: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    json!({ "type": "object", "properties": properties, "required": required })
}

fn status_change() -> Value {
    shape(&[
        ("ticket_id", s),
        ("status", s),
        ("is_resolved", boolean),
        ("version", int),
    ])
}

fn created_ticket() -> Value {
    shape(&[
        ("ticket_id", s),
        ("workflow_id", s),
        ("status", s),
        ("is_blocked", boolean),
    ])
}

fn comment_added() -> Value {
    shape(&[("comment_id", int), ("ticket_id", s)])
}

fn claimed() -> Value {
    shape(&[("ticket_id", s), ("claim_token", s), ("run_id", s)])
}

fn heartbeat() -> Value {
    shape(&[("ticket_id", s), ("lease_expires_at", s)])
}

fn run_finished() -> Value {
    shape(&[("run_id", s), ("outcome", s)])
}

fn task_created() -> Value {
    shape(&[("task_id", s), ("status", s), ("phase_id", int), ("ticket_id", s)])
}

fn task() -> Value {
    shape(&[("task_id", s), ("phase_id", int), ("status", s), ("ticket_id", s)])
}

fn workflow_created() -> Value {
    shape(&[("workflow_id", s), ("name", s), ("columns", strings)])
}

fn commit_linked() -> Value {
    shape(&[("ticket_id", s), ("sha", s), ("newly_linked", boolean)])
}

fn object(properties: Value, required: &[&str]) -> Value {
    if required.is_empty() {
        json!({ "type": "object", "properties": properties })
    } else {
        json!({ "type": "object", "properties": properties, "required": required })
    }
}

fn s() -> Value {
    json!({ "type": "string" })
}

fn sd(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn int() -> Value {
    json!({ "type": "integer" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

fn priority() -> Value {
    json!({ "enum": ["low", "medium", "high", "critical"] })
}

const TICKET_DEFAULT: &str = "default: task's ticket";

pub const TOOLS: &[ToolDef] = &[
    ToolDef {
        name: "get_board",
        title: "Board and phases",
        access: Access::Read,
        output: None,
        groups: &["default", "tickets", "read"],
        description: "The board: column ids in order (new_status), WIP limits, ticket types, transitions, phases.",
        schema: || object(json!({ "workflow_id": s() }), &[]),
    },
    ToolDef {
        name: "get_ticket",
        title: "Ticket detail",
        access: Access::Read,
        output: None,
        groups: &["default", "tickets", "read"],
        description: "A ticket: blockers, dependents, children, tasks, runs, comments, commits, history.",
        schema: || object(json!({ "ticket_id": s() }), &["ticket_id"]),
    },
    ToolDef {
        name: "get_tickets",
        title: "List tickets",
        access: Access::Read,
        output: None,
        groups: &["tickets", "read"],
        description: "List tickets, filtered, in creation order; pass next_cursor as cursor for more.",
        schema: || {
            object(
                json!({
                    "workflow_id": s(), "status": s(), "ticket_type": s(), "priority": priority(),
                    "assigned_agent_id": s(), "blocked": boolean(), "resolved": boolean(), "tag": s(),
                    "limit": int(), "cursor": s()
                }),
                &[],
            )
        },
    },
    ToolDef {
        name: "search_tickets",
        title: "Search tickets",
        access: Access::Read,
        output: None,
        groups: &["default", "tickets", "read"],
        description: "Find tickets by meaning or words. Search before create_ticket: no duplicates.",
        schema: || {
            object(
                json!({
                    "query": s(),
                    "search_type": { "enum": ["hybrid", "semantic", "keyword"] },
                    "limit": int(),
                    "filters": { "type": "object", "description": "status, ticket_type, priority, tag, blocked, resolved, assigned_agent_id, workflow_id" }
                }),
                &["query"],
            )
        },
    },
    ToolDef {
        name: "create_ticket",
        title: "Create ticket",
        access: Access::Write { idempotent: false },
        output: Some(created_ticket),
        groups: &["default", "tickets"],
        description: "Create a ticket, blocked until its blockers resolve; parent_id: its parent ticket. Answers \
similar_tickets; force: true overrides a board refusing near-duplicates.",
        schema: || {
            object(
                json!({
                    "title": s(), "description": s(), "ticket_type": s(), "priority": priority(), "tags": strings(),
                    "blocked_by_ticket_ids": strings(), "parent_id": s(), "workflow_id": s(), "force": boolean()
                }),
                &["title", "description", "ticket_type"],
            )
        },
    },
    ToolDef {
        name: "change_ticket_status",
        title: "Move ticket",
        access: Access::Write { idempotent: false },
        output: Some(status_change),
        groups: &["default", "tickets"],
        description: "Move a ticket to a column id (blocked: back only); a done column resolves.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "new_status": s(), "comment": s() }),
                &["new_status"],
            )
        },
    },
    ToolDef {
        name: "add_ticket_comment",
        title: "Comment on ticket",
        access: Access::Write { idempotent: false },
        output: Some(comment_added),
        groups: &["default", "tickets"],
        description: "Comment: progress, blockers, findings, hand-overs.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "comment_text": s() }),
                &["comment_text"],
            )
        },
    },
    ToolDef {
        name: "resolve_ticket",
        title: "Resolve ticket",
        access: Access::Write { idempotent: true },
        output: Some(status_change),
        groups: &["default", "tickets"],
        description: "Resolve a ticket (to done; its children first). Answers what it unblocked, tasks queued.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "resolution_comment": s() }),
                &[],
            )
        },
    },
    ToolDef {
        name: "get_ready_tickets",
        title: "Ready tickets",
        access: Access::Read,
        output: None,
        groups: &["default", "queue", "read"],
        description: "Ready tickets (unblocked, unassigned, unstarted), best first.",
        schema: || object(json!({ "workflow_id": s(), "limit": int() }), &[]),
    },
    ToolDef {
        name: "claim_next_ticket",
        title: "Claim ticket",
        access: Access::Write { idempotent: false },
        output: Some(claimed),
        groups: &["default", "queue"],
        description: "Claim the best ready ticket (or ticket_id, or phase_id's next task) with a lease. \
Answers claim_token.",
        schema: || {
            object(
                json!({ "workflow_id": s(), "ticket_id": s(), "phase_id": int(), "lease_seconds": int(), "wait_seconds": int() }),
                &[],
            )
        },
    },
    ToolDef {
        name: "heartbeat",
        title: "Renew lease",
        access: Access::Write { idempotent: true },
        output: Some(heartbeat),
        groups: &["queue", "runs"],
        description: "Renew your claim's lease on a ticket (default: your latest claim). lease_lost means stop: \
someone else holds it now.",
        schema: || object(json!({ "ticket_id": s(), "claim_token": s() }), &[]),
    },
    ToolDef {
        name: "finish_run",
        title: "Finish run",
        access: Access::Write { idempotent: false },
        output: Some(run_finished),
        groups: &["queue", "runs"],
        description: "End your run (default: your latest open one) with its outcome, a summary, a handoff for the \
next agent and its cost; gives the claim back.",
        schema: || {
            object(
                json!({
                    "run_id": s(),
                    "outcome": { "enum": ["succeeded", "failed", "abandoned"] },
                    "summary": s(),
                    "handoff": { "type": "object", "description": "done, remaining, decisions, risks (text)" },
                    "tokens_in": int(), "tokens_out": int(), "cost_usd": { "type": "number" }, "exit_code": int(),
                    "claim_token": s()
                }),
                &["outcome"],
            )
        },
    },
    ToolDef {
        name: "create_task",
        title: "Create task",
        access: Access::Write { idempotent: false },
        output: Some(task_created),
        groups: &["default", "tasks"],
        description: "A phase's task on a ticket: blocked while its ticket is, then queued.",
        schema: || {
            object(
                json!({
                    "description": sd("Phase X: Description - TICKET: ticket-xxx"),
                    "phase_id": int(), "ticket_id": s(), "workflow_id": s(), "assigned_agent_id": s()
                }),
                &["description", "phase_id", "ticket_id"],
            )
        },
    },
    ToolDef {
        name: "update_task",
        title: "Update task",
        access: Access::Write { idempotent: false },
        output: Some(task),
        groups: &["tasks"],
        description: "Set a task's status: in_progress (takes it), done, failed (say why), queued (gives it back).",
        schema: || {
            object(
                json!({
                    "task_id": sd("default: your task in progress"),
                    "status": { "enum": ["queued", "in_progress", "done", "failed"] },
                    "comment": s()
                }),
                &["status"],
            )
        },
    },
    ToolDef {
        name: "get_tasks",
        title: "List tasks",
        access: Access::Read,
        output: None,
        groups: &["default", "tasks", "read"],
        description: "Tasks, filtered, oldest first.",
        schema: || {
            object(
                json!({
                    "workflow_id": s(), "ticket_id": s(),
                    "status": { "enum": ["queued", "in_progress", "done", "failed", "blocked"] },
                    "phase_id": int(), "assigned_agent_id": s(), "limit": int(), "cursor": s()
                }),
                &[],
            )
        },
    },
    ToolDef {
        name: "link_commit",
        title: "Link commit",
        access: Access::Write { idempotent: true },
        output: Some(commit_linked),
        groups: &["commits"],
        description: "Link a git commit to a ticket.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "commit_sha": s(), "commit_message": s() }),
                &["commit_sha"],
            )
        },
    },
    ToolDef {
        name: "create_workflow",
        title: "Create workflow",
        access: Access::Write { idempotent: false },
        output: Some(workflow_created),
        groups: &["admin"],
        description: "Create a workflow: a board (columns in order, ticket types, initial column) and phases. \
Needed once, when Tix has none.",
        schema: || {
            object(
                json!({
                    "name": s(),
                    "board_config": { "type": "object", "description": "columns [{id, name, wip_limit?}], ticket_types [..], initial_status, done_statuses?, claim_status?, transitions?" },
                    "phases": { "type": "array", "description": "[{id, name, columns [..]}]" },
                    "id": s()
                }),
                &["name", "board_config"],
            )
        },
    },
];

/// The tools a `--toolset` value selects: comma-separated group names
/// and/or tool names. Unknown names are an error that lists the choices.
pub fn select(toolset: Option<&str>) -> Result<Vec<&'static ToolDef>, String> {
    let Some(spec) = toolset.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(TOOLS.iter().filter(|t| t.groups.contains(&"default")).collect());
    };
    let mut chosen: Vec<&'static ToolDef> = Vec::new();
    for name in spec.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let matched: Vec<&'static ToolDef> = TOOLS
            .iter()
            .filter(|t| name == "all" || t.name == name || t.groups.contains(&name))
            .collect();
        if matched.is_empty() {
            let groups: Vec<&str> = GROUPS.iter().map(|(g, _)| *g).collect();
            let tools: Vec<&str> = TOOLS.iter().map(|t| t.name).collect();
            return Err(format!(
                "unknown toolset '{name}'; name groups ({}) or tools ({}), comma-separated",
                groups.join(", "),
                tools.join(", ")
            ));
        }
        for tool in matched {
            if !chosen.iter().any(|t| t.name == tool.name) {
                chosen.push(tool);
            }
        }
    }
    // Keep the table's order whatever order the toolset named them in.
    chosen.sort_by_key(|t| TOOLS.iter().position(|x| x.name == t.name));
    Ok(chosen)
}
