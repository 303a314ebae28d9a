//! The text formats that link work to tickets, parsed without IO:
//!
//! - a task description: `Phase X: Description - TICKET: ticket-xxx`
//!   ([`parse_task_reference`], [`check_task_reference`]);
//! - a commit message: `TICKET: ticket-xxx`, `Refs ticket-xxx`,
//!   `Fixes ticket-xxx` ([`commit_references`]).

use serde::{Deserialize, Serialize};

/// The format every task description follows.
pub const TASK_FORMAT: &str = "Phase X: Description - TICKET: ticket-xxx";

/// What stands for X in `Phase X:`: the phase's number or its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseLabel {
    Number(u32),
    Name(String),
}

/// A parsed task description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskReference {
    pub phase: PhaseLabel,
    /// The description between `Phase X:` and `- TICKET:`.
    pub summary: String,
    /// The referenced ticket id, lower-cased.
    pub ticket_id: String,
    /// Whatever follows the ticket id (more detail), trimmed.
    pub details: String,
}

const DASHES: [char; 3] = ['-', '–', '—'];

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Reads a ticket id at the start of `text`: `ticket-` and id characters,
/// without trailing dashes (a sentence may go on with ` - ` or `.`).
/// Returns the id (lower-cased) and the rest of the text.
fn take_ticket_id(text: &str) -> Option<(String, &str)> {
    let end = text.find(|c: char| !is_id_char(c)).unwrap_or(text.len());
    let raw = text[..end].trim_end_matches(['-', '_']);
    let id = raw.to_ascii_lowercase();
    let suffix = id.strip_prefix(crate::ids::TICKET_PREFIX)?;
    if suffix.is_empty() {
        return None;
    }
    Some((id, &text[raw.len()..]))
}

/// Finds `TICKET:` (any case) in `text`; returns its byte offset.
fn find_ticket_marker(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("ticket:") {
        let at = from + pos;
        // A whole word: not the tail of e.g. "subticket:".
        let word_start = lower[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        if word_start {
            return Some(at);
        }
        from = at + "ticket:".len();
    }
    None
}

/// Parses `Phase X: Description - TICKET: ticket-xxx[ more]`. The error
/// says, in a phrase that follows "the task description", what is wrong.
pub fn parse_task_reference(text: &str) -> Result<TaskReference, String> {
    let text = text.trim();
    let after_phase = text
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("phase"))
        .map(|_| &text[5..])
        .filter(|rest| rest.starts_with(char::is_whitespace))
        .ok_or_else(|| "does not start with 'Phase X:'".to_string())?;
    // The phase's ':' comes before the `TICKET:` marker.
    let colon = after_phase
        .find(':')
        .filter(|colon| find_ticket_marker(after_phase).is_none_or(|marker| *colon < marker))
        .ok_or_else(|| "has no ':' after 'Phase X'".to_string())?;
    let label = after_phase[..colon].trim();
    if label.is_empty() || label.contains('\n') || label.chars().count() > 64 {
        return Err("does not name its phase as 'Phase X:'".into());
    }
    let phase = match label.parse::<u32>() {
        Ok(n) => PhaseLabel::Number(n),
        Err(_) => PhaseLabel::Name(label.to_string()),
    };
    let body = &after_phase[colon + 1..];
    let marker = find_ticket_marker(body).ok_or_else(|| "has no 'TICKET: ticket-…' reference".to_string())?;
    let before = body[..marker].trim_end();
    let Some(summary) = before.strip_suffix(DASHES) else {
        return Err("needs ' - ' between the description and 'TICKET:'".into());
    };
    let summary = summary.trim();
    if summary.is_empty() {
        return Err("has no description between 'Phase X:' and '- TICKET:'".into());
    }
    let after = body[marker + "ticket:".len()..].trim_start();
    let (ticket_id, rest) = take_ticket_id(after).ok_or_else(|| {
        let word: String = after.chars().take_while(|c| is_id_char(*c)).collect();
        if word.is_empty() {
            "has 'TICKET:' but no ticket id after it".to_string()
        } else {
            format!("names '{word}' after 'TICKET:', which is not a ticket id (ids look like ticket-7hx3k2qa)")
        }
    })?;
    let details = rest
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':') || DASHES.contains(&c))
        .trim_end()
        .to_string();
    Ok(TaskReference {
        phase,
        summary: summary.to_string(),
        ticket_id,
        details,
    })
}

/// The description a task for `phase_id` and `ticket_id` should have.
pub fn expected_task_description(phase_id: u32, ticket_id: &str) -> String {
    format!("Phase {phase_id}: <what to do> - TICKET: {ticket_id}")
}

