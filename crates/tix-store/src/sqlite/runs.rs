//! Run and idempotency-key statements on SQLite.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use tix_core::run::{Handoff, Run, RunFilter, RunOutcome};

use super::rows::{opt_time, time, time_text};
use super::SqliteConn;
use crate::statements::{IdempotencyStatements, RecordedAnswer, RunEnd, RunRow, RunStatements};
use crate::Result;

const RUN_SELECT: &str = "SELECT id, ticket_id, workflow_id, task_id, phase_id, agent_id, started_at, ended_at, \
     outcome, ended_by, summary, handoff, tokens_in, tokens_out, cost_usd, exit_code, seq FROM runs";

fn bad(idx: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, what.into())
}

fn run(row: &Row<'_>) -> rusqlite::Result<Run> {
    let outcome: Option<String> = row.get(8)?;
    let handoff: Option<String> = row.get(11)?;
    Ok(Run {
        run_id: row.get(0)?,
        ticket_id: row.get(1)?,
        workflow_id: row.get(2)?,
        task_id: row.get(3)?,
        phase_id: row.get(4)?,
        agent_id: row.get(5)?,
        started_at: time(row, 6)?,
        ended_at: opt_time(row, 7)?,
        outcome: outcome
            .map(|o| RunOutcome::parse(&o).ok_or_else(|| bad(8, format!("unknown run outcome '{o}'"))))
            .transpose()?,
        ended_by: row.get(9)?,
        summary: row.get(10)?,
        handoff: handoff
            .map(|h| serde_json::from_str::<Handoff>(&h).map_err(|e| bad(11, e.to_string())))
            .transpose()?,
        tokens_in: row.get::<_, Option<i64>>(12)?.map(|n| n.max(0) as u64),
        tokens_out: row.get::<_, Option<i64>>(13)?.map(|n| n.max(0) as u64),
        cost_usd: row.get(14)?,
        exit_code: row.get(15)?,
    })
}

impl SqliteConn {
    fn runs_where(&self, where_sql: &str, values: &[&dyn rusqlite::ToSql]) -> Result<Vec<Run>> {
        let runs = self
            .conn
            .prepare_cached(&format!("{RUN_SELECT} {where_sql}"))?
            .query_map(values, run)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(runs)
    }

    fn one_run(&self, where_sql: &str, values: &[&dyn rusqlite::ToSql]) -> Result<Option<Run>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{RUN_SELECT} {where_sql}"))?
            .query_row(values, run)
            .optional()?)
    }
}

