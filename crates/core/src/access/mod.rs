//! The one place that decides whether a person may do something (seed "roles and permissions";
//! approvals from seed "approval process"). The HTTP layer only asks [`authorize`].

use serde::Serialize;

use crate::{
    FacilityId, OccupancyId, Permission, PermissionSet, Role, RoleScope, UserId, role::Place,
};

/// Permissions a person holds in one scope, through one of their roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grant {
    pub scope: RoleScope,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Permission>))]
    pub permissions: PermissionSet,
}

/// A signed-in person as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub facility: FacilityId,
    /// The occupancy the person belongs to; facility staff may belong to none.
    pub occupancy: Option<OccupancyId>,
    /// One grant per role held. A person's permissions are the union of their roles.
    pub grants: Vec<Grant>,
}

impl Actor {
    /// Everything this person may do at `place`: the union of every role whose scope covers it.
    pub fn permissions_at(&self, place: Place) -> PermissionSet {
        self.grants
            .iter()
            .filter(|grant| grant.scope.covers(place))
            .fold(PermissionSet::EMPTY, |all, grant| {
                all.union(grant.permissions)
            })
    }

    /// What the person holds in exactly this scope: for a facility scope only facility roles
    /// count, for an occupancy scope both that occupancy's roles and facility roles do.
    fn permissions_in(&self, scope: RoleScope) -> PermissionSet {
        match scope {
            RoleScope::Occupancy(occupancy) => self.permissions_at(Place {
                facility: self.facility,
                occupancy,
            }),
            RoleScope::Facility(facility) => self
                .grants
                .iter()
                .filter(|grant| grant.scope == RoleScope::Facility(facility))
                .fold(PermissionSet::EMPTY, |all, grant| {
                    all.union(grant.permissions)
                }),
        }
    }

    /// The union of the person's roles, merged per scope, for "effective permissions".
    pub fn effective_permissions(&self) -> Vec<Grant> {
        let mut merged: Vec<Grant> = Vec::new();
        for grant in &self.grants {
            match merged.iter_mut().find(|m| m.scope == grant.scope) {
                Some(existing) => {
                    existing.permissions = existing.permissions.union(grant.permissions);
                }
                None => merged.push(*grant),
            }
        }
        merged
    }

    /// Whether any of the person's roles, wherever it applies, grants `permission`.
    pub fn holds_anywhere(&self, permission: Permission) -> bool {
        self.grants
            .iter()
            .any(|g| g.permissions.contains(permission))
    }
}

/// What the rules need to know about an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationFacts {
    pub place: Place,
    pub host: UserId,
    pub created_by: UserId,
}

impl InvitationFacts {
    fn is_own(&self, actor: &Actor) -> bool {
        self.host == actor.user || self.created_by == actor.user
    }
}

/// What the rules need to know about a person being given a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub user: UserId,
    pub facility: FacilityId,
    pub occupancy: Option<OccupancyId>,
}

