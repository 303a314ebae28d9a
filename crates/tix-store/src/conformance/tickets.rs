//! Tickets: creating them (defaults, history, event, refusals), naming them by
//! id prefix, and their comments.

use tix_core::ticket::{Event, NewTicket, Priority, TicketFilter};
use tix_core::DomainError;

use super::fixtures::{
    all_events, all_tickets, blocked_by, create, create_seed_workflow, expect_code, get, new_ticket, sorted,
    with_priority,
};
use super::ACTOR;
use crate::Store;

pub async fn create_ticket_defaults_history_and_event<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let last_event = all_events(&store, None).await.last().map(|e| e.id).unwrap_or(0);
    let new = NewTicket {
        description: "Implement JWT auth with login/register/refresh".into(),
        tags: vec!["auth".into(), "backend".into()],
        ..new_ticket(&wf.id, "Build Authentication System")
    };
    let ticket = store.create_ticket("agent-1", new).await.expect("create ticket");
    assert!(
        ticket.id.starts_with("ticket-") && ticket.id.len() == "ticket-".len() + 8,
        "generated ids are ticket- + 8 characters, got {}",
        ticket.id
    );
    assert_eq!(ticket.workflow_id, wf.id);
    assert_eq!(ticket.title, "Build Authentication System");
    assert_eq!(ticket.description, "Implement JWT auth with login/register/refresh");
    assert_eq!(ticket.ticket_type, "component");
    assert_eq!(ticket.status, "backlog", "a new ticket starts in the initial status");
    assert_eq!(ticket.version, 1, "a new ticket is at version 1");
    assert_eq!(ticket.priority, Priority::Medium, "priority defaults to medium");
    assert_eq!(ticket.tags, vec!["auth", "backend"]);
    assert_eq!(ticket.created_by, "agent-1");
    assert_eq!(ticket.assigned_agent_id, None);
    assert!(!ticket.is_resolved && !ticket.is_blocked);
    assert!(ticket.blocked_by_ticket_ids.is_empty());
    assert_eq!(
        (ticket.started_at, ticket.completed_at, ticket.resolved_at),
        (None, None, None)
    );
    assert_eq!(ticket.lease_expires_at, None);

    let detail = get(&store, &ticket.id).await;
    assert_eq!(detail.ticket, ticket, "get_ticket returns what create_ticket returned");
    assert!(detail.blocked_by.is_empty() && detail.blocks.is_empty() && detail.comments.is_empty());
    assert_eq!(
        detail.history.len(),
        1,
        "one history row after create: {:?}",
        detail.history
    );
    let row = &detail.history[0];
    assert_eq!(row.action, "created");
    assert_eq!(row.agent_id, "agent-1");
    assert_eq!(row.ticket_id, ticket.id);
    assert_eq!(row.to_status.as_deref(), Some("backlog"));

    let events = store
        .events_after(Some(&wf.id), last_event, 1000)
        .await
        .expect("events_after");
    let created: Vec<&Event> = events
        .iter()
        .filter(|e| e.kind == "ticket_created" && e.ticket_id.as_deref() == Some(&ticket.id))
        .collect();
    assert_eq!(
        created.len(),
        1,
        "exactly one ticket_created event for the ticket: {events:?}"
    );
    assert_eq!(created[0].agent_id, "agent-1");
    assert_eq!(created[0].workflow_id, wf.id);

    let high = create(&store, with_priority(new_ticket(&wf.id, "Urgent"), Priority::High)).await;
    assert_eq!(high.priority, Priority::High, "an explicit priority is kept");

    let blocked = create(&store, blocked_by(new_ticket(&wf.id, "Needs auth"), &[&ticket.id])).await;
    assert!(
        blocked.is_blocked,
        "a ticket created with an unresolved blocker is blocked"
    );
    assert_eq!(blocked.blocked_by_ticket_ids, vec![ticket.id.clone()]);
    assert_eq!(blocked.status, "backlog");

    // A create answers with the ticket it wrote, not a read of it: every
    // shape of create must answer exactly what a read then returns.
    let done = create(&store, new_ticket(&wf.id, "Done first")).await;
    store.resolve(ACTOR, &done.id, None).await.expect("resolve");
    let mut shapes = vec![
        high,
        blocked,
        create(&store, blocked_by(new_ticket(&wf.id, "After done"), &[&done.id])).await,
        create(
            &store,
            blocked_by(new_ticket(&wf.id, "Two blockers"), &[&done.id, &ticket.id]),
        )
        .await,
        create(
            &store,
            NewTicket {
                assigned_agent_id: Some("agent-7".into()),
                priority: Some(Priority::Critical),
                tags: vec!["Zeta".into(), "alpha".into()],
                ..new_ticket(&wf.id, "Assigned at birth")
            },
        )
        .await,
    ];
    let parent = shapes[4].id.clone();
    shapes.push(
        create(
            &store,
            NewTicket {
                id: Some("ticket-child01".into()),
                parent_id: Some(parent[..12].to_string()),
                ..new_ticket(&wf.id, "A part of it")
            },
        )
        .await,
    );
    assert_eq!(shapes[5].parent_id.as_deref(), Some(parent.as_str()));
    assert!(shapes[2].is_ready && !shapes[3].is_ready && !shapes[4].is_ready);
    for created in shapes {
        assert_eq!(
            get(&store, &created.id).await.ticket,
            created,
            "a read returns what create returned"
        );
    }
}

