//! Searches: the request and answer shapes and [`Search::search`]
//! (keyword, semantic or hybrid, an id or prefix ranked first).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use tix_core::ticket::Ticket;
use tix_core::DomainError;
use tix_store::search::SearchStore;
use tix_store::{Error, Result, SearchFilter, Store};

use super::{Search, DEFAULT_LIMIT, MAX_LIMIT};
use crate::hybrid::{fuse, Weights};
use crate::index::Key;
use crate::retriever::{Hit, MatchedIn, Query, Retriever};

/// Hybrid search takes this many candidates per side for each result asked.
pub const CANDIDATES_PER_RESULT: usize = 4;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchType {
    #[default]
    Hybrid,
    Semantic,
    Keyword,
}

/// A search, as the API, the CLI and the MCP tool ask it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub workflow_id: String,
    pub query: String,
    pub search_type: SearchType,
    /// Default 10, at most 100.
    pub limit: Option<u32>,
    pub filter: SearchFilter,
    pub weights: Option<Weights>,
}

/// One result: the ticket and why it ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// The ranking score: the weighted sum for hybrid, the BM25 score for
    /// keyword, the cosine for semantic.
    pub score: f32,
    /// Keyword component, min-max normalised over the candidates (0..1).
    pub keyword_score: f32,
    /// Semantic component, min-max normalised over the candidates (0..1);
    /// null without semantic search.
    pub semantic_score: Option<f32>,
    /// Raw BM25 score; null when no keyword matched.
    pub bm25: Option<f32>,
    /// Raw cosine similarity to the query; null without semantic search.
    /// Unlike `score` it is absolute: a weak best match stays weak.
    pub cosine: Option<f32>,
    /// The query means nearly the same as this ticket (cosine ≥ 0.92, the
    /// threshold at which a board's `duplicate_policy` applies).
    pub likely_duplicate: bool,
    /// Which retrievers found it: `id`, `keyword`, `semantic`.
    pub matched_in: Vec<MatchedIn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub workflow_id: String,
    pub query: String,
    /// The search that ran (hybrid and semantic fall back to keyword when
    /// semantic search is unavailable).
    pub search_type: SearchType,
    pub semantic_available: bool,
    /// The embedding model, when semantic search is available.
    pub model_id: Option<String>,
    pub weights: Weights,
    pub results: Vec<SearchHit>,
    /// Set when the search could not do all that was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl<S: Store + SearchStore> Search<S> {
    /// Searches one workflow. This is the function behind `GET /api/search`,
    /// `POST /api/tickets/search`, `tix search` and the MCP `search_tickets`.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResponse> {
        let query = request.query.trim().to_string();
        if query.is_empty() {
            return Err(DomainError::validation("query", "the query is empty; say what to look for").into());
        }
        let limit = match request.limit {
            None => DEFAULT_LIMIT,
            Some(0) => return Err(DomainError::validation("limit", "limit must be at least 1").into()),
            Some(n) if n > MAX_LIMIT => {
                return Err(DomainError::validation("limit", format!("limit is at most {MAX_LIMIT} (got {n})")).into())
            }
            Some(n) => n,
        } as usize;
        let weights = request.weights.unwrap_or_default();
        for (field, weight) in [
            ("semantic_weight", weights.semantic),
            ("keyword_weight", weights.keyword),
        ] {
            // `!(0..=1).contains` also refuses NaN; infinities would turn every score into null.
            if !(0.0..=1.0).contains(&weight) {
                return Err(DomainError::validation(
                    field,
                    format!("{field} must be a number from 0 to 1 (got {weight}); the defaults are semantic 0.7, keyword 0.3"),
                )
                .into());
            }
        }
        if weights.semantic + weights.keyword <= 0.0 {
            return Err(DomainError::validation(
                "semantic_weight",
                "semantic_weight and keyword_weight may not both be 0 (the defaults are 0.7 and 0.3)",
            )
            .into());
        }
        // Also checks the workflow exists.
        let workflow = self.inner.store.get_workflow(&request.workflow_id).await?;
        let workflow_id = workflow.id;
        let filter = request.filter;

        let mut warning = None;
        let mut search_type = request.search_type;
        if search_type != SearchType::Keyword && !self.semantic_available() {
            warning = Some(format!(
                "semantic search is unavailable ({}); these are keyword results",
                self.unavailable_reason().unwrap_or("no embedder")
            ));
            search_type = SearchType::Keyword;
        }
        let mut semantic = search_type != SearchType::Keyword;
        let vector = if semantic {
            if !self.wait_fresh().await? {
                warning =
                    Some("the embedding queue is behind; the newest edits may be missing from semantic results".into());
            }
            match self.embed_one(query.clone()).await {
                Ok(vector) => vector,
                Err(err) => {
                    // A remote embedder that is down: answer with keywords.
                    warning = Some(format!(
                        "the query could not be embedded ({err}); these are keyword results"
                    ));
                    search_type = SearchType::Keyword;
                    semantic = false;
                    None
                }
            }
        } else {
            None
        };
        let allow: Option<HashSet<Key>> = if semantic && !filter.is_empty() {
            Some(
                self.inner
                    .store
                    .filtered_seqs(&workflow_id, &filter)
                    .await?
                    .into_iter()
                    .collect(),
            )
        } else {
            None
        };
        let q = Query {
            workflow_id: &workflow_id,
            text: &query,
            vector: vector.as_deref(),
            filter: &filter,
            allow: allow.as_ref(),
        };
        let k = match search_type {
            SearchType::Hybrid => CANDIDATES_PER_RESULT * limit,
            _ => limit,
        };
        let (keyword_hits, semantic_hits) = match search_type {
            SearchType::Keyword => (self.inner.keyword.retrieve(&q, k).await?, Vec::new()),
            SearchType::Semantic => (Vec::new(), self.inner.semantic.retrieve(&q, k).await?),
            SearchType::Hybrid => {
                let (kw, sem) = tokio::join!(self.inner.keyword.retrieve(&q, k), self.inner.semantic.retrieve(&q, k));
                (kw?, sem?)
            }
        };
        let mut ranked: Vec<SearchHitDraft> = match search_type {
            SearchType::Hybrid => {
                let cosine_of = |seq| {
                    vector
                        .as_deref()
                        .and_then(|v| self.inner.semantic.cosine(&workflow_id, seq, v))
                };
                fuse(&keyword_hits, &semantic_hits, cosine_of, weights, limit)
                    .into_iter()
                    .map(|f| SearchHitDraft {
                        ticket_id: f.ticket_id,
                        score: f.score,
                        keyword_score: f.keyword_score,
                        semantic_score: Some(f.semantic_score),
                        bm25: f.bm25,
                        cosine: f.cosine,
                        matched_in: f.matched_in,
                    })
                    .collect()
            }
            SearchType::Keyword => single_side(&keyword_hits, MatchedIn::Keyword),
            SearchType::Semantic => single_side(&semantic_hits, MatchedIn::Semantic),
        };
        if let Some(id) = self.id_match(&workflow_id, &query, &filter).await? {
            let top = ranked.first().map(|h| h.score).unwrap_or(1.0);
            let mut hit = match ranked.iter().position(|h| h.ticket_id == id) {
                Some(i) => ranked.remove(i),
                None => SearchHitDraft {
                    ticket_id: id,
                    score: 0.0,
                    keyword_score: 0.0,
                    semantic_score: semantic.then_some(0.0),
                    bm25: None,
                    cosine: None,
                    matched_in: Vec::new(),
                },
            };
            hit.score = hit.score.max(top);
            hit.matched_in.insert(0, MatchedIn::Id);
            ranked.insert(0, hit);
            ranked.truncate(limit);
        }
        let ids: Vec<String> = ranked.iter().map(|h| h.ticket_id.clone()).collect();
        let mut tickets = self.tickets_by_id(&ids).await?;
        let results = ranked
            .into_iter()
            .filter_map(|h| {
                Some(SearchHit {
                    ticket: tickets.remove(&h.ticket_id)?,
                    score: h.score,
                    keyword_score: h.keyword_score,
                    semantic_score: if semantic { h.semantic_score } else { None },
                    bm25: h.bm25,
                    cosine: h.cosine,
                    likely_duplicate: h.cosine.is_some_and(|c| c >= super::DUPLICATE_THRESHOLD),
                    matched_in: h.matched_in,
                })
            })
            .collect();
        Ok(SearchResponse {
            workflow_id,
            query,
            search_type,
            semantic_available: self.semantic_available(),
            model_id: self.model_id(),
            weights,
            results,
            warning,
        })
    }

    /// The ticket a query names by id, unambiguous prefix or external ref
    /// (`bd-a1b2`, `acme/shop#12`: the id it had where it was imported
    /// from), if it is in the workflow and passes the filter.
    async fn id_match(&self, workflow_id: &str, query: &str, filter: &SearchFilter) -> Result<Option<String>> {
        let looks_like_id = !query.contains(char::is_whitespace)
            && (query.to_ascii_lowercase().starts_with(tix_core::ids::TICKET_PREFIX) || query.len() >= 4);
        if !looks_like_id {
            return Ok(None);
        }
        let id = match self.inner.store.resolve_ticket_id(query).await {
            Ok(id) => id,
            Err(Error::Domain(_)) => return Ok(None),
            Err(err) => return Err(err),
        };
        let ticket = self.inner.store.tickets_by_ids(std::slice::from_ref(&id)).await?;
        Ok(ticket
            .into_iter()
            .find(|t| t.workflow_id == workflow_id && filter.matches(t))
            .map(|t| t.id))
    }
}

struct SearchHitDraft {
    ticket_id: String,
    score: f32,
    keyword_score: f32,
    semantic_score: Option<f32>,
    bm25: Option<f32>,
    cosine: Option<f32>,
    matched_in: Vec<MatchedIn>,
}

/// Results of one retriever: raw scores, normalised over the results.
fn single_side(hits: &[Hit], kind: MatchedIn) -> Vec<SearchHitDraft> {
    let (lo, hi) = hits.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), h| {
        (lo.min(h.score), hi.max(h.score))
    });
    hits.iter()
        .map(|h| {
            let norm = if hi - lo <= f32::EPSILON {
                1.0
            } else {
                (h.score - lo) / (hi - lo)
            };
            let keyword = kind == MatchedIn::Keyword;
            SearchHitDraft {
                ticket_id: h.ticket_id.clone(),
                score: h.score,
                keyword_score: if keyword { norm } else { 0.0 },
                semantic_score: (!keyword).then_some(norm),
                bm25: keyword.then_some(h.score),
                cosine: (!keyword).then_some(h.score),
                matched_in: vec![kind],
            }
        })
        .collect()
}
