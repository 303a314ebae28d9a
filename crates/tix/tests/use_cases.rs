//! The use cases the CLI's local mode shares with the server (through
//! `tix-app`): a local `tix create` reports look-alikes and obeys
//! `duplicate_policy: refuse`, and a local `tix claim` is held to the lease
//! cap, with the same answers (codes, fields, JSON shape) as `--server`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A board like the spec's; `{policy}` is the duplicate policy.
const BOARD: &str = "\
name: Use cases
board_config:
  columns:
    - {id: backlog, name: Backlog}
    - {id: building, name: Building}
    - {id: done, name: Done}
  ticket_types: [bug, feature]
  initial_status: backlog
  duplicate_policy: {policy}
";

const LOGIN: &str = "Login page crashes on submit";
const LOGIN_DETAILS: &str = "White screen after pressing sign in";

/// One temporary database; commands go through `server` when it is set.
struct Sandbox {
    dir: tempfile::TempDir,
    server: Option<String>,
}

/// What a finished `tix` printed.
struct Outcome {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// The JSON `--json` printed (an answer, or `{"error": …}`).
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("no JSON on stdout ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
            server: None,
        }
    }

    fn tix(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tix"));
        for inherited in ["TIX_SERVER", "TIX_AGENT_ID", "TIX_WORKFLOW", "TIX_ADDR", "RUST_LOG"] {
            command.env_remove(inherited);
        }
        let database = format!("sqlite://{}", self.dir.path().join("tix.db").display());
        command.env("TIX_DATABASE_URL", database).current_dir(self.dir.path());
        if let Some(server) = &self.server {
            command.env("TIX_SERVER", server);
        }
        command
    }

    fn run(&self, args: &[&str]) -> Outcome {
        let output = self.tix().args(args).output().expect("run tix");
        Outcome {
            status: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `tix --json ARGS`, which must succeed.
    fn answer(&self, args: &[&str]) -> Value {
        let outcome = self.run(&[&["--json"], args].concat());
        assert_eq!(outcome.status, Some(0), "tix {args:?}: {}", outcome.stderr);
        outcome.json()
    }

    /// `tix --json ARGS`, which must be refused: the error object.
    fn refusal(&self, args: &[&str]) -> Value {
        let outcome = self.run(&[&["--json"], args].concat());
        assert_eq!(outcome.status, Some(1), "tix {args:?} should fail: {}", outcome.stdout);
        outcome.json()["error"].clone()
    }

    fn board(&self, policy: &str) -> String {
        let file = self.dir.path().join("board.yaml");
        std::fs::write(&file, BOARD.replace("{policy}", policy)).expect("write the board");
        let workflow = self.answer(&["workflow", "create", "--file", &file.display().to_string()]);
        workflow["id"].as_str().expect("workflow id").to_string()
    }

    /// `tix serve` on port 0 over this database; later commands use it.
    fn serve(&mut self) -> Served {
        let mut child = self
            .tix()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn tix serve");
        let mut first = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout)
                .read_line(&mut first)
                .expect("the server's first line");
        }
        let served = Served(child);
        let url = first.trim().strip_prefix("tix listening on ").map(str::to_string);
        self.server = Some(url.unwrap_or_else(|| panic!("tix serve printed {first:?}")));
        served
    }
}

/// A running `tix serve`, stopped when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether the embedding model is installed; without it the look-alike
/// test skips with a message, unless TIX_REQUIRE_MODEL asks for it.
fn have_model() -> bool {
    let dir = tix_search::embed::model_dir(None);
    let present = tix_search::embed::MiniLm::files_present(&dir);
    let required = std::env::var_os("TIX_REQUIRE_MODEL").is_some_and(|v| !v.is_empty() && v != "0");
    assert!(
        present || !required,
        "TIX_REQUIRE_MODEL is set but {} has no model",
        dir.display()
    );
    if !present {
        eprintln!("SKIPPED: needs the embedding model in {}", dir.display());
    }
    present
}

