//! Every rule of the seed "roles and permissions", and the approval rights of "approval
//! process", as the domain decides them.

use uuid::Uuid;

use super::*;
use crate::{RoleId, RolePreset, role::RoleName};
use Permission::*;

struct Site {
    facility: FacilityId,
    north: Place,
    blue: Place,
}

fn site() -> Site {
    let facility = FacilityId(Uuid::from_u128(1));
    Site {
        facility,
        north: Place {
            facility,
            occupancy: OccupancyId(Uuid::from_u128(10)),
        },
        blue: Place {
            facility,
            occupancy: OccupancyId(Uuid::from_u128(20)),
        },
    }
}

fn user(n: u128) -> UserId {
    UserId(Uuid::from_u128(100 + n))
}

fn actor(n: u128, home: Option<Place>, grants: &[(RoleScope, &[Permission])]) -> Actor {
    let site = site();
    Actor {
        user: user(n),
        facility: site.facility,
        occupancy: home.map(|p| p.occupancy),
        grants: grants
            .iter()
            .map(|(scope, permissions)| Grant {
                scope: *scope,
                permissions: permissions.iter().copied().collect(),
            })
            .collect(),
    }
}

fn occ(place: Place) -> RoleScope {
    RoleScope::Occupancy(place.occupancy)
}

fn role(scope: RoleScope, permissions: &[Permission]) -> Role {
    Role {
        id: RoleId(Uuid::from_u128(999)),
        name: RoleName::parse("Test role").unwrap(),
        scope,
        permissions: permissions.iter().copied().collect(),
    }
}

fn member(n: u128, home: Place) -> Member {
    Member {
        user: user(n),
        facility: home.facility,
        occupancy: Some(home.occupancy),
    }
}

fn invitation(place: Place, host: UserId) -> InvitationFacts {
    InvitationFacts {
        place,
        host,
        created_by: host,
    }
}

fn create(place: Place, host: UserId) -> Action<'static> {
    Action::CreateInvitation {
        place,
        host,
        past_end_of_day: false,
        vendor: false,
    }
}

#[test]
fn visitor_invitation_lets_a_host_invite_and_see_their_own() {
    let s = site();
    let host = actor(1, Some(s.north), &[(occ(s.north), &[VisitorInvitation])]);
    assert_eq!(authorize(&host, create(s.north, host.user)), Ok(()));
    let own = invitation(s.north, host.user);
    assert_eq!(authorize(&host, Action::ViewInvitation(&own)), Ok(()));
    let colleagues = invitation(s.north, user(2));
    assert_eq!(
        authorize(&host, Action::ViewInvitation(&colleagues)),
        Err(Denied::NotYours)
    );
    assert_eq!(visibility(&host), Visibility::Own);
}

#[test]
fn naming_another_host_needs_invite_for_others() {
    let s = site();
    let host = actor(1, Some(s.north), &[(occ(s.north), &[VisitorInvitation])]);
    assert_eq!(
        authorize(&host, create(s.north, user(2))),
        Err(Denied::Missing(InviteForOthers))
    );
    let assistant = actor(
        3,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, InviteForOthers])],
    );
    assert_eq!(authorize(&assistant, create(s.north, user(2))), Ok(()));
}

#[test]
fn all_visitor_requests_sees_only_its_scope() {
    let s = site();
    let receptionist = actor(
        4,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, AllVisitorRequests])],
    );
    let in_scope = invitation(s.north, user(2));
    let elsewhere = invitation(s.blue, user(5));
    assert_eq!(
        authorize(&receptionist, Action::ViewInvitation(&in_scope)),
        Ok(())
    );
    assert_eq!(
        authorize(&receptionist, Action::ViewInvitation(&elsewhere)),
        Err(Denied::NotYours)
    );
    assert_eq!(
        visibility(&receptionist),
        Visibility::Occupancies(vec![s.north.occupancy])
    );
    let facility_wide = actor(
        6,
        None,
        &[(RoleScope::Facility(s.facility), &[AllVisitorRequests])],
    );
    assert_eq!(visibility(&facility_wide), Visibility::Facility(s.facility));
    assert_eq!(
        authorize(&facility_wide, Action::ViewInvitation(&elsewhere)),
        Ok(())
    );
}

