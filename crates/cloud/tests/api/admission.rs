//! Seed "roles and permissions": Visitor Admission is given to people who admit visitors — and
//! a person of reception admits one through the API as a kiosk would check them in: only an
//! approved invitation of today whose visitor is still expected, recorded as admitted by them,
//! the host told. On SQLite and PostgreSQL.

use crate::support::{Backend, Site, TestApp, at, invitation};
use gatehouse_core::Clock;
use gatehouse_testsupport::on_both_databases;
use reqwest::{Method, StatusCode};

async fn site_at_ten(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn_at(backend, Clock::fixed(at(10, 30))).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

fn admit(id: &serde_json::Value) -> String {
    format!("/api/v1/invitations/{}/admit", id.as_str().unwrap())
}

on_both_databases! {
    async fn reception_admits_an_approved_visitor_of_today_once_recorded_as_admitted_by_them(backend: Backend) {
        let Some((app, site)) = site_at_ten(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        let (status, admitted) = app.call(Method::POST, &admit(&guest["id"]), Some(&site.reception.token), None).await;
        assert_eq!(status, StatusCode::OK, "{admitted}");
        assert_eq!(admitted["visit_status"], "checked_in");
        let (_, history) = app.call(Method::GET, &format!("/api/v1/invitations/{}/history", guest["id"].as_str().unwrap()), Some(&site.manager.token), None).await;
        let entries = history.as_array().unwrap();
        let by_reception = |entry: &serde_json::Value| (entry["action"].clone(), entry["actor_id"].clone());
        // Admitted, and the credential issued with it (the door pass is on the guest's phone).
        assert_eq!(
            entries[entries.len() - 2..].iter().map(by_reception).collect::<Vec<_>>(),
            [("admitted", &site.reception.id), ("credential_issued", &site.reception.id)].map(|(action, by)| (serde_json::json!(action), serde_json::json!(by))),
            "{history}"
        );
        let told = app.mail.wait_for(&site.north_host.email, 1).await;
        assert!(told.iter().any(|m| m.subject() == "Your visitor has arrived: Sofia Rossi"), "the host was not told");
        // Twice is refused, and changes nothing.
        let (status, again) = app.call(Method::POST, &admit(&guest["id"]), Some(&site.reception.token), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");
        assert_eq!(again["message"], "not admitted: the visitor is already checked in");
    }
}

on_both_databases! {
    async fn a_pending_or_rejected_invitation_is_never_admitted_by_a_person(backend: Backend) {
        let Some((app, site)) = site_at_ten(backend).await else { return };
        let pending = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        let rejected = app.invite(&site.north_host, invitation("contractor", "Hannah Schulz", None)).await;
        app.decide(&site.north_admin, &rejected["id"], "reject", None).await;
        for (invitation, why) in [(&pending, "the invitation is waiting for approval"), (&rejected, "the invitation was not approved")] {
            let (status, refused) = app.call(Method::POST, &admit(&invitation["id"]), Some(&site.reception.token), None).await;
            assert_eq!(status, StatusCode::CONFLICT, "{refused}");
            assert_eq!(refused["message"], format!("not admitted: {why}"));
            let (_, seen) = app.call(Method::GET, &format!("/api/v1/invitations/{}", invitation["id"].as_str().unwrap()), Some(&site.manager.token), None).await;
            assert_eq!(seen["visit_status"], "expected");
        }
    }
}

on_both_databases! {
    async fn only_people_with_visitor_admission_admit_and_only_on_the_visit_s_day(backend: Backend) {
        let Some((app, site)) = site_at_ten(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        // The host sees the invitation but may not admit; another tenant's host does not see it.
        let (status, _) = app.call(Method::POST, &admit(&guest["id"]), Some(&site.north_host.token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.call(Method::POST, &admit(&guest["id"]), Some(&site.blue_host.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A visit of another day waits for its day.
        let mut tomorrow = invitation("guest", "Jonas Weber", None);
        tomorrow["window"] = serde_json::json!({"starts_at": at(10, 0) + chrono::TimeDelta::days(1), "ends_at": at(12, 0) + chrono::TimeDelta::days(1)});
        let later = app.invite(&site.north_host, tomorrow).await;
        let (status, refused) = app.call(Method::POST, &admit(&later["id"]), Some(&site.reception.token), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert_eq!(refused["message"], "not admitted: the visit is not today");
    }
}
