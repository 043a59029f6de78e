//! Visitors without an invitation, at the kiosk: the directory of hosts the kiosk keeps, and
//! registering a walk-in.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use gatehouse_core::wire::{KioskDirectory, KioskInvitation, KioskWalkIn};

use super::{ApiError, AppState, Device, error::ApiJson, etag::etagged};

use crate::walk_ins;

/// Everyone in this kiosk's facility a visitor may ask for, and the categories they may choose.
/// Kiosks keep it and search it themselves; they send back the `ETag` of the copy they hold in
/// `If-None-Match` and get 304 while it has not changed.
#[utoipa::path(get, path = "/api/v1/kiosk/directory", tag = "kiosks",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk holds")),
    responses((status = 200, body = KioskDirectory, headers(("ETag" = String))), (status = 304), (status = 401)),
    security(("device" = [])))]
pub async fn directory(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let directory = walk_ins::directory(&state.cloud, &device.kiosk).await?;
    etagged(&directory, &headers)
}

/// Registers a visitor without an invitation: an invitation from the host from now to the end
/// of the day (an hour late in the day, for a host who may run visits past it), which may need
/// approval like any other.
#[utoipa::path(post, path = "/api/v1/kiosk/walk-ins", tag = "kiosks", request_body = KioskWalkIn,
    responses((status = 201, body = KioskInvitation), (status = 401), (status = 403), (status = 404), (status = 422),
        (status = 429, description = "This kiosk registered too many walk-ins lately", headers(("Retry-After" = u64)))),
    security(("device" = [])))]
pub async fn register(
    State(state): State<AppState>,
    device: Device,
    ApiJson(walk_in): ApiJson<KioskWalkIn>,
) -> Result<(StatusCode, Json<KioskInvitation>), ApiError> {
    let invitation = walk_ins::register(&state.cloud, &device.kiosk, &walk_in).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}
