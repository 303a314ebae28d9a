//! Conformance cases of the agent interface: tasks (and how they follow
//! their ticket's blockers) and the Guardian's violations.

use std::time::Duration;

use tix_core::guardian::{self as rules, GuardianConfig, Mode, Rule, ViolationFilter};
use tix_core::task::{NewTask, TaskFilter, TaskStatus};
use tix_core::workflow::Workflow;

use super::{blocked_by, create, create_seed_workflow, expect_code, get, new_ticket, seed_workflow, set, ACTOR};
use crate::{ClaimRequest, GuardianStore, Store, TaskStore};

fn task_for(phase_id: u32, ticket_id: &str, what: &str) -> NewTask {
    NewTask {
        description: format!("Phase {phase_id}: {what} - TICKET: {ticket_id}"),
        phase_id,
        ticket_id: ticket_id.to_string(),
        ..NewTask::default()
    }
}

async fn add_task<S: TaskStore>(store: &S, new: NewTask) -> tix_core::task::Task {
    let what = new.description.clone();
    store
        .create_task(ACTOR, new)
        .await
        .unwrap_or_else(|e| panic!("creating task '{what}' failed: {e}"))
        .task
}

async fn task_status<S: TaskStore>(store: &S, id: &str) -> TaskStatus {
    store.get_task(id).await.expect("get_task").status
}

async fn workflow_with_guardian<S: Store>(store: &S, name: &str, rules: &[(Rule, Mode)]) -> Workflow {
    let mut new = seed_workflow(None, name);
    new.guardian = GuardianConfig {
        rules: rules.iter().copied().collect(),
    };
    store.create_workflow(ACTOR, new).await.expect("create workflow")
}

async fn violations<S: GuardianStore>(store: &S, workflow_id: &str) -> Vec<tix_core::guardian::Violation> {
    store
        .guardian_violations(workflow_id, ViolationFilter::default())
        .await
        .expect("guardian_violations")
}