#[test]
fn visitor_admission_is_needed_to_admit() {
    let s = site();
    let guest_of_north = invitation(s.north, user(2));
    let host = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, AllVisitorRequests])],
    );
    assert_eq!(
        authorize(&host, Action::AdmitVisitor(&guest_of_north)),
        Err(Denied::Missing(VisitorAdmission))
    );
    let guard = actor(
        7,
        None,
        &[(RoleScope::Facility(s.facility), &[VisitorAdmission])],
    );
    assert_eq!(
        authorize(&guard, Action::AdmitVisitor(&guest_of_north)),
        Ok(())
    );
}

#[test]
fn vendor_invitations_and_import_need_vendor_configuration() {
    let s = site();
    let host = actor(1, Some(s.north), &[(occ(s.north), &[VisitorInvitation])]);
    let vendor = Action::CreateInvitation {
        place: s.north,
        host: host.user,
        past_end_of_day: false,
        vendor: true,
    };
    assert_eq!(
        authorize(&host, vendor),
        Err(Denied::Missing(VisitorVendorConfiguration))
    );
    assert_eq!(
        authorize(&host, Action::ImportVisitors { place: s.north }),
        Err(Denied::Missing(VisitorVendorConfiguration))
    );
    let admin = actor(
        8,
        Some(s.north),
        &[(
            occ(s.north),
            &[VisitorInvitation, VisitorVendorConfiguration],
        )],
    );
    let own_vendor = Action::CreateInvitation {
        place: s.north,
        host: admin.user,
        past_end_of_day: false,
        vendor: true,
    };
    assert_eq!(authorize(&admin, own_vendor), Ok(()));
    assert_eq!(
        authorize(&admin, Action::ImportVisitors { place: s.north }),
        Ok(())
    );
}

#[test]
fn window_past_end_of_day_needs_permission() {
    let s = site();
    let late = |host| Action::CreateInvitation {
        place: s.north,
        host,
        past_end_of_day: true,
        vendor: false,
    };
    let holding = |n, preset: RolePreset| {
        let mut person = actor(n, Some(s.north), &[]);
        person.grants.push(Grant {
            scope: occ(s.north),
            permissions: preset.permissions(),
        });
        person
    };
    let only = holding(1, RolePreset::VisitorInvitationOnly);
    assert_eq!(
        authorize(&only, late(only.user)),
        Err(Denied::Missing(CanExceedEndOfDay))
    );
    let all = holding(2, RolePreset::VisitorInvitationAll);
    assert_eq!(authorize(&all, late(all.user)), Ok(()));
}

#[test]
fn any_admin_can_approve_and_only_admins() {
    let s = site();
    let pending = invitation(s.north, user(2));
    let admin = actor(9, Some(s.north), &[(occ(s.north), &[ApproveInvitations])]);
    let facility_admin = actor(
        10,
        None,
        &[(RoleScope::Facility(s.facility), &[ApproveInvitations])],
    );
    let other_admin = actor(11, Some(s.blue), &[(occ(s.blue), &[ApproveInvitations])]);
    let host = actor(
        2,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, AllVisitorRequests])],
    );
    assert_eq!(
        authorize(&admin, Action::ReviewInvitation(&pending)),
        Ok(())
    );
    assert_eq!(
        authorize(&facility_admin, Action::ReviewInvitation(&pending)),
        Ok(())
    );
    assert_eq!(
        authorize(&other_admin, Action::ReviewInvitation(&pending)),
        Err(Denied::Missing(ApproveInvitations))
    );
    assert_eq!(
        authorize(&host, Action::ReviewInvitation(&pending)),
        Err(Denied::Missing(ApproveInvitations))
    );
}