/// Everything a person can ask to do.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Invite a visitor of `host`, who works at `place`.
    CreateInvitation {
        place: Place,
        host: UserId,
        past_end_of_day: bool,
        vendor: bool,
    },
    ViewInvitation(&'a InvitationFacts),
    CancelInvitation(&'a InvitationFacts),
    /// Approve, reject, or move an approved invitation back to pending or to rejected.
    ReviewInvitation(&'a InvitationFacts),
    AdmitVisitor(&'a InvitationFacts),
    /// Say whether a walk-in asking for the host is their visitor: the host, or reception.
    AnswerWalkIn(&'a InvitationFacts),
    /// Open reception's Lobby page of `facility`: whoever admits visitors somewhere in it. What
    /// the page then shows is limited to the visitors they may admit.
    SeeLobby {
        facility: FacilityId,
    },
    /// Sign in at a kiosk of `facility` as staff: whoever admits visitors or approves
    /// invitations somewhere in it.
    SignInAtKiosk {
        facility: FacilityId,
    },
    ImportVisitors {
        place: Place,
    },
    CreateRole {
        facility: FacilityId,
        scope: RoleScope,
        permissions: PermissionSet,
    },
    /// Give `to` a role, or take it away: only a role whose permissions the administrator
    /// holds themselves, and never their own.
    AssignRole {
        facility: FacilityId,
        role: &'a Role,
        to: &'a Member,
    },
    /// Deactivate `person`, who holds `holds` through their roles: their sessions and tokens
    /// end, and they can no longer sign in.
    DeactivatePerson {
        facility: FacilityId,
        person: &'a Member,
        holds: PermissionSet,
    },
    /// Add a person to an occupancy, or to the facility's own staff (`None`).
    AddPerson {
        facility: FacilityId,
        occupancy: Option<OccupancyId>,
    },
    /// The building's access-control system: its connector, door mapping, and door scans
    /// reported for it — as the zone map, who holds `visitor_vendor_configuration` for the whole
    /// facility.
    ConnectAccessControl {
        facility: FacilityId,
    },
    /// The muster list (everyone inside the building, where they last scanned): reception of
    /// the whole facility, who admits visitors there.
    SeeMuster {
        facility: FacilityId,
    },
    /// The facility's watchlist: its entries, their import, the identity provider's SCIM link —
    /// facility managers, as the site's settings.
    ManageWatchlist {
        facility: FacilityId,
    },
    /// The utilisation report (visitors per day, time by zone): facility managers.
    SeeUtilisation {
        facility: FacilityId,
    },
    /// Decide about an invitation screening held (not the listed person, or let in anyway): an
    /// approver for the whole facility, who may see the watchlist entry it matched.
    DecideScreeningHold {
        facility: FacilityId,
    },
    /// Site settings: occupancies, the default visitor categories, the building's security
    /// email.
    ConfigureFacility {
        facility: FacilityId,
    },
    /// The building's zones, doors and rooms: who holds `visitor_vendor_configuration` for the
    /// whole facility.
    ChangeZoneMap {
        facility: FacilityId,
    },
    /// An organisation's own settings: the categories its people invite in, who of it is told.
    /// Its occupancy manager's (a role administrator there), or the facility manager's.
    ConfigureOccupancy {
        facility: FacilityId,
        occupancy: OccupancyId,
    },
}

/// Why not: in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("this needs the {0} permission")]
    Missing(Permission),
    #[error("that belongs to another facility")]
    OtherFacility,
    #[error(
        "only its host, the person who created it, or someone who sees all visitor requests may do that"
    )]
    NotYours,
    #[error("a role administrator may only grant permissions they hold themselves; missing: {0}")]
    ExceedsOwnPermissions(PermissionSet),
    #[error("an occupancy's role can only be given to people of that occupancy")]
    RoleOfAnotherOccupancy,
    #[error("only the facility manager administers facility roles and other occupancies' roles")]
    FacilityManagersOnly,
    #[error("no one gives, takes away or ends their own roles; ask another role administrator")]
    OwnRoles,
    #[error("this needs a signed-in session, not an API token")]
    SignedInSessionNeeded,
    #[error("that belongs to another organisation in the building")]
    OtherTenant,
    #[error("signing in at a kiosk needs the visitor_admission or approve_invitations permission")]
    NotKioskStaff,
}

/// Staff at a kiosk of their own facility: whoever admits visitors or approves invitations.
fn sign_in_at_kiosk(actor: &Actor, facility: FacilityId) -> Result<(), Denied> {
    if facility != actor.facility {
        Err(Denied::OtherFacility)
    } else if actor.holds_anywhere(Permission::VisitorAdmission)
        || actor.holds_anywhere(Permission::ApproveInvitations)
    {
        Ok(())
    } else {
        Err(Denied::NotKioskStaff)
    }
}

/// Whether `actor` holds `permission` for the whole of their own `facility`; `otherwise` if not.
fn facility_wide(
    actor: &Actor,
    facility: FacilityId,
    permission: Permission,
    otherwise: Denied,
) -> Result<(), Denied> {
    if facility != actor.facility {
        Err(Denied::OtherFacility)
    } else if actor
        .permissions_in(RoleScope::Facility(facility))
        .contains(permission)
    {
        Ok(())
    } else {
        Err(otherwise)
    }
}

/// Whether `actor` holds `permission` at `place`, in their own facility.
fn need(actor: &Actor, place: Place, permission: Permission) -> Result<(), Denied> {
    if place.facility != actor.facility {
        Err(Denied::OtherFacility)
    } else if actor.permissions_at(place).contains(permission) {
        Ok(())
    } else {
        Err(Denied::Missing(permission))
    }
}

/// Roles within the administrator's own permissions, to people who may hold them, never to
/// themselves.
fn assign_role(
    actor: &Actor,
    facility: FacilityId,
    role: &Role,
    to: &Member,
) -> Result<(), Denied> {
    administer(actor, facility, role.scope)?;
    if to.user == actor.user {
        return Err(Denied::OwnRoles);
    }
    holds_all(actor, role.scope, role.permissions)?;
    may_hold(facility, role, to)
}

/// An administrator of the person's place who holds at least what they hold; never oneself.
fn deactivate_person(
    actor: &Actor,
    facility: FacilityId,
    person: &Member,
    holds: PermissionSet,
) -> Result<(), Denied> {
    let scope = person
        .occupancy
        .map_or(RoleScope::Facility(facility), RoleScope::Occupancy);
    administer(actor, facility, scope)?;
    if person.facility != facility {
        return Err(Denied::OtherFacility);
    }
    if person.user == actor.user {
        return Err(Denied::OwnRoles);
    }
    holds_all(actor, scope, holds)
}

/// A role administrator grants (or takes away) only what they hold themselves in `scope`.
fn holds_all(actor: &Actor, scope: RoleScope, permissions: PermissionSet) -> Result<(), Denied> {
    let missing = permissions.without(actor.permissions_in(scope));
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Denied::ExceedsOwnPermissions(missing))
    }
}

