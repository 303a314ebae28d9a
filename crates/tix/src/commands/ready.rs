//! `tix ready` and `tix claim`.

use anyhow::Result;
use serde_json::json;

use crate::cli::{ClaimArgs, ReadyArgs};
use crate::commands::Ctx;
use crate::output::{self, Table};

pub async fn ready(ctx: &Ctx, args: ReadyArgs) -> Result<()> {
    let workflow_id = ctx.workflow_id().await?;
    let tickets = ctx.client.ready(&workflow_id, args.limit).await?;
    if ctx.json {
        output::print_json(&json!({ "tickets": tickets }));
        return Ok(());
    }
    if tickets.is_empty() {
        println!("nothing is ready: every open ticket is blocked, claimed or past the initial column");
        return Ok(());
    }
    let mut table = Table::new(&["ID", "PRIORITY", "UNBLOCKS", "TYPE", "ASSIGNEE", "TITLE"]);
    for ready in &tickets {
        let t = &ready.ticket;
        table.row(vec![
            t.id.clone(),
            t.priority.to_string(),
            ready.unblocks_count.to_string(),
            t.ticket_type.clone(),
            output::or_dash(t.assigned_agent_id.as_deref()),
            output::truncate(&t.title, 70),
        ]);
    }
    table.print();
    println!("claim the top one with `tix claim --agent ID`");
    Ok(())
}

pub async fn claim(ctx: &Ctx, args: ClaimArgs) -> Result<()> {
    let workflow_id = ctx.workflow_id().await?;
    let ticket = ctx.client.claim(&workflow_id, args.ticket, args.lease_seconds).await?;
    if ctx.json {
        output::print_json(&ticket);
        return Ok(());
    }
    let agent = output::or_dash(ticket.assigned_agent_id.as_deref());
    println!("{agent} claimed {}: {}", ticket.id, ticket.title);
    match &ticket.lease_expires_at {
        Some(lease) => println!("  now in {}; lease until {}", ticket.status, output::time(lease)),
        None => println!("  now in {}", ticket.status),
    }
    Ok(())
}
