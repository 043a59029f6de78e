//! A kiosk calling with its device token.

use axum::{extract::FromRequestParts, http::request::Parts};

use super::{ApiError, AppState, session};
use crate::{store::Kiosk, sync::enrollment};

/// A kiosk calling with its device token. Handlers that take one answer 401 without it; a
/// person's session token is not a device token, nor the other way round.
#[derive(Debug, Clone)]
pub struct Device {
    pub kiosk: Kiosk,
}

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = session::bearer(parts).ok_or(ApiError::Unauthenticated)?;
        let kiosk = enrollment::kiosk_of_token(&state.cloud, secret)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self { kiosk })
    }
}
