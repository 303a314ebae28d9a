//! The Tix export format: JSON Lines, one JSON object per line, versioned.
//!
//! ```text
//! {"tix_export":1,"exported_at":"…","tix_version":"0.1.0","workflow_id":"wf-…","tickets":2}
//! {"type":"workflow","id":"wf-…","name":"…","board_config":{…},"phases":[…],"guardian":{…},…}
//! {"type":"ticket","id":"ticket-…","title":"…",…,"blocked_by":[…],"comments":[…],"history":[…],…}
//! {"type":"ticket",…}
//! ```
//!
//! Line 1 is the [`Header`]; line 2 the [`WorkflowRecord`] (its board,
//! phases and Guardian modes); then one [`TicketRecord`] per ticket in
//! creation order, each with its blockers, comments, history, tasks,
//! commit links and runs. Every field a ticket has is there, so importing a
//! file into an empty database and exporting again gives the same file
//! (the header's `exported_at` aside).
//!
//! A file without the workflow line imports its tickets into the existing
//! workflow its header names: what `tix import --from beads|github` makes.
//!
//! This module parses and renders the format ([`parse`], [`render_line`]),
//! checks a file against its board before anything is written ([`check`]),
//! and renames ids for an import under new ids ([`remap`]); `beads` and
//! `github` turn other trackers' exports into it.

pub mod beads;
mod check;
pub mod foreign;
pub mod github;
mod remap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::board::BoardConfig;
use crate::commit::CommitSource;
use crate::guardian::GuardianConfig;
use crate::hierarchy::TicketLink;
use crate::phase::Phase;
use crate::run::{Handoff, RunOutcome};
use crate::task::TaskStatus;
use crate::ticket::Priority;
use crate::DomainError;

pub use check::check;
pub use remap::{remap, IdMap};

/// The format version this Tix writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Line 1 of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The format version ([`FORMAT_VERSION`]).
    pub tix_export: u32,
    pub exported_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tix_version: Option<String>,
    /// The exported workflow; in a file without a workflow line, the
    /// existing workflow the tickets go into.
    pub workflow_id: String,
    /// How many ticket lines follow (a shorter file is refused as cut off).
    pub tickets: u64,
    /// Where the tickets come from when not from a Tix: `beads`, `github`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Line 2: the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowRecord {
    pub id: String,
    pub name: String,
    pub board_config: BoardConfig,
    #[serde(default)]
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub guardian: GuardianConfig,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A ticket with everything that hangs off it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketRecord {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub ticket_type: String,
    pub status: String,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub created_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_agent_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub is_resolved: bool,
    #[serde(default = "first_version")]
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The lease length the holder claimed with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<i64>,
    /// A ticket of this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<TicketLink>,
    /// Its blockers (tickets of this file), oldest edge first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<EdgeRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<CommentRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<TaskRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<CommitRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<RunRecord>,
}

fn first_version() -> u64 {
    1
}

/// `blocker_id → this ticket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeRecord {
    pub blocker_id: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentRecord {
    pub author: String,
    pub comment_text: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryRecord {
    pub agent_id: String,
    /// A history action (`created`, `status_changed`, `resolved`, …).
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default = "empty_object")]
    pub details: Value,
    pub created_at: DateTime<Utc>,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRecord {
    pub task_id: String,
    pub phase_id: u32,
    pub description: String,
    pub status: TaskStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_agent_id: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitRecord {
    pub sha: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_changed: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insertions: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<u32>,
    pub source: CommitSource,
    pub linked_by: String,
    pub linked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    pub run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_id: Option<u32>,
    pub agent_id: String,
    /// SHA-256 (hex) of the claim token of the claim that opened the run
    /// (never the token), so a live claim keeps fencing after a move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_token_sha256: Option<String>,
    pub started_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<RunOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Handoff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_in: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_out: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

/// A workflow as exported: everything but the header.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowExport {
    pub workflow: WorkflowRecord,
    /// In creation order.
    pub tickets: Vec<TicketRecord>,
}

impl WorkflowExport {
    /// The header for this export, written at `at` by Tix `version`.
    pub fn header(&self, at: DateTime<Utc>, version: &str) -> Header {
        Header {
            tix_export: FORMAT_VERSION,
            exported_at: at,
            tix_version: Some(version.to_string()),
            workflow_id: self.workflow.id.clone(),
            tickets: self.tickets.len() as u64,
            source: None,
        }
    }

    /// The whole file: header, workflow, tickets; each line ends in `\n`.
    pub fn render(&self, header: &Header) -> String {
        let mut out = String::new();
        out.push_str(&render_line(header));
        out.push_str(&render_record("workflow", &self.workflow));
        for ticket in &self.tickets {
            out.push_str(&render_record("ticket", ticket));
        }
        out
    }
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// The workflow the tickets are in.
    pub workflow_id: String,
    /// Whether the import created that workflow (from the file's workflow line).
    pub workflow_created: bool,
    /// The tickets' ids in the order of the file (new ones unless `keep_ids`).
    pub ticket_ids: Vec<String>,
    pub edges: u64,
    pub parents: u64,
    pub comments: u64,
    pub history: u64,
    pub tasks: u64,
    pub commits: u64,
    pub runs: u64,
    pub links: u64,
}

/// A parsed file: what an import writes.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportFile {
    pub header: Header,
    /// Absent: the tickets go into the existing workflow `header.workflow_id`.
    pub workflow: Option<WorkflowRecord>,
    pub tickets: Vec<TicketLine>,
}

