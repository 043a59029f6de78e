//! Occupancies, people and roles.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{Grant, OccupancyId, Role, RoleId, UserId};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiQuery},
};
use crate::{
    people::{self, NewOccupancy, NewPerson, NewRole},
    store::{Occupancy, User},
};

/// The site's occupancies (tenants).
#[utoipa::path(get, path = "/api/v1/occupancies", tag = "people",
    responses((status = 200, body = Vec<Occupancy>)), security(("bearer" = [])))]
pub async fn list_occupancies(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<Occupancy>>, ApiError> {
    Ok(Json(
        people::occupancies(&state.cloud, &session.actor).await?,
    ))
}

/// Add an occupancy (facility manager).
#[utoipa::path(post, path = "/api/v1/occupancies", tag = "people", request_body = NewOccupancy,
    responses((status = 201, body = Occupancy), (status = 403), (status = 409)), security(("bearer" = [])))]
pub async fn create_occupancy(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewOccupancy>,
) -> Result<(StatusCode, Json<Occupancy>), ApiError> {
    let occupancy = people::create_occupancy(&state.cloud, session.caller(), &request).await?;
    Ok((StatusCode::CREATED, Json(occupancy)))
}

#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only the people of this occupancy.
    occupancy: Option<OccupancyId>,
}

/// The site's people (the host directory).
#[utoipa::path(get, path = "/api/v1/users", tag = "people", params(UserQuery),
    responses((status = 200, body = Vec<User>)), security(("bearer" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(
        people::people(&state.cloud, &session.actor, query.occupancy).await?,
    ))
}

/// Add a person (role administrator of the occupancy, or facility manager).
#[utoipa::path(post, path = "/api/v1/users", tag = "people", request_body = NewPerson,
    responses((status = 201, body = User), (status = 403), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewPerson>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let user = people::add_person(&state.cloud, session.caller(), request).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Every role of the site.
#[utoipa::path(get, path = "/api/v1/roles", tag = "people",
    responses((status = 200, body = Vec<Role>)), security(("bearer" = [])))]
pub async fn list_roles(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<Role>>, ApiError> {
    Ok(Json(people::roles(&state.cloud, &session.actor).await?))
}

/// Create a role: a preset in one step, or a named set of permissions. A role administrator
/// may only grant permissions they hold.
#[utoipa::path(post, path = "/api/v1/roles", tag = "people", request_body = NewRole,
    responses((status = 201, body = Role), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn create_role(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewRole>,
) -> Result<(StatusCode, Json<Role>), ApiError> {
    let role = people::create_role(&state.cloud, session.caller(), request).await?;
    Ok((StatusCode::CREATED, Json(role)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleAssignment {
    role_id: RoleId,
}

/// Give a person a role. An occupancy's roles go only to its own people.
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "people", request_body = RoleAssignment,
    params(("id" = UserId, Path)), responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn assign_role(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(request): ApiJson<RoleAssignment>,
) -> Result<StatusCode, ApiError> {
    people::assign_role(&state.cloud, session.caller(), id, request.role_id).await?;
    // The person's next request must see the role: forget every resolved token.
    state.sessions.forget_all();
    Ok(StatusCode::NO_CONTENT)
}

/// Take a role away from a person, within the same limits as giving it (never one's own).
#[utoipa::path(delete, path = "/api/v1/users/{id}/roles/{role_id}", tag = "people",
    params(("id" = UserId, Path), ("role_id" = RoleId, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn remove_role(
    State(state): State<AppState>,
    session: Session,
    ApiPath((id, role)): ApiPath<(UserId, RoleId)>,
) -> Result<StatusCode, ApiError> {
    people::remove_role(&state.cloud, session.caller(), id, role).await?;
    state.sessions.forget_all();
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivate a person: they can no longer sign in, and their sessions and API tokens end now.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "people",
    params(("id" = UserId, Path)), responses((status = 204), (status = 403), (status = 404)),
    security(("bearer" = [])))]
pub async fn deactivate(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<UserId>,
) -> Result<StatusCode, ApiError> {
    people::deactivate(&state.cloud, session.caller(), id).await?;
    state.sessions.forget_all();
    Ok(StatusCode::NO_CONTENT)
}

/// A person's effective permissions: the union of their roles, per scope. Anyone may see their
/// own; role administrators may see others'.
#[utoipa::path(get, path = "/api/v1/users/{id}/permissions", tag = "people",
    params(("id" = UserId, Path)), responses((status = 200, body = Vec<Grant>), (status = 403)), security(("bearer" = [])))]
pub async fn user_permissions(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<Vec<Grant>>, ApiError> {
    Ok(Json(
        people::permissions(&state.cloud, &session.actor, id).await?,
    ))
}
