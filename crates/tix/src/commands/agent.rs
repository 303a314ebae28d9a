//! `tix agent add|list|remove`: agent tokens. They are managed on the
//! database directly (whoever can open it is trusted), never over HTTP.

use anyhow::Result;
use serde_json::json;
use tix_store::AgentStore;

use crate::cli::{AgentCommand, GlobalArgs};
use crate::client::open_store;
use crate::error::Failure;
use crate::output::{self, Table};

pub async fn run(command: AgentCommand, global: &GlobalArgs) -> Result<()> {
    if global.server.is_some() {
        return Err(Failure::new(
            "validation_failed",
            "agent tokens are managed on the database, not over --server",
        )
        .with_hint("Run `tix agent ...` without --server where the database is (--database).")
        .into());
    }
    let store = open_store(
        &global.database,
        &tix_store::OpenOptions {
            pool_size: 4,
            ..Default::default()
        },
    )
    .await?;
    match command {
        AgentCommand::Add(args) => {
            let token = store
                .create_agent_token(&args.name, args.admin)
                .await
                .map_err(Failure::from)?;
            if global.json {
                output::print_json(&json!({ "agent_id": args.name.trim(), "admin": args.admin, "token": token }));
            } else {
                println!("{token}");
                eprintln!(
                    "token for {}{}: shown once; pass it as TIX_TOKEN / --token (or 'Authorization: Bearer <token>')",
                    args.name.trim(),
                    if args.admin { " (admin)" } else { "" }
                );
            }
        }
        AgentCommand::List => {
            let tokens = store.list_agent_tokens().await.map_err(Failure::from)?;
            if global.json {
                output::print_json(&json!({ "agents": tokens }));
            } else if tokens.is_empty() {
                println!("no agent has a token; make one with `tix agent add NAME`");
            } else {
                let mut table = Table::new(&["AGENT", "ROLE", "CREATED"]);
                for t in &tokens {
                    table.row(vec![
                        t.agent_id.clone(),
                        if t.admin { "admin" } else { "agent" }.to_string(),
                        output::time(&t.created_at),
                    ]);
                }
                table.print();
            }
        }
        AgentCommand::Remove(args) => {
            if !store.revoke_agent_token(&args.name).await.map_err(Failure::from)? {
                return Err(
                    Failure::new("agent_not_found", format!("{} has no token", args.name.trim()))
                        .with_hint("List the agents with tokens with `tix agent list`.")
                        .into(),
                );
            }
            println!("removed the token of {}", args.name.trim());
        }
    }
    Ok(())
}
