//! Workflows: a named board config plus optional phases.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::board::BoardConfig;
use crate::guardian::GuardianConfig;
use crate::DomainError;

pub use crate::phase::Phase;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Workflow {
    pub id: String,
    pub name: String,
    pub board_config: BoardConfig,
    pub phases: Vec<Phase>,
    /// Guardian rule modes (rules not named keep their defaults).
    #[serde(default)]
    pub guardian: GuardianConfig,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The board's rules as the server applies them, defaults filled in
    /// (derived from `board_config`; ignored when sent back).
    #[serde(default)]
    #[schema(required = true)]
    pub effective: EffectiveBoard,
}

/// What a board's optional settings come to: clients read these instead of
/// keeping their own copy of the defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EffectiveBoard {
    /// The done columns (`board_config.done_statuses`, else the last column).
    pub done_statuses: Vec<String>,
    /// Where `resolve` puts a ticket: the first done column in board order.
    pub resolve_status: String,
    /// Where a claim moves a ticket (`board_config.claim_status`, else the
    /// column after the initial one unless that is done, else the initial one).
    pub claim_status: String,
}

impl EffectiveBoard {
    pub fn of(board: &BoardConfig) -> Self {
        EffectiveBoard {
            done_statuses: board.done_statuses().into_iter().map(str::to_string).collect(),
            resolve_status: board.first_done_status().to_string(),
            claim_status: board.claim_status().to_string(),
        }
    }
}

impl Workflow {
    pub fn phase(&self, id: u32) -> Option<&Phase> {
        self.phases.iter().find(|p| p.id == id)
    }

    /// `id (name)` of each phase, for messages.
    pub fn phase_labels(&self) -> Vec<String> {
        self.phases.iter().map(|p| format!("{} ({})", p.id, p.name)).collect()
    }
}

/// Body of `POST /api/workflows` and of `tix workflow create --file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkflow {
    /// Optional id; generated (`wf-xxxxxxxx`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub board_config: BoardConfig,
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Guardian rule modes, e.g. `{"rules": {"column_skipped": "enforce"}}`.
    #[serde(default)]
    pub guardian: GuardianConfig,
}

impl NewWorkflow {
    pub fn validate(&self) -> Result<(), DomainError> {
        if let Some(id) = &self.id {
            let ok = !id.is_empty()
                && id.len() <= 64
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return Err(DomainError::validation(
                    "id",
                    format!("'{id}' must be 1..64 letters, digits, '-' or '_'"),
                ));
            }
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DomainError::validation(
                "name",
                "a workflow name must be 1..200 characters",
            ));
        }
        self.board_config.validate()?;
        let mut ids = std::collections::HashSet::new();
        for phase in &self.phases {
            if !ids.insert(phase.id) {
                return Err(DomainError::validation(
                    "phases",
                    format!("phase id {} appears twice", phase.id),
                ));
            }
            if phase.name.trim().is_empty() {
                return Err(DomainError::validation(
                    "phases[].name",
                    format!("phase {} has no name", phase.id),
                ));
            }
            for column in &phase.columns {
                if self.board_config.column_index(column).is_none() {
                    return Err(DomainError::validation(
                        "phases[].columns",
                        format!(
                            "phase {} names column '{column}', which is not on the board; columns are: {}",
                            phase.id,
                            self.board_config.column_ids().join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The workflow a call names, if it names one: surrounding blanks are
/// ignored and a blank name counts as none, so `workflow_id: ""` from an
/// agent falls back to the defaults instead of failing as "not found".
pub fn named_workflow(named: Option<&str>) -> Option<&str> {
    named.map(str::trim).filter(|id| !id.is_empty())
}

/// The last step of choosing a workflow when nothing else decided: the only
/// workflow there is. With none or several it refuses with
/// [`DomainError::WorkflowNotChosen`] listing `id (name)` of each, so the
/// caller can name one.
pub fn only_workflow(mut workflows: Vec<Workflow>) -> Result<Workflow, DomainError> {
    if workflows.len() == 1 {
        if let Some(workflow) = workflows.pop() {
            return Ok(workflow);
        }
    }
    let candidates = workflows.iter().map(|w| format!("{} ({})", w.id, w.name)).collect();
    Err(DomainError::WorkflowNotChosen { candidates })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflow(id: &str, name: &str) -> Workflow {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        Workflow {
            id: id.into(),
            name: name.into(),
            board_config: BoardConfig {
                columns: Vec::new(),
                ticket_types: Vec::new(),
                initial_status: "backlog".into(),
                transitions: None,
                done_statuses: None,
                claim_status: None,
                duplicate_policy: Default::default(),
            },
            phases: Vec::new(),
            guardian: GuardianConfig::default(),
            created_at: at,
            updated_at: at,
            effective: EffectiveBoard::default(),
        }
    }

    #[test]
    fn a_blank_name_names_no_workflow() {
        assert_eq!(named_workflow(Some(" wf-1 ")), Some("wf-1"));
        assert_eq!(named_workflow(Some("  ")), None);
        assert_eq!(named_workflow(None), None);
    }

    #[test]
    fn the_only_workflow_is_chosen_and_otherwise_the_candidates_are_listed() {
        let only = only_workflow(vec![workflow("wf-1", "Web")]).expect("the only one");
        assert_eq!(only.id, "wf-1");
        let none = only_workflow(Vec::new()).expect_err("none to choose");
        assert_eq!(none, DomainError::WorkflowNotChosen { candidates: Vec::new() });
        let several = only_workflow(vec![workflow("wf-1", "Web"), workflow("wf-2", "Ops")]).expect_err("several");
        assert_eq!(
            several,
            DomainError::WorkflowNotChosen {
                candidates: vec!["wf-1 (Web)".into(), "wf-2 (Ops)".into()]
            }
        );
    }
}
