//! Runs the built `tix` binary against a temporary database, directly
//! (local mode) and through `tix serve` on port 0 (remote mode).

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const BOARD_YAML: &str = "\
name: Web app
board_config:
  columns:
    - {id: backlog, name: \"📋 Backlog\"}
    - {id: building, name: \"🔨 Building\", wip_limit: 5}
    - {id: testing, name: \"🧪 Testing\"}
    - {id: done, name: \"✅ Done\"}
  ticket_types: [component, bug, feature]
  initial_status: backlog
phases:
  - {id: 1, name: Plan, columns: [backlog]}
";

/// One temporary database, and optionally a server in front of it.
struct Tix {
    dir: tempfile::TempDir,
    server: Option<String>,
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Tix {
    fn new() -> Tix {
        Tix {
            dir: tempfile::tempdir().expect("temp dir"),
            server: None,
        }
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}", self.dir.path().join("tix.db").display())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write test file");
        path.display().to_string()
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tix"));
        for var in [
            "TIX_SERVER",
            "TIX_DATABASE_URL",
            "TIX_AGENT_ID",
            "TIX_WORKFLOW",
            "TIX_ADDR",
            "RUST_LOG",
        ] {
            command.env_remove(var);
        }
        command.env("TIX_DATABASE_URL", self.database_url());
        if let Some(server) = &self.server {
            command.env("TIX_SERVER", server);
        }
        command.current_dir(self.dir.path());
        command
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().expect("run tix"))
    }

    /// Runs and asserts success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code,
            Some(0),
            "tix {args:?} failed\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
        run.stdout
    }

    /// Runs and asserts the operation failed (exit 1).
    fn fails(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code,
            Some(1),
            "tix {args:?} should fail\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
        run
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let stdout = self.ok(&all);
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("tix {args:?} printed no JSON ({e}):\n{stdout}"))
    }

    fn create_workflow(&self) -> String {
        let file = self.write("board.yaml", BOARD_YAML);
        let workflow = self.json(&["workflow", "create", "--file", &file]);
        workflow["id"].as_str().expect("workflow id").to_string()
    }

    /// `tix create` prints the new id.
    fn create(&self, args: &[&str]) -> String {
        let mut all = vec!["create"];
        all.extend_from_slice(args);
        let id = self.ok(&all).trim().to_string();
        assert!(id.starts_with("ticket-"), "create printed {id:?}");
        id
    }

    /// Starts `tix serve --addr 127.0.0.1:0` on this database; later
    /// commands go through it.
    fn serve(&mut self, extra: &[&str]) -> Server {
        let mut command = self.command();
        command.args(["serve", "--addr", "127.0.0.1:0"]).args(extra);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawn tix serve");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's first line");
        let Some(url) = line.trim().strip_prefix("tix listening on ").map(str::to_string) else {
            let _ = child.kill();
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr);
            }
            panic!("tix serve printed {line:?}\nstderr:\n{stderr}");
        };
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        self.server = Some(url.clone());
        Server { child, url }
    }
}

/// A running `tix serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ticket_ids(page: &Value) -> Vec<String> {
    page["tickets"]
        .as_array()
        .expect("tickets array")
        .iter()
        .map(|t| t["id"].as_str().expect("id").to_string())
        .collect()
}

fn find<'a>(page: &'a Value, id: &str) -> &'a Value {
    page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| t["id"] == id)
        .expect("ticket in list")
}

// ------------------------------------------------------------ the shared story

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

// ------------------------------------------------------------ local details

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

