//! Moves and their rules: a blocked ticket cannot move forward; transitions
//! and WIP limits.

use std::collections::BTreeMap;

use tix_core::board::{BoardConfig, Column};
use tix_core::error::TicketRef;
use tix_core::ticket::{NewTicket, Ticket};
use tix_core::workflow::NewWorkflow;
use tix_core::DomainError;

use super::fixtures::{blocked_by, create, create_seed_workflow, expect_code, get, new_ticket};
use super::ACTOR;
use crate::{ClaimRequest, Store};

pub async fn blocked_ticket_cannot_move_forward<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra.id])).await;
    let before = get(&store, &db.id).await;

    let err = expect_code(
        store.change_status(ACTOR, &db.id, "building", None, None).await,
        "ticket_blocked",
        "blocked ticket moving forward",
    );
    let infra_ref = TicketRef {
        id: infra.id.clone(),
        title: "Infrastructure".into(),
        status: "backlog".into(),
        is_resolved: false,
    };
    assert_eq!(
        err,
        DomainError::TicketBlocked {
            ticket_id: db.id.clone(),
            target: "building".into(),
            blockers: vec![infra_ref]
        }
    );
    let message = err.to_string();
    assert!(
        message.contains(&infra.id) && message.contains("[backlog]") && message.contains("Infrastructure"),
        "the message lists the blocker's id, status and title: {message}"
    );
    expect_code(
        store.resolve(ACTOR, &db.id, None).await,
        "ticket_blocked",
        "resolving a blocked ticket",
    );

    let after = get(&store, &db.id).await;
    assert_eq!(
        after.ticket.version, before.ticket.version,
        "a refused move leaves the version alone"
    );
    assert_eq!(after.ticket.status, "backlog");
    assert_eq!(
        after.history.len(),
        before.history.len(),
        "a refused move writes no history"
    );

    // A ticket that became blocked after it moved on may still move back.
    store
        .change_status(ACTOR, &infra.id, "building", None, None)
        .await
        .expect("infra starts");
    let late = create(&store, new_ticket(&wf.id, "Late discovery")).await;
    store
        .change_status(ACTOR, &late.id, "testing", None, None)
        .await
        .expect("late moves to testing");
    store
        .add_blocker(ACTOR, &late.id, &infra.id)
        .await
        .expect("infra blocks late");
    assert!(get(&store, &late.id).await.ticket.is_blocked);
    let back = store
        .change_status(ACTOR, &late.id, "building", None, None)
        .await
        .expect("moving back is allowed");
    assert_eq!(back.ticket.status, "building");
    let err = expect_code(
        store.change_status(ACTOR, &late.id, "building-done", None, None).await,
        "ticket_blocked",
        "forward again",
    );
    let DomainError::TicketBlocked { blockers, .. } = err else {
        panic!("not TicketBlocked")
    };
    assert_eq!(blockers.len(), 1);
    assert_eq!(
        blockers[0].status, "building",
        "the blocker's current status is reported"
    );
    store
        .change_status(ACTOR, &late.id, "backlog", None, None)
        .await
        .expect("all the way back");

    // Once the blocker resolves, the move goes through.
    store.resolve(ACTOR, &infra.id, None).await.expect("resolve infra");
    store
        .change_status(ACTOR, &db.id, "building", None, None)
        .await
        .expect("db may start now");
}

