//! The board config: columns (in order), ticket types, the initial status,
//! optional transitions and WIP limits, and which columns count as done.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Column {
    /// Stable id used in API calls (`new_status`), e.g. `building`.
    pub id: String,
    /// Display name, e.g. `🔨 Building`.
    pub name: String,
    /// Most tickets this column may hold at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wip_limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BoardConfig {
    /// Columns in board order (left to right).
    pub columns: Vec<Column>,
    pub ticket_types: Vec<String>,
    /// Column new tickets start in.
    pub initial_status: String,
    /// Allowed moves: `from` column id to the column ids it may move to.
    /// Absent means any move is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitions: Option<BTreeMap<String, Vec<String>>>,
    /// Columns in which a ticket counts as resolved. Default: the last column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_statuses: Option<Vec<String>>,
    /// Column a claimed ticket moves to. Default: the column after `initial_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_status: Option<String>,
    /// What creating a near-duplicate ticket does: `warn` (default: the
    /// create answer lists `similar_tickets`) or `refuse` (a match with
    /// similarity ≥ 0.92 fails with `possible_duplicate` unless `force`).
    #[serde(default, skip_serializing_if = "DuplicatePolicy::is_default")]
    pub duplicate_policy: DuplicatePolicy,
}

/// See [`BoardConfig::duplicate_policy`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DuplicatePolicy {
    #[default]
    Warn,
    Refuse,
}

impl DuplicatePolicy {
    pub fn is_default(&self) -> bool {
        *self == DuplicatePolicy::Warn
    }
}

const MAX_ID_LEN: usize = 64;

fn check_slug(field: &str, value: &str) -> Result<(), DomainError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(DomainError::validation(
            field,
            format!("'{value}' must be 1..{MAX_ID_LEN} characters of letters, digits, '-', '_' or '.'"),
        ))
    }
}

