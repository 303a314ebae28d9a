//! The seed's three dependency patterns (fan-out, chain, tree) and the ticket
//! and workflow graphs.

use std::collections::{BTreeMap, BTreeSet};

use super::fixtures::{blocked_by, create, create_seed_workflow, expect_code, get, new_ticket, ready_ids, set, sorted};
use super::ACTOR;
use crate::Store;

pub async fn pattern_fan_out<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Fan-out").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let mut parts = Vec::new();
    for title in ["Database", "Auth", "Workers"] {
        let t = create(&store, blocked_by(new_ticket(&wf.id, title), &[&infra.id])).await;
        assert!(t.is_blocked, "{title} starts blocked by infrastructure");
        assert_eq!(t.blocked_by_ticket_ids, vec![infra.id.clone()]);
        parts.push(t.id);
    }
    assert_eq!(
        ready_ids(&store, &wf.id, None).await,
        vec![infra.id.clone()],
        "only infrastructure is ready"
    );

    let change = store
        .resolve(ACTOR, &infra.id, Some("Infrastructure is up".into()))
        .await
        .expect("resolve infra");
    assert!(change.ticket.is_resolved);
    assert_eq!(change.ticket.status, "done");
    assert_eq!(
        sorted(change.unblocked_ticket_ids),
        sorted(parts.clone()),
        "all three unblock at once"
    );
    assert!(change.reblocked_ticket_ids.is_empty());
    assert_eq!(
        set(ready_ids(&store, &wf.id, None).await),
        set(&parts),
        "all three become ready"
    );
    for id in &parts {
        assert!(!get(&store, id).await.ticket.is_blocked, "{id} is no longer blocked");
    }
}

pub async fn pattern_chain<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Chain").await;
    let mut chain: Vec<String> = Vec::new();
    for title in ["Infrastructure", "Database", "Auth", "API"] {
        let blockers: Vec<&str> = chain.last().map(String::as_str).into_iter().collect();
        chain.push(
            create(&store, blocked_by(new_ticket(&wf.id, title), &blockers))
                .await
                .id,
        );
    }
    for (i, id) in chain.iter().enumerate() {
        assert_eq!(
            ready_ids(&store, &wf.id, None).await,
            vec![id.clone()],
            "step {i}: only {id} is ready"
        );
        let change = store
            .resolve(ACTOR, id, None)
            .await
            .unwrap_or_else(|e| panic!("resolve step {i}: {e}"));
        let expected: Vec<String> = chain.get(i + 1).cloned().into_iter().collect();
        assert_eq!(
            change.unblocked_ticket_ids, expected,
            "step {i}: resolving unblocks exactly the next one"
        );
        for later in chain.iter().skip(i + 2) {
            assert!(
                get(&store, later).await.ticket.is_blocked,
                "step {i}: {later} stays blocked"
            );
        }
    }
    assert!(
        ready_ids(&store, &wf.id, None).await.is_empty(),
        "nothing is left once the chain is resolved"
    );
}

pub async fn pattern_tree<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Tree").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra]))
        .await
        .id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&db])).await.id;
    let api = create(&store, blocked_by(new_ticket(&wf.id, "API"), &[&db])).await.id;
    let front = create(&store, blocked_by(new_ticket(&wf.id, "Frontend"), &[&auth, &api]))
        .await
        .id;
    assert_eq!(
        get(&store, &front).await.ticket.blocked_by_ticket_ids,
        sorted(vec![auth.clone(), api.clone()])
    );

    let resolve = |id: String| {
        let store = store.clone();
        async move {
            store
                .resolve(ACTOR, &id, None)
                .await
                .unwrap_or_else(|e| panic!("resolve {id}: {e}"))
        }
    };
    assert_eq!(resolve(infra.clone()).await.unblocked_ticket_ids, vec![db.clone()]);
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&db]));

    assert_eq!(
        sorted(resolve(db.clone()).await.unblocked_ticket_ids),
        sorted(vec![auth.clone(), api.clone()])
    );
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&auth, &api]));

    let change = resolve(auth.clone()).await;
    assert!(
        change.unblocked_ticket_ids.is_empty(),
        "frontend waits for api too: {:?}",
        change.unblocked_ticket_ids
    );
    let frontend = get(&store, &front).await;
    assert!(
        frontend.ticket.is_blocked,
        "frontend stays blocked until BOTH auth and api resolve"
    );
    let states: BTreeMap<String, bool> = frontend
        .blocked_by
        .iter()
        .map(|b| (b.id.clone(), b.is_resolved))
        .collect();
    assert_eq!(states, BTreeMap::from([(auth.clone(), true), (api.clone(), false)]));
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&api]));

    assert_eq!(resolve(api.clone()).await.unblocked_ticket_ids, vec![front.clone()]);
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&front]));
}

