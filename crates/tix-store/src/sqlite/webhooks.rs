//! Webhook and outbox statements on SQLite.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use tix_core::webhook::{Delivery, DeliveryState, Webhook};

use super::rows::{json, opt_time, time, time_text};
use super::SqliteConn;
use crate::statements::{AttemptRow, DeliveryRow, DueDelivery, WebhookLease, WebhookRow, WebhookStatements};
use crate::Result;

const WEBHOOK_SELECT: &str = "SELECT id, url, events, workflow_id, created_by, created_at FROM webhooks";
const DELIVERY_SELECT: &str = "SELECT delivery_id, webhook_id, event_id, event, state, attempts, last_status, \
     last_error, created_at, next_attempt_at, delivered_at, id FROM webhook_deliveries";
/// The oldest pending delivery of webhook `w` is due at ?1.
const HEAD_DUE: &str = "EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending' \
     AND d.id = (SELECT MIN(h.id) FROM webhook_deliveries h WHERE h.webhook_id = w.id AND h.state = 'pending') \
     AND d.next_attempt_at <= ?1)";

fn webhook(row: &Row<'_>) -> rusqlite::Result<Webhook> {
    Ok(Webhook {
        id: row.get(0)?,
        url: row.get(1)?,
        events: json(row, 2)?,
        workflow_id: row.get(3)?,
        created_by: row.get(4)?,
        created_at: time(row, 5)?,
    })
}

fn delivery(row: &Row<'_>) -> rusqlite::Result<Delivery> {
    let state: String = row.get(4)?;
    let is_pending = state == "pending";
    Ok(Delivery {
        delivery_id: row.get(0)?,
        webhook_id: row.get(1)?,
        event_id: row.get(2)?,
        event: row.get(3)?,
        state: DeliveryState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, format!("state {state}").into())
        })?,
        attempts: row.get(5)?,
        last_status: row.get(6)?,
        last_error: row.get(7)?,
        created_at: time(row, 8)?,
        next_attempt_at: if is_pending { opt_time(row, 9)? } else { None },
        delivered_at: opt_time(row, 10)?,
    })
}

