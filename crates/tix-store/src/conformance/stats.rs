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

    let stats = store.workflow_stats(&wf.id, 7).await.expect("stats");
    assert_eq!((stats.total, stats.open, stats.resolved), (3, 2, 1));
    let status = |key: &str| stats.by_status.iter().find(|c| c.key == key).map(|c| c.total);
    assert_eq!(stats.by_status[0].key, "backlog", "columns in board order");
    assert_eq!(
        (status("backlog"), status("building"), status("done")),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(stats.by_priority[0].key, "critical");
    assert_eq!(stats.by_priority[0].total, 1);
    assert_eq!(stats.blocked_now.count, 0, "the database unblocked when infra resolved");
    assert_eq!(stats.ready_now, 1, "only the database is ready");
    let today = stats.throughput.last().expect("today");
    assert_eq!((today.created, today.resolved), (3, 1));
    assert_eq!(stats.throughput.len(), 7);
    assert_eq!(stats.lead_time.count, 1);
    assert_eq!(stats.cycle_time.count, 1);
    let flow_today = stats.cumulative_flow.days.last().expect("flow today");
    let at = |s: &str| {
        stats
            .cumulative_flow
            .statuses
            .iter()
            .position(|x| x == s)
            .map(|i| flow_today.counts[i])
    };
    assert_eq!((at("backlog"), at("building"), at("done")), (Some(1), Some(1), Some(1)));
    let agent_a = stats
        .workload
        .iter()
        .find(|w| w.agent_id == "agent-a")
        .expect("agent-a active");
    assert_eq!(agent_a.resolved, 1);
    let err = store.workflow_stats(&wf.id, 0).await.expect_err("days 0 refused");
    assert!(matches!(err, Error::Domain(DomainError::Validation { .. })), "{err:?}");
}
