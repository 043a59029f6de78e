//! Reception's view of the lobby: who is on site now, and the check-ins the kiosks flagged (an
//! invitation rejected or cancelled while a kiosk was offline) until someone handles them.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use gatehouse_core::{
    Action, ApprovalStatus, Denied, Permission, authorize,
    wire::{KioskReceptionRequest, VisitDocument},
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath},
    kiosks::Device,
};
use crate::store::InvitationRecord;

#[derive(Debug, Serialize, ToSchema)]
pub struct Lobby {
    /// Flagged check-ins nobody has handled yet, oldest first.
    pub attention: Vec<Attention>,
    /// Everyone checked in and not yet out, by name.
    pub on_site: Vec<InvitationRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Attention {
    pub event: Uuid,
    pub invitation: InvitationRecord,
    /// Why the kiosk's report was flagged.
    pub reason: String,
    pub at: DateTime<Utc>,
    /// The kiosk that reported it.
    pub kiosk: String,
    /// A badge the kiosk could not print waits at
    /// `/invitations/{id}/documents/unprinted_badge`.
    pub unprinted_badge: bool,
}

/// The lobby of the signed-in person's facility, limited to the visitors they may admit.
#[utoipa::path(get, path = "/api/v1/lobby", tag = "lobby",
    responses((status = 200, body = Lobby), (status = 401), (status = 403)), security(("bearer" = [])))]
pub async fn lobby(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Lobby>, ApiError> {
    let admits = |record: &InvitationRecord| {
        authorize(&session.actor, Action::AdmitVisitor(&record.facts())).is_ok()
    };
    let admits_anyone = session
        .actor
        .grants
        .iter()
        .any(|grant| grant.permissions.contains(Permission::VisitorAdmission));
    if !admits_anyone {
        return Err(Denied::Missing(Permission::VisitorAdmission).into());
    }
    let facility = session.user.facility_id;
    let mut attention = Vec::new();
    for flag in state.database.unhandled_flags(facility).await? {
        let Some(invitation) = state.database.invitation(flag.invitation).await? else {
            continue;
        };
        if admits(&invitation) {
            let unprinted_badge = state
                .database
                .visit_document(invitation.id, VisitDocument::UnprintedBadge)
                .await?
                .is_some();
            attention.push(Attention {
                unprinted_badge,
                event: flag.event,
                invitation,
                reason: flag.reason,
                at: flag.happened_at,
                kiosk: flag.kiosk,
            });
        }
    }
    let on_site = state
        .database
        .on_site(facility)
        .await?
        .into_iter()
        .filter(admits)
        .collect();
    Ok(Json(Lobby { attention, on_site }))
}

/// Mark a flagged check-in as handled: it leaves everyone's list.
#[utoipa::path(post, path = "/api/v1/lobby/attention/{event}/handled", tag = "lobby",
    params(("event" = Uuid, Path)), responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn handled(
    State(state): State<AppState>,
    session: Session,
    ApiPath(event): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let facility = session.user.facility_id;
    let flag = state
        .database
        .unhandled_flags(facility)
        .await?
        .into_iter()
        .find(|flag| flag.event == event);
    let not_found = || ApiError::NotFound(format!("no flagged check-in {event} waits here"));
    let flag = flag.ok_or_else(not_found)?;
    let invitation = state
        .database
        .invitation(flag.invitation)
        .await?
        .ok_or_else(not_found)?;
    authorize(&session.actor, Action::AdmitVisitor(&invitation.facts()))?;
    if !state
        .database
        .handle_flag(facility, event, session.user.id, state.clock.now())
        .await?
    {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// What reception reads about a visitor the kiosk sent them.
pub const WAITING_FOR_APPROVAL: &str = "at the kiosk now; the invitation still waits for approval";

/// The kiosk sent a visitor to reception because their invitation waits for approval: reception
/// sees them on the Lobby page until someone handles it. Sent twice, it is still one request.
#[utoipa::path(post, path = "/api/v1/kiosk/reception", tag = "kiosks", request_body = KioskReceptionRequest,
    responses((status = 204), (status = 401), (status = 404), (status = 409)), security(("device" = [])))]
pub async fn ask_reception(
    State(state): State<AppState>,
    device: Device,
    ApiJson(request): ApiJson<KioskReceptionRequest>,
) -> Result<StatusCode, ApiError> {
    let invitation = state
        .database
        .invitation(request.invitation)
        .await?
        .filter(|record| record.facility_id == device.kiosk.facility)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "there is no invitation {} here",
                request.invitation
            ))
        })?;
    if invitation.approval_status != ApprovalStatus::Pending {
        return Err(ApiError::Conflict(
            "the invitation is not waiting for approval".into(),
        ));
    }
    state
        .database
        .ask_reception(
            device.kiosk.id,
            invitation.id,
            WAITING_FOR_APPROVAL,
            state.clock.now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
