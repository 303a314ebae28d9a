//! GitHub issues, as `gh issue list --state all --json
//! number,title,body,labels,state,assignees,createdAt,closedAt,comments,url`
//! writes them (a JSON array), into the Tix format. No network: only the file.
//!
//! | GitHub | Tix |
//! |---|---|
//! | `state` `OPEN` | the board's initial column |
//! | `state` `CLOSED` | the board's first done column |
//! | `labels` | tags; a label naming a board type (`bug`) sets the type; `P0`…`P4`, `priority: high` set the priority |
//! | `assignees` | the first one is `assigned_agent_id` |
//! | `body` | the description; its "blocked by #N" / "depends on #N" lines are blocking edges |
//! | `comments` | comments (author's login, time) |
//! | `url` | `external_ref` `owner/repo#N` |
//!
//! Issues are imported oldest first (by number).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::board::BoardConfig;
use crate::ticket::Priority;
use crate::validate::check_agent_id;
use crate::DomainError;

use super::foreign::{convert, parse_time, Converted, Draft, Stage, Summary};
use super::{refused, CommentRecord};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Issue {
    number: u64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    state: String,
    #[serde(default)]
    assignees: Vec<Login>,
    created_at: Option<String>,
    closed_at: Option<String>,
    #[serde(default)]
    comments: Vec<GhComment>,
    #[serde(default)]
    url: String,
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

#[derive(Deserialize)]
struct Login {
    #[serde(default)]
    login: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhComment {
    author: Option<Login>,
    #[serde(default)]
    body: String,
    created_at: Option<String>,
}

/// `owner/repo#N` from an issue URL (`https://github.com/owner/repo/issues/N`).
fn reference(url: &str, number: u64) -> String {
    let path = url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .collect::<Vec<_>>();
    match path.as_slice() {
        [_host, owner, repo, ..] if !owner.is_empty() && !repo.is_empty() => format!("{owner}/{repo}#{number}"),
        _ => format!("#{number}"),
    }
}

/// The priority a label names: `P0`…`P4`, `priority: high`, `priority/critical`.
fn label_priority(label: &str) -> Option<Priority> {
    let lower = label.trim().to_ascii_lowercase();
    let word = lower
        .strip_prefix("priority")
        .map(|rest| rest.trim_start_matches([':', '/', '-', ' ']).trim())
        .unwrap_or(lower.as_str());
    match word {
        "p0" | "critical" | "urgent" => Some(Priority::Critical),
        "p1" | "high" => Some(Priority::High),
        "p2" | "medium" | "normal" => Some(Priority::Medium),
        "p3" | "p4" | "low" => Some(Priority::Low),
        _ => None,
    }
}

/// The issue numbers a body's "blocked by #N" / "depends on #N" lines name
/// (`owner/repo#N` names another repository's issue and is left out).
pub fn blockers_in(body: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for line in body.lines() {
        let lower = line.to_ascii_lowercase();
        let Some(at) = ["blocked by", "depends on"].iter().filter_map(|k| lower.find(k)).min() else {
            continue;
        };
        let rest = &line[at..];
        for (i, _) in rest.match_indices('#') {
            let before = rest[..i].chars().next_back();
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, '/' | '-' | '_' | '.')) {
                continue;
            }
            let digits: String = rest[i + 1..].chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u64>() {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// Converts `gh issue list --json …` output for the workflow `workflow_id`
/// (whose board is `board`); `actor` creates the tickets (GitHub's list
/// does not name issue authors), `at` is the header's time.
pub fn convert_github(
    text: &str,
    board: &BoardConfig,
    workflow_id: &str,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<Converted, DomainError> {
    let mut issues: Vec<Issue> = serde_json::from_str(text).map_err(|e| {
        refused(
            e.line() as u64,
            format!("not the JSON of `gh issue list --json number,title,body,labels,state,assignees,createdAt,closedAt,comments,url`: {e}"),
        )
    })?;
    let mut summary = Summary {
        read: issues.len() as u64,
        ..Summary::default()
    };
    // Positions in the file's array, for the summary, before sorting.
    let mut positions = std::collections::HashMap::new();
    for (index, issue) in issues.iter().enumerate() {
        positions.entry(issue.number).or_insert(index as u64 + 1);
    }
    issues.sort_by_key(|i| i.number);
    let mut drafts = Vec::with_capacity(issues.len());
    let mut seen = std::collections::HashSet::new();
    for issue in issues {
        let line = positions.get(&issue.number).copied().unwrap_or_default();
        let id = format!("#{}", issue.number);
        if !seen.insert(issue.number) {
            summary.skip(line, id, "the issue appears twice; the first is kept");
            continue;
        }
        if issue.title.trim().is_empty() {
            summary.skip(line, id, "an issue without a title");
            continue;
        }
        let stage = match issue.state.to_ascii_uppercase().as_str() {
            "CLOSED" => Stage::Closed,
            _ => Stage::Open,
        };
        let created_at = issue.created_at.as_deref().and_then(parse_time).unwrap_or(at);
        let closed_at = issue.closed_at.as_deref().and_then(parse_time);
        let mut priority = Priority::Medium;
        let mut types = Vec::new();
        let mut tags = Vec::new();
        for label in &issue.labels {
            if let Some(p) = label_priority(&label.name) {
                priority = p;
                summary.map(format!("label '{}' → priority {p}", label.name));
            }
            if board.ticket_types.iter().any(|t| t.eq_ignore_ascii_case(&label.name)) {
                types.push(label.name.clone());
            }
            tags.push(label.name.clone());
        }
        let mut assignees = issue.assignees.iter().filter(|a| !a.login.trim().is_empty());
        let assignee = assignees.next().and_then(|a| check_agent_id("assignee", &a.login).ok());
        for extra in assignees {
            summary.skip(
                line,
                format!("{id} assignee {}", extra.login),
                "a ticket has one assignee; the first is kept",
            );
        }
        let mut comments = Vec::new();
        for comment in &issue.comments {
            if comment.body.trim().is_empty() {
                continue;
            }
            let author = comment
                .author
                .as_ref()
                .and_then(|a| check_agent_id("author", &a.login).ok())
                .unwrap_or_else(|| "ghost".to_string());
            comments.push(CommentRecord {
                author,
                comment_text: comment.body.clone(),
                created_at: comment.created_at.as_deref().and_then(parse_time).unwrap_or(created_at),
            });
        }
        let blocked_by = blockers_in(&issue.body)
            .into_iter()
            .filter(|n| *n != issue.number)
            .map(|n| (format!("#{n}"), None, None))
            .collect();
        drafts.push(Draft {
            line,
            foreign_id: id,
            external_ref: reference(&issue.url, issue.number),
            title: issue.title,
            description: issue.body,
            types,
            stage,
            status_word: issue.state.to_ascii_lowercase(),
            priority,
            tags,
            assignee,
            created_by: actor.to_string(),
            created_at,
            updated_at: closed_at.unwrap_or(created_at),
            closed_at,
            close_reason: None,
            comments,
            blocked_by,
            parents: Vec::new(),
            links: Vec::new(),
        });
    }
    Ok(convert("github", drafts, board, workflow_id, at, summary))
}