/// Parses a task description and checks it names the task's phase (its
/// number, or the name of the phase with that number) and its ticket.
pub fn check_task_reference(
    description: &str,
    phase_id: u32,
    phase_name: Option<&str>,
    ticket_id: &str,
) -> Result<TaskReference, String> {
    let reference = parse_task_reference(description)?;
    match &reference.phase {
        PhaseLabel::Number(n) if *n != phase_id => {
            return Err(format!("says 'Phase {n}' but the task is for phase_id {phase_id}"));
        }
        PhaseLabel::Name(name) if !phase_name.is_some_and(|p| p.trim().eq_ignore_ascii_case(name)) => {
            return Err(match phase_name {
                Some(actual) => {
                    format!("says 'Phase {name}' but phase {phase_id} is named '{actual}'; write 'Phase {phase_id}:'")
                }
                None => format!("says 'Phase {name}', which is not phase {phase_id}"),
            });
        }
        _ => {}
    }
    if reference.ticket_id != ticket_id {
        return Err(format!(
            "references {} but the task is for {ticket_id}",
            reference.ticket_id
        ));
    }
    Ok(reference)
}

/// How a commit message refers to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CommitRefKind {
    /// `TICKET: ticket-xxx`
    Ticket,
    /// `Refs ticket-xxx`
    Refs,
    /// `Fixes ticket-xxx`: also resolves the ticket when the workflow allows it.
    Fixes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRef {
    pub ticket_id: String,
    pub kind: CommitRefKind,
}

fn keyword(word: &str) -> Option<CommitRefKind> {
    match word.to_ascii_lowercase().as_str() {
        "ticket" | "tickets" => Some(CommitRefKind::Ticket),
        "refs" | "ref" | "references" | "see" => Some(CommitRefKind::Refs),
        "fixes" | "fix" | "fixed" | "closes" | "close" | "closed" | "resolves" | "resolve" | "resolved" => {
            Some(CommitRefKind::Fixes)
        }
        _ => None,
    }
}

