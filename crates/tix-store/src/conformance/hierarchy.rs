//! Hierarchy: parents and children, their refusals, what a parent's open
//! children do to a resolve and to the ready queue.

use tix_core::ticket::{NewTicket, TicketFilter, TicketPatch};

use super::fixtures::{create, create_seed_workflow, expect_code, get, new_ticket, ready_ids, set};
use super::ACTOR;
use crate::{ClaimRequest, HierarchyStore, Store, TicketMove};

fn child(workflow_id: &str, title: &str, parent: &str) -> NewTicket {
    NewTicket {
        parent_id: Some(parent.to_string()),
        ..new_ticket(workflow_id, title)
    }
}

fn parent_patch(parent: Option<&str>) -> TicketPatch {
    TicketPatch {
        parent_id: Some(parent.map(str::to_string)),
        ..TicketPatch::default()
    }
}

/// A parent lists its descendants with their states and progress; it is
/// never ready while a child is open, and resolving it is refused until
/// they are resolved (or with `force`); parents never form a loop and stay
/// in their workflow.
pub async fn hierarchy_parents_children_and_ready<S: Store + HierarchyStore>(store: S) {
    let wf = create_seed_workflow(&store, "Hierarchy").await;
    let epic = create(&store, new_ticket(&wf.id, "Checkout epic")).await;
    // A prefix names the parent too.
    let a = create(&store, child(&wf.id, "Cart totals", &epic.id[..epic.id.len() - 2])).await;
    let b = create(&store, child(&wf.id, "Payment", &epic.id)).await;
    let a1 = create(&store, child(&wf.id, "Tax rules", &a.id)).await;
    assert_eq!(a.parent_id.as_deref(), Some(epic.id.as_str()));

    let detail = get(&store, &epic.id).await;
    let tree: Vec<(&str, u32)> = detail.children.iter().map(|c| (c.id.as_str(), c.depth)).collect();
    assert_eq!(
        tree,
        vec![(a.id.as_str(), 1), (a1.id.as_str(), 2), (b.id.as_str(), 1)],
        "descendants in tree order"
    );
    assert_eq!((detail.progress.resolved, detail.progress.total), (0, 3));
    assert!(detail.parent.is_none());
    let a_detail = get(&store, &a1.id).await;
    assert_eq!(a_detail.parent.as_ref().map(|p| p.id.as_str()), Some(a.id.as_str()));
    assert!(
        a_detail.history[0].details["parent_id"] == a.id,
        "{:?}",
        a_detail.history[0]
    );

    // Ready: the leaves only.
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&a1.id, &b.id]));
    let claim = store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent".into(),
            ticket_id: Some(epic.id.clone()),
            ..ClaimRequest::default()
        })
        .await;
    let refused = expect_code(claim, "not_claimable", "claiming a parent with open children");
    assert!(refused.to_string().contains("children"), "{refused}");

    // Resolving the epic is refused, naming its open children; moving it into done too.
    let err = expect_code(
        store.resolve(ACTOR, &epic.id, None).await,
        "children_open",
        "resolve epic",
    );
    assert!(
        err.to_string().contains(&a.id) && err.to_string().contains(&b.id),
        "{err}"
    );
    expect_code(
        store.change_status(ACTOR, &epic.id, "done", None, None).await,
        "children_open",
        "move epic into done",
    );
    assert!(
        !get(&store, &epic.id).await.ticket.is_resolved,
        "a refused resolve changes nothing"
    );

    store
        .resolve(ACTOR, &a1.id, None)
        .await
        .expect("resolve the grandchild");
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&a.id, &b.id]));
    store.resolve(ACTOR, &a.id, None).await.expect("resolve a");
    store.resolve(ACTOR, &b.id, None).await.expect("resolve b");
    assert_eq!(ready_ids(&store, &wf.id, None).await, vec![epic.id.clone()]);
    let detail = get(&store, &epic.id).await;
    assert_eq!((detail.progress.resolved, detail.progress.total), (3, 3));
    assert!(detail.children.iter().all(|c| c.is_resolved));
    store.resolve(ACTOR, &epic.id, None).await.expect("resolve the epic");

    // A child reopened counts again: its parent would not be ready if it reopened.
    store
        .change_status(ACTOR, &b.id, "backlog", None, None)
        .await
        .expect("reopen b");
    store
        .change_status(ACTOR, &epic.id, "backlog", None, None)
        .await
        .expect("reopen the epic");
    assert!(!ready_ids(&store, &wf.id, None).await.contains(&epic.id));

    // Forcing resolves a parent whose children are open.
    let forced = store
        .move_ticket(
            ACTOR,
            &epic.id,
            TicketMove {
                force: true,
                comment: Some("closing the epic; b moves to the next one".into()),
                ..TicketMove::default()
            },
        )
        .await
        .expect("forced resolve");
    assert!(forced.ticket.is_resolved);

    // Loops, itself, other workflows.
    expect_code(
        store
            .update_ticket(ACTOR, &epic.id, parent_patch(Some(&a1.id)), None)
            .await,
        "parent_cycle",
        "a descendant as parent",
    );
    expect_code(
        store.update_ticket(ACTOR, &a.id, parent_patch(Some(&a.id)), None).await,
        "validation_failed",
        "itself as parent",
    );
    let other = create_seed_workflow(&store, "Other").await;
    let stranger = create(&store, new_ticket(&other.id, "Elsewhere")).await;
    expect_code(
        store.create_ticket(ACTOR, child(&wf.id, "Cross", &stranger.id)).await,
        "validation_failed",
        "a parent in another workflow",
    );
    expect_code(
        store
            .update_ticket(ACTOR, &b.id, parent_patch(Some("ticket-nope")), None)
            .await,
        "ticket_not_found",
        "an unknown parent",
    );

    // Moving a ticket: open children follow it; detaching it too.
    let c = create(&store, new_ticket(&wf.id, "Loose end")).await;
    let moved = store
        .update_ticket(ACTOR, &c.id, parent_patch(Some(&a.id)), None)
        .await
        .expect("give c a parent");
    assert_eq!(moved.parent_id.as_deref(), Some(a.id.as_str()));
    assert_eq!(
        get(&store, &c.id)
            .await
            .history
            .last()
            .map(|h| h.details["changes"]["parent_id"]["to"].clone()),
        Some(serde_json::json!(a.id))
    );
    store
        .change_status(ACTOR, &a.id, "backlog", None, None)
        .await
        .expect("reopen a");
    assert!(!ready_ids(&store, &wf.id, None).await.contains(&a.id), "a waits for c");
    let filter = TicketFilter {
        parent_id: Some(a.id.clone()),
        ..TicketFilter::default()
    };
    let children = store.list_tickets(filter, None, None).await.expect("list children");
    assert_eq!(
        set(children.tickets.iter().map(|t| &t.id)),
        set([&a1.id, &c.id]),
        "listing by parent"
    );
    store
        .update_ticket(ACTOR, &c.id, parent_patch(None), None)
        .await
        .expect("detach c");
    assert!(ready_ids(&store, &wf.id, None).await.contains(&a.id), "a is free again");
    assert!(get(&store, &c.id).await.ticket.parent_id.is_none());
}
