//! Staff at the kiosks: a person's own kiosk PIN, signing in at a kiosk with it or a password,
//! the PINs a kiosk keeps for when the cloud is out of reach, and each kiosk's staff history. On
//! SQLite and PostgreSQL.

use crate::support::{Person, Site, TestApp};
use gatehouse_cloud::auth::hash_password;
use gatehouse_testsupport::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PIN: &str = "482915";

async fn set_pin(app: &TestApp, person: &Person, pin: &str) -> (StatusCode, Value) {
    app.call(
        Method::PUT,
        "/api/v1/me/kiosk-pin",
        Some(&person.token),
        Some(json!({"pin": pin})),
    )
    .await
}

async fn sign_in(app: &TestApp, kiosk: &str, email: &str, secret: Value) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/v1/kiosk/staff/sessions",
        Some(kiosk),
        Some(json!({"email": email, "secret": secret})),
    )
    .await
}

on_both_databases! {
    async fn a_person_sets_a_kiosk_pin_and_signs_in_with_it_at_a_kiosk_of_their_facility(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let kiosk = app.enrolled_kiosk(&site).await;
        for weak in ["12345", "123456", "777777", "48291a"] {
            let (status, refused) = set_pin(&app, &site.reception, weak).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}: {refused}");
        }
        let (status, _) = set_pin(&app, &site.reception, PIN).await;
        assert_eq!(status, StatusCode::NO_CONTENT);

        let (status, signed_in) = sign_in(&app, &kiosk, &site.reception.email, json!({"pin": PIN})).await;
        assert_eq!(status, StatusCode::CREATED, "{signed_in}");
        assert_eq!(signed_in["person"]["name"], "Rita Reception");
        assert_eq!((signed_in["person"]["admits"].clone(), signed_in["person"]["approves"].clone()), (json!(true), json!(false)));
        // The session is the person's: reception's Lobby answers it.
        let token = signed_in["token"].as_str().unwrap();
        let (status, _) = app.call(Method::GET, "/api/v1/lobby", Some(token), None).await;
        assert_eq!(status, StatusCode::OK);

        let (status, refused) = sign_in(&app, &kiosk, &site.reception.email, json!({"pin": "482916"})).await;
        assert_eq!((status, refused["code"].clone()), (StatusCode::UNAUTHORIZED, json!("wrong_credentials")));
        // Without a device token there is no staff sign-in.
        let (status, _) = sign_in(&app, &site.reception.token, &site.reception.email, json!({"pin": PIN})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

on_both_databases! {
    async fn a_kiosk_keeps_the_pins_of_the_people_who_admit_visitors_and_forgets_a_removed_one(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let kiosk = app.enrolled_kiosk(&site).await;
        set_pin(&app, &site.reception, PIN).await;
        // A host has a PIN too, but admits nobody: the kiosk does not keep it.
        set_pin(&app, &site.north_host, "602718").await;
        let response = app.http.get(app.url("/api/v1/kiosk/staff")).bearer_auth(&kiosk).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        let staff: Value = response.json().await.unwrap();
        let kept = staff["staff"].as_array().unwrap();
        assert_eq!(kept.len(), 1, "{staff}");
        assert_eq!(kept[0]["email"], site.reception.email.as_str());
        let hash = kept[0]["pin_hash"].as_str().unwrap();
        assert!(hash.starts_with("$argon2id$") && !hash.contains(PIN), "{hash}");

        let unchanged = app.http.get(app.url("/api/v1/kiosk/staff")).bearer_auth(&kiosk).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
        let (status, _) = app.call(Method::DELETE, "/api/v1/me/kiosk-pin", Some(&site.reception.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let changed = app.http.get(app.url("/api/v1/kiosk/staff")).bearer_auth(&kiosk).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(changed.status(), StatusCode::OK);
        assert_eq!(changed.json::<Value>().await.unwrap(), json!({"staff": []}));
        let (status, refused) = sign_in(&app, &kiosk, &site.reception.email, json!({"pin": PIN})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    }
}

on_both_databases! {
    async fn only_people_who_admit_or_approve_sign_in_at_a_kiosk(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let kiosk = app.enrolled_kiosk(&site).await;
        let password = "correct horse battery";
        for person in [&site.north_admin, &site.north_host] {
            app.database.set_password_hash(person.id, &hash_password(password).unwrap()).await.unwrap();
        }
        let (status, admin) = sign_in(&app, &kiosk, &site.north_admin.email, json!({"password": password})).await;
        assert_eq!(status, StatusCode::CREATED, "{admin}");
        assert_eq!((admin["person"]["admits"].clone(), admin["person"]["approves"].clone()), (json!(false), json!(true)));
        // The right password, but a host neither admits nor approves.
        let (status, refused) = sign_in(&app, &kiosk, &site.north_host.email, json!({"password": password})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        assert_eq!(refused["message"], "not allowed: signing in at a kiosk needs the visitor_admission or approve_invitations permission");
    }
}

on_both_databases! {
    async fn wrong_kiosk_pins_count_against_the_account_until_it_must_wait(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let kiosk = app.enrolled_kiosk(&site).await;
        set_pin(&app, &site.reception, PIN).await;
        for _ in 0..5 {
            let (status, _) = sign_in(&app, &kiosk, &site.reception.email, json!({"pin": "000001"})).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, refused) = sign_in(&app, &kiosk, &site.reception.email, json!({"pin": PIN})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right PIN waits: {refused}");
    }
}

on_both_databases! {
    async fn a_session_signed_in_to_at_a_kiosk_ends_with_the_kiosk_and_sets_no_pin_nor_token(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let kiosk = app.enrolled_kiosk(&site).await;
        set_pin(&app, &site.reception, PIN).await;
        let (_, signed_in) = sign_in(&app, &kiosk, &site.reception.email, json!({"pin": PIN})).await;
        let token = signed_in["token"].as_str().unwrap();
        let (status, _) = app.call(Method::POST, "/api/v1/api-tokens", Some(token), Some(json!({"name": "from the lobby"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.call(Method::PUT, "/api/v1/me/kiosk-pin", Some(token), Some(json!({"pin": "602718"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (_, kiosks) = app.call(Method::GET, "/api/v1/kiosks", Some(&site.manager.token), None).await;
        let id = kiosks[0]["id"].as_str().unwrap();
        let (status, _) = app.call(Method::DELETE, &format!("/api/v1/kiosks/{id}"), Some(&site.manager.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.call(Method::GET, "/api/v1/lobby", Some(token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "signed out with the kiosk");
        // The portal session of the same person goes on.
        let (status, _) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(status, StatusCode::OK);
    }
}

on_both_databases! {
    async fn a_kiosk_s_staff_history_is_recorded_once_and_shown_to_the_facility_manager(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let kiosk = app.enrolled_kiosk(&site).await;
        let at = app.clock.now();
        let entries = json!({"entries": [
            {"id": uuid::Uuid::now_v7(), "email": "nobody@else.example", "person": null, "event": "wrong_secret", "invitation": null, "at": at},
            {"id": uuid::Uuid::now_v7(), "email": site.reception.email, "person": site.reception.id, "event": "signed_in_offline", "invitation": null, "at": at + chrono::TimeDelta::seconds(5)},
        ]});
        for _ in 0..2 {
            let (status, answer) = app.call(Method::POST, "/api/v1/kiosk/staff/history", Some(&kiosk), Some(entries.clone())).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
        }
        let (_, kiosks) = app.call(Method::GET, "/api/v1/kiosks", Some(&site.manager.token), None).await;
        let history_path = format!("/api/v1/kiosks/{}/staff-history", kiosks[0]["id"].as_str().unwrap());
        let (status, history) = app.call(Method::GET, &history_path, Some(&site.manager.token), None).await;
        assert_eq!(status, StatusCode::OK, "{history}");
        let lines: Vec<(Value, Value)> = history.as_array().unwrap().iter().map(|line| (line["event"].clone(), line["person"].clone())).collect();
        assert_eq!(lines, [(json!("signed_in_offline"), json!("Rita Reception")), (json!("wrong_secret"), Value::Null)], "newest first, each once");

        // A line naming someone of another facility is refused, and the batch with it.
        let stranger = json!({"entries": [
            {"id": uuid::Uuid::now_v7(), "email": "x@y.example", "person": uuid::Uuid::now_v7(), "event": "signed_in", "invitation": null, "at": at},
        ]});
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk/staff/history", Some(&kiosk), Some(stranger)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, again) = app.call(Method::GET, &history_path, Some(&site.manager.token), None).await;
        assert_eq!(again.as_array().unwrap().len(), 2);
        let (status, _) = app.call(Method::GET, &history_path, Some(&site.reception.token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the facility manager's");
    }
}