pub async fn transitions_and_wip_limits<S: Store>(store: S) {
    let column = |id: &str, wip_limit: Option<u32>| Column {
        id: id.into(),
        name: id.to_uppercase(),
        wip_limit,
    };
    let targets = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let board = BoardConfig {
        columns: vec![
            column("backlog", None),
            column("building", Some(1)),
            column("review", None),
            column("done", None),
        ],
        ticket_types: vec!["component".into()],
        initial_status: "backlog".into(),
        transitions: Some(BTreeMap::from([
            ("backlog".to_string(), targets(&["building"])),
            ("building".to_string(), targets(&["review", "backlog"])),
            ("review".to_string(), targets(&["done", "building"])),
            ("done".to_string(), targets(&["review"])),
        ])),
        done_statuses: None,
        claim_status: None,
        duplicate_policy: Default::default(),
    };
    let wf = store
        .create_workflow(
            ACTOR,
            NewWorkflow {
                id: None,
                name: "Strict".into(),
                board_config: board,
                phases: vec![],
                guardian: Default::default(),
            },
        )
        .await
        .expect("create strict workflow");
    let t1 = create(&store, new_ticket(&wf.id, "One")).await.id;
    let t2 = create(&store, new_ticket(&wf.id, "Two")).await.id;
    let t3 = create(&store, new_ticket(&wf.id, "Three")).await.id;

    let err = expect_code(
        store.change_status(ACTOR, &t1, "review", None, None).await,
        "transition_not_allowed",
        "backlog -> review",
    );
    assert_eq!(
        err,
        DomainError::TransitionNotAllowed {
            from: "backlog".into(),
            to: "review".into(),
            allowed: targets(&["building"])
        }
    );
    assert!(err.to_string().contains("may move to: building"), "{err}");
    expect_code(
        store.resolve(ACTOR, &t1, None).await,
        "transition_not_allowed",
        "resolve straight from backlog",
    );

    store
        .change_status(ACTOR, &t1, "building", None, None)
        .await
        .expect("t1 -> building");
    let t2_before = get(&store, &t2).await.ticket;
    let err = expect_code(
        store.change_status(ACTOR, &t2, "building", None, None).await,
        "wip_limit_reached",
        "building is full",
    );
    assert_eq!(
        err,
        DomainError::WipLimitReached {
            status: "building".into(),
            limit: 1,
            current: 1
        }
    );
    let claim = ClaimRequest {
        workflow_id: wf.id.clone(),
        agent_id: "agent-1".into(),
        ..ClaimRequest::default()
    };
    expect_code(
        store.claim(claim.clone()).await,
        "wip_limit_reached",
        "claiming into a full column",
    );
    assert_eq!(
        get(&store, &t2).await.ticket,
        t2_before,
        "refused moves leave the ticket alone"
    );
    assert!(
        get(&store, &t3).await.ticket.assigned_agent_id.is_none(),
        "a refused claim assigns nobody"
    );

    store
        .change_status(ACTOR, &t1, "review", None, None)
        .await
        .expect("t1 -> review");
    store
        .change_status(ACTOR, &t2, "building", None, None)
        .await
        .expect("t2 -> building once there is room");
    let change = store.resolve(ACTOR, &t1, None).await.expect("review -> done");
    assert_eq!(change.ticket.status, "done");

    let err = expect_code(
        store.change_status(ACTOR, &t1, "backlog", None, None).await,
        "transition_not_allowed",
        "done -> backlog",
    );
    assert_eq!(
        err,
        DomainError::TransitionNotAllowed {
            from: "done".into(),
            to: "backlog".into(),
            allowed: targets(&["review"])
        }
    );

    let err = expect_code(
        store.change_status(ACTOR, &t3, "qa", None, None).await,
        "unknown_status",
        "unknown column",
    );
    assert!(err.to_string().contains("backlog, building, review, done"), "{err}");
}

/// `answer`, after checking that a read returns it.
async fn read_back<S: Store>(store: &S, answer: Ticket) -> Ticket {
    assert_eq!(
        get(store, &answer.id).await.ticket,
        answer,
        "a read returns what the move answered"
    );
    answer
}

/// Moves `id` to `to` (with a comment); answers the move's ticket, read back.
async fn moved<S: Store>(store: &S, id: &str, to: &str) -> Ticket {
    let answer = store
        .change_status(ACTOR, id, to, Some(format!("to {to}")), None)
        .await
        .unwrap_or_else(|e| panic!("{id} -> {to}: {e}"))
        .ticket;
    read_back(store, answer).await
}

/// A move answers with the ticket it leaves behind, built from what it
/// wrote instead of read back: every kind of move must answer exactly what
/// a read returns right after it.
pub async fn a_move_answers_what_a_read_returns<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Moves answer").await;
    let parent = create(&store, new_ticket(&wf.id, "Parent")).await;
    let child = create(
        &store,
        NewTicket {
            parent_id: Some(parent.id.clone()),
            ..new_ticket(&wf.id, "Child")
        },
    )
    .await;
    let blocker = create(&store, new_ticket(&wf.id, "Blocker")).await;
    let blocked = create(&store, blocked_by(new_ticket(&wf.id, "Blocked"), &[&blocker.id])).await;
    let started = moved(&store, &blocker.id, "building").await;
    let back = moved(&store, &blocker.id, "backlog").await;
    assert!(started.started_at.is_some() && back.started_at == started.started_at);
    assert!(back.is_ready, "back in the initial column, unblocked and free: ready");
    moved(&store, &parent.id, "building").await;
    let parent_back = moved(&store, &parent.id, "backlog").await;
    assert!(!parent_back.is_ready, "a parent with an open child is not ready");
    let resolved = read_back(
        &store,
        store.resolve(ACTOR, &blocker.id, None).await.expect("resolve").ticket,
    )
    .await;
    assert!(resolved.is_resolved && resolved.resolved_at.is_some() && !resolved.is_ready);
    let unblocked_moved = moved(&store, &blocked.id, "building").await;
    assert!(!unblocked_moved.is_blocked);
    let reopened = moved(&store, &blocker.id, "backlog").await;
    assert!(!reopened.is_resolved && reopened.resolved_at.is_none() && reopened.is_ready);
    // Blocked again by the reopen, it may still move back.
    let blocked_back = moved(&store, &blocked.id, "backlog").await;
    assert!(blocked_back.is_blocked && !blocked_back.is_ready);
    let claim = ClaimRequest {
        workflow_id: wf.id.clone(),
        agent_id: "agent-9".into(),
        ticket_id: Some(child.id.clone()),
        ..ClaimRequest::default()
    };
    let claimed = read_back(&store, store.claim(claim).await.expect("claim").ticket).await;
    assert_eq!(claimed.assigned_agent_id.as_deref(), Some("agent-9"));
    assert!(claimed.lease_expires_at.is_some() && !claimed.is_ready);
}
