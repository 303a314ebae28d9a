//! Hierarchy, export and import statements on SQLite.

use rusqlite::{params, Row};
use tix_core::commit::CommitSource;
use tix_core::error::TicketRef;
use tix_core::hierarchy::{LinkKind, SubtreeRow, TicketLink};
use tix_core::interop::{CommentRecord, CommitRecord, EdgeRecord, HistoryRecord, RunRecord, TaskRecord, TicketRecord};
use tix_core::run::{Handoff, RunOutcome};
use tix_core::task::TaskStatus;
use tix_core::ticket::Priority;

use super::rows::{json, opt_time, ticket_ref, time, time_text, to_json};
use super::SqliteConn;
use crate::interop_statements::{ImportedTicketRow, InteropStatements, MetricStatements, TreeStatements};
use crate::Result;

/// The writer and the idle readers (readers in use are not counted; up to
/// `MAX_IDLE_READERS` are kept).
pub(super) fn pool_stats(backend: &super::Sqlite) -> crate::PoolStats {
    let idle = backend.inner.readers.lock().unwrap_or_else(|e| e.into_inner()).len() as u32;
    crate::PoolStats {
        max: super::MAX_IDLE_READERS as u32 + 1,
        open: idle + 1,
        idle,
    }
}

fn bad(idx: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, what.into())
}

impl SqliteConn {
    fn all<T>(
        &self,
        sql: &str,
        values: impl rusqlite::Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let rows = self
            .conn
            .prepare_cached(sql)?
            .query_map(values, map)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn taken(&self, table: &str, ids: &[String]) -> Result<Vec<String>> {
        let sql = format!("SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?1))");
        self.all(&sql, [to_json(&ids)?], |r| r.get(0))
    }
}

impl TreeStatements for SqliteConn {
    async fn parent_of(&mut self, id: &str) -> Result<Option<String>> {
        let found: Vec<Option<String>> = self.all("SELECT parent_id FROM tickets WHERE id = ?1", [id], |r| r.get(0))?;
        Ok(found.into_iter().next().flatten())
    }

    async fn set_parent(&mut self, id: &str, parent: Option<&str>) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE tickets SET parent_id = ?2 WHERE id = ?1")?
            .execute(params![id, parent])?;
        Ok(())
    }

    async fn shift_open_children(&mut self, id: &str, delta: i64) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE tickets SET open_children = open_children + ?2 WHERE id = ?1")?
            .execute(params![id, delta])?;
        Ok(())
    }

    async fn open_children(&mut self, id: &str) -> Result<Vec<TicketRef>> {
        self.all(
            "SELECT id, title, status, is_resolved FROM tickets WHERE parent_id = ?1 AND is_resolved = 0 ORDER BY seq",
            [id],
            ticket_ref,
        )
    }

    async fn subtree(&mut self, id: &str, limit: u32) -> Result<Vec<SubtreeRow>> {
        self.all(
            "WITH RECURSIVE below(id) AS (SELECT id FROM tickets WHERE parent_id = ?1 \
               UNION SELECT t.id FROM tickets t JOIN below b ON t.parent_id = b.id) \
             SELECT t.id, t.parent_id, t.title, t.status, t.is_resolved, t.open_blockers, t.seq \
             FROM tickets t JOIN below b ON t.id = b.id LIMIT ?2",
            params![id, limit],
            |r| {
                Ok(SubtreeRow {
                    id: r.get(0)?,
                    parent_id: r.get(1)?,
                    title: r.get(2)?,
                    status: r.get(3)?,
                    is_resolved: r.get(4)?,
                    is_blocked: r.get::<_, i64>(5)? > 0,
                    seq: r.get(6)?,
                })
            },
        )
    }

    async fn links_of(&mut self, id: &str) -> Result<Vec<TicketLink>> {
        self.all(
            "SELECT kind, target FROM ticket_links WHERE ticket_id = ?1 ORDER BY kind, target",
            [id],
            link,
        )
    }

    async fn tickets_with_external_ref(&mut self, reference: &str, limit: u32) -> Result<Vec<String>> {
        self.all(
            "SELECT id FROM tickets WHERE external_ref = ?1 ORDER BY seq LIMIT ?2",
            params![reference, limit],
            |r| r.get(0),
        )
    }
}

