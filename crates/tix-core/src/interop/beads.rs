//! beads (`.beads/issues.jsonl`, one issue per line) into the Tix format.
//!
//! | beads | Tix |
//! |---|---|
//! | `status` `open`, `blocked`, `deferred` | the board's initial column (blocking follows the dependencies) |
//! | `status` `in_progress`, `hooked`, `pinned` | the board's claim column |
//! | `status` `closed` | the board's first done column (`close_reason` is the resolution comment) |
//! | `status` `tombstone` | skipped (deleted in beads) |
//! | `priority` 0, 1, 2, 3–4 | critical, high, medium, low |
//! | `issue_type` | the board's type of that name, else its first type |
//! | `labels` | tags |
//! | `assignee` | `assigned_agent_id` |
//! | `design`, `acceptance_criteria`, `notes` | sections appended to the description |
//! | `dependencies` `blocks` | blocking edges |
//! | `dependencies` `parent-child` | the parent |
//! | `dependencies` `related`, `relates_to`, `discovered-from` | links |
//! | `id` | `external_ref` (a ticket id may be given as it) |

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::board::BoardConfig;
use crate::hierarchy::LinkKind;
use crate::ticket::Priority;
use crate::validate::check_agent_id;
use crate::DomainError;

use super::foreign::{convert, parse_time, Converted, Draft, Stage, Summary};
use super::{refused, CommentRecord};

#[derive(Deserialize)]
struct Issue {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    design: String,
    #[serde(default)]
    acceptance_criteria: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    status: String,
    priority: Option<i64>,
    #[serde(default)]
    issue_type: String,
    assignee: Option<String>,
    created_by: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    closed_at: Option<String>,
    close_reason: Option<String>,
    #[serde(default)]
    comments: Vec<BeadsComment>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
struct BeadsComment {
    #[serde(default)]
    author: String,
    #[serde(default)]
    text: String,
    created_at: Option<String>,
}

#[derive(Deserialize)]
struct Dependency {
    #[serde(default)]
    issue_id: String,
    depends_on_id: String,
    #[serde(rename = "type", default)]
    kind: String,
    created_at: Option<String>,
    created_by: Option<String>,
}

fn priority(p: Option<i64>) -> Priority {
    match p {
        Some(0) => Priority::Critical,
        Some(1) => Priority::High,
        Some(3) | Some(4) => Priority::Low,
        _ => Priority::Medium,
    }
}

fn stage(status: &str) -> Option<Stage> {
    match status {
        "closed" => Some(Stage::Closed),
        "in_progress" | "hooked" | "pinned" => Some(Stage::Started),
        "tombstone" => None,
        _ => Some(Stage::Open),
    }
}

/// The description with beads' other text fields as sections.
fn description(issue: &Issue) -> String {
    let mut text = issue.description.trim_end().to_string();
    for (heading, body) in [
        ("Design", &issue.design),
        ("Acceptance criteria", &issue.acceptance_criteria),
        ("Notes", &issue.notes),
    ] {
        if !body.trim().is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("## {heading}\n\n{}", body.trim_end()));
        }
    }
    text
}

/// Converts a beads `issues.jsonl` for the workflow `workflow_id` (whose
/// board is `board`); `actor` stands in where beads names nobody, `at` is
/// the header's time. A line that is not JSON is refused with its number;
/// anything else that does not fit is skipped and reported.
pub fn convert_beads(
    text: &str,
    board: &BoardConfig,
    workflow_id: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Converted, DomainError> {
    let mut summary = Summary::default();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value: Value =
            serde_json::from_str(raw).map_err(|e| refused(line, format!("not a beads issue (JSON): {e}")))?;
        summary.read += 1;
        let issue: Issue =
            serde_json::from_value(value).map_err(|e| refused(line, format!("not a beads issue: {e}")))?;
        let id = issue.id.trim().to_string();
        if id.is_empty() {
            summary.skip(line, "(no id)", "an issue without an id");
            continue;
        }
        if !seen.insert(id.clone()) {
            summary.skip(line, id, "the id appears twice; the first line is kept");
            continue;
        }
        let Some(stage) = stage(&issue.status) else {
            summary.skip(line, id, "deleted in beads (tombstone)");
            continue;
        };
        if issue.title.trim().is_empty() {
            summary.skip(line, id, "an issue without a title");
            continue;
        }
        let created_at = issue.created_at.as_deref().and_then(parse_time).unwrap_or(at);
        let updated_at = issue.updated_at.as_deref().and_then(parse_time).unwrap_or(created_at);
        let created_by = issue
            .created_by
            .as_deref()
            .and_then(|a| check_agent_id("created_by", a).ok())
            .unwrap_or_else(|| actor.to_string());
        let assignee = match issue.assignee.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => match check_agent_id("assignee", a) {
                Ok(a) => Some(a),
                Err(e) => {
                    summary.skip(line, format!("{id} assignee"), e.to_string());
                    None
                }
            },
        };
        let p = priority(issue.priority);
        summary.map(format!(
            "priority P{} → {p}",
            issue
                .priority
                .map(|n| n.to_string())
                .unwrap_or_else(|| "2 (none given)".into())
        ));
        let mut draft = Draft {
            line,
            foreign_id: id.clone(),
            external_ref: id.clone(),
            title: issue.title.clone(),
            description: description(&issue),
            types: vec![issue.issue_type.clone()],
            stage,
            status_word: issue.status.clone(),
            priority: p,
            tags: issue.labels.clone(),
            assignee,
            created_by,
            created_at,
            updated_at,
            closed_at: issue.closed_at.as_deref().and_then(parse_time),
            close_reason: issue.close_reason.clone().filter(|r| !r.trim().is_empty()),
            comments: Vec::new(),
            blocked_by: Vec::new(),
            parents: Vec::new(),
            links: Vec::new(),
        };
        for comment in &issue.comments {
            if comment.text.trim().is_empty() {
                summary.skip(line, format!("{id} comment"), "an empty comment");
                continue;
            }
            draft.comments.push(CommentRecord {
                author: check_agent_id("author", &comment.author).unwrap_or_else(|_| actor.to_string()),
                comment_text: comment.text.clone(),
                created_at: comment.created_at.as_deref().and_then(parse_time).unwrap_or(created_at),
            });
        }
        for dep in &issue.dependencies {
            if !dep.issue_id.is_empty() && dep.issue_id != id {
                summary.skip(
                    line,
                    format!("{id} dependency {} → {}", dep.issue_id, dep.depends_on_id),
                    "it belongs to another issue",
                );
                continue;
            }
            let target = dep.depends_on_id.trim().to_string();
            let when = dep.created_at.as_deref().and_then(parse_time);
            let by = dep
                .created_by
                .as_deref()
                .and_then(|a| check_agent_id("created_by", a).ok());
            match dep.kind.as_str() {
                "blocks" | "" => draft.blocked_by.push((target, when, by)),
                "parent-child" => draft.parents.push(target),
                "related" | "relates_to" => draft.links.push((LinkKind::Related, target)),
                "discovered-from" => draft.links.push((LinkKind::DiscoveredFrom, target)),
                other => summary.skip(
                    line,
                    format!("{id} dependency '{other}' on {target}"),
                    "Tix has no such relation",
                ),
            }
        }
        drafts.push(draft);
    }
    Ok(convert("beads", drafts, board, workflow_id, at, summary))
}
