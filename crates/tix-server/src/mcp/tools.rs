//! The tool table: names and parameters as the spec gives them, grouped
//! into toolsets, with compact hand-written input schemas (every byte of
//! `tools/list` is read by the agent on each session).
//!
//! A test checks each schema against the argument struct that parses it,
//! so the two cannot drift apart.

use serde_json::{json, Value};

/// Toolsets `--toolset` may name (besides single tool names).
pub const GROUPS: &[(&str, &str)] = &[
    ("tickets", "get_board, get_ticket, get_tickets, search_tickets, create_ticket, change_ticket_status, add_ticket_comment, resolve_ticket"),
    ("queue", "get_ready_tickets, claim_next_ticket"),
    ("tasks", "create_task, update_task, get_tasks"),
    ("commits", "link_commit"),
    ("read", "get_board, get_ticket, get_tickets, search_tickets, get_ready_tickets, get_tasks"),
    ("all", "every tool"),
];

pub struct ToolDef {
    pub name: &'static str,
    pub groups: &'static [&'static str],
    pub description: &'static str,
    pub schema: fn() -> Value,
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

const TICKET_DEFAULT: &str = "default: your task's ticket";

pub const TOOLS: &[ToolDef] = &[
    ToolDef {
        name: "get_board",
        groups: &["tickets", "read"],
        description: "The workflow's board: column ids in order (use them as new_status), WIP limits, ticket types, transitions, done and claim columns, phases.",
        schema: || object(json!({ "workflow_id": s() }), &[]),
    },
    ToolDef {
        name: "get_ticket",
        groups: &["tickets", "read"],
        description: "A ticket with its blockers, dependents, tasks, comments, linked commits and history.",
        schema: || object(json!({ "ticket_id": s() }), &["ticket_id"]),
    },
    ToolDef {
        name: "get_tickets",
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
        groups: &["tickets", "read"],
        description: "Find tickets by meaning or words. Search before create_ticket to avoid duplicates.",
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
        groups: &["tickets"],
        description: "Create a ticket in the initial column. It is blocked until every blocker resolves. \
The answer lists similar_tickets (unresolved look-alikes); a board with duplicate_policy refuse refuses \
near-duplicates unless force is true.",
        schema: || {
            object(
                json!({
                    "title": s(), "description": s(), "ticket_type": s(), "priority": priority(), "tags": strings(),
                    "blocked_by_ticket_ids": strings(), "workflow_id": s(), "force": { "type": "boolean" }
                }),
                &["title", "description", "ticket_type"],
            )
        },
    },
    ToolDef {
        name: "change_ticket_status",
        groups: &["tickets"],
        description: "Move a ticket to another column (a column id). Blocked tickets may move back, not forward; a done column resolves.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "new_status": s(), "comment": s() }),
                &["new_status"],
            )
        },
    },
    ToolDef {
        name: "add_ticket_comment",
        groups: &["tickets"],
        description: "Comment on a ticket: progress, blockers hit, findings, hand-over notes.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "comment_text": s() }),
                &["comment_text"],
            )
        },
    },
    ToolDef {
        name: "resolve_ticket",
        groups: &["tickets"],
        description: "Resolve a ticket (move it to done). Returns the tickets it unblocked and the tasks that became queued.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "resolution_comment": s() }),
                &[],
            )
        },
    },
    ToolDef {
        name: "get_ready_tickets",
        groups: &["queue", "read"],
        description: "Tickets ready to take (unblocked, unassigned, in the initial column), best first.",
        schema: || object(json!({ "workflow_id": s(), "limit": int() }), &[]),
    },
    ToolDef {
        name: "claim_next_ticket",
        groups: &["queue"],
        description: "Claim the best ready ticket (or ticket_id): assigned to you, moved to the claim column, leased (renewed by your writes).",
        schema: || {
            object(
                json!({ "workflow_id": s(), "ticket_id": s(), "lease_seconds": int() }),
                &[],
            )
        },
    },
    ToolDef {
        name: "create_task",
        groups: &["tasks"],
        description: "Create a task for a phase. A task of a blocked ticket waits (blocked) and is queued when the ticket unblocks.",
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
        groups: &["tasks", "read"],
        description: "List tasks, filtered, in creation order.",
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
        groups: &["commits"],
        description: "Link a git commit to a ticket.",
        schema: || {
            object(
                json!({ "ticket_id": sd(TICKET_DEFAULT), "commit_sha": s(), "commit_message": s() }),
                &["commit_sha"],
            )
        },
    },
];

/// The tools a `--toolset` value selects: comma-separated group names
/// and/or tool names. Unknown names are an error that lists the choices.
pub fn select(toolset: Option<&str>) -> Result<Vec<&'static ToolDef>, String> {
    let Some(spec) = toolset.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(TOOLS.iter().collect());
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
