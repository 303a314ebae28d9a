//! Task and agent-token statements on SQLite.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use tix_core::task::{Task, TaskFilter, TaskStatus};

use super::rows::{opt_time, parse_time, time, time_text};
use super::SqliteConn;
use crate::statements::{AgentStatements, MovedTask, TaskRow, TaskStatements, TaskUpdateRow};
use crate::{AgentToken, Result};

const TASK_SELECT: &str = "SELECT id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, \
     created_by, created_at, updated_at, started_at, completed_at, note, seq FROM tasks";

fn task(row: &Row<'_>) -> rusqlite::Result<Task> {
    let status: String = row.get(5)?;
    Ok(Task {
        task_id: row.get(0)?,
        workflow_id: row.get(1)?,
        phase_id: row.get(2)?,
        ticket_id: row.get(3)?,
        description: row.get(4)?,
        status: status
            .parse::<TaskStatus>()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))?,
        assigned_agent_id: row.get(6)?,
        created_by: row.get(7)?,
        created_at: time(row, 8)?,
        updated_at: time(row, 9)?,
        started_at: opt_time(row, 10)?,
        completed_at: opt_time(row, 11)?,
        note: row.get(12)?,
    })
}

fn token(row: &Row<'_>) -> rusqlite::Result<AgentToken> {
    Ok(AgentToken {
        agent_id: row.get(0)?,
        admin: row.get::<_, String>(1)? == "admin",
        created_at: parse_time(&row.get::<_, String>(2)?)?,
    })
}

