//! Moving work along: `tix move`, `tix comment`, `tix resolve`,
//! `tix block`, `tix unblock`.

use anyhow::Result;
use serde_json::json;
use tix_core::error::TicketRef;
use tix_core::ticket::StatusChange;
use tix_store::TicketMove;

use crate::cli::{BlockArgs, CommentArgs, MoveArgs, ResolveArgs};
use crate::commands::Ctx;
use crate::output;

/// Dependents listed by title after a resolve; the rest are counted.
const NAMED_DEPENDENTS: usize = 20;

pub async fn move_ticket(ctx: &Ctx, args: MoveArgs) -> Result<()> {
    let request = TicketMove {
        to: Some(args.status),
        comment: args.comment,
        expected_version: args.if_version,
        force: args.force,
    };
    let change = ctx.client.move_ticket(&args.id, request).await?;
    if ctx.json {
        output::print_json(&change);
        return Ok(());
    }
    let t = &change.ticket;
    let state = if t.is_resolved { " (resolved)" } else { "" };
    println!("{} is now in {}{state}", t.id, t.status);
    print_dependents(ctx, &change).await;
    Ok(())
}

pub async fn resolve(ctx: &Ctx, args: ResolveArgs) -> Result<()> {
    let request = TicketMove {
        to: None,
        comment: args.comment,
        expected_version: None,
        force: args.force,
    };
    let change = ctx.client.move_ticket(&args.id, request).await?;
    if ctx.json {
        output::print_json(&change);
        return Ok(());
    }
    println!("resolved {} (now in {})", change.ticket.id, change.ticket.status);
    if change.unblocked_ticket_ids.is_empty() {
        println!("no ticket became unblocked");
    }
    print_dependents(ctx, &change).await;
    Ok(())
}

/// Lists the tickets a status change unblocked or blocked again, with
/// titles for the first few.
async fn print_dependents(ctx: &Ctx, change: &StatusChange) {
    for (ids, what) in [
        (&change.unblocked_ticket_ids, "unblocked"),
        (&change.reblocked_ticket_ids, "blocked again"),
    ] {
        if ids.is_empty() {
            continue;
        }
        println!("{what}: {}", output::plural(ids.len(), "ticket"));
        for id in ids.iter().take(NAMED_DEPENDENTS) {
            match ctx.client.get_ticket(id).await {
                Ok(detail) => println!("  {id}  [{}]  {}", detail.ticket.status, detail.ticket.title),
                Err(_) => println!("  {id}"),
            }
        }
        if ids.len() > NAMED_DEPENDENTS {
            println!("  … and {} more", ids.len() - NAMED_DEPENDENTS);
        }
    }
    if !change.queued_task_ids.is_empty() {
        println!("tasks queued: {}", change.queued_task_ids.join(", "));
    }
    if !change.blocked_task_ids.is_empty() {
        println!("tasks blocked: {}", change.blocked_task_ids.join(", "));
    }
    super::guardian::print_warnings(&change.violations);
}

pub async fn comment(ctx: &Ctx, args: CommentArgs) -> Result<()> {
    let comment = ctx.client.add_comment(&args.id, &args.text).await?;
    if ctx.json {
        output::print_json(&comment);
    } else {
        println!("commented on {} (comment {})", comment.ticket_id, comment.id);
    }
    Ok(())
}

pub async fn block(ctx: &Ctx, args: BlockArgs) -> Result<()> {
    let blockers = ctx.client.add_blocker(&args.id, &args.blocker).await?;
    print_blockers(ctx, &args.id, &blockers);
    Ok(())
}

pub async fn unblock(ctx: &Ctx, args: BlockArgs) -> Result<()> {
    let blockers = ctx.client.remove_blocker(&args.id, &args.blocker).await?;
    print_blockers(ctx, &args.id, &blockers);
    Ok(())
}

fn print_blockers(ctx: &Ctx, id: &str, blockers: &[TicketRef]) {
    if ctx.json {
        output::print_json(&json!({ "blocked_by": blockers }));
        return;
    }
    if blockers.is_empty() {
        println!("{id} is blocked by nothing now");
        return;
    }
    let open = blockers.iter().filter(|b| !b.is_resolved).count();
    let state = if open == 0 {
        "not blocked".to_string()
    } else {
        format!("blocked by {open} unresolved")
    };
    println!("{id} is {state}; its blockers:");
    for blocker in blockers {
        println!("  {}", output::ref_line(blocker));
    }
}
