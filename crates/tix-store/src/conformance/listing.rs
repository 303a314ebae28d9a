//! Listing tickets: filters and cursor pagination.

use tix_core::ticket::{NewTicket, Priority, TicketFilter};

use super::fixtures::{
    all_tickets, blocked_by, create, create_seed_workflow, expect_code, ids_of, in_workflow, new_ticket, set,
    with_priority,
};
use super::ACTOR;
use crate::Store;

pub async fn list_filters<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let other = create_seed_workflow(&store, "Other").await;
    let t1 = create(
        &store,
        NewTicket {
            tags: vec!["backend".into()],
            ..with_priority(new_ticket(&wf.id, "Infra"), Priority::Low)
        },
    )
    .await
    .id;
    let mut bug = blocked_by(with_priority(new_ticket(&wf.id, "Login bug"), Priority::High), &[&t1]);
    bug.ticket_type = "bug".into();
    bug.tags = vec!["frontend".into()];
    let t2 = create(&store, bug).await.id;
    let mut feature = new_ticket(&wf.id, "Dark mode");
    feature.ticket_type = "feature".into();
    feature.assigned_agent_id = Some("agent-a".into());
    let t3 = create(&store, feature).await.id;
    let t4 = create(
        &store,
        NewTicket {
            tags: vec!["backend".into(), "urgent".into()],
            ..with_priority(new_ticket(&wf.id, "Database"), Priority::Critical)
        },
    )
    .await
    .id;
    store
        .change_status(ACTOR, &t4, "building", None, None)
        .await
        .expect("t4 -> building");
    store.resolve(ACTOR, &t3, None).await.expect("resolve t3");
    create(&store, new_ticket(&other.id, "Elsewhere")).await;

    let base = in_workflow(&wf.id);
    let cases: Vec<(&str, TicketFilter, Vec<&String>)> = vec![
        ("no filter", base.clone(), vec![&t1, &t2, &t3, &t4]),
        (
            "status backlog",
            TicketFilter {
                status: Some("backlog".into()),
                ..base.clone()
            },
            vec![&t1, &t2],
        ),
        (
            "status building",
            TicketFilter {
                status: Some("building".into()),
                ..base.clone()
            },
            vec![&t4],
        ),
        (
            "status done",
            TicketFilter {
                status: Some("done".into()),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "type bug",
            TicketFilter {
                ticket_type: Some("bug".into()),
                ..base.clone()
            },
            vec![&t2],
        ),
        (
            "type component",
            TicketFilter {
                ticket_type: Some("component".into()),
                ..base.clone()
            },
            vec![&t1, &t4],
        ),
        (
            "priority high",
            TicketFilter {
                priority: Some(Priority::High),
                ..base.clone()
            },
            vec![&t2],
        ),
        (
            "priority medium",
            TicketFilter {
                priority: Some(Priority::Medium),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "assigned",
            TicketFilter {
                assigned_agent_id: Some("agent-a".into()),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "assigned nobody",
            TicketFilter {
                assigned_agent_id: Some("agent-z".into()),
                ..base.clone()
            },
            vec![],
        ),
        (
            "blocked",
            TicketFilter {
                blocked: Some(true),
                ..base.clone()
            },
            vec![&t2],
        ),
        (
            "not blocked",
            TicketFilter {
                blocked: Some(false),
                ..base.clone()
            },
            vec![&t1, &t3, &t4],
        ),
        (
            "resolved",
            TicketFilter {
                resolved: Some(true),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "unresolved",
            TicketFilter {
                resolved: Some(false),
                ..base.clone()
            },
            vec![&t1, &t2, &t4],
        ),
        (
            "tag backend",
            TicketFilter {
                tag: Some("backend".into()),
                ..base.clone()
            },
            vec![&t1, &t4],
        ),
        (
            "tag urgent",
            TicketFilter {
                tag: Some("urgent".into()),
                ..base.clone()
            },
            vec![&t4],
        ),
        (
            "tag unknown",
            TicketFilter {
                tag: Some("nope".into()),
                ..base.clone()
            },
            vec![],
        ),
        (
            "tag backend + backlog",
            TicketFilter {
                tag: Some("backend".into()),
                status: Some("backlog".into()),
                ..base.clone()
            },
            vec![&t1],
        ),
    ];
    for (what, filter, expected) in cases {
        let got = all_tickets(&store, filter).await;
        assert_eq!(ids_of(&got), set(expected), "filter {what}");
    }
    assert_eq!(
        all_tickets(&store, TicketFilter::default()).await.len(),
        5,
        "no filter lists every workflow"
    );
    assert_eq!(all_tickets(&store, in_workflow(&other.id)).await.len(), 1);

    let bad_status = TicketFilter {
        status: Some("qa".into()),
        ..base.clone()
    };
    expect_code(
        store.list_tickets(bad_status, None, None).await,
        "unknown_status",
        "filter by unknown status",
    );
    expect_code(
        store.list_tickets(in_workflow("wf-missing"), None, None).await,
        "workflow_not_found",
        "filter by unknown workflow",
    );
}

pub async fn list_pagination<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let mut created = Vec::new();
    for i in 0..7 {
        let mut t = new_ticket(&wf.id, &format!("Ticket {i}"));
        if i == 3 {
            t.ticket_type = "bug".into();
        }
        created.push(create(&store, t).await.id);
    }
    let filter = in_workflow(&wf.id);
    let mut seen: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor = None;
    for page_no in 0.. {
        assert!(page_no < 10, "pagination does not end");
        let page = store
            .list_tickets(filter.clone(), Some(3), cursor)
            .await
            .expect("list page");
        sizes.push(page.tickets.len());
        seen.extend(page.tickets.into_iter().map(|t| t.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, vec![3, 3, 1], "7 tickets in pages of 3");
    assert_eq!(seen.len(), set(&seen).len(), "no ticket appears twice: {seen:?}");
    assert_eq!(set(&seen), set(&created), "every ticket appears");
    let whole: Vec<String> = store
        .list_tickets(filter.clone(), Some(500), None)
        .await
        .expect("one page")
        .tickets
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(seen, whole, "pages follow the same order as one big page");

    // Exactly two full pages: the second says it is the last.
    let components = TicketFilter {
        ticket_type: Some("component".into()),
        ..filter.clone()
    };
    let first = store
        .list_tickets(components.clone(), Some(3), None)
        .await
        .expect("page 1");
    assert_eq!(first.tickets.len(), 3);
    let second = store
        .list_tickets(components, Some(3), first.next_cursor.clone())
        .await
        .expect("page 2");
    assert_eq!(second.tickets.len(), 3);
    assert_eq!(second.next_cursor, None, "a page that ends the list has no next_cursor");
    assert!(
        second.tickets.iter().all(|t| t.ticket_type == "component"),
        "filters hold across pages"
    );

    expect_code(
        store
            .list_tickets(filter.clone(), Some(3), Some("garbage".into()))
            .await,
        "validation_failed",
        "bad cursor",
    );
    expect_code(
        store.list_tickets(filter.clone(), Some(0), None).await,
        "validation_failed",
        "limit 0",
    );
    expect_code(
        store.list_tickets(filter, Some(501), None).await,
        "validation_failed",
        "limit over the maximum",
    );
}
