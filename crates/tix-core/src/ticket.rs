//! Tickets and everything that hangs off them: comments, history, the
//! shapes the API returns.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::board::BoardConfig;
pub use crate::refs::{SimilarTicket, TicketRef};
pub use crate::validate::{
    check_agent_id, check_comment, check_description, check_title, normalise_tags, page_size, DEFAULT_PAGE_SIZE,
    MAX_AGENT_ID_CHARS, MAX_COMMENT_CHARS, MAX_DESCRIPTION_CHARS, MAX_PAGE_SIZE, MAX_TAGS, MAX_TAG_CHARS,
};
use crate::DomainError;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Medium, Priority::High, Priority::Critical];

    /// Numeric rank, higher is more urgent (stored as an integer).
    pub fn rank(self) -> i64 {
        match self {
            Priority::Low => 0,
            Priority::Medium => 1,
            Priority::High => 2,
            Priority::Critical => 3,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.rank() == rank)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                DomainError::validation(
                    "priority",
                    format!("'{s}' is not a priority; use low, medium, high or critical"),
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ticket {
    pub id: String,
    pub workflow_id: String,
    pub title: String,
    pub description: String,
    pub ticket_type: String,
    pub status: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub created_by: String,
    pub assigned_agent_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the ticket first left the initial column.
    pub started_at: Option<DateTime<Utc>>,
    /// When the ticket last entered a done status.
    pub completed_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub is_resolved: bool,
    /// True while any blocker is unresolved.
    pub is_blocked: bool,
    /// Whether the ready queue offers it: unresolved, unblocked, no open
    /// child, in the initial column and unassigned (as of this answer).
    #[serde(default)]
    #[schema(required = true)]
    pub is_ready: bool,
    /// Ids of every ticket that blocks this one (resolved or not).
    pub blocked_by_ticket_ids: Vec<String>,
    /// Increments on every change; send it as `If-Match` to avoid lost updates.
    pub version: u64,
    /// When the claim of `assigned_agent_id` runs out (renewed by its writes).
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The ticket this one is part of (same workflow), if any.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The id it had in the tracker it was imported from (`bd-a1b2`,
    /// `acme/shop#12`); a ticket id may be given as it anywhere.
    #[serde(default)]
    pub external_ref: Option<String>,
}

impl Ticket {
    pub fn as_ref(&self) -> TicketRef {
        TicketRef {
            id: self.id.clone(),
            title: self.title.clone(),
            status: self.status.clone(),
            is_resolved: self.is_resolved,
        }
    }
}

/// Body of `POST /api/tickets`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub workflow_id: String,
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 100_000)]
    pub description: String,
    pub ticket_type: String,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// At most 32 tags of at most 64 characters.
    #[serde(default)]
    #[schema(max_items = 32)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub blocked_by_ticket_ids: Vec<String>,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 128)]
    pub assigned_agent_id: Option<String>,
    /// Caller-chosen id (imports only; generated when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The ticket this one is part of (same workflow; id or unambiguous prefix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

impl NewTicket {
    /// Validates against the board and returns the normalised ticket.
    pub fn validate(&self, board: &BoardConfig) -> Result<NewTicket, DomainError> {
        let title = check_title(&self.title)?;
        check_description(&self.description)?;
        board.check_ticket_type(&self.ticket_type)?;
        let tags = normalise_tags(&self.tags)?;
        let assigned_agent_id = self
            .assigned_agent_id
            .as_deref()
            .map(|a| check_agent_id("assigned_agent_id", a))
            .transpose()?;
        if let Some(id) = &self.id {
            crate::ids::check_explicit_ticket_id(id)?;
        }
        let mut blockers: Vec<String> = Vec::new();
        for id in &self.blocked_by_ticket_ids {
            let id = crate::ids::normalise_ticket_ref(id)?;
            if !blockers.contains(&id) {
                blockers.push(id);
            }
        }
        // Resolved (id, prefix or external ref) by the store.
        let parent_id = self
            .parent_id
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        Ok(NewTicket {
            workflow_id: self.workflow_id.clone(),
            title,
            description: self.description.clone(),
            ticket_type: self.ticket_type.clone(),
            priority: Some(self.priority.unwrap_or_default()),
            tags,
            blocked_by_ticket_ids: blockers,
            assigned_agent_id,
            id: self.id.clone(),
            parent_id,
        })
    }
}

/// Body of `PATCH /api/tickets/{id}`: every field optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketPatch {
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[schema(max_length = 100_000)]
    pub description: Option<String>,
    pub priority: Option<Priority>,
    #[schema(max_items = 32)]
    pub tags: Option<Vec<String>>,
    pub ticket_type: Option<String>,
    /// `null` unassigns; absent leaves it as is.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub assigned_agent_id: Option<Option<String>>,
    /// The parent (same workflow, not below this ticket); `null` detaches
    /// it from its parent; absent leaves it as is.
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
}

