//! The ready queue's order, claims (the next ticket or a named one) and
//! lease expiry.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use tix_core::ticket::{Priority, TicketFilter};
use tix_core::DomainError;

use super::fixtures::{
    all_events, all_tickets, blocked_by, create, create_seed_workflow, expect_code, get, new_ticket, ready_ids,
    with_priority,
};
use super::ACTOR;
use crate::{ClaimRequest, Store};

pub async fn ready_ordering<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let tick = || tokio::time::sleep(Duration::from_millis(3));
    let make = |title: &'static str, priority: Priority, blockers: Vec<String>, agent: Option<&str>| {
        let mut t = blocked_by(with_priority(new_ticket(&wf.id, title), priority), &[]);
        t.blocked_by_ticket_ids = blockers;
        t.assigned_agent_id = agent.map(str::to_string);
        let store = store.clone();
        async move {
            store
                .create_ticket(ACTOR, t)
                .await
                .unwrap_or_else(|e| panic!("create {title}: {e}"))
                .id
        }
    };
    let low_hub = make("low hub", Priority::Low, vec![], None).await;
    tick().await;
    let _low_child = make("low child", Priority::Medium, vec![low_hub.clone()], None).await;
    tick().await;
    let high_old = make("high old", Priority::High, vec![], None).await;
    tick().await;
    let medium_old = make("medium old", Priority::Medium, vec![], None).await;
    tick().await;
    let high_hub = make("high hub", Priority::High, vec![], None).await;
    tick().await;
    let child = make("child", Priority::Medium, vec![high_hub.clone()], None).await;
    tick().await;
    let _grandchild = make("grandchild", Priority::Medium, vec![child.clone()], None).await;
    tick().await;
    let high_new = make("high new", Priority::High, vec![], None).await;
    tick().await;
    let theirs = make("theirs", Priority::Medium, vec![], Some("other-agent")).await;
    tick().await;
    let mine = make("mine", Priority::Medium, vec![], Some("me")).await;
    tick().await;
    let critical_moved = make("critical but started", Priority::Critical, vec![], None).await;
    store
        .change_status(ACTOR, &critical_moved, "building", None, None)
        .await
        .expect("start the critical one");

    let ready = store.ready(&wf.id, Some("me"), 500).await.expect("ready for me");
    let got: Vec<(String, u64)> = ready.iter().map(|r| (r.ticket.id.clone(), r.unblocks_count)).collect();
    let expected: Vec<(String, u64)> = vec![
        (high_hub.clone(), 2), // high; unblocks child and grandchild (transitively)
        (high_old.clone(), 0), // high; older than high_new
        (high_new.clone(), 0),
        (medium_old.clone(), 0), // medium; older than mine
        (mine.clone(), 0),       // assigned to the asking agent
        (low_hub.clone(), 1),    // unblocks one, but priority comes first
    ];
    assert_eq!(got, expected, "ready order: priority, then unblocks_count, then age");

    let id_list = |pairs: &[(String, u64)]| pairs.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    let without_mine: Vec<String> = id_list(&expected).into_iter().filter(|id| *id != mine).collect();
    assert_eq!(
        ready_ids(&store, &wf.id, None).await,
        without_mine,
        "anonymous: assigned tickets are excluded"
    );
    let for_other = ready_ids(&store, &wf.id, Some("other-agent")).await;
    assert!(
        for_other.contains(&theirs) && !for_other.contains(&mine),
        "other-agent sees its own ticket only"
    );

    // Each ticket says whether an agent without tickets of its own would be offered it.
    let listed = all_tickets(
        &store,
        TicketFilter {
            workflow_id: Some(wf.id.clone()),
            ..TicketFilter::default()
        },
    )
    .await;
    let flagged: BTreeSet<String> = listed.iter().filter(|t| t.is_ready).map(|t| t.id.clone()).collect();
    assert_eq!(
        flagged,
        without_mine.iter().cloned().collect::<BTreeSet<_>>(),
        "is_ready marks exactly the anonymous ready queue"
    );
    let detail = store.get_ticket(&high_hub).await.expect("get high hub");
    assert!(detail.ticket.is_ready, "the detail says so too");

    let top2 = ready_ids_limited(&store, &wf.id, Some("me"), 2).await;
    assert_eq!(top2, vec![high_hub.clone(), high_old.clone()], "limit keeps the best");

    // Resolving the child drops the hub's count to what is still unresolved.
    store
        .change_status(ACTOR, &child, "building", None, None)
        .await
        .expect_err("child is blocked");
    store.resolve(ACTOR, &high_hub, None).await.expect("resolve hub");
    store.resolve(ACTOR, &child, None).await.expect("resolve child");
    let ready = store
        .ready(&wf.id, Some("me"), 500)
        .await
        .expect("ready after resolves");
    assert!(
        !ready.iter().any(|r| r.ticket.id == high_hub || r.ticket.id == child),
        "resolved tickets are not ready"
    );
    assert!(ready
        .iter()
        .all(|r| !r.ticket.is_blocked && !r.ticket.is_resolved && r.ticket.status == "backlog"));
}

