//! Site settings: the visitor categories, each organisation's choice of them, and the security
//! emails.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{Category, CategoryKind, Email, OccupancyId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiQuery},
};
use crate::settings::{
    self, CategoriesOf, CategoriesQuery, CategoryChoiceRequest, CategorySettings,
};

/// Every predefined visitor category as an organisation uses it: its own choice, or the
/// facility's default. Category emails are shown to whoever may change them.
#[utoipa::path(get, path = "/api/v1/categories", tag = "settings", params(CategoriesQuery),
    responses((status = 200, body = Vec<Category>), (status = 400, body = gatehouse_core::wire::ErrorBody),
    (status = 404, body = gatehouse_core::wire::ErrorBody)), security(("bearer" = [])))]
pub async fn list_categories(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(query): ApiQuery<CategoriesQuery>,
) -> Result<Json<Vec<Category>>, ApiError> {
    let of = match query.occupancy.or(session.actor.occupancy) {
        Some(occupancy) => CategoriesOf::Occupancy(occupancy),
        None => CategoriesOf::Facility,
    };
    Ok(Json(
        settings::categories(&state.cloud, &session.actor, of).await?,
    ))
}

/// Set how an organisation uses a category over the facility's default: enabled for its
/// people, needs approval, its own category email (its occupancy manager or the facility
/// manager).
#[utoipa::path(put, path = "/api/v1/occupancies/{id}/categories/{kind}", tag = "settings",
    request_body = CategoryChoiceRequest,
    params(("id" = OccupancyId, Path), ("kind" = CategoryKind, Path)),
    responses((status = 200, body = Category), (status = 403, body = gatehouse_core::wire::ErrorBody),
    (status = 404, body = gatehouse_core::wire::ErrorBody)), security(("bearer" = [])))]
pub async fn choose_category(
    State(state): State<AppState>,
    session: Session,
    ApiPath((occupancy, kind)): ApiPath<(OccupancyId, CategoryKind)>,
    ApiJson(request): ApiJson<CategoryChoiceRequest>,
) -> Result<Json<Category>, ApiError> {
    Ok(Json(
        settings::choose_category(&state.cloud, &session.actor, occupancy, kind, request).await?,
    ))
}

/// Drop an organisation's own choice for a category: the facility's default applies again.
#[utoipa::path(delete, path = "/api/v1/occupancies/{id}/categories/{kind}", tag = "settings",
    params(("id" = OccupancyId, Path), ("kind" = CategoryKind, Path)),
    responses((status = 200, body = Category), (status = 403, body = gatehouse_core::wire::ErrorBody),
    (status = 404, body = gatehouse_core::wire::ErrorBody)), security(("bearer" = [])))]
pub async fn forget_category_choice(
    State(state): State<AppState>,
    session: Session,
    ApiPath((occupancy, kind)): ApiPath<(OccupancyId, CategoryKind)>,
) -> Result<Json<Category>, ApiError> {
    Ok(Json(
        settings::forget_category_choice(&state.cloud, &session.actor, occupancy, kind).await?,
    ))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityEmails {
    /// Told of each of the organisation's invitations that needs approval, beside the
    /// building's security address; at most ten.
    emails: Vec<Email>,
}

/// The organisation's own visitor-security addresses.
#[utoipa::path(get, path = "/api/v1/occupancies/{id}/security-emails", tag = "settings",
    params(("id" = OccupancyId, Path)),
    responses((status = 200, body = SecurityEmails), (status = 403, body = gatehouse_core::wire::ErrorBody),
    (status = 404, body = gatehouse_core::wire::ErrorBody)), security(("bearer" = [])))]
pub async fn organisation_security_emails(
    State(state): State<AppState>,
    session: Session,
    ApiPath(occupancy): ApiPath<OccupancyId>,
) -> Result<Json<SecurityEmails>, ApiError> {
    let emails =
        settings::organisation_security_emails(&state.cloud, &session.actor, occupancy).await?;
    Ok(Json(SecurityEmails { emails }))
}

/// Set the organisation's own visitor-security addresses (its occupancy manager or the facility
/// manager).
#[utoipa::path(put, path = "/api/v1/occupancies/{id}/security-emails", tag = "settings",
    params(("id" = OccupancyId, Path)), request_body = SecurityEmails,
    responses((status = 204), (status = 403, body = gatehouse_core::wire::ErrorBody),
    (status = 404, body = gatehouse_core::wire::ErrorBody), (status = 422, body = gatehouse_core::wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_organisation_security_emails(
    State(state): State<AppState>,
    session: Session,
    ApiPath(occupancy): ApiPath<OccupancyId>,
    ApiJson(request): ApiJson<SecurityEmails>,
) -> Result<StatusCode, ApiError> {
    settings::set_organisation_security_emails(
        &state.cloud,
        &session.actor,
        occupancy,
        request.emails,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a category and set its approval rule, email and access profile (facility manager).
#[utoipa::path(put, path = "/api/v1/categories/{kind}", tag = "settings", request_body = CategorySettings,
    params(("kind" = CategoryKind, Path)), responses((status = 200, body = Category), (status = 403)), security(("bearer" = [])))]
pub async fn update_category(
    State(state): State<AppState>,
    session: Session,
    ApiPath(kind): ApiPath<CategoryKind>,
    ApiJson(request): ApiJson<CategorySettings>,
) -> Result<Json<Category>, ApiError> {
    Ok(Json(
        settings::update_category(&state.cloud, &session.actor, kind, request).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityEmail {
    /// Told of every invitation that needs approval; may be a distribution list. `null` to stop.
    email: Option<Email>,
}

/// Set the general visitor-security email (facility manager).
#[utoipa::path(put, path = "/api/v1/settings/security-email", tag = "settings", request_body = SecurityEmail,
    responses((status = 204), (status = 403)), security(("bearer" = [])))]
pub async fn set_security_email(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<SecurityEmail>,
) -> Result<StatusCode, ApiError> {
    settings::set_security_email(&state.cloud, &session.actor, request.email.as_ref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitGrace {
    /// Minutes after a visit's window before a visit nobody checked out is closed (0 to 1440).
    minutes: u32,
}

/// Set how long after its window a visit nobody checked out is closed (facility manager).
#[utoipa::path(put, path = "/api/v1/settings/visit-grace", tag = "settings", request_body = VisitGrace,
    responses((status = 204), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn set_visit_grace(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<VisitGrace>,
) -> Result<StatusCode, ApiError> {
    settings::set_visit_grace(&state.cloud, &session.actor, request.minutes).await?;
    Ok(StatusCode::NO_CONTENT)
}
