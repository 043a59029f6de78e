//! The documents of a visit: sent by the kiosk, read by staff.

use axum::{
    body::Bytes,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
};
use gatehouse_core::{InvitationId, wire::VisitDocument};

use super::{ApiError, AppState, Device, Session, error::ApiPath};
use crate::sync::documents;

/// Send a visit's document from the kiosk: a PDF for `signed_nda` and `unprinted_badge` (which
/// also puts the visitor on reception's Lobby page), a JPEG for `photo`. Sent again, it replaces
/// the earlier copy.
#[utoipa::path(put, path = "/api/v1/kiosk/documents/{invitation}/{kind}", tag = "kiosks",
    params(("invitation" = InvitationId, Path), ("kind" = VisitDocument, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204), (status = 401), (status = 404), (status = 409, description = "A different document of this kind is kept for the visit already"), (status = 422)), security(("device" = [])))]
pub async fn send(
    State(state): State<AppState>,
    device: Device,
    ApiPath((invitation, kind)): ApiPath<(InvitationId, VisitDocument)>,
    content: Bytes,
) -> Result<StatusCode, ApiError> {
    documents::send(&state.cloud, &device.kiosk, invitation, kind, &content).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Read a visit's signed NDA (signed at a kiosk, or on the guest's pre-registration page) or photo
/// (anyone who may see the invitation).
#[utoipa::path(get, path = "/api/v1/invitations/{id}/documents/{kind}", tag = "invitations",
    params(("id" = InvitationId, Path), ("kind" = VisitDocument, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404)), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    session: Session,
    ApiPath((id, kind)): ApiPath<(InvitationId, VisitDocument)>,
) -> Result<impl IntoResponse, ApiError> {
    let content = documents::read(&state.cloud, &session.actor, id, kind).await?;
    Ok(([(header::CONTENT_TYPE, kind.content_type())], content))
}
