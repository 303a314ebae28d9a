//! The compact JSON each tool answers with: what an agent needs to act,
//! in the REST API's field names, and nothing it would have to skip.

use serde_json::{json, Map, Value};
use tix_app::CreatedTicket;
use tix_core::claim::Claimed;
use tix_core::commit::CommitLinked;
use tix_core::guardian::Violation;
use tix_core::run::{Heartbeat, Run};
use tix_core::task::{Task, TaskCreated};
use tix_core::ticket::{Comment, StatusChange, Ticket, TicketDetail};
use tix_core::workflow::Workflow;

/// History rows `get_ticket` shows (the latest ones).
const HISTORY_SHOWN: usize = 30;

pub(super) fn put(map: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    map.insert(key.to_string(), value.into());
}

pub(super) fn put_some<T: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value.into());
    }
}

pub(super) fn put_nonempty(map: &mut Map<String, Value>, key: &str, values: &[String]) {
    if !values.is_empty() {
        map.insert(key.to_string(), json!(values));
    }
}

/// A ticket in a list: what an agent needs to pick one.
pub(super) fn brief(t: &Ticket) -> Value {
    let mut m = Map::new();
    put(&mut m, "id", t.id.as_str());
    put(&mut m, "title", t.title.as_str());
    put(&mut m, "status", t.status.as_str());
    put(&mut m, "ticket_type", t.ticket_type.as_str());
    put(&mut m, "priority", t.priority.as_str());
    if t.is_blocked {
        put(&mut m, "is_blocked", true);
    }
    if t.is_resolved {
        put(&mut m, "is_resolved", true);
    }
    put_some(&mut m, "assigned_agent_id", t.assigned_agent_id.as_deref());
    Value::Object(m)
}

pub(super) fn task_brief(t: &Task) -> Value {
    let mut m = Map::new();
    put(&mut m, "task_id", t.task_id.as_str());
    put(&mut m, "phase_id", t.phase_id);
    put(&mut m, "status", t.status.as_str());
    put(&mut m, "ticket_id", t.ticket_id.as_str());
    put_some(&mut m, "assigned_agent_id", t.assigned_agent_id.as_deref());
    put(&mut m, "description", t.description.as_str());
    put_some(&mut m, "note", t.note.as_deref());
    Value::Object(m)
}

pub(super) fn violations(m: &mut Map<String, Value>, list: &[Violation]) {
    if !list.is_empty() {
        let items: Vec<Value> = list
            .iter()
            .map(|v| json!({ "rule": v.rule, "message": v.message, "fix": v.fix }))
            .collect();
        put(m, "guardian_warnings", items);
    }
}

pub(super) fn status_change(change: &StatusChange) -> Value {
    let t = &change.ticket;
    let mut m = Map::new();
    put(&mut m, "ticket_id", t.id.as_str());
    put(&mut m, "status", t.status.as_str());
    put(&mut m, "is_resolved", t.is_resolved);
    put(&mut m, "version", t.version);
    put_nonempty(&mut m, "unblocked_ticket_ids", &change.unblocked_ticket_ids);
    put_nonempty(&mut m, "reblocked_ticket_ids", &change.reblocked_ticket_ids);
    put_nonempty(&mut m, "queued_task_ids", &change.queued_task_ids);
    put_nonempty(&mut m, "blocked_task_ids", &change.blocked_task_ids);
    violations(&mut m, &change.violations);
    Value::Object(m)
}

pub(super) fn detail(d: &TicketDetail) -> Value {
    let t = &d.ticket;
    let mut m = Map::new();
    put(&mut m, "id", t.id.as_str());
    put(&mut m, "workflow_id", t.workflow_id.as_str());
    put(&mut m, "title", t.title.as_str());
    put(&mut m, "description", t.description.as_str());
    put(&mut m, "ticket_type", t.ticket_type.as_str());
    put(&mut m, "status", t.status.as_str());
    put(&mut m, "priority", t.priority.as_str());
    put(&mut m, "is_blocked", t.is_blocked);
    put(&mut m, "is_resolved", t.is_resolved);
    put(&mut m, "version", t.version);
    put(&mut m, "created_by", t.created_by.as_str());
    put_some(&mut m, "assigned_agent_id", t.assigned_agent_id.as_deref());
    put_some(&mut m, "lease_expires_at", t.lease_expires_at.map(|l| l.to_rfc3339()));
    put_nonempty(&mut m, "tags", &t.tags);
    let refs = |refs: &[tix_core::error::TicketRef]| -> Vec<Value> {
        refs.iter()
            .map(|r| json!({ "id": r.id, "status": r.status, "title": r.title, "is_resolved": r.is_resolved }))
            .collect()
    };
    put(&mut m, "blocked_by", refs(&d.blocked_by));
    put(&mut m, "blocks", refs(&d.blocks));
    put_some(&mut m, "parent_id", t.parent_id.as_deref());
    put_some(&mut m, "external_ref", t.external_ref.as_deref());
    if !d.children.is_empty() {
        let children: Vec<Value> = d
            .children
            .iter()
            .map(|c| {
                let mut row = Map::new();
                put(&mut row, "id", c.id.as_str());
                put(&mut row, "title", c.title.as_str());
                put(&mut row, "status", c.status.as_str());
                put(&mut row, "is_resolved", c.is_resolved);
                if c.depth > 1 {
                    put(&mut row, "parent_id", c.parent_id.as_str());
                    put(&mut row, "depth", c.depth);
                }
                Value::Object(row)
            })
            .collect();
        put(&mut m, "children", children);
        put(&mut m, "progress", json!(d.progress));
    }
    if !d.links.is_empty() {
        put(&mut m, "links", json!(d.links));
    }
    put(&mut m, "tasks", d.tasks.iter().map(task_brief).collect::<Vec<_>>());
    put(
        &mut m,
        "comments",
        d.comments
            .iter()
            .map(|c| json!({ "author": c.author, "created_at": c.created_at.to_rfc3339(), "comment_text": c.comment_text }))
            .collect::<Vec<_>>(),
    );
    if !d.commits.is_empty() {
        put(
            &mut m,
            "commits",
            d.commits
                .iter()
                .map(|c| json!({ "sha": c.sha, "message": c.message.lines().next().unwrap_or_default(), "author": c.author }))
                .collect::<Vec<_>>(),
        );
    }
    let skip = d.history.len().saturating_sub(HISTORY_SHOWN);
    let history: Vec<Value> = d.history[skip..]
        .iter()
        .map(|h| {
            let mut row = Map::new();
            put(&mut row, "created_at", h.created_at.to_rfc3339());
            put(&mut row, "agent_id", h.agent_id.as_str());
            put(&mut row, "action", h.action.as_str());
            put_some(&mut row, "from_status", h.from_status.as_deref());
            put_some(&mut row, "to_status", h.to_status.as_deref());
            if let Some(task) = h.details.get("task_id") {
                put(&mut row, "task_id", task.clone());
            }
            Value::Object(row)
        })
        .collect();
    put(&mut m, "history", history);
    if skip > 0 {
        put(&mut m, "history_omitted", skip);
    }
    Value::Object(m)
}

