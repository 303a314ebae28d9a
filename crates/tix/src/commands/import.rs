//! `tix import`: a Tix export or another tracker's file goes to
//! `commands::interop` (one transaction); plain ticket lines (one
//! `NewTicket` JSON object per line) are sent here in batches
//! (`tix_core::validate::import_batch`: about twenty, of 1,000 to 10,000
//! tickets) through `import_tickets`, with a progress bar on stderr.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use tix_core::ticket::NewTicket;

use crate::cli::ImportArgs;
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output;

const LINE_HINT: &str = "Each line is one JSON object: {\"title\", \"ticket_type\", \"description\"?, \"priority\"?, \
    \"tags\"?, \"blocked_by_ticket_ids\"?, \"assigned_agent_id\"?, \"id\"?, \"workflow_id\"?}.";

pub async fn run(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    if let (Some(source), Some(path)) = (args.from, &args.foreign_file) {
        return super::interop::import_foreign(ctx, source, path).await;
    }
    let Some(path) = args.file else {
        return Err(Failure::new("validation_failed", "nothing to import")
            .with_hint("Pass --file FILE, or --from beads|github FILE.")
            .into());
    };
    let text = super::interop::read(&path)?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    if tix_core::interop::is_export_header(first) {
        return super::interop::import_export(ctx, &path, &text, args.keep_ids).await;
    }
    if args.keep_ids {
        return Err(Failure::new(
            "validation_failed",
            format!("{} holds plain tickets, not a Tix export", path.display()),
        )
        .with_hint("--keep-ids is for Tix exports; plain lines keep the `id` they name.")
        .into());
    }
    let lines = parse_lines(&path, &text)?;
    let workflow_id = target_workflow(ctx, &lines).await?;
    let mut tickets = Vec::with_capacity(lines.len());
    let mut line_numbers = Vec::with_capacity(lines.len());
    for (number, mut value) in lines {
        if let Some(object) = value.as_object_mut() {
            object.insert("workflow_id".into(), json!(workflow_id));
        }
        let ticket: NewTicket = serde_json::from_value(value).map_err(|e| {
            Failure::new("invalid_import_line", format!("{} line {number}: {e}", path.display())).with_hint(LINE_HINT)
        })?;
        tickets.push(ticket);
        line_numbers.push(number);
    }

    let total = tickets.len();
    let progress = progress_bar(ctx.json, total);
    let started = Instant::now();
    let mut ids: Vec<String> = Vec::with_capacity(total);
    let batch_size = tix_core::validate::import_batch(total);
    let mut remaining = tickets.into_iter();
    loop {
        let batch: Vec<NewTicket> = remaining.by_ref().take(batch_size).collect();
        if batch.is_empty() {
            break;
        }
        let count = batch.len();
        let first_line = line_numbers.get(ids.len()).copied().unwrap_or_default();
        let last_line = line_numbers.get(ids.len() + count - 1).copied().unwrap_or_default();
        match ctx.client.import_tickets(&workflow_id, batch).await {
            Ok(mut batch_ids) => ids.append(&mut batch_ids),
            Err(mut failure) => {
                progress.abandon();
                failure.message = format!("importing lines {first_line}-{last_line}: {}", failure.message);
                let done = format!(
                    "{} before line {first_line} were imported; fix the line and import the rest.",
                    output::plural(ids.len(), "ticket")
                );
                let hint = match failure.hint.take() {
                    Some(hint) => format!("{hint} {done}"),
                    None => done,
                };
                return Err(failure.with_hint(hint).into());
            }
        }
        progress.inc(count as u64);
    }
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    if ctx.json {
        output::print_json(&json!({ "ticket_ids": ids }));
    } else {
        let rate = if elapsed > 0.0 { ids.len() as f64 / elapsed } else { 0.0 };
        println!(
            "imported {} into {workflow_id} in {elapsed:.2} s ({rate:.0} tickets/s)",
            output::plural(ids.len(), "ticket")
        );
    }
    Ok(())
}

/// The non-empty lines of the file, parsed as JSON objects, with their line numbers.
fn parse_lines(path: &Path, text: &str) -> Result<Vec<(usize, Value)>> {
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            Failure::new(
                "invalid_import_line",
                format!("{} line {number} is not JSON: {e}", path.display()),
            )
            .with_hint(LINE_HINT)
        })?;
        if !value.is_object() {
            return Err(Failure::new(
                "invalid_import_line",
                format!("{} line {number} is not a JSON object", path.display()),
            )
            .with_hint(LINE_HINT)
            .into());
        }
        lines.push((number, value));
    }
    if lines.is_empty() {
        return Err(
            Failure::new("invalid_import_file", format!("{} holds no tickets", path.display()))
                .with_hint(LINE_HINT)
                .into(),
        );
    }
    Ok(lines)
}

/// `--workflow`, else the one workflow the lines name, else the only
/// workflow. Lines naming another workflow are refused.
async fn target_workflow(ctx: &Ctx, lines: &[(usize, Value)]) -> Result<String> {
    let named = |value: &Value| value.get("workflow_id").and_then(Value::as_str).map(str::to_string);
    let first_named = lines.iter().find_map(|(_, v)| named(v));
    let target = match (ctx.named_workflow(), first_named) {
        (Some(id), _) => id.to_string(),
        (None, Some(id)) => id,
        (None, None) => ctx.workflow_id().await?,
    };
    for (number, value) in lines {
        if let Some(other) = named(value).filter(|id| *id != target) {
            return Err(Failure::new(
                "invalid_import_line",
                format!("line {number} names workflow {other}, but this import goes into {target}"),
            )
            .with_hint("Import one workflow per file, or drop workflow_id from the lines and pass --workflow.")
            .into());
        }
    }
    Ok(target)
}

/// A bar on stderr; hidden for `--json` and when stderr is not a terminal.
fn progress_bar(json: bool, total: usize) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("importing {bar:40.cyan/blue} {pos}/{len} tickets  {per_sec}  eta {eta}")
    {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    bar
}
