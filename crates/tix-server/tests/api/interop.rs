//! Hierarchy over REST and MCP, and export/import over HTTP, each on SQLite
//! and (with `TIX_TEST_POSTGRES_URL`) on PostgreSQL.

use reqwest::{Method, StatusCode};
use rmcp::model::CallToolRequestParams;
use serde_json::{json, Value};
use tix_store::conformance::seed_workflow;
use tix_store::Store;

use crate::harness::{McpClient, Server};

async fn workflow(server: &Server) -> String {
    server
        .store
        .create_workflow("human", seed_workflow(None, "Hierarchy"))
        .await
        .expect("workflow")
        .id
}

async fn ticket(server: &Server, wf: &str, title: &str, parent: Option<&str>) -> String {
    let mut body = json!({"workflow_id": wf, "title": title, "ticket_type": "component"});
    if let Some(parent) = parent {
        body["parent_id"] = json!(parent);
    }
    let created = server.post_ok("/api/tickets", body).await;
    assert_eq!(created["ticket"]["parent_id"], json!(parent), "{created}");
    created["ticket_id"].as_str().expect("id").to_string()
}

async fn tool(client: &McpClient, name: &str, args: Value) -> (bool, Value) {
    let result = client
        .peer()
        .call_tool(
            CallToolRequestParams::new(name.to_string()).with_arguments(args.as_object().cloned().unwrap_or_default()),
        )
        .await
        .expect("a tool result");
    let text = result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default();
    let value = result
        .structured_content
        .clone()
        .unwrap_or_else(|| serde_json::from_str(&text).unwrap_or(Value::String(text)));
    (result.is_error == Some(true), value)
}