fn link(r: &Row<'_>) -> rusqlite::Result<TicketLink> {
    let kind: String = r.get(0)?;
    Ok(TicketLink {
        kind: LinkKind::parse(&kind).ok_or_else(|| bad(0, format!("unknown link kind '{kind}'")))?,
        target: r.get(1)?,
    })
}

fn ticket_record(r: &Row<'_>) -> rusqlite::Result<TicketRecord> {
    Ok(TicketRecord {
        id: r.get(0)?,
        title: r.get(1)?,
        description: r.get(2)?,
        ticket_type: r.get(3)?,
        status: r.get(4)?,
        priority: Priority::from_rank(r.get(5)?).unwrap_or_default(),
        tags: json(r, 6)?,
        created_by: r.get(7)?,
        assigned_agent_id: r.get(8)?,
        created_at: time(r, 9)?,
        updated_at: time(r, 10)?,
        started_at: opt_time(r, 11)?,
        completed_at: opt_time(r, 12)?,
        resolved_at: opt_time(r, 13)?,
        is_resolved: r.get(14)?,
        version: r.get::<_, i64>(15)? as u64,
        lease_expires_at: opt_time(r, 16)?,
        lease_seconds: r.get(17)?,
        parent_id: r.get(18)?,
        external_ref: r.get(19)?,
        links: Vec::new(),
        blocked_by: Vec::new(),
        comments: Vec::new(),
        history: Vec::new(),
        tasks: Vec::new(),
        commits: Vec::new(),
        runs: Vec::new(),
    })
}

impl InteropStatements for SqliteConn {
    async fn ticket_records(&mut self, workflow_id: &str) -> Result<Vec<TicketRecord>> {
        self.all(
            "SELECT id, title, description, ticket_type, status, priority, tags, created_by, assigned_agent_id, \
             created_at, updated_at, started_at, completed_at, resolved_at, is_resolved, version, lease_expires_at, \
             lease_seconds, parent_id, external_ref FROM tickets WHERE workflow_id = ?1 ORDER BY seq",
            [workflow_id],
            ticket_record,
        )
    }

    async fn edge_records(&mut self, workflow_id: &str) -> Result<Vec<(String, EdgeRecord)>> {
        self.all(
            "SELECT blocked_id, blocker_id, created_by, created_at FROM ticket_edges WHERE workflow_id = ?1 \
             ORDER BY blocked_id, created_at, blocker_id",
            [workflow_id],
            |r| {
                Ok((
                    r.get(0)?,
                    EdgeRecord {
                        blocker_id: r.get(1)?,
                        created_by: r.get(2)?,
                        created_at: time(r, 3)?,
                    },
                ))
            },
        )
    }

    async fn comment_records(&mut self, workflow_id: &str) -> Result<Vec<(String, CommentRecord)>> {
        self.all(
            "SELECT c.ticket_id, c.author, c.body, c.created_at FROM ticket_comments c \
             JOIN tickets t ON t.seq = c.ticket_seq WHERE t.workflow_id = ?1 ORDER BY c.id",
            [workflow_id],
            |r| {
                Ok((
                    r.get(0)?,
                    CommentRecord {
                        author: r.get(1)?,
                        comment_text: r.get(2)?,
                        created_at: time(r, 3)?,
                    },
                ))
            },
        )
    }