pub(super) fn created_view(created: &CreatedTicket) -> Value {
    let t = &created.ticket;
    let mut m = Map::new();
    put(&mut m, "ticket_id", t.id.as_str());
    put(&mut m, "workflow_id", t.workflow_id.as_str());
    put(&mut m, "status", t.status.as_str());
    put(&mut m, "is_blocked", t.is_blocked);
    put_nonempty(&mut m, "blocked_by_ticket_ids", &t.blocked_by_ticket_ids);
    put_some(&mut m, "parent_id", t.parent_id.as_deref());
    if !created.similar_tickets.is_empty() {
        put(&mut m, "similar_tickets", json!(created.similar_tickets));
    }
    violations(&mut m, &created.violations);
    Value::Object(m)
}

pub(super) fn comment_view(comment: &Comment) -> Value {
    json!({ "comment_id": comment.id, "ticket_id": comment.ticket_id })
}

pub(super) fn claimed_view(claimed: &Claimed) -> Value {
    let t = &claimed.ticket;
    let mut m = Map::new();
    put(&mut m, "ticket_id", t.id.as_str());
    put(&mut m, "title", t.title.as_str());
    put(&mut m, "description", t.description.as_str());
    put(&mut m, "ticket_type", t.ticket_type.as_str());
    put(&mut m, "status", t.status.as_str());
    put_some(&mut m, "lease_expires_at", t.lease_expires_at.map(|l| l.to_rfc3339()));
    put(&mut m, "claim_token", claimed.claim_token.as_str());
    put(&mut m, "run_id", claimed.run_id.as_str());
    if let Some(task) = &claimed.task {
        put(&mut m, "task", task_brief(task));
    }
    if !claimed.handoffs.is_empty() {
        put(&mut m, "handoffs", json!(claimed.handoffs));
    }
    Value::Object(m)
}

pub(super) fn task_created_view(created: &TaskCreated) -> Value {
    let mut m = Map::new();
    put(&mut m, "task_id", created.task_id.as_str());
    put(&mut m, "status", created.task.status.as_str());
    put(&mut m, "phase_id", created.task.phase_id);
    put(&mut m, "ticket_id", created.task.ticket_id.as_str());
    violations(&mut m, &created.violations);
    Value::Object(m)
}

pub(super) fn workflow_view(workflow: &Workflow) -> Value {
    let columns: Vec<&str> = workflow.board_config.columns.iter().map(|c| c.id.as_str()).collect();
    json!({ "workflow_id": workflow.id, "name": workflow.name, "columns": columns })
}

pub(super) fn commit_view(linked: &CommitLinked) -> Value {
    json!({ "ticket_id": linked.ticket_id, "sha": linked.sha, "newly_linked": linked.newly_linked })
}

pub(super) fn heartbeat_view(beat: &Heartbeat) -> Value {
    json!({ "ticket_id": beat.ticket_id, "lease_expires_at": beat.lease_expires_at.to_rfc3339(), "run_id": beat.run_id })
}

pub(super) fn run_view(run: &Run) -> Value {
    let mut m = Map::new();
    put(&mut m, "run_id", run.run_id.as_str());
    put(&mut m, "ticket_id", run.ticket_id.as_str());
    put(&mut m, "outcome", run.outcome.map(|o| o.as_str()).unwrap_or("open"));
    put_some(&mut m, "ended_at", run.ended_at.map(|t| t.to_rfc3339()));
    Value::Object(m)
}
