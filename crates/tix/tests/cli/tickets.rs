//! Tickets in detail: edits, comments, blocking edges, prefixes, pages and
//! cursors, JSONL imports, choosing among several workflows.

use serde_json::Value;

use crate::harness::{find, ticket_ids, Tix};

#[test]
fn remote_import_and_edit() {
    let mut tix = Tix::new();
    let _server = tix.serve(&[]);
    tix.create_workflow();
    let lines = [
        r#"{"id": "ticket-infra", "title": "Infrastructure", "ticket_type": "component"}"#,
        r#"{"title": "Database", "ticket_type": "component", "blocked_by_ticket_ids": ["ticket-infra"]}"#,
    ];
    let file = tix.write("tickets.jsonl", &lines.join("\n"));
    let out = tix.ok(&["import", "--file", &file]);
    assert!(out.contains("imported 2 tickets"), "{out}");
    let page = tix.json(&["list", "--blocked"]);
    assert_eq!(page["tickets"][0]["title"], "Database");
    let edited = tix.json(&[
        "--agent",
        "agent-x",
        "edit",
        "infra",
        "--priority",
        "high",
        "--if-version",
        "1",
    ]);
    assert_eq!(edited["priority"], "high");
    let stale = tix.fails(&["edit", "ticket-infra", "--title", "Late", "--if-version", "1"]);
    assert!(stale.stderr.contains("hint: "), "{}", stale.stderr);
    let history = tix.json(&["show", "ticket-infra"]);
    let agents: Vec<&str> = history["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["agent_id"].as_str())
        .collect();
    assert!(agents.contains(&"agent-x"), "{agents:?}");
    let refused = tix.fails(&["--json", "block", "ticket-infra", "--by", "ticket-infra"]);
    let body: Value = serde_json::from_str(&refused.stdout).expect("error JSON on stdout");
    assert_eq!(body["error"]["code"], "self_block");
}

#[test]
fn edit_comment_block_unblock() {
    let tix = Tix::new();
    tix.create_workflow();
    let a = tix.create(&["A", "-t", "component"]);
    let b = tix.create(&["B", "-t", "feature"]);
    let c = tix.create(&["C"]);
    assert_eq!(
        tix.json(&["show", &c])["ticket_type"],
        "component",
        "default type is the board's first"
    );

    let edited = tix.json(&[
        "edit",
        &a,
        "--title",
        "A2",
        "--priority",
        "high",
        "--tag",
        "x",
        "--assign",
        "bob",
    ]);
    assert_eq!(edited["title"], "A2");
    assert_eq!(edited["priority"], "high");
    assert_eq!(edited["tags"][0], "x");
    assert_eq!(edited["assigned_agent_id"], "bob");
    let version = edited["version"].as_u64().expect("version");
    let stale = tix.fails(&["edit", &a, "--unassign", "--if-version", &(version - 1).to_string()]);
    assert!(
        stale.stderr.contains("not") && stale.stderr.contains("hint: "),
        "{}",
        stale.stderr
    );
    let unassigned = tix.json(&["edit", &a, "--unassign", "--if-version", &version.to_string()]);
    assert_eq!(unassigned["assigned_agent_id"], Value::Null);
    let nothing = tix.fails(&["edit", &a]);
    assert!(nothing.stderr.contains("nothing to change"), "{}", nothing.stderr);

    let comment = tix.json(&["comment", &b, "Token generation working."]);
    assert_eq!(comment["comment_text"], "Token generation working.");
    assert_eq!(comment["author"], "human");
    let by_agent = tix.json(&["--agent", "agent-phase2-a", "comment", &b, "Moving on to validation."]);
    assert_eq!(by_agent["author"], "agent-phase2-a");

    let blocked = tix.json(&["block", &b, "--by", &a]);
    assert_eq!(blocked["blocked_by"][0]["id"], a.as_str());
    tix.ok(&["block", &c, "--by", &b]);
    let cycle = tix.fails(&["block", &a, "--by", &c]);
    assert!(cycle.stderr.contains("cycle"), "{}", cycle.stderr);
    assert!(
        cycle.stderr.contains(&a) && cycle.stderr.contains(&b),
        "{}",
        cycle.stderr
    );
    let unblocked = tix.ok(&["unblock", &b, "--by", &a]);
    assert!(unblocked.contains("blocked by nothing"), "{unblocked}");
    assert_eq!(tix.json(&["show", &b])["is_blocked"], false);

    // Prefixes name tickets.
    let prefix = &a["ticket-".len().."ticket-".len() + 6];
    assert_eq!(tix.json(&["show", prefix])["id"], a.as_str());
}

#[test]
fn list_pages_and_follows_cursors() {
    let tix = Tix::new();
    tix.create_workflow();
    for i in 0..7 {
        tix.create(&[&format!("Ticket {i}"), "-t", "bug"]);
    }
    let first = tix.json(&["list", "--limit", "3"]);
    assert_eq!(ticket_ids(&first).len(), 3);
    let cursor = first["next_cursor"].as_str().expect("next_cursor").to_string();
    let second = tix.json(&["list", "--limit", "3", "--cursor", &cursor]);
    assert_eq!(ticket_ids(&second).len(), 3);
    assert!(ticket_ids(&second).iter().all(|id| !ticket_ids(&first).contains(id)));
    let all = tix.json(&["list", "--limit", "3", "--all"]);
    assert_eq!(ticket_ids(&all).len(), 7);
    assert_eq!(all["next_cursor"], Value::Null);
    let table = tix.ok(&["list", "--limit", "3"]);
    assert!(table.contains(&format!("--cursor {cursor}")), "{table}");
}

#[test]
fn import_jsonl_in_batches() {
    let tix = Tix::new();
    tix.create_workflow();
    let lines = [
        r#"{"id": "ticket-infra", "title": "Infrastructure", "ticket_type": "component", "priority": "critical"}"#,
        "",
        r#"{"id": "ticket-db", "title": "Database", "ticket_type": "component", "blocked_by_ticket_ids": ["ticket-infra"]}"#,
        r#"{"title": "Auth", "ticket_type": "component", "tags": ["security"], "blocked_by_ticket_ids": ["ticket-db"]}"#,
    ];
    let file = tix.write("tickets.jsonl", &lines.join("\n"));
    let out = tix.ok(&["import", "--file", &file]);
    assert!(out.contains("imported 3 tickets into"), "{out}");
    assert!(out.contains("tickets/s"), "{out}");
    let page = tix.json(&["list"]);
    assert_eq!(page["tickets"].as_array().map(Vec::len), Some(3));
    assert_eq!(find(&page, "ticket-db")["is_blocked"], true);
    let graph = tix.ok(&["graph", "ticket-db"]);
    assert!(graph.contains("ticket-infra") && graph.contains("Auth"), "{graph}");

    // 2,500 lines go in three batches.
    let many: Vec<String> = (0..2_500)
        .map(|i| format!(r#"{{"title": "Bulk {i}", "ticket_type": "bug"}}"#))
        .collect();
    let file = tix.write("many.jsonl", &many.join("\n"));
    let imported = tix.json(&["import", "--file", &file]);
    assert_eq!(imported["ticket_ids"].as_array().map(Vec::len), Some(2_500));

    // A bad line is reported with its number.
    let file = tix.write(
        "bad.jsonl",
        "{\"title\": \"ok\", \"ticket_type\": \"bug\"}\n{\"title\": \"x\", \"typo\": 1}\n",
    );
    let bad = tix.fails(&["import", "--file", &file]);
    assert!(bad.stderr.contains("line 2"), "{}", bad.stderr);
    assert!(bad.stderr.contains("hint: "), "{}", bad.stderr);
}

#[test]
fn workflow_must_be_chosen_when_there_are_several() {
    let tix = Tix::new();
    let none = tix.fails(&["list"]);
    assert!(none.stderr.contains("tix workflow create"), "{}", none.stderr);
    let first = tix.create_workflow();
    let second_file = tix.write(
        "second.json",
        &serde_json::json!({
            "id": "second",
            "name": "Second",
            "board_config": {"columns": [{"id": "todo", "name": "Todo"}, {"id": "done", "name": "Done"}],
                             "ticket_types": ["task"], "initial_status": "todo"}
        })
        .to_string(),
    );
    let second = tix.json(&["workflow", "create", "--file", &second_file]);
    assert_eq!(second["id"], "second");
    let several = tix.fails(&["create", "X", "-t", "task"]);
    assert!(
        several.stderr.contains(&first) && several.stderr.contains("second"),
        "{}",
        several.stderr
    );
    assert!(several.stderr.contains("--workflow"), "{}", several.stderr);
    let id = tix.create(&["--workflow", "second", "X", "-t", "task"]);
    let out = tix
        .command()
        .env("TIX_WORKFLOW", "second")
        .args(["--json", "list"])
        .output()
        .expect("run tix");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page: Value = serde_json::from_slice(&out.stdout).expect("list JSON");
    assert_eq!(ticket_ids(&page), vec![id]);
    assert_eq!(page["tickets"][0]["workflow_id"], "second");
}
