//! Webhooks and their outbox. A write's deliveries are inserted by
//! [`enqueue`] in the write's own transaction (from `WriteCtx::flush`), so
//! a change and its deliveries commit together or not at all; a sender
//! (the server's deliverer) leases a webhook, posts its oldest pending
//! delivery, records the attempt, and goes on in outbox order.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use tix_core::ticket::{Event, Ticket};
use tix_core::validate::page_size;
use tix_core::webhook::{self as rules, DeliveryPage, DeliveryState, NewWebhook, Webhook, WebhookCreated};
use tix_core::DomainError;

use super::{now, parse_cursor, random_bytes, require_workflow};
use crate::statements::{AttemptRow, DeliveryRow, DueDelivery, PendingEvent, Statements, WebhookLease, WebhookRow};
use crate::{Error, Result};

fn random_hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

async fn new_webhook_id<C: Statements>(tx: &mut C) -> Result<String> {
    for _ in 0..16 {
        let id = rules::webhook_id(&random_bytes()?);
        if !tx.webhook_exists(&id).await? {
            return Ok(id);
        }
    }
    Err(Error::Storage("could not find a free webhook id after 16 tries".into()))
}

pub async fn create_webhook<C: Statements>(tx: &mut C, actor: &str, new: &NewWebhook) -> Result<WebhookCreated> {
    let new = new.validate()?;
    if let Some(workflow_id) = &new.workflow_id {
        require_workflow(tx, workflow_id).await?;
    }
    let secret = match &new.secret {
        Some(secret) => secret.clone(),
        None => format!("whsec_{}", random_hex(24)?),
    };
    let id = new_webhook_id(tx).await?;
    tx.insert_webhook(&WebhookRow {
        id: &id,
        url: &new.url,
        events: &new.events,
        secret: &secret,
        workflow_id: new.workflow_id.as_deref(),
        created_by: actor,
        at: now(),
    })
    .await?;
    Ok(WebhookCreated {
        webhook: require_webhook(tx, &id).await?,
        secret,
    })
}

pub async fn require_webhook<C: Statements>(conn: &mut C, id: &str) -> Result<Webhook> {
    conn.load_webhook(id.trim())
        .await?
        .ok_or_else(|| DomainError::not_found("webhook", id.trim()).into())
}

/// Removes the webhook and its deliveries (pending ones are never sent).
pub async fn delete_webhook<C: Statements>(tx: &mut C, id: &str) -> Result<Webhook> {
    let webhook = require_webhook(tx, id).await?;
    tx.delete_webhook(&webhook.id).await?;
    Ok(webhook)
}

pub async fn deliveries<C: Statements>(
    conn: &mut C,
    webhook_id: &str,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<DeliveryPage> {
    let webhook = require_webhook(conn, webhook_id).await?;
    let limit = page_size(limit)?;
    let before = cursor.map(parse_cursor).transpose()?;
    let mut rows = conn.delivery_page(&webhook.id, before, limit + 1).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|(_, seq)| format!("c{seq}"))
    } else {
        None
    };
    Ok(DeliveryPage {
        deliveries: rows.into_iter().map(|(d, _)| d).collect(),
        next_cursor,
    })
}

/// Puts a delivery in the outbox for each event and each webhook that
/// wants it; the body holds each event's ticket as the transaction leaves it.
pub async fn enqueue<C: Statements>(tx: &mut C, events: &[PendingEvent], ids: &[i64]) -> Result<()> {
    let hooks = tx.webhooks().await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let mut tickets: HashMap<String, Option<Ticket>> = HashMap::new();
    let mut rows: Vec<DeliveryRow> = Vec::new();
    for (pending, id) in events.iter().zip(ids) {
        let wanted: Vec<&Webhook> = hooks
            .iter()
            .filter(|h| h.wants(pending.kind, &pending.workflow_id))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let ticket = match &pending.ticket_id {
            Some(ticket_id) => {
                if !tickets.contains_key(ticket_id) {
                    let loaded = tx.load_ticket(ticket_id).await?;
                    tickets.insert(ticket_id.clone(), loaded);
                }
                tickets.get(ticket_id).and_then(Option::as_ref)
            }
            None => None,
        };
        let event = Event {
            id: *id,
            workflow_id: pending.workflow_id.clone(),
            kind: pending.kind.as_str().to_string(),
            ticket_id: pending.ticket_id.clone(),
            agent_id: pending.agent.clone(),
            payload: pending.payload.clone(),
            created_at: pending.at,
        };
        let body = rules::delivery_body(&event, pending.kind, ticket).to_string();
        for hook in wanted {
            rows.push(DeliveryRow {
                delivery_id: format!("dlv_{}", random_hex(12)?),
                webhook_id: hook.id.clone(),
                event_id: *id,
                event: pending.kind.webhook_name(),
                body: body.clone(),
                at: pending.at,
            });
        }
    }
    tx.insert_deliveries(&rows).await
}

