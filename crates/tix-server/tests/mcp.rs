//! MCP over streamable HTTP against a real server on port 0: the spec's
//! three phases (tix_server::story), the size of `tools/list`, toolsets,
//! and errors an agent can act on.

use std::collections::HashMap;

use reqwest::header::{HeaderName, HeaderValue};
use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{RoleClient, ServiceExt};
use serde_json::json;
use tix_server::story::{self, Agents};
use tix_store::{SqliteStore, Store};

type Client = RunningService<RoleClient, ClientConfig>;

struct Server {
    base: String,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

/// The seed's board with its three phases.
fn seed_workflow() -> tix_core::workflow::NewWorkflow {
    serde_json::from_value(json!({
        "name": "Web app",
        "board_config": {
            "columns": [
                {"id": "backlog", "name": "📋 Backlog"}, {"id": "building", "name": "🔨 Building"},
                {"id": "building-done", "name": "✅ Built"}, {"id": "testing", "name": "🧪 Testing"},
                {"id": "testing-done", "name": "✅ Tested"}, {"id": "done", "name": "✅ Done"}
            ],
            "ticket_types": ["component", "bug", "feature"],
            "initial_status": "backlog"
        },
        "phases": [
            {"id": 1, "name": "Plan", "columns": ["backlog"]},
            {"id": 2, "name": "Build", "columns": ["backlog", "building", "building-done"]},
            {"id": 3, "name": "Test", "columns": ["building-done", "testing", "testing-done", "done"]}
        ]
    }))
    .expect("workflow JSON")
}

impl Server {
    async fn start() -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&dir.path().join("tix.db")).expect("store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(tix_server::launch(store.clone(), listener, std::future::pending()));
        Server { base, store, _dir: dir }
    }

    async fn connect(&self, agent: &str, path: &str) -> Client {
        let headers = HashMap::from([(
            HeaderName::from_static("x-agent-id"),
            HeaderValue::from_str(agent).expect("header"),
        )]);
        let config =
            StreamableHttpClientTransportConfig::with_uri(format!("{}{path}", self.base)).custom_headers(headers);
        ClientConfig::default()
            .serve(StreamableHttpClientTransport::from_config(config))
            .await
            .expect("MCP client connects")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_phases_over_http() {
    let server = Server::start().await;
    server
        .store
        .create_workflow("human", seed_workflow())
        .await
        .expect("workflow");
    let (planner, builder, tester) = (
        server.connect("planner", "/mcp").await,
        server.connect("builder", "/mcp").await,
        server.connect("tester", "/mcp").await,
    );
    story::three_phases(&Agents {
        planner: planner.peer().clone(),
        builder: builder.peer().clone(),
        tester: tester.peer().clone(),
    })
    .await;
}

/// The measured size of `tools/list` (all tools) is in the README; keep it
/// under 8 KB so every agent session starts cheaply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_list_is_small_and_toolsets_narrow_it() {
    let server = Server::start().await;
    let client = server.connect("planner", "/mcp").await;
    let tools = client.peer().list_tools(None).await.expect("tools/list");
    let bytes = serde_json::to_string(&tools).expect("encode").len();
    eprintln!("tools/list: {} tools, {bytes} bytes", tools.tools.len());
    assert_eq!(tools.tools.len(), 14);
    assert!(bytes <= 8 * 1024, "tools/list is {bytes} bytes; keep it under 8 KB");
    let names: Vec<&str> = tools.tools.iter().map(|t| t.name.as_ref()).collect();
    for spec_tool in [
        "create_ticket",
        "change_ticket_status",
        "add_ticket_comment",
        "resolve_ticket",
        "search_tickets",
        "get_ticket",
        "get_tickets",
        "get_board",
        "get_ready_tickets",
        "claim_next_ticket",
        "create_task",
        "link_commit",
    ] {
        assert!(names.contains(&spec_tool), "{spec_tool} missing from {names:?}");
    }

    let narrow = server.connect("planner", "/mcp?toolset=queue,get_ticket").await;
    let tools = narrow.peer().list_tools(None).await.expect("tools/list");
    let names: Vec<&str> = tools.tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, vec!["get_ticket", "get_ready_tickets", "claim_next_ticket"]);
    let refused = narrow
        .peer()
        .call_tool(CallToolRequestParams::new("create_ticket"))
        .await
        .expect("a tool error, not a protocol error");
    assert_eq!(refused.is_error, Some(true));
    let text = &refused.content[0].as_text().expect("text").text;
    assert!(text.contains("no tool 'create_ticket'"), "{text}");
    assert!(
        text.contains("next: Call one of: get_ticket, get_ready_tickets, claim_next_ticket."),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_say_what_to_do_next() {
    let server = Server::start().await;
    let client = server.connect("planner", "/mcp").await;
    let peer = client.peer();
    let none = story::fails(peer, "get_board", json!({})).await;
    assert!(none.starts_with("error [workflow_not_chosen]"), "{none}");
    server
        .store
        .create_workflow("human", seed_workflow())
        .await
        .expect("workflow");
    let bad = story::fails(peer, "create_ticket", json!({"title": "x", "ticket_type": "bug"})).await;
    assert!(bad.contains("missing field `description`"), "{bad}");
    assert!(bad.contains("next: create_ticket takes: "), "{bad}");
    let unknown = story::fails(peer, "get_ticket", json!({"ticket_id": "ticket-a", "verbose": true})).await;
    assert!(unknown.contains("unknown field `verbose`"), "{unknown}");
    let missing = story::fails(peer, "get_ticket", json!({"ticket_id": "ticket-nosuch"})).await;
    assert!(missing.starts_with("error [ticket_not_found]"), "{missing}");
    let no_task = story::fails(peer, "resolve_ticket", json!({})).await;
    assert!(no_task.starts_with("error [ticket_id_required]"), "{no_task}");
    // Numbers sent as strings are accepted; agent_id names the acting agent.
    let ticket = story::ok(
        peer,
        "create_ticket",
        json!({"title": "Auth", "description": "JWT", "ticket_type": "component", "agent_id": "someone-else"}),
    )
    .await;
    let id = ticket["ticket_id"].as_str().expect("id").to_string();
    let task = story::ok(
        peer,
        "create_task",
        json!({"description": format!("Phase 2: Build - TICKET: {id}"), "phase_id": "2", "ticket_id": id}),
    )
    .await;
    assert_eq!(task["phase_id"], 2);
    let detail = story::ok(peer, "get_ticket", json!({"ticket_id": id})).await;
    assert_eq!(detail["created_by"], "someone-else");
}
