//! Guardian: deterministic checks of what agents do against the workflow's
//! conventions. Each rule is a pure function over facts the store read; it
//! returns a [`Finding`] (what is wrong and how to fix it) or nothing.
//!
//! The workflow's [`GuardianConfig`] gives each rule a [`Mode`]: `warn`
//! (the write goes through; the violation is recorded and returned with
//! the result), `enforce` (the write is refused with the rule's message) or
//! `off`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::board::BoardConfig;
use crate::phase::Phase;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A task's description lacks or misstates `Phase X: … - TICKET: ticket-xxx`.
    TaskTicketReference,
    /// A ticket moved by an agent that neither holds it, nor created it, nor
    /// has a task in progress on it.
    MoveByNonHolder,
    /// A forward move that skips columns of the board.
    ColumnSkipped,
    /// A ticket moved into a column of a phase by an agent working in another phase.
    PhaseColumn,
    /// A ticket created without a search first while a ≥ 0.9-similar one exists.
    DuplicateTicket,
    /// A claimed ticket with no write from its holder before the lease ran out.
    LeaseIdle,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::TaskTicketReference,
        Rule::MoveByNonHolder,
        Rule::ColumnSkipped,
        Rule::PhaseColumn,
        Rule::DuplicateTicket,
        Rule::LeaseIdle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::TaskTicketReference => "task_ticket_reference",
            Rule::MoveByNonHolder => "move_by_non_holder",
            Rule::ColumnSkipped => "column_skipped",
            Rule::PhaseColumn => "phase_column",
            Rule::DuplicateTicket => "duplicate_ticket",
            Rule::LeaseIdle => "lease_idle",
        }
    }

    pub fn parse(text: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// The mode a rule has when the workflow does not set one. The task
    /// format is the spec's "critical" convention, so it is enforced.
    pub fn default_mode(self) -> Mode {
        match self {
            Rule::TaskTicketReference => Mode::Enforce,
            _ => Mode::Warn,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Off,
    /// The write succeeds; the violation is recorded and returned with the result.
    Warn,
    /// The write is refused with the rule's message.
    Enforce,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Warn => "warn",
            Mode::Enforce => "enforce",
        }
    }

    pub fn parse(text: &str) -> Option<Mode> {
        [Mode::Off, Mode::Warn, Mode::Enforce]
            .into_iter()
            .find(|m| m.as_str() == text.trim())
    }
}

/// Per-workflow Guardian settings: `{"rules": {"column_skipped": "enforce"}}`.
/// Rules not named keep their default mode.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardianConfig {
    #[serde(default)]
    #[schema(value_type = Object)]
    pub rules: BTreeMap<Rule, Mode>,
}

impl GuardianConfig {
    pub fn mode(&self, rule: Rule) -> Mode {
        self.rules.get(&rule).copied().unwrap_or_else(|| rule.default_mode())
    }

    /// Every rule with the mode in effect.
    pub fn effective(&self) -> BTreeMap<Rule, Mode> {
        Rule::ALL.into_iter().map(|r| (r, self.mode(r))).collect()
    }
}

/// What a rule found: the problem and how to put it right.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    pub fix: String,
    pub details: Value,
}

/// A recorded violation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Violation {
    pub id: i64,
    pub workflow_id: String,
    pub rule: Rule,
    /// `warn`: the write went through. `enforce`: it was refused.
    pub mode: Mode,
    pub agent_id: String,
    /// `ticket` or `task`.
    pub object_kind: String,
    pub object_id: String,
    pub message: String,
    pub fix: String,
    #[schema(value_type = Object)]
    pub details: Value,
    pub created_at: DateTime<Utc>,
}

/// Filters of `GET /api/workflows/{id}/guardian`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViolationFilter {
    pub rule: Option<Rule>,
    pub agent_id: Option<String>,
    /// Only violations with an id greater than this.
    pub after: i64,
    /// At most this many (1..=1000; default 100).
    pub limit: Option<u32>,
}

/// The agent that stands for people: it may move any ticket.
pub const HUMAN_AGENT: &str = "human";

