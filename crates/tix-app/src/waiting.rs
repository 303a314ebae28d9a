//! Waiting for work instead of polling: one follower of the event log per
//! `App` wakes the requests waiting on a workflow when one of its events
//! may have made something ready (a resolve, a created ticket, a lease that
//! ran out, a task queued, …).
//!
//! The follower reads the log itself, so it sees writes through this
//! process at once (the store's event feed), through other replicas as soon
//! as PostgreSQL's `NOTIFY` arrives, and through other processes on the
//! same SQLite file within [`RECHECK`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tix_core::event::EventKind;
use tix_store::{EventFeed, Store};
use tokio::sync::watch;

/// How often the follower reads the log when nothing woke it.
pub const RECHECK: Duration = Duration::from_millis(500);

/// Events a wait does not wake for: they never make anything ready.
const QUIET: &[EventKind] = &[EventKind::TicketCommented, EventKind::CommitLinked];

/// Per-workflow wake-ups, and the follower that sends them.
#[derive(Default)]
pub struct Waiters {
    workflows: Mutex<HashMap<String, watch::Sender<u64>>>,
    follower: OnceLock<()>,
}

/// A subscription to one workflow's wake-ups.
pub struct Wake {
    receiver: watch::Receiver<u64>,
}

impl Wake {
    /// Waits for the next wake-up; false when `deadline` came first.
    pub async fn until(&mut self, deadline: tokio::time::Instant) -> bool {
        matches!(
            tokio::time::timeout_at(deadline, self.receiver.changed()).await,
            Ok(Ok(()))
        )
    }
}

impl Waiters {
    /// Subscribes to the workflow's wake-ups (the follower starts with the
    /// first subscription). Subscribe before checking for work, so that no
    /// event falls between the check and the wait.
    pub fn subscribe<S: Store + EventFeed>(self: &Arc<Self>, store: &S, workflow_id: &str) -> Wake {
        self.follower.get_or_init(|| {
            let waiters = Arc::downgrade(self);
            tokio::spawn(follow(waiters, store.clone()));
        });
        let mut workflows = self.workflows.lock().unwrap_or_else(|e| e.into_inner());
        let sender = workflows
            .entry(workflow_id.to_string())
            .or_insert_with(|| watch::Sender::new(0));
        Wake {
            receiver: sender.subscribe(),
        }
    }

    fn wake(&self, workflow_id: &str) {
        let workflows = self.workflows.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = workflows.get(workflow_id) {
            sender.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Forgets workflows nobody waits on.
    fn prune(&self) {
        let mut workflows = self.workflows.lock().unwrap_or_else(|e| e.into_inner());
        workflows.retain(|_, sender| sender.receiver_count() > 0);
    }
}

/// Reads the event log from its head on, waking the waiters of each
/// event's workflow, until the `App` goes away.
async fn follow<S: Store + EventFeed>(waiters: std::sync::Weak<Waiters>, store: S) {
    let mut feed = store.subscribe_events();
    feed.borrow_and_update();
    let mut last = match store.log_head().await {
        Ok(head) => head,
        Err(err) => {
            tracing::warn!(%err, "reading the event log's head for waiting requests failed");
            0
        }
    };
    loop {
        let _ = tokio::time::timeout(RECHECK, feed.changed()).await;
        let Some(hub) = waiters.upgrade() else { return };
        loop {
            match store.events_after(None, last, 1000).await {
                Ok(events) if events.is_empty() => break,
                Ok(events) => {
                    for event in &events {
                        // The resume point: the log's order is not the ids' on PostgreSQL.
                        last = event.id;
                        let quiet = EventKind::parse(&event.kind).is_some_and(|k| QUIET.contains(&k));
                        if !quiet {
                            hub.wake(&event.workflow_id);
                        }
                    }
                }
                Err(err) => {
                    tracing::warn!(%err, "reading the event log for waiting requests failed");
                    break;
                }
            }
        }
        hub.prune();
    }
}
