//! Signing in and out, API tokens, and "who am I".

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::Grant;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, AppState, Session, error::ApiJson};
use crate::{
    sessions::{self, SignInError},
    store::{Facility, User},
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    #[schema(value_type = String, format = Email)]
    email: String,
    password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    user: User,
}

/// Sign in with email and password; answers a session token valid for 12 hours.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SignIn,
    responses((status = 201, body = SignedIn), (status = 401, body = gatehouse_core::wire::ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SignIn>,
) -> Result<(StatusCode, Json<SignedIn>), ApiError> {
    match sessions::sign_in(&state.cloud, &request.email, request.password).await {
        Ok((token, user)) => Ok((StatusCode::CREATED, Json(SignedIn { token, user }))),
        Err(SignInError::WrongCredentials) => Err(ApiError::WrongCredentials),
        Err(SignInError::Service(error)) => Err(error.into()),
    }
}

/// Sign out: the session's token stops working.
#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "sessions",
    responses((status = 204)), security(("bearer" = [])))]
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<StatusCode, ApiError> {
    sessions::sign_out(&state.cloud, &session.token_hash).await?;
    state.sessions.forget(&session.token_hash);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// What the token is for, e.g. "HR system import".
    #[schema(value_type = String)]
    name: gatehouse_core::text::Text<80>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    token: String,
}

/// A long-lived token acting as the signed-in person, for integrations.
#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "sessions", request_body = NewApiToken,
    responses((status = 201, body = ApiToken)), security(("bearer" = [])))]
pub async fn create_api_token(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewApiToken>,
) -> Result<(StatusCode, Json<ApiToken>), ApiError> {
    let token =
        sessions::create_api_token(&state.cloud, &session.actor, request.name.as_str()).await?;
    Ok((StatusCode::CREATED, Json(ApiToken { token })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    user: User,
    facility: Facility,
    /// The union of the person's roles, per scope.
    permissions: Vec<Grant>,
}

/// The signed-in person, their site and their effective permissions.
#[utoipa::path(get, path = "/api/v1/me", tag = "sessions",
    responses((status = 200, body = Me)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, session: Session) -> Result<Json<Me>, ApiError> {
    let (facility, permissions) = sessions::me(&state.cloud, &session.actor).await?;
    Ok(Json(Me {
        permissions,
        user: session.user,
        facility,
    }))
}
