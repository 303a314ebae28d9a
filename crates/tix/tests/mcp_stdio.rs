//! MCP over stdio: three agents each launch the built `tix mcp` (as an
//! MCP client launches a server) and play the spec's three phases
//! (tix_server::story), once on the database directly and once relayed to
//! a running `tix serve` with `--server`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use rmcp::model::ClientConfig;
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use tix_server::story::{self, Agents};

const SEED_YAML: &str = "\
name: Web app
board_config:
  columns:
    - {id: backlog, name: Backlog}
    - {id: building, name: Building}
    - {id: building-done, name: Built}
    - {id: testing, name: Testing}
    - {id: testing-done, name: Tested}
    - {id: done, name: Done}
  ticket_types: [component, bug, feature]
  initial_status: backlog
phases:
  - {id: 1, name: Plan, columns: [backlog]}
  - {id: 2, name: Build, columns: [backlog, building, building-done]}
  - {id: 3, name: Test, columns: [building-done, testing, testing-done, done]}
";

fn database(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("tix.db").display())
}

fn tix(dir: &tempfile::TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tix"));
    for var in [
        "TIX_SERVER",
        "TIX_AGENT_ID",
        "TIX_WORKFLOW",
        "TIX_TOKEN",
        "TIX_AUTH",
        "RUST_LOG",
    ] {
        command.env_remove(var);
    }
    command.env("TIX_DATABASE_URL", database(dir)).current_dir(dir.path());
    command
}

fn create_workflow(dir: &tempfile::TempDir) {
    let file = dir.path().join("board.yaml");
    std::fs::write(&file, SEED_YAML).expect("write board");
    let status = tix(dir)
        .args(["workflow", "create", "--file"])
        .arg(&file)
        .stdout(Stdio::null())
        .status()
        .expect("run tix workflow create");
    assert!(status.success());
}

/// `tix mcp --agent AGENT [extra]`, launched the way an MCP client launches a server.
async fn launch(dir: &tempfile::TempDir, agent: &str, extra: &[&str]) -> RunningService<RoleClient, ClientConfig> {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tix"));
    for var in ["TIX_SERVER", "TIX_AGENT_ID", "TIX_WORKFLOW", "TIX_TOKEN", "RUST_LOG"] {
        command.env_remove(var);
    }
    command
        .env("TIX_DATABASE_URL", database(dir))
        .current_dir(dir.path())
        .args(["mcp", "--agent", agent])
        .args(extra);
    let transport = TokioChildProcess::new(command).expect("spawn tix mcp");
    ClientConfig::default()
        .serve(transport)
        .await
        .expect("MCP handshake with tix mcp")
}

async fn play(dir: &tempfile::TempDir, extra: &[&str]) {
    let planner = launch(dir, "planner", extra).await;
    let builder = launch(dir, "builder", extra).await;
    let tester = launch(dir, "tester", extra).await;
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
    let dir = tempfile::tempdir().expect("tempdir");
    create_workflow(&dir);
    play(&dir, &[]).await;
}

/// A running `tix serve`, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `tix serve` on the directory's database; returns it and its URL.
fn serve(dir: &tempfile::TempDir, extra: &[&str]) -> (Server, String) {
    let mut child = tix(dir)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tix serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server's first line");
    let url = line
        .trim()
        .strip_prefix("tix listening on ")
        .expect("address")
        .to_string();
    (Server(child), url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_phases_over_stdio_relayed_to_a_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    create_workflow(&dir);
    let (_server, url) = serve(&dir, &[]);
    // The relays talk to the server only: their own database is empty, so
    // the story would fail at get_board if they opened it.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    play(&elsewhere, &["--server", &url]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_sends_the_agents_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    create_workflow(&dir);
    let output = tix(&dir)
        .args(["agent", "add", "builder"])
        .output()
        .expect("tix agent add");
    let token = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(token.starts_with("tix_"), "{token}");
    let (_server, url) = serve(&dir, &["--auth", "required"]);
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let client = launch(&elsewhere, "human", &["--server", &url, "--token", &token]).await;
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
