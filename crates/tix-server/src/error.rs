//! The one mapping from domain and store errors to HTTP responses:
//! `{"error": {"code", "message", "hint", ...details}}` with the right status.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use tix_core::DomainError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub hint: String,
    pub details: Value,
}

/// Error body, for the OpenAPI document.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `ticket_blocked`.
    pub code: String,
    pub message: String,
    /// What to do next.
    pub hint: String,
}

/// The code of a write that lost the race for its idempotency key (the
/// middleware answers the kept answer instead).
pub const IDEMPOTENCY_CONFLICT: &str = "idempotency_conflict";

/// Marks an answer whose write lost the race for its key (the store's
/// `AlreadyAnswered`): the idempotency middleware answers the kept one instead.
#[derive(Debug, Clone, Copy)]
pub struct KeyTaken;

pub fn status_for(error: &DomainError) -> StatusCode {
    match error {
        DomainError::Validation { .. }
        | DomainError::UnknownStatus { .. }
        | DomainError::UnknownTicketType { .. }
        | DomainError::SelfBlock { .. }
        | DomainError::CrossWorkflowEdge { .. }
        | DomainError::AmbiguousId { .. }
        | DomainError::WorkflowNotChosen { .. }
        | DomainError::TaskReference { .. }
        | DomainError::UnknownPhase { .. }
        | DomainError::ImportRefused { .. } => StatusCode::BAD_REQUEST,
        DomainError::NotFound { .. }
        | DomainError::EdgeNotFound { .. }
        | DomainError::NothingReady { .. }
        | DomainError::NothingQueued { .. } => StatusCode::NOT_FOUND,
        DomainError::TicketBlocked { .. }
        | DomainError::TransitionNotAllowed { .. }
        | DomainError::WipLimitReached { .. }
        | DomainError::DependencyCycle { .. }
        | DomainError::AlreadyResolved { .. }
        | DomainError::NotClaimable { .. }
        | DomainError::WorkflowExists { .. }
        | DomainError::TicketExists { .. }
        | DomainError::PossibleDuplicate { .. }
        | DomainError::TaskTransition { .. }
        | DomainError::GuardianRefused { .. }
        | DomainError::LeaseLost { .. }
        | DomainError::RunEnded { .. }
        | DomainError::ChildrenOpen { .. }
        | DomainError::ParentCycle { .. } => StatusCode::CONFLICT,
        DomainError::NotRunOwner { .. } => StatusCode::FORBIDDEN,
        DomainError::StaleVersion { .. } => StatusCode::PRECONDITION_FAILED,
        DomainError::IdempotencyKeyReused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            hint: hint.into(),
            details: json!({}),
        }
    }

    pub fn bad_request(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "validation_failed", message, hint)
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        ApiError {
            status: status_for(&error),
            code: error.code().to_string(),
            message: error.to_string(),
            hint: error.hint(),
            details: error.details(),
        }
    }
}

impl From<tix_store::Error> for ApiError {
    fn from(error: tix_store::Error) -> Self {
        match error {
            tix_store::Error::Domain(e) => e.into(),
            tix_store::Error::AlreadyAnswered => ApiError::new(
                StatusCode::CONFLICT,
                IDEMPOTENCY_CONFLICT,
                "a request with the same Idempotency-Key was answered first; this one changed nothing",
                "Send the request again with the same key to get that answer.",
            ),
            tix_store::Error::Storage(message) => {
                tracing::error!(%message, "storage failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage_error",
                    "the server could not complete the request because its database failed",
                    "Retry shortly; if it persists, check the server log.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("code".into(), json!(self.code));
        body.insert("message".into(), json!(self.message));
        body.insert("hint".into(), json!(self.hint));
        if let Value::Object(details) = self.details {
            for (key, value) in details {
                body.entry(key).or_insert(value);
            }
        }
        let key_taken = self.code == IDEMPOTENCY_CONFLICT;
        let mut response = (self.status, Json(json!({ "error": body }))).into_response();
        if key_taken {
            response.extensions_mut().insert(KeyTaken);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750: says which scheme to use; MCP clients read it.
            let challenge = if self.code == "invalid_token" {
                r#"Bearer realm="tix", error="invalid_token""#
            } else {
                r#"Bearer realm="tix""#
            };
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}
