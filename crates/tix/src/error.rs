//! The one error shape the CLI prints: a message, a hint, and the same JSON
//! body the HTTP API returns (`{"error": {"code", "message", "hint", …}}`),
//! whether the failure happened on a server or in the local store.

use serde_json::{json, Map, Value};
use tix_core::DomainError;

/// Ends the process with this exit code, having said why already (e.g.
/// `tix work --once` with nothing queued: 3; interrupted: 130 or 143).
#[derive(Debug, Clone, Copy)]
pub struct Exit(pub u8);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit code {}", self.0)
    }
}

impl std::error::Error for Exit {}

#[derive(Debug, Clone)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    /// The `error` object: `code`, `message`, `hint` and details.
    pub error: Map<String, Value>,
}

impl Failure {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut error = Map::new();
        error.insert("code".into(), json!(code));
        error.insert("message".into(), json!(message));
        Failure {
            message,
            hint: None,
            error,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        self.error.insert("hint".into(), json!(hint));
        self.hint = Some(hint);
        self
    }

    /// The `code` of the error.
    pub fn code(&self) -> &str {
        self.error.get("code").and_then(Value::as_str).unwrap_or_default()
    }

    /// Whether the operation itself was refused (a domain error, e.g. an
    /// unknown ticket), as opposed to the server or database failing.
    pub fn is_domain(&self) -> bool {
        !matches!(
            self.code(),
            "server_unreachable"
                | "http_error"
                | "http_client"
                | "unexpected_response"
                | "storage_error"
                | "invalid_server_url"
                | "cli_error"
                | "token_required"
                | "invalid_token"
                | "agent_mismatch"
        )
    }

    /// The error body as the API sends it.
    pub fn body(&self) -> Value {
        json!({ "error": self.error })
    }

    /// The error JSON a server sent (`{"error": {...}}`), if it is one.
    pub fn from_api_body(body: &Value) -> Option<Self> {
        let error = body.get("error")?.as_object()?.clone();
        let message = error.get("message")?.as_str()?.to_string();
        let hint = error.get("hint").and_then(Value::as_str).map(str::to_string);
        Some(Failure { message, hint, error })
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Same body as the server's mapping: code, message, hint, then details.
impl From<DomainError> for Failure {
    fn from(err: DomainError) -> Self {
        let mut failure = Failure::new(err.code(), err.to_string()).with_hint(err.hint());
        if let Value::Object(details) = err.details() {
            for (key, value) in details {
                failure.error.entry(key).or_insert(value);
            }
        }
        failure
    }
}

impl From<tix_store::Error> for Failure {
    fn from(err: tix_store::Error) -> Self {
        match err {
            tix_store::Error::Domain(err) => err.into(),
            tix_store::Error::AlreadyAnswered => Failure::new(
                "idempotency_conflict",
                "a request with the same idempotency key was answered first",
            ),
            tix_store::Error::Storage(message) => Failure::new("storage_error", message)
                .with_hint("Check that --database / TIX_DATABASE_URL names a readable, writable SQLite file."),
        }
    }
}