#[test]
fn permissions_of_two_roles_combine() {
    let s = site();
    let person = actor(
        1,
        Some(s.north),
        &[
            (occ(s.north), &[VisitorInvitation]),
            (occ(s.north), &[InviteForOthers]),
        ],
    );
    assert_eq!(authorize(&person, create(s.north, user(2))), Ok(()));
    assert_eq!(
        person.effective_permissions(),
        vec![Grant {
            scope: occ(s.north),
            permissions: [VisitorInvitation, InviteForOthers].into()
        }]
    );
}

#[test]
fn occupancy_role_acts_only_inside_its_occupancy() {
    let s = site();
    let host = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, InviteForOthers])],
    );
    assert_eq!(
        authorize(&host, create(s.blue, user(5))),
        Err(Denied::Missing(VisitorInvitation))
    );
}

#[test]
fn facility_role_spans_all_occupancies() {
    let s = site();
    let manager = actor(
        1,
        None,
        &[(
            RoleScope::Facility(s.facility),
            &[VisitorInvitation, InviteForOthers, AllVisitorRequests],
        )],
    );
    assert_eq!(authorize(&manager, create(s.north, user(2))), Ok(()));
    assert_eq!(authorize(&manager, create(s.blue, user(5))), Ok(()));
}

#[test]
fn nothing_reaches_into_another_facility() {
    let s = site();
    let manager = actor(
        1,
        None,
        &[(RoleScope::Facility(s.facility), &Permission::ALL)],
    );
    let elsewhere = Place {
        facility: FacilityId(Uuid::from_u128(2)),
        occupancy: OccupancyId(Uuid::from_u128(30)),
    };
    assert_eq!(
        authorize(&manager, create(elsewhere, user(40))),
        Err(Denied::OtherFacility)
    );
    let foreign_role = role(
        RoleScope::Occupancy(elsewhere.occupancy),
        &[VisitorInvitation],
    );
    let target = member(40, elsewhere);
    assert_eq!(
        authorize(
            &manager,
            Action::AssignRole {
                facility: elsewhere.facility,
                role: &foreign_role,
                to: &target
            }
        ),
        Err(Denied::OtherFacility)
    );
}

#[test]
fn role_admin_may_assign_their_own_role_within_their_occupancy() {
    let s = site();
    let manager_role = role(
        occ(s.north),
        &[VisitorInvitation, AllVisitorRequests, RoleAdministrator],
    );
    let manager = actor(
        1,
        Some(s.north),
        &[(
            manager_role.scope,
            &[VisitorInvitation, AllVisitorRequests, RoleAdministrator],
        )],
    );
    let colleague = member(2, s.north);
    assert_eq!(
        authorize(
            &manager,
            Action::AssignRole {
                facility: s.facility,
                role: &manager_role,
                to: &colleague
            }
        ),
        Ok(())
    );
}

#[test]
fn occupancy_role_cannot_be_assigned_in_other_occupancy() {
    let s = site();
    let north_role = role(occ(s.north), &[VisitorInvitation]);
    let outsider = member(5, s.blue);
    let occupancy_manager = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, RoleAdministrator])],
    );
    let facility_manager = actor(
        2,
        None,
        &[(RoleScope::Facility(s.facility), &Permission::ALL)],
    );
    for admin in [&occupancy_manager, &facility_manager] {
        assert_eq!(
            authorize(
                admin,
                Action::AssignRole {
                    facility: s.facility,
                    role: &north_role,
                    to: &outsider
                }
            ),
            Err(Denied::RoleOfAnotherOccupancy)
        );
    }
}

