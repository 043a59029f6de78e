//! Reception's Lobby page, reception admitting a visitor, and a kiosk sending a visitor to
//! reception.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{InvitationId, wire::KioskReceptionRequest};
use uuid::Uuid;

use super::{
    ApiError, AppState, Device, Session,
    error::{ApiJson, ApiPath},
};
use crate::{
    lobby::{self, Lobby},
    store::InvitationRecord,
};

/// Admit a visitor (`visitor_admission`): check them in on their behalf, recorded as admitted by
/// you; the host is told they arrived. Only an approved invitation of today whose visitor is
/// still expected: pending, rejected, cancelled, already checked in or not today answer 409.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/admit", tag = "lobby",
    params(("id" = InvitationId, Path)),
    responses((status = 200, body = InvitationRecord), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn admit(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(lobby::admit(&state.cloud, &session.actor, id).await?))
}

/// The lobby of the signed-in person's facility, limited to the visitors they may admit.
#[utoipa::path(get, path = "/api/v1/lobby", tag = "lobby",
    responses((status = 200, body = Lobby), (status = 401), (status = 403)), security(("bearer" = [])))]
pub async fn lobby(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Lobby>, ApiError> {
    Ok(Json(lobby::lobby(&state.cloud, &session.actor).await?))
}

/// Mark a flagged check-in as handled: it leaves everyone's list.
#[utoipa::path(post, path = "/api/v1/lobby/attention/{event}/handled", tag = "lobby",
    params(("event" = Uuid, Path)), responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn handled(
    State(state): State<AppState>,
    session: Session,
    ApiPath(event): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    lobby::handled(&state.cloud, &session.actor, event).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The kiosk sent a visitor to reception because their invitation waits for approval: reception
/// sees them on the Lobby page until someone handles it. Sent twice, it is still one request.
#[utoipa::path(post, path = "/api/v1/kiosk/reception", tag = "kiosks", request_body = KioskReceptionRequest,
    responses((status = 204), (status = 401), (status = 404), (status = 409)), security(("device" = [])))]
pub async fn ask_reception(
    State(state): State<AppState>,
    device: Device,
    ApiJson(request): ApiJson<KioskReceptionRequest>,
) -> Result<StatusCode, ApiError> {
    lobby::ask_reception(&state.cloud, &device.kiosk, request.invitation).await?;
    Ok(StatusCode::NO_CONTENT)
}
