//! `tix commits scan` and `tix commits link`: link commits to the tickets
//! their messages reference (`TICKET: ticket-xxx`, `Refs ticket-xxx`,
//! `Fixes ticket-xxx`; a newly linked `Fixes` also resolves the ticket
//! when the board's rules allow it). Linking is idempotent.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;
use tix_core::commit::{CommitSource, NewCommitLink};
use tix_core::reference::{commit_references, CommitRef, CommitRefKind};

use crate::cli::{CommitsCommand, CommitsLinkArgs, CommitsScanArgs};
use crate::commands::Ctx;
use crate::git::{self, CommitInfo};
use crate::output;

/// What linking did, commit by commit (the `--json` output).
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub commits_scanned: usize,
    pub linked: Vec<Link>,
    pub already_linked: Vec<Link>,
    pub resolved: Vec<String>,
    /// References that could not be linked or resolved, and why.
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub sha: String,
    pub ticket_id: String,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub sha: String,
    pub ticket_id: String,
    pub reason: String,
}

pub async fn run(ctx: &Ctx, command: CommitsCommand) -> Result<()> {
    match command {
        CommitsCommand::Scan(args) => scan(ctx, args).await,
        CommitsCommand::Link(args) => link(ctx, args).await,
    }
}

fn repo(path: Option<PathBuf>) -> Result<PathBuf> {
    let start = match path {
        Some(path) => path,
        None => std::env::current_dir()?,
    };
    Ok(git::toplevel(&start)?)
}

async fn scan(ctx: &Ctx, args: CommitsScanArgs) -> Result<()> {
    let repo = repo(args.repo)?;
    let commits = git::log(&repo, args.since.as_deref())?;
    let mut report = Report {
        commits_scanned: commits.len(),
        ..Report::default()
    };
    for commit in &commits {
        let refs = commit_references(&commit.message);
        link_commit(ctx, &repo, commit, &refs, CommitSource::Scan, &mut report).await?;
    }
    print(ctx, &report);
    Ok(())
}

async fn link(ctx: &Ctx, args: CommitsLinkArgs) -> Result<()> {
    let repo = repo(args.repo)?;
    let commit = git::show(&repo, &args.rev)?;
    let refs = match args.ticket {
        Some(ticket) => vec![CommitRef {
            ticket_id: ticket,
            kind: CommitRefKind::Refs,
        }],
        None => commit_references(&commit.message),
    };
    let source = if args.hook {
        CommitSource::Hook
    } else {
        CommitSource::Manual
    };
    let mut report = Report {
        commits_scanned: 1,
        ..Report::default()
    };
    link_commit(ctx, &repo, &commit, &refs, source, &mut report).await?;
    if args.hook && !ctx.json {
        // One line under `git commit`, and only when something happened.
        let short = &commit.sha[..commit.sha.len().min(8)];
        for link in &report.linked {
            eprintln!("tix: linked {short} to {}", link.ticket_id);
        }
        for id in &report.resolved {
            eprintln!("tix: resolved {id}");
        }
        for skipped in &report.skipped {
            eprintln!("tix: {}: {}", skipped.ticket_id, skipped.reason);
        }
        return Ok(());
    }
    print(ctx, &report);
    Ok(())
}

async fn link_commit(
    ctx: &Ctx,
    repo: &Path,
    commit: &CommitInfo,
    refs: &[CommitRef],
    source: CommitSource,
    report: &mut Report,
) -> Result<()> {
    if refs.is_empty() {
        return Ok(());
    }
    let stats = git::stats(repo, &commit.sha)?;
    for reference in refs {
        let new = NewCommitLink {
            sha: commit.sha.clone(),
            message: commit.message.clone(),
            author: Some(commit.author.clone()),
            committed_at: commit.committed_at,
            files_changed: stats.files_changed,
            insertions: stats.insertions,
            deletions: stats.deletions,
            source,
        };
        let link = |ticket_id: String| Link {
            sha: commit.sha.clone(),
            ticket_id,
        };
        let linked = match ctx.client.link_commit(&reference.ticket_id, new).await {
            Ok(linked) => linked,
            Err(failure) if failure.is_domain() => {
                report.skipped.push(Skipped {
                    sha: commit.sha.clone(),
                    ticket_id: reference.ticket_id.clone(),
                    reason: failure.message,
                });
                continue;
            }
            Err(failure) => return Err(failure.into()),
        };
        if !linked.newly_linked {
            report.already_linked.push(link(linked.ticket_id));
            continue;
        }
        report.linked.push(link(linked.ticket_id.clone()));
        if reference.kind == CommitRefKind::Fixes {
            let short = &commit.sha[..commit.sha.len().min(8)];
            let comment = format!(
                "Fixed by commit {short}: {}",
                commit.message.lines().next().unwrap_or_default()
            );
            match ctx.client.resolve(&linked.ticket_id, Some(comment)).await {
                Ok(_) => report.resolved.push(linked.ticket_id),
                Err(failure) if failure.is_domain() => report.skipped.push(Skipped {
                    sha: commit.sha.clone(),
                    ticket_id: linked.ticket_id,
                    reason: format!("linked, not resolved: {}", failure.message),
                }),
                Err(failure) => return Err(failure.into()),
            }
        }
    }
    Ok(())
}

fn print(ctx: &Ctx, report: &Report) {
    if ctx.json {
        output::print_json(report);
        return;
    }
    let tickets: std::collections::BTreeSet<&str> = report.linked.iter().map(|l| l.ticket_id.as_str()).collect();
    let commits: std::collections::BTreeSet<&str> = report.linked.iter().map(|l| l.sha.as_str()).collect();
    println!(
        "scanned {}: linked {} to {} ({} link(s) already there)",
        output::plural(report.commits_scanned, "commit"),
        output::plural(commits.len(), "commit"),
        output::plural(tickets.len(), "ticket"),
        report.already_linked.len()
    );
    for link in &report.linked {
        println!("  {}  {}", &link.sha[..link.sha.len().min(8)], link.ticket_id);
    }
    for id in &report.resolved {
        println!("resolved {id}");
    }
    for skipped in &report.skipped {
        println!(
            "skipped {} in {}: {}",
            skipped.ticket_id,
            &skipped.sha[..skipped.sha.len().min(8)],
            skipped.reason
        );
    }
}