#[test]
fn bad_inputs_give_errors_with_hints() {
    let tix = Tix::new();
    // Nothing listens on port 1: a clear connection error, never the password.
    let pg = tix.fails(&["--database", "postgres://tix:secret@127.0.0.1:1/tix", "list"]);
    assert!(pg.stderr.contains("cannot connect to PostgreSQL"), "{}", pg.stderr);
    assert!(!pg.stderr.contains("secret"), "password printed: {}", pg.stderr);

    let file = tix.write("broken.yaml", "name: x\nboard_config:\n  colums: []\n");
    let broken = tix.fails(&["workflow", "create", "--file", &file]);
    assert!(
        broken.stderr.contains("broken.yaml") && broken.stderr.contains("hint: "),
        "{}",
        broken.stderr
    );

    tix.create_workflow();
    let missing = tix.fails(&["show", "ticket-nothere"]);
    assert!(
        missing.stderr.contains("not found") && missing.stderr.contains("hint: "),
        "{}",
        missing.stderr
    );
    let bad_type = tix.fails(&["create", "X", "-t", "epic"]);
    assert!(
        bad_type.stderr.contains("component, bug, feature"),
        "{}",
        bad_type.stderr
    );

    let unreachable = tix.fails(&["--server", "http://127.0.0.1:9", "list"]);
    assert!(
        unreachable.stderr.contains("cannot reach the Tix server"),
        "{}",
        unreachable.stderr
    );

    // Usage errors are clap's: exit 2.
    assert_eq!(tix.run(&["move", "ticket-x"]).code, Some(2));
    assert_eq!(tix.run(&["list", "--blocked", "--unblocked"]).code, Some(2));
}

#[test]
fn help_teaches_the_concepts() {
    let tix = Tix::new();
    let top = tix.ok(&["--help"]);
    for word in [
        "workflow", "board", "blocked", "ready", "claim", "lease", "--server", "--json",
    ] {
        assert!(top.contains(word), "`tix --help` does not mention {word}:\n{top}");
    }
    let subcommands: &[(&[&str], &str)] = &[
        (&["serve"], "--demo"),
        (&["workflow"], "board"),
        (&["workflow", "create"], "initial_status"),
        (&["workflow", "list"], "workflows"),
        (&["workflow", "show"], "columns"),
        (&["create"], "--blocked-by"),
        (&["list"], "--cursor"),
        (&["show"], "history"),
        (&["edit"], "--if-version"),
        (&["move"], "done column"),
        (&["comment"], "comment"),
        (&["resolve"], "unblock"),
        (&["block"], "resolved before"),
        (&["unblock"], "--by"),
        (&["ready"], "unblocked"),
        (&["claim"], "lease"),
        (&["graph"], "--depth"),
        (&["import"], "batches"),
    ];
    for (args, word) in subcommands {
        let mut all = args.to_vec();
        all.push("--help");
        let help = tix.ok(&all);
        assert!(
            help.contains(word),
            "`tix {} --help` does not mention {word}:\n{help}",
            args.join(" ")
        );
    }
}

// ------------------------------------------------------------ tasks and the Guardian

const PHASED_YAML: &str = "\
name: Phased
board_config:
  columns:
    - {id: backlog, name: Backlog}
    - {id: building, name: Building}
    - {id: testing, name: Testing}
    - {id: done, name: Done}
  ticket_types: [component]
  initial_status: backlog
phases:
  - {id: 1, name: Plan, columns: [backlog]}
  - {id: 2, name: Build, columns: [backlog, building]}
  - {id: 3, name: Test, columns: [testing, done]}
guardian:
  rules: {column_skipped: enforce}
";

