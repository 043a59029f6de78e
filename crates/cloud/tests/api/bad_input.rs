//! Bad input at every HTTP entry point gets a clear 4xx and changes nothing.

use crate::support::{Site, TestApp, at, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::json;

async fn count_invitations(app: &TestApp, site: &Site) -> usize {
    let (_, list) = app
        .call(
            Method::GET,
            "/api/v1/invitations?limit=500",
            Some(&site.manager.token),
            None,
        )
        .await;
    list.as_array().unwrap().len()
}

on_both_databases! {
    async fn bad_invitation_requests_are_refused_and_write_nothing(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let good = invitation("guest", "Sofia Rossi", None);
        let with = |path: &[&str], value: serde_json::Value| {
            let mut body = good.clone();
            let mut at_path = &mut body;
            for key in &path[..path.len() - 1] {
                at_path = &mut at_path[*key];
            }
            at_path[path[path.len() - 1]] = value;
            body
        };
        let cases = [
            ("invalid email", with(&["visitor", "email"], json!("not-an-email")), 422),
            ("empty name", with(&["visitor", "name"], json!("   ")), 422),
            ("oversize name", with(&["visitor", "name"], json!("x".repeat(10_000))), 422),
            ("end before start", with(&["window"], json!({"starts_at": at(12, 0), "ends_at": at(10, 0)})), 422),
            ("unknown category", with(&["category"], json!("spy")), 422),
            ("category not enabled", with(&["category"], json!("auditor")), 422),
            ("too long for the category", with(&["category"], json!("delivery")), 422),
            ("unknown host", with(&["host_id"], json!("0190d3c4-0000-7000-8000-000000000000")), 404),
            ("host id not a uuid", with(&["host_id"], json!("bob")), 422),
            ("unknown field", with(&["visitor", "age"], json!(42)), 422),
            ("another tenant's host", with(&["host_id"], json!(site.blue_host.id)), 403),
        ];
        for (what, body, expected) in cases {
            let (status, answer) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_assistant.token), Some(body)).await;
            assert_eq!(status.as_u16(), expected, "{what}: {answer}");
            assert!(answer["code"].is_string() && answer["message"].is_string(), "{what}: {answer}");
        }
        let response = app.http.post(app.url("/api/v1/invitations")).bearer_auth(&site.north_host.token)
            .header("content-type", "application/json").body("{\"category\": ").send().await.unwrap();
        assert_eq!(response.status(), 400, "malformed JSON");
        let response = app.http.post(app.url("/api/v1/invitations")).bearer_auth(&site.north_host.token)
            .header("content-type", "application/json").body(vec![b'x'; 3 * 1024 * 1024]).send().await.unwrap();
        assert_eq!(response.status(), 413, "a 3 MB body");
        assert_eq!(count_invitations(&app, &site).await, 0, "a refused request wrote something");
    }
}

on_both_databases! {
    async fn unknown_ids_and_other_tenants_invitations_are_not_found(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let north = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        let id = north["id"].as_str().unwrap();
        for (who, path) in [
            (&site.blue_host, format!("/api/v1/invitations/{id}")),
            (&site.blue_admin, format!("/api/v1/invitations/{id}/history")),
            (&site.north_host, "/api/v1/invitations/0190d3c4-0000-7000-8000-000000000000".to_owned()),
        ] {
            let (status, body) = app.call(Method::GET, &path, Some(&who.token), None).await;
            assert_eq!(status, 404, "{path}: {body}");
        }
        let (status, _) = app.decide(&site.blue_admin, &north["id"], "reject", None).await;
        assert_eq!(status, 404, "another occupancy's admin cannot even see it");
        let (status, body) = app.call(Method::GET, "/api/v1/invitations/not-a-uuid", Some(&site.north_host.token), None).await;
        assert_eq!(status, 400, "{body}");
        let (_, still) = app.call(Method::GET, &format!("/api/v1/invitations/{id}"), Some(&site.north_host.token), None).await;
        assert_eq!(still["approval_status"], "approved", "nothing changed");
    }
}

on_both_databases! {
    async fn requests_without_a_valid_token_are_unauthenticated(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        for token in [None, Some("ghs_forged"), Some("")] {
            let (status, body) = app.call(Method::GET, "/api/v1/invitations", token, None).await;
            assert_eq!(status, 401, "{token:?}: {body}");
            assert_eq!(body["code"], "unauthenticated");
        }
        let (status, _) = app.call(Method::POST, "/api/v1/invitations", None, Some(invitation("guest", "X Y", None))).await;
        assert_eq!(status, 401);
        assert_eq!(count_invitations(&app, &site).await, 0);
    }
}

