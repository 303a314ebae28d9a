//! Workflow and ticket statements on SQLite. Locks are plain reads here:
//! the single writer thread already serialises every write.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, OptionalExtension};
use tix_core::ticket::{Comment, GraphNode, HistoryEntry, Priority, Ticket, TicketFilter};
use tix_core::workflow::Workflow;

use super::rows::{self, find_ticket, find_workflow, id_list, time_text, to_json, TICKET_SELECT};
use super::SqliteConn;
use crate::statements::{BlockerFacts, FieldsRow, StoredGraph, TicketRow, TicketStatements, WorkflowStatements};
use crate::Result;

impl WorkflowStatements for SqliteConn {
    async fn insert_workflow(&mut self, w: &Workflow) -> Result<bool> {
        let inserted = self.conn.execute(
            "INSERT INTO workflows (id, name, board_config, phases, guardian, created_at, updated_at, ranks_ready) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1) ON CONFLICT (id) DO NOTHING",
            params![
                w.id,
                w.name,
                to_json(&w.board_config)?,
                to_json(&w.phases)?,
                to_json(&w.guardian)?,
                time_text(w.created_at),
                time_text(w.updated_at)
            ],
        )?;
        Ok(inserted > 0)
    }

    async fn load_workflow(&mut self, id: &str) -> Result<Option<Workflow>> {
        find_workflow(&self.conn, id)
    }

    async fn list_workflows(&mut self) -> Result<Vec<Workflow>> {
        let sql = format!(
            "{} ORDER BY COALESCE((SELECT MAX(e.id) FROM events e WHERE e.workflow_id = w.id), 0) DESC, w.created_at DESC",
            rows::WORKFLOW_SELECT
        );
        let workflows = self
            .conn
            .prepare_cached(&sql)?
            .query_map([], rows::workflow)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(workflows)
    }

