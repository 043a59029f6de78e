//! The watchlist (facility managers) and screening holds (facility approvers).

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::InvitationId;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiText},
};
use crate::{
    store::{InvitationRecord, ScreeningHold, WatchlistEntry},
    watchlist::{self, EntryRequest, VerdictRequest},
};

/// Everyone screening looks for now: entries not expired, and the identity provider's users it
/// deactivated.
#[utoipa::path(get, path = "/api/v1/watchlist", operation_id = "watchlist", tag = "screening",
    responses((status = 200, body = Vec<WatchlistEntry>), (status = 403)), security(("bearer" = [])))]
pub async fn entries(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<WatchlistEntry>>, ApiError> {
    Ok(Json(
        watchlist::entries(&state.cloud, &session.actor).await?,
    ))
}

/// Put someone on the watchlist (facility managers).
#[utoipa::path(post, path = "/api/v1/watchlist", operation_id = "add_to_watchlist", tag = "screening", request_body = EntryRequest,
    responses((status = 201, body = WatchlistEntry), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn add(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<EntryRequest>,
) -> Result<(StatusCode, Json<WatchlistEntry>), ApiError> {
    let entry = watchlist::add(&state.cloud, &session.actor, &session.user, request).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Take someone off the watchlist; invitations it held stay held until decided.
#[utoipa::path(delete, path = "/api/v1/watchlist/{id}", operation_id = "remove_from_watchlist", tag = "screening",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403), (status = 404)),
    security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    watchlist::remove(&state.cloud, &session.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Import watchlist entries from CSV, all or nothing. Columns: `name, email, company,
/// date_of_birth (YYYY-MM-DD), reason, expires_at (RFC 3339)`; only `name` and `reason` need a
/// value.
#[utoipa::path(post, path = "/api/v1/watchlist/import", operation_id = "import_watchlist", tag = "screening",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Vec<WatchlistEntry>), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    ApiText(body): ApiText,
) -> Result<(StatusCode, Json<Vec<WatchlistEntry>>), ApiError> {
    let imported = watchlist::import(&state.cloud, &session.actor, &session.user, &body).await?;
    Ok((StatusCode::CREATED, Json(imported)))
}

/// The identity provider's bearer token, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScimToken {
    /// For the provider's SCIM client, with the base URL `{cloud}/scim/v2`.
    pub token: String,
}

/// A new SCIM token for the identity provider (facility managers); the old one stops working.
#[utoipa::path(post, path = "/api/v1/watchlist/scim-token", operation_id = "new_scim_token", tag = "screening",
    responses((status = 201, body = ScimToken), (status = 403)), security(("bearer" = [])))]
pub async fn scim_token(
    State(state): State<AppState>,
    session: Session,
) -> Result<(StatusCode, Json<ScimToken>), ApiError> {
    let token = watchlist::new_scim_token(&state.cloud, &session.actor).await?;
    Ok((StatusCode::CREATED, Json(ScimToken { token })))
}

/// The hold screening put on an invitation, with the watchlist entry it matched (facility
/// approvers).
#[utoipa::path(get, path = "/api/v1/invitations/{id}/screening", operation_id = "screening_hold", tag = "screening",
    params(("id" = InvitationId, Path)),
    responses((status = 200, body = ScreeningHold), (status = 403), (status = 404)),
    security(("bearer" = [])))]
pub async fn hold(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<ScreeningHold>, ApiError> {
    Ok(Json(
        watchlist::hold(&state.cloud, &session.actor, id).await?,
    ))
}

/// A verdict on a held invitation — `false_positive` (not the listed person) or `allowed` (let
/// in anyway) — with a reason: the invitation is approved, and the verdict is in the audit log.
/// To keep them out, reject the invitation instead.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/screening", operation_id = "decide_screening_hold", tag = "screening",
    params(("id" = InvitationId, Path)), request_body = VerdictRequest,
    responses((status = 200, body = InvitationRecord), (status = 403), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
    ApiJson(request): ApiJson<VerdictRequest>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        watchlist::decide(&state.cloud, &session.actor, id, &request).await?,
    ))
}
