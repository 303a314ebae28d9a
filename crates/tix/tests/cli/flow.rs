//! The seed's flow end to end, on the database directly (local mode) and
//! through `tix serve` (remote mode), and `tix serve --demo`.

use serde_json::Value;

use crate::harness::{find, ticket_ids, Tix};

/// Workflow from YAML, tickets with blockers, a refused move, a resolve
/// that unblocks, ready and claim, the graph. Run locally and remotely.
fn story(tix: &Tix) {
    let workflow_id = tix.create_workflow();
    let listed = tix.json(&["workflow", "list"]);
    assert_eq!(listed["workflows"][0]["id"], workflow_id.as_str());
    let shown = tix.ok(&["workflow", "show"]);
    assert!(shown.contains("building") && shown.contains("WIP limit 5"), "{shown}");

    let infra = tix.create(&["Infrastructure setup", "-t", "component", "--priority", "critical"]);
    let database = tix.create(&["Database Schema", "-t", "component", "--blocked-by", &infra]);
    let auth = tix.create(&[
        "Build Authentication System",
        "-d",
        "JWT login/register/refresh",
        "-t",
        "component",
        "--blocked-by",
        &database,
        "--tag",
        "security",
    ]);
    let api = tix.create(&["API Endpoints", "-t", "component", "--blocked-by", &auth]);

    let created = tix.json(&["create", "Fix flaky healthcheck", "-t", "bug", "--priority", "low"]);
    let bug = created["ticket_id"].as_str().expect("ticket_id").to_string();
    assert_eq!(created["ticket"]["id"], bug.as_str());
    assert_eq!(created["ticket"]["status"], "backlog");

    let page = tix.json(&["list"]);
    assert_eq!(
        ticket_ids(&page),
        vec![infra.clone(), database.clone(), auth.clone(), api.clone(), bug.clone()]
    );
    assert_eq!(find(&page, &auth)["is_blocked"], true);
    assert_eq!(find(&page, &auth)["blocked_by_ticket_ids"][0], database.as_str());
    assert_eq!(find(&page, &infra)["is_blocked"], false);
    let blocked = tix.json(&["list", "--blocked"]);
    assert_eq!(ticket_ids(&blocked), vec![database.clone(), auth.clone(), api.clone()]);
    let table = tix.ok(&["list", "--status", "backlog"]);
    assert!(
        table.contains("Build Authentication System") && table.contains("blocked"),
        "{table}"
    );

    let shown = tix.ok(&["show", &auth]);
    assert!(shown.contains("Build Authentication System"), "{shown}");
    assert!(shown.contains("JWT login/register/refresh"), "{shown}");
    assert!(
        shown.contains(&format!("{database}  [backlog]  Database Schema")),
        "{shown}"
    );
    assert!(shown.contains(&api), "blocks: api\n{shown}");
    assert!(shown.contains("created in backlog"), "{shown}");

    // Blocked tickets may not move forward; the error names the blocker.
    let refused = tix.fails(&["move", &database, "building", "-m", "Starting implementation"]);
    assert!(refused.stderr.contains("error: "), "{}", refused.stderr);
    assert!(refused.stderr.contains(&infra), "{}", refused.stderr);
    assert!(refused.stderr.contains("Infrastructure setup"), "{}", refused.stderr);
    assert!(refused.stderr.contains("hint: "), "{}", refused.stderr);
    let refused = tix.fails(&["--json", "move", &database, "building"]);
    let body: Value = serde_json::from_str(&refused.stdout).expect("error JSON on stdout");
    assert_eq!(body["error"]["code"], "ticket_blocked");
    assert_eq!(body["error"]["blockers"][0]["id"], infra.as_str());

    // Only unblocked tickets in the initial column are ready, best first.
    let ready = tix.json(&["ready"]);
    assert_eq!(ticket_ids(&ready), vec![infra.clone(), bug.clone()]);
    assert_eq!(ready["tickets"][0]["unblocks_count"], 3);
    let ready_table = tix.ok(&["ready"]);
    assert!(
        ready_table.contains("UNBLOCKS") && ready_table.contains("Infrastructure setup"),
        "{ready_table}"
    );

    // Work the infrastructure through and resolve it: the schema unblocks.
    let moved = tix.ok(&["move", &infra, "building", "-m", "Starting implementation"]);
    assert!(moved.contains("building"), "{moved}");
    tix.ok(&["comment", &infra, "CI pipeline in place"]);
    let resolved = tix.ok(&["resolve", &infra, "-m", "All checks pass"]);
    assert!(resolved.contains("unblocked: 1 ticket"), "{resolved}");
    assert!(
        resolved.contains(&database) && resolved.contains("Database Schema"),
        "{resolved}"
    );
    let shown = tix.json(&["show", &infra]);
    assert_eq!(shown["is_resolved"], true);
    assert_eq!(shown["status"], "done");
    let comments: Vec<&str> = shown["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["comment_text"].as_str())
        .collect();
    assert!(comments.contains(&"CI pipeline in place"), "{comments:?}");

    // Claim: the schema is now the top ready ticket (it unblocks the most).
    let claimed = tix.json(&["claim", "--agent", "agent-a"]);
    assert_eq!(claimed["id"], database.as_str());
    assert_eq!(claimed["assigned_agent_id"], "agent-a");
    assert_eq!(claimed["status"], "building");
    assert!(claimed["lease_expires_at"].is_string());
    let claimed = tix.ok(&["claim", "--agent", "agent-b"]);
    assert!(claimed.contains(&bug) && claimed.contains("agent-b"), "{claimed}");
    let nothing = tix.fails(&["claim", "--agent", "agent-c"]);
    assert!(nothing.stderr.contains("no ticket is ready"), "{}", nothing.stderr);
    assert!(nothing.stderr.contains("hint: "), "{}", nothing.stderr);

    // The graph around auth: the schema and infra above, the API below.
    let graph = tix.ok(&["graph", &auth]);
    let at = |needle: &str| {
        graph
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in graph:\n{graph}"))
    };
    assert!(at(&database) < at(&format!("▶ ⊘ {auth}")), "{graph}");
    assert!(at(&infra) < at(&format!("▶ ⊘ {auth}")), "{graph}");
    assert!(at(&format!("▶ ⊘ {auth}")) < at(&api), "{graph}");
    assert!(
        graph.contains(&format!("✓ {infra}")),
        "infra is marked resolved:\n{graph}"
    );
    assert!(graph.contains("└──"), "{graph}");
    assert!(graph.contains("critical path"), "{graph}");
    let graph = tix.json(&["graph", &auth, "--depth", "1"]);
    let nodes: Vec<&str> = graph["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert!(
        nodes.contains(&database.as_str()) && nodes.contains(&api.as_str()),
        "{nodes:?}"
    );
    assert!(
        !nodes.contains(&infra.as_str()),
        "depth 1 stops at the schema: {nodes:?}"
    );

    // Unknown columns are refused with the board's columns listed.
    let unknown = tix.fails(&["move", &bug, "shipping"]);
    assert!(
        unknown.stderr.contains("unknown status 'shipping'"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains("backlog, building, testing, done"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn local_story() {
    story(&Tix::new());
}

#[test]
fn remote_story() {
    let mut tix = Tix::new();
    let server = tix.serve(&[]);
    story(&tix);
    // Everything went through the server: it answers the same data.
    let page = tix.json(&["--server", &server.url, "list", "--resolved"]);
    assert_eq!(page["tickets"].as_array().map(Vec::len), Some(1));
}

#[test]
fn serve_demo_seeds_the_web_app_example() {
    let mut tix = Tix::new();
    let server = tix.serve(&["--demo"]);
    let page = tix.json(&["--server", &server.url, "list"]);
    let titles: Vec<&str> = page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .filter_map(|t| t["title"].as_str())
        .collect();
    for title in [
        "Infrastructure setup",
        "Database Schema",
        "Authentication System",
        "API Endpoints",
        "Frontend",
    ] {
        assert!(titles.contains(&title), "{title} missing from {titles:?}");
    }
    let workflows = tix.json(&["workflow", "list"]);
    assert_eq!(workflows["workflows"][0]["name"], "Web app (demo)");
    assert_eq!(
        workflows["workflows"][0]["board_config"]["columns"][2]["name"],
        "✅ Built"
    );
    let frontend = page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| t["title"] == "Frontend")
        .expect("frontend");
    assert_eq!(frontend["blocked_by_ticket_ids"].as_array().map(Vec::len), Some(2));
    let ready = tix.json(&["ready"]);
    assert_eq!(ready["tickets"].as_array().map(Vec::len), Some(2), "{ready}");
    drop(server);

    // A second start finds the workflow and does not seed again.
    let _server = tix.serve(&["--demo"]);
    assert_eq!(
        tix.json(&["workflow", "list"])["workflows"].as_array().map(Vec::len),
        Some(1)
    );
}