pub async fn tasks_create_check_and_list<S: Store + TaskStore + GuardianStore>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let other = create_seed_workflow(&store, "Other").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&infra]))
        .await
        .id;

    let created = store
        .create_task("planner", task_for(2, &infra, "Build infra"))
        .await
        .expect("create a task");
    assert!(created.violations.is_empty(), "{:?}", created.violations);
    let t1 = created.task;
    assert_eq!(created.task_id, t1.task_id);
    assert!(t1.task_id.starts_with("task-"), "{}", t1.task_id);
    assert_eq!(
        (
            t1.status,
            t1.phase_id,
            t1.ticket_id.as_str(),
            t1.workflow_id.as_str(),
            t1.created_by.as_str()
        ),
        (TaskStatus::Queued, 2, infra.as_str(), wf.id.as_str(), "planner"),
        "a task of an unblocked ticket is queued"
    );
    // The ticket may be named by a prefix; the description names it in full.
    let short = auth.trim_start_matches("ticket-")[..5].to_string();
    let mut new = task_for(2, &auth, "Build Auth System");
    new.ticket_id = short;
    new.workflow_id = Some(wf.id.clone());
    new.description.push_str(". Implement JWT login, register and refresh.");
    let t2 = add_task(&store, new).await;
    assert_eq!(t2.status, TaskStatus::Blocked, "a task of a blocked ticket is blocked");
    assert_eq!(t2.ticket_id, auth);

    // Refusals, each writing nothing.
    let err = expect_code(
        store.create_task(ACTOR, task_for(9, &infra, "Deploy")).await,
        "unknown_phase",
        "a phase the workflow lacks",
    );
    assert!(
        err.to_string().contains("1 (Create tickets), 2 (Build), 3 (Test)"),
        "{err}"
    );
    let mut wrong_workflow = task_for(2, &infra, "Build infra");
    wrong_workflow.workflow_id = Some(other.id.clone());
    let err = expect_code(
        store.create_task(ACTOR, wrong_workflow).await,
        "validation_failed",
        "a ticket of another workflow",
    );
    assert!(err.to_string().contains("must be in the task's workflow"), "{err}");
    expect_code(
        store.create_task(ACTOR, task_for(2, "ticket-nosuch", "Build")).await,
        "ticket_not_found",
        "an unknown ticket",
    );
    let mut no_reference = task_for(2, &infra, "x");
    no_reference.description = "Build the infrastructure".into();
    let err = expect_code(
        store.create_task(ACTOR, no_reference).await,
        "guardian_refused",
        "a description without the TICKET reference (enforced by default)",
    );
    assert!(err.to_string().contains("does not start with 'Phase X:'"), "{err}");
    assert!(
        err.hint().contains(&format!("Phase 2: <what to do> - TICKET: {infra}")),
        "{}",
        err.hint()
    );
    let mut wrong_ticket = task_for(2, &infra, "x");
    wrong_ticket.description = format!("Phase 2: Build infra - TICKET: {auth}");
    let err = expect_code(
        store.create_task(ACTOR, wrong_ticket).await,
        "guardian_refused",
        "a description naming another ticket",
    );
    assert!(
        err.to_string()
            .contains(&format!("references {auth} but the task is for {infra}")),
        "{err}"
    );
    let mut wrong_phase = task_for(2, &infra, "x");
    wrong_phase.description = format!("Phase 3: Test infra - TICKET: {infra}");
    expect_code(
        store.create_task(ACTOR, wrong_phase).await,
        "guardian_refused",
        "a description naming another phase",
    );

    let all = store
        .list_tasks(
            TaskFilter {
                workflow_id: Some(wf.id.clone()),
                ..TaskFilter::default()
            },
            None,
            None,
        )
        .await
        .expect("list tasks");
    assert_eq!(
        all.tasks.iter().map(|t| t.task_id.clone()).collect::<Vec<_>>(),
        vec![t1.task_id.clone(), t2.task_id.clone()],
        "refused tasks were not written; creation order"
    );
    let refusals = violations(&store, &wf.id).await;
    assert_eq!(refusals.len(), 3, "each refusal is recorded: {refusals:?}");
    assert!(refusals
        .iter()
        .all(|v| v.rule == Rule::TaskTicketReference && v.mode == Mode::Enforce && v.agent_id == ACTOR));

    let by = |filter: TaskFilter| {
        let store = store.clone();
        async move {
            store
                .list_tasks(filter, None, None)
                .await
                .expect("list tasks")
                .tasks
                .into_iter()
                .map(|t| t.task_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        by(TaskFilter {
            ticket_id: Some(auth.clone()),
            ..TaskFilter::default()
        })
        .await,
        vec![t2.task_id.clone()]
    );
    assert_eq!(
        by(TaskFilter {
            status: Some(TaskStatus::Queued),
            ..TaskFilter::default()
        })
        .await,
        vec![t1.task_id.clone()]
    );
    assert_eq!(
        by(TaskFilter {
            phase_id: Some(3),
            ..TaskFilter::default()
        })
        .await,
        Vec::<String>::new()
    );
    let page = store
        .list_tasks(TaskFilter::default(), Some(1), None)
        .await
        .expect("first page");
    assert_eq!(page.tasks.len(), 1);
    let next = store
        .list_tasks(TaskFilter::default(), Some(1), page.next_cursor.clone())
        .await
        .expect("second page");
    assert_eq!(next.tasks[0].task_id, t2.task_id);
    expect_code(
        store
            .list_tasks(
                TaskFilter {
                    workflow_id: Some("wf-nosuch".into()),
                    ..TaskFilter::default()
                },
                None,
                None,
            )
            .await,
        "workflow_not_found",
        "listing the tasks of an unknown workflow",
    );

    let detail = get(&store, &auth).await;
    assert_eq!(
        detail.tasks.iter().map(|t| t.task_id.clone()).collect::<Vec<_>>(),
        vec![t2.task_id.clone()],
        "the ticket lists its tasks"
    );
    let row = detail.history.last().expect("history");
    assert_eq!(row.action, "task_created");
    assert_eq!(row.details["task_id"], t2.task_id.as_str());
    let prefix = t2.task_id["task-".len()..][..6].to_string();
    assert_eq!(
        store.get_task(&prefix).await.map(|t| t.task_id).ok(),
        Some(t2.task_id.clone()),
        "tasks resolve from an unambiguous prefix"
    );
    expect_code(store.get_task("task-nosuch").await, "task_not_found", "an unknown task");
    assert!(
        store
            .events_after(Some(&wf.id), 0, 1000)
            .await
            .expect("events")
            .iter()
            .any(|e| e.kind == "task_created" && e.ticket_id.as_deref() == Some(&auth)),
        "task creation emits task_created"
    );
}

pub async fn tasks_follow_ticket_blocking<S: Store + TaskStore>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&infra]))
        .await
        .id;
    let api = create(&store, blocked_by(new_ticket(&wf.id, "API"), &[&auth])).await.id;
    let auth_task = add_task(&store, task_for(2, &auth, "Build auth")).await.task_id;
    let api_task = add_task(&store, task_for(2, &api, "Build API")).await.task_id;

    let change = store.resolve(ACTOR, &infra, None).await.expect("resolve infra");
    assert_eq!(change.unblocked_ticket_ids, vec![auth.clone()]);
    assert_eq!(
        change.queued_task_ids,
        vec![auth_task.clone()],
        "the resolve queues the unblocked ticket's tasks"
    );
    assert_eq!(task_status(&store, &auth_task).await, TaskStatus::Queued);
    assert_eq!(
        task_status(&store, &api_task).await,
        TaskStatus::Blocked,
        "API still waits for auth"
    );
    let row = get(&store, &auth)
        .await
        .history
        .into_iter()
        .rfind(|h| h.action == "task_status_changed")
        .expect("a task history row");
    assert_eq!(
        (row.details["from"].as_str(), row.details["to"].as_str()),
        (Some("blocked"), Some("queued"))
    );

    let change = store
        .change_status(ACTOR, &infra, "testing", Some("Regression found".into()), None)
        .await
        .expect("reopen infra");
    assert_eq!(change.reblocked_ticket_ids, vec![auth.clone()]);
    assert_eq!(change.blocked_task_ids, vec![auth_task.clone()]);
    assert_eq!(task_status(&store, &auth_task).await, TaskStatus::Blocked);
    let change = store.resolve(ACTOR, &infra, None).await.expect("resolve infra again");
    assert_eq!(change.queued_task_ids, vec![auth_task.clone()]);

    // Blockers added and removed by hand move tasks too.
    let extra = create(&store, new_ticket(&wf.id, "Secrets store")).await.id;
    store.add_blocker(ACTOR, &auth, &extra).await.expect("add blocker");
    assert_eq!(task_status(&store, &auth_task).await, TaskStatus::Blocked);
    store
        .remove_blocker(ACTOR, &auth, &extra)
        .await
        .expect("remove blocker");
    assert_eq!(task_status(&store, &auth_task).await, TaskStatus::Queued);

    // Work in progress is not taken away when the ticket blocks again.
    store
        .set_task_status("builder", &auth_task, TaskStatus::InProgress, None)
        .await
        .expect("start");
    store
        .add_blocker(ACTOR, &auth, &extra)
        .await
        .expect("add blocker again");
    assert_eq!(task_status(&store, &auth_task).await, TaskStatus::InProgress);
}

