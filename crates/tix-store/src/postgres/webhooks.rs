//! Webhook and outbox statements on PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::Row;
use tix_core::webhook::{Delivery, DeliveryState, Webhook};

use super::PgConn;
use crate::statements::{AttemptRow, DeliveryRow, DueDelivery, WebhookLease, WebhookRow, WebhookStatements};
use crate::{Error, Result};

const WEBHOOK_SELECT: &str = "SELECT id, url, events, workflow_id, created_by, created_at FROM webhooks ";
const DELIVERY_SELECT: &str = "SELECT delivery_id, webhook_id, event_id, event, state, attempts, last_status, \
     last_error, created_at, next_attempt_at, delivered_at, id FROM webhook_deliveries ";

fn webhook(row: &PgRow) -> Result<Webhook> {
    Ok(Webhook {
        id: row.try_get(0)?,
        url: row.try_get(1)?,
        events: row.try_get::<Json<Vec<String>>, _>(2)?.0,
        workflow_id: row.try_get(3)?,
        created_by: row.try_get(4)?,
        created_at: row.try_get(5)?,
    })
}

fn delivery(row: &PgRow) -> Result<Delivery> {
    let state: String = row.try_get(4)?;
    let state =
        DeliveryState::parse(&state).ok_or_else(|| Error::Storage(format!("unknown delivery state {state}")))?;
    Ok(Delivery {
        delivery_id: row.try_get(0)?,
        webhook_id: row.try_get(1)?,
        event_id: row.try_get(2)?,
        event: row.try_get(3)?,
        state,
        attempts: row.try_get::<i32, _>(5)?.max(0) as u32,
        last_status: row.try_get::<Option<i32>, _>(6)?.and_then(|s| u16::try_from(s).ok()),
        last_error: row.try_get(7)?,
        created_at: row.try_get(8)?,
        next_attempt_at: if state == DeliveryState::Pending {
            row.try_get(9)?
        } else {
            None
        },
        delivered_at: row.try_get(10)?,
    })
}

/// The oldest pending delivery of webhook `w` is due at $1.
const HEAD_DUE: &str = "EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.state = 'pending' \
     AND d.id = (SELECT MIN(h.id) FROM webhook_deliveries h WHERE h.webhook_id = w.id AND h.state = 'pending') \
     AND d.next_attempt_at <= $1)";