on_both_databases! {
    async fn bad_list_filters_are_refused(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        for query in ["status=maybe", "day=2030-13-01", "limit=0", "limit=100000", "category=spy", "colour=red"] {
            let (status, body) = app.call(Method::GET, &format!("/api/v1/invitations?{query}"), Some(&site.manager.token), None).await;
            assert_eq!(status, 400, "{query}: {body}");
        }
    }
}

on_both_databases! {
    async fn csv_import_is_all_or_nothing_with_one_bad_row_or_too_many_rows(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let (status, role) = app.call(Method::POST, "/api/v1/roles", Some(&site.manager.token), Some(json!({
            "scope": {"kind": "facility", "id": site.facility}, "name": "Importer",
            "permissions": ["visitor_invitation", "invite_for_others", "visitor_vendor_configuration"],
        }))).await;
        assert_eq!(status, 201, "{role}");
        app.call(Method::POST, &format!("/api/v1/users/{}/roles", site.reception.id), Some(&site.manager.token), Some(json!({"role_id": role["id"]}))).await;
        let header = "visitor_name,visitor_email,visitor_company,host_email,category,starts_at,ends_at\n";
        let row = |name: &str, email: &str| format!("{name},{email},Acme,{},guest,{},{}\n", site.north_host.email, at(10, 0).to_rfc3339(), at(11, 0).to_rfc3339());
        let bad = format!("{header}{}{}", row("Ann Good", "ann@guest.example"), row("Bob Bad", "not-an-email"));
        let import = |body: String| app.http.post(app.url("/api/v1/invitations/import")).bearer_auth(&site.reception.token)
            .header("content-type", "text/csv").body(body).send();
        let response = import(bad).await.unwrap();
        assert_eq!(response.status(), 422);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("line 3"), "{body}");
        assert_eq!(count_invitations(&app, &site).await, 0);
        let good = format!("{header}{}{}", row("Ann Good", "ann@guest.example"), row("Bob Good", "bob@guest.example"));
        let response = import(good).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(count_invitations(&app, &site).await, 2);
        // A file of more than a thousand visitors is refused whole, before a row is looked at.
        let rows: String = (0..1001).map(|n| row(&format!("Guest Number{n}"), &format!("g{n}@guest.example"))).collect();
        let response = import(format!("{header}{rows}")).await.unwrap();
        assert_eq!(response.status(), 422);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("at most 1000 visitors"), "{body}");
        assert_eq!(count_invitations(&app, &site).await, 2);
    }
}

on_both_databases! {
    async fn names_companies_and_reasons_with_line_breaks_or_bidi_characters_are_refused(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        for (name, company) in [
            ("Ann\nApproved by: security", "Guest Co"),
            ("exe.\u{202E}gpj", "Guest Co"),
            ("Ann Guest", "Guest Co\r\nBcc: everyone@x.example"),
        ] {
            let mut body = invitation("guest", "Ann Guest", None);
            body["visitor"]["name"] = json!(name);
            body["visitor"]["company"] = json!(company);
            let (status, answer) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token), Some(body)).await;
            assert_eq!(status, 422, "{name:?} {company:?}: {answer}");
        }
        assert_eq!(count_invitations(&app, &site).await, 0);
        let pending = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        let path = format!("/api/v1/invitations/{}/reject", pending["id"].as_str().unwrap());
        let (status, answer) = app.call(Method::POST, &path, Some(&site.north_admin.token),
            Some(json!({"reason": "No.\nApproved by: the CEO"}))).await;
        assert_eq!(status, 422, "{answer}");
        // And the Bearer scheme is read in any case.
        let response = app.http.get(app.url("/api/v1/me"))
            .header("Authorization", format!("bearer {}", site.north_host.token)).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
}

on_both_databases! {
    async fn an_invitation_entirely_in_the_past_is_refused_at_creation(backend: Backend) {
        let Some(app) = TestApp::spawn_at(backend, gatehouse_core::Clock::fixed(at(13, 0))).await else { return };
        let site = Site::create(&app).await;
        // 10:00–12:00 was over an hour ago.
        let (status, body) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token),
            Some(invitation("guest", "Sofia Rossi", None))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["message"], "the visit is over before it begins: invite for a time still to come");
        assert_eq!(count_invitations(&app, &site).await, 0);
        app.mail.settle().await;
        assert!(app.mail.all().is_empty(), "a refused invitation mailed someone");
        // One under way (12:30–14:00) is still welcome.
        let mut under_way = invitation("guest", "Sofia Rossi", None);
        under_way["window"] = json!({"starts_at": at(12, 30), "ends_at": at(14, 0)});
        app.invite(&site.north_host, under_way).await;
        assert_eq!(count_invitations(&app, &site).await, 1);
    }
}
