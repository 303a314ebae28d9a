//! `tix search` and `tix reindex`.

use std::io::IsTerminal;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tix_search::{SearchRequest, SearchResponse, SearchType, Weights};
use tix_store::SearchFilter;

use crate::cli::{ReindexArgs, SearchArgs, SearchTypeArg};
use crate::client::{Client, LocalStore};
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output::{self, Table};

fn search_type(arg: SearchTypeArg) -> SearchType {
    match arg {
        SearchTypeArg::Hybrid => SearchType::Hybrid,
        SearchTypeArg::Semantic => SearchType::Semantic,
        SearchTypeArg::Keyword => SearchType::Keyword,
    }
}

/// A bar on stderr; hidden for `--json` and when stderr is not a terminal.
fn progress_bar(json: bool, total: u64, what: &str) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!("{what} {{bar:40.cyan/blue}} {{pos}}/{{len}} tickets  {{per_sec}}  eta {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    bar
}

/// The database opened directly (searching and reindexing locally need it).
fn local(ctx: &Ctx) -> Result<&LocalStore> {
    match &ctx.client {
        Client::Local(local) => Ok(local),
        Client::Remote(_) => Err(Failure::new("cli_error", "not a local database").into()),
    }
}

pub async fn search(ctx: &Ctx, args: SearchArgs) -> Result<()> {
    let workflow_id = ctx.workflow_id().await?;
    let resolved = match (args.open, args.resolved) {
        (true, _) => Some(false),
        (_, true) => Some(true),
        _ => None,
    };
    let weights = args.semantic_weight.map(|s| Weights {
        semantic: s,
        keyword: (1.0 - s).max(0.0),
    });
    let priority = args.priority.map(tix_core::ticket::Priority::from);
    let remote = ctx
        .client
        .search_remote(&json!({
            "workflow_id": workflow_id,
            "query": args.query,
            "search_type": search_type(args.search_type),
            "limit": args.limit,
            "status": args.status,
            "ticket_type": args.ticket_type,
            "priority": priority,
            "tags": args.tags,
            "assigned_agent_id": args.assignee,
            "resolved": resolved,
            "semantic_weight": weights.map(|w| w.semantic),
            "keyword_weight": weights.map(|w| w.keyword),
        }))
        .await?;
    let response = match remote {
        Some(response) => response,
        None => {
            let search = local(ctx)?.fresh_search_service(&args.embed, ctx.json).await?;
            search
                .search(SearchRequest {
                    workflow_id,
                    query: args.query,
                    search_type: search_type(args.search_type),
                    limit: Some(args.limit),
                    filter: SearchFilter {
                        status: args.status,
                        ticket_type: args.ticket_type,
                        priority,
                        tags: args.tags,
                        assigned_agent_id: args.assignee,
                        blocked: None,
                        resolved,
                    },
                    weights,
                })
                .await
                .map_err(Failure::from)?
        }
    };
    if ctx.json {
        output::print_json(&response);
    } else {
        print_results(&response);
    }
    Ok(())
}

fn print_results(response: &SearchResponse) {
    if let Some(warning) = &response.warning {
        eprintln!("note: {warning}");
    }
    if response.results.is_empty() {
        println!("no tickets match");
        return;
    }
    let mut table = Table::new(&["SCORE", "ID", "STATUS", "TITLE"]);
    for hit in &response.results {
        table.row(vec![
            format!("{:.3}", hit.score),
            hit.ticket.id.clone(),
            hit.ticket.status.clone(),
            output::truncate(&hit.ticket.title, 70),
        ]);
    }
    table.print();
}

pub async fn reindex(ctx: &Ctx, args: ReindexArgs) -> Result<()> {
    if let Client::Remote(_) = &ctx.client {
        return Err(Failure::new("local_only", "tix reindex works on the database directly")
            .with_hint("Run it without --server (on the server's machine, with the server's --database); a running server picks up the new vectors when restarted.")
            .into());
    }
    let search = local(ctx)?.search_service(&args.embed).await?;
    let Some(model) = search.model_id() else {
        return Err(Failure::new(
            "semantic_unavailable",
            format!(
                "semantic search is unavailable: {}",
                search.unavailable_reason().unwrap_or("no embedder")
            ),
        )
        .with_hint("Run scripts/setup-model, or point --model-dir / TIX_MODEL_DIR at the model files.")
        .into());
    };
    let bar = progress_bar(ctx.json, 0, "embedding");
    let started = std::time::Instant::now();
    let done = search
        .reindex(|p| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        })
        .await
        .map_err(Failure::from)?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    if ctx.json {
        output::print_json(&json!({ "model_id": model, "embedded": done, "seconds": seconds }));
    } else {
        println!(
            "re-embedded {} with {model} in {seconds:.1}s",
            output::plural(done as usize, "ticket")
        );
    }
    Ok(())
}
