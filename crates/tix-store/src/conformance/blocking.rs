//! Blocking edges and resolution: cycles and bad edges are refused; what
//! resolving a ticket means for the tickets it blocks.

use std::collections::BTreeSet;

use tix_core::error::TicketRef;
use tix_core::DomainError;

use super::fixtures::{
    all_tickets, blocked_by, create, create_seed_workflow, expect_code, get, in_workflow, last_action, new_ticket,
    ready_ids,
};
use super::ACTOR;
use crate::Store;

pub async fn cycles_and_bad_edges_are_refused<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let a = create(&store, new_ticket(&wf.id, "A")).await.id;
    let b = create(&store, blocked_by(new_ticket(&wf.id, "B"), &[&a])).await.id;
    let c = create(&store, blocked_by(new_ticket(&wf.id, "C"), &[&b])).await.id;
    let edges = |pairs: &[(&str, &str)]| -> BTreeSet<(String, String)> {
        pairs.iter().map(|(x, y)| (x.to_string(), y.to_string())).collect()
    };
    let graph_edges = || async {
        let graph = store.workflow_graph(&wf.id, true).await.expect("workflow_graph");
        graph
            .edges
            .into_iter()
            .map(|e| (e.from.to_string(), e.to.to_string()))
            .collect::<BTreeSet<_>>()
    };
    let a_before = get(&store, &a).await.ticket;

    let err = expect_code(store.add_blocker(ACTOR, &a, &c).await, "dependency_cycle", "c blocks a");
    assert_eq!(
        err,
        DomainError::DependencyCycle {
            path: vec![c.clone(), a.clone(), b.clone(), c.clone()]
        }
    );
    let err = expect_code(store.add_blocker(ACTOR, &a, &b).await, "dependency_cycle", "b blocks a");
    assert_eq!(
        err,
        DomainError::DependencyCycle {
            path: vec![b.clone(), a.clone(), b.clone()]
        }
    );

    let err = expect_code(store.add_blocker(ACTOR, &a, &a).await, "self_block", "a blocks a");
    assert_eq!(err, DomainError::SelfBlock { ticket_id: a.clone() });

    let other = create_seed_workflow(&store, "Other").await;
    let x = create(&store, new_ticket(&other.id, "X")).await.id;
    expect_code(
        store.add_blocker(ACTOR, &x, &a).await,
        "cross_workflow_edge",
        "a blocks x",
    );
    expect_code(
        store.add_blocker(ACTOR, &a, &x).await,
        "cross_workflow_edge",
        "x blocks a",
    );
    expect_code(
        store
            .create_ticket(ACTOR, blocked_by(new_ticket(&other.id, "Y"), &[&a]))
            .await,
        "cross_workflow_edge",
        "create in another workflow blocked by a",
    );
    assert_eq!(
        all_tickets(&store, in_workflow(&other.id)).await.len(),
        1,
        "the refused ticket was not created"
    );

    expect_code(
        store.remove_blocker(ACTOR, &a, &c).await,
        "edge_not_found",
        "c does not block a",
    );

    assert_eq!(
        graph_edges().await,
        edges(&[(&a, &b), (&b, &c)]),
        "refusals leave the edges alone"
    );
    assert_eq!(
        get(&store, &a).await.ticket,
        a_before,
        "refusals leave the ticket alone"
    );
    assert!(get(&store, &x).await.blocked_by.is_empty());

    // Adding an existing edge is a no-op.
    let b_before = get(&store, &b).await.ticket;
    let blockers = store.add_blocker(ACTOR, &b, &a).await.expect("re-adding an edge");
    assert_eq!(
        blockers.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![a.clone()]
    );
    assert_eq!(
        get(&store, &b).await.ticket.version,
        b_before.version,
        "re-adding an edge changes nothing"
    );

    // A longer cycle, then removing an edge makes the reverse edge legal.
    let d = create(&store, blocked_by(new_ticket(&wf.id, "D"), &[&c])).await.id;
    let err = expect_code(store.add_blocker(ACTOR, &a, &d).await, "dependency_cycle", "d blocks a");
    assert_eq!(
        err,
        DomainError::DependencyCycle {
            path: vec![d.clone(), a.clone(), b.clone(), c.clone(), d.clone()]
        }
    );
    let left = store.remove_blocker(ACTOR, &c, &b).await.expect("remove b -> c");
    assert!(left.is_empty(), "c has no blockers left: {left:?}");
    assert!(!get(&store, &c).await.ticket.is_blocked, "c is no longer blocked");
    let blockers = store.add_blocker(ACTOR, &a, &c).await.expect("c may block a now");
    assert_eq!(
        blockers.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![c.clone()]
    );
    assert!(get(&store, &a).await.ticket.is_blocked);
    assert_eq!(graph_edges().await, edges(&[(&a, &b), (&c, &a), (&c, &d)]));
}