impl WebhookStatements for SqliteConn {
    async fn webhook_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM webhooks WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?)
    }

    async fn insert_webhook(&mut self, row: &WebhookRow<'_>) -> Result<()> {
        let events = serde_json::to_string(row.events)
            .map_err(|e| crate::Error::Storage(format!("cannot encode webhook events: {e}")))?;
        self.conn
            .prepare_cached(
                "INSERT INTO webhooks (id, url, events, secret, workflow_id, created_by, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                row.id,
                row.url,
                events,
                row.secret,
                row.workflow_id,
                row.created_by,
                time_text(row.at)
            ])?;
        Ok(())
    }

    async fn load_webhook(&mut self, id: &str) -> Result<Option<Webhook>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{WEBHOOK_SELECT} WHERE id = ?1"))?
            .query_row([id], webhook)
            .optional()?)
    }

    async fn webhooks(&mut self) -> Result<Vec<Webhook>> {
        let hooks = self
            .conn
            .prepare_cached(&format!("{WEBHOOK_SELECT} ORDER BY seq"))?
            .query_map([], webhook)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(hooks)
    }

    async fn delete_webhook(&mut self, id: &str) -> Result<bool> {
        self.conn
            .prepare_cached("DELETE FROM webhook_deliveries WHERE webhook_id = ?1")?
            .execute([id])?;
        let removed = self
            .conn
            .prepare_cached("DELETE FROM webhooks WHERE id = ?1")?
            .execute([id])?;
        Ok(removed > 0)
    }

    async fn insert_deliveries(&mut self, rows: &[DeliveryRow]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO webhook_deliveries (delivery_id, webhook_id, event_id, event, body, state, attempts, \
             next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6)",
        )?;
        for row in rows {
            insert.execute(params![
                row.delivery_id,
                row.webhook_id,
                row.event_id,
                row.event,
                row.body,
                time_text(row.at)
            ])?;
        }
        Ok(())
    }

    async fn delivery_page(
        &mut self,
        webhook_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(Delivery, i64)>> {
        let page = self
            .conn
            .prepare_cached(&format!(
                "{DELIVERY_SELECT} WHERE webhook_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3"
            ))?
            .query_map(params![webhook_id, before, limit], |row| {
                Ok((delivery(row)?, row.get::<_, i64>(11)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(page)
    }

    async fn has_due_deliveries(&mut self, now: DateTime<Utc>) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT EXISTS(SELECT 1 FROM webhooks w WHERE {HEAD_DUE})"))?
            .query_row([time_text(now)], |r| r.get(0))?)
    }

    async fn lease_due_webhooks(
        &mut self,
        sender: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<WebhookLease>> {
        let leased = self
            .conn
            .prepare_cached(&format!(
                "UPDATE webhooks SET sender = ?2, sender_until = ?3 WHERE id IN ( \
                   SELECT w.id FROM webhooks w WHERE (w.sender_until IS NULL OR w.sender_until < ?1 OR w.sender = ?2) \
                   AND {HEAD_DUE} ORDER BY w.seq LIMIT ?4) \
                 RETURNING id, url, secret"
            ))?
            .query_map(params![time_text(now), sender, time_text(until), limit], |r| {
                Ok(WebhookLease {
                    webhook_id: r.get(0)?,
                    url: r.get(1)?,
                    secret: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(leased)
    }

    async fn head_delivery(&mut self, webhook_id: &str, sender: &str) -> Result<Option<DueDelivery>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT d.id, d.delivery_id, d.event, d.body, d.attempts, d.created_at, d.next_attempt_at \
                 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 WHERE d.webhook_id = ?1 AND d.state = 'pending' AND w.sender = ?2 ORDER BY d.id LIMIT 1",
            )?
            .query_row(params![webhook_id, sender], |r| {
                Ok(DueDelivery {
                    seq: r.get(0)?,
                    delivery_id: r.get(1)?,
                    event: r.get(2)?,
                    body: r.get(3)?,
                    attempts: r.get(4)?,
                    created_at: time(r, 5)?,
                    next_attempt_at: time(r, 6)?,
                })
            })
            .optional()?)
    }

    async fn record_attempt(&mut self, row: &AttemptRow<'_>) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE webhook_deliveries SET state = ?2, attempts = ?3, next_attempt_at = ?4, last_status = ?5, \
                 last_error = ?6, delivered_at = ?7 WHERE id = ?1",
            )?
            .execute(params![
                row.seq,
                row.state.as_str(),
                row.attempts,
                time_text(row.next_attempt_at),
                row.last_status,
                row.last_error,
                row.delivered_at.map(time_text)
            ])?;
        Ok(())
    }

    async fn renew_webhook_lease(&mut self, webhook_id: &str, sender: &str, until: DateTime<Utc>) -> Result<bool> {
        let renewed = self
            .conn
            .prepare_cached("UPDATE webhooks SET sender_until = ?3 WHERE id = ?1 AND sender = ?2")?
            .execute(params![webhook_id, sender, time_text(until)])?;
        Ok(renewed > 0)
    }

    async fn release_webhook(&mut self, webhook_id: &str, sender: &str) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE webhooks SET sender = NULL, sender_until = NULL WHERE id = ?1 AND sender = ?2")?
            .execute(params![webhook_id, sender])?;
        Ok(())
    }

    async fn purge_deliveries(&mut self, before: DateTime<Utc>) -> Result<u64> {
        let purged = self
            .conn
            .prepare_cached("DELETE FROM webhook_deliveries WHERE state != 'pending' AND created_at < ?1")?
            .execute([time_text(before)])?;
        Ok(purged as u64)
    }
}