// ---------------------------------------------------------------- rules

/// [`Rule::TaskTicketReference`]: the description must read
/// `Phase {phase_id}: … - TICKET: {ticket_id}`.
pub fn check_task_reference(
    description: &str,
    phase_id: u32,
    phase_name: Option<&str>,
    ticket_id: &str,
) -> Option<Finding> {
    let problem = crate::reference::check_task_reference(description, phase_id, phase_name, ticket_id).err()?;
    let expected = crate::reference::expected_task_description(phase_id, ticket_id);
    Some(Finding {
        rule: Rule::TaskTicketReference,
        message: format!("the task description {problem}"),
        fix: format!("Write the description as '{expected}'."),
        details: json!({ "problem": problem, "expected": expected }),
    })
}

/// Facts about who may move a ticket.
pub struct MoveFacts<'a> {
    pub actor: &'a str,
    pub ticket_id: &'a str,
    pub created_by: &'a str,
    pub assigned_agent_id: Option<&'a str>,
    /// The actor has a task in progress on this ticket.
    pub actor_has_active_task: bool,
}

/// [`Rule::MoveByNonHolder`].
pub fn check_mover(facts: &MoveFacts<'_>) -> Option<Finding> {
    let allowed = facts.actor == HUMAN_AGENT
        || facts.assigned_agent_id == Some(facts.actor)
        || facts.created_by == facts.actor
        || facts.actor_has_active_task;
    if allowed {
        return None;
    }
    let holder = facts.assigned_agent_id.unwrap_or("nobody");
    Some(Finding {
        rule: Rule::MoveByNonHolder,
        message: format!(
            "{} moved {} but neither holds it (held by {holder}), created it (by {}), nor has a task in progress on it",
            facts.actor, facts.ticket_id, facts.created_by
        ),
        fix: format!(
            "Claim the ticket first (claim_next_ticket / `tix claim {}`), or start your task on it (its status in_progress), then move it.",
            facts.ticket_id
        ),
        details: json!({ "holder": facts.assigned_agent_id, "created_by": facts.created_by }),
    })
}

/// [`Rule::ColumnSkipped`]: a forward move that jumps over columns. Boards
/// with `transitions` have them enforced by the status rules already, and
/// whatever they allow is the intended path; boards without them follow
/// the column order. Resolving is an explicit "done" and may skip.
pub fn check_column_skip(board: &BoardConfig, from: &str, to: &str, is_resolve: bool) -> Option<Finding> {
    if is_resolve || board.transitions.is_some() {
        return None;
    }
    let (from_index, to_index) = (board.column_index(from)?, board.column_index(to)?);
    if to_index <= from_index + 1 {
        return None;
    }
    let skipped: Vec<String> = board.columns[from_index + 1..to_index]
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let next = &board.columns[from_index + 1].id;
    Some(Finding {
        rule: Rule::ColumnSkipped,
        message: format!("moved from '{from}' to '{to}', skipping {}", skipped.join(", ")),
        fix: format!("Move through the columns in order: from '{from}' the next column is '{next}'."),
        details: json!({ "from": from, "to": to, "skipped": skipped }),
    })
}

/// [`Rule::PhaseColumn`]: `agent_phase` is the phase of the actor's task in
/// progress (none: nothing to check).
pub fn check_phase_column(phases: &[Phase], agent_phase: Option<u32>, to: &str) -> Option<Finding> {
    let agent_phase = agent_phase?;
    let owners: Vec<&Phase> = phases.iter().filter(|p| p.columns.iter().any(|c| c == to)).collect();
    if owners.is_empty() || owners.iter().any(|p| p.id == agent_phase) {
        return None;
    }
    let names: Vec<String> = owners.iter().map(|p| format!("{} ({})", p.id, p.name)).collect();
    let own_columns: Vec<String> = phases
        .iter()
        .find(|p| p.id == agent_phase)
        .map(|p| p.columns.clone())
        .unwrap_or_default();
    Some(Finding {
        rule: Rule::PhaseColumn,
        message: format!(
            "an agent working in phase {agent_phase} moved a ticket to '{to}', a column of phase {}",
            names.join(", ")
        ),
        fix: if own_columns.is_empty() {
            format!("Leave '{to}' to the agents of phase {}.", names.join(", "))
        } else {
            format!(
                "Phase {agent_phase} works in {}; leave '{to}' to phase {} (create a task for it with create_task).",
                own_columns.join(", "),
                names.join(", ")
            )
        },
        details: json!({ "agent_phase": agent_phase, "column": to, "column_phases": owners.iter().map(|p| p.id).collect::<Vec<_>>() }),
    })
}

