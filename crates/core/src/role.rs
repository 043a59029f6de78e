//! Roles: named sets of permissions, each scoped to exactly one occupancy or to the facility
//! (seed "roles and permissions").

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{FacilityId, OccupancyId, Permission, PermissionSet, RoleId, text::Text};

/// Where a role's permissions act. A role is never shared between occupancies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RoleScope {
    /// Across the whole facility: the facility manager's kind of role.
    Facility(FacilityId),
    /// Inside one occupancy (tenant) only.
    Occupancy(OccupancyId),
}

/// Where a thing lives: its facility and the occupancy within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub facility: FacilityId,
    pub occupancy: OccupancyId,
}

impl RoleScope {
    /// Whether permissions held in this scope act on `place`.
    pub fn covers(self, place: Place) -> bool {
        match self {
            Self::Facility(facility) => facility == place.facility,
            Self::Occupancy(occupancy) => occupancy == place.occupancy,
        }
    }
}

impl fmt::Display for RoleScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Facility(id) => write!(f, "facility {id}"),
            Self::Occupancy(id) => write!(f, "occupancy {id}"),
        }
    }
}

/// A role's name: 1 to 80 characters.
pub type RoleName = Text<80>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Role {
    pub id: RoleId,
    pub name: RoleName,
    pub scope: RoleScope,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Permission>))]
    pub permissions: PermissionSet,
}

/// The two roles nearly every organisation hands out, creatable in one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RolePreset {
    /// Invite visitors and see your own invitations: nothing more.
    VisitorInvitationOnly,
    /// For whoever runs an organisation's visitors: invite for others, see all requests,
    /// and book past the end of the day.
    VisitorInvitationAll,
}

impl RolePreset {
    pub fn name(self) -> RoleName {
        let name = match self {
            Self::VisitorInvitationOnly => "Visitor Invitation Only",
            Self::VisitorInvitationAll => "Visitor Invitation All",
        };
        RoleName::parse(name).expect("preset names are valid")
    }

    pub fn permissions(self) -> PermissionSet {
        match self {
            Self::VisitorInvitationOnly => PermissionSet::from([Permission::VisitorInvitation]),
            Self::VisitorInvitationAll => PermissionSet::from([
                Permission::VisitorInvitation,
                Permission::InviteForOthers,
                Permission::AllVisitorRequests,
                Permission::CanExceedEndOfDay,
            ]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn visitor_invitation_only_holds_just_the_basic_permission() {
        let preset = RolePreset::VisitorInvitationOnly;
        assert_eq!(
            preset.permissions(),
            PermissionSet::from([Permission::VisitorInvitation])
        );
        assert_eq!(preset.name().as_str(), "Visitor Invitation Only");
    }

    #[test]
    fn visitor_invitation_all_adds_others_all_requests_and_end_of_day() {
        let permissions = RolePreset::VisitorInvitationAll.permissions();
        let names: Vec<_> = permissions.iter().map(Permission::as_str).collect();
        assert_eq!(
            names,
            [
                "visitor_invitation",
                "invite_for_others",
                "all_visitor_requests",
                "can_exceed_end_of_day"
            ]
        );
    }

    #[test]
    fn occupancy_scope_covers_only_its_occupancy_and_facility_scope_all() {
        let facility = FacilityId(Uuid::from_u128(1));
        let here = Place {
            facility,
            occupancy: OccupancyId(Uuid::from_u128(2)),
        };
        let there = Place {
            facility,
            occupancy: OccupancyId(Uuid::from_u128(3)),
        };
        assert!(RoleScope::Occupancy(here.occupancy).covers(here));
        assert!(!RoleScope::Occupancy(here.occupancy).covers(there));
        assert!(RoleScope::Facility(facility).covers(here));
        assert!(RoleScope::Facility(facility).covers(there));
        assert!(!RoleScope::Facility(FacilityId(Uuid::from_u128(9))).covers(here));
    }

    #[test]
    fn scope_travels_tagged() {
        let scope = RoleScope::Occupancy(OccupancyId(Uuid::from_u128(2)));
        let json = serde_json::to_value(scope).unwrap();
        assert_eq!(json["kind"], "occupancy");
        assert_eq!(serde_json::from_value::<RoleScope>(json).unwrap(), scope);
    }
}
