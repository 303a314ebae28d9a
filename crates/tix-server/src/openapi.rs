//! The OpenAPI document, generated from the handlers and domain types.

use utoipa::OpenApi;

use crate::error::{ErrorBody, ErrorDetail};
use crate::handlers::{events, search, stats, tasks, tickets, workflows};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tix API",
        description = "Tickets and a Kanban board for teams of AI agents. \
        Name the acting agent with the X-Agent-ID header (default `human`)."
    ),
    paths(
        workflows::create,
        workflows::list,
        workflows::get,
        workflows::graph,
        workflows::ready,
        workflows::claim,
        workflows::import,
        workflows::guardian,
        stats::get,
        tickets::create,
        tickets::list,
        tickets::get,
        tickets::patch,
        tickets::change_status,
        tickets::comment,
        tickets::resolve,
        tickets::add_blocker,
        tickets::remove_blocker,
        tickets::graph,
        tickets::link_commit,
        tasks::create,
        tasks::list,
        tasks::get,
        tasks::set_status,
        events::list,
        search::search,
        search::search_json,
        search::related,
    ),
    components(schemas(ErrorBody, ErrorDetail, tix_core::error::TicketRef))
)]
pub struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as committed in `docs/openapi.json` (pretty JSON + newline).
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