impl WebhookStatements for PgConn {
    async fn webhook_exists(&mut self, id: &str) -> Result<bool> {
        Ok(
            sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM webhooks WHERE id = $1)")
                .bind(id)
                .fetch_one(self.c())
                .await?,
        )
    }

    async fn insert_webhook(&mut self, row: &WebhookRow<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO webhooks (id, url, events, secret, workflow_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(row.id)
        .bind(row.url)
        .bind(Json(row.events))
        .bind(row.secret)
        .bind(row.workflow_id)
        .bind(row.created_by)
        .bind(row.at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn load_webhook(&mut self, id: &str) -> Result<Option<Webhook>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{WEBHOOK_SELECT}WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.c())
            .await?
            .as_ref()
            .map(webhook)
            .transpose()
    }

    async fn webhooks(&mut self) -> Result<Vec<Webhook>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{WEBHOOK_SELECT}ORDER BY seq")))
            .fetch_all(self.c())
            .await?
            .iter()
            .map(webhook)
            .collect()
    }

    async fn delete_webhook(&mut self, id: &str) -> Result<bool> {
        // Deliveries go with it (ON DELETE CASCADE).
        Ok(sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(self.c())
            .await?
            .rows_affected()
            > 0)
    }

    async fn insert_deliveries(&mut self, rows: &[DeliveryRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO webhook_deliveries (delivery_id, webhook_id, event_id, event, body, state, attempts, \
             next_attempt_at, created_at) \
             SELECT d, w, e, k, b, 'pending', 0, c, c \
             FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[]) \
                  WITH ORDINALITY AS r(d, w, e, k, b, c, n) ORDER BY n",
        )
        .bind(rows.iter().map(|r| r.delivery_id.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.webhook_id.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.event_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.event).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.body.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.at).collect::<Vec<_>>())
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn delivery_page(
        &mut self,
        webhook_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(Delivery, i64)>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DELIVERY_SELECT}WHERE webhook_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
        )))
        .bind(webhook_id)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(self.c())
        .await?
        .iter()
        .map(|row| Ok((delivery(row)?, row.try_get::<i64, _>(11)?)))
        .collect()
    }

    async fn has_due_deliveries(&mut self, now: DateTime<Utc>) -> Result<bool> {
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT EXISTS(SELECT 1 FROM webhooks w WHERE {HEAD_DUE})"
        )))
        .bind(now)
        .fetch_one(self.c())
        .await?)
    }

    /// `NO KEY UPDATE`: every write that queues a delivery holds `KEY
    /// SHARE` on its webhook (the delivery's foreign key) until it commits;
    /// under steady writes `FOR UPDATE SKIP LOCKED` would keep passing the
    /// webhook over.
    async fn lease_due_webhooks(
        &mut self,
        sender: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<WebhookLease>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE webhooks SET sender = $2, sender_until = $3 WHERE id IN ( \
               SELECT w.id FROM webhooks w WHERE (w.sender_until IS NULL OR w.sender_until < $1 OR w.sender = $2) \
               AND {HEAD_DUE} ORDER BY w.seq LIMIT $4 FOR NO KEY UPDATE SKIP LOCKED) \
             RETURNING id, url, secret"
        )))
        .bind(now)
        .bind(sender)
        .bind(until)
        .bind(i64::from(limit))
        .fetch_all(self.c())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(webhook_id, url, secret)| WebhookLease {
                webhook_id,
                url,
                secret,
            })
            .collect())
    }

    async fn head_delivery(&mut self, webhook_id: &str, sender: &str) -> Result<Option<DueDelivery>> {
        let row = sqlx::query(
            "SELECT d.id, d.delivery_id, d.event, d.body, d.attempts, d.created_at, d.next_attempt_at \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.webhook_id = $1 AND d.state = 'pending' AND w.sender = $2 ORDER BY d.id LIMIT 1",
        )
        .bind(webhook_id)
        .bind(sender)
        .fetch_optional(self.c())
        .await?;
        row.map(|r| {
            Ok(DueDelivery {
                seq: r.try_get(0)?,
                delivery_id: r.try_get(1)?,
                event: r.try_get(2)?,
                body: r.try_get(3)?,
                attempts: r.try_get::<i32, _>(4)?.max(0) as u32,
                created_at: r.try_get(5)?,
                next_attempt_at: r.try_get(6)?,
            })
        })
        .transpose()
    }

    async fn record_attempt(&mut self, row: &AttemptRow<'_>) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_deliveries SET state = $2, attempts = $3, next_attempt_at = $4, last_status = $5, \
             last_error = $6, delivered_at = $7 WHERE id = $1",
        )
        .bind(row.seq)
        .bind(row.state.as_str())
        .bind(row.attempts as i32)
        .bind(row.next_attempt_at)
        .bind(row.last_status.map(i32::from))
        .bind(row.last_error)
        .bind(row.delivered_at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn renew_webhook_lease(&mut self, webhook_id: &str, sender: &str, until: DateTime<Utc>) -> Result<bool> {
        Ok(
            sqlx::query("UPDATE webhooks SET sender_until = $3 WHERE id = $1 AND sender = $2")
                .bind(webhook_id)
                .bind(sender)
                .bind(until)
                .execute(self.c())
                .await?
                .rows_affected()
                > 0,
        )
    }

    async fn release_webhook(&mut self, webhook_id: &str, sender: &str) -> Result<()> {
        sqlx::query("UPDATE webhooks SET sender = NULL, sender_until = NULL WHERE id = $1 AND sender = $2")
            .bind(webhook_id)
            .bind(sender)
            .execute(self.c())
            .await?;
        Ok(())
    }

    async fn purge_deliveries(&mut self, before: DateTime<Utc>) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1")
                .bind(before)
                .execute(self.c())
                .await?
                .rows_affected(),
        )
    }
}
