//! One module per group of subcommands. Each takes the parsed arguments
//! and a [`Ctx`] (the client, `--json`, the chosen workflow).

mod agent;
mod commits;
mod flow;
mod graph;
mod guardian;
mod hooks;
mod import;
mod interop;
mod mcp;
mod migrate_store;
mod ready;
mod run;
mod search;
mod serve;
mod task;
mod ticket;
mod webhook;
mod work;
mod workflow;

use anyhow::Result;
use tix_core::workflow::Workflow;

use crate::cli::{Cli, Command};
use crate::client::Client;
use crate::error::Failure;

pub struct Ctx {
    pub client: Client,
    pub json: bool,
    workflow: Option<String>,
}

impl Ctx {
    /// The workflow named by `--workflow` / `TIX_WORKFLOW`, if any.
    pub fn named_workflow(&self) -> Option<&str> {
        self.workflow.as_deref()
    }

    /// The workflow to work in: `--workflow`, or the only one there is.
    pub async fn workflow_id(&self) -> Result<String> {
        Ok(self
            .client
            .workflow_id(self.workflow.as_deref())
            .await
            .map_err(with_cli_hint)?)
    }

    /// The chosen workflow with its board.
    pub async fn workflow(&self) -> Result<Workflow> {
        let id = self.workflow_id().await?;
        Ok(self.client.get_workflow(&id).await?)
    }
}

/// A `workflow_not_chosen` refusal with the hint a CLI user can act on
/// (the domain's hint speaks of `workflow_id` too, for agents).
fn with_cli_hint(failure: Failure) -> Failure {
    if failure.code() != "workflow_not_chosen" {
        return failure;
    }
    let none = failure
        .error
        .get("workflows")
        .and_then(serde_json::Value::as_array)
        .is_none_or(Vec::is_empty);
    if none {
        failure.with_hint(
            "Create one with `tix workflow create --file board.yaml`, or start `tix serve --demo` for a demo board.",
        )
    } else {
        failure.with_hint("Name one with --workflow ID or TIX_WORKFLOW=ID.")
    }
}

pub async fn run(cli: Cli) -> Result<()> {
    let global = cli.global;
    let command = match cli.command {
        Command::Serve(args) => return serve::run(args, &global.database).await,
        Command::MigrateStore(args) => return migrate_store::run(args, global.json).await,
        Command::Mcp(args) => return mcp::run(args, &global).await,
        Command::Hooks(command) => return hooks::run(command, &global),
        Command::Agent(command) => return agent::run(command, &global).await,
        command => command,
    };
    let client = Client::connect(
        global.server.as_deref(),
        &global.database,
        &global.agent,
        global.token.clone(),
        global.claim.clone(),
    )
    .await?;
    // What `tix work` passes on to its commands.
    let global_env = work::WorkerEnv {
        server: global.server.clone(),
        database: global.database.clone(),
        token: global.token.clone(),
    };
    let ctx = Ctx {
        client,
        json: global.json,
        workflow: global.workflow,
    };
    match command {
        // Handled above: they open the store (or the connection) themselves.
        Command::Serve(_) | Command::MigrateStore(_) | Command::Mcp(_) | Command::Hooks(_) | Command::Agent(_) => {
            Ok(())
        }
        Command::Workflow(command) => workflow::run(&ctx, command).await,
        Command::Create(args) => ticket::create(&ctx, args).await,
        Command::List(args) => ticket::list(&ctx, args).await,
        Command::Show(args) => ticket::show(&ctx, args).await,
        Command::Edit(args) => ticket::edit(&ctx, args).await,
        Command::Move(args) => flow::move_ticket(&ctx, args).await,
        Command::Comment(args) => flow::comment(&ctx, args).await,
        Command::Resolve(args) => flow::resolve(&ctx, args).await,
        Command::Block(args) => flow::block(&ctx, args).await,
        Command::Unblock(args) => flow::unblock(&ctx, args).await,
        Command::Ready(args) => ready::ready(&ctx, args).await,
        Command::Claim(args) => ready::claim(&ctx, args).await,
        Command::Heartbeat(args) => ready::heartbeat(&ctx, args).await,
        Command::Run(command) => run::run(&ctx, command).await,
        Command::Webhook(command) => webhook::run(&ctx, command).await,
        Command::Work(args) => work::run(&ctx, args, &global_env).await,
        Command::Graph(args) => graph::run(&ctx, args).await,
        Command::Import(args) => import::run(&ctx, args).await,
        Command::Export(args) => interop::export(&ctx, args).await,
        Command::Search(args) => search::search(&ctx, args).await,
        Command::Reindex(args) => search::reindex(&ctx, args).await,
        Command::Task(command) => task::run(&ctx, command).await,
        Command::Guardian(args) => guardian::run(&ctx, args).await,
        Command::Commits(command) => commits::run(&ctx, command).await,
    }
}
