//! Site settings: the visitor categories and the general security email.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{Category, CategoryKind, Email};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath},
};
use crate::settings::{self, CategorySettings};

/// Every predefined visitor category and how this site has set it up.
#[utoipa::path(get, path = "/api/v1/categories", tag = "settings",
    responses((status = 200, body = Vec<Category>)), security(("bearer" = [])))]
pub async fn list_categories(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(
        settings::categories(&state.cloud, &session.actor).await?,
    ))
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
