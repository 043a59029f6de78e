//! A kiosk calling with its device token.

use axum::{extract::FromRequestParts, http::request::Parts};

use super::{ApiError, AppState, session};
use crate::{store::Kiosk, sync::enrollment};

/// The header in which a kiosk says how many reports wait in its outbox.
pub const OUTBOX_HEADER: &str = "gatehouse-outbox";

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
        // What the Kiosks page shows: when it last called, and what its outbox holds.
        let waiting = parts
            .headers
            .get(OUTBOX_HEADER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<i64>().ok())
            .filter(|waiting| *waiting >= 0);
        state
            .cloud
            .database
            .kiosk_seen(kiosk.id, waiting, state.cloud.clock.now())
            .await?;
        Ok(Self { kiosk })
    }
}