pub async fn ticket_and_workflow_graphs<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Tree").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra]))
        .await
        .id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&db])).await.id;
    let api = create(&store, blocked_by(new_ticket(&wf.id, "API"), &[&db])).await.id;
    let front = create(&store, blocked_by(new_ticket(&wf.id, "Frontend"), &[&auth, &api]))
        .await
        .id;
    let lone = create(&store, new_ticket(&wf.id, "Docs")).await.id;
    let pair = |a: &String, b: &String| (a.clone(), b.clone());
    let all_edges: BTreeSet<(String, String)> = [
        pair(&infra, &db),
        pair(&db, &auth),
        pair(&db, &api),
        pair(&auth, &front),
        pair(&api, &front),
    ]
    .into();

    let graph = store.ticket_graph(&db, None).await.expect("ticket_graph db");
    assert_eq!(
        set(graph.nodes.iter().map(|n| &n.id)),
        set([&infra, &db, &auth, &api, &front]),
        "whole neighbourhood"
    );
    assert!(
        graph.edges.iter().all(|e| e.edge_type == "blocks"),
        "edges are typed 'blocks'"
    );
    let edges: BTreeSet<(String, String)> = graph
        .edges
        .iter()
        .map(|e| (e.from.to_string(), e.to.to_string()))
        .collect();
    assert_eq!(edges, all_edges, "edges run from blocker to blocked");
    let shares_a_node_id = |g: &tix_core::ticket::TicketGraph| {
        let node_id = |id: &std::sync::Arc<str>| g.nodes.iter().any(|n| std::sync::Arc::ptr_eq(&n.id, id));
        g.edges.iter().all(|e| node_id(&e.from) && node_id(&e.to))
    };
    assert!(
        shares_a_node_id(&graph),
        "an edge's ends are its nodes' ids, not copies"
    );
    let check_critical = |path: &[String], expected_start: &[&String]| {
        assert_eq!(path.len(), expected_start.len() + 2, "critical path length: {path:?}");
        for (i, id) in expected_start.iter().enumerate() {
            assert_eq!(&path[i], *id, "critical path step {i}: {path:?}");
        }
        let middle = &path[expected_start.len()];
        assert!(
            *middle == auth || *middle == api,
            "critical path goes through auth or api: {path:?}"
        );
        assert_eq!(path.last(), Some(&front), "critical path ends at frontend: {path:?}");
    };
    check_critical(&graph.critical_path, &[&infra, &db]);
    let node = |g: &tix_core::ticket::TicketGraph, id: &String| {
        g.nodes
            .iter()
            .find(|n| *n.id == **id)
            .cloned()
            .unwrap_or_else(|| panic!("node {id} missing"))
    };
    assert!(!node(&graph, &infra).is_blocked && node(&graph, &db).is_blocked && node(&graph, &front).is_blocked);
    assert_eq!(node(&graph, &db).title, "Database");
    assert_eq!(node(&graph, &db).status, "backlog");

    let near = store
        .ticket_graph(&auth, Some(1))
        .await
        .expect("ticket_graph auth depth 1");
    assert_eq!(
        set(near.nodes.iter().map(|n| &n.id)),
        set([&db, &auth, &front]),
        "depth 1: direct neighbours only"
    );
    let near_edges: BTreeSet<(String, String)> = near
        .edges
        .iter()
        .map(|e| (e.from.to_string(), e.to.to_string()))
        .collect();
    assert_eq!(near_edges, [pair(&db, &auth), pair(&auth, &front)].into());

    let alone = store.ticket_graph(&lone, None).await.expect("ticket_graph lone");
    assert_eq!(set(alone.nodes.iter().map(|n| &n.id)), set([&lone]));
    assert!(alone.edges.is_empty());
    assert_eq!(alone.critical_path, vec![lone.clone()]);

    let whole = store.workflow_graph(&wf.id, true).await.expect("workflow_graph");
    assert_eq!(whole.nodes.len(), 6);
    assert!(shares_a_node_id(&whole));
    assert_eq!(
        whole
            .edges
            .iter()
            .map(|e| (e.from.to_string(), e.to.to_string()))
            .collect::<BTreeSet<_>>(),
        all_edges
    );
    check_critical(&whole.critical_path, &[&infra, &db]);
    let path = store.critical_path(&wf.id).await.expect("critical_path");
    assert_eq!(
        path.critical_path, whole.critical_path,
        "the same path as the whole graph's"
    );
    assert_eq!(
        path.tickets.iter().map(|n| &*n.id).collect::<Vec<_>>(),
        path.critical_path.iter().map(String::as_str).collect::<Vec<_>>(),
        "its tickets, in path order"
    );
    assert_eq!(path.tickets[1].title, "Database");

    store.resolve(ACTOR, &infra, None).await.expect("resolve infra");
    let open = store
        .workflow_graph(&wf.id, false)
        .await
        .expect("workflow_graph without resolved");
    assert!(
        !open.nodes.iter().any(|n| *n.id == *infra),
        "include_resolved=false drops resolved nodes"
    );
    assert_eq!(open.nodes.len(), 5);
    assert!(
        !open.edges.iter().any(|e| *e.from == *infra || *e.to == *infra),
        "and their edges"
    );
    check_critical(&open.critical_path, &[&db]);
    let path = store
        .critical_path(&wf.id)
        .await
        .expect("critical_path after a resolve");
    assert_eq!(
        path.critical_path, open.critical_path,
        "resolved tickets leave the path"
    );
    let with_resolved = store
        .workflow_graph(&wf.id, true)
        .await
        .expect("workflow_graph with resolved");
    assert!(node(&with_resolved, &infra).is_resolved);
    assert!(!node(&with_resolved, &db).is_blocked);
    assert!(
        with_resolved.edges.iter().any(|e| *e.from == *infra && *e.to == *db),
        "resolved edges are kept"
    );

    expect_code(
        store.ticket_graph("ticket-nope", None).await,
        "ticket_not_found",
        "graph of unknown ticket",
    );
    expect_code(
        store.workflow_graph("wf-missing", true).await,
        "workflow_not_found",
        "graph of unknown workflow",
    );
    expect_code(
        store.critical_path("wf-missing").await,
        "workflow_not_found",
        "critical path of unknown workflow",
    );
}
