//! `/api/whoami`: who the server takes the caller for.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use tix_store::Store;
use utoipa::ToSchema;

use super::AppState;
use crate::auth::AuthMode;
use crate::error::ApiError;
use crate::extract::Caller;
use crate::identity::Identity;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct WhoAmI {
    /// The agent this caller's writes are recorded as.
    pub agent_id: String,
    /// Whether the caller's token is an admin's (false without a token).
    pub admin: bool,
    /// Whether the caller sent a valid token.
    pub token: bool,
    /// `off` (the X-Agent-ID header is trusted) or `required` (a token decides).
    pub auth: String,
}

#[utoipa::path(get, operation_id = "whoAmI", path = "/api/whoami", tag = "auth",
    responses((status = 200, body = WhoAmI)))]
pub async fn get<S: Store>(State(app): State<AppState<S>>, caller: Caller) -> Result<Json<WhoAmI>, ApiError> {
    let (admin, token) = match &caller.0 {
        Identity::Token { admin, .. } => (*admin, true),
        Identity::Trusted(_) => (false, false),
    };
    Ok(Json(WhoAmI {
        agent_id: caller.0.agent(),
        admin,
        token,
        auth: match app.auth {
            AuthMode::Off => "off".into(),
            AuthMode::Required => "required".into(),
        },
    }))
}
