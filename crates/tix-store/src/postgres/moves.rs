//! Move, edge and claim statements on PostgreSQL: the advisory locks that
//! serialise WIP counts and edge additions, and `SKIP LOCKED` claims.

use chrono::{DateTime, Utc};
use sqlx::Row;
use tix_core::error::TicketRef;

use super::rows;
use super::PgConn;
use crate::statements::{
    ClaimStatements, EdgeRow, EdgeStatements, IfHeld, MoveRow, MoveStatements, ShiftedDependent, TaskCandidate,
};
use crate::Result;

const EDGE_LOCK_SPACE: i32 = 0x7469_7865; // "tixe": per-workflow edge lock
const WIP_LOCK_SPACE: i32 = 0x7469_7877; // "tixw": per-column WIP lock

impl MoveStatements for PgConn {
    async fn lock_column(&mut self, workflow_id: &str, status: &str) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(WIP_LOCK_SPACE)
            .bind(format!("{workflow_id}/{status}"))
            .execute(self.c())
            .await?;
        Ok(())
    }

    async fn count_in_column(&mut self, workflow_id: &str, status: &str, except: &str) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE workflow_id = $1 AND status = $2 AND id != $3")
                .bind(workflow_id)
                .bind(status)
                .bind(except)
                .fetch_one(self.c())
                .await?;
        Ok(n as u64)
    }

    async fn update_after_move(&mut self, id: &str, row: &MoveRow<'_>) -> Result<i64> {
        let open_children: i32 = sqlx::query_scalar(
            "UPDATE tickets SET status = $2, is_resolved = $3, started_at = $4, completed_at = $5, resolved_at = $6, \
             assigned_agent_id = $7, lease_expires_at = $8, lease_seconds = $9, version = version + 1, updated_at = $10 \
             WHERE id = $1 RETURNING open_children",
        )
        .bind(id)
        .bind(row.status)
        .bind(row.is_resolved)
        .bind(row.started_at)
        .bind(row.completed_at)
        .bind(row.resolved_at)
        .bind(row.assigned_agent_id)
        .bind(row.lease_expires_at)
        .bind(row.lease_seconds)
        .bind(row.at)
        .fetch_one(self.c())
        .await?;
        Ok(i64::from(open_children))
    }

    async fn shift_dependents(&mut self, blocker_id: &str, delta: i64) -> Result<Vec<ShiftedDependent>> {
        sqlx::query(
            "UPDATE tickets SET open_blockers = open_blockers + $2 \
             WHERE id IN (SELECT blocked_id FROM ticket_edges WHERE blocker_id = $1) \
             RETURNING id, open_blockers, is_resolved",
        )
        .bind(blocker_id)
        .bind(delta as i32)
        .fetch_all(self.c())
        .await?
        .iter()
        .map(|r| {
            Ok(ShiftedDependent {
                id: r.try_get(0)?,
                open_blockers: i64::from(r.try_get::<i32, _>(1)?),
                is_resolved: r.try_get(2)?,
            })
        })
        .collect()
    }
}

async fn refs(conn: &mut PgConn, sql: &'static str, id: &str) -> Result<Vec<TicketRef>> {
    sqlx::query(sql)
        .bind(id)
        .fetch_all(conn.c())
        .await?
        .iter()
        .map(rows::ticket_ref)
        .collect()
}

