//! What every request meets around the handlers: a bound on the URI and
//! on the body, and the error envelope on answers the framework made
//! itself (405, a path that is not UTF-8, …), so that every `/api` and
//! `/assets` answer ≥ 400 carries `{"error": {code, message, hint}}`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;

use crate::error::ApiError;

/// JSON bodies (a description is at most 100,000 characters, so this is ample).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Imports may carry many tickets in one request.
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// Longer URIs are refused with 414 (no query of ours needs more).
pub const URI_LIMIT: usize = 8 * 1024;
/// An over-long body is read and dropped up to this size before the 413
/// is sent, so a client that writes its whole body first still reads the
/// answer; a larger one gets the connection closed.
const DRAIN_LIMIT: u64 = 256 * 1024 * 1024;

/// The body limit of a route, by path.
pub fn body_limit_for(path: &str) -> usize {
    if path.ends_with("/tickets/import") || path == "/api/import" {
        IMPORT_BODY_LIMIT
    } else {
        BODY_LIMIT
    }
}

/// The 413 answer for a body over `limit` bytes.
pub fn body_too_large(limit: usize) -> ApiError {
    let mut error = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("the request body is larger than this route's limit of {limit} bytes"),
        "Send less: split an import into batches (POST .../tickets/import takes up to 64 MiB).",
    );
    error.details = json!({ "limit_bytes": limit });
    error
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn expects_continue(headers: &HeaderMap) -> bool {
    headers
        .get(header::EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
}

async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > DRAIN_LIMIT {
            break;
        }
    }
}

/// Middleware: 414 and 413 before any handler runs; the envelope after.
pub async fn limits(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let uri_length = request.uri().to_string().len();
    if uri_length > URI_LIMIT {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request URI is {uri_length} bytes; the limit is {URI_LIMIT}"),
            "Send long searches with POST /api/tickets/search (a JSON body) instead of a query string.",
        )
        .into_response();
    }
    let limit = body_limit_for(&path);
    if content_length(request.headers()).is_some_and(|length| length > limit as u64) {
        if !expects_continue(request.headers()) {
            drain(request.into_body()).await;
        }
        return body_too_large(limit).into_response();
    }
    let response = next.run(request).await;
    with_envelope(&path, response).await
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Gives a framework-made error answer under `/api` or `/assets` the error
/// envelope; other answers pass untouched.
async fn with_envelope(path: &str, response: Response) -> Response {
    let status = response.status();
    let enveloped = path == "/api" || path.starts_with("/api/") || path.starts_with("/assets/");
    if !enveloped || status.as_u16() < 400 || is_json(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let reason = status.canonical_reason().unwrap_or("error").to_ascii_lowercase();
    let (code, hint) = match status {
        StatusCode::NOT_FOUND => ("not_found", "See /api/openapi.json for the routes this server offers."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "This path exists with other methods (see the Allow header and /api/openapi.json).",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "Send a smaller body."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Send the body as JSON with 'Content-Type: application/json'.",
        ),
        s if s.is_client_error() => ("validation_failed", "Check the request against /api/openapi.json."),
        _ => ("server_error", "Retry shortly; if it persists, check the server log."),
    };
    let message = if text.is_empty() {
        format!("{reason} ({path})")
    } else {
        text
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let mut answer = ApiError::new(status, code, message, hint).into_response();
    for (name, value) in parts.headers.iter() {
        answer.headers_mut().entry(name).or_insert_with(|| value.clone());
    }
    answer
}
