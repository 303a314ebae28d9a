//! What the writes leave behind, on SQLite: history rows, the event log,
//! Guardian violations and commit links.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use tix_core::commit::{CommitLink, CommitSource, NewCommitLink};
use tix_core::guardian::{Mode, Rule, Violation};
use tix_core::ticket::{Event, Ticket};

use super::rows::{self, parse_time, time_text};
use super::SqliteConn;
use crate::statements::PendingViolation;
use crate::statements::{HistoryRow, LogStatements, PendingEvent, ViolationQuery};
use crate::Result;

const COMMIT_SELECT: &str = "SELECT ticket_id, sha, message, author, committed_at, files_changed, insertions, \
     deletions, source, linked_by, linked_at FROM ticket_commits";

fn commit_link(row: &Row<'_>) -> rusqlite::Result<CommitLink> {
    let committed: Option<String> = row.get(4)?;
    let source: String = row.get(8)?;
    Ok(CommitLink {
        ticket_id: row.get(0)?,
        sha: row.get(1)?,
        message: row.get(2)?,
        author: row.get(3)?,
        committed_at: committed.as_deref().map(parse_time).transpose()?,
        files_changed: row.get(5)?,
        insertions: row.get(6)?,
        deletions: row.get(7)?,
        source: CommitSource::parse(&source).unwrap_or_default(),
        linked_by: row.get(9)?,
        linked_at: parse_time(&row.get::<_, String>(10)?)?,
    })
}

fn violation(row: &Row<'_>) -> rusqlite::Result<Violation> {
    let bad = |idx: usize, text: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown guardian value '{text}'").into(),
        )
    };
    let rule: String = row.get(2)?;
    let mode: String = row.get(3)?;
    let details: String = row.get(9)?;
    Ok(Violation {
        id: row.get(0)?,
        workflow_id: row.get(1)?,
        rule: Rule::parse(&rule).ok_or_else(|| bad(2, &rule))?,
        mode: Mode::parse(&mode).ok_or_else(|| bad(3, &mode))?,
        agent_id: row.get(4)?,
        object_kind: row.get(5)?,
        object_id: row.get(6)?,
        message: row.get(7)?,
        fix: row.get(8)?,
        details: serde_json::from_str(&details).unwrap_or_default(),
        created_at: parse_time(&row.get::<_, String>(10)?)?,
    })
}

impl LogStatements for SqliteConn {
    async fn insert_history(&mut self, rows: &[HistoryRow<'_>]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO ticket_history (ticket_id, ticket_seq, workflow_id, agent_id, action, from_status, to_status, comment, details, created_at) \
             VALUES (?1, (SELECT seq FROM tickets WHERE id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for row in rows {
            insert.execute(params![
                row.ticket_id,
                row.workflow_id,
                row.agent,
                row.action.as_str(),
                row.from_status,
                row.to_status,
                row.comment,
                row.details.to_string(),
                time_text(row.at)
            ])?;
        }
        Ok(())
    }

    async fn append_events(&mut self, events: &[PendingEvent]) -> Result<Vec<i64>> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO events (workflow_id, kind, ticket_id, agent_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut ids = Vec::with_capacity(events.len());
        for e in events {
            insert.execute(params![
                e.workflow_id,
                e.kind.as_str(),
                e.ticket_id,
                e.agent,
                e.payload.to_string(),
                time_text(e.at)
            ])?;
            ids.push(self.conn.last_insert_rowid());
        }
        Ok(ids)
    }

    async fn events_after(&mut self, workflow_id: Option<&str>, after: i64, limit: u32) -> Result<Vec<Event>> {
        let events = self
            .conn
            .prepare_cached(
                "SELECT id, workflow_id, kind, ticket_id, agent_id, payload, created_at FROM events \
                 WHERE id > ?1 AND (?2 IS NULL OR workflow_id = ?2) ORDER BY id LIMIT ?3",
            )?
            .query_map(params![after, workflow_id, limit], rows::event)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(events)
    }

    async fn events_before(
        &mut self,
        workflow_id: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Event>> {
        let events = self
            .conn
            .prepare_cached(
                "SELECT id, workflow_id, kind, ticket_id, agent_id, payload, created_at FROM events \
                 WHERE (?1 IS NULL OR id < ?1) AND (?2 IS NULL OR workflow_id = ?2) ORDER BY id DESC LIMIT ?3",
            )?
            .query_map(params![before, workflow_id, limit], rows::event)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(events)
    }

    async fn log_head(&mut self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM events")?
            .query_row([], |r| r.get(0))?)
    }

    async fn insert_violation(&mut self, v: &PendingViolation, at: DateTime<Utc>) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "INSERT INTO guardian_violations (workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, \
                 details, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            )?
            .query_row(
                params![
                    v.workflow_id,
                    v.finding.rule.as_str(),
                    v.mode.as_str(),
                    v.agent,
                    v.object_kind,
                    v.object_id,
                    v.finding.message,
                    v.finding.fix,
                    v.finding.details.to_string(),
                    time_text(at)
                ],
                |r| r.get(0),
            )?)
    }

    async fn violations(&mut self, q: &ViolationQuery<'_>) -> Result<Vec<Violation>> {
        let violations = self
            .conn
            .prepare_cached(
                "SELECT id, workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, details, created_at \
                 FROM guardian_violations WHERE workflow_id = ?1 AND id > ?2 AND (?3 IS NULL OR rule = ?3) \
                 AND (?4 IS NULL OR agent_id = ?4) ORDER BY id LIMIT ?5",
            )?
            .query_map(
                params![q.workflow_id, q.after, q.rule.map(Rule::as_str), q.agent_id, q.limit],
                violation,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(violations)
    }

    async fn insert_commit_link(
        &mut self,
        ticket: &Ticket,
        link: &NewCommitLink,
        linked_by: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO ticket_commits (ticket_id, sha, workflow_id, message, author, committed_at, files_changed, \
                 insertions, deletions, source, linked_by, linked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
                 ON CONFLICT (ticket_id, sha) DO NOTHING",
            )?
            .execute(params![
                ticket.id,
                link.sha,
                ticket.workflow_id,
                link.message,
                link.author,
                link.committed_at.map(time_text),
                link.files_changed,
                link.insertions,
                link.deletions,
                link.source.as_str(),
                linked_by,
                time_text(at)
            ])?;
        Ok(inserted > 0)
    }

    async fn commit_link(&mut self, ticket_id: &str, sha: &str) -> Result<Option<CommitLink>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{COMMIT_SELECT} WHERE ticket_id = ?1 AND sha = ?2"))?
            .query_row(params![ticket_id, sha], commit_link)
            .optional()?)
    }

    async fn commits_of(&mut self, ticket_id: &str) -> Result<Vec<CommitLink>> {
        let sql = format!("{COMMIT_SELECT} WHERE ticket_id = ?1 ORDER BY COALESCE(committed_at, linked_at), sha");
        let links = self
            .conn
            .prepare_cached(&sql)?
            .query_map([ticket_id], commit_link)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(links)
    }
}
