//! Hierarchy, export/import and the beads and GitHub importers through the
//! built binary: on the database directly and through `tix serve`, on
//! SQLite and (with `TIX_TEST_POSTGRES_URL`) PostgreSQL.

use serde_json::{json, Value};

use crate::harness::Tix;

fn fixture(name: &str) -> String {
    format!("{}/../../examples/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Parents from the command line: `create --parent`, the tree in `show`,
/// a refused resolve and `--force`, `edit --parent/--no-parent`, `list --parent`.
fn hierarchy(tix: &Tix) {
    tix.create_seed_workflow();
    let epic = tix.create(&["Checkout epic"]);
    let cart = tix.create(&["Cart totals", "--parent", &epic]);
    let tax = tix.create(&["Tax rules", "--parent", &cart]);
    let pay = tix.create(&["Payment", "--parent", &epic]);

    let shown = tix.ok(&["show", &epic]);
    assert!(shown.contains("children (0/3 resolved):"), "{shown}");
    let cart_at = shown.find(&cart).expect("cart in the tree");
    let tax_line = shown.lines().find(|l| l.contains(&tax)).expect("tax in the tree");
    assert!(
        tax_line.starts_with("    "),
        "a grandchild is indented deeper: {tax_line:?}"
    );
    assert!(
        cart_at < shown.find(&tax).unwrap_or(0) && shown.find(&tax) < shown.find(&pay),
        "{shown}"
    );
    let child = tix.ok(&["show", &tax]);
    assert!(child.contains(&format!("parent:      ○ {cart}")), "{child}");

    let ready = tix.json(&["ready"]);
    let ids: Vec<&str> = ready["tickets"]
        .as_array()
        .expect("ready")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(!ids.contains(&epic.as_str()) && ids.contains(&tax.as_str()), "{ids:?}");

    let refused = tix.fails(&["resolve", &cart]);
    assert!(refused.stderr.contains("unresolved children"), "{}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    let refused = tix.fails(&["move", &cart, "done"]);
    assert!(refused.stderr.contains(&tax), "{}", refused.stderr);
    let forced = tix.json(&["resolve", &cart, "--force", "-m", "tax moves to the next epic"]);
    assert_eq!(forced["ticket"]["is_resolved"], json!(true));

    let looped = tix.fails(&["edit", &epic, "--parent", &tax]);
    assert!(looped.stderr.contains("loop"), "{}", looped.stderr);
    tix.ok(&["edit", &pay, "--no-parent"]);
    let listed = tix.json(&["list", "--parent", &epic]);
    let ids: Vec<&str> = listed["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(ids, vec![cart.as_str()]);
    tix.ok(&["edit", &pay, "--parent", &epic]);
    assert!(tix.ok(&["show", &epic]).contains("children (1/3 resolved):"));
}

#[test]
fn hierarchy_locally_and_through_a_server_on_sqlite() {
    hierarchy(&Tix::new());
    let mut remote = Tix::new();
    let _server = remote.serve(&[]);
    hierarchy(&remote);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hierarchy_locally_and_through_a_server_on_postgres() {
    let Some(local) = Tix::on_postgres().await else { return };
    hierarchy(&local);
    let Some(mut remote) = Tix::on_postgres().await else {
        return;
    };
    let _server = remote.serve(&[]);
    hierarchy(&remote);
}

/// A board with edges, a parent, comments, a move, a resolve, a task, a
/// commit link and a finished run, built through the CLI.
fn populate(tix: &Tix) {
    tix.create_seed_workflow();
    let infra = tix.create(&["Infrastructure", "--tag", "ops"]);
    let db = tix.create(&["Database schema", "-d", "Users, sessions", "--blocked-by", &infra]);
    let epic = tix.create(&["Checkout epic", "-p", "high"]);
    tix.create(&["Cart", "--parent", &epic, "--blocked-by", &db]);
    tix.ok(&["comment", &infra, "Terraform in place"]);
    tix.ok(&["move", &infra, "building", "-m", "starting"]);
    tix.ok(&["resolve", &infra, "-m", "done"]);
    tix.ok(&[
        "task",
        "create",
        &format!("Phase 2: Build the schema - TICKET: {db}"),
        "--phase",
        "2",
    ]);
    tix.ok(&["--agent", "builder", "claim", &db]);
}

fn header_and_rest(text: &str) -> (Value, Vec<String>) {
    let mut lines = text.lines();
    let header = serde_json::from_str(lines.next().expect("a header")).expect("header JSON");
    (header, lines.map(str::to_string).collect())
}

/// `tix export` → `tix import --keep-ids` into an empty database → `tix
/// export` gives the same file but for the header's time; a file with a
/// cycle is refused with its line and writes nothing.
fn round_trip(source: &Tix, target: &Tix) {
    populate(source);
    let first = source.path("first.jsonl");
    let first = first.to_str().expect("path");
    let exported = source.json(&["export", "-o", first]);
    assert_eq!(exported["tickets"], json!(4));
    let stdout = source.ok(&["export"]);
    let text = std::fs::read_to_string(first).expect("export file");
    assert_eq!(
        header_and_rest(&stdout).1,
        header_and_rest(&text).1,
        "stdout and -o agree"
    );
    let (header, _) = header_and_rest(&text);
    assert_eq!(header["tix_export"], json!(1));

    // A cycle through the last ticket's line: refused, nothing written.
    let mut lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let (first_id, last_id) = (lines[2]["id"].clone(), lines[5]["id"].clone());
    lines[2]["blocked_by"] = json!([{"blocker_id": last_id, "created_by": "x", "created_at": "2025-01-01T00:00:00Z"}]);
    let cyclic: String = lines.iter().map(|l| format!("{l}\n")).collect();
    assert!(cyclic.contains(first_id.as_str().unwrap_or_default()));
    let bad = target.write("cyclic.jsonl", &cyclic);
    let refused = target.fails(&["import", "--file", &bad, "--keep-ids"]);
    assert!(refused.stderr.contains("line 6"), "{}", refused.stderr);
    assert!(refused.stderr.contains("cycle"), "{}", refused.stderr);
    assert_eq!(
        target.json(&["workflow", "list"]),
        json!({"workflows": []}),
        "nothing was written"
    );

    let imported = target.json(&["import", "--file", first, "--keep-ids"]);
    assert_eq!(imported["workflow_created"], json!(true), "{imported}");
    assert_eq!(imported["ticket_ids"].as_array().map(Vec::len), Some(4));
    let again = target.ok(&["export"]);
    assert_eq!(
        header_and_rest(&again).1,
        header_and_rest(&text).1,
        "export → import → export"
    );
    let again = target.fails(&["import", "--file", first, "--keep-ids"]);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let copy = target.ok(&["import", "--file", first]);
    assert!(copy.contains("imported 4 tickets into the new workflow"), "{copy}");
}

#[test]
fn export_import_round_trip_on_sqlite() {
    round_trip(&Tix::new(), &Tix::new());
    let mut source = Tix::new();
    let _a = source.serve(&[]);
    let mut target = Tix::new();
    let _b = target.serve(&[]);
    round_trip(&source, &target);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_import_round_trip_on_postgres() {
    let (Some(source), Some(target)) = (Tix::on_postgres().await, Tix::on_postgres().await) else {
        return;
    };
    round_trip(&source, &target);
    // SQLite → a PostgreSQL server.
    let sqlite = Tix::new();
    let Some(mut pg) = Tix::on_postgres().await else { return };
    let _server = pg.serve(&[]);
    round_trip(&sqlite, &pg);
}

/// beads and GitHub files go into the workflow with a summary of what was
/// mapped and skipped; their ids find the tickets.
fn foreign(tix: &Tix) {
    tix.create_seed_workflow();
    let beads = tix.ok(&["import", "--from", "beads", &fixture("beads-issues.jsonl")]);
    assert!(beads.contains("imported 7 of 8 issues from beads"), "{beads}");
    assert!(beads.contains("status 'in_progress' → 'building'"), "{beads}");
    assert!(beads.contains("deleted in beads (tombstone)"), "{beads}");
    assert!(beads.contains("Tix has no such relation"), "{beads}");
    let epic = tix.ok(&["show", "shop-1"]);
    assert!(epic.contains("imported as: shop-1"), "{epic}");
    assert!(epic.contains("children (1/3 resolved):"), "{epic}");
    let payment = tix.json(&["show", "shop-1.2"]);
    assert_eq!(payment["status"], json!("building"));
    assert_eq!(payment["assigned_agent_id"], json!("builder-b"));
    let flaky = tix.ok(&["show", "shop-2"]);
    assert!(flaky.contains("discovered from"), "{flaky}");

    let github = tix.json(&["import", "--from", "github", &fixture("github-issues.json")]);
    assert_eq!(github["summary"]["imported"], json!(4), "{github}");
    assert_eq!(github["report"]["edges"], json!(3), "{github}");
    let cart = tix.json(&["show", "acme/shop#3"]);
    assert_eq!(cart["is_blocked"], json!(true), "blocked by the open #2");
    assert_eq!(cart["priority"], json!("high"));
    let found = tix.json(&["search", "acme/shop#2", "--type", "keyword", "--embedder", "none"]);
    assert_eq!(found["results"][0]["external_ref"], json!("acme/shop#2"), "{found}");
}

#[test]
fn importers_locally_and_through_a_server_on_sqlite() {
    foreign(&Tix::new());
    let mut remote = Tix::new();
    let _server = remote.serve(&[]);
    foreign(&remote);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importers_on_postgres() {
    let Some(tix) = Tix::on_postgres().await else { return };
    foreign(&tix);
}
