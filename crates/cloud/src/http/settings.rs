//! Site settings: the visitor categories and the general security email.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{Action, Category, CategoryKind, Email, authorize, category::AccessProfile};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath},
};

/// Every predefined visitor category and how this site has set it up.
#[utoipa::path(get, path = "/api/v1/categories", tag = "settings",
    responses((status = 200, body = Vec<Category>)), security(("bearer" = [])))]
pub async fn list_categories(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(
        state.database.categories(session.user.facility_id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategorySettings {
    enabled: bool,
    needs_approval: bool,
    /// Told of every invitation in the category.
    email: Option<Email>,
    #[serde(default)]
    access_profile: AccessProfile,
}

/// Enable a category and set its approval rule, email and access profile (facility manager).
#[utoipa::path(put, path = "/api/v1/categories/{kind}", tag = "settings", request_body = CategorySettings,
    params(("kind" = CategoryKind, Path)), responses((status = 200, body = Category), (status = 403)), security(("bearer" = [])))]
pub async fn update_category(
    State(state): State<AppState>,
    session: Session,
    ApiPath(kind): ApiPath<CategoryKind>,
    ApiJson(settings): ApiJson<CategorySettings>,
) -> Result<Json<Category>, ApiError> {
    let facility = session.user.facility_id;
    authorize(&session.actor, Action::ConfigureFacility { facility })?;
    if settings.access_profile.longest_visit_minutes == Some(0) {
        return Err(ApiError::invalid(
            "the longest visit must be at least a minute",
        ));
    }
    let category = Category {
        kind,
        enabled: settings.enabled,
        needs_approval: settings.needs_approval,
        email: settings.email,
        access_profile: settings.access_profile,
    };
    state.database.save_category(facility, &category).await?;
    state.sites.forget(facility);
    Ok(Json(category))
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
    let facility = session.user.facility_id;
    authorize(&session.actor, Action::ConfigureFacility { facility })?;
    state
        .database
        .set_security_email(facility, request.email.as_ref())
        .await?;
    state.sites.forget(facility);
    Ok(StatusCode::NO_CONTENT)
}
