//! The status-change rules and the ready definition, as pure functions over
//! facts the store has read.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use crate::board::BoardConfig;
use crate::error::TicketRef;
use crate::ticket::Priority;
use crate::DomainError;

/// What a permitted move does to the ticket's resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    /// Between two non-done columns, or two done columns.
    Plain,
    /// Into a done status from a non-done one: the ticket becomes resolved.
    Resolve,
    /// Out of a done status: the ticket is reopened, dependents block again.
    Reopen,
    /// Target equals the current status: only the comment is recorded.
    Unchanged,
}

/// Facts about a requested move.
pub struct MoveRequest<'a> {
    pub ticket_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    /// The ticket's blockers that are not resolved.
    pub unresolved_blockers: &'a [TicketRef],
    /// Tickets in `to` now, not counting this one.
    pub tickets_in_target: u64,
}

/// Checks a move in the order the rules give: the status is a column; a
/// blocked ticket cannot move forward (back is always fine); `transitions`
/// allow it; the target's WIP limit holds.
pub fn check_move(board: &BoardConfig, request: &MoveRequest<'_>) -> Result<MoveKind, DomainError> {
    board.check_status(request.to)?;
    if request.from == request.to {
        return Ok(MoveKind::Unchanged);
    }
    let from_index = board.column_index(request.from);
    let to_index = board.column_index(request.to);
    let forward = match (from_index, to_index) {
        (Some(from), Some(to)) => to > from,
        // A ticket left in a column that was since removed may go anywhere
        // unblocked; treat the move as forward so blockers still hold.
        _ => true,
    };
    if forward && !request.unresolved_blockers.is_empty() {
        return Err(DomainError::TicketBlocked {
            ticket_id: request.ticket_id.to_string(),
            target: request.to.to_string(),
            blockers: request.unresolved_blockers.to_vec(),
        });
    }
    if !board.transition_allowed(request.from, request.to) {
        return Err(DomainError::TransitionNotAllowed {
            from: request.from.to_string(),
            to: request.to.to_string(),
            allowed: board.allowed_targets(request.from),
        });
    }
    if let Some(limit) = board.column(request.to).and_then(|c| c.wip_limit) {
        if request.tickets_in_target >= u64::from(limit) {
            return Err(DomainError::WipLimitReached {
                status: request.to.to_string(),
                limit,
                current: request.tickets_in_target,
            });
        }
    }
    let was_done = board.is_done(request.from);
    let will_be_done = board.is_done(request.to);
    Ok(match (was_done, will_be_done) {
        (false, true) => MoveKind::Resolve,
        (true, false) => MoveKind::Reopen,
        _ => MoveKind::Plain,
    })
}

/// The facts that decide whether a ticket is ready.
#[derive(Debug, Clone)]
pub struct ReadyFacts<'a> {
    pub status: &'a str,
    pub is_resolved: bool,
    pub is_blocked: bool,
    pub assigned_agent_id: Option<&'a str>,
    /// Whether any child of the ticket is unresolved (a parent waits for them).
    pub has_open_children: bool,
}

/// Ready = unresolved, not blocked, no unresolved child, in the initial
/// column, and unassigned (or assigned to the asking agent).
pub fn is_ready(board: &BoardConfig, facts: &ReadyFacts<'_>, asking_agent: Option<&str>) -> bool {
    !facts.is_resolved
        && !facts.is_blocked
        && !facts.has_open_children
        && facts.status == board.initial_status
        && match facts.assigned_agent_id {
            None => true,
            Some(holder) => asking_agent == Some(holder),
        }
}

