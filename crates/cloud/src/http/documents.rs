//! The documents of a visit: the kiosk sends the signed NDA and the photo once the visit is
//! recorded (and then deletes its copy); staff who may see the invitation may read them.

use axum::{
    body::Bytes,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
};
use gatehouse_core::{InvitationId, wire::VisitDocument};

use super::{ApiError, AppState, Session, error::ApiPath, kiosks::Device};
use crate::{invitations, store::BADGE_NOT_PRINTED};

/// Send a visit's document from the kiosk: a PDF for `signed_nda` and `unprinted_badge` (which
/// also puts the visitor on reception's Lobby page), a JPEG for `photo`. Sent again, it replaces
/// the earlier copy.
#[utoipa::path(put, path = "/api/v1/kiosk/documents/{invitation}/{kind}", tag = "kiosks",
    params(("invitation" = InvitationId, Path), ("kind" = VisitDocument, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204), (status = 401), (status = 404), (status = 422)), security(("device" = [])))]
pub async fn send(
    State(state): State<AppState>,
    device: Device,
    ApiPath((invitation, kind)): ApiPath<(InvitationId, VisitDocument)>,
    content: Bytes,
) -> Result<StatusCode, ApiError> {
    let here = state
        .database
        .invitation(invitation)
        .await?
        .is_some_and(|record| record.facility_id == device.kiosk.facility);
    if !here {
        return Err(ApiError::NotFound(format!(
            "there is no invitation {invitation} in this kiosk's facility"
        )));
    }
    if !kind.looks_like(&content) {
        return Err(ApiError::invalid(format!(
            "a {} must be sent as {}",
            kind.as_str(),
            kind.content_type()
        )));
    }
    let now = state.clock.now();
    state
        .database
        .store_visit_document(invitation, kind, &content, device.kiosk.id, now)
        .await?;
    if kind == VisitDocument::UnprintedBadge {
        state
            .database
            .ask_reception(device.kiosk.id, invitation, BADGE_NOT_PRINTED, now)
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Read a visit's signed NDA or photo (anyone who may see the invitation).
#[utoipa::path(get, path = "/api/v1/invitations/{id}/documents/{kind}", tag = "invitations",
    params(("id" = InvitationId, Path), ("kind" = VisitDocument, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404)), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    session: Session,
    ApiPath((id, kind)): ApiPath<(InvitationId, VisitDocument)>,
) -> Result<impl IntoResponse, ApiError> {
    invitations::visible(&state, &session.actor, id).await?;
    let content = state
        .database
        .visit_document(id, kind)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("invitation {id} has no {}", kind.as_str())))?;
    Ok(([(header::CONTENT_TYPE, kind.content_type())], content))
}