pub async fn resolution_semantics<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra]))
        .await
        .id;
    let api = create(&store, blocked_by(new_ticket(&wf.id, "API"), &[&db])).await.id;

    // Moving into the done column is resolving.
    let change = store
        .change_status(ACTOR, &infra, "done", Some("Deployed".into()), None)
        .await
        .expect("move infra to done");
    assert!(change.ticket.is_resolved, "moving into done resolves");
    assert!(change.ticket.resolved_at.is_some() && change.ticket.completed_at.is_some());
    assert_eq!(change.unblocked_ticket_ids, vec![db.clone()]);
    assert!(change.reblocked_ticket_ids.is_empty());
    assert_eq!(last_action(&get(&store, &infra).await), "resolved");

    let db_detail = get(&store, &db).await;
    assert!(!db_detail.ticket.is_blocked);
    assert_eq!(
        db_detail.ticket.blocked_by_ticket_ids,
        vec![infra.clone()],
        "edges are kept after resolve"
    );
    assert_eq!(
        db_detail.blocked_by,
        vec![TicketRef {
            id: infra.clone(),
            title: "Infrastructure".into(),
            status: "done".into(),
            is_resolved: true
        }],
        "get_ticket shows the blocker resolved"
    );
    assert_eq!(
        get(&store, &infra)
            .await
            .blocks
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>(),
        vec![db.clone()]
    );
    assert!(
        db_detail.history.iter().any(|h| h.action == "unblocked"),
        "the dependent's history records the unblock"
    );

    let err = expect_code(
        store.resolve(ACTOR, &infra, None).await,
        "already_resolved",
        "resolve twice",
    );
    assert_eq!(
        err,
        DomainError::AlreadyResolved {
            ticket_id: infra.clone()
        }
    );

    // Moving out of done reopens and blocks the dependents again.
    let change = store
        .change_status(ACTOR, &infra, "testing", Some("Regression found".into()), None)
        .await
        .expect("reopen infra");
    assert!(!change.ticket.is_resolved, "moving out of done reopens");
    assert_eq!(change.ticket.resolved_at, None);
    assert_eq!(change.ticket.status, "testing");
    assert_eq!(change.reblocked_ticket_ids, vec![db.clone()]);
    assert!(change.unblocked_ticket_ids.is_empty());
    assert_eq!(last_action(&get(&store, &infra).await), "reopened");
    let db_detail = get(&store, &db).await;
    assert!(db_detail.ticket.is_blocked, "the dependent is blocked again");
    assert_eq!(last_action(&db_detail), "blocked");
    assert!(!ready_ids(&store, &wf.id, None).await.contains(&db));

    // resolve() moves to the first done status.
    let change = store
        .resolve(ACTOR, &infra, Some("Fixed".into()))
        .await
        .expect("resolve infra again");
    assert_eq!(change.ticket.status, "done");
    assert_eq!(change.unblocked_ticket_ids, vec![db.clone()]);

    let change = store.resolve(ACTOR, &db, None).await.expect("resolve db");
    assert_eq!(change.unblocked_ticket_ids, vec![api.clone()]);

    // Reopening infra does not list the resolved db as re-blocked, and
    // api (blocked by db only) is untouched.
    let change = store
        .change_status(ACTOR, &infra, "backlog", None, None)
        .await
        .expect("reopen infra again");
    assert!(
        change.reblocked_ticket_ids.is_empty(),
        "resolved dependents are not reported: {change:?}"
    );
    let db_ticket = get(&store, &db).await.ticket;
    assert!(
        db_ticket.is_resolved,
        "reopening a blocker does not reopen its dependents"
    );
    assert!(
        db_ticket.is_blocked,
        "a ticket is blocked while any blocker is unresolved"
    );
    assert!(
        !get(&store, &api).await.ticket.is_blocked,
        "api's blocker (db) is still resolved"
    );
}