fn keys(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn create_login(sandbox: &Sandbox, extra: &[&str]) -> Outcome {
    sandbox.run(&[&["--json", "create", LOGIN, "-d", LOGIN_DETAILS], extra].concat())
}

#[test]
fn a_local_create_reports_lookalikes_and_is_refused_like_the_server() {
    if !have_model() {
        return;
    }
    let mut sandbox = Sandbox::new();
    sandbox.board("refuse");
    let original = create_login(&sandbox, &[]).json();
    let original_id = original["ticket_id"].as_str().expect("id").to_string();
    assert_eq!(original["similar_tickets"], Value::Array(Vec::new()));

    // A near-duplicate on a refusing board: refused, and nothing created.
    let refused = create_login(&sandbox, &[]);
    assert_eq!(refused.status, Some(1), "{}", refused.stderr);
    let error = refused.json()["error"].clone();
    assert_eq!(error["code"], "possible_duplicate", "{error}");
    assert_eq!(error["matches"][0]["id"], original_id.as_str());
    assert!(refused.stderr.contains("hint: "), "{}", refused.stderr);
    let listed = sandbox.answer(&["list"]);
    assert_eq!(
        listed["tickets"].as_array().map(Vec::len),
        Some(1),
        "a refusal writes nothing"
    );

    // --force creates it, listing the original as a look-alike.
    let forced = create_login(&sandbox, &["--force"]).json();
    assert_eq!(forced["similar_tickets"][0]["id"], original_id.as_str());
    assert!(forced["similar_tickets"][0]["similarity"].as_f64() >= Some(0.92));

    // The text output lists look-alikes on stderr, as for a server's answer.
    let text = sandbox.run(&["create", LOGIN, "-d", LOGIN_DETAILS, "--force"]);
    assert_eq!(text.status, Some(0), "{}", text.stderr);
    assert!(text.stdout.trim().starts_with("ticket-"), "{}", text.stdout);
    assert!(
        text.stderr.contains("similar unresolved tickets") && text.stderr.contains(&original_id),
        "{}",
        text.stderr
    );

    // Through a server: the same refusal, and the same answer's shape.
    let _served = sandbox.serve();
    let remote_refusal = sandbox.refusal(&["create", LOGIN, "-d", LOGIN_DETAILS]);
    assert_eq!(remote_refusal["code"], error["code"]);
    assert_eq!(remote_refusal["matches"][0]["id"], original_id.as_str());
    let remote = create_login(&sandbox, &["--force"]).json();
    assert_eq!(keys(&remote), keys(&forced));
    assert_eq!(keys(&remote["similar_tickets"][0]), keys(&forced["similar_tickets"][0]));
    assert_eq!(remote["similar_tickets"][0]["id"], original_id.as_str());
}

#[test]
fn a_local_create_without_a_model_just_creates() {
    let sandbox = Sandbox::new();
    sandbox.board("refuse");
    for _ in 0..2 {
        let created = sandbox.answer(&["create", LOGIN, "--embedder", "none"]);
        assert_eq!(created["similar_tickets"], Value::Array(Vec::new()));
    }
}

#[test]
fn a_local_claim_is_held_to_the_lease_cap_like_the_server() {
    let mut sandbox = Sandbox::new();
    sandbox.board("warn");
    let id = sandbox.answer(&["create", LOGIN, "--embedder", "none"])["ticket_id"]
        .as_str()
        .expect("id")
        .to_string();

    let local = sandbox.refusal(&["claim", "--agent", "agent-a", "--lease-seconds", "10000000"]);
    assert_eq!(local["code"], "validation_failed", "{local}");
    assert_eq!(local["field"], "lease_seconds", "{local}");
    let untouched = sandbox.answer(&["show", &id]);
    assert_eq!(
        untouched["assigned_agent_id"],
        Value::Null,
        "a refused claim changes nothing"
    );
    assert_eq!(untouched["status"], "backlog");

    let _served = sandbox.serve();
    let remote = sandbox.refusal(&["claim", "--agent", "agent-a", "--lease-seconds", "10000000"]);
    assert_eq!(remote["code"], local["code"]);
    assert_eq!(remote["field"], local["field"]);
    assert_eq!(remote["message"], local["message"], "one check, one message");

    // Within the cap the claim goes through, with the lease asked for.
    let claimed = sandbox.answer(&["claim", "--agent", "agent-a", "--lease-seconds", "86400"]);
    assert_eq!(claimed["id"], id.as_str());
    assert_eq!(claimed["assigned_agent_id"], "agent-a");
}
