//! Reading commits with the `git` command: messages, authors, the commit's
//! own timestamp and its change counts.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};

use crate::error::Failure;

pub type Result<T> = std::result::Result<T, Failure>;

#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub sha: String,
    /// `Name <email>`
    pub author: String,
    /// The committer date.
    pub committed_at: Option<DateTime<Utc>>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub files_changed: Option<u32>,
    pub insertions: Option<u32>,
    pub deletions: Option<u32>,
}

/// Runs git in `repo`; its stdout, or a failure with git's own words.
pub fn git(repo: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| {
            Failure::new("git_failed", format!("cannot run git: {e}"))
                .with_hint("Install git, or run tix where git is on the PATH.")
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Failure::new(
            "git_failed",
            format!("git {} failed: {}", args.join(" "), stderr.trim()),
        )
        .with_hint("Run tix inside a git repository, or name one with --repo PATH."));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The top directory of the repository that contains `path`.
pub fn toplevel(path: &Path) -> Result<PathBuf> {
    Ok(PathBuf::from(git(path, &["rev-parse", "--show-toplevel"])?.trim()))
}

/// The directory git runs hooks from (honours `core.hooksPath` and worktrees).
pub fn hooks_dir(repo: &Path) -> Result<PathBuf> {
    let dir = PathBuf::from(git(repo, &["rev-parse", "--git-path", "hooks"])?.trim());
    Ok(if dir.is_absolute() { dir } else { repo.join(dir) })
}

const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';

fn parse_log(text: &str) -> Vec<CommitInfo> {
    text.split(RECORD)
        .filter_map(|record| {
            let record = record.trim_start_matches('\n');
            let mut fields = record.splitn(4, FIELD);
            let sha = fields.next()?.trim().to_string();
            if sha.is_empty() {
                return None;
            }
            let author = fields.next()?.to_string();
            let committed_at = DateTime::parse_from_rfc3339(fields.next()?.trim())
                .ok()
                .map(|t| t.with_timezone(&Utc));
            let message = fields.next().unwrap_or_default().trim().to_string();
            Some(CommitInfo {
                sha,
                author,
                committed_at,
                message,
            })
        })
        .collect()
}

const FORMAT: &str = "--format=%H%x1f%an <%ae>%x1f%cI%x1f%B%x1e";

/// Commits reachable from HEAD, oldest first; only those after `since` when given.
pub fn log(repo: &Path, since: Option<&str>) -> Result<Vec<CommitInfo>> {
    let range = since.map(|rev| format!("{rev}..HEAD"));
    let mut args = vec!["log", "--reverse", FORMAT];
    if let Some(range) = &range {
        args.push(range);
    }
    Ok(parse_log(&git(repo, &args)?))
}

/// One commit.
pub fn show(repo: &Path, rev: &str) -> Result<CommitInfo> {
    parse_log(&git(repo, &["show", "-s", FORMAT, rev, "--"])?)
        .into_iter()
        .next()
        .ok_or_else(|| Failure::new("git_failed", format!("git found no commit '{rev}'")))
}

/// Files changed, insertions and deletions of a commit (none for merges).
pub fn stats(repo: &Path, sha: &str) -> Result<Stats> {
    let text = git(repo, &["show", "--shortstat", "--format=", sha, "--"])?;
    let mut stats = Stats::default();
    for part in text.trim().split(',') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(what)) = (words.next().and_then(|n| n.parse().ok()), words.next()) else {
            continue;
        };
        if what.starts_with("file") {
            stats.files_changed = Some(n);
        } else if what.starts_with("insertion") {
            stats.insertions = Some(n);
        } else if what.starts_with("deletion") {
            stats.deletions = Some(n);
        }
    }
    if stats.files_changed.is_some() {
        stats.insertions.get_or_insert(0);
        stats.deletions.get_or_insert(0);
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_records_parse() {
        let text = "abc\u{1f}Ada <a@x>\u{1f}2026-01-02T03:04:05+01:00\u{1f}Subject\n\nBody TICKET: ticket-a\n\u{1e}\ndef\u{1f}Bob <b@x>\u{1f}bad date\u{1f}Two\u{1e}\n";
        let commits = parse_log(text);
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].sha, "abc");
        assert_eq!(commits[0].message, "Subject\n\nBody TICKET: ticket-a");
        assert_eq!(
            commits[0].committed_at.map(|t| t.to_rfc3339()),
            Some("2026-01-02T02:04:05+00:00".into())
        );
        assert_eq!(commits[1].committed_at, None);
    }
}