impl BoardConfig {
    /// Checks the config is internally consistent. Errors name the offending
    /// value and the allowed ones.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.columns.is_empty() {
            return Err(DomainError::validation(
                "board_config.columns",
                "a board needs at least one column",
            ));
        }
        let mut seen = HashSet::new();
        for column in &self.columns {
            check_slug("board_config.columns[].id", &column.id)?;
            if column.name.trim().is_empty() {
                return Err(DomainError::validation(
                    "board_config.columns[].name",
                    format!("column '{}' has an empty name", column.id),
                ));
            }
            if !seen.insert(column.id.as_str()) {
                return Err(DomainError::validation(
                    "board_config.columns",
                    format!("column id '{}' appears twice", column.id),
                ));
            }
            if column.wip_limit == Some(0) {
                return Err(DomainError::validation(
                    "board_config.columns[].wip_limit",
                    format!("column '{}' has wip_limit 0; omit it for no limit", column.id),
                ));
            }
        }
        if self.ticket_types.is_empty() {
            return Err(DomainError::validation(
                "board_config.ticket_types",
                "list at least one ticket type",
            ));
        }
        let mut types = HashSet::new();
        for ticket_type in &self.ticket_types {
            check_slug("board_config.ticket_types", ticket_type)?;
            if !types.insert(ticket_type.as_str()) {
                return Err(DomainError::validation(
                    "board_config.ticket_types",
                    format!("ticket type '{ticket_type}' appears twice"),
                ));
            }
        }
        self.require_column("board_config.initial_status", &self.initial_status)?;
        if let Some(done) = &self.done_statuses {
            if done.is_empty() {
                return Err(DomainError::validation(
                    "board_config.done_statuses",
                    "list at least one column, or omit it to use the last column",
                ));
            }
            for status in done {
                self.require_column("board_config.done_statuses", status)?;
            }
        }
        if self.is_done(&self.initial_status) {
            return Err(DomainError::validation(
                "board_config.initial_status",
                format!("initial status '{}' cannot be a done status", self.initial_status),
            ));
        }
        if let Some(transitions) = &self.transitions {
            for (from, targets) in transitions {
                self.require_column("board_config.transitions", from)?;
                for to in targets {
                    self.require_column("board_config.transitions", to)?;
                }
            }
        }
        if let Some(claim) = &self.claim_status {
            self.require_column("board_config.claim_status", claim)?;
            // A claim starts work and holds a lease; a lease on a resolved
            // ticket would, on expiry, put it back unresolved-looking.
            if self.is_done(claim) {
                return Err(DomainError::validation(
                    "board_config.claim_status",
                    format!("claim status '{claim}' cannot be a done status; claiming starts work"),
                ));
            }
        }
        Ok(())
    }

    fn require_column(&self, field: &str, status: &str) -> Result<(), DomainError> {
        if self.column_index(status).is_some() {
            Ok(())
        } else {
            Err(DomainError::Validation {
                field: field.to_string(),
                message: format!(
                    "'{status}' is not a column; columns are: {}",
                    self.column_ids().join(", ")
                ),
            })
        }
    }

    pub fn column_ids(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.id.clone()).collect()
    }

    /// Position of the column in board order.
    pub fn column_index(&self, status: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == status)
    }

    pub fn column(&self, status: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == status)
    }

    pub fn done_statuses(&self) -> Vec<&str> {
        match &self.done_statuses {
            Some(done) => done.iter().map(String::as_str).collect(),
            None => self.columns.last().map(|c| vec![c.id.as_str()]).unwrap_or_default(),
        }
    }

    pub fn is_done(&self, status: &str) -> bool {
        self.done_statuses().contains(&status)
    }

    /// The first done status in board order: where `resolve` puts a ticket.
    pub fn first_done_status(&self) -> &str {
        let done = self.done_statuses();
        self.columns
            .iter()
            .map(|c| c.id.as_str())
            .find(|id| done.contains(id))
            .unwrap_or(self.initial_status.as_str())
    }

    fn default_claim_status(&self) -> Option<&str> {
        let initial = self.column_index(&self.initial_status)?;
        self.columns
            .get(initial + 1)
            .map(|c| c.id.as_str())
            .filter(|id| !self.is_done(id))
    }

    /// Column a claimed ticket moves to.
    pub fn claim_status(&self) -> &str {
        self.claim_status
            .as_deref()
            .or_else(|| self.default_claim_status())
            .unwrap_or(self.initial_status.as_str())
    }

    pub fn check_status(&self, status: &str) -> Result<(), DomainError> {
        if self.column_index(status).is_some() {
            Ok(())
        } else {
            Err(DomainError::UnknownStatus {
                status: status.to_string(),
                allowed: self.column_ids(),
            })
        }
    }

    pub fn check_ticket_type(&self, ticket_type: &str) -> Result<(), DomainError> {
        if self.ticket_types.iter().any(|t| t == ticket_type) {
            Ok(())
        } else {
            Err(DomainError::UnknownTicketType {
                ticket_type: ticket_type.to_string(),
                allowed: self.ticket_types.clone(),
            })
        }
    }

    /// Columns a ticket in `from` may move to under `transitions`.
    pub fn allowed_targets(&self, from: &str) -> Vec<String> {
        match &self.transitions {
            None => self.column_ids().into_iter().filter(|id| id != from).collect(),
            Some(map) => map.get(from).cloned().unwrap_or_default(),
        }
    }

    pub fn transition_allowed(&self, from: &str, to: &str) -> bool {
        match &self.transitions {
            None => true,
            Some(map) => from == to || map.get(from).is_some_and(|targets| targets.iter().any(|t| t == to)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn spec_board() -> BoardConfig {
        serde_json::from_value(serde_json::json!({
            "columns": [
                {"id": "backlog", "name": "📋 Backlog"},
                {"id": "building", "name": "🔨 Building"},
                {"id": "building-done", "name": "✅ Built"},
                {"id": "testing", "name": "🧪 Testing"},
                {"id": "testing-done", "name": "✅ Tested"},
                {"id": "done", "name": "✅ Done"}
            ],
            "ticket_types": ["component", "bug", "feature"],
            "initial_status": "backlog"
        }))
        .expect("spec board parses")
    }

    #[test]
    fn spec_board_defaults() {
        let board = spec_board();
        board.validate().expect("valid");
        assert_eq!(board.done_statuses(), vec!["done"]);
        assert_eq!(board.first_done_status(), "done");
        assert_eq!(board.claim_status(), "building");
        assert!(board.transition_allowed("backlog", "done"));
    }

    #[test]
    fn unknown_initial_status_names_the_columns() {
        let mut board = spec_board();
        board.initial_status = "todo".into();
        let err = board.validate().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("'todo'"), "{text}");
        assert!(text.contains("backlog, building"), "{text}");
    }

    #[test]
    fn duplicate_columns_and_types_are_refused() {
        let mut board = spec_board();
        board.columns.push(Column {
            id: "done".into(),
            name: "Again".into(),
            wip_limit: None,
        });
        assert!(board.validate().unwrap_err().to_string().contains("appears twice"));
        let mut board = spec_board();
        board.ticket_types.push("bug".into());
        assert!(board
            .validate()
            .unwrap_err()
            .to_string()
            .contains("'bug' appears twice"));
    }

    #[test]
    fn transitions_must_name_columns() {
        let mut board = spec_board();
        board.transitions = Some(BTreeMap::from([("backlog".into(), vec!["nowhere".into()])]));
        assert!(board
            .validate()
            .unwrap_err()
            .to_string()
            .contains("'nowhere' is not a column"));
    }

    #[test]
    fn initial_status_cannot_be_done() {
        let mut board = spec_board();
        board.done_statuses = Some(vec!["backlog".into()]);
        assert!(board.validate().is_err());
    }

    #[test]
    fn claim_status_cannot_be_done() {
        let mut board = spec_board();
        board.claim_status = Some("done".into());
        assert!(board
            .validate()
            .unwrap_err()
            .to_string()
            .contains("'done' cannot be a done status"));
        board.claim_status = Some("testing".into());
        assert!(board.validate().is_ok());
    }
}
