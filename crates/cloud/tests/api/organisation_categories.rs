//! Categories belong to each organisation (seed "approval process": "your organization can choose
//! which visitor categories are available"): each occupancy enables its own, with its own
//! approval rule, category email and security addresses over the facility's defaults — and an
//! invitation of one tenant never mails another tenant's addresses. Through the HTTP API, with
//! the mail read back from a real SMTP server, on SQLite and on PostgreSQL.

use crate::support::{Backend, CONTRACTOR_EMAIL, SECURITY_EMAIL, Site, TestApp, invitation};
use gatehouse_core::OccupancyId;
use gatehouse_testsupport::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const NORTH_CONTRACTORS: &str = "contractors@northwind.example";
const NORTH_SECURITY: &str = "security@northwind.example";

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

fn choice(occupancy: OccupancyId, kind: &str) -> String {
    format!("/api/v1/occupancies/{occupancy}/categories/{kind}")
}

/// Northwind's manager gives Northwind its own contractor list and security address.
async fn northwind_sets_its_own_addresses(app: &TestApp, site: &Site) {
    let (status, body) = app
        .call(
            Method::PUT,
            &choice(site.north, "contractor"),
            Some(&site.north_manager.token),
            Some(json!({"enabled": true, "needs_approval": true, "email": NORTH_CONTRACTORS})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], NORTH_CONTRACTORS);
    assert_eq!(
        body["access_profile"]["longest_visit_minutes"], 480,
        "the building's profile stays"
    );
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/occupancies/{}/security-emails", site.north),
            Some(&site.north_manager.token),
            Some(json!({"emails": [NORTH_SECURITY]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

fn recipients(mail: &[gatehouse_testsupport::ReceivedMail]) -> Vec<String> {
    let mut to: Vec<String> = mail.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    to
}

on_both_databases! {
    async fn an_invitation_of_one_tenant_never_mails_another_tenant_s_addresses(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        northwind_sets_its_own_addresses(&app, &site).await;
        // A Blue Harbor contractor: the building's security and the building's default list.
        app.invite(&site.blue_host, invitation("contractor", "Dmitri Volkov", None)).await;
        assert_eq!(app.mail.wait_for(CONTRACTOR_EMAIL, 1).await.len(), 1);
        app.mail.settle().await;
        let told = recipients(&app.mail.all());
        assert_eq!(told, [CONTRACTOR_EMAIL, SECURITY_EMAIL], "Blue Harbor's visitor reached {told:?}");
        // A Northwind contractor: Northwind's own list and security, and the building's security
        // — not the default list Northwind replaced.
        app.invite(&site.north_host, invitation("contractor", "Hannah Schulz", None)).await;
        let to_north = app.mail.wait_for(NORTH_CONTRACTORS, 1).await;
        assert_eq!(to_north.len(), 1);
        assert_eq!(to_north[0].subject(), "Invitation pending approval: Hannah Schulz (Contractor)");
        let security = app.mail.wait_for(NORTH_SECURITY, 1).await;
        assert_eq!(security.len(), 1);
        assert!(security[0].to.contains(&SECURITY_EMAIL.to_owned()), "{:?}", security[0].to);
        app.mail.settle().await;
        assert_eq!(app.mail.to(CONTRACTOR_EMAIL).len(), 1, "the replaced default list heard of Northwind's visitor");
        assert!(app.mail.all().iter().filter(|m| m.subject().contains("Dmitri Volkov"))
            .all(|m| !m.to.iter().any(|to| to.ends_with("@northwind.example"))));
    }
}

on_both_databases! {
    async fn an_organisation_invites_only_in_the_categories_it_has_enabled(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        // The facility manager switches guests off for Blue Harbor only.
        let (status, body) = app
            .call(Method::PUT, &choice(site.blue, "guest"), Some(&site.manager.token),
                Some(json!({"enabled": false, "needs_approval": false, "email": null})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app
            .call(Method::POST, "/api/v1/invitations", Some(&site.blue_host.token),
                Some(invitation("guest", "Sofia Rossi", None)))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["message"], "the category guest is not enabled for Blue Harbor Legal");
        app.mail.settle().await;
        assert!(app.mail.all().is_empty(), "a refused invitation mailed someone");
        // Northwind still invites guests; Blue Harbor's list says guests are off.
        let created = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        assert_eq!(created["approval_status"], "approved");
        let (_, blue) = app.call(Method::GET, "/api/v1/categories", Some(&site.blue_host.token), None).await;
        let guest = |list: &Value| list.as_array().unwrap().iter().find(|c| c["kind"] == "guest").unwrap()["enabled"].clone();
        assert_eq!(guest(&blue), false);
        let (_, north) = app.call(Method::GET, "/api/v1/categories", Some(&site.north_host.token), None).await;
        assert_eq!(guest(&north), true);
        // Forgetting the choice brings the facility's default back.
        let (status, back) = app.call(Method::DELETE, &choice(site.blue, "guest"), Some(&site.manager.token), None).await;
        assert_eq!((status, back["enabled"].clone()), (StatusCode::OK, json!(true)));
        app.invite(&site.blue_host, invitation("guest", "Sofia Rossi", None)).await;
    }
}

on_both_databases! {
    async fn each_organisation_sets_its_own_approval_rule(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, body) = app
            .call(Method::PUT, &choice(site.north, "guest"), Some(&site.north_manager.token),
                Some(json!({"enabled": true, "needs_approval": true, "email": null})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let north = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        assert_eq!(north["approval_status"], "pending");
        let blue = app.invite(&site.blue_host, invitation("guest", "Jonas Weber", None)).await;
        assert_eq!(blue["approval_status"], "approved");
        // Northwind's pending guest reaches Northwind's reviewers through the building's security
        // address; the guest is not told yet.
        assert_eq!(app.mail.wait_for(SECURITY_EMAIL, 1).await.len(), 1);
        app.mail.settle().await;
        assert!(app.mail.to("sofia.rossi@guest.example").is_empty());
    }
}

on_both_databases! {
    async fn only_an_organisation_s_manager_or_the_facility_manager_changes_its_categories(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let body = json!({"enabled": true, "needs_approval": false, "email": "x@blueharbor.example"});
        let security = |occupancy| format!("/api/v1/occupancies/{occupancy}/security-emails");
        for (who, path, expected) in [
            (&site.north_manager, choice(site.blue, "contractor"), StatusCode::FORBIDDEN),
            (&site.north_host, choice(site.north, "contractor"), StatusCode::FORBIDDEN),
            (&site.blue_admin, choice(site.blue, "contractor"), StatusCode::FORBIDDEN),
            (&site.north_manager, choice(OccupancyId(uuid::Uuid::nil()), "contractor"), StatusCode::NOT_FOUND),
            (&site.north_manager, choice(site.north, "spy"), StatusCode::BAD_REQUEST),
        ] {
            let (status, answer) = app.call(Method::PUT, &path, Some(&who.token), Some(body.clone())).await;
            assert_eq!(status, expected, "{} {path}: {answer}", who.email);
            assert!(answer["message"].is_string(), "{answer}");
        }
        for (who, expected) in [(&site.north_host, StatusCode::FORBIDDEN), (&site.blue_host, StatusCode::FORBIDDEN)] {
            let (status, _) = app.call(Method::GET, &security(site.north), Some(&who.token), None).await;
            assert_eq!(status, expected, "{} read Northwind's security addresses", who.email);
        }
        let many: Vec<String> = (0..11).map(|n| format!("s{n}@northwind.example")).collect();
        let (status, answer) = app.call(Method::PUT, &security(site.north), Some(&site.north_manager.token), Some(json!({"emails": many}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        let (status, answer) = app.call(Method::PUT, &security(site.north), Some(&site.north_manager.token), Some(json!({"emails": ["not an address"]}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        // Nothing refused was stored: Blue Harbor still uses the default, Northwind has no list.
        let (_, blue) = app.call(Method::GET, &format!("/api/v1/categories?occupancy={}", site.blue), Some(&site.manager.token), None).await;
        let contractor = blue.as_array().unwrap().iter().find(|c| c["kind"] == "contractor").unwrap();
        assert_eq!(contractor["email"], CONTRACTOR_EMAIL);
        let (status, own) = app.call(Method::GET, &security(site.north), Some(&site.north_manager.token), None).await;
        assert_eq!((status, own), (StatusCode::OK, json!({"emails": []})));
        // A host reads their organisation's categories without anyone's address.
        let (_, north) = app.call(Method::GET, "/api/v1/categories", Some(&site.north_host.token), None).await;
        assert!(north.as_array().unwrap().iter().all(|c| c["email"].is_null()), "{north}");
    }
}