    async fn history_records(&mut self, workflow_id: &str) -> Result<Vec<(String, HistoryRecord)>> {
        self.all(
            "SELECT ticket_id, agent_id, action, from_status, to_status, comment, details, created_at \
             FROM ticket_history WHERE workflow_id = ?1 ORDER BY id",
            [workflow_id],
            |r| {
                Ok((
                    r.get(0)?,
                    HistoryRecord {
                        agent_id: r.get(1)?,
                        action: r.get(2)?,
                        from_status: r.get(3)?,
                        to_status: r.get(4)?,
                        comment: r.get(5)?,
                        details: json(r, 6)?,
                        created_at: time(r, 7)?,
                    },
                ))
            },
        )
    }

    async fn task_records(&mut self, workflow_id: &str) -> Result<Vec<(String, TaskRecord)>> {
        self.all(
            "SELECT ticket_id, id, phase_id, description, status, assigned_agent_id, created_by, created_at, \
             updated_at, started_at, completed_at, note FROM tasks WHERE workflow_id = ?1 ORDER BY seq",
            [workflow_id],
            |r| {
                let status: String = r.get(4)?;
                Ok((
                    r.get(0)?,
                    TaskRecord {
                        task_id: r.get(1)?,
                        phase_id: r.get(2)?,
                        description: r.get(3)?,
                        status: status.parse::<TaskStatus>().map_err(|e| bad(4, e.to_string()))?,
                        assigned_agent_id: r.get(5)?,
                        created_by: r.get(6)?,
                        created_at: time(r, 7)?,
                        updated_at: time(r, 8)?,
                        started_at: opt_time(r, 9)?,
                        completed_at: opt_time(r, 10)?,
                        note: r.get(11)?,
                    },
                ))
            },
        )
    }

    async fn commit_records(&mut self, workflow_id: &str) -> Result<Vec<(String, CommitRecord)>> {
        self.all(
            "SELECT ticket_id, sha, message, author, committed_at, files_changed, insertions, deletions, source, \
             linked_by, linked_at FROM ticket_commits WHERE workflow_id = ?1 ORDER BY ticket_id, linked_at, sha",
            [workflow_id],
            |r| {
                let source: String = r.get(8)?;
                Ok((
                    r.get(0)?,
                    CommitRecord {
                        sha: r.get(1)?,
                        message: r.get(2)?,
                        author: r.get(3)?,
                        committed_at: opt_time(r, 4)?,
                        files_changed: r.get(5)?,
                        insertions: r.get(6)?,
                        deletions: r.get(7)?,
                        source: CommitSource::parse(&source)
                            .ok_or_else(|| bad(8, format!("unknown source '{source}'")))?,
                        linked_by: r.get(9)?,
                        linked_at: time(r, 10)?,
                    },
                ))
            },
        )
    }

    async fn run_records(&mut self, workflow_id: &str) -> Result<Vec<(String, RunRecord)>> {
        self.all(
            "SELECT ticket_id, id, task_id, phase_id, agent_id, claim_token_hash, started_at, ended_at, outcome, \
             ended_by, summary, handoff, tokens_in, tokens_out, cost_usd, exit_code FROM runs WHERE workflow_id = ?1 \
             ORDER BY seq",
            [workflow_id],
            |r| {
                let outcome: Option<String> = r.get(8)?;
                let handoff: Option<String> = r.get(11)?;
                Ok((
                    r.get(0)?,
                    RunRecord {
                        run_id: r.get(1)?,
                        task_id: r.get(2)?,
                        phase_id: r.get(3)?,
                        agent_id: r.get(4)?,
                        claim_token_sha256: r.get(5)?,
                        started_at: time(r, 6)?,
                        ended_at: opt_time(r, 7)?,
                        outcome: outcome
                            .map(|o| RunOutcome::parse(&o).ok_or_else(|| bad(8, format!("unknown outcome '{o}'"))))
                            .transpose()?,
                        ended_by: r.get(9)?,
                        summary: r.get(10)?,
                        handoff: handoff
                            .map(|h| serde_json::from_str::<Handoff>(&h).map_err(|e| bad(11, e.to_string())))
                            .transpose()?,
                        tokens_in: r.get::<_, Option<i64>>(12)?.map(|n| n.max(0) as u64),
                        tokens_out: r.get::<_, Option<i64>>(13)?.map(|n| n.max(0) as u64),
                        cost_usd: r.get(14)?,
                        exit_code: r.get(15)?,
                    },
                ))
            },
        )
    }

