//! `tix run finish|list|show`: runs, one attempt each at a ticket.

use anyhow::Result;
use serde_json::json;
use tix_core::run::{FinishRun, Handoff, Run, RunFilter};

use crate::cli::RunCommand;
use crate::commands::Ctx;
use crate::output::{self, Table};

pub async fn run(ctx: &Ctx, command: RunCommand) -> Result<()> {
    match command {
        RunCommand::Finish(args) => {
            let handoff = Handoff {
                done: args.done,
                remaining: args.remaining,
                decisions: args.decisions,
                risks: args.risks,
            };
            let finish = FinishRun {
                outcome: args.outcome.outcome(),
                summary: args.summary,
                handoff: (handoff != Handoff::default()).then_some(handoff),
                tokens_in: args.tokens_in,
                tokens_out: args.tokens_out,
                cost_usd: args.cost,
                exit_code: args.exit_code,
            };
            let run = ctx.client.finish_run(&args.run, finish).await?;
            if ctx.json {
                output::print_json(&run);
            } else {
                println!("{}", run_line(&run));
            }
        }
        RunCommand::List(args) => {
            let filter = RunFilter {
                workflow_id: ctx.named_workflow().map(str::to_string),
                ticket_id: args.ticket,
                agent_id: args.by,
                outcome: args.outcome.map(|o| o.outcome()),
                open: args.open.then_some(true),
            };
            let page = ctx.client.list_runs(filter, args.limit, args.cursor).await?;
            if ctx.json {
                output::print_json(&json!(page));
                return Ok(());
            }
            if page.runs.is_empty() {
                println!("no runs");
                return Ok(());
            }
            let mut table = Table::new(&["RUN", "TICKET", "AGENT", "OUTCOME", "STARTED", "TOKENS", "COST"]);
            for run in &page.runs {
                table.row(vec![
                    run.run_id.clone(),
                    run.ticket_id.clone(),
                    run.agent_id.clone(),
                    outcome(run),
                    output::time(&run.started_at),
                    tokens(run),
                    run.cost_usd.map(|c| format!("${c:.4}")).unwrap_or_else(|| "-".into()),
                ]);
            }
            table.print();
            if let Some(cursor) = &page.next_cursor {
                println!("more: tix run list --cursor {cursor}");
            }
        }
        RunCommand::Show(args) => {
            let run = ctx.client.get_run(&args.run).await?;
            if ctx.json {
                output::print_json(&run);
                return Ok(());
            }
            println!("{}", run_line(&run));
            if let Some(task) = &run.task_id {
                println!("  task:    {task} (phase {})", run.phase_id.unwrap_or_default());
            }
            println!("  started: {}", output::time(&run.started_at));
            if let Some(ended) = &run.ended_at {
                println!(
                    "  ended:   {} by {}",
                    output::time(ended),
                    output::or_dash(run.ended_by.as_deref())
                );
            }
            if let Some(code) = run.exit_code {
                println!("  exit:    {code}");
            }
            if let Some(summary) = &run.summary {
                println!("  summary:");
                for line in summary.lines() {
                    println!("    {line}");
                }
            }
            if let Some(handoff) = &run.handoff {
                for (label, text) in [
                    ("done", &handoff.done),
                    ("remaining", &handoff.remaining),
                    ("decisions", &handoff.decisions),
                    ("risks", &handoff.risks),
                ] {
                    if let Some(text) = text {
                        println!("  {label}: {text}");
                    }
                }
            }
        }
    }
    Ok(())
}

fn outcome(run: &Run) -> String {
    run.outcome.map(|o| o.to_string()).unwrap_or_else(|| "open".into())
}

fn tokens(run: &Run) -> String {
    match (run.tokens_in, run.tokens_out) {
        (None, None) => "-".into(),
        (i, o) => format!("{}/{}", i.unwrap_or(0), o.unwrap_or(0)),
    }
}

/// One line per run: id, agent, outcome, task, tokens and cost.
pub fn run_line(run: &Run) -> String {
    let mut line = format!("{}  {}  {}", run.run_id, run.agent_id, outcome(run));
    if let Some(task) = &run.task_id {
        line.push_str(&format!("  task {task}"));
    }
    if run.tokens_in.is_some() || run.tokens_out.is_some() {
        line.push_str(&format!("  tokens {}", tokens(run)));
    }
    if let Some(cost) = run.cost_usd {
        line.push_str(&format!("  ${cost:.4}"));
    }
    if let Some(summary) = &run.summary {
        line.push_str(&format!(
            "  — {}",
            output::truncate(summary.lines().last().unwrap_or_default(), 60)
        ));
    }
    line
}
