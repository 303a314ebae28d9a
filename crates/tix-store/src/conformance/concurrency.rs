//! Optimistic concurrency (expected versions) and concurrent writers: claims
//! hand out each ticket once, versioned updates lose nothing.

use std::collections::HashMap;

use tix_core::ticket::{NewTicket, Priority, TicketPatch};
use tix_core::DomainError;

use super::fixtures::{
    all_tickets, create, create_seed_workflow, expect_code, get, in_workflow, new_ticket, ready_ids, set,
};
use super::ACTOR;
use crate::{ClaimRequest, Error, Store};

pub async fn update_with_expected_version<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;

    let patch = TicketPatch {
        title: Some("Auth system".into()),
        priority: Some(Priority::High),
        ..Default::default()
    };
    let v2 = store
        .update_ticket("agent-1", &t, patch, Some(1))
        .await
        .expect("update at the current version");
    assert_eq!(v2.version, 2, "a landed write increments the version");
    assert_eq!(v2.title, "Auth system");
    assert_eq!(v2.priority, Priority::High);

    let stale = TicketPatch {
        description: Some("lost?".into()),
        ..Default::default()
    };
    let err = expect_code(
        store.update_ticket("agent-2", &t, stale, Some(1)).await,
        "stale_version",
        "stale write",
    );
    assert_eq!(
        err,
        DomainError::StaleVersion {
            ticket_id: t.clone(),
            expected: 1,
            actual: 2
        }
    );
    assert_eq!(
        get(&store, &t).await.ticket.description,
        "",
        "a stale write does not land"
    );

    let tags = TicketPatch {
        tags: Some(vec!["auth".into(), "jwt".into()]),
        ..Default::default()
    };
    let v3 = store
        .update_ticket("agent-1", &t, tags, Some(2))
        .await
        .expect("update v2");
    assert_eq!(
        (v3.version, v3.tags.clone()),
        (3, vec!["auth".to_string(), "jwt".to_string()])
    );
    let assign = TicketPatch {
        assigned_agent_id: Some(Some("agent-7".into())),
        ..Default::default()
    };
    let v4 = store
        .update_ticket("agent-1", &t, assign, None)
        .await
        .expect("update without a version");
    assert_eq!((v4.version, v4.assigned_agent_id.as_deref()), (4, Some("agent-7")));
    let unassign = TicketPatch {
        assigned_agent_id: Some(None),
        ..Default::default()
    };
    let v5 = store
        .update_ticket("agent-1", &t, unassign, None)
        .await
        .expect("unassign");
    assert_eq!((v5.version, v5.assigned_agent_id.as_deref()), (5, None));

    for (patch, code, what) in [
        (TicketPatch::default(), "validation_failed", "empty patch"),
        (
            TicketPatch {
                title: Some("   ".into()),
                ..Default::default()
            },
            "validation_failed",
            "empty title",
        ),
        (
            TicketPatch {
                ticket_type: Some("epic".into()),
                ..Default::default()
            },
            "unknown_ticket_type",
            "bad type",
        ),
        (
            TicketPatch {
                tags: Some(vec!["a,b".into()]),
                ..Default::default()
            },
            "validation_failed",
            "bad tag",
        ),
        (
            TicketPatch {
                assigned_agent_id: Some(Some("  ".into())),
                ..Default::default()
            },
            "validation_failed",
            "empty agent",
        ),
    ] {
        expect_code(store.update_ticket("agent-1", &t, patch, Some(5)).await, code, what);
    }
    assert_eq!(get(&store, &t).await.ticket, v5, "refused patches change nothing");

    expect_code(
        store.change_status("agent-1", &t, "building", None, Some(3)).await,
        "stale_version",
        "stale status change",
    );
    let moved = store
        .change_status("agent-1", &t, "building", None, Some(5))
        .await
        .expect("current status change");
    assert_eq!(moved.ticket.version, 6);

    let detail = get(&store, &t).await;
    assert_eq!(
        detail.history.iter().filter(|h| h.action == "updated").count(),
        4,
        "one history row per landed write"
    );
    expect_code(
        store
            .update_ticket(
                "agent-1",
                "ticket-nope",
                TicketPatch {
                    title: Some("x".into()),
                    ..Default::default()
                },
                None,
            )
            .await,
        "ticket_not_found",
        "update unknown ticket",
    );
}