pub async fn create_ticket_refusals_write_nothing<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let existing = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let tickets_before = all_tickets(&store, TicketFilter::default()).await.len();
    let events_before = all_events(&store, None).await.len();

    let mut epic = new_ticket(&wf.id, "Epic thing");
    epic.ticket_type = "epic".into();
    epic.blocked_by_ticket_ids = vec![existing.id.clone()];
    let err = expect_code(
        store.create_ticket(ACTOR, epic).await,
        "unknown_ticket_type",
        "unknown ticket type",
    );
    assert_eq!(
        err,
        DomainError::UnknownTicketType {
            ticket_type: "epic".into(),
            allowed: vec!["component".into(), "bug".into(), "feature".into()]
        }
    );
    assert!(err.to_string().contains("component, bug, feature"), "{err}");

    expect_code(
        store
            .create_ticket(ACTOR, blocked_by(new_ticket(&wf.id, "Orphan"), &["ticket-nope"]))
            .await,
        "ticket_not_found",
        "unknown blocker",
    );
    expect_code(
        store.create_ticket(ACTOR, new_ticket(&wf.id, "   ")).await,
        "validation_failed",
        "empty title",
    );
    expect_code(
        store.create_ticket(ACTOR, new_ticket("wf-missing", "Lost")).await,
        "workflow_not_found",
        "unknown workflow",
    );

    assert_eq!(
        all_tickets(&store, TicketFilter::default()).await.len(),
        tickets_before,
        "no ticket was written"
    );
    assert_eq!(
        all_events(&store, None).await.len(),
        events_before,
        "no event was written"
    );
    let detail = get(&store, &existing.id).await;
    assert!(detail.blocks.is_empty(), "no edge was written: {:?}", detail.blocks);
    assert_eq!(detail.ticket.version, 1);
}

pub async fn id_prefixes_resolve<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let with_id = |id: &str| NewTicket {
        id: Some(id.to_string()),
        ..new_ticket(&wf.id, id)
    };
    let ids = store
        .import_tickets(
            ACTOR,
            &wf.id,
            vec![with_id("ticket-aa1"), with_id("ticket-aa2"), with_id("ticket-bb7")],
        )
        .await
        .expect("import");
    assert_eq!(
        ids,
        vec!["ticket-aa1", "ticket-aa2", "ticket-bb7"],
        "import returns the ids in order"
    );

    for (input, expected) in [
        ("ticket-bb7", "ticket-bb7"),
        ("ticket-bb", "ticket-bb7"),
        ("bb", "ticket-bb7"),
        ("bb7", "ticket-bb7"),
        (" BB7 ", "ticket-bb7"),
        ("aa1", "ticket-aa1"),
        ("ticket-aa2", "ticket-aa2"),
    ] {
        let got = store
            .resolve_ticket_id(input)
            .await
            .unwrap_or_else(|e| panic!("resolve '{input}': {e}"));
        assert_eq!(got, expected, "'{input}' names {expected}");
    }
    assert_eq!(
        get(&store, "bb").await.ticket.id,
        "ticket-bb7",
        "get_ticket accepts a prefix"
    );

    for input in ["aa", "ticket-aa", "ticket-a"] {
        let err = expect_code(store.resolve_ticket_id(input).await, "ambiguous_id", input);
        let DomainError::AmbiguousId { matches, .. } = &err else {
            panic!("not AmbiguousId: {err:?}")
        };
        assert_eq!(
            sorted(matches.clone()),
            vec!["ticket-aa1", "ticket-aa2"],
            "'{input}' lists its matches"
        );
    }
    expect_code(
        store.get_ticket("aa").await,
        "ambiguous_id",
        "get_ticket with an ambiguous prefix",
    );
    for input in ["zz", "ticket-cc", "bb8"] {
        expect_code(store.resolve_ticket_id(input).await, "ticket_not_found", input);
    }
    expect_code(store.resolve_ticket_id("   ").await, "validation_failed", "empty id");

    // Blockers named twice (prefix and full id) count once.
    let twice = create(
        &store,
        blocked_by(new_ticket(&wf.id, "Twice"), &["bb", "ticket-bb7", "aa1"]),
    )
    .await;
    assert_eq!(
        twice.blocked_by_ticket_ids,
        vec!["ticket-aa1", "ticket-bb7"],
        "each blocker is listed once"
    );
    assert!(twice.is_blocked);
    store.resolve(ACTOR, "bb7", None).await.expect("resolve bb7");
    let change = store.resolve(ACTOR, "aa1", None).await.expect("resolve aa1");
    assert_eq!(
        change.unblocked_ticket_ids,
        vec![twice.id.clone()],
        "two resolves unblock a ticket with two blockers"
    );

    // An import is one transaction: a duplicate id refuses the whole batch.
    let err = expect_code(
        store
            .import_tickets(ACTOR, &wf.id, vec![with_id("ticket-cc1"), with_id("ticket-aa1")])
            .await,
        "ticket_exists",
        "import with a taken id",
    );
    assert_eq!(
        err,
        DomainError::TicketExists {
            id: "ticket-aa1".into()
        }
    );
    expect_code(
        store.resolve_ticket_id("cc1").await,
        "ticket_not_found",
        "the refused batch wrote nothing",
    );
}

