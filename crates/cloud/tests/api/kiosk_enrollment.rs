//! Enrolling a reception kiosk through the HTTP API of a real cloud, on SQLite and PostgreSQL: a
//! facility manager issues a single-use code; a kiosk trades it once for a device token bound to
//! the facility; the token is the kiosk's and nobody else's, until it is revoked.

use crate::support::{Backend, Site, TestApp};
use chrono::TimeDelta;
use gatehouse_cloud::sync::enrollment::{self, KioskName};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

async fn issue(app: &TestApp, site: &Site, name: &str) -> String {
    let (status, code) = app
        .call(
            Method::POST,
            "/api/v1/kiosk-codes",
            Some(&site.manager.token),
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(status, 201, "{code}");
    code["code"].as_str().unwrap().to_owned()
}

async fn enroll(app: &TestApp, code: &str) -> (reqwest::StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/v1/kiosks/enroll",
        None,
        Some(json!({"code": code})),
    )
    .await
}

on_both_databases! {
    async fn a_code_enrolls_one_kiosk_in_the_managers_facility_once(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let code = issue(&app, &site, "Lobby, north entrance").await;
        assert!(code.starts_with("GK-") && code.len() == 17, "{code}");
        // Typed on a tablet: lower case, spaces instead of dashes.
        let (status, enrolled) = enroll(&app, &code.to_lowercase().replace('-', " ")).await;
        assert_eq!(status, 201, "{enrolled}");
        assert_eq!(enrolled["name"], "Lobby, north entrance");
        assert_eq!(enrolled["facility"], site.facility.to_string());
        assert_eq!(enrolled["facility_name"], "Test Tower");
        assert_eq!(enrolled["time_zone"], "Europe/Berlin");
        let token = enrolled["token"].as_str().unwrap();
        assert!(token.starts_with("ghk_"));

        let (status, me) = app.call(Method::GET, "/api/v1/kiosk", Some(token), None).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["kiosk"], enrolled["kiosk"]);
        assert!(me.get("token").is_none(), "the token is shown once, at enrollment");

        let (status, again) = enroll(&app, &code).await;
        assert_eq!(status, 404, "{again}");
        assert_eq!(again["message"], "this enrollment code is unknown, already used or expired: ask for a new one");
        assert_eq!(app.rows_in("kiosks").await, 1);
    }
}

on_both_databases! {
    async fn only_a_facility_manager_issues_codes(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        for person in [&site.north_manager, &site.reception, &site.north_host, &site.nobody] {
            let (status, body) = app
                .call(Method::POST, "/api/v1/kiosk-codes", Some(&person.token), Some(json!({"name": "Lobby"})))
                .await;
            assert_eq!(status, 403, "{}: {body}", person.email);
        }
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk-codes", None, Some(json!({"name": "Lobby"}))).await;
        assert_eq!(status, 401);
    }
}

