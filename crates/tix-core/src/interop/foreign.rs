//! What the importers of other trackers share: an issue read from their
//! file ([`Draft`]) becomes a ticket record on the target board, relations
//! between issues become edges, parents and links, and a [`Summary`] says
//! what was imported, what was mapped to what, and what was skipped and why.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::board::BoardConfig;
use crate::event::HistoryAction;
use crate::graph::DependencyGraph;
use crate::hierarchy::{LinkKind, TicketLink};
use crate::ticket::Priority;
use crate::validate::{MAX_DESCRIPTION_CHARS, MAX_TAGS, MAX_TAG_CHARS, MAX_TITLE_CHARS};

use super::{CommentRecord, EdgeRecord, ExportFile, Header, HistoryRecord, TicketLine, TicketRecord, FORMAT_VERSION};

/// What an import from another tracker did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// `beads` or `github`.
    pub source: String,
    /// Issues read from the file.
    pub read: u64,
    /// Tickets the import creates.
    pub imported: u64,
    /// Edges, parents and links it keeps.
    pub blocking_edges: u64,
    pub parents: u64,
    pub links: u64,
    pub comments: u64,
    /// What was translated into what (`status 'in_progress' → 'building'`), with how often.
    pub mapped: BTreeMap<String, u64>,
    /// What was left out, and why.
    pub skipped: Vec<Skipped>,
}

/// Something an import left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Where it is in the file (a line; for GitHub's array, the position).
    pub line: u64,
    /// The issue (and what of it) left out.
    pub item: String,
    pub reason: String,
}

impl Summary {
    pub(super) fn map(&mut self, what: String) {
        *self.mapped.entry(what).or_default() += 1;
    }

    pub(super) fn skip(&mut self, line: u64, item: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            line,
            item: item.into(),
            reason: reason.into(),
        });
    }
}

/// A foreign file turned into the Tix format, and what happened on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub file: ExportFile,
    pub summary: Summary,
}

/// Where an issue stands in its tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Not started: the board's initial column.
    Open,
    /// Being worked on: the board's claim column.
    Started,
    /// Finished: the board's first done column.
    Closed,
}

/// One issue of another tracker, before it is put on the board.
#[derive(Debug, Clone)]
pub struct Draft {
    pub line: u64,
    /// Its id there (kept as `external_ref`, and the key relations use).
    pub foreign_id: String,
    pub external_ref: String,
    pub title: String,
    pub description: String,
    /// Type names to try on the board, best first.
    pub types: Vec<String>,
    pub stage: Stage,
    /// The tracker's own status word, for the summary.
    pub status_word: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub assignee: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub comments: Vec<CommentRecord>,
    /// Foreign ids of its blockers, with when the relation was made.
    pub blocked_by: Vec<(String, Option<DateTime<Utc>>, Option<String>)>,
    /// Foreign ids of parents (the first one known is kept).
    pub parents: Vec<String>,
    pub links: Vec<(LinkKind, String)>,
}

/// To the microsecond, as the stores keep time.
pub(super) fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| micros(t.with_timezone(&Utc)))
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Puts the drafts on `board` (of workflow `workflow_id`), as `actor`,
/// keeping what the board and the rules allow and saying what it did.
pub fn convert(
    source: &str,
    drafts: Vec<Draft>,
    board: &BoardConfig,
    workflow_id: &str,
    at: DateTime<Utc>,
    mut summary: Summary,
) -> Converted {
    summary.source = source.to_string();
    let known: HashSet<String> = drafts.iter().map(|d| d.foreign_id.clone()).collect();
    let mut graph = DependencyGraph::new();
    for draft in &drafts {
        graph.add_node(&draft.foreign_id, draft.stage == Stage::Closed);
    }
    let parents = choose_parents(&drafts, &known, &mut summary);
    let mut tickets = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let line = draft.line;
        let parent_id = parents.get(&draft.foreign_id).cloned();
        let record = ticket(draft, board, &known, &mut graph, parent_id, &mut summary);
        tickets.push(TicketLine { line, ticket: record });
    }
    summary.imported = tickets.len() as u64;
    summary.skipped.sort_by_key(|s| s.line);
    let header = Header {
        tix_export: FORMAT_VERSION,
        exported_at: at,
        tix_version: None,
        workflow_id: workflow_id.to_string(),
        tickets: tickets.len() as u64,
        source: Some(source.to_string()),
    };
    Converted {
        file: ExportFile {
            header,
            workflow: None,
            tickets,
        },
        summary,
    }
}

