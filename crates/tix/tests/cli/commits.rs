//! Commits and the git hook, in a real repository.

use std::process::Command;

use crate::harness::{Tix, TIX_VARS};

fn git(repo: &std::path::Path, args: &[&str]) -> String {
    let mut command = Command::new("git");
    // The hook names its database itself; nothing may reach it from our environment.
    for var in TIX_VARS {
        command.env_remove(var);
    }
    let output = command
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn commit(repo: &std::path::Path, file: &str, message: &str) -> String {
    std::fs::write(repo.join(file), format!("{message}\n")).expect("write file");
    git(repo, &["add", file]);
    let output = git(repo, &["commit", "-q", "-m", message]);
    let sha = git(repo, &["rev-parse", "HEAD"]).trim().to_string();
    eprintln!("{output}");
    sha
}

#[cfg(unix)]
#[test]
fn hooks_and_scans_link_commits_in_a_real_repository() {
    use std::os::unix::fs::PermissionsExt;

    let tix = Tix::new();
    tix.create_workflow();
    let a = tix.create(&["Login", "-t", "component"]);
    let b = tix.create(&["Token refresh", "-t", "component"]);
    let c = tix.create(&["Sessions", "-t", "component"]);

    let repo = tix.path("repo");
    std::fs::create_dir(&repo).expect("repo dir");
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "commit.gpgsign", "false"]);
    // An existing hook: kept, chained to, and restored.
    let original = "#!/bin/sh\necho chained >> \"$(git rev-parse --show-toplevel)/../chained.log\"\n";
    let hook = repo.join(".git/hooks/post-commit");
    std::fs::write(&hook, original).expect("write hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let installed = tix.ok(&["hooks", "install", "--repo", repo.to_str().expect("path")]);
    assert!(installed.contains("kept as post-commit.tix-orig"), "{installed}");
    assert!(repo.join(".git/hooks/post-commit.tix-orig").exists());
    let again = tix.ok(&["hooks", "install", "--repo", repo.to_str().expect("path")]);
    assert!(!again.contains("kept as"), "installing twice keeps the chain: {again}");

    let first = commit(&repo, "login.rs", &format!("Add login endpoint\n\nTICKET: {a}"));
    let shown = tix.json(&["show", &a]);
    assert_eq!(
        shown["commits"][0]["sha"],
        first.as_str(),
        "the hook linked it: {shown}"
    );
    assert_eq!(shown["commits"][0]["source"], "hook");
    assert_eq!(shown["commits"][0]["author"], "Ada <ada@example.com>");
    assert_eq!(shown["commits"][0]["files_changed"], 1);
    assert_eq!(shown["commits"][0]["insertions"], 3);
    assert!(shown["commits"][0]["committed_at"].is_string());
    let chained = std::fs::read_to_string(tix.path("chained.log")).unwrap_or_default();
    assert_eq!(chained.lines().count(), 1, "the original hook ran too");

    commit(&repo, "refresh.rs", &format!("Fix token refresh\n\nFixes {b}"));
    assert_eq!(tix.json(&["show", &b])["is_resolved"], true, "Fixes resolves");

    let removed = tix.ok(&["hooks", "uninstall", "--repo", repo.to_str().expect("path")]);
    assert!(removed.contains("restored the original"), "{removed}");
    assert_eq!(std::fs::read_to_string(&hook).expect("hook"), original);
    assert!(!repo.join(".git/hooks/post-commit.tix-orig").exists());
    tix.fails(&["hooks", "uninstall", "--repo", repo.to_str().expect("path")]);

    // Made without the hook: linked by a scan, which is idempotent.
    let third = commit(
        &repo,
        "sessions.rs",
        &format!("Sessions table\n\nRefs {c}, ticket-nosuch"),
    );
    let scan = tix.run(&["--json", "commits", "scan"]);
    assert_eq!(scan.code, Some(1), "outside the repository: {}", scan.stdout);
    let report = tix.json(&["commits", "scan", "--repo", repo.to_str().expect("path")]);
    assert_eq!(report["commits_scanned"], 3);
    assert_eq!(report["linked"], serde_json::json!([{"sha": third, "ticket_id": c}]));
    assert_eq!(report["already_linked"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["skipped"][0]["ticket_id"], "ticket-nosuch");
    let again = tix.json(&["commits", "scan", "--repo", repo.to_str().expect("path")]);
    assert_eq!(again["linked"], serde_json::json!([]));
    assert_eq!(again["already_linked"].as_array().map(Vec::len), Some(3));
    assert_eq!(again["resolved"], serde_json::json!([]), "nothing is resolved twice");
    let since = tix.json(&[
        "commits",
        "scan",
        "--since",
        "HEAD~1",
        "--repo",
        repo.to_str().expect("path"),
    ]);
    assert_eq!(since["commits_scanned"], 1);
    let history = tix.ok(&["show", &c]);
    assert!(history.contains("commit") && history.contains(&third[..8]), "{history}");
}