/// The tickets a commit message refers to, each once, in order of first
/// mention. A ticket id counts only after a keyword (`TICKET:`, `Refs`,
/// `Fixes`, and their variants `Ref`, `Fix(ed)`, `Close(s|d)`,
/// `Resolve(s|d)`), possibly in a list: `Fixes ticket-a, ticket-b`. A
/// ticket both referenced and fixed counts as fixed.
pub fn commit_references(message: &str) -> Vec<CommitRef> {
    let mut refs: Vec<CommitRef> = Vec::new();
    let mut mode: Option<CommitRefKind> = None;
    // Words split at whitespace, and also at ':' so `TICKET:ticket-a` works.
    let words = message.split_whitespace().flat_map(|w| w.split_inclusive(':'));
    for word in words {
        let bare = word.trim_matches(|c: char| !is_id_char(c));
        if let Some(kind) = keyword(bare).filter(|_| {
            // `TICKET` is a keyword only as `TICKET:`.
            !bare.eq_ignore_ascii_case("ticket") || word.trim_end().ends_with(':')
        }) {
            mode = Some(kind);
            continue;
        }
        match (mode, take_ticket_id(bare)) {
            (Some(kind), Some((id, ""))) => {
                match refs.iter_mut().find(|r| r.ticket_id == id) {
                    Some(existing) => existing.kind = existing.kind.max(kind),
                    None => refs.push(CommitRef { ticket_id: id, kind }),
                }
                // A list goes on after ',' or 'and'; a sentence end stops it.
                if word.trim_end().ends_with(['.', ';', ')']) {
                    mode = None;
                }
            }
            _ if matches!(bare.to_ascii_lowercase().as_str(), "and" | "&" | "") => {}
            _ => mode = None,
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_error_message_spells_the_same_format() {
        let err = crate::DomainError::TaskReference {
            problem: "lacks the ticket".into(),
            expected: String::new(),
        };
        assert!(err.to_string().contains(super::TASK_FORMAT), "{err}");
    }

    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case(
        "Phase 2: Build Auth System - TICKET: ticket-xxx",
        2,
        "Build Auth System",
        "ticket-xxx",
        ""
    )]
    #[case(
        "Phase 2: Build Authentication System - TICKET: ticket-auth-456. Implement JWT token generation.",
        2,
        "Build Authentication System",
        "ticket-auth-456",
        "Implement JWT token generation."
    )]
    #[case(
        "Phase 2: Fix bugs in Auth - TICKET: ticket-7hx3. Token refresh failing with expired tokens.",
        2,
        "Fix bugs in Auth",
        "ticket-7hx3",
        "Token refresh failing with expired tokens."
    )]
    #[case("  phase 3:Test it—ticket: TICKET-AB12", 3, "Test it", "ticket-ab12", "")]
    #[case(
        "Phase 3: Test - API - TICKET: ticket-ab12 - retry",
        3,
        "Test - API",
        "ticket-ab12",
        "retry"
    )]
    fn spec_descriptions_parse(
        #[case] text: &str,
        #[case] phase: u32,
        #[case] summary: &str,
        #[case] ticket: &str,
        #[case] details: &str,
    ) {
        let parsed = parse_task_reference(text).unwrap();
        assert_eq!(parsed.phase, PhaseLabel::Number(phase));
        assert_eq!(parsed.summary, summary);
        assert_eq!(parsed.ticket_id, ticket);
        assert_eq!(parsed.details, details);
    }

    #[rstest]
    #[case("Build Auth System - TICKET: ticket-a", "does not start with 'Phase X:'")]
    #[case("Phase 2 Build Auth - TICKET: ticket-a", "has no ':' after 'Phase X'")]
    #[case("Phase : Build - TICKET: ticket-a", "does not name its phase")]
    #[case("Phase 2: Build Auth System", "has no 'TICKET: ticket-…' reference")]
    #[case("Phase 2: Build Auth System TICKET: ticket-a", "needs ' - ' between")]
    #[case("Phase 2: - TICKET: ticket-a", "has no description")]
    #[case("Phase 2: Build - TICKET:", "no ticket id after it")]
    #[case(
        "Phase 2: Build - TICKET: auth-456",
        "'auth-456' after 'TICKET:', which is not a ticket id"
    )]
    #[case(
        "Phase 2: Build - TICKET: ticket-",
        "'ticket-' after 'TICKET:', which is not a ticket id"
    )]
    #[case("Phase 2: Build - subticket: ticket-a", "has no 'TICKET: ticket-…' reference")]
    fn malformed_descriptions_say_what_is_wrong(#[case] text: &str, #[case] problem: &str) {
        let err = parse_task_reference(text).unwrap_err();
        assert!(err.contains(problem), "{text:?}: {err}");
    }

    #[test]
    fn phase_may_be_named() {
        let parsed = parse_task_reference("Phase Build: Auth - TICKET: ticket-a").unwrap();
        assert_eq!(parsed.phase, PhaseLabel::Name("Build".into()));
        assert!(check_task_reference("Phase build: Auth - TICKET: ticket-a", 2, Some("Build"), "ticket-a").is_ok());
        let err =
            check_task_reference("Phase Test: Auth - TICKET: ticket-a", 2, Some("Build"), "ticket-a").unwrap_err();
        assert!(err.contains("phase 2 is named 'Build'"), "{err}");
    }

    #[rstest]
    #[case(
        "Phase 3: Test Auth - TICKET: ticket-a",
        2,
        "ticket-a",
        "says 'Phase 3' but the task is for phase_id 2"
    )]
    #[case(
        "Phase 2: Test Auth - TICKET: ticket-b",
        2,
        "ticket-a",
        "references ticket-b but the task is for ticket-a"
    )]
    fn mismatches_are_reported(#[case] text: &str, #[case] phase: u32, #[case] ticket: &str, #[case] problem: &str) {
        assert_eq!(check_task_reference(text, phase, None, ticket).unwrap_err(), problem);
    }

    fn refs(message: &str) -> Vec<(String, CommitRefKind)> {
        commit_references(message)
            .into_iter()
            .map(|r| (r.ticket_id, r.kind))
            .collect()
    }

    #[test]
    fn commit_messages_link_by_keyword() {
        use CommitRefKind::*;
        assert_eq!(
            refs("Add JWT refresh\n\nTICKET: ticket-auth1"),
            vec![("ticket-auth1".into(), Ticket)]
        );
        assert_eq!(
            refs("Refs ticket-a, ticket-b and ticket-c. Mentions ticket-d in passing"),
            vec![
                ("ticket-a".into(), Refs),
                ("ticket-b".into(), Refs),
                ("ticket-c".into(), Refs)
            ]
        );
        assert_eq!(
            refs("fix: token expiry (Fixes ticket-a)\n\nRefs: ticket-a TICKET:ticket-b"),
            vec![("ticket-a".into(), Fixes), ("ticket-b".into(), Ticket)]
        );
        assert_eq!(refs("the ticket ticket-a is mentioned without a keyword"), vec![]);
        assert_eq!(refs("Closes TICKET-XY9."), vec![("ticket-xy9".into(), Fixes)]);
    }
}
