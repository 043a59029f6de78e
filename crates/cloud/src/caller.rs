//! Who asks a service to act: a signed-in person with their roles, or the cloud's operator at
//! its command line, setting a site up before anyone can sign in.

use gatehouse_core::{Action, Actor, Denied, FacilityId, UserId, access};

#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// A person, through the API: `core::access::authorize` decides.
    Person(&'a Actor),
    /// The operator of the cloud, for one facility (`gatehouse-cloud admin`): allowed what any
    /// role could allow there — but a role still goes only to someone who may hold it.
    Operator(FacilityId),
}

impl Caller<'_> {
    /// The facility the caller acts in.
    pub fn facility(self) -> FacilityId {
        match self {
            Self::Person(actor) => actor.facility,
            Self::Operator(facility) => facility,
        }
    }

    /// The person acting, for the records ("created by"); `None` for the operator.
    pub fn person(self) -> Option<UserId> {
        match self {
            Self::Person(actor) => Some(actor.user),
            Self::Operator(_) => None,
        }
    }

    /// Whether the caller may take `action`.
    pub fn authorize(self, action: Action<'_>) -> Result<(), Denied> {
        match (self, action) {
            (Self::Person(actor), action) => access::authorize(actor, action),
            (Self::Operator(_), Action::AssignRole { facility, role, to }) => {
                access::may_hold(facility, role, to)
            }
            (Self::Operator(_), _) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_core::{
        OccupancyId, Permission, PermissionSet, Role, RoleId, RoleScope, access::Member,
        role::RoleName,
    };
    use uuid::Uuid;

    use super::*;

    #[test]
    fn the_operator_still_gives_an_occupancys_role_only_to_its_own_people() {
        let facility = FacilityId(Uuid::from_u128(1));
        let north = OccupancyId(Uuid::from_u128(10));
        let blue = OccupancyId(Uuid::from_u128(20));
        let role = Role {
            id: RoleId(Uuid::from_u128(2)),
            name: RoleName::parse("North hosts").unwrap(),
            scope: RoleScope::Occupancy(north),
            permissions: PermissionSet::from_iter([Permission::VisitorInvitation]),
        };
        let member = |occupancy| Member {
            user: UserId(Uuid::from_u128(3)),
            facility,
            occupancy: Some(occupancy),
        };
        let operator = Caller::Operator(facility);
        let assign = |to| Action::AssignRole {
            facility,
            role: &role,
            to,
        };
        let (northerner, blue_harbor) = (member(north), member(blue));
        assert_eq!(operator.authorize(assign(&northerner)), Ok(()));
        assert_eq!(
            operator.authorize(assign(&blue_harbor)),
            Err(Denied::RoleOfAnotherOccupancy)
        );
        assert_eq!(operator.person(), None);
    }
}
