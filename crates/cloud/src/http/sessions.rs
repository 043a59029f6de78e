//! Signing in and out, API tokens, and "who am I".

use axum::{Json, extract::State, http::StatusCode};
use chrono::TimeDelta;
use gatehouse_core::{Email, Grant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, AppState, Session, error::ApiJson};
use crate::{
    auth::{new_token, verify_password},
    store::{Facility, User},
};

/// How long a portal session lasts.
const SESSION_LENGTH: TimeDelta = TimeDelta::hours(12);

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
    let email = Email::parse(&request.email).map_err(|_| ApiError::WrongCredentials)?;
    let user = state.database.user_by_email(&email).await?;
    let hash = match &user {
        Some(user) => state.database.password_hash(user.id).await?,
        None => None,
    };
    let (Some(user), Some(hash)) = (user, hash) else {
        return Err(ApiError::WrongCredentials);
    };
    let password = request.password;
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|_| ApiError::Internal)?;
    if !verified {
        return Err(ApiError::WrongCredentials);
    }
    let token = new_token("ghs_");
    let now = state.clock.now();
    state
        .database
        .store_access_token(
            &token.hash,
            user.id,
            "session",
            None,
            now,
            Some(now + SESSION_LENGTH),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SignedIn {
            token: token.secret,
            user,
        }),
    ))
}

/// Sign out: the session's token stops working.
#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "sessions",
    responses((status = 204)), security(("bearer" = [])))]
pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<StatusCode, ApiError> {
    state
        .database
        .revoke_access_token(&session.token_hash)
        .await?;
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
    let token = new_token("gha_");
    state
        .database
        .store_access_token(
            &token.hash,
            session.user.id,
            "api",
            Some(request.name.as_str()),
            state.clock.now(),
            None,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiToken {
            token: token.secret,
        }),
    ))
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
    let facility = state
        .database
        .facility(session.user.facility_id)
        .await?
        .ok_or(ApiError::Internal)?;
    Ok(Json(Me {
        permissions: session.actor.effective_permissions(),
        user: session.user,
        facility,
    }))
}
