//! A site to test against: a facility with two occupancies, visitor categories, and people in
//! every role the seeds describe, each already holding a bearer token.

use chrono::{DateTime, NaiveTime, TimeZone as _, Utc};
use gatehouse_cloud::{auth::new_token, store::NewUser};
use gatehouse_core::{
    Category, CategoryKind, Email, FacilityId, OccupancyId, Permission, PermissionSet, RoleId,
    RolePreset, RoleScope, UserId, category::AccessProfile, role::RoleName,
};
use reqwest::Method;
use serde_json::{Value, json};

use super::TestApp;

pub const SECURITY_EMAIL: &str = "security@tower.example";
pub const CONTRACTOR_EMAIL: &str = "contractors@tower.example";

#[derive(Debug, Clone)]
pub struct Person {
    pub id: UserId,
    pub email: String,
    pub token: String,
}

pub struct Site {
    pub facility: FacilityId,
    pub north: OccupancyId,
    pub blue: OccupancyId,
    pub north_manager_role: RoleId,
    /// Facility manager: every permission across the facility.
    pub manager: Person,
    /// Northwind's occupancy manager: invites for anyone, sees all, role administrator.
    pub north_manager: Person,
    /// Northwind's admin: may approve and reject.
    pub north_admin: Person,
    /// Northwind hosts with "Visitor Invitation Only".
    pub north_host: Person,
    pub north_host2: Person,
    /// Northwind's assistant with "Visitor Invitation All".
    pub north_assistant: Person,
    pub blue_host: Person,
    pub blue_admin: Person,
    /// Facility reception: admits visitors, sees all requests.
    pub reception: Person,
    /// Someone with no role at all.
    pub nobody: Person,
}

impl Site {
    #[allow(
        clippy::too_many_lines,
        reason = "the fixture reads best as one list of people"
    )]
    pub async fn create(app: &TestApp) -> Self {
        let db = &app.database;
        let now = app.clock.now();
        let facility = db
            .create_facility(
                "Test Tower",
                "Am Sandtorkai 1, 20457 Hamburg",
                chrono_tz::Europe::Berlin,
                NaiveTime::from_hms_opt(19, 0, 0).unwrap(),
                now,
            )
            .await
            .unwrap()
            .id;
        db.set_security_email(facility, Some(&Email::parse(SECURITY_EMAIL).unwrap()))
            .await
            .unwrap();
        for (kind, needs_approval, email, longest) in [
            (CategoryKind::Guest, false, None, None),
            (
                CategoryKind::Contractor,
                true,
                Some(CONTRACTOR_EMAIL),
                Some(480),
            ),
            (CategoryKind::Vendor, true, None, None),
            (CategoryKind::Delivery, false, None, Some(60)),
        ] {
            let category = Category {
                kind,
                enabled: true,
                needs_approval,
                email: email.map(|e| Email::parse(e).unwrap()),
                access_profile: AccessProfile {
                    longest_visit_minutes: longest,
                    documents: vec![],
                    walk_ins_unconfirmed: false,
                    ..AccessProfile::default()
                },
            };
            db.save_category(facility, &category).await.unwrap();
        }
        let north = db
            .create_occupancy(facility, "Northwind Labs")
            .await
            .unwrap()
            .id;
        let blue = db
            .create_occupancy(facility, "Blue Harbor Legal")
            .await
            .unwrap()
            .id;
        let role = async |scope, name: &str, permissions: PermissionSet| {
            db.create_role(
                facility,
                &RoleName::parse(name).unwrap(),
                scope,
                permissions,
                None,
                now,
            )
            .await
            .unwrap()
            .id
        };
        let facility_scope = RoleScope::Facility(facility);
        let manager_role = role(facility_scope, "Facility manager", PermissionSet::all()).await;
        let reception_role = role(
            facility_scope,
            "Reception",
            [Permission::VisitorAdmission, Permission::AllVisitorRequests].into(),
        )
        .await;
        let north_manager_role = role(
            RoleScope::Occupancy(north),
            "Occupancy manager",
            [
                Permission::VisitorInvitation,
                Permission::InviteForOthers,
                Permission::AllVisitorRequests,
                Permission::CanExceedEndOfDay,
                Permission::RoleAdministrator,
            ]
            .into(),
        )
        .await;
        let approver = [
            Permission::ApproveInvitations,
            Permission::VisitorInvitation,
        ]
        .into();
        let north_admin_role = role(RoleScope::Occupancy(north), "Approver", approver).await;
        let blue_admin_role = role(RoleScope::Occupancy(blue), "Approver", approver).await;
        let only = RolePreset::VisitorInvitationOnly;
        let north_only = role(
            RoleScope::Occupancy(north),
            "Visitor Invitation Only",
            only.permissions(),
        )
        .await;
        let blue_only = role(
            RoleScope::Occupancy(blue),
            "Visitor Invitation Only",
            only.permissions(),
        )
        .await;
        let all = RolePreset::VisitorInvitationAll;
        let north_all = role(
            RoleScope::Occupancy(north),
            "Visitor Invitation All",
            all.permissions(),
        )
        .await;

        let person = async |name: &str, occupancy: Option<OccupancyId>, roles: &[RoleId]| {
            let email = format!("{}@tower.example", name.to_lowercase().replace(' ', "."));
            let user = db
                .create_user(
                    NewUser {
                        facility,
                        occupancy,
                        display_name: name,
                        email: &Email::parse(&email).unwrap(),
                        password_hash: None,
                        language: gatehouse_core::Language::En,
                    },
                    now,
                )
                .await
                .unwrap();
            for role in roles {
                db.assign_role(user.id, *role, None, now).await.unwrap();
            }
            let token = new_token("ghs_");
            db.store_access_token(&token.hash, user.id, "session", None, now, None)
                .await
                .unwrap();
            Person {
                id: user.id,
                email,
                token: token.secret,
            }
        };
        Self {
            facility,
            north,
            blue,
            north_manager_role,
            manager: person("Fiona Manager", None, &[manager_role]).await,
            north_manager: person("Nora North", Some(north), &[north_manager_role]).await,
            north_admin: person("Nils Admin", Some(north), &[north_admin_role]).await,
            north_host: person("Hanna Host", Some(north), &[north_only]).await,
            north_host2: person("Hugo Host", Some(north), &[north_only]).await,
            north_assistant: person("Asta Assistant", Some(north), &[north_all]).await,
            blue_host: person("Bert Blue", Some(blue), &[blue_only]).await,
            blue_admin: person("Bea Admin", Some(blue), &[blue_admin_role]).await,
            reception: person("Rita Reception", None, &[reception_role]).await,
            nobody: person("Otto Nobody", Some(north), &[]).await,
        }
    }
}

