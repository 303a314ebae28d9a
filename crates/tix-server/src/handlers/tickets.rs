//! `/api/tickets`: create, read, list, edit, move, comment, resolve, block.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tix_app::{CreateOptions, CreatedTicket};
use tix_core::commit::{CommitLinked, NewCommitLink};
use tix_core::error::TicketRef;
use tix_core::ticket::{
    Comment, NewTicket, Priority, StatusChange, Ticket, TicketDetail, TicketFilter, TicketGraph, TicketPage,
    TicketPatch,
};
use tix_store::{CommitStore, GuardianStore, HierarchyStore, Scoped, SearchStore, Store, TicketMove};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Agent, ApiJson, ApiQuery, IfMatch, OptionalJson};
use crate::request::RequestScope;

/// Body of `POST /api/tickets`: a new ticket, and `force` to create it even
/// when the board refuses near-duplicates (`duplicate_policy: refuse`).
#[derive(Serialize, ToSchema)]
pub struct CreateTicketBody {
    #[serde(flatten)]
    pub ticket: NewTicket,
    /// Create even if an unresolved ticket looks like a duplicate (similarity ≥ 0.92).
    #[serde(default)]
    pub force: bool,
}

// By hand: `flatten` would let unknown fields through, and a typo must
// stay a 400 (NewTicket denies unknown fields).
impl<'de> Deserialize<'de> for CreateTicketBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut fields = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        let force = match fields.remove("force") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(force)) => force,
            Some(other) => return Err(D::Error::custom(format!("force must be true or false, not {other}"))),
        };
        let ticket = NewTicket::deserialize(serde_json::Value::Object(fields)).map_err(D::Error::custom)?;
        Ok(CreateTicketBody { ticket, force })
    }
}

#[utoipa::path(post, operation_id = "createTicket", path = "/api/tickets", tag = "tickets", request_body = CreateTicketBody,
    responses((status = 201, body = CreatedTicket, description = "the ticket, and unresolved look-alikes (similarity ≥ 0.80) in similar_tickets"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "possible_duplicate: the board refuses near-duplicates; send force: true to create anyway")))]
pub async fn create<S: Store + SearchStore + GuardianStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    ApiJson(CreateTicketBody { ticket: body, force }): ApiJson<CreateTicketBody>,
) -> Result<(StatusCode, Json<CreatedTicket>), ApiError> {
    if body.id.is_some() {
        return Err(ApiError::bad_request(
            "`id` cannot be chosen when creating one ticket",
            "Omit `id`; Tix generates a collision-free one. Imports may set ids.",
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(
            scope
                .app::<_, CreatedTicket>(&app.use_cases, StatusCode::CREATED)
                .create_ticket(
                    &agent,
                    body,
                    CreateOptions {
                        force,
                        searched_first: None,
                    },
                )
                .await?,
        ),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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
    /// Only the direct children of this ticket (id, prefix or external ref).
    pub parent_id: Option<String>,
    /// Page size (default 50, max 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listTickets", path = "/api/tickets", tag = "tickets", params(ListQuery),
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
        parent_id: query.parent_id,
    };
    Ok(Json(app.store.list_tickets(filter, query.limit, query.cursor).await?))
}

#[utoipa::path(get, operation_id = "getTicket", path = "/api/tickets/{ticket_id}", tag = "tickets",
    params(("ticket_id" = String, Path, description = "id, unambiguous prefix, or external ref (the id it had where it was imported from)")),
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody)))]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
) -> Result<Json<TicketDetail>, ApiError> {
    Ok(Json(app.store.get_ticket(&id).await?))
}

#[utoipa::path(patch, operation_id = "updateTicket", path = "/api/tickets/{ticket_id}", tag = "tickets",
    params(("ticket_id" = String, Path), ("If-Match" = Option<u64>, Header, description = "expected version")),
    request_body = TicketPatch,
    responses((status = 200, body = Ticket), (status = 400, body = ErrorBody), (status = 412, body = ErrorBody)))]
pub async fn patch<S: Store + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<TicketPatch>,
) -> Result<Json<Ticket>, ApiError> {
    let store = scope.store::<_, Ticket>(&app.store, StatusCode::OK);
    Ok(Json(store.update_ticket(&agent, &id, body, version).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// A column id of the board, e.g. `building`.
    pub new_status: String,
    pub comment: Option<String>,
    /// Move into a done column even while some of the ticket's children are unresolved.
    #[serde(default)]
    pub force: bool,
}

#[utoipa::path(post, operation_id = "changeTicketStatus", path = "/api/tickets/{ticket_id}/status", tag = "tickets",
    params(("ticket_id" = String, Path), ("If-Match" = Option<u64>, Header)), request_body = StatusBody,
    responses((status = 200, body = StatusChange), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "ticket_blocked, transition_not_allowed, wip_limit_reached or children_open"),
        (status = 412, body = ErrorBody)))]
