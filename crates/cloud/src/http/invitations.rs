//! Invitations: create, list, look at, decide about, import.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{
    Decision, InvitationId,
    invitation::{self, WalkInAnswer},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiQuery, ApiText},
};
use crate::{
    invitations::{self, InvitationRequest, ListQuery},
    store::{HistoryEntry, InvitationRecord},
};

/// Invite a visitor, for yourself or (with `invite_for_others`) for another host.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "invitations", request_body = InvitationRequest,
    responses((status = 201, body = InvitationRecord), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<InvitationRequest>,
) -> Result<(StatusCode, Json<InvitationRecord>), ApiError> {
    let record = invitations::create(&state.cloud, &session.actor, &session.user, request).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// List invitations, newest day last, filtered by day, status, category and visitor name.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "invitations", params(ListQuery),
    responses((status = 200, body = Vec<InvitationRecord>), (status = 400)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<InvitationRecord>>, ApiError> {
    Ok(Json(
        invitations::list(&state.cloud, &session.actor, query).await?,
    ))
}

/// One invitation.
#[utoipa::path(get, path = "/api/v1/invitations/{id}", tag = "invitations",
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 404)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        invitations::visible(&state.cloud, &session.actor, id).await?,
    ))
}

/// Who did what to the invitation, when and why.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/history", tag = "invitations",
    params(("id" = InvitationId, Path)), responses((status = 200, body = Vec<HistoryEntry>), (status = 404)),
    security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    Ok(Json(
        invitations::history(&state.cloud, &session.actor, id).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why; shown to the host, never to the guest.
    reason: Option<invitation::Reason>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkInAnswerBody {
    pub answer: WalkInAnswer,
}

/// The host (or reception, with `visitor_admission`) answers whether the walk-in waiting for
/// them is their visitor: `my_visitor` admits them (or passes the invitation on to approval where
/// the category needs it); `unknown` rejects it. Only then is the walk-in sent an invitation.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/walk-in-answer", tag = "approval",
    request_body = WalkInAnswerBody, params(("id" = InvitationId, Path)),
    responses((status = 200, body = InvitationRecord), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn answer_walk_in(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
    ApiJson(body): ApiJson<WalkInAnswerBody>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        invitations::answer_walk_in(&state.cloud, &session.actor, id, body.answer).await?,
    ))
}

/// Approve a pending invitation (`approve_invitations`): the host is told, the guest invited.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/approve", tag = "approval",
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 403), (status = 409)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        invitations::decide(&state.cloud, &session.actor, id, &Decision::Approve).await?,
    ))
}

/// Reject an invitation, with an optional reason. The host is told it "has been rejected", with
/// the reason when there is one; the guest is not told.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/reject", tag = "approval", request_body = Option<ReasonBody>,
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 400), (status = 403), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
    body: axum::body::Bytes,
) -> Result<Json<InvitationRecord>, ApiError> {
    let decision = Decision::Reject {
        reason: optional_reason(&body)?,
    };
    Ok(Json(
        invitations::decide(&state.cloud, &session.actor, id, &decision).await?,
    ))
}

/// The optional reason of a decision's body, read the same way by every decision endpoint: no
/// body (or `{}`) is no reason; a body that is not JSON is 400; a reason that breaks the rules
/// (empty, too long, more than one line) is 422.
fn optional_reason(body: &[u8]) -> Result<Option<invitation::Reason>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let body: ReasonBody =
        serde_json::from_slice(body).map_err(|error| match error.classify() {
            serde_json::error::Category::Data => ApiError::Invalid(format!("reason: {error}")),
            _ => ApiError::BadRequest(format!("the body is not JSON: {error}")),
        })?;
    Ok(body.reason)
}

/// Move an approved invitation back to pending (exceptional; the portal asks for a reason, and
/// the host reads it, but none is required).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/return-to-pending", tag = "approval", request_body = Option<ReasonBody>,
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 400), (status = 403), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn return_to_pending(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
    body: axum::body::Bytes,
) -> Result<Json<InvitationRecord>, ApiError> {
    let decision = Decision::ReturnToPending {
        reason: optional_reason(&body)?,
    };
    Ok(Json(
        invitations::decide(&state.cloud, &session.actor, id, &decision).await?,
    ))
}

/// Cancel an invitation (its host or creator, or `all_visitor_requests`).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/cancel", tag = "invitations",
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 403), (status = 409)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        invitations::decide(&state.cloud, &session.actor, id, &Decision::Cancel).await?,
    ))
}

/// Import visitors from CSV (`visitor_vendor_configuration`), all or nothing, at most 1,000
/// rows. Columns: `visitor_name, visitor_email, visitor_company, host_email, category,
/// starts_at, ends_at` (RFC 3339). Every row is checked first; if any row is wrong, nothing is
/// imported and every problem is listed; the invitations are stored in one transaction.
#[utoipa::path(post, path = "/api/v1/invitations/import", tag = "invitations",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Vec<InvitationRecord>), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    ApiText(body): ApiText,
) -> Result<(StatusCode, Json<Vec<InvitationRecord>>), ApiError> {
    let created = invitations::import(&state.cloud, &session.actor, &session.user, &body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
