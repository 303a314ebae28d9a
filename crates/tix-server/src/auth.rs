//! Who is calling. With `auth = off` (the default, for local use) the
//! `X-Agent-ID` header is trusted. With `auth = required` every request
//! needs `Authorization: Bearer <token>`: the token decides the agent, an
//! `X-Agent-ID` naming another agent is refused, and an admin token may act
//! as anyone. A valid token is honoured in either mode.
//!
//! [`authenticate`] runs before every route (REST and `/mcp`) and leaves
//! the caller's [`Identity`] in the request's extensions.

use std::str::FromStr;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tix_core::ticket::check_agent_id;

use crate::error::ApiError;
pub use crate::identity::{Identity, AGENT_HEADER, DEFAULT_AGENT};
use crate::served::ServedStore;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthMode {
    /// The `X-Agent-ID` header is trusted (local use).
    #[default]
    Off,
    /// Every request needs an agent token.
    Required,
}

impl FromStr for AuthMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(AuthMode::Off),
            "required" => Ok(AuthMode::Required),
            other => Err(format!("'{other}' is not an auth mode; use off or required")),
        }
    }
}

fn error(status: StatusCode, code: &str, message: impl Into<String>, hint: &str) -> ApiError {
    ApiError::new(status, code, message, hint)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Establishes the caller from the headers.
pub async fn identify<S: ServedStore>(store: &S, mode: AuthMode, headers: &HeaderMap) -> Result<Identity, ApiError> {
    let named = match headers.get(AGENT_HEADER) {
        None => None,
        Some(value) => {
            let text = value
                .to_str()
                .map_err(|_| ApiError::bad_request("X-Agent-ID is not valid text", "Send a plain ASCII agent id."))?;
            Some(check_agent_id("X-Agent-ID", text)?)
        }
    };
    let Some(token) = bearer(headers) else {
        return match mode {
            AuthMode::Off => Ok(Identity::Trusted(named)),
            AuthMode::Required => Err(error(
                StatusCode::UNAUTHORIZED,
                "token_required",
                "this Tix server requires an agent token",
                "Send 'Authorization: Bearer <token>'; an admin makes one with `tix agent add NAME`.",
            )),
        };
    };
    let Some(owner) = store.agent_for_token(token).await? else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the bearer token is not a valid agent token",
            "Check the token; `tix agent add NAME` makes a new one (replacing the old).",
        ));
    };
    match named {
        Some(named) if named != owner.agent_id && !owner.admin => Err(error(
            StatusCode::FORBIDDEN,
            "agent_mismatch",
            format!("this token belongs to {}, which may not act as {named}", owner.agent_id),
            "Drop X-Agent-ID (the token decides who you are), or use that agent's own token.",
        )),
        Some(named) => Ok(Identity::Token {
            agent: named,
            admin: owner.admin,
        }),
        None => Ok(Identity::Token {
            agent: owner.agent_id,
            admin: owner.admin,
        }),
    }
}

#[derive(Clone)]
pub struct AuthState<S> {
    pub store: S,
    pub mode: AuthMode,
    /// `/metrics` needs no token (`--metrics-public`).
    pub metrics_public: bool,
}

/// Paths anyone may read: the web UI's static files, the health check and
/// the API document (and `/metrics` with `--metrics-public`). The API,
/// `/mcp` and `/metrics` need the caller's identity.
fn is_public(path: &str, metrics_public: bool) -> bool {
    let guarded = path.starts_with("/api/")
        || path == "/mcp"
        || path.starts_with("/mcp/")
        || (path == "/metrics" && !metrics_public);
    !guarded || matches!(path, "/api/health" | "/api/openapi.json")
}

/// Middleware: puts the caller's [`Identity`] into the request, or answers 400/401/403.
pub async fn authenticate<S: ServedStore>(
    State(state): State<AuthState<S>>,
    mut request: Request,
    next: Next,
) -> Response {
    let identity = if is_public(request.uri().path(), state.metrics_public) {
        Ok(Identity::Trusted(None))
    } else {
        identify(&state.store, state.mode, request.headers()).await
    };
    match identity {
        Ok(identity) => {
            request.extensions_mut().insert(identity);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}
