//! The event log (in order, filtered by workflow) and the event feed that
//! wakes subscribers after a write.

use std::time::Duration;

use tix_core::ticket::Event;

use super::fixtures::{all_events, blocked_by, create, create_seed_workflow, new_ticket};
use super::ACTOR;
use crate::{EventFeed, Store};

pub async fn events_in_order_and_filtered<S: Store>(store: S) {
    let one = create_seed_workflow(&store, "One").await;
    let two = create_seed_workflow(&store, "Two").await;
    let t1 = create(&store, new_ticket(&one.id, "Infra")).await.id;
    let t2 = create(&store, new_ticket(&two.id, "Elsewhere")).await.id;
    let t3 = create(&store, blocked_by(new_ticket(&one.id, "Database"), &[&t1]))
        .await
        .id;
    store.resolve(ACTOR, &t1, None).await.expect("resolve t1");
    store
        .change_status(ACTOR, &t2, "building", None, None)
        .await
        .expect("move t2");

    let all = all_events(&store, None).await;
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "events come in id order");
    let in_one = all_events(&store, Some(&one.id)).await;
    let expected: Vec<Event> = all.iter().filter(|e| e.workflow_id == one.id).cloned().collect();
    assert_eq!(
        in_one, expected,
        "filtering by workflow keeps exactly that workflow's events, in order"
    );
    let in_two = all_events(&store, Some(&two.id)).await;
    assert_eq!(in_one.len() + in_two.len(), all.len());

    let kinds = |events: &[Event], ticket: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e.ticket_id.as_deref() == Some(ticket))
            .map(|e| e.kind.clone())
            .collect()
    };
    let t1_kinds = kinds(&in_one, &t1);
    assert_eq!(
        t1_kinds.first().map(String::as_str),
        Some("ticket_created"),
        "{t1_kinds:?}"
    );
    assert!(t1_kinds.iter().any(|k| k == "ticket_resolved"), "{t1_kinds:?}");
    let t3_kinds = kinds(&in_one, &t3);
    assert_eq!(
        t3_kinds.first().map(String::as_str),
        Some("ticket_created"),
        "{t3_kinds:?}"
    );
    assert!(t3_kinds.iter().any(|k| k == "ticket_unblocked"), "{t3_kinds:?}");
    let t2_kinds = kinds(&in_two, &t2);
    assert_eq!(
        t2_kinds.first().map(String::as_str),
        Some("ticket_created"),
        "{t2_kinds:?}"
    );
    assert!(t2_kinds.iter().any(|k| k == "ticket_moved"), "{t2_kinds:?}");
    assert!(kinds(&in_one, &t2).is_empty() && kinds(&in_two, &t1).is_empty());
    for e in &in_one {
        if e.kind == "ticket_resolved" {
            assert_eq!(e.agent_id, ACTOR);
        }
    }

    assert!(in_one.len() >= 3, "enough events to page: {in_one:?}");
    let after = store
        .events_after(Some(&one.id), in_one[1].id, 1000)
        .await
        .expect("events after the second");
    assert_eq!(after, in_one[2..].to_vec(), "events_after returns only later events");
    let first_two = store.events_after(Some(&one.id), 0, 2).await.expect("first two");
    assert_eq!(first_two, in_one[..2].to_vec(), "limit keeps the oldest");
    let last_id = all.last().map(|e| e.id).unwrap_or(0);
    assert!(store
        .events_after(None, last_id, 100)
        .await
        .expect("after last")
        .is_empty());

    // Backwards: the newest N, oldest first; then the page before them.
    let n = in_one.len();
    let latest_two = store.events_before(Some(&one.id), None, 2).await.expect("latest two");
    assert_eq!(latest_two, in_one[n - 2..].to_vec(), "the newest two, oldest first");
    let page_before = store
        .events_before(Some(&one.id), Some(latest_two[0].id), 1000)
        .await
        .expect("the page before");
    assert_eq!(page_before, in_one[..n - 2].to_vec(), "everything before, in order");
    let newest_anywhere = store.events_before(None, None, 1).await.expect("newest");
    assert_eq!(newest_anywhere, all[all.len() - 1..].to_vec());
    assert!(store
        .events_before(Some(&one.id), Some(in_one[0].id), 10)
        .await
        .expect("before the first")
        .is_empty());
}

/// Subscribers learn of a committed write without polling.
pub async fn event_feed_wakes_after_a_write<S: Store + EventFeed>(store: S) {
    let wf = create_seed_workflow(&store, "Feed").await;
    let mut feed = store.subscribe_events();
    let before = *feed.borrow_and_update();
    let head = store.log_head().await.expect("log head");
    let ticket = create(&store, new_ticket(&wf.id, "Wake me")).await;
    tokio::time::timeout(
        Duration::from_secs(10),
        feed.wait_for(|generation| *generation != before),
    )
    .await
    .expect("woken within 10 s")
    .expect("feed open");
    let events = store.events_after(Some(&wf.id), head, 100).await.expect("events");
    assert_eq!(events.len(), 1, "only what came after the head: {events:?}");
    assert_eq!(store.log_head().await.expect("log head"), events[0].id);
    assert!(events
        .iter()
        .any(|e| e.kind == "ticket_created" && e.ticket_id.as_deref() == Some(ticket.id.as_str())));
}
