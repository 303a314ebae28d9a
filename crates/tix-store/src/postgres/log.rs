//! What the writes leave behind, on PostgreSQL: history rows, the event log
//! (appended without a lock, placed after commit and announced after
//! commit; see `super::announce_events`), Guardian violations and commit
//! links.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use tix_core::commit::{CommitLink, NewCommitLink};
use tix_core::guardian::{Rule, Violation};
use tix_core::ticket::{Event, Ticket};

use super::rows::{self, COMMIT_SELECT};
use super::PgConn;
use crate::statements::PendingViolation;
use crate::statements::{HistoryRow, LogStatements, PendingEvent, ViolationQuery};
use crate::Result;

impl PgConn {
    /// Gives committed events their place in the log (migration 0007), so
    /// a read sees every write committed before it. Only on a plain
    /// connection: a read snapshot is read-only, and a write's own events
    /// are not committed yet.
    async fn place_events(&mut self) -> Result<()> {
        if self.is_plain() {
            sqlx::query("SELECT tix_place_events()").execute(self.c()).await?;
        }
        Ok(())
    }
}

impl LogStatements for PgConn {
    async fn insert_history(&mut self, rows: &[HistoryRow<'_>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // One statement for all rows: a resolve may unblock thousands.
        sqlx::query(
            "INSERT INTO ticket_history (ticket_id, workflow_id, agent_id, action, from_status, to_status, comment, \
             details, created_at) \
             SELECT ticket_id, workflow_id, agent_id, action, from_status, to_status, comment, details, created_at \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], \
                         $8::jsonb[], $9::timestamptz[]) WITH ORDINALITY \
                  AS h(ticket_id, workflow_id, agent_id, action, from_status, to_status, comment, details, created_at, n) \
             ORDER BY n",
        )
        .bind(rows.iter().map(|r| r.ticket_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.workflow_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.agent).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.from_status).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.to_status).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.comment).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| Json(&r.details)).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.at).collect::<Vec<_>>())
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn append_events(&mut self, events: &[PendingEvent]) -> Result<Vec<i64>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        // In order, without a lock and without a NOTIFY: the events get
        // their place after they commit (migration 0007), and the replicas
        // are told after the commit (`announce_events`). Not
        // `tix_append_events_v7`, which notifies inside the transaction.
        let mut ids: Vec<i64> = sqlx::query_scalar(
            "INSERT INTO events (workflow_id, kind, ticket_id, agent_id, payload, created_at) \
             SELECT e.w, e.k, e.t, e.a, e.p, e.c \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[]) \
                  WITH ORDINALITY AS e(w, k, t, a, p, c, n) \
             ORDER BY e.n RETURNING id",
        )
        .bind(events.iter().map(|e| e.workflow_id.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.ticket_id.as_deref()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.agent.as_str()).collect::<Vec<_>>())
        .bind(events.iter().map(|e| Json(&e.payload)).collect::<Vec<_>>())
        .bind(events.iter().map(|e| e.at).collect::<Vec<_>>())
        .fetch_all(self.c())
        .await?;
        // RETURNING promises no order; the ids were drawn in insert order.
        ids.sort_unstable();
        Ok(ids)
    }

    async fn events_after(&mut self, workflow_id: Option<&str>, after: i64, limit: u32) -> Result<Vec<Event>> {
        self.place_events().await?;
        // An event's id, as readers see it, is its place in the log (see migration 0007).
        sqlx::query(
            "SELECT position, workflow_id, kind, ticket_id, agent_id, payload, created_at FROM events \
             WHERE position > $1 AND ($2::text IS NULL OR workflow_id = $2) ORDER BY position LIMIT $3",
        )
        .bind(after)
        .bind(workflow_id)
        .bind(i64::from(limit))
        .fetch_all(self.c())
        .await?
        .iter()
        .map(rows::event)
        .collect()
    }

    async fn events_before(
        &mut self,
        workflow_id: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Event>> {
        self.place_events().await?;
        sqlx::query(
            "SELECT position, workflow_id, kind, ticket_id, agent_id, payload, created_at FROM events \
             WHERE position IS NOT NULL AND ($1::bigint IS NULL OR position < $1) \
             AND ($2::text IS NULL OR workflow_id = $2) ORDER BY position DESC LIMIT $3",
        )
        .bind(before)
        .bind(workflow_id)
        .bind(i64::from(limit))
        .fetch_all(self.c())
        .await?
        .iter()
        .map(rows::event)
        .collect()
    }

    async fn log_head(&mut self) -> Result<i64> {
        self.place_events().await?;
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events")
            .fetch_one(self.c())
            .await?)
    }

    async fn insert_violation(&mut self, v: &PendingViolation, at: DateTime<Utc>) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO guardian_violations (workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, \
             details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&v.workflow_id)
        .bind(v.finding.rule.as_str())
        .bind(v.mode.as_str())
        .bind(&v.agent)
        .bind(v.object_kind)
        .bind(&v.object_id)
        .bind(&v.finding.message)
        .bind(&v.finding.fix)
        .bind(Json(&v.finding.details))
        .bind(at)
        .fetch_one(self.c())
        .await?)
    }

    async fn violations(&mut self, q: &ViolationQuery<'_>) -> Result<Vec<Violation>> {
        sqlx::query(
            "SELECT id, workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, details, created_at \
             FROM guardian_violations WHERE workflow_id = $1 AND id > $2 AND ($3::text IS NULL OR rule = $3) \
             AND ($4::text IS NULL OR agent_id = $4) ORDER BY id LIMIT $5",
        )
        .bind(q.workflow_id)
        .bind(q.after)
        .bind(q.rule.map(Rule::as_str))
        .bind(q.agent_id)
        .bind(i64::from(q.limit))
        .fetch_all(self.c())
        .await?
        .iter()
        .map(rows::violation)
        .collect()
    }

    async fn insert_commit_link(
        &mut self,
        ticket: &Ticket,
        link: &NewCommitLink,
        linked_by: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO ticket_commits (ticket_id, sha, workflow_id, message, author, committed_at, files_changed, \
             insertions, deletions, source, linked_by, linked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (ticket_id, sha) DO NOTHING",
        )
        .bind(&ticket.id)
        .bind(&link.sha)
        .bind(&ticket.workflow_id)
        .bind(&link.message)
        .bind(&link.author)
        .bind(link.committed_at)
        .bind(link.files_changed.map(i64::from))
        .bind(link.insertions.map(i64::from))
        .bind(link.deletions.map(i64::from))
        .bind(link.source.as_str())
        .bind(linked_by)
        .bind(at)
        .execute(self.c())
        .await?;
        Ok(inserted.rows_affected() > 0)
    }

    async fn commit_link(&mut self, ticket_id: &str, sha: &str) -> Result<Option<CommitLink>> {
        let sql = sqlx::AssertSqlSafe(format!("{COMMIT_SELECT}WHERE ticket_id = $1 AND sha = $2"));
        sqlx::query(sql)
            .bind(ticket_id)
            .bind(sha)
            .fetch_optional(self.c())
            .await?
            .as_ref()
            .map(rows::commit_link)
            .transpose()
    }

    async fn commits_of(&mut self, ticket_id: &str) -> Result<Vec<CommitLink>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{COMMIT_SELECT}WHERE ticket_id = $1 ORDER BY COALESCE(committed_at, linked_at), sha"
        ));
        sqlx::query(sql)
            .bind(ticket_id)
            .fetch_all(self.c())
            .await?
            .iter()
            .map(rows::commit_link)
            .collect()
    }
}
