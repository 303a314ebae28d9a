//! Search: `GET /api/search`, `POST /api/tickets/search` (the same as
//! JSON) and `GET /api/tickets/{id}/related`.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use tix_core::ticket::Priority;
use tix_search::{RelatedTickets, SearchRequest, SearchResponse, SearchType, Weights};
use tix_store::{SearchFilter, SearchStore, Store};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    pub workflow_id: String,
    /// Free text, a ticket id or an id prefix. Punctuation is fine.
    pub query: String,
    /// `hybrid` (default: 0.7 semantic + 0.3 keyword), `semantic` or `keyword`.
    pub search_type: Option<SearchType>,
    /// Results (default 10, max 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub status: Option<String>,
    pub ticket_type: Option<String>,
    pub priority: Option<Priority>,
    /// One tag the tickets must have.
    pub tag: Option<String>,
    /// Comma-separated tags the tickets must all have.
    pub tags: Option<String>,
    pub assigned_agent_id: Option<String>,
    pub blocked: Option<bool>,
    pub resolved: Option<bool>,
    /// Weight of the semantic side, 0–1 (default 0.7; the keyword side gets 1 − it unless given).
    #[param(minimum = 0, maximum = 1)]
    pub semantic_weight: Option<f32>,
    /// Weight of the keyword side, 0–1 (default 0.3).
    #[param(minimum = 0, maximum = 1)]
    pub keyword_weight: Option<f32>,
}

/// Body of `POST /api/tickets/search`: the fields of `GET /api/search`, with
/// `tags` as a list.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    pub workflow_id: String,
    pub query: String,
    pub search_type: Option<SearchType>,
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub status: Option<String>,
    pub ticket_type: Option<String>,
    pub priority: Option<Priority>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub assigned_agent_id: Option<String>,
    pub blocked: Option<bool>,
    pub resolved: Option<bool>,
    #[schema(minimum = 0, maximum = 1)]
    pub semantic_weight: Option<f32>,
    #[schema(minimum = 0, maximum = 1)]
    pub keyword_weight: Option<f32>,
}

fn weights(semantic: Option<f32>, keyword: Option<f32>) -> Option<Weights> {
    match (semantic, keyword) {
        (None, None) => None,
        (Some(s), None) => Some(Weights {
            semantic: s,
            keyword: (1.0 - s).max(0.0),
        }),
        (None, Some(k)) => Some(Weights {
            semantic: (1.0 - k).max(0.0),
            keyword: k,
        }),
        (Some(semantic), Some(keyword)) => Some(Weights { semantic, keyword }),
    }
}

impl From<SearchBody> for SearchRequest {
    fn from(body: SearchBody) -> Self {
        SearchRequest {
            workflow_id: body.workflow_id,
            query: body.query,
            search_type: body.search_type.unwrap_or_default(),
            limit: body.limit,
            filter: SearchFilter {
                status: body.status,
                ticket_type: body.ticket_type,
                priority: body.priority,
                tags: body.tags,
                assigned_agent_id: body.assigned_agent_id,
                blocked: body.blocked,
                resolved: body.resolved,
            },
            weights: weights(body.semantic_weight, body.keyword_weight),
        }
    }
}

impl From<SearchQuery> for SearchBody {
    fn from(q: SearchQuery) -> Self {
        let mut tags: Vec<String> = q.tag.into_iter().collect();
        tags.extend(
            q.tags
                .iter()
                .flat_map(|t| t.split(','))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        );
        SearchBody {
            workflow_id: q.workflow_id,
            query: q.query,
            search_type: q.search_type,
            limit: q.limit,
            status: q.status,
            ticket_type: q.ticket_type,
            priority: q.priority,
            tags,
            assigned_agent_id: q.assigned_agent_id,
            blocked: q.blocked,
            resolved: q.resolved,
            semantic_weight: q.semantic_weight,
            keyword_weight: q.keyword_weight,
        }
    }
}

#[utoipa::path(get, operation_id = "searchTickets", path = "/api/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn search<S: Store + SearchStore>(
    State(app): State<AppState<S>>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResponse>, ApiError> {
    let body: SearchBody = query.into();
    Ok(Json(app.use_cases.search().search(body.into()).await?))
}

#[utoipa::path(post, operation_id = "searchTicketsPost", path = "/api/tickets/search", tag = "search", request_body = SearchBody,
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn search_json<S: Store + SearchStore>(
    State(app): State<AppState<S>>,
    ApiJson(body): ApiJson<SearchBody>,
) -> Result<Json<SearchResponse>, ApiError> {
    Ok(Json(app.use_cases.search().search(body.into()).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RelatedQuery {
    /// Most tickets to return (default 10, max 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

#[utoipa::path(get, operation_id = "getRelatedTickets", path = "/api/tickets/{ticket_id}/related", tag = "search",
    params(("ticket_id" = String, Path, description = "id or unambiguous prefix"), RelatedQuery),
    responses((status = 200, body = RelatedTickets, description = "same-workflow tickets labelled duplicate (≥ 0.92), related (≥ 0.75) or similar (≥ 0.6)"),
        (status = 404, body = ErrorBody)))]
pub async fn related<S: Store + SearchStore>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<RelatedQuery>,
) -> Result<Json<RelatedTickets>, ApiError> {
    Ok(Json(app.use_cases.search().related(&id, query.limit).await?))
}