#[test]
fn role_admin_cannot_administer_another_occupancys_roles() {
    let s = site();
    let occupancy_manager = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, RoleAdministrator])],
    );
    let blue_role = role(occ(s.blue), &[VisitorInvitation]);
    assert_eq!(
        authorize(
            &occupancy_manager,
            Action::AssignRole {
                facility: s.facility,
                role: &blue_role,
                to: &member(5, s.blue)
            }
        ),
        Err(Denied::FacilityManagersOnly)
    );
    assert_eq!(
        authorize(
            &occupancy_manager,
            Action::CreateRole {
                facility: s.facility,
                scope: occ(s.blue),
                permissions: [VisitorInvitation].into()
            }
        ),
        Err(Denied::FacilityManagersOnly)
    );
}

#[test]
fn role_admin_creates_roles_with_a_subset_of_their_permissions() {
    let s = site();
    let manager = actor(
        1,
        Some(s.north),
        &[(
            occ(s.north),
            &[VisitorInvitation, InviteForOthers, RoleAdministrator],
        )],
    );
    let subset = Action::CreateRole {
        facility: s.facility,
        scope: occ(s.north),
        permissions: [VisitorInvitation, InviteForOthers].into(),
    };
    assert_eq!(authorize(&manager, subset), Ok(()));
}

#[test]
fn role_admin_cannot_grant_permission_they_lack() {
    let s = site();
    let manager = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, RoleAdministrator])],
    );
    let wider = Action::CreateRole {
        facility: s.facility,
        scope: occ(s.north),
        permissions: [VisitorInvitation, ApproveInvitations, CanExceedEndOfDay].into(),
    };
    assert_eq!(
        authorize(&manager, wider),
        Err(Denied::ExceedsOwnPermissions(
            [ApproveInvitations, CanExceedEndOfDay].into()
        ))
    );
}

#[test]
fn without_role_administrator_nobody_administers_roles() {
    let s = site();
    let host = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, InviteForOthers])],
    );
    let north_role = role(occ(s.north), &[VisitorInvitation]);
    assert_eq!(
        authorize(
            &host,
            Action::AssignRole {
                facility: s.facility,
                role: &north_role,
                to: &member(2, s.north)
            }
        ),
        Err(Denied::Missing(RoleAdministrator))
    );
    assert_eq!(
        authorize(
            &host,
            Action::CreateRole {
                facility: s.facility,
                scope: occ(s.north),
                permissions: [VisitorInvitation].into()
            }
        ),
        Err(Denied::Missing(RoleAdministrator))
    );
}

#[test]
fn facility_manager_creates_roles_for_any_occupancy() {
    let s = site();
    let facility_manager = actor(
        1,
        None,
        &[(RoleScope::Facility(s.facility), &Permission::ALL)],
    );
    for scope in [occ(s.north), occ(s.blue), RoleScope::Facility(s.facility)] {
        let action = Action::CreateRole {
            facility: s.facility,
            scope,
            permissions: PermissionSet::all(),
        };
        assert_eq!(authorize(&facility_manager, action), Ok(()), "{scope}");
    }
}

#[test]
fn role_administrators_assign_only_roles_whose_permissions_they_hold_themselves() {
    let s = site();
    let occupancy_manager = actor(
        1,
        Some(s.north),
        &[(
            occ(s.north),
            &[VisitorInvitation, ApproveInvitations, RoleAdministrator],
        )],
    );
    let assign = |role: &Role, to: Member| {
        authorize(
            &occupancy_manager,
            Action::AssignRole {
                facility: s.facility,
                role,
                to: &to,
            },
        )
    };
    // The facility manager made these roles for Northwind; Northwind's manager hands out the
    // one within her own permissions ("can assign their own Role to others") …
    let within = role(occ(s.north), &[VisitorInvitation, ApproveInvitations]);
    assert_eq!(assign(&within, member(2, s.north)), Ok(()));
    // … but not one granting what she lacks …
    let reception = role(occ(s.north), &[VisitorAdmission]);
    assert!(matches!(
        assign(&reception, member(2, s.north)),
        Err(Denied::ExceedsOwnPermissions(_))
    ));
    // … and never to herself, even within her permissions.
    assert_eq!(assign(&within, member(1, s.north)), Err(Denied::OwnRoles));
    assert_eq!(
        assign(&reception, member(1, s.north)),
        Err(Denied::OwnRoles)
    );
}

