//! Tasks and the Guardian from the CLI, locally and through a server.

use crate::harness::Tix;

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
