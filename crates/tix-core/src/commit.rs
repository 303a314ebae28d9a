//! Git commits linked to tickets (by a hook, a history scan, or by hand).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;

pub const MAX_COMMIT_MESSAGE_CHARS: usize = 100_000;

/// Where a link came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CommitSource {
    /// The `tix hooks install` commit hook.
    Hook,
    /// `tix commits scan`.
    Scan,
    /// `POST /api/tickets/{id}/commits`, the `link_commit` tool.
    #[default]
    Manual,
}

impl CommitSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitSource::Hook => "hook",
            CommitSource::Scan => "scan",
            CommitSource::Manual => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<CommitSource> {
        [CommitSource::Hook, CommitSource::Scan, CommitSource::Manual]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Body of `POST /api/tickets/{id}/commits`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommitLink {
    /// The commit's full (or abbreviated, ≥ 7) hex sha.
    #[serde(alias = "commit_sha")]
    #[schema(pattern = "^[0-9a-fA-F]{7,64}$")]
    pub sha: String,
    #[serde(default, alias = "commit_message")]
    pub message: String,
    #[serde(default)]
    pub author: Option<String>,
    /// The commit's own timestamp.
    #[serde(default)]
    pub committed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub files_changed: Option<u32>,
    #[serde(default)]
    pub insertions: Option<u32>,
    #[serde(default)]
    pub deletions: Option<u32>,
    #[serde(default)]
    pub source: CommitSource,
}

impl NewCommitLink {
    /// Checks and normalises (lower-case sha, trimmed message).
    pub fn validate(&self) -> Result<NewCommitLink, DomainError> {
        let sha = self.sha.trim().to_ascii_lowercase();
        if !(7..=64).contains(&sha.len()) || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(DomainError::validation(
                "commit_sha",
                format!("'{}' is not a commit sha (7..64 hex digits)", self.sha.trim()),
            ));
        }
        let message = self.message.trim().to_string();
        if message.chars().count() > MAX_COMMIT_MESSAGE_CHARS {
            return Err(DomainError::validation(
                "commit_message",
                format!("a commit message is at most {MAX_COMMIT_MESSAGE_CHARS} characters"),
            ));
        }
        Ok(NewCommitLink {
            sha,
            message,
            author: self
                .author
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string),
            ..self.clone()
        })
    }
}

/// A commit linked to a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommitLink {
    pub ticket_id: String,
    pub sha: String,
    pub message: String,
    pub author: Option<String>,
    pub committed_at: Option<DateTime<Utc>>,
    pub files_changed: Option<u32>,
    pub insertions: Option<u32>,
    pub deletions: Option<u32>,
    pub source: CommitSource,
    pub linked_by: String,
    pub linked_at: DateTime<Utc>,
}

/// Result of linking: the link, and whether it is new (linking is idempotent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommitLinked {
    pub ticket_id: String,
    pub sha: String,
    /// False when the commit was linked to the ticket already.
    pub newly_linked: bool,
    pub link: CommitLink,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shas_are_checked_and_normalised() {
        let link = NewCommitLink {
            sha: " ABCDEF1 ".into(),
            message: " Fix \n".into(),
            ..NewCommitLink::default()
        };
        let ok = link.validate().unwrap();
        assert_eq!((ok.sha.as_str(), ok.message.as_str()), ("abcdef1", "Fix"));
        for bad in ["abc", "xyz1234", ""] {
            let link = NewCommitLink {
                sha: bad.into(),
                ..NewCommitLink::default()
            };
            assert!(link.validate().is_err(), "{bad}");
        }
    }
}
