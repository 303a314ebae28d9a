//! MCP over streamable HTTP against a real server on port 0: the spec's
//! three phases (tix_server::story), the size of `tools/list`, toolsets,
//! and errors an agent can act on.

use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::ServiceExt;
use serde_json::json;
use tix_server::auth::AuthMode;
use tix_server::story::{self, Agents};
use tix_server::ServerOptions;
use tix_store::conformance::seed_workflow;
use tix_store::{AgentStore, Store};

use crate::harness::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_phases_over_http() {
    let server = Server::start().await;
    server
        .store
        .create_workflow("human", seed_workflow(None, "Web app"))
        .await
        .expect("workflow");
    let (planner, builder, tester) = (
        server.connect("planner", "/mcp?toolset=all").await,
        server.connect("builder", "/mcp?toolset=all").await,
        server.connect("tester", "/mcp?toolset=all").await,
    );
    story::three_phases(&Agents {
        planner: planner.peer().clone(),
        builder: builder.peer().clone(),
        tester: tester.peer().clone(),
    })
    .await;
}

/// The measured size of the default `tools/list` is in the README; keep it
/// under 6 KB so every agent session starts cheaply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_list_is_small_annotated_and_toolsets_narrow_it() {
    let server = Server::start().await;
    let client = server.connect("planner", "/mcp").await;
    let tools = client.peer().list_tools(None).await.expect("tools/list");
    let bytes = serde_json::to_string(&tools).expect("encode").len();
    eprintln!(
        "tools/list (default toolset): {} tools, {bytes} bytes",
        tools.tools.len()
    );
    assert_eq!(tools.tools.len(), 11);
    assert!(bytes < 6000, "tools/list is {bytes} bytes; keep it under 6 KB");
    let names: Vec<&str> = tools.tools.iter().map(|t| t.name.as_ref()).collect();
    for spec_tool in [
        "create_ticket",
        "change_ticket_status",
        "add_ticket_comment",
        "resolve_ticket",
        "search_tickets",
        "create_task",
        "get_ticket",
        "get_board",
        "get_tasks",
        "get_ready_tickets",
        "claim_next_ticket",
    ] {
        assert!(names.contains(&spec_tool), "{spec_tool} missing from {names:?}");
    }
    assert!(
        !names.contains(&"create_workflow"),
        "admin tools are not offered by default"
    );
    for tool in &tools.tools {
        let annotations = tool.annotations.as_ref().expect("annotations");
        assert!(
            tool.title.as_deref().is_some_and(|t| !t.is_empty()),
            "{} has a title",
            tool.name
        );
        assert_eq!(annotations.open_world_hint, Some(false), "{}", tool.name);
        let reads = tool.name.starts_with("get_") || tool.name == "search_tickets";
        assert_eq!(annotations.read_only_hint == Some(true), reads, "{}", tool.name);
        if !reads {
            assert_eq!(annotations.destructive_hint, Some(false), "{}", tool.name);
        }
        let shaped = matches!(
            tool.name.as_ref(),
            "create_ticket"
                | "change_ticket_status"
                | "add_ticket_comment"
                | "resolve_ticket"
                | "claim_next_ticket"
                | "create_task"
        );
        assert_eq!(tool.output_schema.is_some(), shaped, "{} outputSchema", tool.name);
    }
    let everything = server.connect("planner", "/mcp?toolset=all").await;
    let all = everything.peer().list_tools(None).await.expect("tools/list");
    let all_bytes = serde_json::to_string(&all).expect("encode").len();
    eprintln!("tools/list (toolset all): {} tools, {all_bytes} bytes", all.tools.len());
    assert_eq!(all.tools.len(), 17);

    let narrow = server.connect("planner", "/mcp?toolset=queue,get_ticket").await;
    let tools = narrow.peer().list_tools(None).await.expect("tools/list");
    let names: Vec<&str> = tools.tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        vec![
            "get_ticket",
            "get_ready_tickets",
            "claim_next_ticket",
            "heartbeat",
            "finish_run"
        ]
    );
    let refused = narrow
        .peer()
        .call_tool(CallToolRequestParams::new("create_ticket"))
        .await
        .expect("a tool error, not a protocol error");
    assert_eq!(refused.is_error, Some(true));
    let text = &refused.content[0].as_text().expect("text").text;
    assert!(text.contains("no tool 'create_ticket'"), "{text}");
    assert!(
        text.contains("next: Call one of: get_ticket, get_ready_tickets, claim_next_ticket, heartbeat, finish_run."),
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
        .create_workflow("human", seed_workflow(None, "Web app"))
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auth_required_the_token_decides_the_agent() {
    use reqwest::{Method, StatusCode};
    let server = Server::start_with(ServerOptions {
        auth: AuthMode::Required,
        ..ServerOptions::default()
    })
    .await;
    let workflow = server
        .store
        .create_workflow("human", seed_workflow(None, "Web app"))
        .await
        .expect("workflow");
    let builder = server.store.create_agent_token("builder", false).await.expect("token");
    let admin = server
        .store
        .create_agent_token("boss", true)
        .await
        .expect("admin token");
    assert!(builder.starts_with("tix_") && builder.len() > 60, "{builder}");
    let ticket = json!({"workflow_id": workflow.id, "title": "Auth", "description": "JWT", "ticket_type": "component"});

    let (status, body) = server
        .rest(Method::GET, "/api/workflows", Some("builder"), None, None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_required"))
    );
    assert!(
        body["error"]["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("tix agent add"),
        "{body}"
    );
    let (status, _) = server.rest(Method::GET, "/api/health", None, None, None).await;
    assert_eq!(status, StatusCode::OK, "the health check stays public");
    let (status, body) = server
        .rest(Method::GET, "/api/workflows", None, Some("tix_wrong"), None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );

    let (status, created) = server
        .rest(Method::POST, "/api/tickets", None, Some(&builder), Some(ticket.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["ticket"]["created_by"], "builder",
        "the token decides the agent"
    );
    let (status, body) = server
        .rest(
            Method::POST,
            "/api/tickets",
            Some("tester"),
            Some(&builder),
            Some(ticket.clone()),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("agent_mismatch"))
    );
    let (status, created) = server
        .rest(
            Method::POST,
            "/api/tickets",
            Some("planner"),
            Some(&admin),
            Some(ticket),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["ticket"]["created_by"], "planner", "an admin may act as anyone");

    // MCP: the same rules.
    let refused = ClientConfig::default()
        .serve(StreamableHttpClientTransport::from_config(server.mcp_config(
            Some("builder"),
            None,
            "/mcp",
        )))
        .await;
    assert!(refused.is_err(), "no token, no MCP session");
    let client = ClientConfig::default()
        .serve(StreamableHttpClientTransport::from_config(server.mcp_config(
            None,
            Some(&builder),
            "/mcp",
        )))
        .await
        .expect("connects with a token");
    let made = story::ok(
        client.peer(),
        "create_ticket",
        json!({"title": "Sessions", "description": "Table", "ticket_type": "component"}),
    )
    .await;
    let id = made["ticket_id"].as_str().expect("id").to_string();
    let detail = story::ok(client.peer(), "get_ticket", json!({"ticket_id": id})).await;
    assert_eq!(detail["created_by"], "builder");
    let text = story::fails(
        client.peer(),
        "add_ticket_comment",
        json!({"ticket_id": id, "comment_text": "hi", "agent_id": "tester"}),
    )
    .await;
    assert!(text.starts_with("error [agent_mismatch]"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auth_off_the_header_is_trusted_and_a_token_still_counts() {
    use reqwest::{Method, StatusCode};
    let server = Server::start().await;
    let workflow = server
        .store
        .create_workflow("human", seed_workflow(None, "Web app"))
        .await
        .expect("workflow");
    let token = server.store.create_agent_token("builder", false).await.expect("token");
    let ticket = json!({"workflow_id": workflow.id, "title": "Auth", "description": "JWT", "ticket_type": "component"});
    let (status, created) = server
        .rest(Method::POST, "/api/tickets", Some("anyone"), None, Some(ticket.clone()))
        .await;
    assert_eq!(
        (status, created["ticket"]["created_by"].as_str()),
        (StatusCode::CREATED, Some("anyone"))
    );
    let (_, created) = server
        .rest(Method::POST, "/api/tickets", None, Some(&token), Some(ticket))
        .await;
    assert_eq!(created["ticket"]["created_by"], "builder");
    assert!(server.store.revoke_agent_token("builder").await.expect("revoke"));
    let (status, _) = server
        .rest(Method::GET, "/api/workflows", None, Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token is refused");
}

/// The spec's YAML, call for call: no claim, no task start, `ticket_id`
/// left out where the spec leaves it out. Zero tool errors, zero Guardian
/// violations recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_spec_phases_verbatim_need_no_claims_and_raise_no_warnings() {
    let server = Server::start().await;
    let workflow = server
        .store
        .create_workflow("human", seed_workflow(None, "Web app"))
        .await
        .expect("workflow");
    let (planner, builder, tester) = (
        server.connect("agent-phase1-a", "/mcp").await,
        server.connect("agent-phase2-a", "/mcp").await,
        // The phase may also come from the URL, whatever the agent is called.
        server.connect("qa-bot", "/mcp?phase=3").await,
    );
    let infra = story::spec_verbatim(&Agents {
        planner: planner.peer().clone(),
        builder: builder.peer().clone(),
        tester: tester.peer().clone(),
    })
    .await;
    let (status, report) = server.get(&format!("/api/workflows/{}/guardian", workflow.id)).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(report["violations"], json!([]), "{report}");
    let detail = server.store.get_ticket(&infra).await.expect("ticket");
    let starters: Vec<Option<&str>> = detail.tasks.iter().map(|t| t.assigned_agent_id.as_deref()).collect();
    assert_eq!(starters, [Some("agent-phase2-a"), Some("qa-bot")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_without_a_ticket_and_no_task_says_how_to_find_work() {
    let server = Server::start().await;
    server
        .store
        .create_workflow("human", seed_workflow(None, "Web app"))
        .await
        .expect("workflow");
    let client = server.connect("agent-phase3-b", "/mcp").await;
    let text = story::fails(client.peer(), "change_ticket_status", json!({"new_status": "testing"})).await;
    assert!(text.starts_with("error [ticket_id_required]"), "{text}");
    assert!(
        text.contains("no task of phase 3 is queued") && text.contains("get_tasks"),
        "{text}"
    );
}

/// An empty database: the admin toolset's create_workflow makes the board
/// the other tools then work on; a wrong-typed argument names itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_workflow_on_an_empty_database_and_field_named_type_errors() {
    let server = Server::start().await;
    let client = server.connect("planner", "/mcp?toolset=default,admin").await;
    let text = story::fails(client.peer(), "get_board", json!({})).await;
    assert!(
        text.contains("no workflow exists yet") && text.contains("create_workflow"),
        "{text}"
    );
    let made = story::ok(
        client.peer(),
        "create_workflow",
        json!({"name": "Web app", "board_config": tix_store::conformance::seed_board(),
               "phases": [{"id": 2, "name": "Build", "columns": ["backlog", "building"]}]}),
    )
    .await;
    assert_eq!(made["columns"][0], "backlog", "{made}");
    let board = story::ok(client.peer(), "get_board", json!({})).await;
    assert_eq!(board["workflow_id"], made["workflow_id"], "{board}");
    let text = story::fails(
        client.peer(),
        "create_task",
        json!({"description": "Phase 2: x - TICKET: ticket-a", "phase_id": "two", "ticket_id": "ticket-a"}),
    )
    .await;
    assert!(
        text.starts_with("error [invalid_arguments]") && text.contains("`phase_id` must be an integer"),
        "{text}"
    );
}