    async fn link_records(&mut self, workflow_id: &str) -> Result<Vec<(String, TicketLink)>> {
        self.all(
            "SELECT l.ticket_id, l.kind, l.target FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id \
             WHERE t.workflow_id = ?1 ORDER BY l.ticket_id, l.kind, l.target",
            [workflow_id],
            |r| {
                let kind: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    TicketLink {
                        kind: LinkKind::parse(&kind).ok_or_else(|| bad(1, format!("unknown link kind '{kind}'")))?,
                        target: r.get(2)?,
                    },
                ))
            },
        )
    }

    async fn insert_ticket_records(
        &mut self,
        rows: &[ImportedTicketRow<'_>],
        comments: &[(&str, &CommentRecord)],
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // As `insert_tickets`: the search triggers stand aside and the
        // batch is indexed, comments included, at the end (`deferred_index`).
        let deferred = super::deferred_index::defer(&self.conn)?;
        {
            let mut insert = self.conn.prepare_cached(
                "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, \
                 created_by, assigned_agent_id, created_at, updated_at, started_at, completed_at, resolved_at, \
                 is_resolved, open_blockers, version, lease_expires_at, lease_seconds, parent_id, open_children, \
                 external_ref) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, \
                 ?21, ?22, ?23)",
            )?;
            for row in rows {
                let t = row.record;
                insert.execute(params![
                    t.id,
                    row.workflow_id,
                    t.title,
                    t.description,
                    t.ticket_type,
                    t.status,
                    t.priority.rank(),
                    to_json(&t.tags)?,
                    t.created_by,
                    t.assigned_agent_id,
                    time_text(t.created_at),
                    time_text(t.updated_at),
                    t.started_at.map(time_text),
                    t.completed_at.map(time_text),
                    t.resolved_at.map(time_text),
                    t.is_resolved,
                    row.open_blockers,
                    t.version as i64,
                    t.lease_expires_at.map(time_text),
                    t.lease_seconds,
                    t.parent_id,
                    row.open_children,
                    t.external_ref,
                ])?;
            }
            // The comment trigger stands aside too: the index below takes them.
            let mut insert = self.conn.prepare_cached(
                "INSERT INTO ticket_comments (ticket_id, ticket_seq, author, body, created_at) \
                 VALUES (?1, (SELECT seq FROM tickets WHERE id = ?1), ?2, ?3, ?4)",
            )?;
            for (ticket_id, c) in comments {
                insert.execute(params![ticket_id, c.author, c.comment_text, time_text(c.created_at)])?;
            }
        }
        if let Some(deferred) = deferred {
            super::deferred_index::index_new(&self.conn, deferred)?;
        }
        Ok(())
    }

    async fn insert_edge_records(&mut self, workflow_id: &str, edges: &[(&str, &EdgeRecord)]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO ticket_edges (blocker_id, blocked_id, workflow_id, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (blocked, e) in edges {
            insert.execute(params![
                e.blocker_id,
                blocked,
                workflow_id,
                e.created_by,
                time_text(e.created_at)
            ])?;
        }
        Ok(())
    }

    async fn insert_task_records(&mut self, workflow_id: &str, tasks: &[(&str, &TaskRecord)]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO tasks (id, workflow_id, phase_id, ticket_id, description, status, assigned_agent_id, \
             created_by, created_at, updated_at, started_at, completed_at, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for (ticket_id, t) in tasks {
            insert.execute(params![
                t.task_id,
                workflow_id,
                t.phase_id,
                ticket_id,
                t.description,
                t.status.as_str(),
                t.assigned_agent_id,
                t.created_by,
                time_text(t.created_at),
                time_text(t.updated_at),
                t.started_at.map(time_text),
                t.completed_at.map(time_text),
                t.note,
            ])?;
        }
        Ok(())
    }

    async fn insert_commit_records(&mut self, workflow_id: &str, commits: &[(&str, &CommitRecord)]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO ticket_commits (ticket_id, sha, workflow_id, message, author, committed_at, files_changed, \
             insertions, deletions, source, linked_by, linked_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for (ticket_id, c) in commits {
            insert.execute(params![
                ticket_id,
                c.sha,
                workflow_id,
                c.message,
                c.author,
                c.committed_at.map(time_text),
                c.files_changed,
                c.insertions,
                c.deletions,
                c.source.as_str(),
                c.linked_by,
                time_text(c.linked_at),
            ])?;
        }
        Ok(())
    }

    async fn insert_run_records(&mut self, workflow_id: &str, runs: &[(&str, &RunRecord)]) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO runs (id, workflow_id, ticket_id, task_id, phase_id, agent_id, claim_token_hash, started_at, \
             ended_at, outcome, ended_by, summary, handoff, tokens_in, tokens_out, cost_usd, exit_code) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        for (ticket_id, r) in runs {
            insert.execute(params![
                r.run_id,
                workflow_id,
                ticket_id,
                r.task_id,
                r.phase_id,
                r.agent_id,
                r.claim_token_sha256,
                time_text(r.started_at),
                r.ended_at.map(time_text),
                r.outcome.map(RunOutcome::as_str),
                r.ended_by,
                r.summary,
                r.handoff.as_ref().map(to_json).transpose()?,
                r.tokens_in.map(|n| n as i64),
                r.tokens_out.map(|n| n as i64),
                r.cost_usd,
                r.exit_code,
            ])?;
        }
        Ok(())
    }

    async fn insert_links(&mut self, links: &[(&str, &TicketLink)]) -> Result<()> {
        let mut insert = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO ticket_links (ticket_id, kind, target) VALUES (?1, ?2, ?3)")?;
        for (ticket_id, l) in links {
            insert.execute(params![ticket_id, l.kind.as_str(), l.target])?;
        }
        Ok(())
    }

    async fn existing_task_ids(&mut self, ids: &[String]) -> Result<Vec<String>> {
        self.taken("tasks", ids)
    }

    async fn existing_run_ids(&mut self, ids: &[String]) -> Result<Vec<String>> {
        self.taken("runs", ids)
    }
}

impl MetricStatements for SqliteConn {
    async fn ticket_counts(&mut self) -> Result<Vec<(String, String, u64)>> {
        self.all(
            "SELECT workflow_id, status, COUNT(*) FROM tickets GROUP BY workflow_id, status ORDER BY workflow_id, status",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64)),
        )
    }

    async fn ready_count(&mut self, workflow_id: &str, status: &str) -> Result<u64> {
        let count: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM tickets WHERE workflow_id = ?1 AND status = ?2 AND is_resolved = 0 \
             AND open_blockers = 0 AND open_children = 0 AND assigned_agent_id IS NULL",
            )?
            .query_row(params![workflow_id, status], |r| r.get(0))?;
        Ok(count.max(0) as u64)
    }

    async fn claim_count(&mut self) -> Result<u64> {
        let count: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(claim_token_hash) FROM runs")?
            .query_row([], |r| r.get(0))?;
        Ok(count.max(0) as u64)
    }

    async fn runs_ended(&mut self, outcome: RunOutcome, ended_by: &str) -> Result<u64> {
        let count: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM runs WHERE outcome = ?1 AND ended_by = ?2")?
            .query_row(params![outcome.as_str(), ended_by], |r| r.get(0))?;
        Ok(count.max(0) as u64)
    }

    async fn delivery_counts(&mut self) -> Result<Vec<(String, u64)>> {
        self.all(
            "SELECT state, COUNT(*) FROM webhook_deliveries GROUP BY state ORDER BY state",
            [],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)),
        )
    }
}
