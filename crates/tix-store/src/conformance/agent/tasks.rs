//! Tasks: created with a phase and a ticket reference, checked, listed; they
//! follow their ticket's blockers and change status by the allowed moves.

use tix_core::guardian::{Mode, Rule};
use tix_core::task::{TaskFilter, TaskStatus};

use super::{add_task, task_for, task_status, violations};
use crate::conformance::fixtures::{blocked_by, create, create_seed_workflow, expect_code, get, new_ticket};
use crate::conformance::ACTOR;
use crate::{GuardianStore, Store, TaskStore};

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
