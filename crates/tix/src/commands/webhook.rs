//! `tix webhook add|list|remove|deliveries`.

use anyhow::Result;
use serde_json::json;
use tix_core::webhook::NewWebhook;

use crate::cli::WebhookCommand;
use crate::commands::Ctx;
use crate::output::{self, Table};

pub async fn run(ctx: &Ctx, command: WebhookCommand) -> Result<()> {
    match command {
        WebhookCommand::Add(args) => {
            let new = NewWebhook {
                url: args.url,
                events: args.events,
                secret: args.secret,
                workflow_id: args.only_workflow,
            };
            let created = ctx.client.create_webhook(new).await?;
            if ctx.json {
                output::print_json(&created);
            } else {
                println!("added {} → {}", created.webhook.id, created.webhook.url);
                println!("  events: {}", created.webhook.events.join(", "));
                println!(
                    "  secret: {} (keep it: deliveries are signed with it, and it is not shown again)",
                    created.secret
                );
            }
        }
        WebhookCommand::List => {
            let hooks = ctx.client.list_webhooks().await?;
            if ctx.json {
                output::print_json(&json!({ "webhooks": hooks }));
                return Ok(());
            }
            if hooks.is_empty() {
                println!("no webhooks; add one with `tix webhook add URL --event ticket.resolved`");
                return Ok(());
            }
            let mut table = Table::new(&["ID", "URL", "EVENTS", "WORKFLOW"]);
            for hook in &hooks {
                table.row(vec![
                    hook.id.clone(),
                    hook.url.clone(),
                    hook.events.join(","),
                    output::or_dash(hook.workflow_id.as_deref()),
                ]);
            }
            table.print();
        }
        WebhookCommand::Remove(args) => {
            let removed = ctx.client.delete_webhook(&args.id).await?;
            if ctx.json {
                output::print_json(&removed);
            } else {
                println!("removed {} ({})", removed.id, removed.url);
            }
        }
        WebhookCommand::Deliveries(args) => {
            let page = ctx.client.webhook_deliveries(&args.id, args.limit, args.cursor).await?;
            if ctx.json {
                output::print_json(&page);
                return Ok(());
            }
            if page.deliveries.is_empty() {
                println!("no deliveries yet");
                return Ok(());
            }
            let mut table = Table::new(&["DELIVERY", "EVENT", "STATE", "ATTEMPTS", "LAST", "CREATED"]);
            for d in &page.deliveries {
                let last = match (&d.last_status, &d.last_error) {
                    (Some(status), _) if d.last_error.is_none() => status.to_string(),
                    (_, Some(error)) => output::truncate(error, 40),
                    _ => "-".into(),
                };
                table.row(vec![
                    d.delivery_id.clone(),
                    d.event.clone(),
                    d.state.as_str().to_string(),
                    d.attempts.to_string(),
                    last,
                    output::time(&d.created_at),
                ]);
            }
            table.print();
            if let Some(cursor) = &page.next_cursor {
                println!("more: tix webhook deliveries {} --cursor {cursor}", args.id);
            }
        }
    }
    Ok(())
}
