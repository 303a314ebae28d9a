//! Task and agent-token statements on PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder, Row};
use tix_core::task::{Task, TaskFilter, TaskStatus};

use super::rows::{self, TASK_SELECT};
use super::PgConn;
use crate::statements::{AgentStatements, MovedTask, TaskRow, TaskStatements, TaskUpdateRow};
use crate::{AgentToken, Result};

async fn find_task(conn: &mut PgConn, tail: &str, id: &str) -> Result<Option<Task>> {
    let sql = sqlx::AssertSqlSafe(format!("{TASK_SELECT}{tail}"));
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(conn.c())
        .await?
        .as_ref()
        .map(rows::task)
        .transpose()
}

impl TaskStatements for PgConn {
    async fn task_exists(&mut self, id: &str) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM tasks WHERE id = $1)")
            .bind(id)
            .fetch_one(self.c())
            .await?)
    }

    async fn task_ids_with_prefix(&mut self, prefix: &str, limit: u32) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM tasks WHERE id >= $1 AND id < $1 || '~' ORDER BY id LIMIT $2")
                .bind(prefix)
                .bind(i64::from(limit))
                .fetch_all(self.c())
                .await?,
        )
    }

    async fn load_task(&mut self, id: &str) -> Result<Option<Task>> {
        find_task(self, "WHERE id = $1", id).await
    }

    async fn lock_task(&mut self, id: &str) -> Result<Option<Task>> {
        find_task(self, "WHERE id = $1 FOR UPDATE", id).await
    }

    async fn lock_ticket_blocked(&mut self, ticket_id: &str) -> Result<bool> {
        Ok(
            sqlx::query_scalar("SELECT open_blockers > 0 FROM tickets WHERE id = $1 FOR SHARE")
                .bind(ticket_id)
                .fetch_one(self.c())
                .await?,
        )
    }

    async fn tasks_of(&mut self, ticket_id: &str) -> Result<Vec<Task>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{TASK_SELECT}WHERE ticket_id = $1 ORDER BY CASE status WHEN 'in_progress' THEN 0 WHEN 'queued' THEN 1 \
             WHEN 'blocked' THEN 2 ELSE 3 END, seq"
        ));
        sqlx::query(sql)
            .bind(ticket_id)
            .fetch_all(self.c())
            .await?
            .iter()
            .map(rows::task)
            .collect()
    }

    async fn insert_task(&mut self, row: &TaskRow<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO tasks (id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, created_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(row.id)
        .bind(row.workflow_id)
        .bind(row.phase_id as i32)
        .bind(row.ticket_id)
        .bind(row.description)
        .bind(row.status.as_str())
        .bind(row.assigned_agent_id)
        .bind(row.created_by)
        .bind(row.at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn update_task(&mut self, row: &TaskUpdateRow<'_>) -> Result<()> {
        sqlx::query(
            "UPDATE tasks SET status = $2, assigned_agent_id = $3, started_at = $4, completed_at = $5, \
             note = COALESCE($6, note), updated_at = $7 WHERE id = $1",
        )
        .bind(row.id)
        .bind(row.status.as_str())
        .bind(row.assigned_agent_id)
        .bind(row.started_at)
        .bind(row.completed_at)
        .bind(row.note)
        .bind(row.at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn move_tasks(
        &mut self,
        ticket_ids: &[String],
        from: TaskStatus,
        to: TaskStatus,
        at: DateTime<Utc>,
    ) -> Result<Vec<MovedTask>> {
        sqlx::query(
            "UPDATE tasks SET status = $3, updated_at = $4 WHERE ticket_id = ANY($1) AND status = $2 \
             RETURNING id, phase_id, ticket_id",
        )
        .bind(ticket_ids)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(at)
        .fetch_all(self.c())
        .await?
        .iter()
        .map(|r| {
            Ok(MovedTask {
                task_id: r.try_get(0)?,
                phase_id: r.try_get::<i32, _>(1)? as u32,
                ticket_id: r.try_get(2)?,
            })
        })
        .collect()
    }

    async fn task_page(&mut self, filter: &TaskFilter, after_seq: Option<i64>, limit: u32) -> Result<Vec<(Task, i64)>> {
        let mut query: QueryBuilder<Postgres> = QueryBuilder::new(TASK_SELECT);
        query.push("WHERE TRUE");
        if let Some(workflow_id) = &filter.workflow_id {
            query.push(" AND workflow_id = ").push_bind(workflow_id.clone());
        }
        if let Some(ticket) = &filter.ticket_id {
            query.push(" AND ticket_id = ").push_bind(ticket.clone());
        }
        if let Some(status) = filter.status {
            query.push(" AND status = ").push_bind(status.as_str().to_string());
        }
        if let Some(phase) = filter.phase_id {
            query.push(" AND phase_id = ").push_bind(phase as i32);
        }
        if let Some(agent) = &filter.assigned_agent_id {
            query.push(" AND assigned_agent_id = ").push_bind(agent.clone());
        }
        if let Some(seq) = after_seq {
            query.push(" AND seq > ").push_bind(seq);
        }
        query.push(" ORDER BY seq LIMIT ").push_bind(i64::from(limit));
        query
            .build()
            .fetch_all(self.c())
            .await?
            .iter()
            .map(|row| Ok((rows::task(row)?, row.try_get(13)?)))
            .collect()
    }

    async fn active_phase(&mut self, workflow_id: &str, agent: &str) -> Result<Option<u32>> {
        let phase: Option<i32> = sqlx::query_scalar(
            "SELECT phase_id FROM tasks WHERE assigned_agent_id = $1 AND status = 'in_progress' AND workflow_id = $2 \
             ORDER BY started_at DESC, seq DESC LIMIT 1",
        )
        .bind(agent)
        .bind(workflow_id)
        .fetch_optional(self.c())
        .await?;
        Ok(phase.map(|p| p as u32))
    }

    async fn has_active_task(&mut self, ticket_id: &str, agent: &str) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM tasks WHERE ticket_id = $1 AND assigned_agent_id = $2 AND status = 'in_progress')",
        )
        .bind(ticket_id)
        .bind(agent)
        .fetch_one(self.c())
        .await?)
    }
}

impl AgentStatements for PgConn {
    async fn upsert_agent_token(
        &mut self,
        agent_id: &str,
        token_hash: &str,
        admin: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO agent_tokens (agent_id, token_hash, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (agent_id) DO UPDATE SET token_hash = excluded.token_hash, role = excluded.role, \
             created_at = excluded.created_at",
        )
        .bind(agent_id)
        .bind(token_hash)
        .bind(if admin { "admin" } else { "agent" })
        .bind(at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn agent_token_by_hash(&mut self, token_hash: &str) -> Result<Option<AgentToken>> {
        sqlx::query("SELECT agent_id, role, created_at FROM agent_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(self.c())
            .await?
            .as_ref()
            .map(rows::agent_token)
            .transpose()
    }

    async fn agent_tokens(&mut self) -> Result<Vec<AgentToken>> {
        sqlx::query("SELECT agent_id, role, created_at FROM agent_tokens ORDER BY agent_id")
            .fetch_all(self.c())
            .await?
            .iter()
            .map(rows::agent_token)
            .collect()
    }

    async fn delete_agent_token(&mut self, agent_id: &str) -> Result<bool> {
        let removed = sqlx::query("DELETE FROM agent_tokens WHERE agent_id = $1")
            .bind(agent_id)
            .execute(self.c())
            .await?;
        Ok(removed.rows_affected() > 0)
    }
}