/// Each issue's parent: the first one named that is in the file and does
/// not close a loop.
fn choose_parents(drafts: &[Draft], known: &HashSet<String>, summary: &mut Summary) -> HashMap<String, String> {
    let mut parent: HashMap<String, String> = HashMap::new();
    for draft in drafts {
        for (index, candidate) in draft.parents.iter().enumerate() {
            let item = format!("{} parent {candidate}", draft.foreign_id);
            if index > 0 || parent.contains_key(&draft.foreign_id) {
                summary.skip(draft.line, item, "a ticket has one parent; the first one named is kept");
                continue;
            }
            if !known.contains(candidate) {
                summary.skip(draft.line, item, "the parent is not in the file (or was skipped)");
                continue;
            }
            // Walk up from the candidate: reaching this issue would close a loop.
            let mut at = candidate.clone();
            let mut steps = 0;
            let mut loops = at == draft.foreign_id;
            while let Some(up) = parent.get(&at) {
                if up == &draft.foreign_id || steps > drafts.len() {
                    loops = true;
                    break;
                }
                at = up.clone();
                steps += 1;
            }
            if loops {
                summary.skip(draft.line, item, "it would make the parents a loop");
                continue;
            }
            parent.insert(draft.foreign_id.clone(), candidate.clone());
        }
    }
    summary.parents = parent.len() as u64;
    parent
}

fn ticket_type(draft: &Draft, board: &BoardConfig, summary: &mut Summary) -> String {
    if let Some(found) = draft
        .types
        .iter()
        .find_map(|t| board.ticket_types.iter().find(|b| b.eq_ignore_ascii_case(t)))
    {
        return found.clone();
    }
    let first = board.ticket_types.first().cloned().unwrap_or_default();
    let wanted = draft.types.first().map(String::as_str).unwrap_or("(none)");
    summary.map(format!("type '{wanted}' → '{first}' (not on the board)"));
    first
}

fn tags(draft: &Draft, summary: &mut Summary) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in &draft.tags {
        let clean = tag.trim().replace(',', " ");
        if clean.is_empty() || clean.chars().count() > MAX_TAG_CHARS {
            summary.skip(
                draft.line,
                format!("{} label '{tag}'", draft.foreign_id),
                format!("a tag is 1..{MAX_TAG_CHARS} characters"),
            );
            continue;
        }
        if out.len() == MAX_TAGS {
            summary.skip(
                draft.line,
                format!("{} label '{tag}'", draft.foreign_id),
                format!("a ticket has at most {MAX_TAGS} tags"),
            );
            continue;
        }
        if !out.contains(&clean) {
            out.push(clean);
        }
    }
    out
}

