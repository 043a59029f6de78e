//! Staff at the kiosks: a person's own kiosk PIN, signing in at a kiosk, the PINs a kiosk keeps
//! for when the cloud cannot be reached, and each kiosk's staff history.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use gatehouse_core::{
    Denied, KioskId,
    staff::{KioskStaff, StaffHistory, StaffSession, StaffSignIn},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Device, Session,
    error::{ApiJson, ApiPath},
    etag::etagged,
};
use crate::{error::ServiceError, kiosk_staff, sessions::SignInError, store::StaffHistoryLine};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KioskPin {
    /// 6 to 12 digits, not one digit repeated nor a run like 123456.
    #[schema(pattern = "^[0-9]{6,12}$")]
    pin: String,
}

/// Your PIN must come from a session you signed in to in the portal, not a token or a kiosk.
fn own_session(session: &Session) -> Result<(), ApiError> {
    if session.is_api_token() || session.at_kiosk {
        return Err(ServiceError::Forbidden(Denied::SignedInSessionNeeded).into());
    }
    Ok(())
}

/// Set your personal kiosk PIN: you sign in with it at the kiosks of your facility, also while
/// they cannot reach the cloud (for reception's tasks). Stored hashed.
#[utoipa::path(put, path = "/api/v1/me/kiosk-pin", tag = "sessions", request_body = KioskPin,
    responses((status = 204), (status = 403, body = gatehouse_core::wire::ErrorBody),
        (status = 422, body = gatehouse_core::wire::ErrorBody)), security(("bearer" = [])))]
pub async fn set_pin(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<KioskPin>,
) -> Result<StatusCode, ApiError> {
    own_session(&session)?;
    kiosk_staff::set_pin(&state.cloud, &session.user, Some(request.pin)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove your kiosk PIN; kiosks forget it at their next sync.
#[utoipa::path(delete, path = "/api/v1/me/kiosk-pin", tag = "sessions",
    responses((status = 204), (status = 403, body = gatehouse_core::wire::ErrorBody)), security(("bearer" = [])))]
pub async fn clear_pin(
    State(state): State<AppState>,
    session: Session,
) -> Result<StatusCode, ApiError> {
    own_session(&session)?;
    kiosk_staff::set_pin(&state.cloud, &session.user, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign a person in at this kiosk with their kiosk PIN or password: a session as them for an
/// hour at most (the kiosk ends it sooner). Only people who admit visitors or approve
/// invitations in the kiosk's facility (403 otherwise); failures count as at the portal (429).
#[utoipa::path(post, path = "/api/v1/kiosk/staff/sessions", tag = "kiosks", request_body = StaffSignIn,
    responses((status = 201, body = StaffSession), (status = 401, body = gatehouse_core::wire::ErrorBody),
        (status = 403, body = gatehouse_core::wire::ErrorBody),
        (status = 429, body = gatehouse_core::wire::ErrorBody, headers(("Retry-After" = u64)))),
    security(("device" = [])))]
pub async fn staff_sign_in(
    State(state): State<AppState>,
    device: Device,
    ApiJson(request): ApiJson<StaffSignIn>,
) -> Result<(StatusCode, Json<StaffSession>), ApiError> {
    match kiosk_staff::sign_in(&state.cloud, &device.kiosk, request).await {
        Ok(session) => Ok((StatusCode::CREATED, Json(session))),
        Err(SignInError::WrongCredentials) => Err(ApiError::WrongCredentials),
        Err(SignInError::Service(error)) => Err(error.into()),
    }
}

/// The people of this kiosk's facility who admit visitors and have a kiosk PIN, with its hash:
/// the kiosk signs them in while it cannot reach the cloud. `ETag` / `If-None-Match` as for the
/// directory.
#[utoipa::path(get, path = "/api/v1/kiosk/staff", tag = "kiosks",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk holds")),
    responses((status = 200, body = KioskStaff, headers(("ETag" = String))), (status = 304), (status = 401)),
    security(("device" = [])))]
pub async fn kiosk_staff(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let staff = kiosk_staff::staff(&state.cloud, &device.kiosk).await?;
    etagged(&staff, &headers)
}

/// What this kiosk saw staff do: sign-ins, failures, and their actions; each line once however
/// often it is sent.
#[utoipa::path(post, path = "/api/v1/kiosk/staff/history", tag = "kiosks", request_body = StaffHistory,
    responses((status = 204), (status = 401), (status = 422, body = gatehouse_core::wire::ErrorBody)),
    security(("device" = [])))]
pub async fn record_history(
    State(state): State<AppState>,
    device: Device,
    ApiJson(history): ApiJson<StaffHistory>,
) -> Result<StatusCode, ApiError> {
    kiosk_staff::record(&state.cloud, &device.kiosk, &history).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What staff did at one of the facility's kiosks, newest first (facility manager).
#[utoipa::path(get, path = "/api/v1/kiosks/{id}/staff-history", tag = "kiosks", params(("id" = KioskId, Path)),
    responses((status = 200, body = Vec<StaffHistoryLine>), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn staff_history(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<KioskId>,
) -> Result<Json<Vec<StaffHistoryLine>>, ApiError> {
    Ok(Json(
        kiosk_staff::history(&state.cloud, &session.actor, id).await?,
    ))
}
