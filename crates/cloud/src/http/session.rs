//! Who is calling: the bearer token on the request, resolved to a person and their roles.

use axum::{extract::FromRequestParts, http::request::Parts};
use gatehouse_core::Actor;

use super::{ApiError, AppState};
use crate::{auth::token_hash, store::User};

/// A signed-in caller. Handlers that take one answer 401 without a valid token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub actor: Actor,
    pub token_hash: [u8; 32],
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = bearer(parts).ok_or(ApiError::Unauthenticated)?;
        let token_hash = token_hash(secret);
        let (user, actor) = state
            .database
            .session(&token_hash, state.clock.now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self {
            user,
            actor,
            token_hash,
        })
    }
}

/// The secret of the request's `Authorization: Bearer …` header, if it has a plausible one.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|secret| !secret.is_empty() && secret.len() < 200)
}