impl RunStatements for SqliteConn {
    async fn insert_run(&mut self, row: &RunRow<'_>) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO runs (id, workflow_id, ticket_id, task_id, phase_id, agent_id, claim_token_hash, started_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                row.id,
                row.workflow_id,
                row.ticket_id,
                row.task_id,
                row.phase_id,
                row.agent,
                row.claim_token_hash,
                time_text(row.at)
            ])?;
        Ok(())
    }

    async fn run_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM runs WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?)
    }

    async fn load_run(&mut self, id: &str) -> Result<Option<Run>> {
        self.one_run("WHERE id = ?1", &[&id])
    }

    async fn lock_run(&mut self, id: &str) -> Result<Option<Run>> {
        self.load_run(id).await
    }

    async fn run_by_token(&mut self, token_hash: &str) -> Result<Option<Run>> {
        self.one_run("WHERE claim_token_hash = ?1", &[&token_hash])
    }

    async fn run_has_token(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT claim_token_hash IS NOT NULL FROM runs WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    async fn open_runs(&mut self, ticket_id: &str, agent: &str) -> Result<Vec<Run>> {
        self.runs_where(
            "WHERE ticket_id = ?1 AND agent_id = ?2 AND ended_at IS NULL ORDER BY seq",
            &[&ticket_id, &agent],
        )
    }

    async fn latest_run(&mut self, ticket_id: &str, agent: &str) -> Result<Option<Run>> {
        self.one_run(
            "WHERE ticket_id = ?1 AND agent_id = ?2 ORDER BY seq DESC LIMIT 1",
            &[&ticket_id, &agent],
        )
    }

    async fn open_run_of_task(&mut self, task_id: &str) -> Result<Option<Run>> {
        self.one_run(
            "WHERE task_id = ?1 AND ended_at IS NULL ORDER BY seq DESC LIMIT 1",
            &[&task_id],
        )
    }

    async fn end_run(&mut self, id: &str, end: &RunEnd<'_>) -> Result<()> {
        let handoff = end
            .handoff
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| crate::Error::Storage(format!("cannot encode a hand-off: {e}")))?;
        self.conn
            .prepare_cached(
                "UPDATE runs SET ended_at = ?2, outcome = ?3, ended_by = ?4, summary = COALESCE(?5, summary), \
                 handoff = COALESCE(?6, handoff), tokens_in = COALESCE(?7, tokens_in), \
                 tokens_out = COALESCE(?8, tokens_out), cost_usd = COALESCE(?9, cost_usd), \
                 exit_code = COALESCE(?10, exit_code) WHERE id = ?1",
            )?
            .execute(params![
                id,
                time_text(end.at),
                end.outcome.as_str(),
                end.ended_by,
                end.summary,
                handoff,
                end.tokens_in.map(|n| n as i64),
                end.tokens_out.map(|n| n as i64),
                end.cost_usd,
                end.exit_code,
            ])?;
        Ok(())
    }

    async fn set_run_task(&mut self, id: &str, task_id: &str, phase_id: u32) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE runs SET task_id = ?2, phase_id = ?3 WHERE id = ?1")?
            .execute(params![id, task_id, phase_id])?;
        Ok(())
    }

    async fn runs_of(&mut self, ticket_id: &str) -> Result<Vec<Run>> {
        self.runs_where("WHERE ticket_id = ?1 ORDER BY seq", &[&ticket_id])
    }

    async fn run_page(&mut self, filter: &RunFilter, before_seq: Option<i64>, limit: u32) -> Result<Vec<(Run, i64)>> {
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
        if let Some(agent) = &filter.agent_id {
            push("agent_id = ?", agent.clone().into());
        }
        if let Some(outcome) = filter.outcome {
            push("outcome = ?", outcome.as_str().to_string().into());
        }
        if let Some(seq) = before_seq {
            push("seq < ?", seq.into());
        }
        match filter.open {
            Some(true) => clauses.push("ended_at IS NULL".into()),
            Some(false) => clauses.push("ended_at IS NOT NULL".into()),
            None => {}
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let sql = format!("{RUN_SELECT}{where_sql} ORDER BY seq DESC LIMIT {limit}");
        let page = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(values.iter()), |row| {
                Ok((run(row)?, row.get::<_, i64>(16)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(page)
    }
}

impl IdempotencyStatements for SqliteConn {
    async fn recorded_answer(
        &mut self,
        agent: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<RecordedAnswer>> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT fingerprint, status, body FROM idempotency_keys \
                 WHERE agent_id = ?1 AND key = ?2 AND created_at >= ?3",
            )?
            .query_row(params![agent, key, time_text(since)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
            })
            .optional()?;
        found
            .map(|(fingerprint, status, body)| {
                Ok(RecordedAnswer {
                    fingerprint,
                    status: u16::try_from(status).unwrap_or(200),
                    body: serde_json::from_str(&body)
                        .map_err(|e| crate::Error::Storage(format!("a recorded answer is not JSON: {e}")))?,
                })
            })
            .transpose()
    }

    async fn record_answer(
        &mut self,
        agent: &str,
        key: &str,
        answer: &RecordedAnswer,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "INSERT INTO idempotency_keys (agent_id, key, fingerprint, status, body, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (agent_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, \
                 status = excluded.status, body = excluded.body, created_at = excluded.created_at \
                 WHERE idempotency_keys.created_at < ?7",
            )?
            .execute(params![
                agent,
                key,
                answer.fingerprint,
                answer.status,
                answer.body.to_string(),
                time_text(at),
                time_text(stale_before)
            ])?;
        Ok(changed > 0)
    }

    async fn purge_answers(&mut self, before: DateTime<Utc>) -> Result<u64> {
        let purged = self
            .conn
            .prepare_cached("DELETE FROM idempotency_keys WHERE created_at < ?1")?
            .execute([time_text(before)])?;
        Ok(purged as u64)
    }
}
