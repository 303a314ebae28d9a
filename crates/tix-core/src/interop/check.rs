//! What an import checks before it writes anything: every reference names a
//! ticket of the file, the blocking edges and the parents form no loop, and
//! every ticket fits the board it goes onto. A refusal names the line.

use std::collections::{HashMap, HashSet};

use crate::board::BoardConfig;
use crate::event::HistoryAction;
use crate::graph::DependencyGraph;
use crate::DomainError;

use super::{refused, ExportFile};

/// Checks `file` against `board` (the file's own workflow's, or the board
/// of the workflow it goes into).
pub fn check(file: &ExportFile, board: &BoardConfig) -> Result<(), DomainError> {
    let mut lines: HashMap<&str, u64> = HashMap::with_capacity(file.tickets.len());
    let mut task_ids: HashSet<&str> = HashSet::new();
    let mut run_ids: HashSet<&str> = HashSet::new();
    for entry in &file.tickets {
        let (line, t) = (entry.line, &entry.ticket);
        if lines.insert(t.id.as_str(), line).is_some() {
            return Err(refused(line, format!("ticket {} appears twice", t.id)));
        }
        if t.id.trim().is_empty() || t.id.len() > 200 {
            return Err(refused(line, "a ticket id is 1..200 characters"));
        }
        if t.title.trim().is_empty() {
            return Err(refused(line, format!("ticket {} has no title", t.id)));
        }
        board
            .check_status(&t.status)
            .map_err(|e| refused(line, format!("ticket {}: {e}", t.id)))?;
        board
            .check_ticket_type(&t.ticket_type)
            .map_err(|e| refused(line, format!("ticket {}: {e}", t.id)))?;
        if t.is_resolved != board.is_done(&t.status) {
            return Err(refused(
                line,
                format!(
                    "ticket {} is {} but stands in '{}', which is {} column",
                    t.id,
                    if t.is_resolved { "resolved" } else { "unresolved" },
                    t.status,
                    if board.is_done(&t.status) {
                        "a done"
                    } else {
                        "not a done"
                    }
                ),
            ));
        }
        for row in &t.history {
            if HistoryAction::parse(&row.action).is_none() {
                return Err(refused(
                    line,
                    format!("ticket {}: unknown history action '{}'", t.id, row.action),
                ));
            }
        }
        for task in &t.tasks {
            if !task_ids.insert(task.task_id.as_str()) {
                return Err(refused(line, format!("task {} appears twice", task.task_id)));
            }
        }
        for run in &t.runs {
            if !run_ids.insert(run.run_id.as_str()) {
                return Err(refused(line, format!("run {} appears twice", run.run_id)));
            }
            if let Some(task) = &run.task_id {
                if !t.tasks.iter().any(|k| &k.task_id == task) {
                    return Err(refused(
                        line,
                        format!(
                            "run {} works on task {task}, which is not a task of ticket {}",
                            run.run_id, t.id
                        ),
                    ));
                }
            }
        }
    }
    check_references(file, &lines)?;
    check_parents(file, &lines)?;
    check_edges(file)
}

fn check_references(file: &ExportFile, lines: &HashMap<&str, u64>) -> Result<(), DomainError> {
    for entry in &file.tickets {
        let (line, t) = (entry.line, &entry.ticket);
        let mut seen = HashSet::new();
        for edge in &t.blocked_by {
            if edge.blocker_id == t.id {
                return Err(refused(line, format!("ticket {} blocks itself", t.id)));
            }
            if !lines.contains_key(edge.blocker_id.as_str()) {
                return Err(refused(
                    line,
                    format!(
                        "ticket {} is blocked by {}, which is not a ticket of this file",
                        t.id, edge.blocker_id
                    ),
                ));
            }
            if !seen.insert(edge.blocker_id.as_str()) {
                return Err(refused(
                    line,
                    format!("ticket {} names blocker {} twice", t.id, edge.blocker_id),
                ));
            }
        }
        if let Some(parent) = &t.parent_id {
            if !lines.contains_key(parent.as_str()) {
                return Err(refused(
                    line,
                    format!(
                        "ticket {} has parent {parent}, which is not a ticket of this file",
                        t.id
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Parents: following them from any ticket never comes back to it.
fn check_parents(file: &ExportFile, lines: &HashMap<&str, u64>) -> Result<(), DomainError> {
    let parent: HashMap<&str, &str> = file
        .tickets
        .iter()
        .filter_map(|e| e.ticket.parent_id.as_deref().map(|p| (e.ticket.id.as_str(), p)))
        .collect();
    // Tickets known to reach a root.
    let mut rooted: HashSet<&str> = HashSet::new();
    for entry in &file.tickets {
        let start = entry.ticket.id.as_str();
        let mut path = vec![start];
        let mut on_path: HashSet<&str> = HashSet::from([start]);
        let mut at = start;
        while let Some(&up) = parent.get(at) {
            if rooted.contains(up) {
                break;
            }
            if !on_path.insert(up) {
                let from = path.iter().position(|p| *p == up).unwrap_or(0);
                let mut cycle: Vec<String> = path[from..].iter().map(|s| s.to_string()).collect();
                cycle.push(up.to_string());
                let line = lines.get(up).copied().unwrap_or(entry.line);
                return Err(refused(
                    line,
                    format!("the parents form a loop: {}", cycle.join(" -> ")),
                ));
            }
            path.push(up);
            at = up;
        }
        rooted.extend(path);
    }
    Ok(())
}

/// Blocking edges: added line by line to a graph that refuses a cycle, so
/// the refusal names the line whose edge closes it.
fn check_edges(file: &ExportFile) -> Result<(), DomainError> {
    let mut graph = DependencyGraph::new();
    for entry in &file.tickets {
        graph.add_node(&entry.ticket.id, entry.ticket.is_resolved);
    }
    for entry in &file.tickets {
        for edge in &entry.ticket.blocked_by {
            graph
                .add_edge(&edge.blocker_id, &entry.ticket.id)
                .map_err(|e| match e {
                    DomainError::DependencyCycle { path } => refused(
                        entry.line,
                        format!("the blocking edges form a cycle: {}", path.join(" -> ")),
                    ),
                    other => refused(entry.line, other.to_string()),
                })?;
        }
    }
    Ok(())
}