pub async fn change_status<S: HierarchyStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<StatusChange>, ApiError> {
    let store = scope.store::<_, StatusChange>(&app.store, StatusCode::OK);
    let request = TicketMove {
        to: Some(body.new_status),
        comment: body.comment,
        expected_version: version,
        force: body.force,
    };
    Ok(Json(store.move_ticket(&agent, &id, request).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    #[schema(min_length = 1, max_length = 100_000)]
    pub comment_text: String,
}

#[utoipa::path(post, operation_id = "addTicketComment", path = "/api/tickets/{ticket_id}/comments", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = CommentBody,
    responses((status = 201, body = Comment), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn comment<S: Store + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let store = scope.store::<_, Comment>(&app.store, StatusCode::CREATED);
    Ok((
        StatusCode::CREATED,
        Json(store.add_comment(&agent, &id, &body.comment_text).await?),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    pub resolution_comment: Option<String>,
    /// Resolve even while some of the ticket's children are unresolved.
    #[serde(default)]
    pub force: bool,
}

#[utoipa::path(post, operation_id = "resolveTicket", path = "/api/tickets/{ticket_id}/resolve", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = ResolveBody,
    responses((status = 200, body = StatusChange),
        (status = 409, body = ErrorBody, description = "already_resolved, or children_open: send force: true to resolve anyway")))]
pub async fn resolve<S: HierarchyStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ResolveBody>,
) -> Result<Json<StatusChange>, ApiError> {
    let body = body.unwrap_or_default();
    let store = scope.store::<_, StatusChange>(&app.store, StatusCode::OK);
    let request = TicketMove {
        to: None,
        comment: body.resolution_comment,
        expected_version: None,
        force: body.force,
    };
    Ok(Json(store.move_ticket(&agent, &id, request).await?))
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

#[utoipa::path(post, operation_id = "addBlocker", path = "/api/tickets/{ticket_id}/blockers", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = BlockerBody,
    responses((status = 200, body = BlockedBy), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "dependency_cycle, with the cycle's path")))]
pub async fn add_blocker<S: Store + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BlockerBody>,
) -> Result<Json<BlockedBy>, ApiError> {
    let store = app.store.scoped(scope.scope(blocked_by_answer));
    Ok(Json(BlockedBy {
        blocked_by: store.add_blocker(&agent, &id, &body.ticket_id).await?,
    }))
}

#[utoipa::path(delete, operation_id = "removeBlocker", path = "/api/tickets/{ticket_id}/blockers/{blocker_id}", tag = "tickets",
    params(("ticket_id" = String, Path), ("blocker_id" = String, Path)),
    responses((status = 200, body = BlockedBy), (status = 404, body = ErrorBody)))]
pub async fn remove_blocker<S: Store + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path((id, blocker)): Path<(String, String)>,
) -> Result<Json<BlockedBy>, ApiError> {
    let store = app.store.scoped(scope.scope(blocked_by_answer));
    Ok(Json(BlockedBy {
        blocked_by: store.remove_blocker(&agent, &id, &blocker).await?,
    }))
}

/// The answer of an edge change, as kept under an idempotency key.
fn blocked_by_answer(refs: &Vec<TicketRef>) -> tix_store::scope::Rendered {
    (200, serde_json::json!({ "blocked_by": refs }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TicketGraphQuery {
    /// Steps to follow upstream and downstream (default: all).
    pub depth: Option<u32>,
}

#[utoipa::path(get, operation_id = "getTicketGraph", path = "/api/tickets/{ticket_id}/graph", tag = "tickets",
    params(("ticket_id" = String, Path), TicketGraphQuery),
    responses((status = 200, body = TicketGraph), (status = 404, body = ErrorBody)))]
pub async fn graph<S: Store>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<TicketGraphQuery>,
) -> Result<Json<TicketGraph>, ApiError> {
    Ok(Json(app.store.ticket_graph(&id, query.depth).await?))
}

#[utoipa::path(post, operation_id = "linkCommit", path = "/api/tickets/{ticket_id}/commits", tag = "tickets",
    params(("ticket_id" = String, Path)), request_body = NewCommitLink,
    responses((status = 201, body = CommitLinked, description = "linked"),
        (status = 200, body = CommitLinked, description = "already linked (linking is idempotent)"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn link_commit<S: CommitStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewCommitLink>,
) -> Result<(StatusCode, Json<CommitLinked>), ApiError> {
    let store = app.store.scoped(scope.scope(|linked: &CommitLinked| {
        let status = if linked.newly_linked { 201 } else { 200 };
        (status, serde_json::to_value(linked).unwrap_or_default())
    }));
    let linked = store.link_commit(&agent, &id, body).await?;
    let status = if linked.newly_linked {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(linked)))
}
