//! `tix ready`, `tix claim` and `tix heartbeat`.

use anyhow::Result;
use serde_json::json;
use tix_core::claim::Claimed;

use crate::cli::{ClaimArgs, HeartbeatArgs, ReadyArgs};
use crate::client::ClaimOptions;
use crate::commands::Ctx;
use crate::output::{self, Table};

pub async fn ready(ctx: &Ctx, args: ReadyArgs) -> Result<()> {
    let workflow_id = ctx.workflow_id().await?;
    let tickets = ctx.client.ready(&workflow_id, args.limit, args.wait).await?;
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
    let options = ClaimOptions {
        ticket: args.ticket,
        phase: args.phase,
        lease_seconds: args.lease_seconds,
        wait: args.wait,
    };
    let claimed = ctx.client.claim(&workflow_id, options).await?;
    if ctx.json {
        output::print_json(&claimed);
        return Ok(());
    }
    print_claimed(&claimed);
    Ok(())
}

/// A claim, for people: what was taken, its token, and what earlier runs left.
pub fn print_claimed(claimed: &Claimed) {
    let ticket = &claimed.ticket;
    let agent = output::or_dash(ticket.assigned_agent_id.as_deref());
    println!("{agent} claimed {}: {}", ticket.id, ticket.title);
    if let Some(task) = &claimed.task {
        println!(
            "  task {} (phase {}): {}",
            task.task_id, task.phase_id, task.description
        );
    }
    match &ticket.lease_expires_at {
        Some(lease) => println!("  in {}; lease until {}", ticket.status, output::time(lease)),
        None => println!("  in {}", ticket.status),
    }
    println!("  run {}", claimed.run_id);
    println!(
        "  claim token {} (export TIX_CLAIM=… so your writes carry it)",
        claimed.claim_token
    );
    for prior in &claimed.handoffs {
        let outcome = prior.outcome.map(|o| o.to_string()).unwrap_or_else(|| "open".into());
        println!("  earlier: {} by {} ({outcome})", prior.run_id, prior.agent_id);
        if let Some(summary) = &prior.summary {
            println!("    summary: {}", output::truncate(summary, 200));
        }
        if let Some(handoff) = &prior.handoff {
            for (label, text) in [
                ("done", &handoff.done),
                ("remaining", &handoff.remaining),
                ("decisions", &handoff.decisions),
                ("risks", &handoff.risks),
            ] {
                if let Some(text) = text {
                    println!("    {label}: {}", output::truncate(text, 200));
                }
            }
        }
    }
}

pub async fn heartbeat(ctx: &Ctx, args: HeartbeatArgs) -> Result<()> {
    let beat = ctx.client.heartbeat(&args.ticket).await?;
    if ctx.json {
        output::print_json(&beat);
    } else {
        println!(
            "{} still holds {}; lease until {}",
            beat.agent_id,
            beat.ticket_id,
            output::time(&beat.lease_expires_at)
        );
    }
    Ok(())
}
