//! `SearchStore` on PostgreSQL: a weighted `tsvector` per ticket (title A,
//! tags B, description C, comments D) with a GIN index, ranked by
//! `ts_rank`; embeddings as `bytea` with their model id; the embedding queue
//! and change log filled by triggers (migration 0003).
//!
//! Ranking differs from SQLite's BM25: `ts_rank` weighs where words occur
//! and how often, without BM25's inverse document frequency. The hybrid
//! ranking only uses the order and min-max-normalised scores of each side,
//! so its contract (0.7 semantic + 0.3 keyword over the union of both top-K)
//! holds on both backends.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use tix_core::ticket::Ticket;

use super::rows::{load_workflow, tickets_by_ids};
use crate::ops::now;
use crate::search::{
    blob_to_vector, vector_to_blob, EmbeddingSource, KeywordHit, NewEmbedding, SavedEmbedding, SearchFilter,
    SearchStore, StoredEmbedding,
};
use crate::PgStore;
use crate::{Error, Result};

/// Most query words used; the rest are ignored.
const MAX_QUERY_WORDS: usize = 32;

/// The words of free text as an OR-query for `to_tsquery`: only letters and
/// digits reach it, so operators, quotes, colons and dashes in the input
/// are never interpreted. None when the text has no word.
fn ts_query(text: &str) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        let word = raw.to_lowercase();
        if !word.is_empty() && !words.contains(&word) {
            words.push(word);
        }
    }
    (!words.is_empty()).then(|| words.into_iter().take(MAX_QUERY_WORDS).collect::<Vec<_>>().join(" | "))
}

