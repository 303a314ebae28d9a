//! The use cases the CLI's local mode shares with the server (through
//! `tix-app`): a local `tix create` reports look-alikes and obeys
//! `duplicate_policy: refuse`, and a local `tix claim` is held to the lease
//! cap, with the same answers (codes, fields, JSON shape) as `--server`.

use serde_json::Value;

use crate::harness::{Run, Tix};
use crate::search::model_present;

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

fn keys(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn create_login(tix: &Tix, extra: &[&str]) -> Run {
    tix.run(&[&["--json", "create", LOGIN, "-d", LOGIN_DETAILS], extra].concat())
}

/// The JSON `--json` printed (an answer, or `{"error": …}`).
fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("no JSON on stdout ({e}):\n{}\nstderr:\n{}", run.stdout, run.stderr))
}

/// `tix --json ARGS`, which must be refused: the error object.
fn refusal(tix: &Tix, args: &[&str]) -> Value {
    let run = tix.fails(&[&["--json"], args].concat());
    json_of(&run)["error"].clone()
}

/// A board like the spec's with the given duplicate policy; returns its id.
fn board(tix: &Tix, policy: &str) -> String {
    let file = tix.write("board.yaml", &BOARD.replace("{policy}", policy));
    tix.json(&["workflow", "create", "--file", &file])["id"]
        .as_str()
        .expect("workflow id")
        .to_string()
}

#[test]
fn a_local_create_reports_lookalikes_and_is_refused_like_the_server() {
    if !model_present() {
        return;
    }
    let mut tix = Tix::new();
    board(&tix, "refuse");
    let original = json_of(&create_login(&tix, &[]));
    let original_id = original["ticket_id"].as_str().expect("id").to_string();
    assert_eq!(original["similar_tickets"], Value::Array(Vec::new()));

    // A near-duplicate on a refusing board: refused, and nothing created.
    let refused = create_login(&tix, &[]);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    let error = json_of(&refused)["error"].clone();
    assert_eq!(error["code"], "possible_duplicate", "{error}");
    assert_eq!(error["matches"][0]["id"], original_id.as_str());
    assert!(refused.stderr.contains("hint: "), "{}", refused.stderr);
    let listed = tix.json(&["list"]);
    assert_eq!(
        listed["tickets"].as_array().map(Vec::len),
        Some(1),
        "a refusal writes nothing"
    );

    // --force creates it, listing the original as a look-alike.
    let forced = json_of(&create_login(&tix, &["--force"]));
    assert_eq!(forced["similar_tickets"][0]["id"], original_id.as_str());
    assert!(forced["similar_tickets"][0]["similarity"].as_f64() >= Some(0.92));

    // The text output lists look-alikes on stderr, as for a server's answer.
    let text = tix.run(&["create", LOGIN, "-d", LOGIN_DETAILS, "--force"]);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert!(text.stdout.trim().starts_with("ticket-"), "{}", text.stdout);
    assert!(
        text.stderr.contains("similar unresolved tickets") && text.stderr.contains(&original_id),
        "{}",
        text.stderr
    );

    // Through a server: the same refusal, and the same answer's shape.
    let _served = tix.serve(&[]);
    let remote_refusal = refusal(&tix, &["create", LOGIN, "-d", LOGIN_DETAILS]);
    assert_eq!(remote_refusal["code"], error["code"]);
    assert_eq!(remote_refusal["matches"][0]["id"], original_id.as_str());
    let remote = json_of(&create_login(&tix, &["--force"]));
    assert_eq!(keys(&remote), keys(&forced));
    assert_eq!(keys(&remote["similar_tickets"][0]), keys(&forced["similar_tickets"][0]));
    assert_eq!(remote["similar_tickets"][0]["id"], original_id.as_str());
}

#[test]
fn a_local_create_without_a_model_just_creates() {
    let tix = Tix::new();
    board(&tix, "refuse");
    for _ in 0..2 {
        let created = tix.json(&["create", LOGIN, "--embedder", "none"]);
        assert_eq!(created["similar_tickets"], Value::Array(Vec::new()));
    }
}

#[test]
fn a_local_claim_is_held_to_the_lease_cap_like_the_server() {
    let mut tix = Tix::new();
    board(&tix, "warn");
    let id = tix.json(&["create", LOGIN, "--embedder", "none"])["ticket_id"]
        .as_str()
        .expect("id")
        .to_string();

    let local = refusal(&tix, &["claim", "--agent", "agent-a", "--lease-seconds", "10000000"]);
    assert_eq!(local["code"], "validation_failed", "{local}");
    assert_eq!(local["field"], "lease_seconds", "{local}");
    let untouched = tix.json(&["show", &id]);
    assert_eq!(
        untouched["assigned_agent_id"],
        Value::Null,
        "a refused claim changes nothing"
    );
    assert_eq!(untouched["status"], "backlog");

    let _served = tix.serve(&[]);
    let remote = refusal(&tix, &["claim", "--agent", "agent-a", "--lease-seconds", "10000000"]);
    assert_eq!(remote["code"], local["code"]);
    assert_eq!(remote["field"], local["field"]);
    assert_eq!(remote["message"], local["message"], "one check, one message");

    // Within the cap the claim goes through, with the lease asked for.
    let claimed = tix.json(&["claim", "--agent", "agent-a", "--lease-seconds", "86400"]);
    assert_eq!(claimed["id"], id.as_str());
    assert_eq!(claimed["assigned_agent_id"], "agent-a");
}
