//! The Guardian: its move rules, its modes (off, warn, enforce), idle leases,
//! and the findings a caller makes judged in the create's transaction.

use std::time::Duration;

use tix_core::guardian::{self as rules, Mode, Rule, ViolationFilter};
use tix_core::task::{NewTask, TaskStatus};

use super::{add_task, task_for, violations, workflow_with_guardian};
use crate::conformance::fixtures::{create, create_seed_workflow, expect_code, get, new_ticket, set};
use crate::conformance::ACTOR;
use crate::{ClaimRequest, GuardianStore, Store, TaskStore};

pub async fn guardian_move_rules<S: Store + TaskStore + GuardianStore>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = store
        .create_ticket("planner", new_ticket(&wf.id, "Auth"))
        .await
        .expect("create")
        .id;

    // move_by_non_holder: a stranger moves it (warn: the move goes through).
    let change = store
        .change_status("stranger", &t, "building", None, None)
        .await
        .expect("a warned move succeeds");
    assert_eq!(change.ticket.status, "building");
    assert_eq!(
        change.violations.iter().map(|v| v.rule).collect::<Vec<_>>(),
        vec![Rule::MoveByNonHolder]
    );
    let v = &change.violations[0];
    assert_eq!(
        (
            v.mode,
            v.agent_id.as_str(),
            v.object_kind.as_str(),
            v.object_id.as_str()
        ),
        (Mode::Warn, "stranger", "ticket", t.as_str())
    );
    assert!(v.fix.contains("Claim the ticket first"), "{}", v.fix);
    // The creator, the holder and humans pass.
    let change = store
        .change_status("planner", &t, "building-done", None, None)
        .await
        .expect("creator moves");
    assert!(change.violations.is_empty(), "{:?}", change.violations);
    let change = store
        .change_status("human", &t, "building", None, None)
        .await
        .expect("human moves");
    assert!(change.violations.is_empty());

    // column_skipped: building -> testing-done skips two columns.
    let change = store
        .change_status("planner", &t, "testing-done", None, None)
        .await
        .expect("skip");
    assert_eq!(change.violations.len(), 1);
    assert_eq!(change.violations[0].rule, Rule::ColumnSkipped);
    assert!(
        change.violations[0].message.contains("skipping building-done, testing"),
        "{}",
        change.violations[0].message
    );
    // Moving back and resolving never count as skipping.
    let change = store
        .change_status("planner", &t, "backlog", None, None)
        .await
        .expect("back");
    assert!(change.violations.is_empty());
    let change = store.resolve("planner", &t, None).await.expect("resolve");
    assert!(change.violations.is_empty(), "{:?}", change.violations);

    // phase_column: a phase-2 agent (task in progress) moves into phase 3's column.
    let u = create(&store, new_ticket(&wf.id, "API")).await.id;
    let task = add_task(&store, task_for(2, &u, "Build API")).await;
    store
        .set_task_status("builder", &task.task_id, TaskStatus::InProgress, None)
        .await
        .expect("start task");
    for to in ["building", "building-done"] {
        let change = store
            .change_status("builder", &u, to, None, None)
            .await
            .expect("builder moves within phase 2");
        assert!(change.violations.is_empty(), "{to}: {:?}", change.violations);
    }
    let change = store.resolve("builder", &u, None).await.expect("builder resolves");
    assert_eq!(
        change.violations.iter().map(|v| v.rule).collect::<Vec<_>>(),
        vec![Rule::PhaseColumn]
    );
    assert!(
        change.violations[0].message.contains("phase 3 (Test)"),
        "{}",
        change.violations[0].message
    );

    let recorded = violations(&store, &wf.id).await;
    assert_eq!(
        recorded.iter().map(|v| v.rule).collect::<Vec<_>>(),
        vec![Rule::MoveByNonHolder, Rule::ColumnSkipped, Rule::PhaseColumn],
        "warnings are recorded in order"
    );
    let only = store
        .guardian_violations(
            &wf.id,
            ViolationFilter {
                agent_id: Some("builder".into()),
                ..ViolationFilter::default()
            },
        )
        .await
        .expect("filter by agent");
    assert_eq!(only.len(), 1);
    let after = store
        .guardian_violations(
            &wf.id,
            ViolationFilter {
                rule: Some(Rule::ColumnSkipped),
                ..ViolationFilter::default()
            },
        )
        .await
        .expect("filter by rule");
    assert_eq!(after.len(), 1);
    expect_code(
        store.guardian_violations("wf-nosuch", ViolationFilter::default()).await,
        "workflow_not_found",
        "violations of an unknown workflow",
    );
}