pub async fn task_status_changes<S: Store + TaskStore>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&infra]))
        .await
        .id;
    let build = add_task(&store, task_for(2, &infra, "Build infra")).await;
    let blocked = add_task(&store, task_for(2, &auth, "Build auth")).await;

    let started = store
        .set_task_status("builder", &build.task_id, TaskStatus::InProgress, None)
        .await
        .expect("start");
    assert_eq!(started.status, TaskStatus::InProgress);
    assert_eq!(
        started.assigned_agent_id.as_deref(),
        Some("builder"),
        "starting assigns"
    );
    assert!(started.started_at.is_some());
    let done = store
        .set_task_status(
            "builder",
            &build.task_id,
            TaskStatus::Done,
            Some("Built; 8 tests".into()),
        )
        .await
        .expect("finish");
    assert_eq!(done.status, TaskStatus::Done);
    assert_eq!(done.note.as_deref(), Some("Built; 8 tests"));
    assert!(done.completed_at.is_some());
    expect_code(
        store
            .set_task_status(ACTOR, &build.task_id, TaskStatus::Queued, None)
            .await,
        "task_transition_not_allowed",
        "a done task is finished",
    );
    let err = expect_code(
        store
            .set_task_status(ACTOR, &blocked.task_id, TaskStatus::InProgress, None)
            .await,
        "task_transition_not_allowed",
        "a blocked task cannot start",
    );
    assert!(err.to_string().contains("is blocked"), "{err}");
    expect_code(
        store
            .set_task_status(ACTOR, &blocked.task_id, TaskStatus::Blocked, None)
            .await,
        "task_transition_not_allowed",
        "blocked is not a target",
    );
    let failed = store
        .set_task_status(ACTOR, &blocked.task_id, TaskStatus::Failed, Some("Out of scope".into()))
        .await
        .expect("fail a blocked task");
    assert_eq!(failed.status, TaskStatus::Failed);
    let retried = store
        .set_task_status(ACTOR, &blocked.task_id, TaskStatus::Queued, None)
        .await
        .expect("retry");
    assert_eq!(
        retried.status,
        TaskStatus::Blocked,
        "re-queued while the ticket is blocked: blocked"
    );
    expect_code(
        store
            .set_task_status(ACTOR, "task-nosuch", TaskStatus::Done, None)
            .await,
        "task_not_found",
        "an unknown task",
    );
    let history = get(&store, &infra).await.history;
    let moves: Vec<(String, String)> = history
        .iter()
        .filter(|h| h.action == "task_status_changed")
        .map(|h| {
            (
                h.details["from"].as_str().unwrap_or_default().to_string(),
                h.details["to"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            ("queued".to_string(), "in_progress".to_string()),
            ("in_progress".to_string(), "done".to_string())
        ]
    );
}

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
