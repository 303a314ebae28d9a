//! `tix mcp`: MCP over stdio. Without `--server` it serves the tools on
//! the database directly; with `--server` it relays stdio to the server's
//! `/mcp` (streamable HTTP), so the tools run there, as this agent.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, Result};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{IntoTransport, StreamableHttpClientTransport, Transport};
use rmcp::{RoleClient, RoleServer, ServiceExt};
use tix_server::mcp::{McpOptions, TixMcp};

use crate::cli::{GlobalArgs, McpArgs};
use crate::client::open_store;
use crate::error::Failure;

pub async fn run(args: McpArgs, global: &GlobalArgs) -> Result<()> {
    let agent = tix_core::ticket::check_agent_id("agent", &global.agent).map_err(Failure::from)?;
    if let Some(server) = &global.server {
        if args.list_tools {
            return Err(
                Failure::new("validation_failed", "--list-tools works on the database, not --server")
                    .with_hint("Drop --server, or ask the server: its /mcp answers tools/list.")
                    .into(),
            );
        }
        if args.board.is_some() {
            return Err(
                Failure::new("validation_failed", "--board works on the database, not --server")
                    .with_hint("Start the server with `tix serve --board FILE` instead, or drop --server.")
                    .into(),
            );
        }
        return relay(
            server,
            &agent,
            args.toolset.as_deref(),
            args.phase,
            global.token.as_deref(),
        )
        .await;
    }
    let store = open_store(
        &global.database,
        &tix_store::OpenOptions {
            pool_size: 4,
            ..Default::default()
        },
    )
    .await?;
    if let Some(board) = &args.board {
        crate::commands::serve::create_board_workflow(&store, board).await?;
    }
    let options = McpOptions {
        toolset: args.toolset,
        agent: Some(agent.clone()),
        workflow: global.workflow.clone(),
        phase: args.phase,
    };
    let mcp = TixMcp::new(store.clone(), options).map_err(|e| {
        Failure::new("unknown_toolset", e)
            .with_hint("Pass --toolset with group or tool names, e.g. --toolset tickets,queue.")
    })?;
    if args.list_tools {
        let text = serde_json::to_string(&mcp.list()).context("encoding tools/list")?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{text}").context("writing to stdout")?;
        eprintln!("tools/list: {} bytes", text.len());
        return Ok(());
    }
    // Semantic search and the duplicate check, as in `tix serve` (keyword
    // only, with a warning on stderr, when the model is missing).
    let search = tix_search::Search::start(
        store,
        tix_search::SearchConfig::new(crate::client::embedder_config(&args.embed)?),
    )
    .await
    .map_err(Failure::from)?;
    tracing::info!(%agent, semantic = search.semantic_available(), "serving MCP on stdio");
    let service = mcp
        .with_search(search)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| Failure::new("mcp_failed", format!("the MCP session did not start: {e}")))?;
    service
        .waiting()
        .await
        .map_err(|e| Failure::new("mcp_failed", format!("the MCP session ended with an error: {e}")))?;
    Ok(())
}

/// What to tell the agent when the server's `/mcp` did not take a message:
/// a refused token is not a server that is down.
fn relay_failure(uri: &str, error: &str, has_token: bool) -> Failure {
    let lower = error.to_ascii_lowercase();
    if lower.contains("auth required") || lower.contains("401") || lower.contains("unauthorized") {
        let (message, hint) = if has_token {
            (
                format!("the Tix server at {uri} did not accept the agent token"),
                "Check --token (or TIX_TOKEN); an admin makes a new one with `tix agent add NAME`.",
            )
        } else {
            (
                format!("the Tix server at {uri} requires an agent token"),
                "Pass --token TOKEN (or set TIX_TOKEN); an admin makes one with `tix agent add NAME`.",
            )
        };
        return Failure::new("token_required", message).with_hint(hint);
    }
    if lower.contains("403") || lower.contains("forbidden") {
        return Failure::new(
            "forbidden",
            format!("the Tix server at {uri} refused the session: {error}"),
        )
        .with_hint(
            "The token may not act as --agent (drop --agent, or use that agent's token), or the server does not \
             answer to this host name (see `tix serve --allowed-host`).",
        );
    }
    Failure::new(
        "server_unreachable",
        format!("cannot reach the Tix server's MCP at {uri}: {error}"),
    )
    .with_hint("Start it with `tix serve`, or drop --server to use the database directly.")
}

/// Passes JSON-RPC messages between stdio and the server's `/mcp` until
/// either side closes.
async fn relay(
    server: &str,
    agent: &str,
    toolset: Option<&str>,
    phase: Option<u32>,
    token: Option<&str>,
) -> Result<()> {
    let mut query = Vec::new();
    if let Some(toolset) = toolset {
        query.push(format!("toolset={}", toolset.replace(' ', "")));
    }
    if let Some(phase) = phase {
        query.push(format!("phase={phase}"));
    }
    let mut uri = format!("{}/mcp", server.trim().trim_end_matches('/'));
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(&query.join("&"));
    }
    // With a token the server knows who we are; naming the default agent
    // as well would only clash with it.
    let mut headers = HashMap::new();
    if token.is_none() || agent != tix_server::auth::DEFAULT_AGENT {
        let value = reqwest::header::HeaderValue::from_str(agent)
            .map_err(|_| Failure::new("validation_failed", "the agent id cannot be sent as a header"))?;
        headers.insert(reqwest::header::HeaderName::from_static("x-agent-id"), value);
    }
    let mut config = StreamableHttpClientTransportConfig::with_uri(uri.clone()).custom_headers(headers);
    if let Some(token) = token {
        config = config.auth_header(token.trim());
    }
    let mut remote =
        IntoTransport::<RoleClient, _, _>::into_transport(StreamableHttpClientTransport::from_config(config));
    let mut local = IntoTransport::<RoleServer, _, _>::into_transport(rmcp::transport::stdio());
    tracing::info!(%uri, %agent, "relaying MCP between stdio and the server");
    loop {
        tokio::select! {
            from_agent = local.receive() => {
                let Some(message): Option<ClientJsonRpcMessage> = from_agent else { break };
                remote.send(message).await.map_err(|e| relay_failure(&uri, &e.to_string(), token.is_some()))?;
            }
            from_server = remote.receive() => {
                let Some(message): Option<ServerJsonRpcMessage> = from_server else { break };
                local.send(message).await.context("writing to stdout")?;
            }
        }
    }
    let _ = remote.close().await;
    Ok(())
}
