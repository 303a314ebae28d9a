//! HTTP tests against a real server on port 0 over a temporary SQLite file.

use std::collections::HashSet;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tix_store::conformance::seed_board;

use crate::harness::Server;

/// The steps these tests repeat, as the agent `tester`.
trait Steps {
    /// Creates a workflow with the seed's board; returns its id.
    async fn workflow(&self) -> String;
    async fn ticket(&self, workflow: &str, title: &str, blocked_by: &[&str]) -> String;
    /// Resolves the ticket; returns the sorted ids it unblocked.
    async fn resolve(&self, id: &str) -> Vec<String>;
    async fn is_blocked(&self, id: &str) -> bool;
}

impl Steps for Server {
    async fn workflow(&self) -> String {
        let (status, body) = self
            .post(
                "/api/workflows",
                json!({"name": "Web app", "board_config": seed_board()}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().expect("workflow id").to_string()
    }

    async fn ticket(&self, workflow: &str, title: &str, blocked_by: &[&str]) -> String {
        let (status, body) = self
            .post(
                "/api/tickets",
                json!({"workflow_id": workflow, "title": title, "description": format!("{title} work"),
                       "ticket_type": "component", "blocked_by_ticket_ids": blocked_by}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["ticket_id"], body["ticket"]["id"]);
        body["ticket_id"].as_str().expect("ticket id").to_string()
    }

    async fn resolve(&self, id: &str) -> Vec<String> {
        let (status, body) = self
            .post(
                &format!("/api/tickets/{id}/resolve"),
                json!({"resolution_comment": "All tests pass."}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["ticket"]["is_resolved"], true);
        assert_eq!(body["ticket"]["status"], "done");
        let mut ids: Vec<String> = body["unblocked_ticket_ids"]
            .as_array()
            .expect("unblocked list")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect();
        ids.sort();
        ids
    }

    async fn is_blocked(&self, id: &str) -> bool {
        let (status, body) = self.get(&format!("/api/tickets/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["is_blocked"].as_bool().expect("is_blocked")
    }
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn fan_out_resolving_the_foundation_unblocks_all_components() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let infra = server.ticket(&wf, "Infrastructure", &[]).await;
    let db = server.ticket(&wf, "Database", &[&infra]).await;
    let auth = server.ticket(&wf, "Auth", &[&infra]).await;
    let workers = server.ticket(&wf, "Workers", &[&infra]).await;
    for id in [&db, &auth, &workers] {
        assert!(server.is_blocked(id).await);
    }
    let (_, ready) = server.get(&format!("/api/workflows/{wf}/ready")).await;
    assert_eq!(ready["tickets"][0]["id"], infra.as_str());
    assert_eq!(ready["tickets"][0]["unblocks_count"], 3);
    assert_eq!(server.resolve(&infra).await, sorted(&[&db, &auth, &workers]));
    for id in [&db, &auth, &workers] {
        assert!(!server.is_blocked(id).await);
    }
    let (_, ready) = server.get(&format!("/api/workflows/{wf}/ready")).await;
    assert_eq!(ready["tickets"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn chain_unblocks_one_link_at_a_time() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let infra = server.ticket(&wf, "Infrastructure", &[]).await;
    let db = server.ticket(&wf, "Database", &[&infra]).await;
    let auth = server.ticket(&wf, "Auth", &[&db]).await;
    let api = server.ticket(&wf, "API", &[&auth]).await;
    assert_eq!(server.resolve(&infra).await, vec![db.clone()]);
    assert!(server.is_blocked(&auth).await);
    assert_eq!(server.resolve(&db).await, vec![auth.clone()]);
    assert!(server.is_blocked(&api).await);
    assert_eq!(server.resolve(&auth).await, vec![api.clone()]);
    assert_eq!(server.resolve(&api).await, Vec::<String>::new());
}

#[tokio::test]
async fn tree_frontend_waits_for_both_parents() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let infra = server.ticket(&wf, "Infrastructure", &[]).await;
    let db = server.ticket(&wf, "Database", &[&infra]).await;
    let auth = server.ticket(&wf, "Auth", &[&db]).await;
    let api = server.ticket(&wf, "API", &[&db]).await;
    let front = server.ticket(&wf, "Frontend", &[&auth, &api]).await;
    assert_eq!(server.resolve(&infra).await, vec![db.clone()]);
    assert_eq!(server.resolve(&db).await, sorted(&[&auth, &api]));
    assert_eq!(server.resolve(&auth).await, Vec::<String>::new());
    assert!(server.is_blocked(&front).await);
    assert_eq!(server.resolve(&api).await, vec![front.clone()]);
    assert!(!server.is_blocked(&front).await);

    let (status, graph) = server.get(&format!("/api/tickets/{db}/graph")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(graph["nodes"].as_array().map(Vec::len), Some(5));
    assert!(graph["edges"]
        .as_array()
        .expect("edges")
        .contains(&json!({"from": db, "to": auth, "type": "blocks"})));
    assert_eq!(graph["critical_path"], json!([front]));
}

#[tokio::test]
async fn blocked_move_is_refused_with_the_blockers_and_changes_nothing() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let db = server.ticket(&wf, "Database Schema", &[]).await;
    let auth = server.ticket(&wf, "Auth System", &[&db]).await;
    let (status, body) = server
        .post(
            &format!("/api/tickets/{auth}/status"),
            json!({"new_status": "building", "comment": "Starting"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let error = &body["error"];
    assert_eq!(error["code"], "ticket_blocked");
    assert_eq!(
        error["blockers"],
        json!([{"id": db, "title": "Database Schema", "status": "backlog", "is_resolved": false}])
    );
    assert!(error["message"]
        .as_str()
        .unwrap_or_default()
        .contains("Database Schema"));
    assert!(error["hint"].as_str().unwrap_or_default().contains(&db));
    let (_, detail) = server.get(&format!("/api/tickets/{auth}")).await;
    assert_eq!(detail["status"], "backlog");
    assert_eq!(detail["version"], 1);
    assert_eq!(detail["comments"], json!([]));

    let (status, body) = server
        .post(&format!("/api/tickets/{auth}/status"), json!({"new_status": "doing"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "unknown_status");
    assert_eq!(body["error"]["allowed"][1], "building");
}

#[tokio::test]
async fn cycles_are_refused_with_their_path() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let a = server.ticket(&wf, "A", &[]).await;
    let b = server.ticket(&wf, "B", &[&a]).await;
    let c = server.ticket(&wf, "C", &[&b]).await;
    let (status, body) = server
        .post(&format!("/api/tickets/{a}/blockers"), json!({"ticket_id": c}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "dependency_cycle");
    assert_eq!(body["error"]["path"], json!([c, a, b, c]));
    let (status, body) = server
        .post(&format!("/api/tickets/{a}/blockers"), json!({"ticket_id": a}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "self_block");
    // A legal edge lands, and can be removed.
    let (status, body) = server
        .post(&format!("/api/tickets/{c}/blockers"), json!({"ticket_id": a}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["blocked_by"].as_array().map(Vec::len), Some(2));
    let (status, body) = server
        .call(
            reqwest::Method::DELETE,
            &format!("/api/tickets/{c}/blockers/{a}"),
            "t",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["blocked_by"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn list_paginates_with_cursors_and_filters() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let first = server.ticket(&wf, "first", &[]).await;
    let mut all = vec![first.clone()];
    for i in 0..6 {
        all.push(server.ticket(&wf, &format!("t{i}"), &[&first]).await);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/tickets?workflow_id={wf}&limit=3&cursor={c}"),
            None => format!("/api/tickets?workflow_id={wf}&limit=3"),
        };
        let (status, page) = server.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        seen.extend(
            page["tickets"]
                .as_array()
                .expect("tickets")
                .iter()
                .map(|t| t["id"].as_str().unwrap_or_default().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, all);
    let (_, blocked) = server
        .get(&format!("/api/tickets?workflow_id={wf}&blocked=true&limit=500"))
        .await;
    assert_eq!(blocked["tickets"].as_array().map(Vec::len), Some(6));
    let (status, body) = server.get(&format!("/api/tickets?workflow_id={wf}&limit=501")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "validation_failed");
    let (status, body) = server.get(&format!("/api/tickets?workflow={wf}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown parameter: {body}");
}

#[tokio::test]
async fn bad_input_gets_clear_errors_never_500() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let cases = vec![
        (
            "/api/tickets",
            json!({"workflow_id": wf, "title": "", "ticket_type": "component"}),
            "validation_failed",
        ),
        (
            "/api/tickets",
            json!({"workflow_id": wf, "title": "x", "ticket_type": "epic"}),
            "unknown_ticket_type",
        ),
        (
            "/api/tickets",
            json!({"workflow_id": "nope", "title": "x", "ticket_type": "bug"}),
            "workflow_not_found",
        ),
        (
            "/api/tickets",
            json!({"workflow_id": wf, "title": "x", "ticket_type": "bug", "colour": 1}),
            "validation_failed",
        ),
        (
            "/api/tickets",
            json!({"workflow_id": wf, "title": "x", "ticket_type": "bug", "blocked_by_ticket_ids": ["ticket-zzzz"]}),
            "ticket_not_found",
        ),
        (
            "/api/workflows",
            json!({"name": "x", "board_config": {"columns": [], "ticket_types": ["a"], "initial_status": "a"}}),
            "validation_failed",
        ),
    ];
    for (path, body, code) in cases {
        let (status, response) = server.post(path, body.clone()).await;
        assert!(status.is_client_error(), "{body} -> {status} {response}");
        assert_eq!(response["error"]["code"], code, "{body} -> {response}");
        assert!(!response["error"]["hint"].as_str().unwrap_or_default().is_empty());
    }
    let (_, page) = server.get(&format!("/api/tickets?workflow_id={wf}")).await;
    assert_eq!(page["tickets"], json!([]), "refused creates wrote nothing");
    let (status, body) = server.get("/api/tickets/ticket-doesnotexist").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "ticket_not_found");
    let response = server
        .http
        .post(format!("{}/api/tickets", server.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (status, body) = server.get("/api/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "route_not_found");
}

#[tokio::test]
async fn agent_header_is_recorded_and_prefixes_resolve() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let id = server.ticket(&wf, "Build Authentication System", &[]).await;
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            &format!("/api/tickets/{id}/status"),
            "agent-7",
            Some(json!({"new_status": "building", "comment": "Starting implementation"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let short = &id["ticket-".len()..id.len() - 2];
    let (status, detail) = server.get(&format!("/api/tickets/{short}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["id"], id.as_str());
    let history = detail["history"].as_array().expect("history");
    let moved = history
        .iter()
        .find(|h| h["action"] == "status_changed")
        .expect("status row");
    assert_eq!(moved["agent_id"], "agent-7");
    assert_eq!(moved["from_status"], "backlog");
    assert_eq!(moved["to_status"], "building");
    assert_eq!(moved["comment"], "Starting implementation");
    assert_eq!(detail["comments"][0]["author"], "agent-7");
    assert_eq!(history[0]["agent_id"], "tester");
}

#[tokio::test]
async fn concurrent_claims_hand_out_each_ticket_once() {
    let server = Arc::new(Server::start_as("tester").await);
    let wf = server.workflow().await;
    let tickets: Vec<Value> = (0..200)
        .map(|i| json!({"title": format!("ticket {i}"), "ticket_type": "component"}))
        .collect();
    let (status, body) = server
        .post(
            &format!("/api/workflows/{wf}/tickets/import"),
            json!({"tickets": tickets}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut tasks = Vec::new();
    for agent in 0..32 {
        let server = server.clone();
        let wf = wf.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let (status, body) = server
                    .call(
                        reqwest::Method::POST,
                        &format!("/api/workflows/{wf}/claim"),
                        &format!("agent-{agent}"),
                        None,
                    )
                    .await;
                match status {
                    StatusCode::OK => {
                        assert_eq!(body["assigned_agent_id"], format!("agent-{agent}"));
                        assert_eq!(body["status"], "building");
                        mine.push(body["id"].as_str().unwrap_or_default().to_string());
                    }
                    StatusCode::NOT_FOUND => {
                        assert_eq!(body["error"]["code"], "nothing_ready");
                        return mine;
                    }
                    other => panic!("claim failed with {other}: {body}"),
                }
            }
        }));
    }
    let mut claimed = Vec::new();
    for task in tasks {
        claimed.extend(task.await.expect("task"));
    }
    let unique: HashSet<&String> = claimed.iter().collect();
    assert_eq!(claimed.len(), 200, "every ticket claimed");
    assert_eq!(unique.len(), 200, "no ticket claimed twice");
}

#[tokio::test]
async fn if_match_writers_never_lose_an_update() {
    let server = Arc::new(Server::start_as("tester").await);
    let wf = server.workflow().await;
    let id = server.ticket(&wf, "contended", &[]).await;
    let mut tasks = Vec::new();
    for writer in 0..16 {
        let server = server.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let (_, detail) = server.get(&format!("/api/tickets/{id}")).await;
            let version = detail["version"].as_u64().expect("version");
            let tags = detail["tags"].as_array().cloned().unwrap_or_default();
            let mut tags: Vec<Value> = tags;
            tags.push(json!(format!("w{writer}")));
            let response = server
                .http
                .patch(format!("{}/api/tickets/{id}", server.base))
                .header("If-Match", version.to_string())
                .json(&json!({"tags": tags}))
                .send()
                .await
                .expect("patch");
            let status = response.status();
            let body: Value = response.json().await.expect("json");
            match status {
                StatusCode::OK => Some(format!("w{writer}")),
                StatusCode::PRECONDITION_FAILED => {
                    assert_eq!(body["error"]["code"], "stale_version");
                    None
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }));
    }
    let mut landed = Vec::new();
    for task in tasks {
        if let Some(tag) = task.await.expect("task") {
            landed.push(tag);
        }
    }
    assert!(!landed.is_empty());
    let (_, detail) = server.get(&format!("/api/tickets/{id}")).await;
    assert_eq!(detail["version"].as_u64(), Some(1 + landed.len() as u64));
    // Every landed write built on the one before it, so all its tags survive.
    let tags: HashSet<String> = detail["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t.as_str().unwrap_or_default().to_string())
        .collect();
    for tag in &landed {
        assert!(tags.contains(tag), "landed write {tag} was lost: {tags:?}");
    }
    assert_eq!(tags.len(), landed.len());
}

#[tokio::test]
async fn openapi_document_is_served_and_committed() {
    let server = Server::start_as("tester").await;
    let (status, served) = server.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(served["paths"]["/api/tickets/{ticket_id}/graph"].is_object());
    let generated = tix_server::openapi::document_json();
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    if std::env::var("UPDATE_EXPECT").is_ok() {
        std::fs::write(committed_path, &generated).expect("write docs/openapi.json");
    }
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date; run `UPDATE_EXPECT=1 cargo test -p tix-server --test api openapi` and commit it"
    );
}

#[tokio::test]
async fn tasks_follow_their_ticket_and_show_on_it() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let infra = server.ticket(&wf, "Infrastructure", &[]).await;
    let auth = server.ticket(&wf, "Auth System", &[&infra]).await;

    let description = format!("Phase 2: Build Auth System - TICKET: {auth}. JWT login, register, refresh.");
    let (status, created) = server
        .call(
            reqwest::Method::POST,
            "/api/tasks",
            "phase1",
            Some(json!({"description": description, "phase_id": 2, "ticket_id": auth})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["task"]["status"], "blocked");
    assert_eq!(created["task"]["created_by"], "phase1");
    assert!(
        created.get("violations").is_none(),
        "no violations, no field: {created}"
    );
    let task = created["task_id"].as_str().expect("task id").to_string();

    let (status, refused) = server
        .post(
            "/api/tasks",
            json!({"description": "Build auth", "phase_id": 2, "ticket_id": auth}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "guardian_refused");
    assert_eq!(refused["error"]["rule"], "task_ticket_reference");
    assert!(
        refused["error"]["hint"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("Phase 2: <what to do> - TICKET: {auth}")),
        "{refused}"
    );

    let (_, detail) = server.get(&format!("/api/tickets/{auth}")).await;
    assert_eq!(detail["tasks"][0]["task_id"], task.as_str());
    assert_eq!(
        detail["title"], "Auth System",
        "the ticket's own fields are still there"
    );

    let (status, resolved) = server.post(&format!("/api/tickets/{infra}/resolve"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resolved["queued_task_ids"], json!([task]));

    let (status, started) = server
        .call(
            reqwest::Method::POST,
            &format!("/api/tasks/{task}/status"),
            "phase2",
            Some(json!({"status": "in_progress"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(started["assigned_agent_id"], "phase2");
    let (_, listed) = server
        .get(&format!(
            "/api/tasks?workflow_id={wf}&ticket_id={auth}&status=in_progress"
        ))
        .await;
    assert_eq!(listed["tasks"][0]["task_id"], task.as_str());
    let (status, body) = server
        .post(&format!("/api/tasks/{task}/status"), json!({"status": "blocked"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "task_transition_not_allowed");
    let (status, body) = server.get("/api/tasks?state=done").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = server.get("/api/tasks/task-nosuch").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("task_not_found"))
    );
}

#[tokio::test]
async fn guardian_warnings_come_back_with_the_write_and_are_listed() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let t = server.ticket(&wf, "Auth", &[]).await;
    let (status, moved) = server
        .call(
            reqwest::Method::POST,
            &format!("/api/tickets/{t}/status"),
            "stranger",
            Some(json!({"new_status": "testing"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let rules: Vec<&str> = moved["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .filter_map(|v| v["rule"].as_str())
        .collect();
    assert_eq!(rules, vec!["move_by_non_holder", "column_skipped"]);

    let (status, report) = server.get(&format!("/api/workflows/{wf}/guardian")).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["rules"]["task_ticket_reference"], "enforce");
    assert_eq!(report["rules"]["column_skipped"], "warn");
    assert_eq!(report["violations"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["violations"][0]["agent_id"], "stranger");
    let (_, filtered) = server
        .get(&format!("/api/workflows/{wf}/guardian?rule=column_skipped"))
        .await;
    assert_eq!(filtered["violations"].as_array().map(Vec::len), Some(1));
    let (status, _) = server.get("/api/workflows/wf-nosuch/guardian").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn commits_link_by_hand_once_and_show_on_the_ticket() {
    let server = Server::start_as("tester").await;
    let wf = server.workflow().await;
    let t = server.ticket(&wf, "Auth", &[]).await;
    let body = json!({"sha": "9FCEB02D0AE598E95DC970B74767F19372D61AF8", "message": "Add JWT refresh\n\nRefs ticket-x",
                      "author": "Ada <ada@example.com>", "committed_at": "2026-01-02T03:04:05Z",
                      "files_changed": 3, "insertions": 40, "deletions": 2});
    let (status, linked) = server.post(&format!("/api/tickets/{t}/commits"), body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    assert_eq!(linked["sha"], "9fceb02d0ae598e95dc970b74767f19372d61af8");
    assert_eq!(linked["link"]["source"], "manual");
    let (status, again) = server.post(&format!("/api/tickets/{t}/commits"), body).await;
    assert_eq!((status, again["newly_linked"].as_bool()), (StatusCode::OK, Some(false)));
    let (_, detail) = server.get(&format!("/api/tickets/{t}")).await;
    let commits = detail["commits"].as_array().expect("commits");
    assert_eq!(commits.len(), 1);
    assert_eq!(commits[0]["insertions"], 40);
    assert_eq!(commits[0]["committed_at"], "2026-01-02T03:04:05Z");
    assert_eq!(
        detail["history"]
            .as_array()
            .and_then(|h| h.last())
            .map(|h| h["action"].clone()),
        Some(json!("commit_linked"))
    );
    let (status, bad) = server
        .post(&format!("/api/tickets/{t}/commits"), json!({"sha": "nope"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not a commit sha"),
        "{bad}"
    );
}
