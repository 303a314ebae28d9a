//! Webhooks (`/api/webhooks`): URLs that get a signed POST for each event
//! they subscribed to, and their deliveries.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tix_core::webhook::{DeliveryPage, NewWebhook, Webhook, WebhookCreated};
use tix_store::{Scoped, WebhookStore};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Agent, ApiJson, ApiQuery, Caller};
use crate::identity::Identity;
use crate::request::RequestScope;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct WebhookList {
    /// Oldest first.
    pub webhooks: Vec<Webhook>,
}

/// With `--auth required`, webhooks send the board's contents elsewhere:
/// only an admin token manages them.
fn require_admin(caller: &Caller) -> Result<(), ApiError> {
    match &caller.0 {
        Identity::Token { admin: false, agent } => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "admin_required",
            format!("{agent}'s token may not manage webhooks; they send the board's events to another server"),
            "Use an admin token (`tix agent add NAME --admin`).",
        )),
        _ => Ok(()),
    }
}

/// The stricter URL check a real parser gives (after tix-core's).
fn check_url(url: &str) -> Result<(), ApiError> {
    match reqwest::Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => Ok(()),
        _ => Err(tix_core::DomainError::validation(
            "url",
            "not a valid http or https URL (e.g. https://example.com/hooks/tix)",
        )
        .into()),
    }
}

#[utoipa::path(post, operation_id = "createWebhook", path = "/api/webhooks", tag = "webhooks", request_body = NewWebhook,
    responses((status = 201, body = WebhookCreated, description = "the webhook and its secret (shown this once)"),
        (status = 400, body = ErrorBody, description = "validation_failed: not an http(s) URL, an unknown event, a short secret"),
        (status = 403, body = ErrorBody, description = "admin_required"),
        (status = 404, body = ErrorBody)))]
pub async fn create<S: WebhookStore + Scoped>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Agent(agent): Agent,
    scope: RequestScope,
    ApiJson(body): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    require_admin(&caller)?;
    check_url(&tix_core::webhook::check_url(&body.url)?)?;
    let store = scope.store::<_, WebhookCreated>(&app.store, StatusCode::CREATED);
    Ok((StatusCode::CREATED, Json(store.create_webhook(&agent, body).await?)))
}

#[utoipa::path(get, operation_id = "listWebhooks", path = "/api/webhooks", tag = "webhooks",
    responses((status = 200, body = WebhookList), (status = 403, body = ErrorBody)))]
pub async fn list<S: WebhookStore>(
    State(app): State<AppState<S>>,
    caller: Caller,
) -> Result<Json<WebhookList>, ApiError> {
    require_admin(&caller)?;
    Ok(Json(WebhookList {
        webhooks: app.store.list_webhooks().await?,
    }))
}

#[utoipa::path(get, operation_id = "getWebhook", path = "/api/webhooks/{webhook_id}", tag = "webhooks",
    params(("webhook_id" = String, Path)),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)))]
pub async fn get<S: WebhookStore>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Webhook>, ApiError> {
    require_admin(&caller)?;
    Ok(Json(app.store.get_webhook(&id).await?))
}

#[utoipa::path(delete, operation_id = "deleteWebhook", path = "/api/webhooks/{webhook_id}", tag = "webhooks",
    params(("webhook_id" = String, Path)),
    responses((status = 200, body = Webhook, description = "removed, with its deliveries (pending ones are never sent)"),
        (status = 404, body = ErrorBody)))]
pub async fn delete<S: WebhookStore + Scoped>(
    State(app): State<AppState<S>>,
    caller: Caller,
    scope: RequestScope,
    Path(id): Path<String>,
) -> Result<Json<Webhook>, ApiError> {
    require_admin(&caller)?;
    let store = scope.store::<_, Webhook>(&app.store, StatusCode::OK);
    Ok(Json(store.delete_webhook(&id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// Page size (default 50, max 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "listWebhookDeliveries", path = "/api/webhooks/{webhook_id}/deliveries", tag = "webhooks",
    params(("webhook_id" = String, Path), DeliveryQuery),
    responses((status = 200, body = DeliveryPage), (status = 404, body = ErrorBody)))]
pub async fn deliveries<S: WebhookStore>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<DeliveryQuery>,
) -> Result<Json<DeliveryPage>, ApiError> {
    require_admin(&caller)?;
    Ok(Json(
        app.store.webhook_deliveries(&id, query.limit, query.cursor).await?,
    ))
}