fn double_option<'de, D>(deserializer: D) -> Result<Option<Option<String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Option::<String>::deserialize(deserializer).map(Some)
}

impl TicketPatch {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.description.is_none()
            && self.priority.is_none()
            && self.tags.is_none()
            && self.ticket_type.is_none()
            && self.assigned_agent_id.is_none()
            && self.parent_id.is_none()
    }

    /// Validates against the board and returns the normalised patch.
    pub fn validate(&self, board: &BoardConfig) -> Result<TicketPatch, DomainError> {
        if self.is_empty() {
            return Err(DomainError::validation(
                "body",
                "nothing to change; send any of title, description, priority, tags, ticket_type, assigned_agent_id, parent_id",
            ));
        }
        if let Some(description) = &self.description {
            check_description(description)?;
        }
        if let Some(ticket_type) = &self.ticket_type {
            board.check_ticket_type(ticket_type)?;
        }
        Ok(TicketPatch {
            title: self.title.as_deref().map(check_title).transpose()?,
            description: self.description.clone(),
            priority: self.priority,
            tags: self.tags.as_deref().map(normalise_tags).transpose()?,
            ticket_type: self.ticket_type.clone(),
            assigned_agent_id: match &self.assigned_agent_id {
                None => None,
                Some(None) => Some(None),
                Some(Some(agent)) => Some(Some(check_agent_id("assigned_agent_id", agent)?)),
            },
            parent_id: match &self.parent_id {
                None => None,
                Some(None) => Some(None),
                Some(Some(parent)) if parent.trim().is_empty() => Some(None),
                Some(Some(parent)) => Some(Some(parent.trim().to_string())),
            },
        })
    }

    /// Names of the fields this patch changes, for the history row.
    pub fn field_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.title.is_some() {
            names.push("title");
        }
        if self.description.is_some() {
            names.push("description");
        }
        if self.priority.is_some() {
            names.push("priority");
        }
        if self.tags.is_some() {
            names.push("tags");
        }
        if self.ticket_type.is_some() {
            names.push("ticket_type");
        }
        if self.assigned_agent_id.is_some() {
            names.push("assigned_agent_id");
        }
        if self.parent_id.is_some() {
            names.push("parent_id");
        }
        names
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Comment {
    pub id: i64,
    pub ticket_id: String,
    pub author: String,
    pub comment_text: String,
    pub created_at: DateTime<Utc>,
}