#[test]
fn a_person_is_deactivated_by_an_administrator_of_their_place_who_holds_at_least_as_much() {
    let s = site();
    let occupancy_manager = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, RoleAdministrator])],
    );
    let deactivate = |person: Member, holds: &[Permission]| {
        authorize(
            &occupancy_manager,
            Action::DeactivatePerson {
                facility: s.facility,
                person: &person,
                holds: holds.iter().copied().collect(),
            },
        )
    };
    assert_eq!(deactivate(member(2, s.north), &[VisitorInvitation]), Ok(()));
    assert!(matches!(
        deactivate(member(2, s.north), &[VisitorAdmission]),
        Err(Denied::ExceedsOwnPermissions(_))
    ));
    assert_eq!(deactivate(member(1, s.north), &[]), Err(Denied::OwnRoles));
    assert_eq!(
        deactivate(member(3, s.blue), &[]),
        Err(Denied::FacilityManagersOnly)
    );
}

#[test]
fn only_the_facility_manager_assigns_facility_roles() {
    let s = site();
    let facility_role = role(RoleScope::Facility(s.facility), &[VisitorInvitation]);
    let occupancy_manager = actor(
        1,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, RoleAdministrator])],
    );
    let facility_manager = actor(
        2,
        None,
        &[(RoleScope::Facility(s.facility), &Permission::ALL)],
    );
    let target = member(3, s.north);
    assert_eq!(
        authorize(
            &occupancy_manager,
            Action::AssignRole {
                facility: s.facility,
                role: &facility_role,
                to: &target
            }
        ),
        Err(Denied::FacilityManagersOnly)
    );
    assert_eq!(
        authorize(
            &facility_manager,
            Action::AssignRole {
                facility: s.facility,
                role: &facility_role,
                to: &target
            }
        ),
        Ok(())
    );
}

#[test]
fn cancel_is_for_the_host_creator_or_all_requests() {
    let s = site();
    let host = actor(1, Some(s.north), &[(occ(s.north), &[VisitorInvitation])]);
    let own = invitation(s.north, host.user);
    let other = invitation(s.north, user(2));
    assert_eq!(authorize(&host, Action::CancelInvitation(&own)), Ok(()));
    assert_eq!(
        authorize(&host, Action::CancelInvitation(&other)),
        Err(Denied::NotYours)
    );
    let assistant_created = InvitationFacts {
        place: s.north,
        host: user(2),
        created_by: host.user,
    };
    assert_eq!(
        authorize(&host, Action::CancelInvitation(&assistant_created)),
        Ok(())
    );
}

#[test]
fn only_the_facility_manager_configures_the_site() {
    let s = site();
    let facility_manager = actor(
        1,
        None,
        &[(RoleScope::Facility(s.facility), &Permission::ALL)],
    );
    let occupancy_manager = actor(2, Some(s.north), &[(occ(s.north), &Permission::ALL)]);
    let configure = Action::ConfigureFacility {
        facility: s.facility,
    };
    assert_eq!(authorize(&facility_manager, configure), Ok(()));
    assert_eq!(
        authorize(&occupancy_manager, configure),
        Err(Denied::FacilityManagersOnly)
    );
}

#[test]
fn an_organisation_s_categories_are_set_by_its_own_manager_or_the_facility_manager() {
    let s = site();
    let facility_manager = actor(
        1,
        None,
        &[(RoleScope::Facility(s.facility), &Permission::ALL)],
    );
    let north_manager = actor(
        2,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, RoleAdministrator])],
    );
    let north_host = actor(3, Some(s.north), &[(occ(s.north), &[VisitorInvitation])]);
    let configure = |place: Place| Action::ConfigureOccupancy {
        facility: s.facility,
        occupancy: place.occupancy,
    };
    assert_eq!(authorize(&facility_manager, configure(s.blue)), Ok(()));
    assert_eq!(authorize(&north_manager, configure(s.north)), Ok(()));
    assert_eq!(
        authorize(&north_manager, configure(s.blue)),
        Err(Denied::FacilityManagersOnly)
    );
    assert_eq!(
        authorize(&north_host, configure(s.north)),
        Err(Denied::Missing(RoleAdministrator))
    );
}

