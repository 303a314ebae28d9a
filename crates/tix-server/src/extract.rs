//! Extractors whose rejections are API errors with hints, not plain text.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::{DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use tix_core::ticket::check_agent_id;

use crate::error::ApiError;
use crate::identity::{Identity, AGENT_HEADER, DEFAULT_AGENT};

/// JSON body; a malformed body is a 400 that names the problem, a body
/// that names one key twice is refused (which one would win is not
/// obvious), an over-long one is a 413.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON",
                "Send the body as JSON with 'Content-Type: application/json'.",
            ));
        }
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

fn is_json_content(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .is_some_and(|mime| mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json")))
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let limit = crate::limits::body_limit_for(req.uri().path());
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            crate::limits::body_too_large(limit)
        } else {
            ApiError::bad_request(format!("cannot read the body: {}", e.body_text()), "Send JSON.")
        }
    })
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let invalid = |e: serde_json::Error| {
        ApiError::bad_request(
            format!("invalid request body: {e}"),
            "Check the body against /api/openapi.json.",
        )
    };
    serde_json::from_slice::<NoDuplicateKeys>(bytes).map_err(invalid)?;
    serde_json::from_slice(bytes).map_err(invalid)
}

/// Deserialises any JSON value and fails on an object that names a key twice.
struct NoDuplicateKeys;

impl<'de> Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NoDuplicateKeys)
    }
}

impl<'de> Visitor<'de> for NoDuplicateKeys {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{key}` appears twice in one object; send each key once"
                )));
            }
            map.next_value::<NoDuplicateKeys>()?;
        }
        Ok(self)
    }
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

/// The caller's [`Identity`], for requests that may name an agent in
/// their body or query (a claim's `agent_id`).
pub struct Caller(pub Identity);

impl Caller {
    /// The agent the request acts as: `named` if the caller may act as
    /// it (see [`Identity::act_as`]), else the caller itself.
    pub fn acting_as(&self, field: &str, named: Option<String>) -> Result<String, ApiError> {
        let named = named.map(|a| check_agent_id(field, &a)).transpose()?;
        match self.0.act_as(named) {
            Ok(Some(named)) => Ok(named),
            Ok(None) => Ok(self.0.agent()),
            Err(mismatch) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "agent_mismatch",
                mismatch.message(),
                format!("Drop {field} (the token decides who you are), or use that agent's own token."),
            )),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(identity) = parts.extensions.get::<Identity>() {
            return Ok(Caller(identity.clone()));
        }
        let Agent(agent) = Agent::from_request_parts(parts, state).await?;
        Ok(Caller(Identity::Trusted(Some(agent))))
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
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        parse_json(&bytes).map(|v| OptionalJson(Some(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        tags: Option<serde_json::Value>,
    }

    #[test]
    fn a_key_given_twice_is_refused_at_any_depth() {
        let top = parse_json::<Body>(br#"{"title":"a","title":"b"}"#).unwrap_err();
        assert!(top.message.contains("`title` appears twice"), "{}", top.message);
        let nested = parse_json::<Body>(br#"{"title":"a","tags":[{"x":1,"x":2}]}"#).unwrap_err();
        assert!(nested.message.contains("`x` appears twice"), "{}", nested.message);
        assert!(parse_json::<Body>(br#"{"title":"a","tags":[{"x":1},{"x":2}]}"#).is_ok());
    }
}
