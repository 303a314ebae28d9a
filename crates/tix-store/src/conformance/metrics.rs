//! The counts `GET /metrics` reads from the database.

use std::time::Duration;

use tix_core::ticket::NewTicket;

use super::fixtures::{create, create_seed_workflow, new_ticket};
use super::ACTOR;
use crate::{ClaimRequest, MetricsStore, Store};

/// Tickets by workflow and status, the ready count (a parent with open
/// children is not ready), claims and lease expiries so far, the pool.
pub async fn metrics_count_what_is_there<S: Store + MetricsStore>(store: S) {
    let empty = store.store_metrics().await.expect("metrics");
    assert!(empty.tickets.is_empty() && empty.ready.is_empty());
    assert_eq!((empty.claims, empty.lease_expiries), (0, 0));
    assert!(empty.pool.max >= 1 && !empty.backend.is_empty(), "{empty:?}");

    let wf = create_seed_workflow(&store, "Metrics").await;
    let epic = create(&store, new_ticket(&wf.id, "Epic")).await;
    for title in ["A", "B"] {
        create(
            &store,
            NewTicket {
                parent_id: Some(epic.id.clone()),
                ..new_ticket(&wf.id, title)
            },
        )
        .await;
    }
    let claimed = store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-a".into(),
            lease: Some(Duration::from_millis(1)),
            ..ClaimRequest::default()
        })
        .await
        .expect("claim");
    store.resolve(ACTOR, &claimed.ticket.id, None).await.expect("resolve");
    store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-b".into(),
            lease: Some(Duration::from_millis(1)),
            ..ClaimRequest::default()
        })
        .await
        .expect("a second claim");
    tokio::time::sleep(Duration::from_millis(30)).await;
    store.expire_leases().await.expect("expire");

    let metrics = store.store_metrics().await.expect("metrics");
    let count = |status: &str| {
        metrics
            .tickets
            .iter()
            .find(|(w, s, _)| w == &wf.id && s == status)
            .map(|t| t.2)
            .unwrap_or(0)
    };
    assert_eq!((count("backlog"), count("done")), (2, 1), "{:?}", metrics.tickets);
    assert_eq!(
        metrics.ready,
        vec![(wf.id.clone(), 1)],
        "the child whose lease ran out is ready; the epic waits for it"
    );
    assert_eq!((metrics.claims, metrics.lease_expiries), (2, 1));
}