/// A time on 2030-06-03 (a Monday) in Hamburg.
pub fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Berlin
        .with_ymd_and_hms(2030, 6, 3, hour, minute, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// An invitation request body.
pub fn invitation(category: &str, visitor: &str, host: Option<UserId>) -> Value {
    let email = format!("{}@guest.example", visitor.to_lowercase().replace(' ', "."));
    json!({
        "host_id": host,
        "category": category,
        "visitor": {"name": visitor, "email": email, "company": "Guest Co"},
        "window": {"starts_at": at(10, 0), "ends_at": at(12, 0)},
    })
}

impl TestApp {
    /// Saves the facility's zone map `zones` (a JSON list) and lets guests in without approval,
    /// for up to eight hours, into `guest_zones`, their doors opening 15 minutes early.
    pub async fn zone_map_with_guests_in(&self, site: &Site, zones: Value, guest_zones: &[&str]) {
        let map = json!({"version": 0, "zones": zones});
        let (status, body) = self
            .call(
                Method::PUT,
                "/api/v1/zone-map",
                Some(&site.manager.token),
                Some(map),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let guests = json!({"enabled": true, "needs_approval": false, "email": null,
            "access_profile": {"longest_visit_minutes": 480, "zones": guest_zones, "early_access_minutes": 15}});
        let (status, body) = self
            .call(
                Method::PUT,
                "/api/v1/categories/guest",
                Some(&site.manager.token),
                Some(guests),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// Creates an invitation as `person`, expecting success; returns its JSON.
    pub async fn invite(&self, person: &Person, body: Value) -> Value {
        let (status, json) = self
            .call(
                Method::POST,
                "/api/v1/invitations",
                Some(&person.token),
                Some(body),
            )
            .await;
        assert_eq!(status, 201, "{json}");
        json
    }

    /// `POST /api/v1/invitations/{id}/{action}` as `person`.
    pub async fn decide(
        &self,
        person: &Person,
        id: &Value,
        action: &str,
        body: Option<Value>,
    ) -> (reqwest::StatusCode, Value) {
        let id = id.as_str().expect("an invitation id");
        self.call(
            Method::POST,
            &format!("/api/v1/invitations/{id}/{action}"),
            Some(&person.token),
            body,
        )
        .await
    }
}
