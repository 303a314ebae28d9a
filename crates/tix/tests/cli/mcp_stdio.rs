//! MCP over stdio: three agents each launch the built `tix mcp` (as an
//! MCP client launches a server) and play the spec's three phases
//! (tix_server::story), once on the database directly and once relayed to
//! a running `tix serve` with `--server`.

use rmcp::model::ClientConfig;
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use tix_server::story::{self, Agents};

use crate::harness::Tix;

/// `tix mcp --agent AGENT [extra]` on `tix`'s database, launched the way an
/// MCP client launches a server.
async fn launch(tix: &Tix, agent: &str, extra: &[&str]) -> RunningService<RoleClient, ClientConfig> {
    let mut command = tokio::process::Command::from(tix.command());
    command.args(["mcp", "--agent", agent]).args(extra);
    let transport = TokioChildProcess::new(command).expect("spawn tix mcp");
    ClientConfig::default()
        .serve(transport)
        .await
        .expect("MCP handshake with tix mcp")
}

async fn play(tix: &Tix, extra: &[&str]) {
    // The story also takes tasks by hand (update_task), beyond the default toolset.
    let extra = [extra, &["--toolset", "all"]].concat();
    let planner = launch(tix, "planner", &extra).await;
    let builder = launch(tix, "builder", &extra).await;
    let tester = launch(tix, "tester", &extra).await;
    story::three_phases(&Agents {
        planner: planner.peer().clone(),
        builder: builder.peer().clone(),
        tester: tester.peer().clone(),
    })
    .await;
    for client in [planner, builder, tester] {
        let _ = client.cancel().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_phases_over_stdio() {
    let tix = Tix::new();
    tix.create_seed_workflow();
    play(&tix, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_phases_over_stdio_relayed_to_a_server() {
    let mut tix = Tix::new();
    tix.create_seed_workflow();
    let server = tix.serve(&[]);
    // The relays talk to the server only: their own database is empty, so
    // the story would fail at get_board if they opened it.
    let elsewhere = Tix::new();
    play(&elsewhere, &["--server", &server.url]).await;
}

/// The spec's YAML call for call over stdio, on a database that starts
/// empty: `--board` creates the workflow, `--phase` names the tester's phase.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_spec_verbatim_over_stdio_on_a_board_file() {
    let tix = Tix::new();
    let workflow = serde_json::to_string(&tix_store::conformance::seed_workflow(None, "From a file")).expect("json");
    let board = tix.write("board.json", &workflow);
    let planner = launch(&tix, "agent-phase1-a", &["--board", &board]).await;
    let builder = launch(&tix, "agent-phase2-a", &["--board", &board]).await;
    let tester = launch(&tix, "qa", &["--board", &board, "--phase", "3"]).await;
    story::spec_verbatim(&Agents {
        planner: planner.peer().clone(),
        builder: builder.peer().clone(),
        tester: tester.peer().clone(),
    })
    .await;
    let listed = tix.json(&["workflow", "list"]);
    assert_eq!(
        listed["workflows"].as_array().map(Vec::len),
        Some(1),
        "one workflow, made once: {listed}"
    );
    for client in [planner, builder, tester] {
        let _ = client.cancel().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_workflow_the_error_says_how_to_make_one() {
    let tix = Tix::new();
    let client = launch(&tix, "planner", &[]).await;
    let text = story::fails(client.peer(), "get_board", serde_json::json!({})).await;
    assert!(
        text.starts_with("error [workflow_not_chosen]: no workflow exists yet"),
        "{text}"
    );
    assert!(text.contains("create_workflow") && text.contains("--board"), "{text}");
    let _ = client.cancel().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_sends_the_agents_token() {
    let mut tix = Tix::new();
    tix.create_seed_workflow();
    let token = tix.run(&["agent", "add", "builder"]).stdout.trim().to_string();
    assert!(token.starts_with("tix_"), "{token}");
    let server = tix.serve(&["--auth", "required"]);
    let elsewhere = Tix::new();
    let client = launch(&elsewhere, "human", &["--server", &server.url, "--token", &token]).await;
    let made = story::ok(
        client.peer(),
        "create_ticket",
        serde_json::json!({"title": "Auth", "description": "JWT", "ticket_type": "component"}),
    )
    .await;
    let id = made["ticket_id"].as_str().expect("id").to_string();
    let detail = story::ok(client.peer(), "get_ticket", serde_json::json!({"ticket_id": id})).await;
    assert_eq!(detail["created_by"], "builder", "the token decides the agent");
    let _ = client.cancel().await;
}

#[test]
fn the_relay_without_a_token_gives_token_advice() {
    use std::io::Write;
    use std::process::Stdio;
    let mut tix = Tix::new();
    let server = tix.serve(&["--auth", "required"]);
    let elsewhere = Tix::new();
    let mut child = elsewhere
        .command()
        .args(["mcp", "--server", &server.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tix mcp");
    let initialize = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{initialize}").expect("write initialize");
    }
    let output = child.wait_with_output().expect("tix mcp exits");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("requires an agent token") && stderr.contains("--token"),
        "{stderr}"
    );
    assert!(!stderr.contains("Start it with `tix serve`"), "{stderr}");
}
