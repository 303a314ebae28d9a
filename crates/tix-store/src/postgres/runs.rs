//! Run and idempotency-key statements on PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{QueryBuilder, Row};
use tix_core::run::{Handoff, Run, RunFilter, RunOutcome};

use super::PgConn;
use crate::statements::{IdempotencyStatements, RecordedAnswer, RunEnd, RunRow, RunStatements};
use crate::{Error, Result};

const RUN_SELECT: &str = "SELECT id, ticket_id, workflow_id, task_id, phase_id, agent_id, started_at, ended_at, \
     outcome, ended_by, summary, handoff, tokens_in, tokens_out, cost_usd, exit_code, seq FROM runs ";

fn run(row: &PgRow) -> Result<Run> {
    let outcome: Option<String> = row.try_get(8)?;
    let handoff: Option<Json<Handoff>> = row.try_get(11)?;
    Ok(Run {
        run_id: row.try_get(0)?,
        ticket_id: row.try_get(1)?,
        workflow_id: row.try_get(2)?,
        task_id: row.try_get(3)?,
        phase_id: row.try_get::<Option<i32>, _>(4)?.map(|p| p as u32),
        agent_id: row.try_get(5)?,
        started_at: row.try_get(6)?,
        ended_at: row.try_get(7)?,
        outcome: outcome
            .map(|o| RunOutcome::parse(&o).ok_or_else(|| Error::Storage(format!("unknown run outcome '{o}'"))))
            .transpose()?,
        ended_by: row.try_get(9)?,
        summary: row.try_get(10)?,
        handoff: handoff.map(|h| h.0),
        tokens_in: row.try_get::<Option<i64>, _>(12)?.map(|n| n.max(0) as u64),
        tokens_out: row.try_get::<Option<i64>, _>(13)?.map(|n| n.max(0) as u64),
        cost_usd: row.try_get(14)?,
        exit_code: row.try_get(15)?,
    })
}

impl PgConn {
    async fn runs_where(&mut self, tail: &str, binds: &[&str]) -> Result<Vec<Run>> {
        let sql = sqlx::AssertSqlSafe(format!("{RUN_SELECT}{tail}"));
        let mut query = sqlx::query(sql);
        for value in binds {
            query = query.bind(*value);
        }
        query.fetch_all(self.c()).await?.iter().map(run).collect()
    }

    async fn one_run(&mut self, tail: &str, binds: &[&str]) -> Result<Option<Run>> {
        Ok(self.runs_where(tail, binds).await?.into_iter().next())
    }
}

