//! Signing in and out, API tokens, and "who am I".

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, State},
    http::StatusCode,
};
use gatehouse_core::{Grant, Language};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiQuery},
};
use crate::{
    sessions::{self, ApiTokenInfo, SignInError},
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

/// Sign in with email and password; answers a session token valid for 12 hours. Repeated
/// failures for one account or from one address are refused for a while (429, `Retry-After`).
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SignIn,
    responses((status = 201, body = SignedIn), (status = 401, body = gatehouse_core::wire::ErrorBody),
        (status = 429, body = gatehouse_core::wire::ErrorBody, headers(("Retry-After" = u64)))))]
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    ApiJson(request): ApiJson<SignIn>,
) -> Result<(StatusCode, Json<SignedIn>), ApiError> {
    match sessions::sign_in(
        &state.cloud,
        &request.email,
        request.password,
        Some(client.ip()),
    )
    .await
    {
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
    name: gatehouse_core::text::Text<80>,
    /// Days until it expires: 1 to 365, 90 if left out.
    expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    /// The secret, shown this once.
    token: String,
    #[serde(flatten)]
    info: ApiTokenInfo,
}

/// A token acting as the signed-in person, for integrations, with an expiry. Minted only from a
/// signed-in session, not from another API token.
#[utoipa::path(post, path = "/api/v1/api-tokens", tag = "sessions", request_body = NewApiToken,
    responses((status = 201, body = ApiToken), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn create_api_token(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewApiToken>,
) -> Result<(StatusCode, Json<ApiToken>), ApiError> {
    let (token, info) = sessions::create_api_token(
        &state.cloud,
        &session.actor,
        // Nor from a session signed in to at a kiosk.
        session.is_api_token() || session.at_kiosk,
        request.name.as_str(),
        request.expires_in_days,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ApiToken { token, info })))
}

#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// Someone else's tokens (facility manager); leave out for your own (or, as facility
    /// manager, everyone's).
    user: Option<gatehouse_core::UserId>,
}

/// API tokens: your own, or (facility manager) anyone's in the facility.
#[utoipa::path(get, path = "/api/v1/api-tokens", tag = "sessions", params(TokenQuery),
    responses((status = 200, body = Vec<ApiTokenInfo>), (status = 403)), security(("bearer" = [])))]
pub async fn list_api_tokens(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<Json<Vec<ApiTokenInfo>>, ApiError> {
    Ok(Json(
        sessions::api_tokens(&state.cloud, &session.actor, query.user).await?,
    ))
}

/// Revoke an API token: its owner, or the facility manager. It stops working at once.
#[utoipa::path(delete, path = "/api/v1/api-tokens/{id}", tag = "sessions",
    params(("id" = String, Path)), responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn revoke_api_token(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let hash = sessions::revoke_api_token(&state.cloud, &session.actor, &id).await?;
    if let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) {
        state.sessions.forget(&hash);
    }
    Ok(StatusCode::NO_CONTENT)
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageChoice {
    language: Language,
}

/// Choose the language your emails come in.
#[utoipa::path(put, path = "/api/v1/me/language", tag = "sessions", request_body = LanguageChoice,
    responses((status = 204), (status = 400, body = gatehouse_core::wire::ErrorBody),
    (status = 422, body = gatehouse_core::wire::ErrorBody)), security(("bearer" = [])))]
pub async fn set_language(
    State(state): State<AppState>,
    session: Session,
    ApiJson(choice): ApiJson<LanguageChoice>,
) -> Result<StatusCode, ApiError> {
    sessions::set_language(&state.cloud, &session.user, choice.language).await?;
    // Every session of theirs says who they are, language included.
    state.sessions.forget_all();
    Ok(StatusCode::NO_CONTENT)
}
