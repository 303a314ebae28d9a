//! `tix export` and the imports of whole files: a Tix export (its workflow
//! is created) and other trackers' issues (`--from beads|github`, into an
//! existing workflow), each written in one transaction.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tix_core::interop::foreign::{Converted, Summary};
use tix_core::interop::{self, ExportFile, ImportReport};

use crate::cli::{ExportArgs, ImportSource};
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output;

pub async fn export(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    let workflow_id = ctx.workflow_id().await?;
    let text = ctx.client.export_text(&workflow_id).await?;
    let tickets = text.lines().filter(|l| l.starts_with(r#"{"type":"ticket""#)).count();
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| Failure::new("file_unwritable", format!("cannot write {}: {e}", path.display())))?;
            if ctx.json {
                output::print_json(&json!({ "workflow_id": workflow_id, "tickets": tickets, "file": path }));
            } else {
                eprintln!(
                    "exported {} of {workflow_id} to {}",
                    output::plural(tickets, "ticket"),
                    path.display()
                );
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes()).context("writing to stdout")?;
            stdout.flush().context("writing to stdout")?;
        }
    }
    Ok(())
}

/// The file's text, or a failure naming it.
pub fn read(path: &Path) -> Result<String> {
    Ok(std::fs::read_to_string(path).map_err(|e| {
        Failure::new("file_unreadable", format!("cannot read {}: {e}", path.display()))
            .with_hint("Pass a file this user can read.")
    })?)
}

/// A refusal of the file, with its name in front.
fn refused(path: &Path, err: tix_core::DomainError) -> anyhow::Error {
    let mut failure = Failure::from(err);
    failure.message = format!("{}: {}", path.display(), failure.message);
    failure.into()
}

/// A bar over the tickets written (locally), or a spinner while a server
/// writes; nothing for `--json` or when stderr is not a terminal.
fn progress(ctx: &Ctx, total: usize) -> ProgressBar {
    if ctx.json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match &ctx.client {
        crate::client::Client::Local(_) => {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "importing {bar:40.cyan/blue} {pos}/{len} tickets (one transaction)  {per_sec}  eta {eta}",
            ) {
                bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
            }
            bar
        }
        crate::client::Client::Remote(_) => {
            let bar = ProgressBar::new_spinner();
            bar.set_message(format!(
                "the server is importing {} in one transaction",
                output::plural(total, "ticket")
            ));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        }
    }
}

async fn write(ctx: &Ctx, file: ExportFile, keep_ids: bool) -> Result<(ImportReport, f64)> {
    let bar = progress(ctx, file.tickets.len());
    let shown = bar.clone();
    let report = Arc::new(move |done: u64| shown.set_position(done));
    let started = Instant::now();
    let result = ctx.client.import_file(file, keep_ids, Some(report)).await;
    bar.finish_and_clear();
    Ok((result?, started.elapsed().as_secs_f64()))
}

/// `tix import --file EXPORT [--keep-ids]`.
pub async fn import_export(ctx: &Ctx, path: &Path, text: &str, keep_ids: bool) -> Result<()> {
    let file = interop::parse(text).map_err(|e| refused(path, e))?;
    let (report, seconds) = write(ctx, file, keep_ids).await?;
    if ctx.json {
        output::print_json(&report);
        return Ok(());
    }
    let rate = if seconds > 0.0 {
        report.ticket_ids.len() as f64 / seconds
    } else {
        0.0
    };
    let what = if report.workflow_created {
        "into the new workflow"
    } else {
        "into"
    };
    println!(
        "imported {} {what} {} in {seconds:.2} s ({rate:.0} tickets/s, one transaction)",
        output::plural(report.ticket_ids.len(), "ticket"),
        report.workflow_id
    );
    println!(
        "  {} · {} · {} · {} · {} · {} · {}",
        output::plural(report.edges as usize, "blocking edge"),
        output::plural(report.parents as usize, "parent link"),
        output::plural(report.comments as usize, "comment"),
        output::plural(report.history as usize, "history row"),
        output::plural(report.tasks as usize, "task"),
        output::plural(report.commits as usize, "commit link"),
        output::plural(report.runs as usize, "run"),
    );
    Ok(())
}

/// `tix import --from beads|github FILE`: converted here, against the
/// target workflow's board, then written like an export.
pub async fn import_foreign(ctx: &Ctx, source: ImportSource, path: &Path) -> Result<()> {
    let text = read(path)?;
    let workflow = ctx.workflow().await?;
    let at = chrono::Utc::now();
    let agent = ctx.client.agent().to_string();
    let converted: Converted = match source {
        ImportSource::Beads => interop::beads::convert_beads(&text, &workflow.board_config, &workflow.id, &agent, at),
        ImportSource::Github => {
            interop::github::convert_github(&text, &workflow.board_config, &workflow.id, &agent, at)
        }
    }
    .map_err(|e| refused(path, e))?;
    let Converted { file, summary } = converted;
    if file.tickets.is_empty() {
        print_summary(ctx, &summary, None, &workflow.id);
        return Ok(());
    }
    let (report, _) = write(ctx, file, false).await?;
    print_summary(ctx, &summary, Some(&report), &workflow.id);
    Ok(())
}

fn print_summary(ctx: &Ctx, summary: &Summary, report: Option<&ImportReport>, workflow_id: &str) {
    if ctx.json {
        output::print_json(&json!({ "summary": summary, "report": report }));
        return;
    }
    println!(
        "imported {} of {} from {} into {workflow_id}: {}, {}, {}, {}",
        report.map(|r| r.ticket_ids.len()).unwrap_or(0),
        output::plural(summary.read as usize, "issue"),
        summary.source,
        output::plural(summary.parents as usize, "parent link"),
        output::plural(summary.blocking_edges as usize, "blocking edge"),
        output::plural(summary.links as usize, "link"),
        output::plural(summary.comments as usize, "comment"),
    );
    if !summary.mapped.is_empty() {
        println!("mapped:");
        for (what, count) in &summary.mapped {
            println!("  {what}  ×{count}");
        }
    }
    if summary.skipped.is_empty() {
        println!("skipped: nothing");
    } else {
        println!("skipped:");
        for skipped in &summary.skipped {
            println!("  line {:<4} {}: {}", skipped.line, skipped.item, skipped.reason);
        }
    }
    println!("the original ids are kept as external refs: `tix show <id>` finds a ticket by them");
}
