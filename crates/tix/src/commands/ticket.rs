//! `tix create`, `tix list`, `tix show`, `tix edit`.

use anyhow::Result;
use tix_core::ticket::{HistoryEntry, NewTicket, Ticket, TicketDetail, TicketFilter, TicketPatch};

use crate::cli::{CreateArgs, EditArgs, ListArgs, ShowArgs};
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output::{self, Table};

pub async fn create(ctx: &Ctx, args: CreateArgs) -> Result<()> {
    let (workflow_id, ticket_type) = match args.ticket_type {
        Some(ticket_type) => (ctx.workflow_id().await?, ticket_type),
        None => {
            let workflow = ctx.workflow().await?;
            let first = workflow.board_config.ticket_types.first().cloned().unwrap_or_default();
            (workflow.id, first)
        }
    };
    let new = NewTicket {
        workflow_id,
        title: args.title,
        description: args.description,
        ticket_type,
        priority: args.priority.map(Into::into),
        tags: args.tags,
        blocked_by_ticket_ids: args.blocked_by,
        assigned_agent_id: args.assign,
        id: None,
        parent_id: args.parent,
    };
    let created = ctx.client.create_ticket(new, args.force, &args.embed, ctx.json).await?;
    if ctx.json {
        output::print_json(&created);
    } else {
        println!("{}", created.ticket_id);
        if !created.similar_tickets.is_empty() {
            eprintln!("similar unresolved tickets (check for a duplicate):");
            for s in &created.similar_tickets {
                eprintln!(
                    "  {:.2}  {}  [{}] {}",
                    s.similarity,
                    s.id,
                    s.status,
                    output::truncate(&s.title, 70)
                );
            }
        }
    }
    Ok(())
}

fn flag(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

pub async fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let filter = TicketFilter {
        workflow_id: Some(ctx.workflow_id().await?),
        status: args.status,
        ticket_type: args.ticket_type,
        priority: args.priority.map(Into::into),
        assigned_agent_id: args.assignee,
        blocked: flag(args.blocked, args.unblocked),
        resolved: flag(args.resolved, args.open),
        tag: args.tag,
        parent_id: args.parent,
    };
    let mut page = ctx.client.list_tickets(filter.clone(), args.limit, args.cursor).await?;
    if args.all {
        let mut tickets = std::mem::take(&mut page.tickets);
        while let Some(cursor) = page.next_cursor.take() {
            page = ctx
                .client
                .list_tickets(filter.clone(), args.limit, Some(cursor))
                .await?;
            tickets.append(&mut page.tickets);
        }
        page.tickets = tickets;
    }
    if ctx.json {
        output::print_json(&page);
        return Ok(());
    }
    if page.tickets.is_empty() {
        println!("no tickets match");
    } else {
        print_ticket_table(&page.tickets);
    }
    if let Some(cursor) = &page.next_cursor {
        println!("more: tix list --cursor {cursor}  (or --all)");
    }
    Ok(())
}

fn print_ticket_table(tickets: &[Ticket]) {
    let mut table = Table::new(&["ID", "STATUS", "PRIORITY", "TYPE", "ASSIGNEE", "STATE", "TITLE"]);
    for t in tickets {
        table.row(vec![
            t.id.clone(),
            t.status.clone(),
            t.priority.to_string(),
            t.ticket_type.clone(),
            output::or_dash(t.assigned_agent_id.as_deref()),
            output::state(t).to_string(),
            output::truncate(&t.title, 70),
        ]);
    }
    table.print();
}

pub async fn show(ctx: &Ctx, args: ShowArgs) -> Result<()> {
    let detail = ctx.client.get_ticket(&args.id).await?;
    if ctx.json {
        output::print_json(&detail);
    } else {
        print_detail(&detail);
    }
    Ok(())
}

