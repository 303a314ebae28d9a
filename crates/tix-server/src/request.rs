//! What a write request carries besides its body: the claim token that
//! fences it (`X-Tix-Claim`) and an idempotency key (`Idempotency-Key`).
//!
//! [`idempotency`] is the middleware that answers a repeated key from the
//! answer kept for it (or `422 idempotency_key_reused` when the request
//! differs), before any handler runs; otherwise it leaves a [`RequestKey`]
//! for the handler. Handlers take a [`RequestScope`] and write through
//! [`RequestScope::store`] / [`RequestScope::app`], so the store keeps the
//! answer under the key in the write's own transaction.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tix_app::App;
use tix_store::scope::{check_idempotency_key, fingerprint, Rendered};
use tix_store::{IdempotencyStore, Keyed, RecordedAnswer, Scope, Scoped};

use crate::error::{ApiError, KeyTaken};
use crate::identity::Identity;

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
pub const CLAIM_HEADER: &str = "x-tix-claim";
/// Set on an answer replayed from an idempotency key.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// A checked idempotency key of this request, with its fingerprint.
#[derive(Debug, Clone)]
pub struct RequestKey {
    pub agent: String,
    pub key: String,
    pub fingerprint: String,
}

fn is_write(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// The answer kept under a key, as the first request got it.
pub fn replay(answer: &RecordedAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = (status, axum::Json(answer.body.clone())).into_response();
    response
        .headers_mut()
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

/// The kept answer if it is this request's, else `idempotency_key_reused`.
pub fn replay_if_same(answer: &RecordedAnswer, key: &RequestKey) -> Response {
    if answer.fingerprint == key.fingerprint {
        replay(answer)
    } else {
        ApiError::from(tix_core::DomainError::IdempotencyKeyReused { key: key.key.clone() }).into_response()
    }
}

/// Middleware on `/api` writes with an `Idempotency-Key`: replays a kept
/// answer, refuses a reused key, or lets the handler run with the key.
pub async fn idempotency<S: IdempotencyStore + Clone + Send + Sync + 'static>(
    State(store): State<S>,
    request: Request,
    next: Next,
) -> Response {
    let Some(raw) = request.headers().get(IDEMPOTENCY_HEADER).cloned() else {
        return next.run(request).await;
    };
    if !is_write(request.method()) || !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let key = match raw
        .to_str()
        .map_err(|_| ())
        .and_then(|k| check_idempotency_key(k).map_err(|_| ()))
    {
        Ok(key) => key,
        Err(()) => {
            return ApiError::from(tix_core::DomainError::validation(
                "Idempotency-Key",
                "a key is 1..200 printable ASCII characters (a UUID is a good key)",
            ))
            .into_response()
        }
    };
    let agent = request
        .extensions()
        .get::<Identity>()
        .map(Identity::agent)
        .unwrap_or_else(|| crate::identity::DEFAULT_AGENT.to_string());
    let (mut parts, body) = request.into_parts();
    let limit = crate::limits::body_limit_for(parts.uri.path());
    let bytes: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => return crate::limits::body_too_large(limit).into_response(),
    };
    let target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let key = RequestKey {
        fingerprint: fingerprint(&[parts.method.as_str().as_bytes(), target.as_bytes(), &bytes]),
        agent,
        key,
    };
    match store.recorded_answer(&key.agent, &key.key).await {
        Ok(Some(answer)) => return replay_if_same(&answer, &key),
        Ok(None) => {}
        Err(err) => return ApiError::from(err).into_response(),
    }
    parts.extensions.insert(key.clone());
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if response.extensions().get::<KeyTaken>().is_none() {
        return response;
    }
    // A concurrent request with this key committed first: answer its answer.
    match store.recorded_answer(&key.agent, &key.key).await {
        Ok(Some(answer)) => replay_if_same(&answer, &key),
        Ok(None) => response,
        Err(err) => ApiError::from(err).into_response(),
    }
}

/// The scope of a write request: its claim token and idempotency key.
#[derive(Debug, Clone, Default)]
pub struct RequestScope {
    pub claim_token: Option<String>,
    pub key: Option<RequestKey>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestScope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let claim_token = match parts.headers.get(CLAIM_HEADER) {
            None => None,
            Some(value) => {
                let text = value.to_str().map_err(|_| {
                    ApiError::bad_request(
                        "X-Tix-Claim is not valid text",
                        "Send the claim_token a claim answered.",
                    )
                })?;
                Some(tix_core::run::check_claim_token(text)?)
            }
        };
        Ok(RequestScope {
            claim_token,
            key: parts.extensions.get::<RequestKey>().cloned(),
        })
    }
}

impl RequestScope {
    /// The store scope, keeping the answer of the write whose result has
    /// type `T` as `render` shows it.
    pub fn scope<T: 'static>(&self, render: impl Fn(&T) -> Rendered + Send + Sync + 'static) -> Scope {
        Scope {
            claim_token: self.claim_token.clone(),
            idempotency: self
                .key
                .as_ref()
                .map(|k| Keyed::new(k.agent.clone(), k.key.clone(), k.fingerprint.clone(), render)),
        }
    }

    /// `store`, scoped to this request; the answer of type `T` is kept as
    /// JSON with `status`.
    pub fn store<S: Scoped, T: Serialize + 'static>(&self, store: &S, status: StatusCode) -> S {
        store.scoped(self.scope(json_answer::<T>(status)))
    }

    /// The use cases, scoped to this request (see [`RequestScope::store`]).
    pub fn app<S, T>(&self, app: &App<S>, status: StatusCode) -> App<S>
    where
        S: tix_store::Store + tix_store::SearchStore + Scoped,
        T: Serialize + 'static,
    {
        app.scoped(self.scope(json_answer::<T>(status)))
    }
}

/// Renders an answer as the handler's JSON body with `status`.
pub fn json_answer<T: Serialize>(status: StatusCode) -> impl Fn(&T) -> Rendered + Send + Sync + 'static {
    move |answer: &T| (status.as_u16(), serde_json::to_value(answer).unwrap_or_default())
}
