//! `/api/tasks`: phase work items, each linked to a ticket.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use tix_core::task::{NewTask, Task, TaskCreated, TaskFilter, TaskPage, TaskStatus};
use tix_store::{Scoped, TaskStore};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Agent, ApiJson, ApiQuery};
use crate::request::RequestScope;

#[utoipa::path(post, operation_id = "createTask", path = "/api/tasks", tag = "tasks", request_body = NewTask,
    responses((status = 201, body = TaskCreated, description = "with `violations` when a Guardian rule in warn mode was broken"),
        (status = 400, body = ErrorBody, description = "unknown_phase, validation_failed"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "guardian_refused: the description is not `Phase X: Description - TICKET: ticket-xxx`")))]
pub async fn create<S: TaskStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    ApiJson(body): ApiJson<NewTask>,
) -> Result<(StatusCode, Json<TaskCreated>), ApiError> {
    let store = scope.store::<_, TaskCreated>(&app.store, StatusCode::CREATED);
    Ok((StatusCode::CREATED, Json(store.create_task(&agent, body).await?)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    pub workflow_id: Option<String>,
    /// Ticket id or unambiguous prefix.
    pub ticket_id: Option<String>,
    pub status: Option<TaskStatus>,
    pub phase_id: Option<u32>,
    pub assigned_agent_id: Option<String>,
    /// Page size (default 50, max 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listTasks", path = "/api/tasks", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = TaskPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list<S: TaskStore>(
    State(app): State<AppState<S>>,
    ApiQuery(query): ApiQuery<TaskQuery>,
) -> Result<Json<TaskPage>, ApiError> {
    let filter = TaskFilter {
        workflow_id: query.workflow_id,
        ticket_id: query.ticket_id,
        status: query.status,
        phase_id: query.phase_id,
        assigned_agent_id: query.assigned_agent_id,
    };
    Ok(Json(app.store.list_tasks(filter, query.limit, query.cursor).await?))
}

#[utoipa::path(get, operation_id = "getTask", path = "/api/tasks/{task_id}", tag = "tasks",
    params(("task_id" = String, Path, description = "id or unambiguous prefix")),
    responses((status = 200, body = Task), (status = 404, body = ErrorBody)))]
pub async fn get<S: TaskStore>(State(app): State<AppState<S>>, Path(id): Path<String>) -> Result<Json<Task>, ApiError> {
    Ok(Json(app.store.get_task(&id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskStatusBody {
    /// `queued`, `in_progress`, `done` or `failed` (`blocked` is set by Tix).
    pub status: TaskStatus,
    /// What was done, or why it failed.
    pub comment: Option<String>,
}

#[utoipa::path(post, operation_id = "setTaskStatus", path = "/api/tasks/{task_id}/status", tag = "tasks",
    params(("task_id" = String, Path)), request_body = TaskStatusBody,
    responses((status = 200, body = Task), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "task_transition_not_allowed")))]
pub async fn set_status<S: TaskStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TaskStatusBody>,
) -> Result<Json<Task>, ApiError> {
    let store = scope.store::<_, Task>(&app.store, StatusCode::OK);
    Ok(Json(
        store.set_task_status(&agent, &id, body.status, body.comment).await?,
    ))
}