/// Leases webhooks with a due delivery to `sender` for `lease`.
pub async fn lease_due<C: Statements>(
    tx: &mut C,
    sender: &str,
    lease: std::time::Duration,
    limit: u32,
) -> Result<Vec<WebhookLease>> {
    let at = now();
    let until = at + TimeDelta::from_std(lease).unwrap_or(TimeDelta::seconds(30));
    tx.lease_due_webhooks(sender, at, until, limit).await
}

/// The next delivery of a leased webhook, if its time has come; renews the
/// lease. `None` when there is nothing due or the lease was lost.
pub async fn next_due<C: Statements>(
    tx: &mut C,
    webhook_id: &str,
    sender: &str,
    lease: std::time::Duration,
) -> Result<Option<DueDelivery>> {
    let at = now();
    let until = at + TimeDelta::from_std(lease).unwrap_or(TimeDelta::seconds(30));
    if !tx.renew_webhook_lease(webhook_id, sender, until).await? {
        return Ok(None);
    }
    Ok(tx
        .head_delivery(webhook_id, sender)
        .await?
        .filter(|d| d.next_attempt_at <= at))
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub enum Attempt {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// It answered something else, or could not be reached.
    Failed { status: Option<u16>, error: String },
}

/// Records an attempt: delivered, retried after the backoff, or given up
/// once the delivery is older than a day.
pub async fn record<C: Statements>(tx: &mut C, delivery: &DueDelivery, attempt: &Attempt) -> Result<DeliveryState> {
    let at = now();
    let attempts = delivery.attempts + 1;
    let (state, next, status, error) = match attempt {
        Attempt::Delivered { status } => (DeliveryState::Delivered, at, Some(*status), None),
        Attempt::Failed { status, error } => {
            let next = at + TimeDelta::from_std(rules::backoff(attempts)).unwrap_or(TimeDelta::seconds(1));
            let give_up = delivery.created_at + TimeDelta::from_std(rules::GIVE_UP_AFTER).unwrap_or(TimeDelta::days(1));
            let state = if at >= give_up {
                DeliveryState::Failed
            } else {
                DeliveryState::Pending
            };
            (state, next, *status, Some(error.as_str()))
        }
    };
    tx.record_attempt(&AttemptRow {
        seq: delivery.seq,
        state,
        attempts,
        next_attempt_at: next,
        last_status: status,
        last_error: error,
        delivered_at: (state == DeliveryState::Delivered).then_some(at),
    })
    .await?;
    Ok(state)
}

/// Forgets idempotency answers past their window and finished deliveries
/// older than `keep_deliveries`; answers (answers, deliveries) removed.
pub async fn housekeeping<C: Statements>(tx: &mut C, keep_deliveries: std::time::Duration) -> Result<(u64, u64)> {
    let at: DateTime<Utc> = now();
    let window = TimeDelta::from_std(crate::scope::IDEMPOTENCY_WINDOW).unwrap_or(TimeDelta::days(1));
    let keep = TimeDelta::from_std(keep_deliveries).unwrap_or(TimeDelta::days(7));
    Ok((
        tx.purge_answers(at - window).await?,
        tx.purge_deliveries(at - keep).await?,
    ))
}
