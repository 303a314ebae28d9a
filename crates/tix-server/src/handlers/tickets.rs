//! `/api/tickets`: create, read, list, edit, move, comment, resolve, block.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tix_core::commit::{CommitLinked, NewCommitLink};
use tix_core::error::TicketRef;
use tix_core::ticket::{
    Comment, NewTicket, Priority, StatusChange, Ticket, TicketDetail, TicketFilter, TicketGraph, TicketPage,
    TicketPatch,
};
use tix_store::{CommitStore, Store};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Agent, ApiJson, ApiQuery, IfMatch, OptionalJson};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CreatedTicket {
    pub ticket_id: String,
    pub ticket: Ticket,
}

#[utoipa::path(post, path = "/api/tickets", tag = "tickets", request_body = NewTicket,
    responses((status = 201, body = CreatedTicket), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create<S: Store>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    ApiJson(body): ApiJson<NewTicket>,
) -> Result<(StatusCode, Json<CreatedTicket>), ApiError> {
    if body.id.is_some() {
        return Err(ApiError::bad_request(
            "`id` cannot be chosen when creating one ticket",
            "Omit `id`; Tix generates a collision-free one. Imports may set ids.",
        ));
    }
    let ticket = app.store.create_ticket(&agent, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTicket {
            ticket_id: ticket.id.clone(),
            ticket,
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub workflow_id: Option<String>,
    pub status: Option<String>,
    pub ticket_type: Option<String>,
    pub priority: Option<Priority>,
    pub assigned_agent_id: Option<String>,
    /// Only blocked (true) or only unblocked (false) tickets.
    pub blocked: Option<bool>,
    pub resolved: Option<bool>,
    pub tag: Option<String>,
    /// Page size (default 50, max 500).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/tickets", tag = "tickets", params(ListQuery),
    responses((status = 200, body = TicketPage), (status = 400, body = ErrorBody)))]
pub async fn list<S: Store>(
    State(app): State<AppState<S>>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<TicketPage>, ApiError> {
    let filter = TicketFilter {
        workflow_id: query.workflow_id,
        status: query.status,
        ticket_type: query.ticket_type,
        priority: query.priority,
        assigned_agent_id: query.assigned_agent_id,
        blocked: query.blocked,
        resolved: query.resolved,
        tag: query.tag,
    };
    Ok(Json(app.store.list_tickets(filter, query.limit, query.cursor).await?))
}

#[utoipa::path(get, path = "/api/tickets/{ticket_id}", tag = "tickets",
    params(("ticket_id" = String, Path, description = "id or unambiguous prefix")),
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody)))]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
) -> Result<Json<TicketDetail>, ApiError> {
    Ok(Json(app.store.get_ticket(&id).await?))
}

#[utoipa::path(patch, path = "/api/tickets/{ticket_id}", tag = "tickets",
    params(("ticket_id" = String, Path), ("If-Match" = Option<u64>, Header, description = "expected version")),
    request_body = TicketPatch,
    responses((status = 200, body = Ticket), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn patch<S: Store>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<TicketPatch>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(app.store.update_ticket(&agent, &id, body, version).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// A column id of the board, e.g. `building`.
    pub new_status: String,
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/tickets/{ticket_id}/status", tag = "tickets",
    params(("ticket_id" = String, Path), ("If-Match" = Option<u64>, Header)), request_body = StatusBody,
    responses((status = 200, body = StatusChange), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "ticket_blocked, transition_not_allowed or wip_limit_reached"),
        (status = 412, body = ErrorBody)))]
pub async fn change_status<S: Store>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<StatusChange>, ApiError> {
    Ok(Json(
        app.store
            .change_status(&agent, &id, &body.new_status, body.comment, version)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    pub comment_text: String,
}

#[utoipa::path(post, path = "/api/tickets/{ticket_id}/comments", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = CommentBody,
    responses((status = 201, body = Comment), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn comment<S: Store>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.store.add_comment(&agent, &id, &body.comment_text).await?),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    pub resolution_comment: Option<String>,
}

#[utoipa::path(post, path = "/api/tickets/{ticket_id}/resolve", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = ResolveBody,
    responses((status = 200, body = StatusChange), (status = 409, body = ErrorBody)))]
pub async fn resolve<S: Store>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ResolveBody>,
) -> Result<Json<StatusChange>, ApiError> {
    let body = body.unwrap_or_default();
    Ok(Json(app.store.resolve(&agent, &id, body.resolution_comment).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockerBody {
    /// The ticket that blocks this one.
    pub ticket_id: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BlockedBy {
    pub blocked_by: Vec<TicketRef>,
}

#[utoipa::path(post, path = "/api/tickets/{ticket_id}/blockers", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = BlockerBody,
    responses((status = 200, body = BlockedBy), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "dependency_cycle, with the cycle's path")))]
pub async fn add_blocker<S: Store>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BlockerBody>,
) -> Result<Json<BlockedBy>, ApiError> {
    Ok(Json(BlockedBy {
        blocked_by: app.store.add_blocker(&agent, &id, &body.ticket_id).await?,
    }))
}

#[utoipa::path(delete, path = "/api/tickets/{ticket_id}/blockers/{blocker_id}", tag = "tickets",
    params(("ticket_id" = String, Path), ("blocker_id" = String, Path)),
    responses((status = 200, body = BlockedBy), (status = 404, body = ErrorBody)))]
pub async fn remove_blocker<S: Store>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    Path((id, blocker)): Path<(String, String)>,
) -> Result<Json<BlockedBy>, ApiError> {
    Ok(Json(BlockedBy {
        blocked_by: app.store.remove_blocker(&agent, &id, &blocker).await?,
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TicketGraphQuery {
    /// Steps to follow upstream and downstream (default: all).
    pub depth: Option<u32>,
}

#[utoipa::path(get, path = "/api/tickets/{ticket_id}/graph", tag = "tickets",
    params(("ticket_id" = String, Path), TicketGraphQuery),
    responses((status = 200, body = TicketGraph), (status = 404, body = ErrorBody)))]
pub async fn graph<S: Store>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<TicketGraphQuery>,
) -> Result<Json<TicketGraph>, ApiError> {
    Ok(Json(app.store.ticket_graph(&id, query.depth).await?))
}

#[utoipa::path(post, path = "/api/tickets/{ticket_id}/commits", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = NewCommitLink,
    responses((status = 201, body = CommitLinked, description = "linked"),
        (status = 200, body = CommitLinked, description = "already linked (linking is idempotent)"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn link_commit<S: CommitStore>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewCommitLink>,
) -> Result<(StatusCode, Json<CommitLinked>), ApiError> {
    let linked = app.store.link_commit(&agent, &id, body).await?;
    let status = if linked.newly_linked {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(linked)))
}
