//! The spec's three phases, played by three MCP clients (feature `story`),
//! so every transport runs the same story: HTTP in `tests/mcp.rs`, stdio
//! (the built binary) in the `tix` crate's tests.
//!
//! Phase 1 searches, then creates tickets with blockers and their phase-2
//! tasks; phase 2 moves a ticket building → building-done with comments
//! and creates its phase-3 task; phase 3 tests and resolves it. The story
//! asserts the unblocks, the task state changes and the history, and that
//! agents who follow the conventions get no Guardian warnings.

use rmcp::model::CallToolRequestParams;
use rmcp::service::Peer;
use rmcp::RoleClient;
use serde_json::{json, Map, Value};

/// The three agents' connections, each already identified as its agent.
pub struct Agents {
    pub planner: Peer<RoleClient>,
    pub builder: Peer<RoleClient>,
    pub tester: Peer<RoleClient>,
}

/// A tool's answer: the parsed JSON (Guardian warnings included), or the
/// error text.
pub async fn answer(peer: &Peer<RoleClient>, tool: &str, args: Value) -> Result<Value, String> {
    let args: Map<String, Value> = match args {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let result = peer
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("{tool}: the MCP call failed: {e}"));
    let text = result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    if result.is_error == Some(true) {
        return Err(text);
    }
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{tool} answered non-JSON ({e}): {text}"));
    let shape = crate::mcp::tools::TOOLS
        .iter()
        .find(|t| t.name == tool)
        .and_then(|t| t.output)
        .map(|shape| shape());
    match (&result.structured_content, shape) {
        (Some(structured), Some(shape)) => {
            assert_eq!(structured, &value, "{tool}: structuredContent and the text differ");
            if let Err(problem) = conforms(&value, &shape) {
                panic!("{tool}: the answer does not match its outputSchema: {problem}\n{value}");
            }
        }
        (None, None) => {}
        (structured, shape) => panic!(
            "{tool}: structuredContent {} but outputSchema {}",
            if structured.is_some() { "sent" } else { "missing" },
            if shape.is_some() { "declared" } else { "not declared" }
        ),
    }
    Ok(value)
}

/// Whether `value` has the required keys and the property types of
/// `shape` (the subset of JSON Schema the tools' output shapes use).
fn conforms(value: &Value, shape: &Value) -> Result<(), String> {
    let fits = |v: &Value, t: &str| match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    };
    let object = value.as_object().ok_or("not an object")?;
    for key in shape["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(key) {
            return Err(format!("required '{key}' is missing"));
        }
    }
    for (key, v) in object {
        // Fields beyond the shape are allowed (the schema does not close it).
        let Some(property) = shape["properties"].get(key) else {
            continue;
        };
        if let Some(t) = property["type"].as_str() {
            if !fits(v, t) {
                return Err(format!("'{key}' is not a {t}: {v}"));
            }
        }
    }
    Ok(())
}

/// A tool's answer, as [`answer`], from an agent that follows the
/// conventions: it must get no Guardian warnings.
pub async fn call(peer: &Peer<RoleClient>, tool: &str, args: Value) -> Result<Value, String> {
    let value = answer(peer, tool, args).await?;
    assert!(
        value.get("guardian_warnings").is_none(),
        "{tool}: a well-behaved agent got Guardian warnings: {value}"
    );
    Ok(value)
}

/// Calls a tool that must succeed.
pub async fn ok(peer: &Peer<RoleClient>, tool: &str, args: Value) -> Value {
    call(peer, tool, args)
        .await
        .unwrap_or_else(|e| panic!("{tool} failed: {e}"))
}

/// Calls a tool that must fail; returns the error text.
pub async fn fails(peer: &Peer<RoleClient>, tool: &str, args: Value) -> String {
    match call(peer, tool, args).await {
        Ok(value) => panic!("{tool} should have failed, answered {value}"),
        Err(text) => text,
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no '{key}' in {v}"))
        .to_string()
}

/// History of a ticket as (action, agent) pairs.
fn history(detail: &Value) -> Vec<(String, String)> {
    detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| (text(h, "action"), text(h, "agent_id")))
        .collect()
}

fn contains_in_order(haystack: &[(String, String)], needles: &[(&str, &str)]) -> bool {
    let mut rest = haystack.iter();
    needles
        .iter()
        .all(|(action, by)| rest.any(|(a, b)| a == action && b == by))
}

