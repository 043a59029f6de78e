//! Occupancies, people and roles (seed "roles and permissions"): who may add whom, and which
//! roles a role administrator may create and give.

use gatehouse_core::{
    Action, Actor, Email, FacilityId, Grant, Language, OccupancyId, PermissionSet, Role, RoleId,
    RolePreset, RoleScope, UserId, authorize, role::RoleName, text::Text,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    auth::hash_password,
    caller::Caller,
    context::Cloud,
    error::ServiceError,
    store::{NewUser, Occupancy, User},
};

/// The site's occupancies (tenants).
pub async fn occupancies(cloud: &Cloud, actor: &Actor) -> Result<Vec<Occupancy>, ServiceError> {
    Ok(cloud.database.occupancies(actor.facility).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOccupancy {
    pub name: Text<120>,
}

/// A facility manager (or the operator) adds an occupancy.
pub async fn create_occupancy(
    cloud: &Cloud,
    caller: Caller<'_>,
    request: &NewOccupancy,
) -> Result<Occupancy, ServiceError> {
    let facility = caller.facility();
    caller.authorize(Action::ConfigureFacility { facility })?;
    let occupancy = cloud
        .database
        .create_occupancy(facility, request.name.as_str())
        .await?;
    cloud.sites.forget(facility);
    Ok(occupancy)
}

/// The people `actor` may see: the facility manager everyone (or one occupancy's); anyone else
/// their own organisation's colleagues, and the people of the occupancies whose roles they
/// administer. Another tenant's staff and emails never.
pub async fn people(
    cloud: &Cloud,
    actor: &Actor,
    occupancy: Option<OccupancyId>,
) -> Result<Vec<User>, ServiceError> {
    let facility = actor.facility;
    if administers(actor, None) {
        return Ok(cloud.database.users(facility, occupancy).await?);
    }
    let Some(occupancy) = occupancy.or(actor.occupancy) else {
        // Facility staff who administer nothing see themselves.
        return Ok(cloud.database.user(actor.user).await?.into_iter().collect());
    };
    if actor.occupancy != Some(occupancy) && !administers(actor, Some(occupancy)) {
        return Err(ServiceError::Forbidden(gatehouse_core::Denied::OtherTenant));
    }
    Ok(cloud.database.users(facility, Some(occupancy)).await?)
}

/// Whether `actor` administers the people and roles of `occupancy` (`None`: the facility's).
fn administers(actor: &Actor, occupancy: Option<OccupancyId>) -> bool {
    authorize(
        actor,
        Action::AddPerson {
            facility: actor.facility,
            occupancy,
        },
    )
    .is_ok()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub display_name: Text<120>,
    pub email: Email,
    /// The person's occupancy; leave out for the facility's own staff.
    pub occupancy_id: Option<OccupancyId>,
    /// Leave out for a person who does not sign in (a host who only receives visitors).
    pub password: Option<String>,
    /// The language their emails come in; English where left out.
    #[serde(default)]
    pub language: Language,
}

/// A role administrator of the occupancy, or the facility manager, adds a person.
pub async fn add_person(
    cloud: &Cloud,
    caller: Caller<'_>,
    request: NewPerson,
) -> Result<User, ServiceError> {
    let facility = caller.facility();
    caller.authorize(Action::AddPerson {
        facility,
        occupancy: request.occupancy_id,
    })?;
    if let Some(occupancy) = request.occupancy_id {
        occupancy_here(cloud, facility, occupancy).await?;
    }
    let password_hash = match request.password {
        Some(password) => Some(
            crate::sessions::check_password(cloud, move || hash_password(&password))
                .await?
                .map_err(ServiceError::invalid)?,
        ),
        None => None,
    };
    Ok(cloud
        .database
        .create_user(
            NewUser {
                facility,
                occupancy: request.occupancy_id,
                display_name: request.display_name.as_str(),
                email: &request.email,
                password_hash,
                language: request.language,
            },
            cloud.clock.now(),
        )
        .await?)
}

/// The roles `actor` administers: all of the site's for the facility manager, their
/// occupancy's for its role administrators, none for anyone else.
pub async fn roles(cloud: &Cloud, actor: &Actor) -> Result<Vec<Role>, ServiceError> {
    let mut roles = cloud.database.roles(actor.facility).await?;
    roles.retain(|role| match role.scope {
        RoleScope::Facility(_) => administers(actor, None),
        RoleScope::Occupancy(occupancy) => administers(actor, Some(occupancy)),
    });
    Ok(roles)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    /// Where the role acts: one occupancy, or the whole facility.
    pub scope: RoleScope,
    /// Either a preset …
    pub preset: Option<RolePreset>,
    /// … or a name and the permissions.
    pub name: Option<RoleName>,
    #[schema(value_type = Option<Vec<gatehouse_core::Permission>>)]
    pub permissions: Option<PermissionSet>,
}

/// Creates a role: a preset in one step, or a named set of permissions. A role administrator
/// may only grant permissions they hold.
pub async fn create_role(
    cloud: &Cloud,
    caller: Caller<'_>,
    request: NewRole,
) -> Result<Role, ServiceError> {
    let facility = caller.facility();
    let (name, permissions) = match (request.preset, request.name, request.permissions) {
        (Some(preset), None, None) => (preset.name(), preset.permissions()),
        (None, Some(name), Some(permissions)) if !permissions.is_empty() => (name, permissions),
        (None, Some(_), Some(_)) => {
            return Err(ServiceError::invalid(
                "a role needs at least one permission",
            ));
        }
        _ => {
            return Err(ServiceError::invalid(
                "give either a preset, or a name and permissions",
            ));
        }
    };
    if let RoleScope::Occupancy(occupancy) = request.scope {
        occupancy_here(cloud, facility, occupancy).await?;
    }
    caller.authorize(Action::CreateRole {
        facility,
        scope: request.scope,
        permissions,
    })?;
    Ok(cloud
        .database
        .create_role(
            facility,
            &name,
            request.scope,
            permissions,
            caller.person(),
            cloud.clock.now(),
        )
        .await?)
}

/// Gives `person` a role. An occupancy's roles go only to its own people.
pub async fn assign_role(
    cloud: &Cloud,
    caller: Caller<'_>,
    person: UserId,
    role: RoleId,
) -> Result<(), ServiceError> {
    let facility = caller.facility();
    let person = person_here(cloud, facility, person).await?;
    let role = match cloud.database.role(role).await? {
        Some((role_facility, role)) if role_facility == facility => role,
        _ => return Err(ServiceError::NotFound(format!("there is no role {role}"))),
    };
    caller.authorize(Action::AssignRole {
        facility,
        role: &role,
        to: &person.member(),
    })?;
    cloud
        .database
        .assign_role(person.id, role.id, caller.person(), cloud.clock.now())
        .await?;
    Ok(())
}

/// Takes a role away from `person`, within the same limits as giving it.
pub async fn remove_role(
    cloud: &Cloud,
    caller: Caller<'_>,
    person: UserId,
    role: RoleId,
) -> Result<(), ServiceError> {
    let facility = caller.facility();
    let person = person_here(cloud, facility, person).await?;
    let not_held =
        || ServiceError::NotFound(format!("{} does not hold the role {role}", person.id));
    let role = match cloud.database.role(role).await? {
        Some((role_facility, role)) if role_facility == facility => role,
        _ => return Err(not_held()),
    };
    caller.authorize(Action::AssignRole {
        facility,
        role: &role,
        to: &person.member(),
    })?;
    if !cloud.database.remove_role(person.id, role.id).await? {
        return Err(not_held());
    }
    Ok(())
}

/// Deactivates `person`: they can no longer sign in, and their sessions and API tokens end
/// with it. A role administrator of their place who holds at least what they hold may.
pub async fn deactivate(
    cloud: &Cloud,
    caller: Caller<'_>,
    person: UserId,
) -> Result<(), ServiceError> {
    let facility = caller.facility();
    let person = person_here(cloud, facility, person).await?;
    let holds = cloud
        .database
        .actor(&person)
        .await?
        .grants
        .iter()
        .fold(PermissionSet::default(), |all, grant| {
            all.union(grant.permissions)
        });
    caller.authorize(Action::DeactivatePerson {
        facility,
        person: &person.member(),
        holds,
    })?;
    cloud
        .database
        .deactivate(person.id, cloud.clock.now())
        .await?;
    Ok(())
}

/// A person's effective permissions: the union of their roles, per scope. Anyone may see their
/// own; role administrators may see others'.
pub async fn permissions(
    cloud: &Cloud,
    actor: &Actor,
    person: UserId,
) -> Result<Vec<Grant>, ServiceError> {
    let person = person_here(cloud, actor.facility, person).await?;
    if person.id != actor.user {
        authorize(
            actor,
            Action::AddPerson {
                facility: person.facility_id,
                occupancy: person.occupancy_id,
            },
        )?;
    }
    Ok(cloud.database.actor(&person).await?.effective_permissions())
}

async fn person_here(
    cloud: &Cloud,
    facility: FacilityId,
    id: UserId,
) -> Result<User, ServiceError> {
    match cloud.database.user(id).await? {
        Some(user) if user.facility_id == facility => Ok(user),
        _ => Err(ServiceError::NotFound(format!("there is no person {id}"))),
    }
}

async fn occupancy_here(
    cloud: &Cloud,
    facility: FacilityId,
    occupancy: OccupancyId,
) -> Result<(), ServiceError> {
    let known = cloud.database.occupancy(occupancy).await?;
    if known.is_none_or(|o| o.facility_id != facility) {
        return Err(ServiceError::NotFound(format!(
            "there is no occupancy {occupancy}"
        )));
    }
    Ok(())
}
