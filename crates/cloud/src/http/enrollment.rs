//! Kiosk enrollment: codes issued by a facility manager, traded once by a kiosk for its device
//! token; the kiosk asking who it is; revoking a kiosk.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{
    KioskId,
    wire::{EnrolledKiosk, KioskCode, KioskEnrollment, KioskIdentity},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Device, Session,
    error::{ApiJson, ApiPath},
};
use crate::{
    store::KioskInfo,
    sync::enrollment::{self, KioskName},
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKioskCode {
    /// What the kiosk will be called, e.g. "Lobby, north entrance".
    name: KioskName,
    /// Hours the code can be used; 24 if left out, at most a week.
    #[serde(default)]
    valid_hours: Option<u16>,
}

/// Issue a single-use code that enrolls one kiosk in your facility (facility manager).
#[utoipa::path(post, path = "/api/v1/kiosk-codes", tag = "kiosks", request_body = NewKioskCode,
    responses((status = 201, body = KioskCode), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn issue_code(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewKioskCode>,
) -> Result<(StatusCode, Json<KioskCode>), ApiError> {
    let valid_for = enrollment::code_validity(request.valid_hours)?;
    let code =
        enrollment::issue_code(&state.cloud, session.caller(), &request.name, valid_for).await?;
    Ok((StatusCode::CREATED, Json(code)))
}

/// Enroll this kiosk with a code: answers the device token the kiosk sends from now on.
#[utoipa::path(post, path = "/api/v1/kiosks/enroll", tag = "kiosks", request_body = KioskEnrollment,
    responses((status = 201, body = EnrolledKiosk), (status = 400), (status = 404)))]
pub async fn enroll(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<KioskEnrollment>,
) -> Result<(StatusCode, Json<EnrolledKiosk>), ApiError> {
    let enrolled = enrollment::enroll(&state.cloud, &request.code).await?;
    Ok((StatusCode::CREATED, Json(enrolled)))
}

/// Which kiosk the device token belongs to.
#[utoipa::path(get, path = "/api/v1/kiosk", tag = "kiosks", operation_id = "kiosk_me",
    responses((status = 200, body = KioskIdentity), (status = 401)), security(("device" = [])))]
pub async fn me(
    State(state): State<AppState>,
    device: Device,
) -> Result<Json<KioskIdentity>, ApiError> {
    Ok(Json(
        enrollment::identity(&state.cloud.database, &device.kiosk).await?,
    ))
}

/// The facility's enrolled kiosks: name, when each last called, what its outbox holds, and
/// whether it was revoked (facility manager).
#[utoipa::path(get, path = "/api/v1/kiosks", tag = "kiosks",
    responses((status = 200, body = Vec<KioskInfo>), (status = 403)), security(("bearer" = [])))]
pub async fn list_kiosks(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<KioskInfo>>, ApiError> {
    Ok(Json(
        enrollment::kiosks(&state.cloud, &session.actor).await?,
    ))
}

/// Stop a kiosk's device token from working (a lost or retired tablet; facility manager): its
/// next request answers 401, an open change stream closes within seconds, and the kiosk then
/// locks its screen and wipes its copy of the invitations.
#[utoipa::path(delete, path = "/api/v1/kiosks/{id}", tag = "kiosks", params(("id" = KioskId, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<KioskId>,
) -> Result<StatusCode, ApiError> {
    enrollment::revoke(&state.cloud, &session.actor, id).await?;
    // Staff sessions signed in to at the kiosk ended with it.
    state.sessions.forget_all();
    Ok(StatusCode::NO_CONTENT)
}