impl RunStatements for PgConn {
    async fn insert_run(&mut self, row: &RunRow<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO runs (id, workflow_id, ticket_id, task_id, phase_id, agent_id, claim_token_hash, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.id)
        .bind(row.workflow_id)
        .bind(row.ticket_id)
        .bind(row.task_id)
        .bind(row.phase_id.map(|p| p as i32))
        .bind(row.agent)
        .bind(row.claim_token_hash)
        .bind(row.at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn run_exists(&mut self, id: &str) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM runs WHERE id = $1)")
            .bind(id)
            .fetch_one(self.c())
            .await?)
    }

    async fn load_run(&mut self, id: &str) -> Result<Option<Run>> {
        self.one_run("WHERE id = $1", &[id]).await
    }

    async fn lock_run(&mut self, id: &str) -> Result<Option<Run>> {
        self.one_run("WHERE id = $1 FOR UPDATE", &[id]).await
    }

    async fn run_by_token(&mut self, token_hash: &str) -> Result<Option<Run>> {
        self.one_run("WHERE claim_token_hash = $1", &[token_hash]).await
    }

    async fn run_has_token(&mut self, id: &str) -> Result<bool> {
        let has: Option<bool> = sqlx::query_scalar("SELECT claim_token_hash IS NOT NULL FROM runs WHERE id = $1")
            .bind(id)
            .fetch_optional(self.c())
            .await?;
        Ok(has.unwrap_or(false))
    }

    async fn open_runs(&mut self, ticket_id: &str, agent: &str) -> Result<Vec<Run>> {
        self.runs_where(
            "WHERE ticket_id = $1 AND agent_id = $2 AND ended_at IS NULL ORDER BY seq",
            &[ticket_id, agent],
        )
        .await
    }

    async fn latest_run(&mut self, ticket_id: &str, agent: &str) -> Result<Option<Run>> {
        self.one_run(
            "WHERE ticket_id = $1 AND agent_id = $2 ORDER BY seq DESC LIMIT 1",
            &[ticket_id, agent],
        )
        .await
    }

    async fn open_run_of_task(&mut self, task_id: &str) -> Result<Option<Run>> {
        self.one_run(
            "WHERE task_id = $1 AND ended_at IS NULL ORDER BY seq DESC LIMIT 1",
            &[task_id],
        )
        .await
    }

    async fn end_run(&mut self, id: &str, end: &RunEnd<'_>) -> Result<()> {
        sqlx::query(
            "UPDATE runs SET ended_at = $2, outcome = $3, ended_by = $4, summary = COALESCE($5, summary), \
             handoff = COALESCE($6, handoff), tokens_in = COALESCE($7, tokens_in), \
             tokens_out = COALESCE($8, tokens_out), cost_usd = COALESCE($9, cost_usd), \
             exit_code = COALESCE($10, exit_code) WHERE id = $1",
        )
        .bind(id)
        .bind(end.at)
        .bind(end.outcome.as_str())
        .bind(end.ended_by)
        .bind(end.summary)
        .bind(end.handoff.map(Json))
        .bind(end.tokens_in.map(|n| n as i64))
        .bind(end.tokens_out.map(|n| n as i64))
        .bind(end.cost_usd)
        .bind(end.exit_code)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn set_run_task(&mut self, id: &str, task_id: &str, phase_id: u32) -> Result<()> {
        sqlx::query("UPDATE runs SET task_id = $2, phase_id = $3 WHERE id = $1")
            .bind(id)
            .bind(task_id)
            .bind(phase_id as i32)
            .execute(self.c())
            .await?;
        Ok(())
    }

    async fn runs_of(&mut self, ticket_id: &str) -> Result<Vec<Run>> {
        self.runs_where("WHERE ticket_id = $1 ORDER BY seq", &[ticket_id]).await
    }

    async fn run_page(&mut self, filter: &RunFilter, before_seq: Option<i64>, limit: u32) -> Result<Vec<(Run, i64)>> {
        let mut query = QueryBuilder::new(RUN_SELECT);
        query.push("WHERE TRUE");
        if let Some(workflow_id) = &filter.workflow_id {
            query.push(" AND workflow_id = ").push_bind(workflow_id.clone());
        }
        if let Some(ticket) = &filter.ticket_id {
            query.push(" AND ticket_id = ").push_bind(ticket.clone());
        }
        if let Some(agent) = &filter.agent_id {
            query.push(" AND agent_id = ").push_bind(agent.clone());
        }
        if let Some(outcome) = filter.outcome {
            query.push(" AND outcome = ").push_bind(outcome.as_str());
        }
        if let Some(seq) = before_seq {
            query.push(" AND seq < ").push_bind(seq);
        }
        match filter.open {
            Some(true) => {
                query.push(" AND ended_at IS NULL");
            }
            Some(false) => {
                query.push(" AND ended_at IS NOT NULL");
            }
            None => {}
        }
        query.push(" ORDER BY seq DESC LIMIT ").push_bind(i64::from(limit));
        query
            .build()
            .fetch_all(self.c())
            .await?
            .iter()
            .map(|row| Ok((run(row)?, row.try_get::<i64, _>(16)?)))
            .collect()
    }
}

impl IdempotencyStatements for PgConn {
    async fn recorded_answer(
        &mut self,
        agent: &str,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<RecordedAnswer>> {
        let found: Option<(String, i32, Json<serde_json::Value>)> = sqlx::query_as(
            "SELECT fingerprint, status, body FROM idempotency_keys \
             WHERE agent_id = $1 AND key = $2 AND created_at >= $3",
        )
        .bind(agent)
        .bind(key)
        .bind(since)
        .fetch_optional(self.c())
        .await?;
        Ok(found.map(|(fingerprint, status, body)| RecordedAnswer {
            fingerprint,
            status: u16::try_from(status).unwrap_or(200),
            body: body.0,
        }))
    }

    async fn record_answer(
        &mut self,
        agent: &str,
        key: &str,
        answer: &RecordedAnswer,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<bool> {
        // A concurrent insert of the same key waits here for the other
        // transaction, then sees its row: DO UPDATE ... WHERE leaves it.
        let changed = sqlx::query(
            "INSERT INTO idempotency_keys (agent_id, key, fingerprint, status, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (agent_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, \
             status = EXCLUDED.status, body = EXCLUDED.body, created_at = EXCLUDED.created_at \
             WHERE idempotency_keys.created_at < $7",
        )
        .bind(agent)
        .bind(key)
        .bind(&answer.fingerprint)
        .bind(i32::from(answer.status))
        .bind(Json(&answer.body))
        .bind(at)
        .bind(stale_before)
        .execute(self.c())
        .await?;
        Ok(changed.rows_affected() > 0)
    }

    async fn purge_answers(&mut self, before: DateTime<Utc>) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(before)
            .execute(self.c())
            .await?
            .rows_affected())
    }
}
