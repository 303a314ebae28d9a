//! [`SearchStore`] on SQLite: FTS5 with BM25 for keywords (the index is
//! kept in step by the triggers of migration 0003), embeddings as BLOBs
//! with their model id, and the embedding queue those triggers fill.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use tix_core::ticket::Ticket;

use super::rows::{self, now_text, TICKET_SELECT};
use crate::search::{
    blob_to_vector, vector_to_blob, EmbeddingSource, KeywordHit, NewEmbedding, SavedEmbedding, SearchFilter,
    SearchStore, StoredEmbedding,
};
use crate::SqliteStore;
use crate::{Error, Result};

/// BM25 column weights: title, description, tags, comments. The title
/// weighs most; tags are short and deliberate; comments are chatter.
const BM25_WEIGHTS: &str = "10.0, 2.0, 4.0, 1.0";

/// Words too common to carry meaning. Dropped from keyword queries unless
/// the query has nothing else.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "i", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "this", "to", "was", "we", "what", "when", "where", "which", "with", "why",
];

/// Most query tokens used; the rest are ignored.
const MAX_QUERY_TOKENS: usize = 32;

/// Turns free text into a safe FTS5 query: the alphanumeric runs of the
/// text (what the unicode61 tokenizer indexes), each quoted, joined by OR so
/// BM25 ranks tickets matching more (and rarer) words higher. Operators,
/// quotes, colons and dashes in the input are never interpreted. None when
/// the text has no word at all.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        let word = raw.to_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    let meaningful: Vec<&String> = words.iter().filter(|w| !STOPWORDS.contains(&w.as_str())).collect();
    let chosen: Vec<&String> = if meaningful.is_empty() {
        words.iter().collect()
    } else {
        meaningful
    };
    if chosen.is_empty() {
        return None;
    }
    Some(
        chosen
            .into_iter()
            .take(MAX_QUERY_TOKENS)
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" OR "),
    )
}

/// Appends the filter's SQL conditions on `t` (the tickets table).
fn filter_sql(filter: &SearchFilter, clauses: &mut Vec<String>, values: &mut Vec<rusqlite::types::Value>) {
    let mut push = |clause: &str, value: rusqlite::types::Value| {
        values.push(value);
        clauses.push(clause.replace('?', &format!("?{}", values.len())));
    };
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
    for tag in &filter.tags {
        push(
            "EXISTS (SELECT 1 FROM json_each(t.tags) WHERE json_each.value = ?)",
            tag.clone().into(),
        );
    }
    if let Some(resolved) = filter.resolved {
        push("t.is_resolved = ?", i64::from(resolved).into());
    }
    if let Some(blocked) = filter.blocked {
        clauses.push(if blocked {
            "t.open_blockers > 0".into()
        } else {
            "t.open_blockers = 0".into()
        });
    }
}

/// Checks the filter's status and type against the workflow's board.
fn check_filter(conn: &Connection, workflow_id: &str, filter: &SearchFilter) -> Result<()> {
    let workflow = rows::load_workflow(conn, workflow_id)?;
    if let Some(status) = &filter.status {
        workflow.board_config.check_status(status)?;
    }
    if let Some(ticket_type) = &filter.ticket_type {
        workflow.board_config.check_ticket_type(ticket_type)?;
    }
    Ok(())
}