impl EdgeStatements for PgConn {
    async fn lock_edges(&mut self, workflow_id: &str) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(EDGE_LOCK_SPACE)
            .bind(workflow_id)
            .execute(self.c())
            .await?;
        Ok(())
    }

    async fn insert_edges(&mut self, rows: &[EdgeRow<'_>]) -> Result<()> {
        let Some(first) = rows.first() else {
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) \
             SELECT blocker, blocked, workflow, $4, $5 FROM UNNEST($1::text[], $2::text[], $3::text[]) \
             AS e(blocker, blocked, workflow)",
        )
        .bind(rows.iter().map(|r| r.blocker_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.blocked_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.workflow_id).collect::<Vec<_>>())
        .bind(first.created_by)
        .bind(first.at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn delete_edge(&mut self, blocker_id: &str, blocked_id: &str) -> Result<bool> {
        let removed = sqlx::query("DELETE FROM ticket_edges WHERE blocker_id = $1 AND blocked_id = $2")
            .bind(blocker_id)
            .bind(blocked_id)
            .execute(self.c())
            .await?;
        Ok(removed.rows_affected() > 0)
    }

    async fn shift_open_blockers(&mut self, id: &str, delta: i64, at: DateTime<Utc>) -> Result<i64> {
        let open: i32 = sqlx::query_scalar(
            "UPDATE tickets SET open_blockers = open_blockers + $2, version = version + 1, updated_at = $3 WHERE id = $1 \
             RETURNING open_blockers",
        )
        .bind(id)
        .bind(delta as i32)
        .bind(at)
        .fetch_one(self.c())
        .await?;
        Ok(i64::from(open))
    }

    async fn blocked_by(&mut self, id: &str) -> Result<Vec<TicketRef>> {
        refs(
            self,
            "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocker_id \
             WHERE e.blocked_id = $1 ORDER BY t.seq",
            id,
        )
        .await
    }

    async fn blocks(&mut self, id: &str) -> Result<Vec<TicketRef>> {
        refs(
            self,
            "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocked_id \
             WHERE e.blocker_id = $1 ORDER BY t.seq",
            id,
        )
        .await
    }
}

/// The ticket `$1` if it is ready in column `$2` for agent `$3`.
macro_rules! ready_row {
    () => {
        "SELECT id FROM tickets WHERE id = $1 AND status = $2 AND NOT is_resolved AND open_blockers = 0 \
         AND open_children = 0 AND (assigned_agent_id IS NULL OR assigned_agent_id = $3)"
    };
}

impl ClaimStatements for PgConn {
    /// `FOR NO KEY UPDATE`, not `FOR UPDATE`: the foreign-key checks of
    /// rows that merely name the ticket (an embedding, a comment) hold
    /// `KEY SHARE` locks, which must not make a claim pass it over.
    async fn lock_if_ready(&mut self, id: &str, status: &str, agent: &str, if_held: IfHeld) -> Result<bool> {
        let sql = match if_held {
            IfHeld::Skip => concat!(ready_row!(), " FOR NO KEY UPDATE SKIP LOCKED"),
            IfHeld::Wait => concat!(ready_row!(), " FOR NO KEY UPDATE"),
        };
        let locked: Option<String> = sqlx::query_scalar(sql)
            .bind(id)
            .bind(status)
            .bind(agent)
            .fetch_optional(self.c())
            .await?;
        Ok(locked.is_some())
    }

    async fn has_expired_leases(&mut self, now: DateTime<Utc>) -> Result<bool> {
        // The earliest lease, read in index order: after a bulk import and
        // before autovacuum has analysed the table, PostgreSQL would scan
        // the whole table for an EXISTS (it guesses many leases).
        let earliest_expired: Option<bool> = sqlx::query_scalar(
            "SELECT lease_expires_at < $1 FROM tickets WHERE lease_expires_at IS NOT NULL \
             ORDER BY lease_expires_at LIMIT 1",
        )
        .bind(now)
        .fetch_optional(self.c())
        .await?;
        Ok(earliest_expired.unwrap_or(false))
    }

    async fn lock_expired_leases(&mut self, now: DateTime<Utc>) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM tickets WHERE lease_expires_at IS NOT NULL AND lease_expires_at < $1 ORDER BY id \
             FOR NO KEY UPDATE SKIP LOCKED",
        )
        .bind(now)
        .fetch_all(self.c())
        .await?)
    }

    async fn release_lease(&mut self, id: &str, status: &str, at: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE tickets SET status = $2, assigned_agent_id = NULL, lease_expires_at = NULL, lease_seconds = NULL, \
             version = version + 1, updated_at = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn hold_ticket(
        &mut self,
        id: &str,
        agent: &str,
        lease_expires_at: DateTime<Utc>,
        lease_seconds: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE tickets SET assigned_agent_id = $2, lease_expires_at = $3, lease_seconds = $4, \
             version = version + 1, updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(agent)
        .bind(lease_expires_at)
        .bind(lease_seconds)
        .bind(at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn release_hold(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE tickets SET assigned_agent_id = NULL, lease_expires_at = NULL, lease_seconds = NULL, \
             version = version + 1, updated_at = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn renew_lease(&mut self, id: &str, until: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE tickets SET lease_expires_at = $2 WHERE id = $1")
            .bind(id)
            .bind(until)
            .execute(self.c())
            .await?;
        Ok(())
    }

    async fn task_candidates(
        &mut self,
        workflow_id: &str,
        phase_id: u32,
        agent: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<TaskCandidate>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT k.id, k.ticket_id FROM tasks k JOIN tickets t ON t.id = k.ticket_id \
             WHERE k.workflow_id = $1 AND k.phase_id = $2 AND k.status = 'queued' \
             AND (k.assigned_agent_id IS NULL OR k.assigned_agent_id = $3) AND NOT t.is_resolved \
             AND (t.assigned_agent_id IS NULL OR t.assigned_agent_id = $3 OR t.lease_expires_at IS NULL \
                  OR t.lease_expires_at < $4) \
             ORDER BY t.priority DESC, k.seq LIMIT $5",
        )
        .bind(workflow_id)
        .bind(phase_id as i32)
        .bind(agent)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(self.c())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(task_id, ticket_id)| TaskCandidate { task_id, ticket_id })
            .collect())
    }

    async fn lock_task_if_queued(&mut self, task_id: &str, agent: &str) -> Result<bool> {
        let locked: Option<String> = sqlx::query_scalar(
            "SELECT id FROM tasks WHERE id = $1 AND status = 'queued' \
             AND (assigned_agent_id IS NULL OR assigned_agent_id = $2) FOR UPDATE SKIP LOCKED",
        )
        .bind(task_id)
        .bind(agent)
        .fetch_optional(self.c())
        .await?;
        Ok(locked.is_some())
    }

    async fn ready_page(
        &mut self,
        workflow_id: &str,
        status: &str,
        agent: Option<&str>,
        limit: u32,
    ) -> Result<Vec<(String, u64)>> {
        // Served by the partial index tickets_ready_ranked, in its order.
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, unblocks FROM tickets \
             WHERE workflow_id = $1 AND status = $2 AND NOT is_resolved AND open_blockers = 0 \
             AND open_children = 0 AND (assigned_agent_id IS NULL OR assigned_agent_id = $3) \
             ORDER BY priority DESC, unblocks DESC, created_at, id LIMIT $4",
        )
        .bind(workflow_id)
        .bind(status)
        .bind(agent)
        .bind(i64::from(limit))
        .fetch_all(self.c())
        .await?;
        Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u64)).collect())
    }

    async fn ranks_ready(&mut self, workflow_id: &str) -> Result<bool> {
        let ready: Option<bool> = sqlx::query_scalar("SELECT ranks_ready FROM workflows WHERE id = $1")
            .bind(workflow_id)
            .fetch_optional(self.c())
            .await?;
        Ok(ready.unwrap_or(true))
    }

    async fn set_ranks_ready(&mut self, workflow_id: &str, ready: bool) -> Result<()> {
        sqlx::query("UPDATE workflows SET ranks_ready = $2 WHERE id = $1")
            .bind(workflow_id)
            .bind(ready)
            .execute(self.c())
            .await?;
        Ok(())
    }

    async fn set_unblocks(&mut self, counts: &[(String, u64)]) -> Result<()> {
        if counts.is_empty() {
            return Ok(());
        }
        sqlx::query(
            // Rows whose count did not move are not written (a resolve that
            // frees a thousand leaves changes none of their counts).
            "UPDATE tickets SET unblocks = c.n FROM UNNEST($1::text[], $2::bigint[]) AS c(id, n) \
             WHERE tickets.id = c.id AND tickets.unblocks <> c.n",
        )
        .bind(counts.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>())
        .bind(counts.iter().map(|(_, n)| *n as i64).collect::<Vec<_>>())
        .execute(self.c())
        .await?;
        Ok(())
    }
}