/// A ticket record and the line it came from (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct TicketLine {
    pub line: u64,
    pub ticket: TicketRecord,
}

impl ExportFile {
    /// The file as text (line numbers are not kept: they follow from the order).
    pub fn render(&self) -> String {
        let mut out = render_line(&self.header);
        if let Some(workflow) = &self.workflow {
            out.push_str(&render_record("workflow", workflow));
        }
        for line in &self.tickets {
            out.push_str(&render_record("ticket", &line.ticket));
        }
        out
    }
}

/// One line: the value as compact JSON and `\n`.
pub fn render_line<T: Serialize>(value: &T) -> String {
    let mut line = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    line.push('\n');
    line
}

/// A record line: `{"type": kind, …fields in declaration order}`.
fn render_record<T: Serialize>(kind: &str, record: &T) -> String {
    #[derive(Serialize)]
    struct Line<'a, T> {
        #[serde(rename = "type")]
        kind: &'a str,
        #[serde(flatten)]
        record: &'a T,
    }
    render_line(&Line { kind, record })
}

/// Whether a file's first line is a Tix export header (rather than a
/// plain ticket, as the older `tix import` format has on every line).
pub fn is_export_header(first_line: &str) -> bool {
    serde_json::from_str::<Value>(first_line)
        .ok()
        .is_some_and(|v| v.get("tix_export").is_some())
}

fn refused(line: u64, reason: impl Into<String>) -> DomainError {
    DomainError::ImportRefused {
        line,
        reason: reason.into(),
    }
}

/// Parses a file: the header, the optional workflow line, the tickets.
/// Blank lines are skipped; a malformed line is refused with its number.
pub fn parse(text: &str) -> Result<ExportFile, DomainError> {
    let mut header: Option<Header> = None;
    let mut workflow: Option<WorkflowRecord> = None;
    let mut tickets: Vec<TicketLine> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(raw).map_err(|e| refused(line, format!("not a JSON object: {e}")))?;
        let Value::Object(mut object) = value else {
            return Err(refused(line, "not a JSON object"));
        };
        let Some(found) = &header else {
            let parsed: Header = serde_json::from_value(Value::Object(object))
                .map_err(|e| refused(line, format!("not a Tix export header: {e}")))?;
            if parsed.tix_export != FORMAT_VERSION {
                return Err(refused(
                    line,
                    format!(
                        "format version {} is not one this Tix reads ({FORMAT_VERSION}); export it again with this version",
                        parsed.tix_export
                    ),
                ));
            }
            header = Some(parsed);
            continue;
        };
        let kind = match object.remove("type") {
            Some(Value::String(kind)) => kind,
            _ => return Err(refused(line, "a record needs \"type\": \"workflow\" or \"ticket\"")),
        };
        match kind.as_str() {
            "workflow" if workflow.is_none() && tickets.is_empty() => {
                let record: WorkflowRecord = serde_json::from_value(Value::Object(object))
                    .map_err(|e| refused(line, format!("workflow: {e}")))?;
                if record.id != found.workflow_id {
                    return Err(refused(
                        line,
                        format!(
                            "the workflow is {} but the header names {}",
                            record.id, found.workflow_id
                        ),
                    ));
                }
                workflow = Some(record);
            }
            "workflow" => return Err(refused(line, "the workflow line comes once, right after the header")),
            "ticket" => {
                let ticket: TicketRecord =
                    serde_json::from_value(Value::Object(object)).map_err(|e| refused(line, format!("ticket: {e}")))?;
                tickets.push(TicketLine { line, ticket });
            }
            other => return Err(refused(line, format!("unknown record type '{other}'"))),
        }
    }
    let header = header.ok_or_else(|| refused(1, "the file is empty; a Tix export starts with its header"))?;
    if header.tickets != tickets.len() as u64 {
        let last = text.lines().count() as u64;
        return Err(refused(
            last,
            format!(
                "the header announces {} tickets but the file holds {}; was it cut off?",
                header.tickets,
                tickets.len()
            ),
        ));
    }
    Ok(ExportFile {
        header,
        workflow,
        tickets,
    })
}

#[cfg(test)]
mod tests;