#[test]
fn role_admins_add_people_to_their_own_occupancy_only() {
    let s = site();
    let occupancy_manager = actor(
        2,
        Some(s.north),
        &[(occ(s.north), &[VisitorInvitation, RoleAdministrator])],
    );
    let add = |occupancy| Action::AddPerson {
        facility: s.facility,
        occupancy,
    };
    assert_eq!(
        authorize(&occupancy_manager, add(Some(s.north.occupancy))),
        Ok(())
    );
    assert_eq!(
        authorize(&occupancy_manager, add(Some(s.blue.occupancy))),
        Err(Denied::FacilityManagersOnly)
    );
    assert_eq!(
        authorize(&occupancy_manager, add(None)),
        Err(Denied::FacilityManagersOnly)
    );
}

#[test]
fn the_lobby_is_seen_by_whoever_admits_visitors_in_the_facility() {
    let s = site();
    let desk = actor(1, Some(s.north), &[(occ(s.north), &[VisitorAdmission])]);
    let host = actor(2, Some(s.north), &[(occ(s.north), &[VisitorInvitation])]);
    let lobby = || Action::SeeLobby {
        facility: s.facility,
    };
    assert_eq!(authorize(&desk, lobby()), Ok(()));
    assert_eq!(
        authorize(&host, lobby()),
        Err(Denied::Missing(VisitorAdmission))
    );
    let elsewhere = Action::SeeLobby {
        facility: FacilityId(Uuid::from_u128(2)),
    };
    assert_eq!(authorize(&desk, elsewhere), Err(Denied::OtherFacility));
}

#[test]
fn only_people_who_admit_or_approve_sign_in_at_a_kiosk_of_their_own_facility() {
    let s = site();
    let desk = actor(1, Some(s.north), &[(occ(s.north), &[VisitorAdmission])]);
    let admin = actor(
        3,
        None,
        &[(RoleScope::Facility(s.facility), &[ApproveInvitations])],
    );
    let host = actor(2, Some(s.north), &[(occ(s.north), &[VisitorInvitation])]);
    let here = || Action::SignInAtKiosk {
        facility: s.facility,
    };
    assert_eq!(authorize(&desk, here()), Ok(()));
    assert_eq!(authorize(&admin, here()), Ok(()));
    assert_eq!(authorize(&host, here()), Err(Denied::NotKioskStaff));
    let elsewhere = Action::SignInAtKiosk {
        facility: FacilityId(Uuid::from_u128(2)),
    };
    assert_eq!(authorize(&desk, elsewhere), Err(Denied::OtherFacility));
}

#[test]
fn only_visitor_vendor_configuration_for_the_whole_facility_changes_the_zone_map() {
    let site = site();
    let change = Action::ChangeZoneMap {
        facility: site.facility,
    };
    let facility_wide = actor(
        1,
        None,
        &[(
            RoleScope::Facility(site.facility),
            &[VisitorVendorConfiguration],
        )],
    );
    assert_eq!(authorize(&facility_wide, change), Ok(()));
    // An organisation's own grant configures its vendors, not the building's doors.
    let tenant = actor(
        2,
        Some(site.north),
        &[(
            occ(site.north),
            &[VisitorVendorConfiguration, RoleAdministrator],
        )],
    );
    assert_eq!(
        authorize(&tenant, change),
        Err(Denied::Missing(VisitorVendorConfiguration))
    );
    let elsewhere = Action::ChangeZoneMap {
        facility: FacilityId(Uuid::from_u128(2)),
    };
    assert_eq!(
        authorize(&facility_wide, elsewhere),
        Err(Denied::OtherFacility)
    );
}
