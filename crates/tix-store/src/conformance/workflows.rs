//! Workflows: create, get and list; invalid boards and duplicate ids are refused.

use tix_core::DomainError;

use super::fixtures::{create, expect_code, new_ticket, seed_board, seed_workflow};
use super::ACTOR;
use crate::Store;

pub async fn workflows_create_get_list<S: Store>(store: S) {
    assert!(
        store.list_workflows().await.expect("list_workflows").is_empty(),
        "a fresh store lists no workflows"
    );

    let web = store
        .create_workflow(ACTOR, seed_workflow(Some("web-app"), "Web app"))
        .await
        .expect("create web-app");
    assert_eq!(web.id, "web-app", "an explicit id is kept");
    assert_eq!(web.name, "Web app");
    assert_eq!(web.board_config, seed_board(), "the board config round-trips");
    assert_eq!(web.phases, seed_workflow(None, "x").phases, "the phases round-trip");
    // The board leaves done and claim columns to their defaults: the answer says what they come to.
    assert_eq!(
        web.effective.done_statuses,
        vec!["done".to_string()],
        "default done: the last column"
    );
    assert_eq!(web.effective.resolve_status, "done");
    assert_eq!(
        web.effective.claim_status, "building",
        "default claim: the column after the initial one"
    );

    let other = store
        .create_workflow(ACTOR, seed_workflow(None, "Other"))
        .await
        .expect("create Other");
    assert!(
        other.id.starts_with("wf-"),
        "a generated workflow id starts with wf-, got {}",
        other.id
    );
    assert_ne!(other.id, web.id);

    assert_eq!(
        store.get_workflow("web-app").await.expect("get web-app"),
        web,
        "get returns what create returned"
    );
    assert_eq!(store.get_workflow(&other.id).await.expect("get other"), other);

    let listed: Vec<String> = store
        .list_workflows()
        .await
        .expect("list")
        .into_iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(
        listed,
        vec![other.id.clone(), web.id.clone()],
        "most recently active first"
    );

    // Activity in web-app moves it to the front.
    create(&store, new_ticket(&web.id, "Infrastructure")).await;
    let listed: Vec<String> = store
        .list_workflows()
        .await
        .expect("list")
        .into_iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(
        listed,
        vec![web.id.clone(), other.id.clone()],
        "a workflow with newer activity lists first"
    );

    expect_code(
        store.get_workflow("wf-missing").await,
        "workflow_not_found",
        "get an unknown workflow",
    );
}

pub async fn workflow_invalid_board_is_refused<S: Store>(store: S) {
    let mut bad = seed_workflow(Some("bad"), "Bad");
    bad.board_config.initial_status = "todo".into();
    let err = expect_code(
        store.create_workflow(ACTOR, bad).await,
        "validation_failed",
        "unknown initial_status",
    );
    let message = err.to_string();
    assert!(message.contains("'todo'"), "the message names the bad value: {message}");
    assert!(
        message.contains("backlog, building, building-done, testing, testing-done, done"),
        "the message lists the columns: {message}"
    );

    let mut bad_phase = seed_workflow(Some("bad-phase"), "Bad phase");
    bad_phase.phases[0].columns = vec!["review".into()];
    let err = expect_code(
        store.create_workflow(ACTOR, bad_phase).await,
        "validation_failed",
        "phase naming no column",
    );
    assert!(err.to_string().contains("'review'"), "{err}");

    let mut claim_done = seed_workflow(Some("claim-done"), "Claim into done");
    claim_done.board_config.claim_status = Some("done".into());
    expect_code(
        store.create_workflow(ACTOR, claim_done).await,
        "validation_failed",
        "claim_status is a done column",
    );

    let mut no_name = seed_workflow(Some("no-name"), "  ");
    no_name.name = "   ".into();
    expect_code(
        store.create_workflow(ACTOR, no_name).await,
        "validation_failed",
        "empty workflow name",
    );

    assert!(
        store.list_workflows().await.expect("list").is_empty(),
        "refused workflows are not stored"
    );
    expect_code(
        store.get_workflow("bad").await,
        "workflow_not_found",
        "refused workflow",
    );
}

pub async fn workflow_duplicate_id_is_refused<S: Store>(store: S) {
    store
        .create_workflow(ACTOR, seed_workflow(Some("web-app"), "Web app"))
        .await
        .expect("first create");
    let err = expect_code(
        store
            .create_workflow(ACTOR, seed_workflow(Some("web-app"), "Again"))
            .await,
        "workflow_exists",
        "duplicate workflow id",
    );
    assert_eq!(err, DomainError::WorkflowExists { id: "web-app".into() });
    assert_eq!(
        store.get_workflow("web-app").await.expect("get").name,
        "Web app",
        "the original is untouched"
    );
    assert_eq!(store.list_workflows().await.expect("list").len(), 1);
}