/// The host answers for their own walk-in; reception for anyone's they admit.
fn answer_walk_in(actor: &Actor, invitation: &InvitationFacts) -> Result<(), Denied> {
    if invitation.host == actor.user && invitation.place.facility == actor.facility {
        return Ok(());
    }
    need(actor, invitation.place, Permission::VisitorAdmission)
}

/// Reception's Lobby page: whoever admits visitors somewhere in the facility.
fn see_lobby(actor: &Actor, facility: FacilityId) -> Result<(), Denied> {
    if facility != actor.facility {
        Err(Denied::OtherFacility)
    } else if actor.holds_anywhere(Permission::VisitorAdmission) {
        Ok(())
    } else {
        Err(Denied::Missing(Permission::VisitorAdmission))
    }
}

/// Decides whether `actor` may take `action`. Receiving an email grants nothing: only roles do.
pub fn authorize(actor: &Actor, action: Action<'_>) -> Result<(), Denied> {
    let need = |place: Place, permission: Permission| need(actor, place, permission);
    match action {
        Action::CreateInvitation {
            place,
            host,
            past_end_of_day,
            vendor,
        } => {
            need(place, Permission::VisitorInvitation)?;
            if host != actor.user {
                need(place, Permission::InviteForOthers)?;
            }
            if past_end_of_day {
                need(place, Permission::CanExceedEndOfDay)?;
            }
            if vendor {
                need(place, Permission::VisitorVendorConfiguration)?;
            }
            Ok(())
        }
        Action::ViewInvitation(invitation) => {
            let place = invitation.place;
            if invitation.is_own(actor) && actor.holds_anywhere(Permission::VisitorInvitation) {
                return Ok(());
            }
            need(place, Permission::AllVisitorRequests)
                .or_else(|_| need(place, Permission::ApproveInvitations))
                .or_else(|_| need(place, Permission::VisitorAdmission))
                .map_err(|_| Denied::NotYours)
        }
        Action::CancelInvitation(invitation) => {
            if invitation.is_own(actor) && actor.holds_anywhere(Permission::VisitorInvitation) {
                return Ok(());
            }
            need(invitation.place, Permission::AllVisitorRequests).map_err(|_| Denied::NotYours)
        }
        Action::ReviewInvitation(invitation) => {
            need(invitation.place, Permission::ApproveInvitations)
        }
        Action::AdmitVisitor(invitation) => need(invitation.place, Permission::VisitorAdmission),
        Action::AnswerWalkIn(invitation) => answer_walk_in(actor, invitation),
        Action::SignInAtKiosk { facility } => sign_in_at_kiosk(actor, facility),
        Action::SeeLobby { facility } => see_lobby(actor, facility),
        Action::ImportVisitors { place } => need(place, Permission::VisitorVendorConfiguration),
        Action::CreateRole {
            facility,
            scope,
            permissions,
        } => {
            administer(actor, facility, scope)?;
            holds_all(actor, scope, permissions)
        }
        Action::AssignRole { facility, role, to } => assign_role(actor, facility, role, to),
        Action::DeactivatePerson {
            facility,
            person,
            holds,
        } => deactivate_person(actor, facility, person, holds),
        Action::AddPerson {
            facility,
            occupancy,
        } => administer(
            actor,
            facility,
            occupancy.map_or(RoleScope::Facility(facility), RoleScope::Occupancy),
        ),
        Action::ConfigureOccupancy {
            facility,
            occupancy,
        } => administer(actor, facility, RoleScope::Occupancy(occupancy)),
        Action::ChangeZoneMap { facility } | Action::ConnectAccessControl { facility } => {
            facility_wide(
                actor,
                facility,
                Permission::VisitorVendorConfiguration,
                Denied::Missing(Permission::VisitorVendorConfiguration),
            )
        }
        Action::SeeMuster { facility } => facility_wide(
            actor,
            facility,
            Permission::VisitorAdmission,
            Denied::Missing(Permission::VisitorAdmission),
        ),
        Action::ConfigureFacility { facility }
        | Action::ManageWatchlist { facility }
        | Action::SeeUtilisation { facility } => facility_wide(
            actor,
            facility,
            Permission::RoleAdministrator,
            Denied::FacilityManagersOnly,
        ),
        Action::DecideScreeningHold { facility } => facility_wide(
            actor,
            facility,
            Permission::ApproveInvitations,
            Denied::Missing(Permission::ApproveInvitations),
        ),
    }
}

