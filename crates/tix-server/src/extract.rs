//! Extractors whose rejections are API errors with hints, not plain text.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tix_core::ticket::check_agent_id;

use crate::error::ApiError;
use crate::identity::{Identity, AGENT_HEADER, DEFAULT_AGENT};

/// JSON body; a malformed body is a 400 that names the problem.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let hint = match &rejection {
        JsonRejection::MissingJsonContentType(_) => "Send the body as JSON with 'Content-Type: application/json'.",
        _ => "Check the body against /api/openapi.json.",
    };
    ApiError::bad_request(format!("invalid request body: {}", rejection.body_text()), hint)
}

/// Query string; unknown or malformed parameters are a 400.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(query_rejection(rejection)),
        }
    }
}

fn query_rejection(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request(
        format!("invalid query string: {}", rejection.body_text()),
        "Check the parameter names and values against /api/openapi.json.",
    )
}

/// The acting agent: the [`Identity`] authentication left in the request
/// (token or `X-Agent-ID` header), `human` when nothing names one.
pub struct Agent(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Agent {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(identity) = parts.extensions.get::<Identity>() {
            return Ok(Agent(identity.agent()));
        }
        match parts.headers.get(AGENT_HEADER) {
            None => Ok(Agent(DEFAULT_AGENT.to_string())),
            Some(value) => {
                let text = value.to_str().map_err(|_| {
                    ApiError::bad_request("X-Agent-ID is not valid text", "Send a plain ASCII agent id.")
                })?;
                Ok(Agent(check_agent_id("X-Agent-ID", text)?))
            }
        }
    }
}

/// The `If-Match` header as a ticket version, if present.
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or_default().trim();
        let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
        text.parse::<u64>().map(|v| IfMatch(Some(v))).map_err(|_| {
            ApiError::bad_request(
                format!("If-Match '{text}' is not a ticket version"),
                "Send the ticket's `version` number, e.g. If-Match: 3.",
            )
        })
    }
}

/// A JSON body that may be absent (empty): `None` then.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("cannot read the body: {}", e.body_text()), "Send JSON."))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        serde_json::from_slice(&bytes)
            .map(|v| OptionalJson(Some(v)))
            .map_err(|e| {
                ApiError::bad_request(
                    format!("invalid request body: {e}"),
                    "Check the body against /api/openapi.json.",
                )
            })
    }
}
