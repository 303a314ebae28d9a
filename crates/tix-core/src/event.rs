//! What the writes record: the kinds of events in the log (`GET /api/events`,
//! the live stream) and the actions of history rows. Enums here so every
//! backend writes the same words; stored and served as the snake_case
//! strings below, which the API, the UI and existing rows use.

use serde::{Deserialize, Serialize};

macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stored and served word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words! {
    /// The kind of an event in the log.
    EventKind {
        WorkflowCreated = "workflow_created",
        TicketCreated = "ticket_created",
        /// One event for a whole import (payload: count, first, last).
        TicketsImported = "tickets_imported",
        TicketUpdated = "ticket_updated",
        TicketMoved = "ticket_moved",
        TicketClaimed = "ticket_claimed",
        TicketResolved = "ticket_resolved",
        TicketReopened = "ticket_reopened",
        /// A dependent's last open blocker went away.
        TicketUnblocked = "ticket_unblocked",
        /// A dependent got an open blocker again (its blocker reopened).
        TicketBlocked = "ticket_blocked",
        TicketCommented = "ticket_commented",
        TicketLeaseExpired = "ticket_lease_expired",
        BlockerAdded = "blocker_added",
        BlockerRemoved = "blocker_removed",
        TaskCreated = "task_created",
        TaskUpdated = "task_updated",
        CommitLinked = "commit_linked",
        /// A run ended (finished by its agent, or closed by Tix).
        RunFinished = "run_finished",
    }
}

impl EventKind {
    /// The name webhooks subscribe to and deliveries carry (`X-Tix-Event`).
    pub fn webhook_name(self) -> &'static str {
        match self {
            EventKind::WorkflowCreated => "workflow.created",
            EventKind::TicketCreated => "ticket.created",
            EventKind::TicketsImported => "tickets.imported",
            EventKind::TicketUpdated => "ticket.updated",
            EventKind::TicketMoved => "ticket.moved",
            EventKind::TicketClaimed => "ticket.claimed",
            EventKind::TicketResolved => "ticket.resolved",
            EventKind::TicketReopened => "ticket.reopened",
            EventKind::TicketUnblocked => "ticket.unblocked",
            EventKind::TicketBlocked => "ticket.blocked",
            EventKind::TicketCommented => "comment.added",
            EventKind::TicketLeaseExpired => "lease.expired",
            EventKind::BlockerAdded => "blocker.added",
            EventKind::BlockerRemoved => "blocker.removed",
            EventKind::TaskCreated => "task.created",
            EventKind::TaskUpdated => "task.updated",
            EventKind::CommitLinked => "commit.linked",
            EventKind::RunFinished => "run.finished",
        }
    }

    /// The kind a webhook event name stands for.
    pub fn from_webhook_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.iter().copied().find(|k| k.webhook_name() == name)
    }
}

words! {
    /// The action of a ticket's history row.
    HistoryAction {
        Created = "created",
        Updated = "updated",
        StatusChanged = "status_changed",
        Claimed = "claimed",
        Resolved = "resolved",
        Reopened = "reopened",
        Unblocked = "unblocked",
        Blocked = "blocked",
        Commented = "commented",
        LeaseExpired = "lease_expired",
        BlockerAdded = "blocker_added",
        BlockerRemoved = "blocker_removed",
        TaskCreated = "task_created",
        TaskStatusChanged = "task_status_changed",
        CommitLinked = "commit_linked",
        RunFinished = "run_finished",
        /// A finished run gave its claim back (unassigned; back to ready
        /// when it did not succeed).
        Released = "released",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_serialise_as_stored() {
        assert_eq!(EventKind::ALL.len(), 18);
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(*kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.as_str())));
        }
        for action in HistoryAction::ALL {
            assert_eq!(HistoryAction::parse(action.as_str()), Some(*action));
        }
        assert_eq!(EventKind::parse("nonsense"), None);
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_webhook_name(kind.webhook_name()), Some(*kind));
        }
        assert_eq!(EventKind::TicketCommented.webhook_name(), "comment.added");
    }
}