/// Whether `person` may hold `role` of `facility` at all, whoever assigns it: a role never
/// crosses facilities, and an occupancy's role goes only to that occupancy's people.
pub fn may_hold(facility: FacilityId, role: &Role, person: &Member) -> Result<(), Denied> {
    if person.facility != facility {
        return Err(Denied::OtherFacility);
    }
    match role.scope {
        RoleScope::Occupancy(occupancy) if person.occupancy != Some(occupancy) => {
            Err(Denied::RoleOfAnotherOccupancy)
        }
        _ => Ok(()),
    }
}

/// May `actor` administer roles of `scope` in `facility`? The facility manager (role
/// administrator through a facility role) may administer every scope; an occupancy's role
/// administrator only their own occupancy's roles.
fn administer(actor: &Actor, facility: FacilityId, scope: RoleScope) -> Result<(), Denied> {
    if facility != actor.facility {
        return Err(Denied::OtherFacility);
    }
    if let RoleScope::Facility(of) = scope
        && of != facility
    {
        return Err(Denied::OtherFacility);
    }
    if actor
        .permissions_in(RoleScope::Facility(facility))
        .contains(Permission::RoleAdministrator)
    {
        return Ok(());
    }
    match scope {
        RoleScope::Occupancy(occupancy) if actor.occupancy == Some(occupancy) => {
            if actor
                .permissions_in(scope)
                .contains(Permission::RoleAdministrator)
            {
                Ok(())
            } else {
                Err(Denied::Missing(Permission::RoleAdministrator))
            }
        }
        _ if actor.holds_anywhere(Permission::RoleAdministrator) => {
            Err(Denied::FacilityManagersOnly)
        }
        _ => Err(Denied::Missing(Permission::RoleAdministrator)),
    }
}

/// Which invitations a person sees in lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every invitation in the facility.
    Facility(FacilityId),
    /// Every invitation of these occupancies, plus the person's own anywhere.
    Occupancies(Vec<OccupancyId>),
    /// Only invitations the person hosts or created.
    Own,
}

/// The widest list `actor` may see: the scopes where they hold `all_visitor_requests`
/// (or review or admit visitors), else their own invitations.
pub fn visibility(actor: &Actor) -> Visibility {
    let sees_all = |g: &&Grant| {
        g.permissions.contains(Permission::AllVisitorRequests)
            || g.permissions.contains(Permission::ApproveInvitations)
            || g.permissions.contains(Permission::VisitorAdmission)
    };
    if actor
        .grants
        .iter()
        .filter(sees_all)
        .any(|g| g.scope == RoleScope::Facility(actor.facility))
    {
        return Visibility::Facility(actor.facility);
    }
    let mut occupancies: Vec<OccupancyId> = actor
        .grants
        .iter()
        .filter(sees_all)
        .filter_map(|g| match g.scope {
            RoleScope::Occupancy(o) => Some(o),
            RoleScope::Facility(_) => None,
        })
        .collect();
    occupancies.sort_unstable();
    occupancies.dedup();
    if occupancies.is_empty() {
        Visibility::Own
    } else {
        Visibility::Occupancies(occupancies)
    }
}

#[cfg(test)]
mod tests;
