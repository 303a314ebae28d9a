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
    let planner = launch(tix, "planner", extra).await;
    let builder = launch(tix, "builder", extra).await;
    let tester = launch(tix, "tester", extra).await;
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
