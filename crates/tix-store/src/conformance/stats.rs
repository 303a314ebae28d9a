//! Workflow statistics.

use tix_core::ticket::Priority;
use tix_core::DomainError;

use super::fixtures::{blocked_by, create, create_seed_workflow, new_ticket};
use crate::{Error, StatsStore, Store};

/// Statistics match the tickets and history that are there (both backends
/// compute them in SQL).
pub async fn stats_count_what_is_there<S: Store + StatsStore>(store: S) {
    let wf = create_seed_workflow(&store, "Stats").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra.id])).await;
    let mut bug = new_ticket(&wf.id, "Login crash");
    bug.ticket_type = "bug".into();
    bug.priority = Some(Priority::Critical);
    let bug = create(&store, bug).await;
    store
        .change_status("agent-a", &infra.id, "building", None, None)
        .await
        .expect("start infra");
    store.resolve("agent-a", &infra.id, None).await.expect("resolve infra");
    store
        .change_status("agent-b", &bug.id, "building", None, None)
        .await
        .expect("start bug");
    let _ = db;
    // Resolved straight from the initial column: it has a lead time, but
    // no work was ever started on it, so no cycle time.
    let typo = create(&store, new_ticket(&wf.id, "Typo")).await;
    store.resolve("agent-c", &typo.id, None).await.expect("resolve typo");
    assert_eq!(store.get_ticket(&typo.id).await.expect("typo").ticket.started_at, None);

    let stats = store.workflow_stats(&wf.id, 7).await.expect("stats");
    assert_eq!((stats.total, stats.open, stats.resolved), (4, 2, 2));
    let status = |key: &str| stats.by_status.iter().find(|c| c.key == key).map(|c| c.total);
    assert_eq!(stats.by_status[0].key, "backlog", "columns in board order");
    assert_eq!(
        (status("backlog"), status("building"), status("done")),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(stats.by_priority[0].key, "critical");
    assert_eq!(stats.by_priority[0].total, 1);
    assert_eq!(stats.blocked_now.count, 0, "the database unblocked when infra resolved");
    assert_eq!(stats.ready_now, 1, "only the database is ready");
    let today = stats.throughput.last().expect("today");
    assert_eq!((today.created, today.resolved), (4, 2));
    assert_eq!(stats.throughput.len(), 7);
    assert_eq!(stats.lead_time.count, 2);
    assert_eq!(
        stats.cycle_time.count, 1,
        "only tickets that were started have a cycle time"
    );
    let flow_today = stats.cumulative_flow.days.last().expect("flow today");
    let at = |s: &str| {
        stats
            .cumulative_flow
            .statuses
            .iter()
            .position(|x| x == s)
            .map(|i| flow_today.counts[i])
    };
    assert_eq!((at("backlog"), at("building"), at("done")), (Some(1), Some(1), Some(2)));
    let agent_a = stats
        .workload
        .iter()
        .find(|w| w.agent_id == "agent-a")
        .expect("agent-a active");
    assert_eq!(agent_a.resolved, 1);
    let err = store.workflow_stats(&wf.id, 0).await.expect_err("days 0 refused");
    assert!(matches!(err, Error::Domain(DomainError::Validation { .. })), "{err:?}");
}
