//! `tix serve`: open the store, optionally seed the demo, serve the API on
//! the given address until Ctrl-C or SIGTERM, and expire stale leases.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result};
use tix_search::{Search, SearchConfig};
use tix_server::auth::AuthMode;
use tix_server::host::HostPolicy;
use tix_server::ServerOptions;
use tix_store::{AgentStore, AnyStore, OpenOptions, Store};

use crate::cli::ServeArgs;
use crate::client::open_store;
use crate::demo;
use crate::error::Failure;

/// How often leases are checked: a claim whose lease ran out goes back to
/// ready (and its run ends) within about this long. The check is one
/// indexed read; the write happens only when a lease did run out.
const LEASE_SWEEP: Duration = Duration::from_secs(1);

pub async fn run(args: ServeArgs, database: &str) -> Result<()> {
    let auth: AuthMode = args
        .auth
        .parse()
        .map_err(|e: String| Failure::new("validation_failed", e).with_hint("Pass --auth off or --auth required."))?;
    let store = open_store(
        database,
        &OpenOptions {
            pool_size: args.pool_size,
            graph_cache_nodes: args.graph_cache_nodes,
        },
    )
    .await?;
    if auth == AuthMode::Required && store.list_agent_tokens().await.map_err(Failure::from)?.is_empty() {
        tracing::warn!("auth is required but no agent has a token yet; make one with `tix agent add NAME --admin`");
    }
    if let Some(board) = &args.board {
        create_board_workflow(&store, board).await?;
    }
    if args.demo {
        seed_demo(&store).await?;
    }
    // Loads the embedding model (or warns once and goes keyword-only) and
    // the stored vectors before the server announces itself.
    let search = Search::start(
        store.clone(),
        SearchConfig::new(crate::client::embedder_config(&args.embed)?),
    )
    .await
    .map_err(Failure::from)?;
    match search.model_id() {
        Some(model) => {
            let (vectors, bytes) = search.index_stats();
            tracing::info!(model, vectors, memory_mib = bytes / (1 << 20), "semantic search ready");
        }
        None => tracing::info!("search is keyword-only"),
    }
    let listener = tokio::net::TcpListener::bind(&args.addr).await.map_err(|e| {
        Failure::new("bind_failed", format!("cannot listen on {}: {e}", args.addr))
            .with_hint("Pick another address with --addr HOST:PORT (port 0 picks a free one).")
    })?;
    let addr = listener.local_addr().context("reading the bound address")?;
    tracing::info!(%addr, backend = store.backend(), auth = ?auth, "tix server starting (MCP at /mcp)");
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "tix listening on http://{addr}").context("writing to stdout")?;
        stdout.flush().context("writing to stdout")?;
    }
    let sweeper = tokio::spawn(expire_leases(store.clone()));
    let options = ServerOptions {
        auth,
        hosts: HostPolicy::with_names(&args.allowed_hosts),
        max_wait: Some(args.max_wait),
        metrics_public: args.metrics_public,
        ..ServerOptions::default()
    };
    let served = tix_server::launch_with_search(search, listener, shutdown_signal(), options).await;
    sweeper.abort();
    served.context("serving HTTP")?;
    tracing::info!("tix server stopped");
    Ok(())
}

/// `--board FILE`: creates the file's workflow when the database has none
/// (`tix serve` and `tix mcp`).
pub async fn create_board_workflow(store: &AnyStore, file: &std::path::Path) -> Result<()> {
    let new = crate::commands::workflow::read_workflow_file(file)?;
    if !store.list_workflows().await.map_err(Failure::from)?.is_empty() {
        tracing::info!(file = %file.display(), "the database already has a workflow; --board leaves it as it is");
        return Ok(());
    }
    let workflow = store.create_workflow("human", new).await.map_err(Failure::from)?;
    tracing::info!(workflow_id = %workflow.id, file = %file.display(), "created the workflow of --board");
    Ok(())
}

async fn seed_demo(store: &AnyStore) -> Result<()> {
    if !store.list_workflows().await.map_err(Failure::from)?.is_empty() {
        tracing::info!("the database already has a workflow; not seeding the demo");
        return Ok(());
    }
    let workflow = demo::seed(store).await.map_err(Failure::from)?;
    tracing::info!(workflow_id = %workflow.id, "seeded the demo workflow");
    Ok(())
}

async fn expire_leases(store: AnyStore) {
    let mut tick = tokio::time::interval(LEASE_SWEEP);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.has_expired_leases().await {
            Ok(false) => continue,
            Ok(true) => {}
            Err(err) => {
                tracing::warn!(%err, "checking leases failed");
                continue;
            }
        }
        match store.expire_leases().await {
            Ok(expired) if !expired.is_empty() => {
                tracing::info!(count = expired.len(), tickets = ?expired, "claim leases expired; tickets are ready again")
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "expiring leases failed"),
        }
    }
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
