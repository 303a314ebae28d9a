//! Workflow and ticket statements on PostgreSQL, with the row locks that
//! make them safe across replicas.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder, Row};
use tix_core::ticket::{Comment, GraphNode, HistoryEntry, Ticket, TicketFilter};
use tix_core::workflow::Workflow;

use super::rows::{self, find_workflow, ticket_select, tickets_by_ids, TICKET_SELECT_PREFIX, WORKFLOW_SELECT};
use super::PgConn;
use crate::statements::{BlockerFacts, FieldsRow, StoredGraph, TicketRow, TicketStatements, WorkflowStatements};
use crate::Result;

impl WorkflowStatements for PgConn {
    async fn insert_workflow(&mut self, w: &Workflow) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO workflows (id, name, board_config, phases, guardian, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&w.id)
        .bind(&w.name)
        .bind(Json(&w.board_config))
        .bind(Json(&w.phases))
        .bind(Json(&w.guardian))
        .bind(w.created_at)
        .bind(w.updated_at)
        .execute(self.c())
        .await?;
        Ok(inserted.rows_affected() > 0)
    }

    async fn load_workflow(&mut self, id: &str) -> Result<Option<Workflow>> {
        find_workflow(self.c(), id).await
    }

    async fn list_workflows(&mut self) -> Result<Vec<Workflow>> {
        let sql = format!(
            "{WORKFLOW_SELECT}ORDER BY COALESCE((SELECT MAX(e.id) FROM events e WHERE e.workflow_id = w.id), 0) DESC, \
             w.created_at DESC"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.c())
            .await?
            .iter()
            .map(rows::workflow)
            .collect()
    }

    async fn graph_version(&mut self, workflow_id: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT graph_version FROM workflows WHERE id = $1")
            .bind(workflow_id)
            .fetch_optional(self.c())
            .await?)
    }

    async fn bump_graph_version(&mut self, workflow_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "UPDATE workflows SET graph_version = graph_version + 1 WHERE id = $1 RETURNING graph_version - 1",
        )
        .bind(workflow_id)
        .fetch_one(self.c())
        .await?)
    }

    async fn load_graph(&mut self, workflow_id: &str) -> Result<StoredGraph> {
        let nodes = sqlx::query("SELECT id, is_resolved FROM tickets WHERE workflow_id = $1 ORDER BY seq")
            .bind(workflow_id)
            .fetch_all(self.c())
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<_>>>()?;
        let edges = sqlx::query("SELECT blocker_id, blocked_id FROM ticket_edges WHERE workflow_id = $1")
            .bind(workflow_id)
            .fetch_all(self.c())
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(StoredGraph { nodes, edges })
    }
}

const GRAPH_NODE_SELECT: &str =
    "SELECT id, title, status, ticket_type, priority, assigned_agent_id, is_resolved, open_blockers FROM tickets ";

async fn find_ticket(conn: &mut PgConn, sql: &'static str, id: &str) -> Result<Option<Ticket>> {
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(conn.c())
        .await?
        .as_ref()
        .map(rows::ticket)
        .transpose()
}