fn push_filter(query: &mut QueryBuilder<Postgres>, filter: &SearchFilter) {
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
    for tag in &filter.tags {
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
}

async fn check_filter(conn: &mut PgConnection, workflow_id: &str, filter: &SearchFilter) -> Result<()> {
    let workflow = load_workflow(conn, workflow_id).await?;
    if let Some(status) = &filter.status {
        workflow.board_config.check_status(status)?;
    }
    if let Some(ticket_type) = &filter.ticket_type {
        workflow.board_config.check_ticket_type(ticket_type)?;
    }
    Ok(())
}

fn stored_embedding(row: &PgRow) -> Result<StoredEmbedding> {
    let blob: Vec<u8> = row.try_get(3)?;
    let vector =
        blob_to_vector(&blob).ok_or_else(|| Error::Storage("an embedding is not a whole number of f32s".into()))?;
    Ok(StoredEmbedding {
        seq: row.try_get(0)?,
        ticket_id: row.try_get(1)?,
        workflow_id: row.try_get(2)?,
        vector,
    })
}

impl SearchStore for PgStore {
    async fn keyword_search(
        &self,
        workflow_id: &str,
        query: &str,
        filter: &SearchFilter,
        limit: u32,
    ) -> Result<Vec<KeywordHit>> {
        let mut conn = self.pool().acquire().await?;
        check_filter(&mut conn, workflow_id, filter).await?;
        let Some(words) = ts_query(query) else {
            return Ok(Vec::new());
        };
        let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("WITH q AS (SELECT to_tsquery('english', ");
        sql.push_bind(words);
        sql.push(
            ") AS query) SELECT t.seq, t.id, ts_rank(s.document, q.query)::float4 AS rank \
             FROM ticket_search s JOIN tickets t ON t.id = s.ticket_id, q \
             WHERE s.document @@ q.query AND s.workflow_id = ",
        );
        sql.push_bind(workflow_id.to_string());
        push_filter(&mut sql, filter);
        sql.push(" ORDER BY rank DESC, t.seq LIMIT ")
            .push_bind(i64::from(limit));
        sql.build()
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(KeywordHit {
                    seq: r.try_get(0)?,
                    ticket_id: r.try_get(1)?,
                    score: r.try_get(2)?,
                })
            })
            .collect()
    }

    async fn filtered_seqs(&self, workflow_id: &str, filter: &SearchFilter) -> Result<Vec<i64>> {
        let mut conn = self.pool().acquire().await?;
        check_filter(&mut conn, workflow_id, filter).await?;
        let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("SELECT t.seq FROM tickets t WHERE t.workflow_id = ");
        sql.push_bind(workflow_id.to_string());
        push_filter(&mut sql, filter);
        sql.push(" ORDER BY t.seq");
        Ok(sql.build_query_scalar().fetch_all(&mut *conn).await?)
    }

    async fn tickets_by_ids(&self, ids: &[String]) -> Result<Vec<Ticket>> {
        let mut conn = self.pool().acquire().await?;
        let mut found: std::collections::HashMap<String, Ticket> = tickets_by_ids(&mut conn, ids)
            .await?
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    async fn embedding_queue_head(&self) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT MAX(seq) FROM embedding_queue")
            .fetch_one(self.pool())
            .await?)
    }

    async fn embedding_queue_len(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM embedding_queue")
            .fetch_one(self.pool())
            .await?;
        Ok(n as u64)
    }

    async fn embedding_batch(&self, model_id: &str, limit: u32) -> Result<Vec<EmbeddingSource>> {
        sqlx::query(
            "SELECT q.seq, t.seq, t.id, t.workflow_id, t.title, t.description, t.tags, e.content_hash \
             FROM embedding_queue q JOIN tickets t ON t.id = q.ticket_id \
             LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model_id = $1 \
             ORDER BY q.seq LIMIT $2",
        )
        .bind(model_id)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(EmbeddingSource {
                queue_seq: r.try_get(0)?,
                seq: r.try_get(1)?,
                ticket_id: r.try_get(2)?,
                workflow_id: r.try_get(3)?,
                title: r.try_get(4)?,
                description: r.try_get(5)?,
                tags: r.try_get::<sqlx::types::Json<Vec<String>>, _>(6)?.0,
                stored_hash: r.try_get(7)?,
            })
        })
        .collect()
    }

    async fn save_embeddings(
        &self,
        model_id: &str,
        embeddings: Vec<NewEmbedding>,
        processed: Vec<(String, i64)>,
    ) -> Result<Vec<SavedEmbedding>> {
        let mut tx = self.pool().begin().await?;
        let at = now();
        let mut saved = Vec::with_capacity(embeddings.len());
        for e in &embeddings {
            let owner = sqlx::query(
                "INSERT INTO ticket_embeddings (ticket_id, workflow_id, model_id, dims, content_hash, vector, updated_at) \
                 SELECT t.id, t.workflow_id, $2, $3, $4, $5, $6 FROM tickets t WHERE t.id = $1 \
                 ON CONFLICT (ticket_id) DO UPDATE SET workflow_id = excluded.workflow_id, model_id = excluded.model_id, \
                 dims = excluded.dims, content_hash = excluded.content_hash, vector = excluded.vector, \
                 updated_at = excluded.updated_at \
                 RETURNING (SELECT seq FROM tickets WHERE id = $1), workflow_id",
            )
            .bind(&e.ticket_id)
            .bind(model_id)
            .bind(e.vector.len() as i32)
            .bind(&e.content_hash)
            .bind(vector_to_blob(&e.vector))
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = owner {
                saved.push(SavedEmbedding {
                    seq: row.try_get(0)?,
                    ticket_id: e.ticket_id.clone(),
                    workflow_id: row.try_get(1)?,
                });
            }
        }
        for (ticket_id, seq) in &processed {
            sqlx::query("DELETE FROM embedding_queue WHERE ticket_id = $1 AND seq <= $2")
                .bind(ticket_id)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(saved)
    }

    async fn queue_for_embedding(&self, model_id: &str, all: bool) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let queued = if all {
            sqlx::query("DELETE FROM embedding_queue").execute(&mut *tx).await?;
            sqlx::query("INSERT INTO embedding_queue (ticket_id) SELECT id FROM tickets ORDER BY seq")
                .execute(&mut *tx)
                .await?
                .rows_affected()
        } else {
            sqlx::query(
                "INSERT INTO embedding_queue (ticket_id) SELECT t.id FROM tickets t \
                 WHERE NOT EXISTS (SELECT 1 FROM ticket_embeddings e WHERE e.ticket_id = t.id AND e.model_id = $1) \
                 ORDER BY t.seq ON CONFLICT (ticket_id) DO NOTHING",
            )
            .bind(model_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        tx.commit().await?;
        Ok(queued)
    }

    async fn drop_other_embeddings(&self, model_id: &str) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM ticket_embeddings WHERE model_id <> $1")
            .bind(model_id)
            .execute(self.pool())
            .await?
            .rows_affected())
    }

    async fn load_embeddings(&self, model_id: &str) -> Result<Vec<StoredEmbedding>> {
        sqlx::query(
            "SELECT t.seq, e.ticket_id, e.workflow_id, e.vector FROM ticket_embeddings e \
             JOIN tickets t ON t.id = e.ticket_id WHERE e.model_id = $1 ORDER BY t.seq",
        )
        .bind(model_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(stored_embedding)
        .collect()
    }

    async fn embedding_changes_since(&self, model_id: &str, after: i64) -> Result<(Vec<StoredEmbedding>, i64)> {
        let head = self.embedding_changes_head().await?;
        if head <= after {
            return Ok((Vec::new(), after));
        }
        let changed = sqlx::query(
            "SELECT t.seq, e.ticket_id, e.workflow_id, e.vector FROM embedding_changes c \
             JOIN ticket_embeddings e ON e.ticket_id = c.ticket_id AND e.model_id = $1 \
             JOIN tickets t ON t.id = e.ticket_id WHERE c.seq > $2 AND c.seq <= $3 ORDER BY c.seq",
        )
        .bind(model_id)
        .bind(after)
        .bind(head)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(stored_embedding)
        .collect::<Result<Vec<_>>>()?;
        Ok((changed, head))
    }

    async fn embedding_changes_head(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM embedding_changes")
                .fetch_one(self.pool())
                .await?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ts_query;

    #[test]
    fn queries_keep_only_words() {
        assert_eq!(
            ts_query("auth:jwt \"login\" -crash ticket-abc").as_deref(),
            Some("auth | jwt | login | crash | ticket | abc")
        );
        assert_eq!(ts_query("!!! ---"), None);
    }
}
