//! `tix workflow create|list|show`.

use std::io::Read;
use std::path::Path;

use anyhow::Result;
use serde_json::json;
use tix_core::workflow::{NewWorkflow, Workflow};

use crate::cli::WorkflowCommand;
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output::{self, Table};

pub async fn run(ctx: &Ctx, command: WorkflowCommand) -> Result<()> {
    match command {
        WorkflowCommand::Create(args) => {
            let new = read_workflow_file(&args.file)?;
            let workflow = ctx.client.create_workflow(new).await?;
            if ctx.json {
                output::print_json(&workflow);
            } else {
                println!("created workflow {} ({})", workflow.id, workflow.name);
                print_workflow(&workflow);
            }
        }
        WorkflowCommand::List => {
            let workflows = ctx.client.list_workflows().await?;
            if ctx.json {
                output::print_json(&json!({ "workflows": workflows }));
            } else if workflows.is_empty() {
                println!("no workflows yet; create one with `tix workflow create --file board.yaml`");
            } else {
                let mut table = Table::new(&["ID", "NAME", "COLUMNS", "TYPES", "CREATED"]);
                for w in &workflows {
                    table.row(vec![
                        w.id.clone(),
                        w.name.clone(),
                        w.board_config.column_ids().join(" → "),
                        w.board_config.ticket_types.join(", "),
                        output::time(&w.created_at),
                    ]);
                }
                table.print();
            }
        }
        WorkflowCommand::Show(args) => {
            let workflow = match args.id {
                Some(id) => ctx.client.get_workflow(&id).await?,
                None => ctx.workflow().await?,
            };
            if ctx.json {
                output::print_json(&workflow);
            } else {
                print_workflow(&workflow);
            }
        }
    }
    Ok(())
}

/// Reads a [`NewWorkflow`] from YAML or JSON, chosen by the file's
/// extension, or by its first character when the extension says nothing.
pub(crate) fn read_workflow_file(path: &Path) -> Result<NewWorkflow> {
    let shown = path.display().to_string();
    let text = if shown == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::new("file_unreadable", format!("cannot read the workflow from stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| {
            Failure::new("file_unreadable", format!("cannot read {shown}: {e}"))
                .with_hint("Pass the path of a YAML or JSON workflow file with --file.")
        })?
    };
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let is_json = match extension.as_deref() {
        Some("json") => true,
        Some("yaml" | "yml") => false,
        _ => text.trim_start().starts_with('{'),
    };
    let parsed = if is_json {
        serde_json::from_str::<NewWorkflow>(&text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str::<NewWorkflow>(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| {
        Failure::new("invalid_workflow_file", format!("{shown} is not a valid workflow: {e}"))
            .with_hint(
                "A workflow file holds: name, board_config {columns: [{id, name, wip_limit?}], ticket_types, \
                 initial_status, transitions?, done_statuses?, claim_status?}, and optional phases.",
            )
            .into()
    })
}

fn print_workflow(workflow: &Workflow) {
    let board = &workflow.board_config;
    println!("{}  {}", workflow.id, workflow.name);
    println!("columns (board order):");
    let done = board.done_statuses();
    for column in &board.columns {
        let mut notes = Vec::new();
        if column.id == board.initial_status {
            notes.push("initial".to_string());
        }
        if column.id == board.claim_status() {
            notes.push("claimed tickets go here".to_string());
        }
        if done.contains(&column.id.as_str()) {
            notes.push("done".to_string());
        }
        if let Some(limit) = column.wip_limit {
            notes.push(format!("WIP limit {limit}"));
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  ({})", notes.join(", "))
        };
        println!("  {:<16} {}{notes}", column.id, column.name);
    }
    println!("ticket types: {}", board.ticket_types.join(", "));
    match &board.transitions {
        None => println!("transitions: any column to any column"),
        Some(map) => {
            println!("transitions:");
            for (from, to) in map {
                println!(
                    "  {from} → {}",
                    if to.is_empty() {
                        "(nowhere)".to_string()
                    } else {
                        to.join(", ")
                    }
                );
            }
        }
    }
    if !workflow.phases.is_empty() {
        println!("phases:");
        for phase in &workflow.phases {
            let columns = if phase.columns.is_empty() {
                String::new()
            } else {
                format!(" [{}]", phase.columns.join(", "))
            };
            println!("  {}. {}{columns}", phase.id, phase.name);
            if !phase.description.is_empty() {
                println!("     {}", phase.description);
            }
        }
    }
}
