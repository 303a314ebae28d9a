//! The OpenAPI document, generated from the handlers and domain types,
//! then completed with what holds for every operation alike (so no handler
//! can forget it): the bearer scheme, the `X-Agent-ID` header and the
//! error answers the middleware gives (400 for a bad `X-Agent-ID`,
//! 401/403 from authentication and the Host policy, 404 for an unknown
//! id, 413/415 for bodies, 414, 500).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::error::{ErrorBody, ErrorDetail};
use crate::handlers::{events, interop, runs, search, stats, tasks, tickets, webhooks, whoami, workflows};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tix API",
        description = "Tickets and a Kanban board for teams of AI agents. \
        Name the acting agent with the X-Agent-ID header (default `human`). \
        A server started with `--auth required` needs `Authorization: Bearer <token>` on every \
        request (the token decides the agent). Every answer >= 400 is \
        `{\"error\": {\"code\", \"message\", \"hint\", ...}}`. Writes take an `Idempotency-Key` \
        (a retry with the same key gets the first answer and changes nothing) and the \
        `X-Tix-Claim` token a claim answered (once the claim is lost, writes carrying it are \
        refused with `409 lease_lost`)."
    ),
    paths(
        workflows::create,
        workflows::list,
        workflows::get,
        workflows::graph,
        workflows::critical_path,
        workflows::ready,
        workflows::claim,
        workflows::import,
        workflows::guardian,
        interop::export,
        interop::import,
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
        runs::heartbeat,
        runs::list,
        runs::get,
        runs::finish,
        webhooks::create,
        webhooks::list,
        webhooks::get,
        webhooks::delete,
        webhooks::deliveries,
        whoami::get,
    ),
    components(schemas(ErrorBody, ErrorDetail, tix_core::error::TicketRef))
)]
pub struct ApiDoc;

/// The document, as served at `/api/openapi.json`.
pub fn document() -> Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    complete(&mut document);
    document
}

/// The document as committed in `docs/openapi.json` (pretty JSON + newline).
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}

fn error_answer(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
    })
}

/// Adds the shared parts to every operation of `document`.
fn complete(document: &mut Value) {
    document["components"]["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An agent token (`tix agent add NAME`). Required when the server runs \
                with `--auth required`; the token then decides the acting agent."
        }
    });
    // Either anonymous (auth off) or a bearer token.
    document["security"] = json!([{}, { "bearer": [] }]);
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut() {
            let write = matches!(method.as_str(), "post" | "put" | "patch" | "delete");
            complete_operation(operation, write);
        }
    }
}

fn complete_operation(operation: &mut Value, write: bool) {
    let has_body = operation.get("requestBody").is_some();
    let parameters = operation
        .as_object_mut()
        .map(|o| o.entry("parameters").or_insert_with(|| json!([])));
    // Whether the operation names a workflow, ticket or task that may not exist.
    let mut names_an_entity = has_body;
    if let Some(Value::Array(parameters)) = parameters {
        names_an_entity |= parameters
            .iter()
            .any(|p| p["in"] == "path" || matches!(p["name"].as_str(), Some("workflow_id" | "ticket_id" | "task_id")));
        parameters.push(json!({
            "name": "X-Agent-ID",
            "in": "header",
            "required": false,
            "description": "The acting agent (default `human`). With a token, only the token's own \
                agent unless the token is an admin's.",
            "schema": { "type": "string", "minLength": 1, "maxLength": tix_core::validate::MAX_AGENT_ID_CHARS }
        }));
        if write {
            parameters.push(json!({
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Any string you choose (a UUID is good). The same key from the same agent within \
                    24 hours answers the first request's answer (status and body, with `Idempotent-Replayed: \
                    true`) and changes nothing; with a different request it is `422 idempotency_key_reused`.",
                "schema": { "type": "string", "minLength": 1, "maxLength": tix_store::scope::MAX_IDEMPOTENCY_KEY_CHARS }
            }));
            parameters.push(json!({
                "name": "X-Tix-Claim",
                "in": "header",
                "required": false,
                "description": "The claim_token a claim answered. Once that claim is over (the lease ran out, \
                    someone else claimed the ticket), writes to its ticket carrying it are refused with \
                    `409 lease_lost`; tokens of other tickets' claims are ignored.",
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,128}$" }
            }));
        }
    }
    let Some(Value::Object(responses)) = operation.get_mut("responses") else {
        return;
    };
    let mut add = |status: &str, answer: Value| {
        responses.entry(status.to_string()).or_insert(answer);
    };
    add(
        "400",
        error_answer("invalid input: the message names the field (`validation_failed`)"),
    );
    let mut unauthorized = error_answer("a token is required or was not valid (`token_required`, `invalid_token`)");
    unauthorized["headers"] = json!({
        "WWW-Authenticate": { "description": "`Bearer realm=\"tix\"`", "schema": { "type": "string" } }
    });
    add("401", unauthorized);
    add(
        "403",
        error_answer(
            "the token may not act as the agent named (`agent_mismatch`), the Host is not one this \
             server answers to (`host_not_allowed`), or a cross-site browser write (`cross_origin_refused`)",
        ),
    );
    if names_an_entity {
        add("404", error_answer("no such workflow, ticket or task (`not_found`)"));
    }
    if has_body {
        add(
            "413",
            error_answer("the body is over the limit (`body_too_large`, with `limit_bytes`)"),
        );
        add("415", error_answer("the body is not JSON (`unsupported_media_type`)"));
    }
    if write {
        add(
            "409",
            error_answer("refused as things stand: `lease_lost` (your claim is over), or a rule of the board"),
        );
        add(
            "422",
            error_answer("the Idempotency-Key was used for a different request (`idempotency_key_reused`)"),
        );
    }
    add("414", error_answer("the URI is over 8 KiB (`uri_too_long`)"));
    add(
        "500",
        error_answer("the database failed (`storage_error`); retry shortly"),
    );
    // Keep the answers in status order, whatever the map's own order.
    let sorted: BTreeMap<String, Value> = std::mem::take(responses).into_iter().collect();
    responses.extend(sorted);
}