pub(crate) fn keyword_search(
    conn: &Connection,
    workflow_id: &str,
    query: &str,
    filter: &SearchFilter,
    limit: u32,
) -> Result<Vec<KeywordHit>> {
    check_filter(conn, workflow_id, filter)?;
    let Some(fts) = fts_query(query) else {
        return Ok(Vec::new());
    };
    let mut values: Vec<rusqlite::types::Value> = vec![fts.into(), workflow_id.to_string().into()];
    let mut clauses = vec!["ticket_fts MATCH ?1".to_string(), "t.workflow_id = ?2".to_string()];
    filter_sql(filter, &mut clauses, &mut values);
    let sql = format!(
        "SELECT t.seq, t.id, bm25(ticket_fts, {BM25_WEIGHTS}) AS rank \
         FROM ticket_fts JOIN tickets t ON t.seq = ticket_fts.rowid \
         WHERE {} ORDER BY rank, t.seq LIMIT {limit}",
        clauses.join(" AND ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let hits = stmt
        .query_map(params_from_iter(values.iter()), |row| {
            Ok(KeywordHit {
                seq: row.get(0)?,
                ticket_id: row.get(1)?,
                // FTS5's bm25() is negative, more negative is better.
                score: -(row.get::<_, f64>(2)? as f32),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(hits)
}

pub(crate) fn filtered_seqs(conn: &Connection, workflow_id: &str, filter: &SearchFilter) -> Result<Vec<i64>> {
    check_filter(conn, workflow_id, filter)?;
    let mut values: Vec<rusqlite::types::Value> = vec![workflow_id.to_string().into()];
    let mut clauses = vec!["t.workflow_id = ?1".to_string()];
    filter_sql(filter, &mut clauses, &mut values);
    let sql = format!(
        "SELECT t.seq FROM tickets t WHERE {} ORDER BY t.seq",
        clauses.join(" AND ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let seqs = stmt
        .query_map(params_from_iter(values.iter()), |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(seqs)
}

pub(crate) fn tickets_by_ids(conn: &Connection, ids: &[String]) -> Result<Vec<Ticket>> {
    let mut stmt = conn.prepare_cached(&format!("{TICKET_SELECT} WHERE t.id = ?1"))?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(ticket) = stmt.query_row([id], rows::ticket).optional()? {
            out.push(ticket);
        }
    }
    Ok(out)
}

pub(crate) fn embedding_queue_head(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT MAX(seq) FROM embedding_queue", [], |r| r.get(0))?)
}

pub(crate) fn embedding_queue_len(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM embedding_queue", [], |r| r.get::<_, i64>(0))? as u64)
}

pub(crate) fn embedding_batch(conn: &Connection, model_id: &str, limit: u32) -> Result<Vec<EmbeddingSource>> {
    let mut stmt = conn.prepare_cached(
        "SELECT q.seq, t.seq, t.id, t.workflow_id, t.title, t.description, t.tags, e.content_hash \
         FROM embedding_queue q JOIN tickets t ON t.seq = q.ticket_seq \
         LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model_id = ?1 \
         ORDER BY q.seq LIMIT ?2",
    )?;
    let batch = stmt
        .query_map(params![model_id, limit], |row| {
            let tags: String = row.get(6)?;
            Ok(EmbeddingSource {
                queue_seq: row.get(0)?,
                seq: row.get(1)?,
                ticket_id: row.get(2)?,
                workflow_id: row.get(3)?,
                title: row.get(4)?,
                description: row.get(5)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
                stored_hash: row.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(batch)
}

pub(crate) fn save_embeddings(
    conn: &Connection,
    model_id: &str,
    embeddings: &[NewEmbedding],
    processed: &[(String, i64)],
) -> Result<Vec<SavedEmbedding>> {
    let now = now_text();
    let mut saved = Vec::with_capacity(embeddings.len());
    {
        let mut owner = conn.prepare_cached("SELECT seq, workflow_id FROM tickets WHERE id = ?1")?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO ticket_embeddings (ticket_id, workflow_id, model_id, dims, content_hash, vector, updated_at) \
             SELECT t.id, t.workflow_id, ?2, ?3, ?4, ?5, ?6 FROM tickets t WHERE t.id = ?1 \
             ON CONFLICT(ticket_id) DO UPDATE SET workflow_id = excluded.workflow_id, model_id = excluded.model_id, \
             dims = excluded.dims, content_hash = excluded.content_hash, vector = excluded.vector, \
             updated_at = excluded.updated_at",
        )?;
        for e in embeddings {
            let Some((seq, workflow_id)) = owner
                .query_row([&e.ticket_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .optional()?
            else {
                continue;
            };
            saved.push(SavedEmbedding {
                seq,
                ticket_id: e.ticket_id.clone(),
                workflow_id,
            });
            insert.execute(params![
                e.ticket_id,
                model_id,
                e.vector.len() as i64,
                e.content_hash,
                vector_to_blob(&e.vector),
                now
            ])?;
        }
    }
    let mut dequeue = conn.prepare_cached(
        "DELETE FROM embedding_queue WHERE ticket_seq = (SELECT seq FROM tickets WHERE id = ?1) AND seq <= ?2",
    )?;
    for (ticket_id, seq) in processed {
        dequeue.execute(params![ticket_id, seq])?;
    }
    Ok(saved)
}

pub(crate) fn queue_for_embedding(conn: &Connection, model_id: &str, all: bool) -> Result<u64> {
    let changed = if all {
        conn.execute(
            "INSERT OR REPLACE INTO embedding_queue (ticket_seq) SELECT seq FROM tickets ORDER BY seq",
            [],
        )?
    } else {
        conn.execute(
            "INSERT OR IGNORE INTO embedding_queue (ticket_seq) SELECT t.seq FROM tickets t \
             WHERE NOT EXISTS (SELECT 1 FROM ticket_embeddings e WHERE e.ticket_id = t.id AND e.model_id = ?1) \
             ORDER BY t.seq",
            [model_id],
        )?
    };
    Ok(changed as u64)
}

pub(crate) fn drop_other_embeddings(conn: &Connection, model_id: &str) -> Result<u64> {
    Ok(conn.execute("DELETE FROM ticket_embeddings WHERE model_id <> ?1", [model_id])? as u64)
}

pub(crate) fn load_embeddings(conn: &Connection, model_id: &str) -> Result<Vec<StoredEmbedding>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.seq, e.ticket_id, e.workflow_id, e.vector FROM ticket_embeddings e \
         JOIN tickets t ON t.id = e.ticket_id WHERE e.model_id = ?1 ORDER BY t.seq",
    )?;
    let mut rows = stmt.query([model_id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(stored_embedding(row)?);
    }
    Ok(out)
}

fn stored_embedding(row: &rusqlite::Row<'_>) -> Result<StoredEmbedding> {
    let blob = row.get_ref(3)?.as_blob().map_err(|e| Error::Storage(e.to_string()))?;
    let vector =
        blob_to_vector(blob).ok_or_else(|| Error::Storage("an embedding BLOB is not a whole number of f32s".into()))?;
    Ok(StoredEmbedding {
        seq: row.get(0)?,
        ticket_id: row.get(1)?,
        workflow_id: row.get(2)?,
        vector,
    })
}

pub(crate) fn embedding_changes_head(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM embedding_changes", [], |r| r.get(0))?)
}

pub(crate) fn embedding_changes_since(
    conn: &Connection,
    model_id: &str,
    after: i64,
) -> Result<(Vec<StoredEmbedding>, i64)> {
    let head = embedding_changes_head(conn)?;
    if head <= after {
        return Ok((Vec::new(), after));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT t.seq, e.ticket_id, e.workflow_id, e.vector FROM embedding_changes c \
         JOIN ticket_embeddings e ON e.ticket_id = c.ticket_id AND e.model_id = ?1 \
         JOIN tickets t ON t.id = e.ticket_id WHERE c.seq > ?2 ORDER BY c.seq",
    )?;
    let mut rows = stmt.query(params![model_id, after])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(stored_embedding(row)?);
    }
    Ok((out, head))
}

fn owned(s: &str) -> String {
    s.to_string()
}

impl SearchStore for SqliteStore {
    async fn keyword_search(
        &self,
        workflow_id: &str,
        query: &str,
        filter: &SearchFilter,
        limit: u32,
    ) -> Result<Vec<KeywordHit>> {
        let (workflow_id, query, filter) = (owned(workflow_id), owned(query), filter.clone());
        self.read_sql(move |conn| keyword_search(conn, &workflow_id, &query, &filter, limit))
            .await
    }

    async fn filtered_seqs(&self, workflow_id: &str, filter: &SearchFilter) -> Result<Vec<i64>> {
        let (workflow_id, filter) = (owned(workflow_id), filter.clone());
        self.read_sql(move |conn| filtered_seqs(conn, &workflow_id, &filter))
            .await
    }

    async fn tickets_by_ids(&self, ids: &[String]) -> Result<Vec<Ticket>> {
        let ids = ids.to_vec();
        self.read_sql(move |conn| tickets_by_ids(conn, &ids)).await
    }

    async fn embedding_queue_head(&self) -> Result<Option<i64>> {
        self.read_sql(embedding_queue_head).await
    }

    async fn embedding_queue_len(&self) -> Result<u64> {
        self.read_sql(embedding_queue_len).await
    }

    async fn embedding_batch(&self, model_id: &str, limit: u32) -> Result<Vec<EmbeddingSource>> {
        let model_id = owned(model_id);
        self.read_sql(move |conn| embedding_batch(conn, &model_id, limit)).await
    }

    async fn save_embeddings(
        &self,
        model_id: &str,
        embeddings: Vec<NewEmbedding>,
        processed: Vec<(String, i64)>,
    ) -> Result<Vec<SavedEmbedding>> {
        let model_id = owned(model_id);
        self.write_sql(move |tx| save_embeddings(tx, &model_id, &embeddings, &processed))
            .await
    }

    async fn queue_for_embedding(&self, model_id: &str, all: bool) -> Result<u64> {
        let model_id = owned(model_id);
        self.write_sql(move |tx| queue_for_embedding(tx, &model_id, all)).await
    }

    async fn drop_other_embeddings(&self, model_id: &str) -> Result<u64> {
        let model_id = owned(model_id);
        self.write_sql(move |tx| drop_other_embeddings(tx, &model_id)).await
    }

    async fn load_embeddings(&self, model_id: &str) -> Result<Vec<StoredEmbedding>> {
        let model_id = owned(model_id);
        self.read_sql(move |conn| load_embeddings(conn, &model_id)).await
    }

    async fn embedding_changes_since(&self, model_id: &str, after: i64) -> Result<(Vec<StoredEmbedding>, i64)> {
        let model_id = owned(model_id);
        self.read_sql(move |conn| embedding_changes_since(conn, &model_id, after))
            .await
    }

    async fn embedding_changes_head(&self) -> Result<i64> {
        self.read_sql(embedding_changes_head).await
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn queries_are_tokenised_safely() {
        assert_eq!(fts_query("ticket-abc").as_deref(), Some("\"ticket\" OR \"abc\""));
        assert_eq!(fts_query("auth:jwt").as_deref(), Some("\"auth\" OR \"jwt\""));
        assert_eq!(
            fts_query("\"login\" -crash NEAR(").as_deref(),
            Some("\"login\" OR \"crash\" OR \"near\"")
        );
        assert_eq!(
            fts_query("the login of THE app").as_deref(),
            Some("\"login\" OR \"app\"")
        );
        assert_eq!(fts_query("the").as_deref(), Some("\"the\""));
        assert_eq!(fts_query(" --- :: \"\" *").as_deref(), None);
        assert_eq!(fts_query("").as_deref(), None);
    }
}
