//! Search from the CLI, with the embedding model (locally and through a
//! server) and without it.

use serde_json::Value;

use crate::harness::{Run, Tix};

/// Whether the embedding model is installed (TIX_MODEL_DIR or the default
/// path). Without it the model-dependent tests skip with a message, unless
/// TIX_REQUIRE_MODEL is set (scripts/test sets it), when they fail.
pub fn model_present() -> bool {
    let dir = tix_search::embed::model_dir(None);
    if tix_search::embed::MiniLm::files_present(&dir) {
        return true;
    }
    let required = std::env::var_os("TIX_REQUIRE_MODEL").is_some_and(|v| !v.is_empty() && v != "0");
    assert!(
        !required,
        "TIX_REQUIRE_MODEL is set but there are no model files in {}",
        dir.display()
    );
    eprintln!("SKIPPED: model-dependent test: no model files in {}", dir.display());
    false
}

#[test]
fn search_locally_and_through_a_server() {
    if !model_present() {
        return;
    }
    let mut tix = Tix::new();
    tix.create_workflow();
    let login = tix.create(&[
        "Login page crashes on submit",
        "-d",
        "White screen after pressing sign in",
        "--type",
        "bug",
    ]);
    tix.create(&["Document drag and drop on the kanban board", "--type", "feature"]);
    tix.create(&["Export invoices as CSV", "--type", "feature", "--tag", "billing"]);
    // Local mode embeds what was written, then searches.
    let table = tix.ok(&["search", "authentication screen goes blank"]);
    let first = table.lines().nth(1).unwrap_or_default();
    assert!(table.starts_with("SCORE"), "{table}");
    assert!(first.contains(&login) && first.contains("backlog"), "{table}");
    let found = tix.json(&["search", "invoice", "--type", "keyword", "--tag", "billing", "-n", "3"]);
    assert_eq!(found["semantic_available"], true);
    assert_eq!(found["results"].as_array().map(Vec::len), Some(1));
    let reindexed = tix.ok(&["reindex"]);
    assert!(
        reindexed.contains("re-embedded 3 tickets with all-MiniLM-L6-v2"),
        "{reindexed}"
    );
    // Through a server: the same search, and creates report look-alikes.
    let server = tix.serve(&[]);
    let found = tix.json(&["search", "sign-in crash", "-n", "1"]);
    assert_eq!(found["results"][0]["id"], login.as_str());
    assert_eq!(found["search_type"], "hybrid");
    let run = tix.run(&[
        "create",
        "Login page crashes on submit",
        "-d",
        "White screen after pressing sign in",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("similar unresolved tickets") && run.stderr.contains(&login),
        "{}",
        run.stderr
    );
    let refused = tix.fails(&["reindex"]);
    assert!(refused.stderr.contains("hint: "), "{}", refused.stderr);
    drop(server);
}

#[test]
fn search_without_a_model_is_keyword_only() {
    let tix = Tix::new();
    tix.create_workflow();
    let id = tix.create(&["Login page crashes on submit"]);
    let mut command = tix.command();
    command.env("TIX_MODEL_DIR", tix.path("no-model"));
    let run = Run::from(
        command
            .args(["--json", "search", "login crash"])
            .output()
            .expect("run tix"),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let found: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(found["semantic_available"], false);
    assert_eq!(found["results"][0]["id"], id.as_str());
    assert!(run.stderr.contains("semantic search off"), "{}", run.stderr);
    let found = tix.json(&["search", "login", "--embedder", "none", "--type", "semantic"]);
    assert_eq!(found["search_type"], "keyword");
    assert!(found["warning"].is_string());
    let refused = tix.fails(&["reindex", "--embedder", "none"]);
    assert!(refused.stderr.contains("hint: "), "{}", refused.stderr);
}