on_both_databases! {
    async fn bad_codes_and_bad_requests_are_refused_and_enroll_nothing(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        for (typed, expected) in [
            ("", 400),
            ("hello", 400),
            ("GK-1111-1111-1111", 400),
            (&"GK-".repeat(4000), 400),
            ("GK-2345-6789-ABCD", 404),
        ] {
            let (status, body) = enroll(&app, typed).await;
            assert_eq!(status.as_u16(), expected, "{typed:.20}: {body}");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let (status, _) = app
            .call(Method::POST, "/api/v1/kiosks/enroll", None, Some(json!({"code": "GK-2345-6789-ABCD", "facility": "x"})))
            .await;
        assert!(status.is_client_error());
        for body in [json!({"name": ""}), json!({"name": "L".repeat(61)}), json!({"name": "Lobby", "valid_hours": 0}), json!({"name": "Lobby", "valid_hours": 169})] {
            let (status, answer) = app.call(Method::POST, "/api/v1/kiosk-codes", Some(&site.manager.token), Some(body.clone())).await;
            assert!(status == 400 || status == 422, "{body}: {status} {answer}");
        }
        assert_eq!(app.rows_in("kiosks").await, 0);
    }
}

on_both_databases! {
    async fn an_expired_code_enrolls_nothing(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let two_days_ago = app.clock.now() - TimeDelta::days(2);
        let code = enrollment::store_code(&app.database, site.facility, &KioskName::parse("Lobby").unwrap(), None, TimeDelta::hours(24), two_days_ago)
            .await
            .unwrap();
        let (status, _) = enroll(&app, &code.code).await;
        assert_eq!(status, 404);
        assert_eq!(app.rows_in("kiosks").await, 0);
    }
}

on_both_databases! {
    async fn device_and_person_tokens_are_not_interchangeable(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let code = issue(&app, &site, "Lobby").await;
        let (_, enrolled) = enroll(&app, &code).await;
        let device = enrolled["token"].as_str().unwrap();
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk", Some(&site.manager.token), None).await;
        assert_eq!(status, 401, "a person's session is not a kiosk");
        let (status, _) = app.call(Method::GET, "/api/v1/me", Some(device), None).await;
        assert_eq!(status, 401, "a kiosk is not a person");
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk", Some("ghk_not-a-real-token"), None).await;
        assert_eq!(status, 401);
    }
}

on_both_databases! {
    async fn a_revoked_kiosk_is_turned_away(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let code = issue(&app, &site, "Lobby").await;
        let (_, enrolled) = enroll(&app, &code).await;
        let (device, kiosk) = (enrolled["token"].as_str().unwrap(), enrolled["kiosk"].as_str().unwrap());
        let path = format!("/api/v1/kiosks/{kiosk}");
        let (status, _) = app.call(Method::DELETE, &path, Some(&site.north_manager.token), None).await;
        assert_eq!(status, 403, "an occupancy manager does not run the lobby");
        let (status, _) = app.call(Method::DELETE, &path, Some(&site.manager.token), None).await;
        assert_eq!(status, 204);
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk", Some(device), None).await;
        assert_eq!(status, 401);
        let (status, _) = app.call(Method::DELETE, &path, Some(&site.manager.token), None).await;
        assert_eq!(status, 404, "revoked already");
    }
}

on_both_databases! {
    async fn kiosks_racing_for_one_code_enroll_one(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let code = issue(&app, &site, "Lobby").await;
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let request = app.http.post(app.url("/api/v1/kiosks/enroll")).json(&json!({"code": code}));
            attempts.spawn(async move { request.send().await.unwrap().status().as_u16() });
        }
        let statuses = attempts.join_all().await;
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 201 || *s == 404), "{statuses:?}");
        assert_eq!(app.rows_in("kiosks").await, 1);
    }
}

on_both_databases! {
    async fn the_kiosks_page_lists_kiosks_and_a_revoked_one_is_refused_at_once_with_its_stream_closed(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let device = app.enrolled_kiosk(&site).await;
        // The kiosk syncs, saying three reports wait in its outbox.
        let synced = app.http.get(app.url("/api/v1/kiosk/changes")).bearer_auth(&device)
            .header("Gatehouse-Outbox", "3").send().await.unwrap();
        assert_eq!(synced.status(), 200);
        let (status, listed) = app.call(Method::GET, "/api/v1/kiosks", Some(&site.manager.token), None).await;
        assert_eq!(status, 200, "{listed}");
        let kiosk = &listed[0];
        assert_eq!((kiosk["name"].as_str(), kiosk["outbox_waiting"].as_i64()), (Some("Lobby"), Some(3)), "{listed}");
        assert!(kiosk["last_seen_at"].is_string(), "{listed}");
        assert!(kiosk["revoked_at"].is_null());
        assert_eq!(app.call(Method::GET, "/api/v1/kiosks", Some(&site.north_host.token), None).await.0, 403);

        // A change stream is open when the tablet is reported lost.
        let mut stream = app.http.get(app.url("/api/v1/kiosk/changes/stream")).bearer_auth(&device)
            .send().await.unwrap();
        assert_eq!(stream.status(), 200);
        let id = kiosk["id"].as_str().unwrap();
        assert_eq!(app.call(Method::DELETE, &format!("/api/v1/kiosks/{id}"), Some(&site.manager.token), None).await.0, 204);
        assert_eq!(app.call(Method::GET, "/api/v1/kiosk/changes", Some(&device), None).await.0, 401, "refused at once");
        let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            while let Ok(Some(_)) = stream.chunk().await {}
        })
        .await;
        assert!(closed.is_ok(), "the open stream was not closed");
        let (_, listed) = app.call(Method::GET, "/api/v1/kiosks", Some(&site.manager.token), None).await;
        assert!(listed[0]["revoked_at"].is_string(), "{listed}");
    }
}
