//! `tix work`: a worker that takes queued tasks (or ready tickets) and runs
//! a command for each, with the ticket in its environment and the
//! instructions on its standard input.

use serde_json::Value;

use crate::harness::Tix;

/// A workflow with the seed's board and phases whose phase 2 has instructions.
const PHASED: &str = "\
name: Phased
board_config:
  columns:
    - {id: backlog, name: Backlog}
    - {id: building, name: Building}
    - {id: building-done, name: Built}
    - {id: testing, name: Testing}
    - {id: done, name: Done}
  ticket_types: [component, bug]
  initial_status: backlog
phases:
  - {id: 1, name: Plan, columns: [backlog]}
  - id: 2
    name: Build
    columns: [building, building-done]
    instructions: Build the component, then move it to building-done.
  - {id: 3, name: Test, columns: [testing, done]}
";

/// A worker script: keeps what it was given, moves its ticket through the
/// board with `tix` (as the worker, carrying its claim) and says so.
fn script(tix: &Tix, exit: i32) -> String {
    let bin = env!("CARGO_BIN_EXE_tix");
    tix.write(
        "worker.sh",
        &format!(
            "#!/bin/sh\nset -e\ncat > \"$(dirname \"$0\")/stdin.txt\"\n\
             env | grep '^TIX_' | sort > \"$(dirname \"$0\")/env.txt\"\n\
             {bin} move \"$TIX_TICKET_ID\" building -m 'Starting'\n\
             {bin} comment \"$TIX_TICKET_ID\" 'Token generation done'\n\
             {bin} move \"$TIX_TICKET_ID\" building-done -m 'Built; 8 tests added'\n\
             echo 'worker: all steps passed'\nexit {exit}\n"
        ),
    )
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn task_for(tix: &Tix, ticket: &str) -> String {
    let created = tix.json(&[
        "task",
        "create",
        &format!("Phase 2: Build Auth - TICKET: {ticket}"),
        "--phase",
        "2",
    ]);
    created["task_id"].as_str().expect("task id").to_string()
}

fn work_once(tix: &Tix, script: &str) -> crate::harness::Run {
    tix.run(&[
        "--json",
        "work",
        "--phase",
        "2",
        "--agent",
        "builder-1",
        "--once",
        "--",
        "sh",
        script,
    ])
}

/// Through a server: the script's moves land as the worker's, the task is
/// done, the run succeeded with the output's tail as its summary, and the
/// claim is given back.
#[test]
fn work_once_runs_a_script_that_moves_its_ticket_and_finishes_task_and_run() {
    let mut tix = Tix::new();
    let _served = tix.serve(&[]);
    tix.create_workflow_from(PHASED);
    let ticket = tix.create(&["Build Authentication System", "-d", "JWT login"]);
    let task = task_for(&tix, &ticket);
    let worker = script(&tix, 0);
    let run = work_once(&tix, &worker);
    assert_eq!(run.code, Some(0), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("▶") && run.stderr.contains("✓"),
        "progress lines: {}",
        run.stderr
    );
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 1, "one line per finished run: {}", run.stdout);
    assert_eq!(
        (lines[0]["outcome"].as_str(), lines[0]["exit_code"].as_i64()),
        (Some("succeeded"), Some(0))
    );
    assert_eq!(lines[0]["task_id"], task);

    let detail = tix.json(&["show", &ticket]);
    assert_eq!(detail["status"], "building-done");
    assert_eq!(detail["assigned_agent_id"], Value::Null, "the claim was given back");
    let moves: Vec<(&str, &str)> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["action"] == "status_changed")
        .map(|h| {
            (
                h["agent_id"].as_str().unwrap_or_default(),
                h["to_status"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(moves, [("builder-1", "building"), ("builder-1", "building-done")]);
    assert_eq!(detail["tasks"][0]["status"], "done");
    let runs = detail["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["outcome"], "succeeded");
    assert_eq!(runs[0]["exit_code"], 0);
    assert!(runs[0]["summary"]
        .as_str()
        .unwrap_or_default()
        .contains("worker: all steps passed"));

    let stdin = std::fs::read_to_string(tix.path("stdin.txt")).expect("the script kept its stdin");
    assert!(
        stdin.contains("Build the component, then move it to building-done."),
        "{stdin}"
    );
    assert!(
        stdin.contains(&format!("Phase 2: Build Auth - TICKET: {ticket}")),
        "{stdin}"
    );
    assert!(stdin.contains("JWT login"), "{stdin}");
    let env = std::fs::read_to_string(tix.path("env.txt")).expect("env");
    for var in [
        "TIX_TICKET_ID=",
        "TIX_TASK_ID=",
        "TIX_RUN_ID=",
        "TIX_CLAIM=clm_",
        "TIX_AGENT_ID=builder-1",
        "TIX_SERVER=http://",
    ] {
        assert!(env.contains(var), "{var} missing:\n{env}");
    }
}

/// On the database directly: a failing command fails the task and the run
/// (with its exit code); nothing queued exits 3.
#[test]
fn work_once_records_a_failure_and_exits_3_when_nothing_is_queued() {
    let tix = Tix::new();
    tix.create_workflow_from(PHASED);
    let ticket = tix.create(&["Build Authentication System"]);
    let task = task_for(&tix, &ticket);
    let worker = script(&tix, 7);
    let run = work_once(&tix, &worker);
    assert_eq!(run.code, Some(0), "--once exits 0 after its task\n{}", run.stderr);
    assert_eq!(json_lines(&run.stdout)[0]["outcome"], "failed");
    let env = std::fs::read_to_string(tix.path("env.txt")).expect("env");
    assert!(env.contains("TIX_DATABASE_URL=sqlite://"), "{env}");
    let shown = tix.json(&["task", "show", &task]);
    assert_eq!(shown["status"], "failed");
    assert!(
        shown["note"].as_str().unwrap_or_default().contains("exited with 7"),
        "{shown}"
    );
    let runs = tix.json(&["run", "list", "--ticket", &ticket]);
    assert_eq!(runs["runs"][0]["outcome"], "failed");
    assert_eq!(runs["runs"][0]["exit_code"], 7);

    let again = work_once(&tix, &worker);
    assert_eq!(again.code, Some(3), "nothing queued\n{}", again.stderr);
    assert!(again.stderr.contains("nothing is queued"), "{}", again.stderr);
}

/// Without a phase, `tix work` claims ready tickets; `tix claim` prints
/// the token and `tix run finish` hands over to the next claim.
#[test]
fn claims_runs_and_handoffs_from_the_command_line() {
    let tix = Tix::new();
    tix.create_workflow();
    let ticket = tix.create(&["Cache layer"]);
    let claimed = tix.json(&["--agent", "w1", "claim", "--lease-seconds", "600"]);
    let token = claimed["claim_token"].as_str().expect("token").to_string();
    let run_id = claimed["run_id"].as_str().expect("run").to_string();
    let beat = tix.json(&["--agent", "w1", "--claim", &token, "heartbeat", &ticket]);
    assert_eq!(beat["run_id"], run_id.as_str());
    tix.ok(&[
        "--agent",
        "w1",
        "run",
        "finish",
        &run_id,
        "--outcome",
        "failed",
        "-m",
        "redis refused connections",
        "--remaining",
        "retry with a pool",
        "--cost",
        "0.12",
        "--tokens-in",
        "900",
    ]);
    let next = tix.json(&["--agent", "w2", "claim", "--wait", "2s"]);
    assert_eq!(next["id"], ticket.as_str());
    assert_eq!(next["handoffs"][0]["handoff"]["remaining"], "retry with a pool");
    // W1's old token is stale now: its moves are refused, its comments land.
    let stale = tix.fails(&["--agent", "w1", "--claim", &token, "move", &ticket, "testing"]);
    assert!(
        stale.stderr.contains("no longer hold") && stale.stderr.contains("hint: claim it again"),
        "{}",
        stale.stderr
    );
    tix.ok(&["--agent", "w1", "--claim", &token, "comment", &ticket, "notes for w2"]);
    // Nothing left: a claim waits, then says so.
    let started = std::time::Instant::now();
    let none = tix.fails(&["--agent", "w3", "claim", "--wait", "1s"]);
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "it waited");
    assert!(none.stderr.contains("no ticket is ready"), "{}", none.stderr);
}

/// SIGTERM while the command runs: the command ends, the run is abandoned,
/// the claim is given back and the task queued again; exit 143.
#[test]
fn sigterm_abandons_the_run_and_queues_the_task_again() {
    let tix = Tix::new();
    tix.create_workflow_from(PHASED);
    let ticket = tix.create(&["Build Authentication System"]);
    let task = task_for(&tix, &ticket);
    let slow = tix.write("slow.sh", "#!/bin/sh\ncat > /dev/null\necho started\nsleep 30\n");
    let mut worker = tix
        .command()
        .args([
            "work",
            "--phase",
            "2",
            "--agent",
            "builder-1",
            "--once",
            "--",
            "sh",
            &slow,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start tix work");
    // Wait until the task is taken.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let shown = tix.json(&["task", "show", &task]);
        if shown["status"] == "in_progress" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the worker never took the task: {shown}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(killed.success());
    let status = worker.wait().expect("the worker ends");
    let mut stderr = String::new();
    if let Some(mut err) = worker.stderr.take() {
        std::io::Read::read_to_string(&mut err, &mut stderr).expect("stderr");
    }
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(tix.json(&["task", "show", &task])["status"], "queued", "queued again");
    let detail = tix.json(&["show", &ticket]);
    assert_eq!(detail["assigned_agent_id"], Value::Null, "the claim was given back");
    assert_eq!(detail["runs"][0]["outcome"], "abandoned");
}
