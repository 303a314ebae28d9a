//! The one harness for running the built `tix`: a temporary directory with
//! its database, commands with a clean environment, `tix serve` children on
//! port 0, and JSON helpers.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

/// The board most CLI tests use: four columns, a WIP limit on building.
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

/// The environment variables `tix` reads; a test's commands start without them.
pub const TIX_VARS: [&str; 12] = [
    "TIX_SERVER",
    "TIX_CLAIM",
    "TIX_RUN_ID",
    "TIX_DATABASE_URL",
    "TIX_AGENT_ID",
    "TIX_WORKFLOW",
    "TIX_TOKEN",
    "TIX_AUTH",
    "TIX_ADDR",
    "RUST_LOG",
    "TIX_CONFIG",
    "TIX_METRICS_PUBLIC",
];

/// The built binary, with none of [`TIX_VARS`] inherited.
pub fn tix_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tix"));
    for var in TIX_VARS {
        command.env_remove(var);
    }
    command
}

/// One temporary database (a SQLite file, or a PostgreSQL schema), and
/// optionally a server in front of it.
pub struct Tix {
    dir: tempfile::TempDir,
    pub server: Option<String>,
    /// A PostgreSQL schema used instead of the SQLite file.
    postgres: Option<tix_store::TestSchema>,
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Tix {
    pub fn new() -> Tix {
        Tix {
            dir: tempfile::tempdir().expect("temp dir"),
            server: None,
            postgres: None,
        }
    }

    /// On a PostgreSQL schema of its own when `TIX_TEST_POSTGRES_URL` names
    /// a server; None (after a message) otherwise.
    pub async fn on_postgres() -> Option<Tix> {
        let Some(url) = std::env::var("TIX_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
            eprintln!("TIX_TEST_POSTGRES_URL is not set; skipping the PostgreSQL side of this test");
            return None;
        };
        let schema = tix_store::TestSchema::create(&url).await.expect("a test schema");
        Some(Tix {
            postgres: Some(schema),
            ..Tix::new()
        })
    }

    pub fn database_url(&self) -> String {
        match &self.postgres {
            Some(schema) => schema.url.clone(),
            None => format!("sqlite://{}", self.dir.path().join("tix.db").display()),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write test file");
        path.display().to_string()
    }

    /// `tix` on this directory's database (and its server, once started).
    pub fn command(&self) -> Command {
        let mut command = tix_command();
        command.env("TIX_DATABASE_URL", self.database_url());
        if let Some(server) = &self.server {
            command.env("TIX_SERVER", server);
        }
        command.current_dir(self.dir.path());
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().expect("run tix"))
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
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
    pub fn fails(&self, args: &[&str]) -> Run {
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

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let stdout = self.ok(&all);
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("tix {args:?} printed no JSON ({e}):\n{stdout}"))
    }

    /// `tix workflow create --file` with [`BOARD_YAML`]; returns the id.
    pub fn create_workflow(&self) -> String {
        let file = self.write("board.yaml", BOARD_YAML);
        let workflow = self.json(&["workflow", "create", "--file", &file]);
        workflow["id"].as_str().expect("workflow id").to_string()
    }

    /// `tix workflow create --file` with the seed's web-app workflow (its
    /// board and three phases), written from the conformance fixture.
    pub fn create_seed_workflow(&self) -> String {
        let seed = tix_store::conformance::seed_workflow(None, "Web app");
        let yaml = serde_yaml::to_string(&seed).expect("the seed workflow as YAML");
        let file = self.write("seed.yaml", &yaml);
        let workflow = self.json(&["workflow", "create", "--file", &file]);
        workflow["id"].as_str().expect("workflow id").to_string()
    }

    /// `tix workflow create --file` from a YAML text; returns the id.
    pub fn create_workflow_from(&self, yaml: &str) -> String {
        let file = self.write("workflow.yaml", yaml);
        let workflow = self.json(&["workflow", "create", "--file", &file]);
        workflow["id"].as_str().expect("workflow id").to_string()
    }

    /// `tix create` prints the new id.
    pub fn create(&self, args: &[&str]) -> String {
        let mut all = vec!["create"];
        all.extend_from_slice(args);
        let id = self.ok(&all).trim().to_string();
        assert!(id.starts_with("ticket-"), "create printed {id:?}");
        id
    }

    /// Starts `tix serve --addr 127.0.0.1:0` on this database; later
    /// commands go through it.
    pub fn serve(&mut self, extra: &[&str]) -> Served {
        let mut command = self.command();
        command.args(["serve", "--addr", "127.0.0.1:0"]).args(extra);
        command.stderr(Stdio::piped());
        let served = Served::spawn(command);
        assert!(served.url.starts_with("http://127.0.0.1:"), "{}", served.url);
        self.server = Some(served.url.clone());
        served
    }
}

/// A running `tix serve`, killed when dropped.
pub struct Served {
    pub child: Child,
    pub url: String,
}

impl Served {
    /// Spawns `command` (a `tix serve`) and reads the address it prints
    /// first. A piped stderr is shown if the server fails to start, then
    /// drained so the server never blocks on it.
    pub fn spawn(mut command: Command) -> Served {
        let mut child = command.stdout(Stdio::piped()).spawn().expect("spawn tix serve");
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
        if let Some(mut err) = child.stderr.take() {
            std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        }
        Served { child, url }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn ticket_ids(page: &Value) -> Vec<String> {
    page["tickets"]
        .as_array()
        .expect("tickets array")
        .iter()
        .map(|t| t["id"].as_str().expect("id").to_string())
        .collect()
}

pub fn find<'a>(page: &'a Value, id: &str) -> &'a Value {
    page["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| t["id"] == id)
        .expect("ticket in list")
}
