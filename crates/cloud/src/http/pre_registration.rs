//! The guest's pre-registration, with no account: the signed code from their invitation is the
//! key, in the path. And its status, for staff who see the invitation.

use axum::{Json, body::Bytes, extract::State, http::StatusCode};
use gatehouse_core::{InvitationId, Language, category::RequiredDocument};
use serde::Deserialize;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiQuery},
};
use crate::pre_registration::{self, DocumentStatus, GuestVisit, NdaSigned};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GuestQuery {
    /// The language to read the NDA in.
    pub language: Option<Language>,
}

/// The visit as its guest sees it before coming: when, with whom, the NDA to sign, and what is
/// still to hand in. 404 for a code that is not valid or a visit that is over.
#[utoipa::path(get, path = "/api/v1/guest/{code}", tag = "pre-registration",
    params(("code" = String, Path, description = "The signed code from the invitation email"), GuestQuery),
    responses((status = 200, body = GuestVisit), (status = 404, body = gatehouse_core::wire::ErrorBody)))]
pub async fn guest_visit(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<GuestQuery>,
) -> Result<Json<GuestVisit>, ApiError> {
    Ok(Json(
        pre_registration::visit(&state.cloud, &code, query.language).await?,
    ))
}

/// The guest signs the NDA they read, once (409 if a newer text was published meanwhile, or it
/// is signed already).
#[utoipa::path(post, path = "/api/v1/guest/{code}/nda", tag = "pre-registration", request_body = NdaSigned,
    params(("code" = String, Path)),
    responses((status = 204), (status = 404, body = gatehouse_core::wire::ErrorBody),
    (status = 409, body = gatehouse_core::wire::ErrorBody), (status = 422, body = gatehouse_core::wire::ErrorBody)))]
pub async fn sign_nda(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiJson(signed): ApiJson<NdaSigned>,
) -> Result<StatusCode, ApiError> {
    pre_registration::sign_nda(&state.cloud, &code, &signed).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The guest hands in a document their visit asks for: `certificate_of_insurance` (a PDF) or
/// `photo_id` (a JPEG or PNG), at most 2 MB; handed in again, it replaces the earlier one.
#[utoipa::path(put, path = "/api/v1/guest/{code}/documents/{document}", tag = "pre-registration",
    params(("code" = String, Path), ("document" = RequiredDocument, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204), (status = 404, body = gatehouse_core::wire::ErrorBody),
    (status = 413, body = gatehouse_core::wire::ErrorBody), (status = 422, body = gatehouse_core::wire::ErrorBody)))]
pub async fn hand_in(
    State(state): State<AppState>,
    ApiPath((code, document)): ApiPath<(String, RequiredDocument)>,
    content: Bytes,
) -> Result<StatusCode, ApiError> {
    pre_registration::hand_in(&state.cloud, &code, document, &content).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the guest has handed in before the visit (the NDA signed, a certificate of insurance,
/// an ID photo) and what is still missing: the host sees what the guest's page shows.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/pre-registration", tag = "access",
    params(("id" = InvitationId, Path)), responses((status = 200, body = Vec<DocumentStatus>), (status = 404)),
    security(("bearer" = [])))]
pub async fn visit_pre_registration(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<Vec<DocumentStatus>>, ApiError> {
    Ok(Json(
        pre_registration::status(&state.cloud, &session.actor, id).await?,
    ))
}