fn tasks_and_guardian(tix: &Tix) {
    let file = tix.write("phased.yaml", PHASED_YAML);
    tix.ok(&["workflow", "create", "--file", &file]);
    let infra = tix.create(&["Infrastructure"]);
    let auth = tix.create(&["Auth", "--blocked-by", &infra]);

    let description = format!("Phase 2: Build Auth - TICKET: {auth}");
    let run = tix.run(&["--agent", "planner", "task", "create", &description, "--phase", "2"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let task = run.stdout.trim().to_string();
    assert!(task.starts_with("task-"), "{task}");
    assert!(
        run.stderr.contains("is blocked; the task is queued when it unblocks"),
        "{}",
        run.stderr
    );

    let refused = tix.fails(&["task", "create", "Build auth", "--phase", "2", "--ticket", &auth]);
    assert!(
        refused.stderr.contains("does not start with 'Phase X:'"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains(&format!(
            "hint: Write the description as 'Phase 2: <what to do> - TICKET: {auth}'"
        )),
        "{}",
        refused.stderr
    );
    let refused = tix.fails(&[
        "task",
        "create",
        &description.replace("Phase 2", "Phase 7"),
        "--phase",
        "7",
    ]);
    assert!(refused.stderr.contains("has no phase 7"), "{}", refused.stderr);

    let shown = tix.ok(&["show", &auth]);
    assert!(shown.contains(&task) && shown.contains("blocked"), "{shown}");
    let resolved = tix.ok(&["resolve", &infra]);
    assert!(resolved.contains(&format!("tasks queued: {task}")), "{resolved}");
    let listed = tix.json(&["task", "list", "--status", "queued"]);
    assert_eq!(listed["tasks"][0]["task_id"], task.as_str());
    assert!(tix
        .ok(&["--agent", "builder", "task", "start", &task])
        .contains("in_progress"));
    let task_json = tix.json(&["task", "show", &task[..9]]);
    assert_eq!(task_json["assigned_agent_id"], "builder");

    // A stranger's move is warned about (stderr) and goes through.
    let moved = tix.run(&["--agent", "stranger", "move", &auth, "building"]);
    assert_eq!(moved.code, Some(0), "{}", moved.stderr);
    assert!(
        moved.stderr.contains("guardian [move_by_non_holder]"),
        "{}",
        moved.stderr
    );
    // column_skipped is enforced here: refused, with the fix as the hint.
    let refused = tix.fails(&["--agent", "builder", "move", &auth, "done"]);
    assert!(
        refused.stderr.contains("Guardian rule 'column_skipped' refused"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("hint: Move through the columns in order"),
        "{}",
        refused.stderr
    );

    let report = tix.ok(&["guardian"]);
    assert!(report.contains("column_skipped=enforce"), "{report}");
    assert!(report.contains("warned") && report.contains("refused"), "{report}");
    let only = tix.json(&["guardian", "--rule", "move_by_non_holder"]);
    assert_eq!(only["violations"].as_array().map(Vec::len), Some(1));
    assert_eq!(only["violations"][0]["agent_id"], "stranger");
    let bad = tix.fails(&["guardian", "--rule", "nonsense"]);
    assert!(
        bad.stderr.contains("hint: Use one of: task_ticket_reference"),
        "{}",
        bad.stderr
    );
    assert!(tix
        .ok(&["--agent", "builder", "task", "done", &task, "-m", "Built"])
        .contains("done"));
}

#[test]
fn local_tasks_and_guardian() {
    tasks_and_guardian(&Tix::new());
}

#[test]
fn remote_tasks_and_guardian() {
    let mut tix = Tix::new();
    let _server = tix.serve(&[]);
    tasks_and_guardian(&tix);
}

// ------------------------------------------------------------ commits and the git hook

fn git(repo: &std::path::Path, args: &[&str]) -> String {
    let mut command = Command::new("git");
    for var in [
        "TIX_SERVER",
        "TIX_DATABASE_URL",
        "TIX_AGENT_ID",
        "TIX_WORKFLOW",
        "TIX_TOKEN",
    ] {
        command.env_remove(var);
    }
    let output = command
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn commit(repo: &std::path::Path, file: &str, message: &str) -> String {
    std::fs::write(repo.join(file), format!("{message}\n")).expect("write file");
    git(repo, &["add", file]);
    let output = git(repo, &["commit", "-q", "-m", message]);
    let sha = git(repo, &["rev-parse", "HEAD"]).trim().to_string();
    eprintln!("{output}");
    sha
}

#[cfg(unix)]
#[test]
fn hooks_and_scans_link_commits_in_a_real_repository() {
    use std::os::unix::fs::PermissionsExt;

    let tix = Tix::new();
    tix.create_workflow();
    let a = tix.create(&["Login", "-t", "component"]);
    let b = tix.create(&["Token refresh", "-t", "component"]);
    let c = tix.create(&["Sessions", "-t", "component"]);

    let repo = tix.path("repo");
    std::fs::create_dir(&repo).expect("repo dir");
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "commit.gpgsign", "false"]);
    // An existing hook: kept, chained to, and restored.
    let original = "#!/bin/sh\necho chained >> \"$(git rev-parse --show-toplevel)/../chained.log\"\n";
    let hook = repo.join(".git/hooks/post-commit");
    std::fs::write(&hook, original).expect("write hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let installed = tix.ok(&["hooks", "install", "--repo", repo.to_str().expect("path")]);
    assert!(installed.contains("kept as post-commit.tix-orig"), "{installed}");
    assert!(repo.join(".git/hooks/post-commit.tix-orig").exists());
    let again = tix.ok(&["hooks", "install", "--repo", repo.to_str().expect("path")]);
    assert!(!again.contains("kept as"), "installing twice keeps the chain: {again}");

    let first = commit(&repo, "login.rs", &format!("Add login endpoint\n\nTICKET: {a}"));
    let shown = tix.json(&["show", &a]);
    assert_eq!(
        shown["commits"][0]["sha"],
        first.as_str(),
        "the hook linked it: {shown}"
    );
    assert_eq!(shown["commits"][0]["source"], "hook");
    assert_eq!(shown["commits"][0]["author"], "Ada <ada@example.com>");
    assert_eq!(shown["commits"][0]["files_changed"], 1);
    assert_eq!(shown["commits"][0]["insertions"], 3);
    assert!(shown["commits"][0]["committed_at"].is_string());
    let chained = std::fs::read_to_string(tix.path("chained.log")).unwrap_or_default();
    assert_eq!(chained.lines().count(), 1, "the original hook ran too");

    commit(&repo, "refresh.rs", &format!("Fix token refresh\n\nFixes {b}"));
    assert_eq!(tix.json(&["show", &b])["is_resolved"], true, "Fixes resolves");

    let removed = tix.ok(&["hooks", "uninstall", "--repo", repo.to_str().expect("path")]);
    assert!(removed.contains("restored the original"), "{removed}");
    assert_eq!(std::fs::read_to_string(&hook).expect("hook"), original);
    assert!(!repo.join(".git/hooks/post-commit.tix-orig").exists());
    tix.fails(&["hooks", "uninstall", "--repo", repo.to_str().expect("path")]);

    // Made without the hook: linked by a scan, which is idempotent.
    let third = commit(
        &repo,
        "sessions.rs",
        &format!("Sessions table\n\nRefs {c}, ticket-nosuch"),
    );
    let scan = tix.run(&["--json", "commits", "scan"]);
    assert_eq!(scan.code, Some(1), "outside the repository: {}", scan.stdout);
    let report = tix.json(&["commits", "scan", "--repo", repo.to_str().expect("path")]);
    assert_eq!(report["commits_scanned"], 3);
    assert_eq!(report["linked"], serde_json::json!([{"sha": third, "ticket_id": c}]));
    assert_eq!(report["already_linked"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["skipped"][0]["ticket_id"], "ticket-nosuch");
    let again = tix.json(&["commits", "scan", "--repo", repo.to_str().expect("path")]);
    assert_eq!(again["linked"], serde_json::json!([]));
    assert_eq!(again["already_linked"].as_array().map(Vec::len), Some(3));
    assert_eq!(again["resolved"], serde_json::json!([]), "nothing is resolved twice");
    let since = tix.json(&[
        "commits",
        "scan",
        "--since",
        "HEAD~1",
        "--repo",
        repo.to_str().expect("path"),
    ]);
    assert_eq!(since["commits_scanned"], 1);
    let history = tix.ok(&["show", &c]);
    assert!(history.contains("commit") && history.contains(&third[..8]), "{history}");
}

// ------------------------------------------------------------ agent tokens

#[test]
fn agent_tokens_and_a_server_that_requires_them() {
    let mut tix = Tix::new();
    tix.create_workflow();
    let added = tix.run(&["agent", "add", "builder"]);
    assert_eq!(added.code, Some(0), "{}", added.stderr);
    let token = added.stdout.trim().to_string();
    assert!(token.starts_with("tix_"), "{token}");
    assert!(added.stderr.contains("shown once"), "{}", added.stderr);
    let admin = tix.json(&["agent", "add", "boss", "--admin"]);
    let admin = admin["token"].as_str().expect("token").to_string();
    let listed = tix.ok(&["agent", "list"]);
    assert!(
        listed.contains("builder") && listed.contains("admin") && !listed.contains(&token),
        "{listed}"
    );

    let _server = tix.serve(&["--auth", "required"]);
    let refused = tix.fails(&["list"]);
    assert!(refused.stderr.contains("requires an agent token"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("hint: Send 'Authorization: Bearer <token>'"),
        "{}",
        refused.stderr
    );
    let created = tix.json(&["--token", &token, "create", "Auth", "-t", "component"]);
    assert_eq!(created["ticket"]["created_by"], "builder");
    let mismatch = tix.fails(&["--token", &token, "--agent", "tester", "list"]);
    assert!(mismatch.stderr.contains("may not act as tester"), "{}", mismatch.stderr);
    let acted = tix.json(&[
        "--token",
        &admin,
        "--agent",
        "planner",
        "create",
        "API",
        "-t",
        "component",
    ]);
    assert_eq!(acted["ticket"]["created_by"], "planner");
    let remote = tix.fails(&["--token", &admin, "agent", "list"]);
    assert!(remote.stderr.contains("managed on the database"), "{}", remote.stderr);

    tix.server = None;
    tix.ok(&["agent", "remove", "builder"]);
    tix.fails(&["agent", "remove", "builder"]);
}

/// Whether the embedding model is installed (TIX_MODEL_DIR or the default
/// path). Without it the model-dependent tests skip with a message, unless
/// TIX_REQUIRE_MODEL is set (scripts/test sets it), when they fail.
fn model_present() -> bool {
    let dir = tix_search::embed::model_dir(None);
    if tix_search::embed::MiniLm::files_present(&dir) {
        return true;
    }
    let required = std::env::var_os("TIX_REQUIRE_MODEL").is_some_and(|v| !v.is_empty() && v != "0");
    assert!(
        !required,
        "TIX_REQUIRE_MODEL is set but there are no model files in {}",
        dir.display()
    );
    eprintln!("SKIPPED: model-dependent test: no model files in {}", dir.display());
    false
}

#[test]
fn search_locally_and_through_a_server() {
    if !model_present() {
        return;
    }
    let mut tix = Tix::new();
    tix.create_workflow();
    let login = tix.create(&[
        "Login page crashes on submit",
        "-d",
        "White screen after pressing sign in",
        "--type",
        "bug",
    ]);
    tix.create(&["Document drag and drop on the kanban board", "--type", "feature"]);
    tix.create(&["Export invoices as CSV", "--type", "feature", "--tag", "billing"]);
    // Local mode embeds what was written, then searches.
    let table = tix.ok(&["search", "authentication screen goes blank"]);
    let first = table.lines().nth(1).unwrap_or_default();
    assert!(table.starts_with("SCORE"), "{table}");
    assert!(first.contains(&login) && first.contains("backlog"), "{table}");
    let found = tix.json(&["search", "invoice", "--type", "keyword", "--tag", "billing", "-n", "3"]);
    assert_eq!(found["semantic_available"], true);
    assert_eq!(found["results"].as_array().map(Vec::len), Some(1));
    let reindexed = tix.ok(&["reindex"]);
    assert!(
        reindexed.contains("re-embedded 3 tickets with all-MiniLM-L6-v2"),
        "{reindexed}"
    );
    // Through a server: the same search, and creates report look-alikes.
    let server = tix.serve(&[]);
    let found = tix.json(&["search", "sign-in crash", "-n", "1"]);
    assert_eq!(found["results"][0]["id"], login.as_str());
    assert_eq!(found["search_type"], "hybrid");
    let run = tix.run(&[
        "create",
        "Login page crashes on submit",
        "-d",
        "White screen after pressing sign in",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("similar unresolved tickets") && run.stderr.contains(&login),
        "{}",
        run.stderr
    );
    let refused = tix.fails(&["reindex"]);
    assert!(refused.stderr.contains("hint: "), "{}", refused.stderr);
    drop(server);
}

#[test]
fn search_without_a_model_is_keyword_only() {
    let tix = Tix::new();
    tix.create_workflow();
    let id = tix.create(&["Login page crashes on submit"]);
    let mut command = tix.command();
    command.env("TIX_MODEL_DIR", tix.path("no-model"));
    let run = Run::from(
        command
            .args(["--json", "search", "login crash"])
            .output()
            .expect("run tix"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let found: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(found["semantic_available"], false);
    assert_eq!(found["results"][0]["id"], id.as_str());
    assert!(run.stderr.contains("semantic search off"), "{}", run.stderr);
    let found = tix.json(&["search", "login", "--embedder", "none", "--type", "semantic"]);
    assert_eq!(found["search_type"], "keyword");
    assert!(found["warning"].is_string());
    let refused = tix.fails(&["reindex", "--embedder", "none"]);
    assert!(refused.stderr.contains("hint: "), "{}", refused.stderr);
}