impl TaskStatements for SqliteConn {
    async fn task_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM tasks WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?)
    }

    async fn task_ids_with_prefix(&mut self, prefix: &str, limit: u32) -> Result<Vec<String>> {
        let ids = self
            .conn
            .prepare_cached("SELECT id FROM tasks WHERE id >= ?1 AND id < ?1 || '~' ORDER BY id LIMIT ?2")?
            .query_map(params![prefix, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    }

    async fn load_task(&mut self, id: &str) -> Result<Option<Task>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{TASK_SELECT} WHERE id = ?1"))?
            .query_row([id], task)
            .optional()?)
    }

    async fn lock_task(&mut self, id: &str) -> Result<Option<Task>> {
        self.load_task(id).await
    }

    async fn lock_ticket_blocked(&mut self, ticket_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT open_blockers > 0 FROM tickets WHERE id = ?1")?
            .query_row([ticket_id], |r| r.get(0))?)
    }

    async fn tasks_of(&mut self, ticket_id: &str) -> Result<Vec<Task>> {
        let sql = format!(
            "{TASK_SELECT} WHERE ticket_id = ?1 ORDER BY CASE status WHEN 'in_progress' THEN 0 WHEN 'queued' THEN 1 \
             WHEN 'blocked' THEN 2 ELSE 3 END, seq"
        );
        let tasks = self
            .conn
            .prepare_cached(&sql)?
            .query_map([ticket_id], task)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(tasks)
    }

    async fn insert_task(&mut self, row: &TaskRow<'_>) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO tasks (id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, created_by, \
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?
            .execute(params![
                row.id,
                row.workflow_id,
                row.phase_id,
                row.ticket_id,
                row.description,
                row.status.as_str(),
                row.assigned_agent_id,
                row.created_by,
                time_text(row.at)
            ])?;
        Ok(())
    }

    async fn update_task(&mut self, row: &TaskUpdateRow<'_>) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE tasks SET status = ?2, assigned_agent_id = ?3, started_at = ?4, completed_at = ?5, \
                 note = COALESCE(?6, note), updated_at = ?7 WHERE id = ?1",
            )?
            .execute(params![
                row.id,
                row.status.as_str(),
                row.assigned_agent_id,
                row.started_at.map(time_text),
                row.completed_at.map(time_text),
                row.note,
                time_text(row.at)
            ])?;
        Ok(())
    }

    async fn move_tasks(
        &mut self,
        ticket_ids: &[String],
        from: TaskStatus,
        to: TaskStatus,
        at: DateTime<Utc>,
    ) -> Result<Vec<MovedTask>> {
        let mut stmt = self.conn.prepare_cached(
            "UPDATE tasks SET status = ?3, updated_at = ?4 WHERE ticket_id = ?1 AND status = ?2 RETURNING id, phase_id",
        )?;
        let at = time_text(at);
        let mut moved = Vec::new();
        for ticket_id in ticket_ids {
            let rows = stmt
                .query_map(params![ticket_id, from.as_str(), to.as_str(), at], |r| {
                    Ok(MovedTask {
                        task_id: r.get(0)?,
                        phase_id: r.get(1)?,
                        ticket_id: ticket_id.clone(),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            moved.extend(rows);
        }
        Ok(moved)
    }

    async fn task_page(&mut self, filter: &TaskFilter, after_seq: Option<i64>, limit: u32) -> Result<Vec<(Task, i64)>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        let mut push = |clause: &str, value: rusqlite::types::Value| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(workflow_id) = &filter.workflow_id {
            push("workflow_id = ?", workflow_id.clone().into());
        }
        if let Some(ticket) = &filter.ticket_id {
            push("ticket_id = ?", ticket.clone().into());
        }
        if let Some(status) = filter.status {
            push("status = ?", status.as_str().to_string().into());
        }
        if let Some(phase) = filter.phase_id {
            push("phase_id = ?", i64::from(phase).into());
        }
        if let Some(agent) = &filter.assigned_agent_id {
            push("assigned_agent_id = ?", agent.clone().into());
        }
        if let Some(seq) = after_seq {
            push("seq > ?", seq.into());
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let sql = format!("{TASK_SELECT}{where_sql} ORDER BY seq LIMIT {limit}");
        let page = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(values.iter()), |row| {
                Ok((task(row)?, row.get::<_, i64>(13)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(page)
    }

    async fn active_phase(&mut self, workflow_id: &str, agent: &str) -> Result<Option<u32>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT phase_id FROM tasks WHERE assigned_agent_id = ?1 AND status = 'in_progress' AND workflow_id = ?2 \
                 ORDER BY started_at DESC, seq DESC LIMIT 1",
            )?
            .query_row(params![agent, workflow_id], |r| r.get(0))
            .optional()?)
    }

    async fn has_active_task(&mut self, ticket_id: &str, agent: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM tasks WHERE ticket_id = ?1 AND assigned_agent_id = ?2 AND status = 'in_progress')",
            )?
            .query_row(params![ticket_id, agent], |r| r.get(0))?)
    }
}

impl AgentStatements for SqliteConn {
    async fn upsert_agent_token(
        &mut self,
        agent_id: &str,
        token_hash: &str,
        admin: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO agent_tokens (agent_id, token_hash, role, created_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(agent_id) DO UPDATE SET token_hash = excluded.token_hash, role = excluded.role, \
             created_at = excluded.created_at",
            params![
                agent_id,
                token_hash,
                if admin { "admin" } else { "agent" },
                time_text(at)
            ],
        )?;
        Ok(())
    }

    async fn agent_token_by_hash(&mut self, token_hash: &str) -> Result<Option<AgentToken>> {
        Ok(self
            .conn
            .prepare_cached("SELECT agent_id, role, created_at FROM agent_tokens WHERE token_hash = ?1")?
            .query_row([token_hash], token)
            .optional()?)
    }

    async fn agent_tokens(&mut self) -> Result<Vec<AgentToken>> {
        let tokens = self
            .conn
            .prepare_cached("SELECT agent_id, role, created_at FROM agent_tokens ORDER BY agent_id")?
            .query_map([], token)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(tokens)
    }

    async fn delete_agent_token(&mut self, agent_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM agent_tokens WHERE agent_id = ?1", params![agent_id])?
            > 0)
    }
}
