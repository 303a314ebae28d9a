//! Export and import in the Tix format (JSON Lines, `tix_core::interop`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use tix_core::interop::ImportReport;
use tix_store::{ImportOptions, InteropStore, Scoped};
use utoipa::IntoParams;

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Agent, ApiQuery};
use crate::request::RequestScope;

/// The media type of the format.
pub const JSON_LINES: &str = "application/x-ndjson";

#[utoipa::path(get, operation_id = "exportWorkflow", path = "/api/workflows/{workflow_id}/export", tag = "workflows",
    params(("workflow_id" = String, Path)),
    responses((status = 200, content_type = "application/x-ndjson", body = String,
        description = "The workflow in the Tix export format, version 1: a header line `{\"tix_export\": 1, …}`, \
            the workflow (board, phases, Guardian modes), then every ticket with its edges, comments, history, tasks, \
            commit links and runs, one JSON object per line"),
        (status = 404, body = ErrorBody)))]
pub async fn export<S: InteropStore>(
    State(app): State<AppState<S>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let export = app.store.export_workflow(&id).await?;
    let text = export.render(&export.header(chrono::Utc::now(), env!("CARGO_PKG_VERSION")));
    let disposition = format!("attachment; filename=\"{}.tix.jsonl\"", export.workflow.id);
    Ok((
        [
            (header::CONTENT_TYPE, JSON_LINES.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Keep the file's ids (refused when any is taken) instead of new ones.
    pub keep_ids: Option<bool>,
}

#[utoipa::path(post, operation_id = "importFile", path = "/api/import", tag = "workflows", params(ImportQuery),
    request_body(content = String, content_type = "application/x-ndjson",
        description = "A Tix export (what GET /api/workflows/{id}/export answers): its workflow is created. A file \
            without the workflow line puts its tickets into the existing workflow its header names (what `tix import \
            --from beads|github` sends)."),
    responses((status = 201, body = ImportReport, description = "everything was written, in one transaction"),
        (status = 400, body = ErrorBody, description = "import_refused: the line and what is wrong with it (a cycle, \
            a reference to a ticket the file does not hold, a status the board lacks…); nothing was written"),
        (status = 409, body = ErrorBody, description = "workflow_exists (with keep_ids)")))]
pub async fn import<S: InteropStore + Scoped>(
    State(app): State<AppState<S>>,
    Agent(agent): Agent,
    scope: RequestScope,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportReport>), ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("the body is not UTF-8 text", "Send the file as Tix exported it."))?;
    let file = tix_core::interop::parse(text)?;
    let store = scope.store::<_, ImportReport>(&app.store, StatusCode::CREATED);
    let options = ImportOptions {
        keep_ids: query.keep_ids.unwrap_or(false),
        progress: None,
    };
    Ok((
        StatusCode::CREATED,
        Json(store.import_file(&agent, file, options).await?),
    ))
}