fn print_detail(detail: &TicketDetail) {
    let t = &detail.ticket;
    println!("{} {}  {}", output::ticket_mark(t), t.id, t.title);
    println!("  status:      {} ({})", t.status, output::state(t));
    println!(
        "  type:        {}    priority: {}    version: {}",
        t.ticket_type, t.priority, t.version
    );
    match (&t.assigned_agent_id, &t.lease_expires_at) {
        (Some(agent), Some(lease)) => println!("  assignee:    {agent} (lease until {})", output::time(lease)),
        (agent, _) => println!("  assignee:    {}", output::or_dash(agent.as_deref())),
    }
    if !t.tags.is_empty() {
        println!("  tags:        {}", t.tags.join(", "));
    }
    println!("  workflow:    {}", t.workflow_id);
    if let Some(parent) = &detail.parent {
        println!("  parent:      {}", output::ref_line(parent));
    }
    if let Some(reference) = &t.external_ref {
        println!("  imported as: {reference}");
    }
    println!("  created:     {} by {}", output::time(&t.created_at), t.created_by);
    println!("  updated:     {}", output::time(&t.updated_at));
    if t.started_at.is_some() {
        println!("  started:     {}", output::opt_time(&t.started_at));
    }
    if t.resolved_at.is_some() {
        println!("  resolved:    {}", output::opt_time(&t.resolved_at));
    }
    if !t.description.trim().is_empty() {
        println!();
        for line in t.description.lines() {
            println!("  {line}");
        }
    }
    println!();
    if detail.blocked_by.is_empty() {
        println!("blocked by: nothing");
    } else {
        let open = detail.blocked_by.iter().filter(|b| !b.is_resolved).count();
        println!("blocked by ({} unresolved):", open);
        for blocker in &detail.blocked_by {
            println!("  {}", output::ref_line(blocker));
        }
    }
    if detail.blocks.is_empty() {
        println!("blocks: nothing");
    } else {
        println!("blocks:");
        for dependent in &detail.blocks {
            println!("  {}", output::ref_line(dependent));
        }
    }
    if !detail.children.is_empty() {
        println!();
        println!(
            "children ({}/{} resolved):",
            detail.progress.resolved, detail.progress.total
        );
        for child in &detail.children {
            let mark = output::mark(child.is_resolved, child.is_blocked);
            let indent = "  ".repeat(child.depth as usize);
            println!(
                "{indent}{mark} {}  [{}]  {}",
                child.id,
                child.status,
                output::truncate(&child.title, 60)
            );
        }
    }
    if !detail.links.is_empty() {
        println!();
        println!("links:");
        for link in &detail.links {
            println!("  {} {}", link.kind.as_str().replace('_', " "), link.target);
        }
    }
    if !detail.tasks.is_empty() {
        println!();
        println!("tasks:");
        for task in &detail.tasks {
            println!(
                "  {}  phase {}  {:<11} {:<16} {}",
                task.task_id,
                task.phase_id,
                task.status.as_str(),
                output::or_dash(task.assigned_agent_id.as_deref()),
                output::truncate(&task.description, 70)
            );
        }
    }
    if !detail.runs.is_empty() {
        println!();
        println!("runs:");
        for run in &detail.runs {
            println!("  {}", super::run::run_line(run));
        }
    }
    if !detail.commits.is_empty() {
        println!();
        println!("commits:");
        for commit in &detail.commits {
            let stats = match (commit.files_changed, commit.insertions, commit.deletions) {
                (Some(files), Some(plus), Some(minus)) => format!("  ({files} files, +{plus} -{minus})"),
                _ => String::new(),
            };
            println!(
                "  {}  {}  {}{stats}",
                &commit.sha[..commit.sha.len().min(8)],
                output::or_dash(commit.author.as_deref()),
                output::truncate(&commit.message, 60)
            );
        }
    }
    if !detail.comments.is_empty() {
        println!();
        println!("comments ({}):", detail.comments.len());
        for comment in &detail.comments {
            println!("  {}  {}:", output::time(&comment.created_at), comment.author);
            for line in comment.comment_text.lines() {
                println!("    {line}");
            }
        }
    }
    if !detail.history.is_empty() {
        println!();
        println!("history:");
        for entry in &detail.history {
            println!(
                "  {}  {:<16} {}",
                output::time(&entry.created_at),
                entry.agent_id,
                describe(entry)
            );
        }
    }
}

/// One history row in words.
fn describe(entry: &HistoryEntry) -> String {
    let from = entry.from_status.as_deref().unwrap_or("?");
    let to = entry.to_status.as_deref().unwrap_or("?");
    let detail = |key: &str| {
        entry
            .details
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_string()
    };
    let mut text = match entry.action.as_str() {
        "created" => format!("created in {to}"),
        "status_changed" => format!("moved {from} → {to}"),
        "resolved" => format!("resolved ({from} → {to})"),
        "reopened" => format!("reopened ({from} → {to})"),
        "claimed" => format!("claimed ({from} → {to})"),
        "lease_expired" => format!("lease expired ({from} → {to})"),
        "blocker_added" => format!("now blocked by {}", detail("blocker_id")),
        "blocker_removed" => format!("no longer blocked by {}", detail("blocker_id")),
        "unblocked" => format!("unblocked: {} resolved", detail("by_ticket_id")),
        "blocked" => format!("blocked again: {} reopened", detail("by_ticket_id")),
        "commented" => "commented".to_string(),
        "task_created" => format!(
            "task {} created (phase {})",
            detail("task_id"),
            entry.details.get("phase_id").map(|p| p.to_string()).unwrap_or_default()
        ),
        "commit_linked" => format!("linked commit {}", &detail("sha")[..detail("sha").len().min(8)]),
        "task_status_changed" => format!("task {}: {} → {}", detail("task_id"), detail("from"), detail("to")),
        "updated" => match entry.details.get("fields").and_then(|f| f.as_array()) {
            Some(fields) => format!(
                "changed {}",
                fields.iter().filter_map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
            ),
            None => "updated".to_string(),
        },
        other => other.replace('_', " "),
    };
    if let Some(comment) = entry.comment.as_deref().filter(|c| !c.is_empty()) {
        if entry.action != "commented" {
            text.push_str(&format!(": {}", output::truncate(comment, 80)));
        }
    }
    text
}

pub async fn edit(ctx: &Ctx, args: EditArgs) -> Result<()> {
    let assigned_agent_id = match (args.assign, args.unassign) {
        (Some(agent), _) => Some(Some(agent)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let tags = if args.clear_tags {
        Some(Vec::new())
    } else if args.tags.is_empty() {
        None
    } else {
        Some(args.tags)
    };
    let parent_id = match (args.parent, args.no_parent) {
        (Some(parent), _) => Some(Some(parent)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let patch = TicketPatch {
        title: args.title,
        description: args.description,
        priority: args.priority.map(Into::into),
        tags,
        ticket_type: args.ticket_type,
        assigned_agent_id,
        parent_id,
    };
    if patch.is_empty() {
        return Err(Failure::new("validation_failed", "nothing to change")
            .with_hint(
                "Pass any of --title, --description, --priority, --tag, --clear-tags, --type, --assign, --unassign, \
                 --parent, --no-parent.",
            )
            .into());
    }
    let ticket = ctx.client.update_ticket(&args.id, patch, args.if_version).await?;
    if ctx.json {
        output::print_json(&ticket);
    } else {
        println!("updated {} (version {})", ticket.id, ticket.version);
    }
    Ok(())
}
