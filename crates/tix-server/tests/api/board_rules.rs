//! What the web UI reads instead of keeping its own copy of the rules: the
//! board's effective done and claim columns, `is_ready` on tickets, the
//! recent past of the event log, and the critical path on its own.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::Server;

async fn is_ready(server: &Server, id: &str) -> bool {
    let (status, body) = server.get(&format!("/api/tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["is_ready"].as_bool().expect("is_ready on the detail")
}

#[tokio::test]
async fn workflows_answer_their_effective_rules() {
    let server = Server::start_as("agent-a").await;
    let wf = server.seed_workflow("Rules").await;
    let (status, one) = server.get(&format!("/api/workflows/{wf}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        one["board_config"]["done_statuses"].is_null(),
        "the board left them to defaults"
    );
    assert_eq!(
        one["effective"],
        json!({"done_statuses": ["done"], "resolve_status": "done", "claim_status": "building"})
    );

    let custom = server
        .post_ok(
            "/api/workflows",
            json!({"name": "Custom", "board_config": {
                "columns": [{"id": "todo", "name": "To do"}, {"id": "doing", "name": "Doing"},
                            {"id": "review", "name": "Review"}, {"id": "shipped", "name": "Shipped"}],
                "ticket_types": ["task"], "initial_status": "todo",
                "done_statuses": ["review", "shipped"], "claim_status": "doing"}}),
        )
        .await;
    assert_eq!(custom["effective"]["done_statuses"], json!(["review", "shipped"]));
    assert_eq!(
        custom["effective"]["resolve_status"], "review",
        "the first done column in board order"
    );
    let (_, list) = server.get("/api/workflows").await;
    let listed: Vec<&Value> = list["workflows"].as_array().expect("workflows").iter().collect();
    assert!(
        listed.iter().all(|w| w["effective"]["claim_status"].is_string()),
        "{list}"
    );
}

#[tokio::test]
async fn tickets_say_whether_they_are_ready() {
    let server = Server::start_as("agent-a").await;
    let wf = server.seed_workflow("Rules").await;
    let db = server.component(&wf, "Database", &[]).await;
    let api = server.component(&wf, "API", &[&db]).await;
    assert!(is_ready(&server, &db).await);
    assert!(!is_ready(&server, &api).await, "blocked");

    let (_, page) = server.get(&format!("/api/tickets?workflow_id={wf}")).await;
    let flags: Vec<(String, bool)> = page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap_or_default().to_string(),
                t["is_ready"] == json!(true),
            )
        })
        .collect();
    assert!(
        flags.contains(&(db.clone(), true)) && flags.contains(&(api.clone(), false)),
        "{flags:?}"
    );

    let (status, claimed) = server.post(&format!("/api/workflows/{wf}/claim"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert!(!is_ready(&server, &db).await, "claimed: held and started");
    let (status, resolved) = server.post(&format!("/api/tickets/{db}/resolve"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{resolved}");
    assert!(is_ready(&server, &api).await, "its blocker resolved, it is offered now");
    assert!(!is_ready(&server, &db).await, "resolved");
}

#[tokio::test]
async fn the_latest_events_page_backwards() {
    let server = Server::start_as("agent-a").await;
    let wf = server.seed_workflow("Rules").await;
    for title in ["One", "Two", "Three"] {
        server.component(&wf, title, &[]).await;
    }
    let (_, all) = server.get(&format!("/api/events?workflow_id={wf}&after=0")).await;
    let all = all["events"].as_array().expect("events").clone();
    assert_eq!(all.len(), 4, "workflow_created and three ticket_created");

    let (status, latest) = server.get(&format!("/api/events?workflow_id={wf}&latest=2")).await;
    assert_eq!(status, StatusCode::OK, "{latest}");
    assert_eq!(
        latest["events"].as_array().expect("events"),
        &all[2..].to_vec(),
        "the newest two, oldest first"
    );
    let first = latest["events"][0]["id"].as_i64().expect("id");
    let (_, before) = server
        .get(&format!("/api/events?workflow_id={wf}&before={first}&latest=10"))
        .await;
    assert_eq!(
        before["events"].as_array().expect("events"),
        &all[..2].to_vec(),
        "the page before"
    );

    let (status, refused) = server
        .get(&format!("/api/events?workflow_id={wf}&after=1&latest=2"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["code"], "validation_failed");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("one or the other"));
}

#[tokio::test]
async fn the_critical_path_comes_alone_with_titles() {
    let server = Server::start_as("agent-a").await;
    let wf = server.seed_workflow("Rules").await;
    let infra = server.component(&wf, "Infrastructure", &[]).await;
    let db = server.component(&wf, "Database", &[&infra]).await;
    let api = server.component(&wf, "API", &[&db]).await;
    server.component(&wf, "Docs", &[]).await;

    let (status, path) = server.get(&format!("/api/workflows/{wf}/critical-path")).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(path["critical_path"], json!([infra, db, api]));
    let titles: Vec<&str> = path["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .filter_map(|t| t["title"].as_str())
        .collect();
    assert_eq!(titles, ["Infrastructure", "Database", "API"]);
    let (_, graph) = server
        .get(&format!("/api/workflows/{wf}/graph?include_resolved=false"))
        .await;
    assert_eq!(graph["critical_path"], path["critical_path"], "the graph agrees");

    let (status, missing) = server.get("/api/workflows/wf-nope/critical-path").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    assert_eq!(missing["error"]["code"], "workflow_not_found");
}