/// Runs the story in the only workflow there is, which must have the
/// seed's board (backlog, building, building-done, testing, testing-done,
/// done) and phases 1-3.
pub async fn three_phases(agents: &Agents) {
    let Agents {
        planner,
        builder,
        tester,
    } = agents;

    // ------------------------------------------------------------ phase 1
    let board = ok(planner, "get_board", json!({})).await;
    let columns: Vec<&str> = board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(
        columns,
        [
            "backlog",
            "building",
            "building-done",
            "testing",
            "testing-done",
            "done"
        ]
    );
    let found = ok(
        planner,
        "search_tickets",
        json!({"query": "database schema", "search_type": "hybrid"}),
    )
    .await;
    // Hybrid where the server loaded the embedding model, keyword otherwise.
    let semantic = found["semantic_available"].as_bool().unwrap_or(false);
    assert_eq!(found["search_type_used"], if semantic { "hybrid" } else { "keyword" });
    assert_eq!(found["results"], json!([]), "nothing exists yet");

    let db = ok(
        planner,
        "create_ticket",
        json!({"title": "Database Schema", "description": "Users and sessions tables", "ticket_type": "component"}),
    )
    .await;
    let db = text(&db, "ticket_id");
    let auth = ok(
        planner,
        "create_ticket",
        json!({"title": "Build Authentication System", "description": "Implement JWT auth with login/register/refresh",
               "ticket_type": "component", "blocked_by_ticket_ids": [db]}),
    )
    .await;
    assert_eq!(auth["is_blocked"], true);
    let auth = text(&auth, "ticket_id");
    let api = ok(
        planner,
        "create_ticket",
        json!({"title": "API Endpoints", "description": "REST endpoints behind auth", "ticket_type": "component",
               "blocked_by_ticket_ids": [auth], "priority": "high", "tags": ["api"]}),
    )
    .await;
    let api = text(&api, "ticket_id");
    let found = ok(planner, "search_tickets", json!({"query": "authentication JWT"})).await;
    assert_eq!(
        found["results"][0]["id"],
        auth.as_str(),
        "search finds the auth ticket: {found}"
    );

    let mut phase2 = Vec::new();
    for (ticket, what) in [
        (&db, "Build Database Schema"),
        (&auth, "Build Auth System"),
        (&api, "Build API"),
    ] {
        let task = ok(
            planner,
            "create_task",
            json!({"description": format!("Phase 2: {what} - TICKET: {ticket}"), "phase_id": 2, "ticket_id": ticket}),
        )
        .await;
        phase2.push((text(&task, "task_id"), text(&task, "status")));
    }
    let statuses: Vec<&str> = phase2.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        statuses,
        ["queued", "blocked", "blocked"],
        "tasks of blocked tickets wait"
    );
    let refused = fails(
        planner,
        "create_task",
        json!({"description": "Build the database", "phase_id": 2, "ticket_id": db}),
    )
    .await;
    assert!(refused.starts_with("error [guardian_refused]"), "{refused}");
    assert!(
        refused.contains(&format!(
            "next: Write the description as 'Phase 2: <what to do> - TICKET: {db}'"
        )),
        "{refused}"
    );
    let unknown = fails(
        planner,
        "create_ticket",
        json!({"title": "x", "description": "y", "ticket_type": "epic"}),
    )
    .await;
    assert!(
        unknown.contains("next: Use one of: component, bug, feature."),
        "{unknown}"
    );

    // ------------------------------------------------------------ phase 2
    let queued = ok(builder, "get_tasks", json!({"phase_id": 2, "status": "queued"})).await;
    assert_eq!(queued["tasks"].as_array().map(Vec::len), Some(1));
    let db_task = text(&queued["tasks"][0], "task_id");
    assert_eq!(db_task, phase2[0].0);
    let started = ok(
        builder,
        "update_task",
        json!({"task_id": db_task, "status": "in_progress"}),
    )
    .await;
    assert_eq!(started["assigned_agent_id"], "builder");
    // No ticket_id: the ticket of the builder's task.
    let moved = ok(
        builder,
        "change_ticket_status",
        json!({"new_status": "building", "comment": "Starting implementation"}),
    )
    .await;
    assert_eq!(
        (moved["ticket_id"].as_str(), moved["status"].as_str()),
        (Some(db.as_str()), Some("building"))
    );
    let blocked = fails(
        builder,
        "change_ticket_status",
        json!({"ticket_id": auth, "new_status": "building"}),
    )
    .await;
    assert!(blocked.starts_with("error [ticket_blocked]"), "{blocked}");
    assert!(
        blocked.contains(&format!("{db} [building] Database Schema")),
        "{blocked}"
    );
    assert!(blocked.contains("get_ticket"), "{blocked}");
    let unknown = fails(builder, "change_ticket_status", json!({"new_status": "built"})).await;
    assert!(
        unknown.contains("backlog, building, building-done, testing, testing-done, done"),
        "{unknown}"
    );
    ok(
        builder,
        "add_ticket_comment",
        json!({"comment_text": "Completed the users table, working on sessions next"}),
    )
    .await;
    let linked = ok(
        builder,
        "link_commit",
        json!({"commit_sha": "9fceb02d0ae598e95dc970b74767f19372d61af8", "commit_message": "Add users table\n\nTICKET: x"}),
    )
    .await;
    assert_eq!(linked["newly_linked"], true);
    ok(
        builder,
        "change_ticket_status",
        json!({"new_status": "building-done", "comment": "Implementation complete. 8 test cases added."}),
    )
    .await;
    let phase3 = ok(
        builder,
        "create_task",
        json!({"description": format!("Phase 3: Test Database Schema - TICKET: {db}"), "phase_id": 3, "ticket_id": db}),
    )
    .await;
    assert_eq!(phase3["status"], "queued");
    let phase3 = text(&phase3, "task_id");
    let done = ok(builder, "update_task", json!({"status": "done", "comment": "Built"})).await;
    assert_eq!(
        (done["task_id"].as_str(), done["status"].as_str()),
        (Some(db_task.as_str()), Some("done"))
    );

    // ------------------------------------------------------------ phase 3
    ok(
        tester,
        "update_task",
        json!({"task_id": phase3, "status": "in_progress"}),
    )
    .await;
    ok(tester, "change_ticket_status", json!({"new_status": "testing"})).await;
    let resolved = ok(
        tester,
        "resolve_ticket",
        json!({"resolution_comment": "All tests pass. 12/12 tests passing."}),
    )
    .await;
    assert_eq!(resolved["status"], "done");
    assert_eq!(resolved["is_resolved"], true);
    assert_eq!(
        resolved["unblocked_ticket_ids"],
        json!([auth]),
        "resolving unblocks auth"
    );
    assert_eq!(
        resolved["queued_task_ids"],
        json!([phase2[1].0]),
        "auth's phase-2 task is queued"
    );
    ok(tester, "update_task", json!({"status": "done"})).await;

    // ------------------------------------------------------------ what it left behind
    let auth_detail = ok(tester, "get_ticket", json!({"ticket_id": auth})).await;
    assert_eq!(auth_detail["is_blocked"], false);
    assert_eq!(auth_detail["tasks"][0]["status"], "queued");
    let auth_history = history(&auth_detail);
    assert!(
        contains_in_order(
            &auth_history,
            &[
                ("created", "planner"),
                ("task_created", "planner"),
                ("unblocked", "tester"),
                ("task_status_changed", "tester")
            ]
        ),
        "{auth_history:?}"
    );
    let api_detail = ok(tester, "get_ticket", json!({"ticket_id": api})).await;
    assert_eq!(api_detail["is_blocked"], true, "API still waits for auth");
    assert_eq!(api_detail["tasks"][0]["status"], "blocked");

    let db_detail = ok(tester, "get_ticket", json!({"ticket_id": db})).await;
    assert_eq!(db_detail["is_resolved"], true);
    assert_eq!(db_detail["commits"][0]["message"], "Add users table");
    let db_history = history(&db_detail);
    assert!(
        contains_in_order(
            &db_history,
            &[
                ("created", "planner"),
                ("task_created", "planner"),
                ("task_status_changed", "builder"),
                ("status_changed", "builder"),
                ("commented", "builder"),
                ("commit_linked", "builder"),
                ("status_changed", "builder"),
                ("task_created", "builder"),
                ("task_status_changed", "builder"),
                ("task_status_changed", "tester"),
                ("status_changed", "tester"),
                ("resolved", "tester"),
            ]
        ),
        "{db_history:?}"
    );
    let comments: Vec<String> = db_detail["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| text(c, "author"))
        .collect();
    assert_eq!(comments, ["builder", "builder", "builder", "tester"]);

    // The queue: auth is ready now and the builder claims it.
    let ready = ok(builder, "get_ready_tickets", json!({})).await;
    assert_eq!(ready["tickets"][0]["id"], auth.as_str());
    assert_eq!(ready["tickets"][0]["unblocks"], 1);
    let claimed = ok(builder, "claim_next_ticket", json!({})).await;
    assert_eq!(
        (claimed["ticket_id"].as_str(), claimed["status"].as_str()),
        (Some(auth.as_str()), Some("building"))
    );
    let empty = fails(builder, "claim_next_ticket", json!({})).await;
    assert!(empty.starts_with("error [nothing_ready]"), "{empty}");
    let listed = ok(planner, "get_tickets", json!({"blocked": true})).await;
    assert_eq!(listed["tickets"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["tickets"][0]["id"], api.as_str());
}

/// The spec's three phases exactly as its YAML writes them: no claims, no
/// task starts, `ticket_id` omitted where the spec omits it (phase 2 step
/// 4, phase 3 step 1). Tix starts each agent's task on its first write
/// (see `tix_app::adopt`), so every call succeeds with no Guardian
/// warning; the agents' ids name their phase (`agent-phase2-a`). Runs in
/// the only workflow, which has the seed's board; answers the ticket id of
/// the component that was built, tested and resolved.
pub async fn spec_verbatim(agents: &Agents) -> String {
    let Agents {
        planner,
        builder,
        tester,
    } = agents;

    // Phase 1: search first, create tickets with dependencies, one phase-2 task each.
    let mut ids = Vec::new();
    for (title, description) in [
        (
            "Set up Infrastructure",
            "Provision the database server and the CI pipeline",
        ),
        (
            "Build Authentication System",
            "Implement JWT auth with login/register/refresh",
        ),
    ] {
        ok(
            planner,
            "search_tickets",
            json!({"query": title, "search_type": "hybrid"}),
        )
        .await;
        let blocked_by: Vec<&String> = ids.iter().collect();
        let created = ok(
            planner,
            "create_ticket",
            json!({"title": title, "description": description, "ticket_type": "component",
                   "blocked_by_ticket_ids": blocked_by}),
        )
        .await;
        let id = text(&created, "ticket_id");
        ok(
            planner,
            "create_task",
            json!({"description": format!("Phase 2: {title} - TICKET: {id}"), "phase_id": 2, "ticket_id": id}),
        )
        .await;
        ids.push(id);
    }
    let (infra, auth) = (ids[0].clone(), ids[1].clone());

    // Phase 2, step by step.
    ok(
        builder,
        "change_ticket_status",
        json!({"ticket_id": infra, "new_status": "building", "comment": "Starting implementation"}),
    )
    .await;
    ok(
        builder,
        "add_ticket_comment",
        json!({"ticket_id": infra, "comment_text": "Completed the database, working on CI next"}),
    )
    .await;
    let built = ok(
        builder,
        "change_ticket_status",
        json!({"new_status": "building-done", "comment": "Implementation complete. 8 test cases added."}),
    )
    .await;
    assert_eq!(
        (text(&built, "ticket_id"), text(&built, "status")),
        (infra.clone(), "building-done".into())
    );
    ok(
        builder,
        "create_task",
        json!({"description": format!("Phase 3: Test Infrastructure - TICKET: {infra}"), "phase_id": 3, "ticket_id": infra}),
    )
    .await;

    // Phase 3: no ticket_id on the first move.
    let testing = ok(tester, "change_ticket_status", json!({"new_status": "testing"})).await;
    assert_eq!(
        (text(&testing, "ticket_id"), text(&testing, "status")),
        (infra.clone(), "testing".into())
    );
    let resolved = ok(
        tester,
        "resolve_ticket",
        json!({"ticket_id": infra, "resolution_comment": "All tests pass. 12/12 tests passing."}),
    )
    .await;
    assert_eq!(resolved["unblocked_ticket_ids"], json!([auth]), "{resolved}");
    assert_eq!(
        resolved["queued_task_ids"].as_array().map(Vec::len),
        Some(1),
        "{resolved}"
    );

    // The history says who started which task.
    let detail = ok(planner, "get_ticket", json!({"ticket_id": infra})).await;
    let trail = history(&detail);
    let builder_id = text(&detail["tasks"][0], "assigned_agent_id");
    let tester_id = text(&detail["tasks"][1], "assigned_agent_id");
    assert!(
        contains_in_order(
            &trail,
            &[
                ("task_status_changed", builder_id.as_str()),
                ("status_changed", builder_id.as_str()),
                ("task_status_changed", tester_id.as_str()),
                ("status_changed", tester_id.as_str()),
            ]
        ),
        "{trail:?}"
    );
    infra
}