async fn ready_ids_limited<S: Store>(store: &S, workflow_id: &str, agent: Option<&str>, limit: u32) -> Vec<String> {
    store
        .ready(workflow_id, agent, limit)
        .await
        .expect("ready")
        .into_iter()
        .map(|r| r.ticket.id)
        .collect()
}

/// A bulk import leaves the ranks to the next `ready`, which computes them
/// exactly; writes after it keep them exact again.
pub async fn ready_ranks_after_a_bulk_import<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Bulk").await;
    let id = |i: usize| format!("ticket-bulk{i:04}");
    // Three roots; 150 tickets under them: 100 chained below root 0 (so it
    // unblocks them all), 40 directly below root 1, 7 below root 2.
    let mut batch = Vec::new();
    for i in 0..150 {
        let mut t = new_ticket(&wf.id, &format!("Bulk {i}"));
        t.id = Some(id(i));
        t.blocked_by_ticket_ids = match i {
            0..=2 => vec![],
            3 => vec![id(0)],
            4..=102 => vec![id(i - 1)],
            103..=142 => vec![id(1)],
            _ => vec![id(2)],
        };
        batch.push(t);
    }
    store.import_tickets(ACTOR, &wf.id, batch).await.expect("import");
    let ranked = |ready: Vec<tix_core::ticket::ReadyTicket>| -> Vec<(String, u64)> {
        ready.into_iter().map(|r| (r.ticket.id, r.unblocks_count)).collect()
    };
    let ready = ranked(store.ready(&wf.id, None, 10).await.expect("ready"));
    assert_eq!(
        ready,
        vec![(id(0), 100), (id(1), 40), (id(2), 7)],
        "counts computed after the import"
    );

    // Resolving root 0 makes its first dependent a root that unblocks 99;
    // a new ticket below root 2 counts at once.
    store.resolve(ACTOR, &id(0), None).await.expect("resolve root 0");
    let mut below_two = new_ticket(&wf.id, "Below two");
    below_two.blocked_by_ticket_ids = vec![id(2)];
    create(&store, below_two).await;
    let ready = ranked(store.ready(&wf.id, None, 10).await.expect("ready"));
    assert_eq!(
        ready,
        vec![(id(3), 99), (id(1), 40), (id(2), 8)],
        "kept exact by later writes"
    );
}

