//! Every permission against every action, allowed and denied, in the person's own occupancy and
//! in another occupancy's — on SQLite and on PostgreSQL.
//!
//! Each person holds `visitor_invitation` + `invite_for_others` plus the one permission under
//! test, in a role scoped to Northwind ("own") or to Blue Harbor ("other"). Every action targets
//! Northwind.

use crate::support::{Person, Site, TestApp, at, invitation};
use gatehouse_cloud::{auth::new_token, store::NewUser};
use gatehouse_core::{Email, Permission, PermissionSet, RoleScope, role::RoleName};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    InviteForNorthHost,
    InvitePastEndOfDay,
    InviteVendor,
    ViewOthersInvitation,
    ApprovePending,
    CancelOthersInvitation,
    CreateSubRole,
    ImportCsv,
}

const ACTS: [Act; 8] = [
    Act::InviteForNorthHost,
    Act::InvitePastEndOfDay,
    Act::InviteVendor,
    Act::ViewOthersInvitation,
    Act::ApprovePending,
    Act::CancelOthersInvitation,
    Act::CreateSubRole,
    Act::ImportCsv,
];

/// What the seeds say: with `visitor_invitation` + `invite_for_others` + `p` in Northwind.
fn allowed_in_own_occupancy(p: Permission, act: Act) -> bool {
    use Permission::*;
    match act {
        Act::InviteForNorthHost => true,
        Act::InvitePastEndOfDay => p == CanExceedEndOfDay,
        Act::InviteVendor | Act::ImportCsv => p == VisitorVendorConfiguration,
        Act::ViewOthersInvitation => matches!(
            p,
            AllVisitorRequests | ApproveInvitations | VisitorAdmission
        ),
        Act::ApprovePending => p == ApproveInvitations,
        Act::CancelOthersInvitation => p == AllVisitorRequests,
        Act::CreateSubRole => p == RoleAdministrator,
    }
}

async fn post(
    app: &TestApp,
    person: &Person,
    path: &str,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    app.call(Method::POST, path, Some(&person.token), body)
        .await
}

async fn attempt(app: &TestApp, site: &Site, person: &Person, act: Act, n: usize) -> u16 {
    let visitor = format!("Visitor {n}");
    let north_host = Some(site.north_host.id);
    let status = match act {
        Act::InviteForNorthHost => post(app, person, "/api/v1/invitations", Some(invitation("guest", &visitor, north_host))).await.0,
        Act::InvitePastEndOfDay => {
            let mut body = invitation("guest", &visitor, north_host);
            body["window"] = json!({"starts_at": at(18, 0), "ends_at": at(21, 0)});
            post(app, person, "/api/v1/invitations", Some(body)).await.0
        }
        Act::InviteVendor => post(app, person, "/api/v1/invitations", Some(invitation("vendor", &visitor, north_host))).await.0,
        Act::ViewOthersInvitation | Act::ApprovePending | Act::CancelOthersInvitation => {
            let category = if act == Act::ApprovePending { "contractor" } else { "guest" };
            let target = app.invite(&site.north_host2, invitation(category, &visitor, None)).await;
            let id = target["id"].as_str().unwrap();
            match act {
                Act::ViewOthersInvitation => app.call(Method::GET, &format!("/api/v1/invitations/{id}"), Some(&person.token), None).await.0,
                Act::ApprovePending => post(app, person, &format!("/api/v1/invitations/{id}/approve"), None).await.0,
                _ => post(app, person, &format!("/api/v1/invitations/{id}/cancel"), None).await.0,
            }
        }
        Act::CreateSubRole => post(app, person, "/api/v1/roles", Some(json!({
            "scope": {"kind": "occupancy", "id": site.north}, "name": format!("Sub {n}"), "permissions": ["visitor_invitation"],
        }))).await.0,
        Act::ImportCsv => {
            let csv = format!(
                "visitor_name,visitor_email,visitor_company,host_email,category,starts_at,ends_at\n\
                 {visitor},v{n}@guest.example,,{},guest,{},{}\n",
                site.north_host.email, at(10, 0).to_rfc3339(), at(11, 0).to_rfc3339()
            );
            app.http.post(app.url("/api/v1/invitations/import")).bearer_auth(&person.token)
                .header("content-type", "text/csv").body(csv).send().await.unwrap().status()
        }
    };
    status.as_u16()
}

on_both_databases! {
    async fn every_permission_against_every_action_in_own_and_other_occupancy(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let now = app.clock.now();
        let mut failures = Vec::new();
        let mut n = 0;
        for permission in Permission::ALL {
            for (own, occupancy) in [(true, site.north), (false, site.blue)] {
                let permissions = PermissionSet::from([Permission::VisitorInvitation, Permission::InviteForOthers, permission]);
                let role = app.database.create_role(site.facility, &RoleName::parse(&format!("{permission} {own}")).unwrap(),
                    RoleScope::Occupancy(occupancy), permissions, None, now).await.unwrap();
                let email = format!("{permission}.{own}@tower.example");
                let user = app.database.create_user(NewUser {
                    facility: site.facility, occupancy: Some(occupancy), display_name: "Matrix",
                    email: &Email::parse(&email).unwrap(), password_hash: None, language: gatehouse_core::Language::En,
                }, now).await.unwrap();
                app.database.assign_role(user.id, role.id, None, now).await.unwrap();
                let token = new_token("ghs_");
                app.database.store_access_token(&token.hash, user.id, "session", None, now, None).await.unwrap();
                let person = Person { id: user.id, email, token: token.secret };
                for act in ACTS {
                    n += 1;
                    let expected = own && allowed_in_own_occupancy(permission, act);
                    let status = attempt(&app, &site, &person, act, n).await;
                    let ok = if expected { (200..300).contains(&status) } else { status == 403 || status == 404 };
                    if !ok {
                        failures.push(format!("{permission} ({}) {act:?}: {status}, expected {}", if own { "own" } else { "other" }, if expected { "allowed" } else { "denied" }));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{} of {n} cells wrong:\n{}", failures.len(), failures.join("\n"));
    }
}
