//! [`SearchStore`] on PostgreSQL, keyword-only for now: keyword searches
//! scan the workflow's tickets ([`scan_keyword_search`]) and no embeddings
//! are kept (`stores_embeddings` is false), so the search service runs
//! without an embedder here. A `tsvector` index and the embedding tables
//! (the SQLite migration 0003's counterparts) are the follow-up.

use tix_core::ticket::Ticket;

use super::PgStore;
use crate::search::{
    scan_keyword_search, EmbeddingSource, KeywordHit, NewEmbedding, SavedEmbedding, SearchFilter, SearchStore,
    StoredEmbedding,
};
use crate::{Error, Result, Store};

impl SearchStore for PgStore {
    fn stores_embeddings(&self) -> bool {
        false
    }

    async fn keyword_search(
        &self,
        workflow_id: &str,
        query: &str,
        filter: &SearchFilter,
        limit: u32,
    ) -> Result<Vec<KeywordHit>> {
        self.get_workflow(workflow_id).await?;
        scan_keyword_search(self, workflow_id, query, filter, limit).await
    }

    async fn filtered_seqs(&self, _workflow_id: &str, _filter: &SearchFilter) -> Result<Vec<i64>> {
        Ok(Vec::new())
    }

    async fn tickets_by_ids(&self, ids: &[String]) -> Result<Vec<Ticket>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.get_ticket(id).await {
                Ok(detail) => out.push(detail.ticket),
                Err(Error::Domain(_)) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(out)
    }

    async fn embedding_queue_head(&self) -> Result<Option<i64>> {
        Ok(None)
    }

    async fn embedding_queue_len(&self) -> Result<u64> {
        Ok(0)
    }

    async fn embedding_batch(&self, _model_id: &str, _limit: u32) -> Result<Vec<EmbeddingSource>> {
        Ok(Vec::new())
    }

    async fn save_embeddings(
        &self,
        _model_id: &str,
        _embeddings: Vec<NewEmbedding>,
        _processed: Vec<(String, i64)>,
    ) -> Result<Vec<SavedEmbedding>> {
        Ok(Vec::new())
    }

    async fn queue_for_embedding(&self, _model_id: &str, _all: bool) -> Result<u64> {
        Ok(0)
    }

    async fn drop_other_embeddings(&self, _model_id: &str) -> Result<u64> {
        Ok(0)
    }

    async fn load_embeddings(&self, _model_id: &str) -> Result<Vec<StoredEmbedding>> {
        Ok(Vec::new())
    }

    async fn embedding_changes_since(&self, _model_id: &str, after: i64) -> Result<(Vec<StoredEmbedding>, i64)> {
        Ok((Vec::new(), after))
    }

    async fn embedding_changes_head(&self) -> Result<i64> {
        Ok(0)
    }
}