fn ticket(
    draft: Draft,
    board: &BoardConfig,
    known: &HashSet<String>,
    graph: &mut DependencyGraph,
    parent_id: Option<String>,
    summary: &mut Summary,
) -> TicketRecord {
    let line = draft.line;
    let id = draft.foreign_id.clone();
    let ticket_type = ticket_type(&draft, board, summary);
    let tags = tags(&draft, summary);
    let status = match draft.stage {
        Stage::Open => board.initial_status.clone(),
        Stage::Started => board.claim_status().to_string(),
        Stage::Closed => board.first_done_status().to_string(),
    };
    summary.map(format!("status '{}' → '{status}'", draft.status_word));
    let mut title = draft.title.trim().to_string();
    if title.chars().count() > MAX_TITLE_CHARS {
        title = cut(&title, MAX_TITLE_CHARS);
        summary.map(format!("title cut to {MAX_TITLE_CHARS} characters"));
    }
    let mut description = draft.description.clone();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        description = cut(&description, MAX_DESCRIPTION_CHARS);
        summary.map(format!("description cut to {MAX_DESCRIPTION_CHARS} characters"));
    }
    let is_resolved = board.is_done(&status);
    let closed_at = draft.closed_at.filter(|_| is_resolved).map(|c| c.max(draft.created_at));
    let finished = closed_at.or(is_resolved.then_some(draft.updated_at));
    let started_at = (draft.stage == Stage::Started).then_some(draft.updated_at);

    let mut history = vec![HistoryRecord {
        agent_id: draft.created_by.clone(),
        action: HistoryAction::Created.as_str().to_string(),
        from_status: None,
        to_status: Some(board.initial_status.clone()),
        comment: None,
        details: json!({ "imported_from": summary.source, "external_ref": draft.external_ref }),
        created_at: draft.created_at,
    }];
    if status != board.initial_status {
        let (action, when) = if is_resolved {
            (HistoryAction::Resolved, finished.unwrap_or(draft.updated_at))
        } else {
            (HistoryAction::StatusChanged, draft.updated_at)
        };
        history.push(HistoryRecord {
            agent_id: draft.assignee.clone().unwrap_or_else(|| draft.created_by.clone()),
            action: action.as_str().to_string(),
            from_status: Some(board.initial_status.clone()),
            to_status: Some(status.clone()),
            comment: draft.close_reason.clone().filter(|_| is_resolved),
            details: json!({ "imported_from": summary.source }),
            created_at: when.max(draft.created_at),
        });
    }

    let mut blocked_by = Vec::new();
    for (blocker, when, by) in &draft.blocked_by {
        let item = format!("{id} blocked by {blocker}");
        if !known.contains(blocker) {
            summary.skip(line, item, "the blocker is not in the file (or was skipped)");
            continue;
        }
        if blocked_by.iter().any(|e: &EdgeRecord| &e.blocker_id == blocker) {
            continue;
        }
        match graph.add_edge(blocker, &id) {
            Ok(_) => blocked_by.push(EdgeRecord {
                blocker_id: blocker.clone(),
                created_by: by.clone().unwrap_or_else(|| draft.created_by.clone()),
                created_at: when.unwrap_or(draft.created_at),
            }),
            Err(e) => summary.skip(line, item, format!("it would make a dependency cycle ({e})")),
        }
    }
    summary.blocking_edges += blocked_by.len() as u64;
    let links: Vec<TicketLink> = {
        let mut links: Vec<TicketLink> = draft
            .links
            .iter()
            .filter(|(_, target)| target != &id)
            .map(|(kind, target)| TicketLink {
                kind: *kind,
                target: target.clone(),
            })
            .collect();
        links.sort();
        links.dedup();
        links
    };
    summary.links += links.len() as u64;
    summary.comments += draft.comments.len() as u64;
    let updated_at = draft.updated_at.max(draft.created_at);
    TicketRecord {
        id,
        title,
        description,
        ticket_type,
        status,
        priority: draft.priority,
        tags,
        created_by: draft.created_by,
        assigned_agent_id: draft.assignee,
        created_at: draft.created_at,
        updated_at,
        started_at,
        completed_at: finished,
        resolved_at: finished,
        is_resolved,
        version: 1,
        lease_expires_at: None,
        lease_seconds: None,
        parent_id,
        external_ref: Some(draft.external_ref),
        links,
        blocked_by,
        comments: draft.comments,
        history,
        tasks: Vec::new(),
        commits: Vec::new(),
        runs: Vec::new(),
    }
}