pub async fn guardian_modes<S: Store + TaskStore + GuardianStore>(store: S) {
    // enforce: the move is refused and changes nothing; the refusal is recorded.
    let strict = workflow_with_guardian(&store, "Strict", &[(Rule::ColumnSkipped, Mode::Enforce)]).await;
    let t = create(&store, new_ticket(&strict.id, "Auth")).await;
    let err = expect_code(
        store.change_status(ACTOR, &t.id, "testing", None, None).await,
        "guardian_refused",
        "an enforced rule refuses",
    );
    assert!(err.to_string().contains("column_skipped"), "{err}");
    assert!(err.hint().contains("the next column is 'building'"), "{}", err.hint());
    let after = get(&store, &t.id).await;
    assert_eq!(
        (after.ticket.status.as_str(), after.ticket.version),
        ("backlog", t.version)
    );
    let recorded = violations(&store, &strict.id).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        (recorded[0].rule, recorded[0].mode),
        (Rule::ColumnSkipped, Mode::Enforce)
    );

    // off: nothing is reported.
    let lax = workflow_with_guardian(&store, "Lax", &[(Rule::MoveByNonHolder, Mode::Off)]).await;
    let u = create(&store, new_ticket(&lax.id, "API")).await.id;
    let change = store
        .change_status("stranger", &u, "building", None, None)
        .await
        .expect("move");
    assert!(change.violations.is_empty());
    assert!(violations(&store, &lax.id).await.is_empty());

    // warn on the task format: the task is created and the violation returned.
    let loose = workflow_with_guardian(&store, "Loose", &[(Rule::TaskTicketReference, Mode::Warn)]).await;
    let w = create(&store, new_ticket(&loose.id, "Workers")).await.id;
    let created = store
        .create_task(
            ACTOR,
            NewTask {
                description: "Build the workers".into(),
                phase_id: 2,
                ticket_id: w.clone(),
                ..NewTask::default()
            },
        )
        .await
        .expect("created with a warning");
    assert_eq!(created.violations.len(), 1);
    assert_eq!(
        (created.violations[0].rule, created.violations[0].object_id.as_str()),
        (Rule::TaskTicketReference, created.task_id.as_str())
    );
    assert_eq!(violations(&store, &loose.id).await.len(), 1);
}

pub async fn guardian_lease_idle<S: Store + GuardianStore>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;
    store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "sleepy".into(),
            ticket_id: None,
            lease: Some(Duration::ZERO),
            phase_id: None,
        })
        .await
        .expect("claim");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(store.expire_leases().await.expect("expire"), vec![t.clone()]);
    let recorded = violations(&store, &wf.id).await;
    assert_eq!(recorded.len(), 1);
    let v = &recorded[0];
    assert_eq!(
        (v.rule, v.agent_id.as_str(), v.object_id.as_str()),
        (Rule::LeaseIdle, "sleepy", t.as_str())
    );
    assert_eq!(set([v.mode.as_str()]), set(["warn"]));
}

/// Findings the caller made about a new ticket (the duplicate rule needs
/// the search session) are judged in the create's transaction.
pub async fn guardian_judges_findings_on_create<S: Store + GuardianStore>(store: S) {
    let duplicate = || {
        vec![rules::duplicate_ticket(
            "Login crash",
            "ticket-older",
            "Login crashes",
            0.95,
        )]
    };
    // warn (the default): created; the violation names the new ticket.
    let wf = create_seed_workflow(&store, "Web app").await;
    let created = store
        .create_ticket_judged("hasty", new_ticket(&wf.id, "Login crash"), duplicate())
        .await
        .expect("created with a warning");
    assert_eq!(created.violations.len(), 1);
    let v = &created.violations[0];
    assert_eq!(
        (
            v.rule,
            v.mode,
            v.agent_id.as_str(),
            v.object_kind.as_str(),
            v.object_id.as_str()
        ),
        (
            Rule::DuplicateTicket,
            Mode::Warn,
            "hasty",
            "ticket",
            created.ticket.id.as_str()
        )
    );
    assert_eq!(v.details["similar_ticket_id"], "ticket-older");
    assert_eq!(get(&store, &created.ticket.id).await.ticket.title, "Login crash");
    assert_eq!(violations(&store, &wf.id).await.len(), 1);
    // No findings: a plain create.
    let plain = store
        .create_ticket_judged("careful", new_ticket(&wf.id, "Dark mode"), Vec::new())
        .await
        .expect("plain create");
    assert!(plain.violations.is_empty());
    assert_eq!(violations(&store, &wf.id).await.len(), 1);

    // enforce: refused, nothing created, the refusal recorded.
    let strict = workflow_with_guardian(&store, "Strict", &[(Rule::DuplicateTicket, Mode::Enforce)]).await;
    let err = expect_code(
        store
            .create_ticket_judged("hasty", new_ticket(&strict.id, "Login crash"), duplicate())
            .await,
        "guardian_refused",
        "an enforced duplicate_ticket refuses the create",
    );
    assert!(err.to_string().contains("without a search first"), "{err}");
    assert!(err.hint().contains("search_tickets"), "{}", err.hint());
    let page = store
        .list_tickets(
            tix_core::ticket::TicketFilter {
                workflow_id: Some(strict.id.clone()),
                ..Default::default()
            },
            None,
            None,
        )
        .await
        .expect("list");
    assert!(page.tickets.is_empty(), "a refused create writes no ticket");
    let recorded = violations(&store, &strict.id).await;
    assert_eq!(
        recorded.iter().map(|v| (v.rule, v.mode)).collect::<Vec<_>>(),
        [(Rule::DuplicateTicket, Mode::Enforce)]
    );

    // off: created, nothing recorded.
    let lax = workflow_with_guardian(&store, "Lax", &[(Rule::DuplicateTicket, Mode::Off)]).await;
    let created = store
        .create_ticket_judged("hasty", new_ticket(&lax.id, "Login crash"), duplicate())
        .await
        .expect("created");
    assert!(created.violations.is_empty());
    assert!(violations(&store, &lax.id).await.is_empty());
}