impl TicketStatements for PgConn {
    async fn ticket_exists(&mut self, id: &str) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM tickets WHERE id = $1)")
            .bind(id)
            .fetch_one(self.c())
            .await?)
    }

    async fn ticket_ids_with_prefix(&mut self, prefix: &str, limit: u32) -> Result<Vec<String>> {
        // ids use the "C" collation, so this is a prefix range scan.
        Ok(
            sqlx::query_scalar("SELECT id FROM tickets WHERE id > $1 AND id < $1 || '~' ORDER BY id LIMIT $2")
                .bind(prefix)
                .bind(i64::from(limit))
                .fetch_all(self.c())
                .await?,
        )
    }

    async fn existing_ticket_ids(&mut self, ids: &[String]) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT id FROM tickets WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(self.c())
            .await?)
    }

    async fn load_ticket(&mut self, id: &str) -> Result<Option<Ticket>> {
        find_ticket(self, ticket_select!("WHERE t.id = $1"), id).await
    }

    async fn load_tickets(&mut self, ids: &[String]) -> Result<Vec<Ticket>> {
        tickets_by_ids(self.c(), ids).await
    }

    /// `NO KEY UPDATE`: writes never change a ticket's key, and rows that
    /// only name the ticket (their foreign-key checks) need not wait.
    async fn lock_ticket(&mut self, id: &str) -> Result<Option<Ticket>> {
        find_ticket(self, ticket_select!("WHERE t.id = $1 FOR NO KEY UPDATE OF t"), id).await
    }

    async fn lock_blockers(&mut self, ids: &[String]) -> Result<Vec<BlockerFacts>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Rows are locked in the order returned: id order, like every lock.
        sqlx::query("SELECT id, workflow_id, is_resolved FROM tickets WHERE id = ANY($1) ORDER BY id FOR SHARE")
            .bind(ids)
            .fetch_all(self.c())
            .await?
            .iter()
            .map(|r| {
                Ok(BlockerFacts {
                    id: r.try_get(0)?,
                    workflow_id: r.try_get(1)?,
                    is_resolved: r.try_get(2)?,
                })
            })
            .collect()
    }

    async fn insert_ticket(&mut self, row: &TicketRow<'_>) -> Result<()> {
        let t = row.ticket;
        sqlx::query(
            "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, created_by, \
             assigned_agent_id, created_at, updated_at, open_blockers, parent_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13)",
        )
        .bind(row.id)
        .bind(&t.workflow_id)
        .bind(&t.title)
        .bind(&t.description)
        .bind(&t.ticket_type)
        .bind(row.status)
        .bind(t.priority.unwrap_or_default().rank() as i16)
        .bind(Json(&t.tags))
        .bind(row.created_by)
        .bind(&t.assigned_agent_id)
        .bind(row.at)
        .bind(row.open_blockers as i32)
        .bind(&t.parent_id)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn insert_tickets(&mut self, rows: &[TicketRow<'_>]) -> Result<()> {
        let Some(first) = rows.first() else {
            return Ok(());
        };
        // One statement for the batch (arrays + UNNEST), not a round trip per row.
        sqlx::query(
            "INSERT INTO tickets (id, workflow_id, title, description, ticket_type, status, priority, tags, created_by, \
             assigned_agent_id, created_at, updated_at, open_blockers) \
             SELECT id, workflow_id, title, description, ticket_type, $3, priority, tags, $4, assignee, $5, $5, open_blockers \
             FROM UNNEST($1::text[], $2::text[], $6::text[], $7::text[], $8::text[], $9::smallint[], $10::jsonb[], \
                         $11::text[], $12::int[]) WITH ORDINALITY \
                  AS t(id, workflow_id, title, description, ticket_type, priority, tags, assignee, open_blockers, n) \
             ORDER BY n",
        )
        .bind(rows.iter().map(|r| r.id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.ticket.workflow_id.as_str()).collect::<Vec<_>>())
        .bind(first.status)
        .bind(first.created_by)
        .bind(first.at)
        .bind(rows.iter().map(|r| r.ticket.title.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.ticket.description.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.ticket.ticket_type.as_str()).collect::<Vec<_>>())
        .bind(
            rows.iter()
                .map(|r| r.ticket.priority.unwrap_or_default().rank() as i16)
                .collect::<Vec<_>>(),
        )
        .bind(rows.iter().map(|r| Json(&r.ticket.tags)).collect::<Vec<_>>())
        .bind(
            rows.iter()
                .map(|r| r.ticket.assigned_agent_id.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(rows.iter().map(|r| r.open_blockers as i32).collect::<Vec<_>>())
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn update_fields(&mut self, id: &str, row: &FieldsRow<'_>) -> Result<()> {
        sqlx::query(
            "UPDATE tickets SET title = $2, description = $3, priority = $4, tags = $5, ticket_type = $6, \
             assigned_agent_id = $7, lease_expires_at = $8, \
             lease_seconds = CASE WHEN $8::timestamptz IS NULL THEN NULL ELSE lease_seconds END, \
             version = version + 1, updated_at = $9 WHERE id = $1",
        )
        .bind(id)
        .bind(row.title)
        .bind(row.description)
        .bind(row.priority.rank() as i16)
        .bind(Json(row.tags))
        .bind(row.ticket_type)
        .bind(row.assigned_agent_id)
        .bind(row.lease_expires_at)
        .bind(row.at)
        .execute(self.c())
        .await?;
        Ok(())
    }

    async fn touch_ticket(&mut self, id: &str, at: DateTime<Utc>, lease: Option<DateTime<Utc>>) -> Result<()> {
        sqlx::query("UPDATE tickets SET version = version + 1, updated_at = $2, lease_expires_at = $3 WHERE id = $1")
            .bind(id)
            .bind(at)
            .bind(lease)
            .execute(self.c())
            .await?;
        Ok(())
    }

    async fn lease_seconds(&mut self, id: &str) -> Result<Option<i64>> {
        let seconds: Option<Option<i64>> = sqlx::query_scalar("SELECT lease_seconds FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_optional(self.c())
            .await?;
        Ok(seconds.flatten())
    }

    async fn insert_comment(&mut self, ticket_id: &str, author: &str, body: &str, at: DateTime<Utc>) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO ticket_comments (ticket_id, author, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(ticket_id)
        .bind(author)
        .bind(body)
        .bind(at)
        .fetch_one(self.c())
        .await?)
    }

    async fn comments_of(&mut self, ticket_id: &str) -> Result<Vec<Comment>> {
        sqlx::query(
            "SELECT id, ticket_id, author, body, created_at FROM ticket_comments WHERE ticket_id = $1 ORDER BY id",
        )
        .bind(ticket_id)
        .fetch_all(self.c())
        .await?
        .iter()
        .map(rows::comment)
        .collect()
    }

    async fn history_of(&mut self, ticket_id: &str) -> Result<Vec<HistoryEntry>> {
        sqlx::query(
            "SELECT id, ticket_id, agent_id, action, from_status, to_status, comment, details, created_at \
             FROM ticket_history WHERE ticket_id = $1 ORDER BY id",
        )
        .bind(ticket_id)
        .fetch_all(self.c())
        .await?
        .iter()
        .map(rows::history)
        .collect()
    }

    async fn ticket_page(
        &mut self,
        filter: &TicketFilter,
        after_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(Ticket, i64)>> {
        let mut query: QueryBuilder<Postgres> = QueryBuilder::new(TICKET_SELECT_PREFIX);
        query.push("WHERE TRUE");
        if let Some(workflow_id) = &filter.workflow_id {
            query.push(" AND t.workflow_id = ").push_bind(workflow_id.clone());
        }
        if let Some(status) = &filter.status {
            query.push(" AND t.status = ").push_bind(status.clone());
        }
        if let Some(ticket_type) = &filter.ticket_type {
            query.push(" AND t.ticket_type = ").push_bind(ticket_type.clone());
        }
        if let Some(priority) = filter.priority {
            query.push(" AND t.priority = ").push_bind(priority.rank() as i16);
        }
        if let Some(agent) = &filter.assigned_agent_id {
            query.push(" AND t.assigned_agent_id = ").push_bind(agent.clone());
        }
        if let Some(tag) = &filter.tag {
            query.push(" AND t.tags ? ").push_bind(tag.clone());
        }
        if let Some(resolved) = filter.resolved {
            query.push(" AND t.is_resolved = ").push_bind(resolved);
        }
        if let Some(blocked) = filter.blocked {
            query.push(if blocked {
                " AND t.open_blockers > 0"
            } else {
                " AND t.open_blockers = 0"
            });
        }
        if let Some(parent) = &filter.parent_id {
            query.push(" AND t.parent_id = ").push_bind(parent.clone());
        }
        if let Some(seq) = after_seq {
            query.push(" AND t.seq > ").push_bind(seq);
        }
        query.push(" ORDER BY t.seq LIMIT ").push_bind(i64::from(limit));
        query
            .build()
            .fetch_all(self.c())
            .await?
            .iter()
            .map(|row| Ok((rows::ticket(row)?, row.try_get("seq")?)))
            .collect()
    }

    async fn graph_nodes(&mut self, ids: &[String]) -> Result<Vec<GraphNode>> {
        let sql = format!("{GRAPH_NODE_SELECT}WHERE id = ANY($1) ORDER BY seq");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ids)
            .fetch_all(self.c())
            .await?
            .iter()
            .map(rows::graph_node)
            .collect()
    }

    async fn workflow_graph_nodes(&mut self, workflow_id: &str, include_resolved: bool) -> Result<Vec<GraphNode>> {
        let filter = if include_resolved {
            "workflow_id = $1"
        } else {
            "workflow_id = $1 AND NOT is_resolved"
        };
        let sql = format!("{GRAPH_NODE_SELECT}WHERE {filter} ORDER BY seq");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(workflow_id)
            .fetch_all(self.c())
            .await?
            .iter()
            .map(rows::graph_node)
            .collect()
    }
}