    async fn graph_version(&mut self, workflow_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT graph_version FROM workflows WHERE id = ?1")?
            .query_row([workflow_id], |r| r.get(0))
            .optional()?)
    }

    async fn bump_graph_version(&mut self, workflow_id: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE workflows SET graph_version = graph_version + 1 WHERE id = ?1 RETURNING graph_version - 1",
            )?
            .query_row([workflow_id], |r| r.get(0))?)
    }

    async fn load_graph(&mut self, workflow_id: &str) -> Result<StoredGraph> {
        let nodes = self
            .conn
            .prepare_cached("SELECT id, is_resolved FROM tickets WHERE workflow_id = ?1 ORDER BY seq")?
            .query_map([workflow_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let edges = self
            .conn
            .prepare_cached("SELECT blocker_id, blocked_id FROM ticket_edges WHERE workflow_id = ?1")?
            .query_map([workflow_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(StoredGraph { nodes, edges })
    }
}

fn insert_ticket_row(conn: &rusqlite::Connection, row: &TicketRow<'_>) -> Result<()> {
    let t = row.ticket;
    conn.prepare_cached(
        "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, created_by, \
         assigned_agent_id, created_at, updated_at, open_blockers, parent_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13)",
    )?
    .execute(params![
        row.id,
        t.workflow_id,
        t.title,
        t.description,
        t.ticket_type,
        row.status,
        t.priority.unwrap_or_default().rank(),
        to_json(&t.tags)?,
        row.created_by,
        t.assigned_agent_id,
        time_text(row.at),
        row.open_blockers,
        t.parent_id,
    ])?;
    Ok(())
}

const GRAPH_NODE_SELECT: &str =
    "SELECT id, title, status, ticket_type, priority, assigned_agent_id, is_resolved, open_blockers FROM tickets";

fn graph_node(r: &rusqlite::Row<'_>) -> rusqlite::Result<GraphNode> {
    Ok(GraphNode {
        id: r.get::<_, String>(0)?.into(),
        title: r.get(1)?,
        status: r.get(2)?,
        ticket_type: r.get(3)?,
        priority: Priority::from_rank(r.get(4)?).unwrap_or_default(),
        assigned_agent_id: r.get(5)?,
        is_resolved: r.get(6)?,
        is_blocked: r.get::<_, i64>(7)? > 0,
    })
}

impl TicketStatements for SqliteConn {
    async fn ticket_exists(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM tickets WHERE id = ?1)")?
            .query_row([id], |r| r.get(0))?)
    }

    async fn ticket_ids_with_prefix(&mut self, prefix: &str, limit: u32) -> Result<Vec<String>> {
        // '~' sorts after every character an id may hold, so this is a prefix range scan.
        let ids = self
            .conn
            .prepare_cached("SELECT id FROM tickets WHERE id > ?1 AND id < ?1 || '~' ORDER BY id LIMIT ?2")?
            .query_map(params![prefix, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ids)
    }

    async fn existing_ticket_ids(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let taken = self
            .conn
            .prepare_cached("SELECT id FROM tickets WHERE id IN (SELECT value FROM json_each(?1))")?
            .query_map([id_list(ids)?], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(taken)
    }

    async fn load_ticket(&mut self, id: &str) -> Result<Option<Ticket>> {
        find_ticket(&self.conn, id)
    }

    async fn load_tickets(&mut self, ids: &[String]) -> Result<Vec<Ticket>> {
        let sql = format!("{TICKET_SELECT} WHERE t.id IN (SELECT value FROM json_each(?1))");
        let tickets = self
            .conn
            .prepare_cached(&sql)?
            .query_map([id_list(ids)?], rows::ticket)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(tickets)
    }

    async fn lock_ticket(&mut self, id: &str) -> Result<Option<Ticket>> {
        find_ticket(&self.conn, id)
    }

    async fn lock_blockers(&mut self, ids: &[String]) -> Result<Vec<BlockerFacts>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT workflow_id, is_resolved FROM tickets WHERE id = ?1")?;
        let mut facts = Vec::with_capacity(ids.len());
        for id in ids {
            let found: Option<(String, bool)> = stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            if let Some((workflow_id, is_resolved)) = found {
                facts.push(BlockerFacts {
                    id: id.clone(),
                    workflow_id,
                    is_resolved,
                });
            }
        }
        Ok(facts)
    }

    async fn insert_ticket(&mut self, row: &TicketRow<'_>) -> Result<()> {
        insert_ticket_row(&self.conn, row)
    }

    async fn insert_tickets(&mut self, rows: &[TicketRow<'_>]) -> Result<()> {
        if rows.len() < 2 {
            return match rows.first() {
                Some(row) => insert_ticket_row(&self.conn, row),
                None => Ok(()),
            };
        }
        // The search index and queue are filled once for the batch
        // (`deferred_index`). New rows get a seq above every one so far.
        let deferred = super::deferred_index::defer(&self.conn)?;
        for row in rows {
            insert_ticket_row(&self.conn, row)?;
        }
        if let Some(deferred) = deferred {
            super::deferred_index::index_new(&self.conn, deferred)?;
        }
        Ok(())
    }

    async fn update_fields(&mut self, id: &str, row: &FieldsRow<'_>) -> Result<()> {
        let lease = row.lease_expires_at.map(time_text);
        self.conn.execute(
            "UPDATE tickets SET title = ?2, description = ?3, priority = ?4, tags = ?5, ticket_type = ?6, \
             assigned_agent_id = ?7, lease_expires_at = ?8, \
             lease_seconds = CASE WHEN ?8 IS NULL THEN NULL ELSE lease_seconds END, \
             version = version + 1, updated_at = ?9 WHERE id = ?1",
            params![
                id,
                row.title,
                row.description,
                row.priority.rank(),
                to_json(&row.tags)?,
                row.ticket_type,
                row.assigned_agent_id,
                lease,
                time_text(row.at),
            ],
        )?;
        Ok(())
    }

    async fn touch_ticket(&mut self, id: &str, at: DateTime<Utc>, lease: Option<DateTime<Utc>>) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE tickets SET version = version + 1, updated_at = ?2, lease_expires_at = ?3 WHERE id = ?1",
            )?
            .execute(params![id, time_text(at), lease.map(time_text)])?;
        Ok(())
    }

    async fn lease_seconds(&mut self, id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT lease_seconds FROM tickets WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    async fn insert_comment(&mut self, ticket_id: &str, author: &str, body: &str, at: DateTime<Utc>) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO ticket_comments (ticket_id, ticket_seq, author, body, created_at) \
                 VALUES (?1, (SELECT seq FROM tickets WHERE id = ?1), ?2, ?3, ?4)",
            )?
            .execute(params![ticket_id, author, body, time_text(at)])?;
        Ok(self.conn.last_insert_rowid())
    }

    async fn comments_of(&mut self, ticket_id: &str) -> Result<Vec<Comment>> {
        let comments = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, author, body, created_at FROM ticket_comments \
                 WHERE ticket_seq = (SELECT seq FROM tickets WHERE id = ?1) ORDER BY id",
            )?
            .query_map([ticket_id], rows::comment)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(comments)
    }

    async fn history_of(&mut self, ticket_id: &str) -> Result<Vec<HistoryEntry>> {
        let history = self
            .conn
            .prepare_cached(
                "SELECT id, ticket_id, agent_id, action, from_status, to_status, comment, details, created_at \
                 FROM ticket_history WHERE ticket_seq = (SELECT seq FROM tickets WHERE id = ?1) ORDER BY id",
            )?
            .query_map([ticket_id], rows::history)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(history)
    }

    async fn ticket_page(
        &mut self,
        filter: &TicketFilter,
        after_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(Ticket, i64)>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        let mut push = |clause: &str, value: rusqlite::types::Value| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(workflow_id) = &filter.workflow_id {
            push("t.workflow_id = ?", workflow_id.clone().into());
        }
        if let Some(status) = &filter.status {
            push("t.status = ?", status.clone().into());
        }
        if let Some(ticket_type) = &filter.ticket_type {
            push("t.ticket_type = ?", ticket_type.clone().into());
        }
        if let Some(priority) = filter.priority {
            push("t.priority = ?", priority.rank().into());
        }
        if let Some(agent) = &filter.assigned_agent_id {
            push("t.assigned_agent_id = ?", agent.clone().into());
        }
        if let Some(tag) = &filter.tag {
            push(
                "EXISTS (SELECT 1 FROM json_each(t.tags) WHERE json_each.value = ?)",
                tag.clone().into(),
            );
        }
        if let Some(resolved) = filter.resolved {
            push("t.is_resolved = ?", i64::from(resolved).into());
        }
        if let Some(parent) = &filter.parent_id {
            push("t.parent_id = ?", parent.clone().into());
        }
        if let Some(seq) = after_seq {
            push("t.seq > ?", seq.into());
        }
        if let Some(blocked) = filter.blocked {
            clauses.push(if blocked {
                "t.open_blockers > 0".into()
            } else {
                "t.open_blockers = 0".into()
            });
        }
        let where_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let sql = format!("{TICKET_SELECT}{where_sql} ORDER BY t.seq LIMIT {limit}");
        let page = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(values.iter()), |row| {
                Ok((rows::ticket(row)?, row.get::<_, i64>(20)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(page)
    }

    async fn graph_nodes(&mut self, ids: &[String]) -> Result<Vec<GraphNode>> {
        let sql = format!("{GRAPH_NODE_SELECT} WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY seq");
        let nodes = self
            .conn
            .prepare_cached(&sql)?
            .query_map([id_list(ids)?], graph_node)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(nodes)
    }

    async fn workflow_graph_nodes(&mut self, workflow_id: &str, include_resolved: bool) -> Result<Vec<GraphNode>> {
        let filter = if include_resolved {
            "workflow_id = ?1"
        } else {
            "workflow_id = ?1 AND is_resolved = 0"
        };
        let sql = format!("{GRAPH_NODE_SELECT} WHERE {filter} ORDER BY seq");
        let nodes = self
            .conn
            .prepare_cached(&sql)?
            .query_map([workflow_id], graph_node)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(nodes)
    }
}