/// Ready ordering: priority (most urgent first), then how many tickets it
/// transitively unblocks (most first), then age (oldest first), then id.
pub fn ready_order(a: (Priority, u64, DateTime<Utc>, &str), b: (Priority, u64, DateTime<Utc>, &str)) -> Ordering {
    b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)).then(a.3.cmp(b.3))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rstest::rstest;

    use super::*;
    use crate::board::{BoardConfig, Column};

    fn board() -> BoardConfig {
        BoardConfig {
            columns: ["backlog", "building", "review", "done"]
                .iter()
                .map(|id| Column {
                    id: id.to_string(),
                    name: id.to_uppercase(),
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

    fn blocker() -> TicketRef {
        TicketRef {
            id: "ticket-db".into(),
            title: "Database".into(),
            status: "building".into(),
            is_resolved: false,
        }
    }

    fn request<'a>(from: &'a str, to: &'a str, blockers: &'a [TicketRef], in_target: u64) -> MoveRequest<'a> {
        MoveRequest {
            ticket_id: "ticket-auth",
            from,
            to,
            unresolved_blockers: blockers,
            tickets_in_target: in_target,
        }
    }

    #[rstest]
    #[case("backlog", "building", MoveKind::Plain)]
    #[case("building", "done", MoveKind::Resolve)]
    #[case("done", "review", MoveKind::Reopen)]
    #[case("review", "review", MoveKind::Unchanged)]
    fn moves_classify(#[case] from: &str, #[case] to: &str, #[case] kind: MoveKind) {
        assert_eq!(check_move(&board(), &request(from, to, &[], 0)).unwrap(), kind);
    }

    #[test]
    fn unknown_status_lists_columns() {
        let err = check_move(&board(), &request("backlog", "doing", &[], 0)).unwrap_err();
        assert_eq!(err.code(), "unknown_status");
        assert!(err.to_string().contains("backlog, building, review, done"));
    }

    #[test]
    fn blocked_ticket_cannot_move_forward_but_may_move_back() {
        let blockers = [blocker()];
        let err = check_move(&board(), &request("backlog", "building", &blockers, 0)).unwrap_err();
        assert_eq!(err.code(), "ticket_blocked");
        assert!(err.to_string().contains("ticket-db [building] Database"), "{err}");
        assert_eq!(
            check_move(&board(), &request("review", "backlog", &blockers, 0)).unwrap(),
            MoveKind::Plain
        );
    }

    #[test]
    fn blocked_is_checked_before_transitions_and_wip() {
        let mut board = board();
        board.transitions = Some(BTreeMap::from([("backlog".into(), vec!["building".into()])]));
        board.columns[3].wip_limit = Some(1);
        let blockers = [blocker()];
        let err = check_move(&board, &request("backlog", "done", &blockers, 5)).unwrap_err();
        assert_eq!(err.code(), "ticket_blocked");
        let err = check_move(&board, &request("backlog", "done", &[], 5)).unwrap_err();
        assert_eq!(err.code(), "transition_not_allowed");
        assert!(err.to_string().contains("may move to: building"));
    }

    #[test]
    fn wip_limit_counts_other_tickets() {
        let mut board = board();
        board.columns[1].wip_limit = Some(2);
        assert!(check_move(&board, &request("backlog", "building", &[], 1)).is_ok());
        let err = check_move(&board, &request("backlog", "building", &[], 2)).unwrap_err();
        assert_eq!(err.code(), "wip_limit_reached");
    }

    #[rstest]
    #[case("backlog", false, false, None, None, false, true)]
    #[case("backlog", false, true, None, None, false, false)]
    #[case("backlog", true, false, None, None, false, false)]
    #[case("building", false, false, None, None, false, false)]
    #[case("backlog", false, false, Some("a1"), Some("a1"), false, true)]
    #[case("backlog", false, false, Some("a1"), Some("a2"), false, false)]
    #[case("backlog", false, false, Some("a1"), None, false, false)]
    #[case("backlog", false, false, None, None, true, false)]
    fn ready_definition(
        #[case] status: &str,
        #[case] is_resolved: bool,
        #[case] is_blocked: bool,
        #[case] holder: Option<&str>,
        #[case] asking: Option<&str>,
        #[case] has_open_children: bool,
        #[case] expected: bool,
    ) {
        let facts = ReadyFacts {
            status,
            is_resolved,
            is_blocked,
            assigned_agent_id: holder,
            has_open_children,
        };
        assert_eq!(is_ready(&board(), &facts, asking), expected);
    }

    #[test]
    fn ready_order_is_priority_then_unblocks_then_age() {
        let t0 = DateTime::<Utc>::from_timestamp(0, 0).unwrap();
        let t1 = DateTime::<Utc>::from_timestamp(10, 0).unwrap();
        let high_few = (Priority::High, 1, t1, "a");
        let low_many = (Priority::Low, 99, t0, "b");
        let high_many_new = (Priority::High, 5, t1, "c");
        let high_many_old = (Priority::High, 5, t0, "d");
        let mut items = [high_few, low_many, high_many_new, high_many_old];
        items.sort_by(|a, b| ready_order(*a, *b));
        let ids: Vec<&str> = items.iter().map(|i| i.3).collect();
        assert_eq!(ids, vec!["d", "c", "a", "b"]);
    }
}
