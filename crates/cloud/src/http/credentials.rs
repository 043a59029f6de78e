//! Door credentials: a door reader's check, and a visit's credentials for the portal.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::InvitationId;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Device, Session,
    error::{ApiJson, ApiPath},
};
use crate::credentials::{self, CredentialView, Verification, VerifyRequest};

/// May this credential open this door now? For door readers and kiosks of the building,
/// with their device token. Every "no" is a 200 with `granted: false` and the reason; an
/// unknown door is a 422.
#[utoipa::path(post, path = "/api/v1/credentials/verify", tag = "access", request_body = VerifyRequest,
    responses((status = 200, body = Verification), (status = 401), (status = 422, body = gatehouse_core::wire::ErrorBody)),
    security(("device" = [])))]
pub async fn verify_credential(
    State(state): State<AppState>,
    device: Device,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Json<Verification>, ApiError> {
    Ok(Json(
        credentials::verify(&state.cloud, Some(device.kiosk.facility), &request).await?,
    ))
}

/// The visit's credentials, newest first: what each opens, when, and what became of it.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/credentials", tag = "access",
    params(("id" = InvitationId, Path)), responses((status = 200, body = Vec<CredentialView>), (status = 404)),
    security(("bearer" = [])))]
pub async fn visit_credentials(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<Vec<CredentialView>>, ApiError> {
    Ok(Json(
        credentials::of_invitation(&state.cloud, &session.actor, id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    /// Why (a lost badge, a visitor asked to leave); in the visit's history.
    pub reason: String,
}

/// Reception revokes the visit's credential in use: no door opens for it again. 409 if it
/// has none.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/credentials/revoke", tag = "access",
    params(("id" = InvitationId, Path)), request_body = RevokeBody,
    responses((status = 204), (status = 403, body = gatehouse_core::wire::ErrorBody), (status = 404),
    (status = 409, body = gatehouse_core::wire::ErrorBody), (status = 422, body = gatehouse_core::wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_credential(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> Result<StatusCode, ApiError> {
    credentials::revoke(&state.cloud, &session.actor, id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