pub async fn comments<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;
    let text = "Completed token generation, working on validation middleware next";
    let comment = store.add_comment("agent-a", &t, text).await.expect("add comment");
    assert_eq!(
        (
            comment.author.as_str(),
            comment.comment_text.as_str(),
            comment.ticket_id.as_str()
        ),
        ("agent-a", text, t.as_str())
    );

    let detail = get(&store, &t).await;
    assert_eq!(detail.ticket.version, 2, "a comment bumps the version");
    assert_eq!(detail.comments, vec![comment.clone()]);
    let row = detail.history.last().expect("history");
    assert_eq!((row.action.as_str(), row.agent_id.as_str()), ("commented", "agent-a"));

    expect_code(
        store.add_comment("agent-a", &t, "   ").await,
        "validation_failed",
        "empty comment",
    );
    expect_code(
        store.add_comment("agent-a", &t, "").await,
        "validation_failed",
        "empty comment",
    );
    expect_code(
        store.add_comment("agent-a", "ticket-nope", "hi").await,
        "ticket_not_found",
        "unknown ticket",
    );
    let detail = get(&store, &t).await;
    assert_eq!(
        (detail.ticket.version, detail.comments.len()),
        (2, 1),
        "refused comments write nothing"
    );

    let second = store
        .add_comment("agent-b", &t, "Database schema complete.")
        .await
        .expect("second comment");
    assert!(second.id > comment.id);

    store
        .change_status("agent-a", &t, "building", Some("Starting implementation".into()), None)
        .await
        .expect("move with a comment");
    let detail = get(&store, &t).await;
    let texts: Vec<(&str, &str)> = detail
        .comments
        .iter()
        .map(|c| (c.author.as_str(), c.comment_text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            ("agent-a", text),
            ("agent-b", "Database schema complete."),
            ("agent-a", "Starting implementation")
        ],
        "comments in order, the status-change comment included"
    );
    let row = detail.history.last().expect("history");
    assert_eq!(
        (
            row.action.as_str(),
            row.from_status.as_deref(),
            row.to_status.as_deref(),
            row.comment.as_deref()
        ),
        (
            "status_changed",
            Some("backlog"),
            Some("building"),
            Some("Starting implementation")
        )
    );

    store
        .resolve("agent-c", &t, Some("All tests pass. 12/12.".into()))
        .await
        .expect("resolve with a comment");
    let detail = get(&store, &t).await;
    let last = detail.comments.last().expect("comments");
    assert_eq!(
        (last.author.as_str(), last.comment_text.as_str()),
        ("agent-c", "All tests pass. 12/12.")
    );
    let row = detail.history.last().expect("history");
    assert_eq!(
        (row.action.as_str(), row.comment.as_deref()),
        ("resolved", Some("All tests pass. 12/12."))
    );
}