/// One row of a ticket's history: who did what, when, from where to where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    pub ticket_id: String,
    pub agent_id: String,
    /// `created`, `status_changed`, `resolved`, `reopened`, `updated`,
    /// `commented`, `blocker_added`, `blocker_removed`, `unblocked`,
    /// `blocked`, `claimed`, `lease_expired`.
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub comment: Option<String>,
    #[schema(value_type = Object)]
    pub details: Value,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/tickets/{id}`: the ticket with its relations, comments and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub blocked_by: Vec<TicketRef>,
    pub blocks: Vec<TicketRef>,
    pub comments: Vec<Comment>,
    pub history: Vec<HistoryEntry>,
    /// Tasks working on this ticket (its active work first: in progress,
    /// queued, blocked; then finished ones), oldest first within each.
    #[serde(default)]
    pub tasks: Vec<crate::task::Task>,
    /// Git commits linked to this ticket, oldest commit first.
    #[serde(default)]
    pub commits: Vec<crate::commit::CommitLink>,
    /// Attempts at this ticket (claims and task starts), oldest first.
    #[serde(default)]
    pub runs: Vec<crate::run::Run>,
    /// Its parent, when it has one.
    #[serde(default)]
    pub parent: Option<TicketRef>,
    /// Its descendants in tree order (depth 1: its direct children), each
    /// with its state.
    #[serde(default)]
    pub children: Vec<crate::hierarchy::ChildTicket>,
    /// Resolved of all its descendants.
    #[serde(default)]
    pub progress: crate::hierarchy::Progress,
    /// Links kept from the tracker it was imported from.
    #[serde(default)]
    pub links: Vec<crate::hierarchy::TicketLink>,
}

/// Result of a status change or a resolve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub ticket: Ticket,
    /// Dependents with no unresolved blocker left after this change.
    pub unblocked_ticket_ids: Vec<String>,
    /// Dependents blocked again because this ticket was reopened.
    pub reblocked_ticket_ids: Vec<String>,
    /// Tasks of unblocked dependents that went from blocked to queued.
    #[serde(default)]
    pub queued_task_ids: Vec<String>,
    /// Queued tasks of reblocked dependents, now blocked.
    #[serde(default)]
    pub blocked_task_ids: Vec<String>,
    /// Guardian rules in `warn` mode this change broke (it went through).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<crate::guardian::Violation>,
}

/// A ticket created with Guardian findings judged in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketCreated {
    pub ticket: Ticket,
    /// Guardian rules in `warn` mode the create broke (it went through).
    pub violations: Vec<crate::guardian::Violation>,
}

/// Filters of `GET /api/tickets`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TicketFilter {
    pub workflow_id: Option<String>,
    pub status: Option<String>,
    pub ticket_type: Option<String>,
    pub priority: Option<Priority>,
    pub assigned_agent_id: Option<String>,
    pub blocked: Option<bool>,
    pub resolved: Option<bool>,
    pub tag: Option<String>,
    /// Only the direct children of this ticket (a full id).
    #[serde(default)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A ready ticket and why it sorts where it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReadyTicket {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// How many unresolved tickets depend on this one, directly or not.
    pub unblocks_count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GraphNode {
    // Shared with the edges that name it: a workflow's whole graph holds
    // each id once, and every edge's type is one static string.
    #[schema(value_type = String)]
    pub id: Arc<str>,
    pub title: String,
    pub status: String,
    pub ticket_type: String,
    pub priority: Priority,
    pub assigned_agent_id: Option<String>,
    pub is_resolved: bool,
    pub is_blocked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GraphEdge {
    /// The blocker.
    #[schema(value_type = String)]
    pub from: Arc<str>,
    /// The blocked ticket.
    #[schema(value_type = String)]
    pub to: Arc<str>,
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub edge_type: Cow<'static, str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TicketGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// The longest chain of unresolved tickets, blocker first.
    pub critical_path: Vec<String>,
}

/// A workflow's critical path alone (`GET /api/workflows/{id}/critical-path`):
/// what a view that already has the tickets needs from the whole graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CriticalPath {
    /// The longest chain of unresolved tickets, blocker first (as
    /// `critical_path` of the workflow's graph).
    pub critical_path: Vec<String>,
    /// The same tickets, in the same order, with their titles and states.
    pub tickets: Vec<GraphNode>,
}

/// An entry of the event log (the feed for live updates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub workflow_id: String,
    /// e.g. `ticket_created`, `ticket_moved`, `ticket_resolved`, `ticket_unblocked`.
    pub kind: String,
    pub ticket_id: Option<String>,
    pub agent_id: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_parses_and_ranks() {
        assert_eq!("HIGH".parse::<Priority>().unwrap(), Priority::High);
        assert!("urgent"
            .parse::<Priority>()
            .unwrap_err()
            .to_string()
            .contains("low, medium, high or critical"));
        assert!(Priority::Critical.rank() > Priority::Low.rank());
        assert_eq!(Priority::from_rank(2), Some(Priority::High));
    }

    #[test]
    fn titles_are_bounded() {
        assert!(check_title("   ").is_err());
        assert!(check_title(&"x".repeat(501)).is_err());
        assert_eq!(check_title("  ok ").unwrap(), "ok");
    }

    #[test]
    fn tags_are_deduplicated_in_order() {
        let tags = normalise_tags(&["b".into(), " a ".into(), "b".into()]).unwrap();
        assert_eq!(tags, vec!["b", "a"]);
        assert!(normalise_tags(&["a,b".into()]).is_err());
    }

    #[test]
    fn patch_distinguishes_null_from_absent() {
        let p: TicketPatch = serde_json::from_str(r#"{"assigned_agent_id": null}"#).unwrap();
        assert_eq!(p.assigned_agent_id, Some(None));
        let p: TicketPatch = serde_json::from_str(r#"{"title": "x"}"#).unwrap();
        assert_eq!(p.assigned_agent_id, None);
        assert!(serde_json::from_str::<TicketPatch>(r#"{"titel": "x"}"#).is_err());
    }
}