async fn hierarchy_over_rest_and_mcp(server: Server) {
    let wf = workflow(&server).await;
    let epic = ticket(&server, &wf, "Checkout epic", None).await;
    let cart = ticket(&server, &wf, "Cart totals", Some(&epic)).await;
    let tax = ticket(&server, &wf, "Tax rules", Some(&cart)).await;

    // MCP: create_ticket takes parent_id; get_ticket shows the children.
    let agent = server.connect("planner", "/mcp").await;
    let (err, created) = tool(
        &agent,
        "create_ticket",
        json!({"title": "Payment", "description": "Cards", "ticket_type": "component", "parent_id": epic, "workflow_id": wf}),
    )
    .await;
    assert!(!err, "{created}");
    let payment = created["ticket_id"].as_str().expect("id").to_string();
    let (err, detail) = tool(&agent, "get_ticket", json!({"ticket_id": epic})).await;
    assert!(!err, "{detail}");
    let children: Vec<(&str, Value)> = detail["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| (c["id"].as_str().unwrap_or_default(), c["depth"].clone()))
        .collect();
    assert_eq!(
        children,
        vec![
            (cart.as_str(), Value::Null),
            (tax.as_str(), json!(2)),
            (payment.as_str(), Value::Null)
        ],
        "{detail}"
    );
    assert_eq!(detail["progress"], json!({"resolved": 0, "total": 3}));
    let (_, child) = tool(&agent, "get_ticket", json!({"ticket_id": tax})).await;
    assert_eq!(child["parent_id"], json!(cart));

    // REST: the detail lists children with states and progress.
    let (status, detail) = server.get(&format!("/api/tickets/{epic}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["progress"], json!({"resolved": 0, "total": 3}));
    assert_eq!(detail["children"][1]["id"], json!(tax));
    assert_eq!(detail["children"][1]["depth"], json!(2));
    assert_eq!(detail["children"][1]["parent_id"], json!(cart));
    assert_eq!(detail["children"][0]["status"], json!("backlog"));
    let (_, ready) = server.get(&format!("/api/workflows/{wf}/ready")).await;
    let ready: Vec<&str> = ready["tickets"]
        .as_array()
        .expect("ready")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(
        !ready.contains(&epic.as_str()) && !ready.contains(&cart.as_str()),
        "{ready:?}"
    );
    assert!(
        ready.contains(&tax.as_str()) && ready.contains(&payment.as_str()),
        "{ready:?}"
    );
    let (_, children) = server.get(&format!("/api/tickets?parent_id={epic}")).await;
    assert_eq!(children["tickets"].as_array().map(Vec::len), Some(2));

    // Resolving a parent with open children: 409 children_open, then force.
    let (status, refused) = server.post(&format!("/api/tickets/{cart}/resolve"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"]["code"], "children_open");
    assert_eq!(refused["error"]["children"][0]["id"], json!(tax));
    assert!(refused["error"]["hint"].as_str().unwrap_or_default().contains("force"));
    let (status, moved) = server
        .post(&format!("/api/tickets/{cart}/status"), json!({"new_status": "done"}))
        .await;
    assert_eq!(
        (status, moved["error"]["code"].clone()),
        (StatusCode::CONFLICT, json!("children_open"))
    );
    let (err, mcp_refused) = tool(&agent, "resolve_ticket", json!({"ticket_id": cart})).await;
    assert!(err);
    assert!(
        mcp_refused
            .as_str()
            .unwrap_or_default()
            .starts_with("error [children_open]"),
        "{mcp_refused}"
    );
    let (status, forced) = server
        .post(
            &format!("/api/tickets/{cart}/resolve"),
            json!({"force": true, "resolution_comment": "tax moves on"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{forced}");
    assert_eq!(forced["ticket"]["is_resolved"], json!(true));

    // PATCH parent_id: a loop is refused, null detaches.
    let (status, looped) = server
        .send(
            Method::PATCH,
            &format!("/api/tickets/{epic}"),
            Some(json!({"parent_id": tax})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{looped}");
    assert_eq!(looped["error"]["code"], "parent_cycle");
    let (status, detached) = server
        .send(
            Method::PATCH,
            &format!("/api/tickets/{payment}"),
            Some(json!({"parent_id": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{detached}");
    assert_eq!(detached["parent_id"], Value::Null);
    let (_, detail) = server.get(&format!("/api/tickets/{epic}")).await;
    assert_eq!(detail["progress"], json!({"resolved": 1, "total": 2}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hierarchy_on_sqlite() {
    hierarchy_over_rest_and_mcp(Server::start().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hierarchy_on_postgres() {
    if let Some(server) = Server::start_on_postgres().await {
        hierarchy_over_rest_and_mcp(server).await;
    }
}

async fn export(server: &Server, wf: &str) -> String {
    let response = server
        .http
        .get(format!("{}/api/workflows/{wf}/export", server.base))
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/x-ndjson")
    );
    response.text().await.expect("text")
}

async fn import(server: &Server, text: &str, keep_ids: bool) -> (StatusCode, Value) {
    let response = server
        .http
        .post(format!("{}/api/import?keep_ids={keep_ids}", server.base))
        .header("content-type", "application/x-ndjson")
        .header("X-Agent-ID", "importer")
        .body(text.to_string())
        .send()
        .await
        .expect("import");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Everything but the header's time.
fn body_lines(text: &str) -> Vec<&str> {
    text.lines().skip(1).collect()
}

async fn export_import_over_http(source: Server, target: Server) {
    let wf = tix_store::conformance::interop::rich_workflow(&source.store).await.id;
    let text = export(&source, &wf).await;
    let header: Value = serde_json::from_str(text.lines().next().unwrap_or_default()).expect("header");
    assert_eq!(
        (header["tix_export"].clone(), header["tickets"].clone()),
        (json!(1), json!(6))
    );

    // A cycle, and a blocker the file lacks: refused with the line, nothing written.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut third: Value = serde_json::from_str(&lines[4]).expect("a ticket line");
    third["blocked_by"] =
        json!([{"blocker_id": "ticket-notinfile", "created_by": "x", "created_at": "2025-01-01T00:00:00Z"}]);
    lines[4] = third.to_string();
    let (status, refused) = import(&target, &lines.join("\n"), true).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["code"], "import_refused");
    assert_eq!(refused["error"]["line"], json!(5));
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("ticket-notinfile"));
    let (_, workflows) = target.get("/api/workflows").await;
    assert_eq!(workflows["workflows"], json!([]), "a refused import writes nothing");

    let (status, report) = import(&target, &text, true).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["workflow_id"], json!(wf));
    assert_eq!(report["workflow_created"], json!(true));
    let again = export(&target, &wf).await;
    assert_eq!(
        body_lines(&again),
        body_lines(&text),
        "export → import → export gives the same file"
    );
    let (status, taken) = import(&target, &text, true).await;
    assert_eq!(status, StatusCode::CONFLICT, "{taken}");
    let (status, copy) = import(&target, &text, false).await;
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    assert_ne!(copy["workflow_id"], json!(wf));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_import_on_sqlite() {
    export_import_over_http(Server::start().await, Server::start().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_import_on_postgres() {
    let (Some(source), Some(target)) = (Server::start_on_postgres().await, Server::start_on_postgres().await) else {
        return;
    };
    export_import_over_http(source, target).await;
}