/// [`Rule::LeaseIdle`]: the holder wrote nothing before the lease ran out.
pub fn lease_idle(ticket_id: &str, holder: &str, lease_expired_at: &str) -> Finding {
    Finding {
        rule: Rule::LeaseIdle,
        message: format!("{holder} claimed {ticket_id} and wrote nothing before its lease ran out at {lease_expired_at}; the ticket is ready again"),
        fix: "After claiming, move the ticket or comment on it within the lease (any write renews it), or claim with a longer lease.".into(),
        details: json!({ "holder": holder, "lease_expired_at": lease_expired_at }),
    }
}

/// Similarity (cosine of the embeddings) at which an existing ticket makes
/// an unsearched create a [`Rule::DuplicateTicket`] finding.
pub const DUPLICATE_TICKET_SIMILARITY: f32 = 0.9;

/// [`Rule::DuplicateTicket`]: `similar` is the most similar existing ticket
/// (id, title, score) when its score is ≥ [`DUPLICATE_TICKET_SIMILARITY`]
/// and the agent did not search first.
pub fn duplicate_ticket(title: &str, similar_id: &str, similar_title: &str, score: f64) -> Finding {
    Finding {
        rule: Rule::DuplicateTicket,
        message: format!(
            "'{title}' was created without a search first, and {similar_id} '{similar_title}' is {:.0}% similar",
            score * 100.0
        ),
        fix: format!(
            "Search before creating (search_tickets); if {similar_id} is the same work, reference it instead."
        ),
        details: json!({ "similar_ticket_id": similar_id, "score": score }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rstest::rstest;

    use super::*;
    use crate::board::Column;

    fn board() -> BoardConfig {
        BoardConfig {
            columns: ["backlog", "building", "building-done", "testing", "done"]
                .iter()
                .map(|id| Column {
                    id: id.to_string(),
                    name: id.to_string(),
                    wip_limit: None,
                })
                .collect(),
            ticket_types: vec!["component".into()],
            initial_status: "backlog".into(),
            transitions: None,
            done_statuses: None,
            claim_status: None,
            duplicate_policy: Default::default(),
        }
    }

    fn phases() -> Vec<Phase> {
        let phase = |id: u32, name: &str, columns: &[&str]| Phase {
            id,
            name: name.into(),
            description: String::new(),
            instructions: None,
            columns: columns.iter().map(|c| c.to_string()).collect(),
        };
        vec![
            phase(1, "Plan", &["backlog"]),
            phase(2, "Build", &["backlog", "building", "building-done"]),
            phase(3, "Test", &["building-done", "testing", "done"]),
        ]
    }

    #[test]
    fn task_reference_passes_and_violates() {
        assert_eq!(
            check_task_reference("Phase 2: Build auth - TICKET: ticket-a", 2, None, "ticket-a"),
            None
        );
        let finding = check_task_reference("Build auth", 2, None, "ticket-a").expect("violation");
        assert_eq!(finding.rule, Rule::TaskTicketReference);
        assert!(
            finding.fix.contains("'Phase 2: <what to do> - TICKET: ticket-a'"),
            "{}",
            finding.fix
        );
    }

    fn mover<'a>(actor: &'a str, holder: Option<&'a str>, has_task: bool) -> MoveFacts<'a> {
        MoveFacts {
            actor,
            ticket_id: "ticket-a",
            created_by: "planner",
            assigned_agent_id: holder,
            actor_has_active_task: has_task,
        }
    }

    #[rstest]
    #[case(mover("planner", None, false), false)]
    #[case(mover("builder", Some("builder"), false), false)]
    #[case(mover("builder", None, true), false)]
    #[case(mover("human", Some("builder"), false), false)]
    #[case(mover("stranger", Some("builder"), false), true)]
    #[case(mover("stranger", None, false), true)]
    fn mover_rule(#[case] facts: MoveFacts<'_>, #[case] violates: bool) {
        let finding = check_mover(&facts);
        assert_eq!(finding.is_some(), violates);
        if let Some(finding) = finding {
            assert_eq!(finding.rule, Rule::MoveByNonHolder);
        }
    }

    #[rstest]
    #[case("backlog", "building", false, false)]
    #[case("testing", "backlog", false, false)]
    #[case("backlog", "testing", true, false)]
    #[case("backlog", "testing", false, true)]
    #[case("building", "done", false, true)]
    fn column_skip_rule(#[case] from: &str, #[case] to: &str, #[case] resolve: bool, #[case] violates: bool) {
        let finding = check_column_skip(&board(), from, to, resolve);
        assert_eq!(finding.is_some(), violates, "{from} -> {to}");
    }

    #[test]
    fn column_skip_names_the_skipped_columns_and_trusts_declared_transitions() {
        let finding = check_column_skip(&board(), "backlog", "testing", false).expect("violation");
        assert!(
            finding.message.contains("skipping building, building-done"),
            "{}",
            finding.message
        );
        assert!(finding.fix.contains("the next column is 'building'"), "{}", finding.fix);
        let mut with_transitions = board();
        with_transitions.transitions = Some(BTreeMap::from([("backlog".into(), vec!["testing".into()])]));
        assert_eq!(check_column_skip(&with_transitions, "backlog", "testing", false), None);
    }

    #[rstest]
    #[case(None, "done", false)]
    #[case(Some(2), "building", false)]
    #[case(Some(3), "building-done", false)]
    #[case(Some(2), "testing", true)]
    #[case(Some(1), "building", true)]
    #[case(Some(9), "building", true)]
    fn phase_column_rule(#[case] agent_phase: Option<u32>, #[case] to: &str, #[case] violates: bool) {
        let finding = check_phase_column(&phases(), agent_phase, to);
        assert_eq!(finding.is_some(), violates, "{agent_phase:?} -> {to}");
    }

    #[test]
    fn phase_column_fix_names_the_agents_columns() {
        let finding = check_phase_column(&phases(), Some(2), "testing").expect("violation");
        assert!(finding.message.contains("phase 3 (Test)"), "{}", finding.message);
        assert!(
            finding
                .fix
                .contains("Phase 2 works in backlog, building, building-done"),
            "{}",
            finding.fix
        );
        assert_eq!(
            check_phase_column(&[], Some(2), "testing"),
            None,
            "no phases: nothing to check"
        );
    }

    #[test]
    fn modes_default_and_override() {
        let config: GuardianConfig = serde_json::from_str(r#"{"rules": {"column_skipped": "enforce"}}"#).unwrap();
        assert_eq!(config.mode(Rule::ColumnSkipped), Mode::Enforce);
        assert_eq!(config.mode(Rule::MoveByNonHolder), Mode::Warn);
        assert_eq!(config.mode(Rule::TaskTicketReference), Mode::Enforce);
        assert!(serde_json::from_str::<GuardianConfig>(r#"{"rules": {"nonsense": "warn"}}"#).is_err());
        assert!(serde_json::from_str::<GuardianConfig>(r#"{"rules": {"lease_idle": "loud"}}"#).is_err());
        assert_eq!(config.effective().len(), Rule::ALL.len());
    }

    #[test]
    fn lease_and_duplicate_findings_name_the_fix() {
        assert!(lease_idle("ticket-a", "sleepy", "2026-01-01T00:00:00Z")
            .fix
            .contains("any write renews it"));
        let dup = duplicate_ticket("Auth", "ticket-b", "Authentication", 0.93);
        assert!(dup.message.contains("93% similar"), "{}", dup.message);
    }
}
