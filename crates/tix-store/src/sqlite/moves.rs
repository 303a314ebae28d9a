//! Move, edge and claim statements on SQLite.

use chrono::{DateTime, Utc};
use rusqlite::params;
use tix_core::error::TicketRef;

use super::rows::{self, time_text};
use super::SqliteConn;
use crate::statements::{
    ClaimStatements, EdgeRow, EdgeStatements, IfHeld, MoveRow, MoveStatements, ShiftedDependent, TaskCandidate,
};
use crate::Result;

impl MoveStatements for SqliteConn {
    async fn lock_column(&mut self, _workflow_id: &str, _status: &str) -> Result<()> {
        // The single writer already makes count-then-move atomic.
        Ok(())
    }

    async fn count_in_column(&mut self, workflow_id: &str, status: &str, except: &str) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM tickets WHERE workflow_id = ?1 AND status = ?2 AND id != ?3")?
            .query_row(params![workflow_id, status, except], |r| r.get(0))?;
        Ok(n as u64)
    }

    async fn update_after_move(&mut self, id: &str, row: &MoveRow<'_>) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE tickets SET status = ?2, is_resolved = ?3, started_at = ?4, completed_at = ?5, resolved_at = ?6, \
                 assigned_agent_id = ?7, lease_expires_at = ?8, lease_seconds = ?9, version = version + 1, updated_at = ?10 \
                 WHERE id = ?1 RETURNING open_children",
            )?
            .query_row(params![
                id,
                row.status,
                row.is_resolved,
                row.started_at.map(time_text),
                row.completed_at.map(time_text),
                row.resolved_at.map(time_text),
                row.assigned_agent_id,
                row.lease_expires_at.map(time_text),
                row.lease_seconds,
                time_text(row.at),
            ], |r| r.get(0))?)
    }

    async fn shift_dependents(&mut self, blocker_id: &str, delta: i64) -> Result<Vec<ShiftedDependent>> {
        let shifted = self
            .conn
            .prepare_cached(
                "UPDATE tickets SET open_blockers = open_blockers + ?2 \
                 WHERE id IN (SELECT blocked_id FROM ticket_edges WHERE blocker_id = ?1) \
                 RETURNING id, open_blockers, is_resolved",
            )?
            .query_map(params![blocker_id, delta], |r| {
                Ok(ShiftedDependent {
                    id: r.get(0)?,
                    open_blockers: r.get(1)?,
                    is_resolved: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(shifted)
    }
}

fn refs(conn: &rusqlite::Connection, sql: &str, id: &str) -> Result<Vec<TicketRef>> {
    let refs = conn
        .prepare_cached(sql)?
        .query_map([id], rows::ticket_ref)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(refs)
}

impl EdgeStatements for SqliteConn {
    async fn lock_edges(&mut self, _workflow_id: &str) -> Result<()> {
        // The single writer already makes cycle-check-then-insert atomic.
        Ok(())
    }

    async fn insert_edges(&mut self, rows: &[EdgeRow<'_>]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for row in rows {
            insert.execute(params![
                row.blocker_id,
                row.blocked_id,
                row.workflow_id,
                row.created_by,
                time_text(row.at)
            ])?;
        }
        Ok(())
    }

    async fn delete_edge(&mut self, blocker_id: &str, blocked_id: &str) -> Result<bool> {
        let removed = self.conn.execute(
            "DELETE FROM ticket_edges WHERE blocker_id = ?1 AND blocked_id = ?2",
            params![blocker_id, blocked_id],
        )?;
        Ok(removed > 0)
    }

    async fn shift_open_blockers(&mut self, id: &str, delta: i64, at: DateTime<Utc>) -> Result<i64> {
        Ok(self.conn.query_row(
            "UPDATE tickets SET open_blockers = open_blockers + ?2, version = version + 1, updated_at = ?3 WHERE id = ?1 \
             RETURNING open_blockers",
            params![id, delta, time_text(at)],
            |r| r.get(0),
        )?)
    }

    async fn blocked_by(&mut self, id: &str) -> Result<Vec<TicketRef>> {
        refs(
            &self.conn,
            "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocker_id \
             WHERE e.blocked_id = ?1 ORDER BY t.seq",
            id,
        )
    }

    async fn blocks(&mut self, id: &str) -> Result<Vec<TicketRef>> {
        refs(
            &self.conn,
            "SELECT t.id, t.title, t.status, t.is_resolved FROM ticket_edges e JOIN tickets t ON t.id = e.blocked_id \
             WHERE e.blocker_id = ?1 ORDER BY t.seq",
            id,
        )
    }
}

impl ClaimStatements for SqliteConn {
    /// The single writer holds every row it reads: nothing to pass over.
    async fn lock_if_ready(&mut self, id: &str, status: &str, agent: &str, _if_held: IfHeld) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM tickets WHERE id = ?1 AND status = ?2 AND is_resolved = 0 \
                 AND open_blockers = 0 AND open_children = 0 AND (assigned_agent_id IS NULL OR assigned_agent_id = ?3))",
            )?
            .query_row(params![id, status, agent], |r| r.get(0))?)
    }

    async fn has_expired_leases(&mut self, now: DateTime<Utc>) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM tickets WHERE lease_expires_at IS NOT NULL AND lease_expires_at < ?1)",
            )?
            .query_row([time_text(now)], |r| r.get(0))?)
    }

    async fn lock_expired_leases(&mut self, now: DateTime<Utc>) -> Result<Vec<String>> {
        let ids = self
            .conn
            .prepare_cached(
                "SELECT id FROM tickets WHERE lease_expires_at IS NOT NULL AND lease_expires_at < ?1 ORDER BY id",
            )?
            .query_map([time_text(now)], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    }

    async fn release_lease(&mut self, id: &str, status: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE tickets SET status = ?2, assigned_agent_id = NULL, lease_expires_at = NULL, lease_seconds = NULL, \
                 version = version + 1, updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![id, status, time_text(at)])?;
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
        self.conn
            .prepare_cached(
                "UPDATE tickets SET assigned_agent_id = ?2, lease_expires_at = ?3, lease_seconds = ?4, \
                 version = version + 1, updated_at = ?5 WHERE id = ?1",
            )?
            .execute(params![
                id,
                agent,
                time_text(lease_expires_at),
                lease_seconds,
                time_text(at)
            ])?;
        Ok(())
    }

    async fn release_hold(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE tickets SET assigned_agent_id = NULL, lease_expires_at = NULL, lease_seconds = NULL, \
                 version = version + 1, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![id, time_text(at)])?;
        Ok(())
    }

    async fn renew_lease(&mut self, id: &str, until: DateTime<Utc>) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE tickets SET lease_expires_at = ?2 WHERE id = ?1")?
            .execute(params![id, time_text(until)])?;
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
        let candidates = self
            .conn
            .prepare_cached(
                "SELECT k.id, k.ticket_id FROM tasks k JOIN tickets t ON t.id = k.ticket_id \
                 WHERE k.workflow_id = ?1 AND k.phase_id = ?2 AND k.status = 'queued' \
                 AND (k.assigned_agent_id IS NULL OR k.assigned_agent_id = ?3) AND t.is_resolved = 0 \
                 AND (t.assigned_agent_id IS NULL OR t.assigned_agent_id = ?3 OR t.lease_expires_at IS NULL \
                      OR t.lease_expires_at < ?4) \
                 ORDER BY t.priority DESC, k.seq LIMIT ?5",
            )?
            .query_map(params![workflow_id, phase_id, agent, time_text(now), limit], |r| {
                Ok(TaskCandidate {
                    task_id: r.get(0)?,
                    ticket_id: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(candidates)
    }

    async fn lock_task_if_queued(&mut self, task_id: &str, agent: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM tasks WHERE id = ?1 AND status = 'queued' \
                 AND (assigned_agent_id IS NULL OR assigned_agent_id = ?2))",
            )?
            .query_row(params![task_id, agent], |r| r.get(0))?)
    }

    async fn ready_page(
        &mut self,
        workflow_id: &str,
        status: &str,
        agent: Option<&str>,
        limit: u32,
    ) -> Result<Vec<(String, u64)>> {
        // Served by the partial index tickets_ready_ranked, in its order.
        let page = self
            .conn
            .prepare_cached(
                "SELECT id, unblocks FROM tickets \
                 WHERE workflow_id = ?1 AND status = ?2 AND is_resolved = 0 AND open_blockers = 0 \
                 AND open_children = 0 AND (assigned_agent_id IS NULL OR assigned_agent_id = ?3) \
                 ORDER BY priority DESC, unblocks DESC, created_at, id LIMIT ?4",
            )?
            .query_map(params![workflow_id, status, agent, limit], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(page)
    }

    async fn ranks_ready(&mut self, workflow_id: &str) -> Result<bool> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT ranks_ready FROM workflows WHERE id = ?1")?
            .query_row([workflow_id], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(true))
    }

    async fn set_ranks_ready(&mut self, workflow_id: &str, ready: bool) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE workflows SET ranks_ready = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![workflow_id, ready])?;
        Ok(())
    }

    async fn set_unblocks(&mut self, counts: &[(String, u64)]) -> Result<()> {
        let mut update = self
            .conn
            .prepare_cached("UPDATE tickets SET unblocks = ?2 WHERE id = ?1 AND unblocks <> ?2")?;
        for (id, count) in counts {
            update.execute(params![id, *count as i64])?;
        }
        Ok(())
    }
}
