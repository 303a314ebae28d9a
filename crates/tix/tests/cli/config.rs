//! The settings file: precedence flag > variable > file > default, the
//! ways to name it, unknown keys, and `tix serve` configured by it alone.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{Served, Tix};

fn created_by(tix: &Tix, envs: &[(&str, &str)], args: &[&str]) -> String {
    let mut command = tix.command();
    command
        .args(["--json", "create", "A ticket", "--embedder", "none"])
        .args(args);
    for (name, value) in envs {
        command.env(name, value);
    }
    let output = command.output().expect("run tix");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: Value = serde_json::from_str(&stdout).expect("json");
    created["ticket"]["created_by"]
        .as_str()
        .expect("created_by")
        .to_string()
}

#[test]
fn flag_beats_variable_beats_file_beats_default() {
    let tix = Tix::new();
    tix.create_workflow();
    assert_eq!(created_by(&tix, &[], &[]), "human", "the default");
    tix.write("tix.toml", "agent = \"from-file\"\n");
    assert_eq!(created_by(&tix, &[], &[]), "from-file");
    assert_eq!(created_by(&tix, &[("TIX_AGENT_ID", "from-env")], &[]), "from-env");
    assert_eq!(
        created_by(&tix, &[("TIX_AGENT_ID", "from-env")], &["--agent", "from-flag"]),
        "from-flag"
    );
    // --config and TIX_CONFIG name another file (instead of ./tix.toml).
    let other = tix.write("other.toml", "agent = \"from-other\"\n");
    assert_eq!(created_by(&tix, &[], &["--config", &other]), "from-other");
    assert_eq!(created_by(&tix, &[("TIX_CONFIG", &other)], &[]), "from-other");
    let missing = tix.run(&["--config", "nope.toml", "list"]);
    assert_eq!(missing.code, Some(2));
    assert!(missing.stderr.contains("nope.toml"), "{}", missing.stderr);
}

#[test]
fn the_file_names_the_database() {
    let tix = Tix::new();
    let elsewhere = tix.path("elsewhere.db");
    tix.write(
        "tix.toml",
        &format!("database = \"sqlite://{}\"\njson = true\n", elsewhere.display()),
    );
    // The harness sets TIX_DATABASE_URL, which wins over the file: drop it.
    let mut command = tix.command();
    command.env_remove("TIX_DATABASE_URL").args(["workflow", "list"]);
    let output = command.output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let listed: Value = serde_json::from_slice(&output.stdout).expect("`json = true` from the file");
    assert_eq!(listed["workflows"], serde_json::json!([]));
    assert!(elsewhere.exists(), "the file's database was opened");
}

#[test]
fn unknown_keys_are_refused_naming_the_key_and_the_file() {
    let tix = Tix::new();
    tix.write("tix.toml", "agent = \"a\"\n\n[serve]\nadress = \"127.0.0.1:1\"\n");
    let run = tix.run(&["list"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("tix.toml (line 4)"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown key `adress`"), "{}", run.stderr);
    tix.write("tix.toml", "[serve]\npool_size = \"many\"\n");
    let run = tix.run(&["list"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("tix.toml (line 2)"), "{}", run.stderr);
}

/// `tix serve` with no flags: address, auth and public metrics from the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_its_settings_from_the_file() {
    let tix = Tix::new();
    tix.write(
        "tix.toml",
        "log = \"warn\"\n[serve]\naddr = \"127.0.0.1:0\"\nauth = \"required\"\nmetrics_public = true\n\
         [embedding]\nembedder = \"none\"\n",
    );
    let mut command = tix.command();
    command.arg("serve").stderr(std::process::Stdio::piped());
    let served = Served::spawn(command);
    let http = reqwest::Client::new();
    let metrics = http
        .get(format!("{}/metrics", served.url))
        .send()
        .await
        .expect("metrics");
    assert_eq!(metrics.status(), StatusCode::OK, "metrics_public from the file");
    let api = http
        .get(format!("{}/api/workflows", served.url))
        .send()
        .await
        .expect("api");
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "auth = required from the file");
}
