//! Agent tokens, and a server that requires them.

use crate::harness::Tix;

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