pub async fn claim_next_and_named<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let top = create(
        &store,
        with_priority(new_ticket(&wf.id, "Infrastructure"), Priority::High),
    )
    .await
    .id;
    let low = create(&store, with_priority(new_ticket(&wf.id, "Docs"), Priority::Low))
        .await
        .id;
    let blocked = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&top]))
        .await
        .id;
    let request = |agent: &str, ticket: Option<&str>| ClaimRequest {
        workflow_id: wf.id.clone(),
        agent_id: agent.to_string(),
        ticket_id: ticket.map(str::to_string),
        lease: None,
        phase_id: None,
    };

    let before = Utc::now();
    let claimed = store.claim(request("agent-1", None)).await.expect("claim next").ticket;
    let after = Utc::now();
    assert_eq!(claimed.id, top, "claim next hands out the top ready ticket");
    assert_eq!(claimed.assigned_agent_id.as_deref(), Some("agent-1"));
    assert_eq!(claimed.status, "building", "a claimed ticket moves to the claim column");
    assert_eq!(claimed.version, 2);
    assert!(claimed.started_at.is_some());
    let lease = claimed.lease_expires_at.expect("a claim sets lease_expires_at");
    let default = chrono::Duration::from_std(crate::DEFAULT_LEASE).expect("lease fits");
    assert!(
        lease >= before + default - chrono::Duration::seconds(1)
            && lease <= after + default + chrono::Duration::seconds(1),
        "the default lease runs {default} from the claim, got {lease}"
    );
    let detail = get(&store, &top).await;
    assert_eq!(detail.ticket, claimed);
    let row = detail.history.last().expect("history");
    assert_eq!(
        (
            row.action.as_str(),
            row.agent_id.as_str(),
            row.from_status.as_deref(),
            row.to_status.as_deref()
        ),
        ("claimed", "agent-1", Some("backlog"), Some("building"))
    );
    assert!(
        all_events(&store, Some(&wf.id))
            .await
            .iter()
            .any(|e| e.kind == "ticket_claimed" && e.ticket_id.as_deref() == Some(&top)),
        "a claim emits ticket_claimed"
    );
    assert!(
        !ready_ids(&store, &wf.id, None).await.contains(&top),
        "a claimed ticket is no longer ready"
    );

    let err = expect_code(
        store.claim(request("agent-2", Some(&blocked))).await,
        "not_claimable",
        "claim blocked",
    );
    let DomainError::NotClaimable { ticket_id, reason } = err else {
        panic!("not NotClaimable")
    };
    assert_eq!(ticket_id, blocked);
    assert!(reason.contains(&top), "the reason names the blocker: {reason}");
    expect_code(
        store.claim(request("agent-2", Some(&top))).await,
        "not_claimable",
        "claim a claimed ticket",
    );

    // A holder's writes renew the lease; others' writes do not.
    let renew_before = get(&store, &top).await.ticket.lease_expires_at;
    tokio::time::sleep(Duration::from_millis(10)).await;
    store
        .add_comment("agent-9", &top, "Looks good")
        .await
        .expect("comment by another agent");
    assert_eq!(
        get(&store, &top).await.ticket.lease_expires_at,
        renew_before,
        "another agent's write does not renew"
    );
    store
        .add_comment("agent-1", &top, "Progress")
        .await
        .expect("comment by the holder");
    let renewed = get(&store, &top).await.ticket.lease_expires_at;
    assert!(
        renewed > renew_before,
        "the holder's write renews the lease ({renew_before:?} -> {renewed:?})"
    );

    let second = store
        .claim(request("agent-2", None))
        .await
        .expect("claim next again")
        .ticket;
    assert_eq!(second.id, low);
    expect_code(
        store.claim(request("agent-3", None)).await,
        "nothing_ready",
        "nothing left",
    );

    let change = store.resolve("agent-1", &top, None).await.expect("holder resolves");
    assert_eq!(change.unblocked_ticket_ids, vec![blocked.clone()]);
    assert_eq!(change.ticket.lease_expires_at, None, "a resolved ticket holds no lease");
    let named = store
        .claim(request("agent-3", Some(&blocked)))
        .await
        .expect("claim the now unblocked ticket")
        .ticket;
    assert_eq!(
        (named.id.as_str(), named.assigned_agent_id.as_deref()),
        (blocked.as_str(), Some("agent-3"))
    );

    expect_code(
        store.claim(request("  ", None)).await,
        "validation_failed",
        "empty agent id",
    );
    expect_code(
        store
            .claim(ClaimRequest {
                workflow_id: "wf-missing".into(),
                ..request("agent-1", None)
            })
            .await,
        "workflow_not_found",
        "unknown workflow",
    );
}

pub async fn claim_lease_expiry<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;
    let claimed = store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-1".into(),
            ticket_id: None,
            lease: Some(Duration::ZERO),
            phase_id: None,
        })
        .await
        .expect("claim with a zero lease")
        .ticket;
    assert_eq!(claimed.id, t);
    assert!(claimed.lease_expires_at.is_some());

    tokio::time::sleep(Duration::from_millis(50)).await;
    let expired = store.expire_leases().await.expect("expire_leases");
    assert_eq!(expired, vec![t.clone()], "the zero lease ran out");

    let detail = get(&store, &t).await;
    assert_eq!(
        detail.ticket.status, "backlog",
        "an expired claim goes back to the initial column"
    );
    assert_eq!(detail.ticket.assigned_agent_id, None, "an expired claim is unassigned");
    assert_eq!(detail.ticket.lease_expires_at, None);
    assert_eq!(detail.ticket.version, claimed.version + 1);
    let row = detail.history.last().expect("history");
    assert_eq!(
        (
            row.action.as_str(),
            row.from_status.as_deref(),
            row.to_status.as_deref()
        ),
        ("lease_expired", Some("building"), Some("backlog"))
    );
    assert!(
        all_events(&store, Some(&wf.id))
            .await
            .iter()
            .any(|e| e.kind == "ticket_lease_expired" && e.ticket_id.as_deref() == Some(&t)),
        "expiry emits ticket_lease_expired"
    );
    assert!(
        store.expire_leases().await.expect("expire again").is_empty(),
        "nothing expires twice"
    );
    assert_eq!(
        ready_ids(&store, &wf.id, None).await,
        vec![t.clone()],
        "the ticket is ready again"
    );
    let again = store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-2".into(),
            ..ClaimRequest::default()
        })
        .await
        .expect("someone else claims it")
        .ticket;
    assert_eq!(
        (again.id.as_str(), again.assigned_agent_id.as_deref()),
        (t.as_str(), Some("agent-2"))
    );
}