pub async fn concurrent_claims_hand_out_each_ticket_once<S: Store>(store: S) {
    const TICKETS: usize = 200;
    const AGENTS: usize = 32;
    let wf = create_seed_workflow(&store, "Swarm").await;
    let batch: Vec<NewTicket> = (0..TICKETS).map(|i| new_ticket(&wf.id, &format!("Task {i}"))).collect();
    let ids = store
        .import_tickets(ACTOR, &wf.id, batch)
        .await
        .expect("import 200 tickets");
    assert_eq!(ids.len(), TICKETS);

    let mut tasks = Vec::new();
    for i in 0..AGENTS {
        let store = store.clone();
        let workflow_id = wf.id.clone();
        tasks.push(tokio::spawn(async move {
            let agent = format!("agent-{i}");
            let mut got = Vec::new();
            loop {
                let request = ClaimRequest {
                    workflow_id: workflow_id.clone(),
                    agent_id: agent.clone(),
                    ..Default::default()
                };
                match store.claim(request).await {
                    Ok(claimed) => {
                        let ticket = claimed.ticket;
                        assert_eq!(
                            ticket.assigned_agent_id.as_deref(),
                            Some(agent.as_str()),
                            "claim returns the holder"
                        );
                        assert_eq!(ticket.status, "building");
                        got.push(ticket.id);
                    }
                    Err(Error::Domain(DomainError::NothingReady { .. })) => break,
                    Err(other) => panic!("{agent}: unexpected claim error: {other}"),
                }
            }
            (agent, got)
        }));
    }
    let mut holder: HashMap<String, String> = HashMap::new();
    let mut total = 0;
    for task in tasks {
        let (agent, got) = task.await.expect("claim task panicked");
        total += got.len();
        for id in got {
            if let Some(previous) = holder.insert(id.clone(), agent.clone()) {
                panic!("{id} was handed to both {previous} and {agent}");
            }
        }
    }
    assert_eq!(total, TICKETS, "every ticket was claimed exactly once");
    assert_eq!(set(holder.keys()), set(&ids));
    for ticket in all_tickets(&store, in_workflow(&wf.id)).await {
        assert_eq!(ticket.status, "building", "{} was claimed", ticket.id);
        assert_eq!(
            ticket.assigned_agent_id.as_ref(),
            holder.get(&ticket.id),
            "{} is held by its claimer",
            ticket.id
        );
        assert_eq!(ticket.version, 2, "{} was written once by its claim", ticket.id);
    }
    assert!(ready_ids(&store, &wf.id, None).await.is_empty());
}

pub async fn concurrent_versioned_updates_lose_nothing<S: Store>(store: S) {
    const WRITERS: usize = 16;
    const ATTEMPTS: usize = 200;
    let wf = create_seed_workflow(&store, "Web app").await;
    let id = create(&store, new_ticket(&wf.id, "Contended")).await.id;

    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let store = store.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut stale = 0;
            for attempt in 0..ATTEMPTS {
                let version = store.get_ticket(&id).await.expect("read").ticket.version;
                let text = format!("writer {i} attempt {attempt}");
                let patch = TicketPatch {
                    description: Some(text.clone()),
                    ..Default::default()
                };
                match store
                    .update_ticket(&format!("writer-{i}"), &id, patch, Some(version))
                    .await
                {
                    Ok(ticket) => {
                        assert_eq!(ticket.version, version + 1, "a landed write moves the version by one");
                        return (Some((ticket.version, text)), stale);
                    }
                    Err(Error::Domain(DomainError::StaleVersion { expected, actual, .. })) => {
                        assert_eq!(expected, version);
                        assert!(actual > version, "stale means someone else moved on");
                        stale += 1;
                    }
                    Err(other) => panic!("writer {i}: unexpected error {other}"),
                }
            }
            (None, stale)
        }));
    }
    let mut landed: Vec<(u64, String)> = Vec::new();
    for task in tasks {
        let (write, _stale) = task.await.expect("writer task panicked");
        landed.extend(write);
    }
    assert!(!landed.is_empty(), "some writes land");
    landed.sort();
    let versions: Vec<u64> = landed.iter().map(|w| w.0).collect();
    let expected: Vec<u64> = (2..2 + landed.len() as u64).collect();
    assert_eq!(versions, expected, "every landed write got its own version");
    let detail = get(&store, &id).await;
    assert_eq!(
        detail.ticket.version,
        1 + landed.len() as u64,
        "final version = 1 + landed writes (none lost)"
    );
    let last = landed.last().map(|w| w.1.clone()).unwrap_or_default();
    assert_eq!(
        detail.ticket.description, last,
        "the last landed write is what is stored"
    );
    assert_eq!(
        detail.history.iter().filter(|h| h.action == "updated").count(),
        landed.len()
    );
}
