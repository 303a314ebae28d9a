//! `tix search` and `tix reindex`.

use std::io::IsTerminal;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tix_search::embed::{self, EmbedderConfig};
use tix_search::{Search, SearchConfig, SearchRequest, SearchResponse, SearchType, Weights};
use tix_store::{SearchFilter, SearchStore};

use crate::cli::{EmbedArgs, EmbedderArg, ReindexArgs, SearchArgs, SearchTypeArg};
use crate::client::Client;
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output::{self, Table};

/// The embedder the flags and environment ask for.
pub fn embedder_config(args: &EmbedArgs) -> Result<EmbedderConfig> {
    Ok(match args.embedder {
        EmbedderArg::None => EmbedderConfig::Disabled,
        EmbedderArg::Local => EmbedderConfig::Local {
            model_dir: embed::model_dir(args.model_dir.as_deref()),
        },
        EmbedderArg::Openai => {
            let base_url = args.embedding_url.clone().ok_or_else(|| {
                Failure::new("missing_embedding_url", "--embedder openai needs the server's URL")
                    .with_hint("Pass --embedding-url http://HOST:PORT or set TIX_EMBEDDING_URL.")
            })?;
            let model = args.embedding_model.clone().ok_or_else(|| {
                Failure::new("missing_embedding_model", "--embedder openai needs a model name")
                    .with_hint("Pass --embedding-model NAME or set TIX_EMBEDDING_MODEL.")
            })?;
            EmbedderConfig::OpenAi {
                base_url,
                model,
                api_key: std::env::var("TIX_EMBEDDING_API_KEY").ok().filter(|k| !k.is_empty()),
            }
        }
    })
}

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

/// A search service over the local database; the queue of tickets written
/// since the last embedding is drained here (with a note when it is long).
async fn local_search(ctx: &Ctx, embed: &EmbedArgs) -> Result<Search<tix_store::AnyStore>> {
    let Client::Local(local) = &ctx.client else {
        return Err(Failure::new("cli_error", "not a local database").into());
    };
    let config = SearchConfig {
        background_worker: false,
        ..SearchConfig::new(embedder_config(embed)?)
    };
    let search = Search::start(local.store.clone(), config)
        .await
        .map_err(Failure::from)?;
    if search.semantic_available() {
        let pending = local.store.embedding_queue_len().await.map_err(Failure::from)?;
        if pending > 0 {
            if pending >= 200 && !ctx.json {
                eprintln!("embedding {pending} new or changed tickets first (a running `tix serve` does this in the background)");
            }
            search.wait_fresh().await.map_err(Failure::from)?;
        }
    }
    Ok(search)
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
            let search = local_search(ctx, &args.embed).await?;
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
    let search = local_search_without_drain(ctx, &args.embed).await?;
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

async fn local_search_without_drain(ctx: &Ctx, embed: &EmbedArgs) -> Result<Search<tix_store::AnyStore>> {
    let Client::Local(local) = &ctx.client else {
        return Err(Failure::new("cli_error", "not a local database").into());
    };
    let config = SearchConfig {
        background_worker: false,
        ..SearchConfig::new(embedder_config(embed)?)
    };
    Ok(Search::start(local.store.clone(), config)
        .await
        .map_err(Failure::from)?)
}
