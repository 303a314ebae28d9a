//! `tix task create|list|show|start|done|fail|requeue`.

use anyhow::Result;
use tix_core::reference::parse_task_reference;
use tix_core::task::{NewTask, Task, TaskFilter, TaskStatus};

use crate::cli::{TaskCommand, TaskCreateArgs, TaskIdArgs, TaskListArgs};
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output::{self, Table};

pub async fn run(ctx: &Ctx, command: TaskCommand) -> Result<()> {
    match command {
        TaskCommand::Create(args) => create(ctx, args).await,
        TaskCommand::List(args) => list(ctx, args).await,
        TaskCommand::Show(args) => show(ctx, args).await,
        TaskCommand::Start(args) => set(ctx, args, TaskStatus::InProgress).await,
        TaskCommand::Done(args) => set(ctx, args, TaskStatus::Done).await,
        TaskCommand::Fail(args) => set(ctx, args, TaskStatus::Failed).await,
        TaskCommand::Requeue(args) => set(ctx, args, TaskStatus::Queued).await,
    }
}

async fn create(ctx: &Ctx, args: TaskCreateArgs) -> Result<()> {
    let ticket_id = match args.ticket {
        Some(ticket) => ticket,
        None => parse_task_reference(&args.description)
            .map(|r| r.ticket_id)
            .map_err(|problem| {
                Failure::new("validation_failed", format!("the task description {problem}")).with_hint(
                    "Write it as \"Phase X: Description - TICKET: ticket-xxx\", or name the ticket with --ticket.",
                )
            })?,
    };
    let created = ctx
        .client
        .create_task(NewTask {
            description: args.description,
            phase_id: args.phase,
            ticket_id,
            workflow_id: ctx.named_workflow().map(str::to_string),
            assigned_agent_id: args.assign,
        })
        .await?;
    if ctx.json {
        output::print_json(&created);
        return Ok(());
    }
    println!("{}", created.task_id);
    if created.task.status == TaskStatus::Blocked {
        eprintln!(
            "note: {} is blocked; the task is queued when it unblocks",
            created.task.ticket_id
        );
    }
    super::guardian::print_warnings(&created.violations);
    Ok(())
}

async fn list(ctx: &Ctx, args: TaskListArgs) -> Result<()> {
    let status = args.status.as_deref().map(str::parse::<TaskStatus>).transpose()?;
    let filter = TaskFilter {
        workflow_id: match &args.ticket {
            Some(_) => ctx.named_workflow().map(str::to_string),
            None => Some(ctx.workflow_id().await?),
        },
        ticket_id: args.ticket,
        status,
        phase_id: args.phase,
        assigned_agent_id: args.assignee,
    };
    let page = ctx.client.list_tasks(filter, args.limit, args.cursor).await?;
    if ctx.json {
        output::print_json(&page);
        return Ok(());
    }
    if page.tasks.is_empty() {
        println!("no tasks match");
    } else {
        print_task_table(&page.tasks);
    }
    if let Some(cursor) = &page.next_cursor {
        println!("more: tix task list --cursor {cursor}");
    }
    Ok(())
}

pub fn print_task_table(tasks: &[Task]) {
    let mut table = Table::new(&["ID", "PHASE", "STATUS", "TICKET", "ASSIGNEE", "DESCRIPTION"]);
    for t in tasks {
        table.row(vec![
            t.task_id.clone(),
            t.phase_id.to_string(),
            t.status.to_string(),
            t.ticket_id.clone(),
            output::or_dash(t.assigned_agent_id.as_deref()),
            output::truncate(&t.description, 70),
        ]);
    }
    table.print();
}

async fn show(ctx: &Ctx, args: TaskIdArgs) -> Result<()> {
    let task = ctx.client.get_task(&args.id).await?;
    if ctx.json {
        output::print_json(&task);
        return Ok(());
    }
    println!("{}  phase {}  {}", task.task_id, task.phase_id, task.status);
    println!("  ticket:      {}", task.ticket_id);
    println!("  assignee:    {}", output::or_dash(task.assigned_agent_id.as_deref()));
    println!(
        "  created:     {} by {}",
        output::time(&task.created_at),
        task.created_by
    );
    if task.started_at.is_some() {
        println!("  started:     {}", output::opt_time(&task.started_at));
    }
    if task.completed_at.is_some() {
        println!("  finished:    {}", output::opt_time(&task.completed_at));
    }
    if let Some(note) = &task.note {
        println!("  note:        {note}");
    }
    println!();
    for line in task.description.lines() {
        println!("  {line}");
    }
    Ok(())
}

async fn set(ctx: &Ctx, args: TaskIdArgs, status: TaskStatus) -> Result<()> {
    let task = ctx.client.set_task_status(&args.id, status, args.comment).await?;
    if ctx.json {
        output::print_json(&task);
    } else {
        println!("{} is {}", task.task_id, task.status);
    }
    Ok(())
}
