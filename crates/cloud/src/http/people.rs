//! Occupancies, people and roles.

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::{
    Action, Email, Grant, OccupancyId, PermissionSet, Role, RoleId, RolePreset, RoleScope, UserId,
    authorize, role::RoleName, text::Text,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiQuery},
};
use crate::{
    auth::hash_password,
    store::{NewUser, Occupancy, User},
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOccupancy {
    #[schema(value_type = String)]
    name: Text<120>,
}

/// The site's occupancies (tenants).
#[utoipa::path(get, path = "/api/v1/occupancies", tag = "people",
    responses((status = 200, body = Vec<Occupancy>)), security(("bearer" = [])))]
pub async fn list_occupancies(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<Occupancy>>, ApiError> {
    Ok(Json(
        state.database.occupancies(session.user.facility_id).await?,
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
    let facility = session.user.facility_id;
    authorize(&session.actor, Action::ConfigureFacility { facility })?;
    let occupancy = state
        .database
        .create_occupancy(facility, request.name.as_str())
        .await?;
    state.sites.forget(facility);
    Ok((StatusCode::CREATED, Json(occupancy)))
}

#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
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
        state
            .database
            .users(session.user.facility_id, query.occupancy)
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    #[schema(value_type = String)]
    display_name: Text<120>,
    email: Email,
    /// The person's occupancy; leave out for the facility's own staff.
    occupancy_id: Option<OccupancyId>,
    /// Leave out for a person who does not sign in (a host who only receives visitors).
    password: Option<String>,
}

/// Add a person (role administrator of the occupancy, or facility manager).
#[utoipa::path(post, path = "/api/v1/users", tag = "people", request_body = NewPerson,
    responses((status = 201, body = User), (status = 403), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewPerson>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let facility = session.user.facility_id;
    authorize(
        &session.actor,
        Action::AddPerson {
            facility,
            occupancy: request.occupancy_id,
        },
    )?;
    if let Some(occupancy) = request.occupancy_id {
        let known = state.database.occupancy(occupancy).await?;
        if known.is_none_or(|o| o.facility_id != facility) {
            return Err(ApiError::NotFound(format!(
                "there is no occupancy {occupancy}"
            )));
        }
    }
    let password_hash = match request.password {
        Some(password) => Some(
            tokio::task::spawn_blocking(move || hash_password(&password))
                .await
                .map_err(|_| ApiError::Internal)?
                .map_err(ApiError::invalid)?,
        ),
        None => None,
    };
    let user = state
        .database
        .create_user(
            NewUser {
                facility,
                occupancy: request.occupancy_id,
                display_name: request.display_name.as_str(),
                email: &request.email,
                password_hash,
            },
            state.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Every role of the site.
#[utoipa::path(get, path = "/api/v1/roles", tag = "people",
    responses((status = 200, body = Vec<Role>)), security(("bearer" = [])))]
pub async fn list_roles(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<Role>>, ApiError> {
    Ok(Json(state.database.roles(session.user.facility_id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    /// Where the role acts: one occupancy, or the whole facility.
    scope: RoleScope,
    /// Either a preset …
    preset: Option<RolePreset>,
    /// … or a name and the permissions.
    #[schema(value_type = Option<String>)]
    name: Option<RoleName>,
    #[schema(value_type = Option<Vec<gatehouse_core::Permission>>)]
    permissions: Option<PermissionSet>,
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
    let facility = session.user.facility_id;
    let (name, permissions) = match (request.preset, request.name, request.permissions) {
        (Some(preset), None, None) => (preset.name(), preset.permissions()),
        (None, Some(name), Some(permissions)) if !permissions.is_empty() => (name, permissions),
        (None, Some(_), Some(_)) => {
            return Err(ApiError::invalid("a role needs at least one permission"));
        }
        _ => {
            return Err(ApiError::invalid(
                "give either a preset, or a name and permissions",
            ));
        }
    };
    if let RoleScope::Occupancy(occupancy) = request.scope {
        let known = state.database.occupancy(occupancy).await?;
        if known.is_none_or(|o| o.facility_id != facility) {
            return Err(ApiError::NotFound(format!(
                "there is no occupancy {occupancy}"
            )));
        }
    }
    authorize(
        &session.actor,
        Action::CreateRole {
            facility,
            scope: request.scope,
            permissions,
        },
    )?;
    let role = state
        .database
        .create_role(
            facility,
            &name,
            request.scope,
            permissions,
            Some(session.user.id),
            state.clock.now(),
        )
        .await?;
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
    let facility = session.user.facility_id;
    let person = same_facility_user(&state, &session, id).await?;
    let role = match state.database.role(request.role_id).await? {
        Some((role_facility, role)) if role_facility == facility => role,
        _ => {
            return Err(ApiError::NotFound(format!(
                "there is no role {}",
                request.role_id
            )));
        }
    };
    authorize(
        &session.actor,
        Action::AssignRole {
            facility,
            role: &role,
            to: &person.member(),
        },
    )?;
    state
        .database
        .assign_role(person.id, role.id, Some(session.user.id), state.clock.now())
        .await?;
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
    let person = same_facility_user(&state, &session, id).await?;
    if person.id != session.user.id {
        authorize(
            &session.actor,
            Action::AddPerson {
                facility: person.facility_id,
                occupancy: person.occupancy_id,
            },
        )?;
    }
    Ok(Json(
        state.database.actor(&person).await?.effective_permissions(),
    ))
}

async fn same_facility_user(
    state: &AppState,
    session: &Session,
    id: UserId,
) -> Result<User, ApiError> {
    match state.database.user(id).await? {
        Some(user) if user.facility_id == session.user.facility_id => Ok(user),
        _ => Err(ApiError::NotFound(format!("there is no person {id}"))),
    }
}
