//! Door credentials (issue "access control, part 1": the credential and its life cycle), through
//! the HTTP API of a real cloud on SQLite and PostgreSQL: prepared for an approved invitation
//! under its category's policy, opening doors only between check-in and check-out, revoked at
//! check-out, at the window's end, when the invitation is withdrawn and by reception — each in
//! the visit's history — and refused whenever forged, tampered, signed by an unknown key, of
//! another building or replayed for another visit. Signing keys are sealed in the database, and
//! a rotation leaves the credentials already out valid.

use crate::support::{Backend, Site, TestApp, at, invitation};
use base64::Engine as _;
use chrono::TimeDelta;
use gatehouse_cloud::{
    Clock,
    credentials::{self, VerifyRequest},
    sync::enrollment,
    visits,
};
use gatehouse_core::{
    CredentialId, InvitationId, ZoneId,
    credential::{self, CredentialClaims},
};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

const LOBBY: &str = "01900000-0000-7000-8000-000000000001";
const LAB: &str = "01900000-0000-7000-8000-000000000002";

/// The site at 09:00 on the day of its visits (10:00–12:00), with a zone map, guests allowed
/// into the lobby, and a kiosk (which is also how door readers call).
async fn building(backend: Backend) -> Option<(TestApp, Site, String)> {
    let app = TestApp::spawn_at(backend, Clock::fixed(at(9, 0))).await?;
    let site = Site::create(&app).await;
    let map = json!({"version": 0, "zones": [
        {"id": LOBBY, "name": "Lobby", "level": "public",
         "doors": [{"name": "Main entrance", "external_id": "unifi-door-1"}]},
        {"id": LAB, "name": "Lab B", "level": "secure",
         "doors": [{"name": "Lab B door", "external_id": "unifi-door-7"}]},
    ]});
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/zone-map",
            Some(&site.manager.token),
            Some(map),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let guests = json!({"enabled": true, "needs_approval": false, "email": null,
        "access_profile": {"longest_visit_minutes": 480, "zones": [LOBBY], "early_access_minutes": 15}});
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/categories/guest",
            Some(&site.manager.token),
            Some(guests),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let device = app.enrolled_kiosk(&site).await;
    Some((app, site, device))
}

/// The invitation's credential as the kiosk's change feed delivers it.
async fn credential_on_kiosk(app: &TestApp, device: &str, id: &Value) -> Value {
    on_kiosk(app, device, id).await["credential"].clone()
}

/// The invitation, with its credential, as the kiosk's change feed delivers it.
async fn on_kiosk(app: &TestApp, device: &str, id: &Value) -> Value {
    let (pages, _) = app
        .pull_changes_until(device, None, 500, |d| {
            d.iter()
                .any(|i| i["id"] == *id && !i["credential"].is_null())
        })
        .await;
    pages
        .iter()
        .flat_map(|p| p["invitations"].as_array().unwrap().clone())
        .rfind(|i| i["id"] == *id)
        .unwrap()
}

async fn verify(app: &TestApp, device: &str, token: &str, door: Option<&str>) -> Value {
    let (status, answer) = app
        .call(
            Method::POST,
            "/api/v1/credentials/verify",
            Some(device),
            Some(json!({"token": token, "door": door})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn report(app: &TestApp, device: &str, id: &Value, kind: &str) {
    let event =
        json!({"id": Uuid::now_v7(), "invitation": id, "kind": kind, "at": app.clock.now()});
    let (status, answer) = app
        .call(
            Method::POST,
            "/api/v1/kiosk/events",
            Some(device),
            Some(json!({"events": [event]})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
}

async fn history(app: &TestApp, site: &Site, id: &Value) -> Vec<(String, Option<String>)> {
    let (_, history) = app
        .call(
            Method::GET,
            &format!("/api/v1/invitations/{}/history", id.as_str().unwrap()),
            Some(&site.manager.token),
            None,
        )
        .await;
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["action"].as_str().unwrap().to_owned(),
                entry["reason"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// A guest invited by their host, checked in at 10:05 with the badge's credential in hand.
async fn checked_in_guest(app: &TestApp, site: &Site, device: &str, name: &str) -> (Value, String) {
    let guest = app
        .invite(&site.north_host, invitation("guest", name, None))
        .await;
    let credential = credential_on_kiosk(app, device, &guest["id"]).await;
    let token = credential["token"].as_str().unwrap().to_owned();
    app.clock.set(at(10, 5));
    report(app, device, &guest["id"], "check_in").await;
    (guest, token)
}

on_both_databases! {
    async fn checkout_revokes_credential(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let credential = credential_on_kiosk(&app, &device, &guest["id"]).await;
        assert_eq!(credential["zones"], json!(["Lobby"]), "{credential}");
        assert_eq!(credential["escort"], false);
        let token = credential["token"].as_str().unwrap();
        assert!(token.starts_with("GHC2.") && token.len() < 200, "{token}");

        // Before the window (less its 15 minutes early), and before check-in, it opens nothing.
        assert_eq!(verify(&app, &device, token, None).await["refusal"], "not_yet_valid");
        app.clock.set(at(9, 50));
        assert_eq!(verify(&app, &device, token, None).await["refusal"], "not_issued");

        report(&app, &device, &guest["id"], "check_in").await;
        let granted = verify(&app, &device, token, Some("unifi-door-1")).await;
        assert_eq!(granted["granted"], true, "{granted}");
        assert_eq!(granted["zones"], json!([LOBBY]));
        assert_eq!(granted["visit"], guest["id"]);
        let lab = verify(&app, &device, token, Some("Lab B door")).await;
        assert_eq!((lab["granted"].clone(), lab["refusal"].clone()), (json!(false), json!("not_this_door")));

        app.clock.set(at(11, 0));
        report(&app, &device, &guest["id"], "check_out").await;
        let refused = verify(&app, &device, token, Some("unifi-door-1")).await;
        assert_eq!(refused["granted"], false);
        assert_eq!(refused["refusal"], "revoked", "{refused}");
        let history = history(&app, &site, &guest["id"]).await;
        assert!(history.contains(&("credential_issued".into(), None)), "{history:?}");
        assert!(history.contains(&("credential_revoked".into(), Some("the visitor checked out".into()))), "{history:?}");
        // The portal shows the visit's credential and what became of it.
        let (status, shown) = app
            .call(Method::GET, &format!("/api/v1/invitations/{}/credentials", guest["id"].as_str().unwrap()), Some(&site.north_host.token), None)
            .await;
        assert_eq!(status, 200, "{shown}");
        assert_eq!(shown[0]["state"], "revoked", "{shown}");
        assert_eq!(shown[0]["zones"], json!(["Lobby"]));
        assert_eq!(shown[0]["not_before"], json!(at(9, 45)));
    }
}

on_both_databases! {
    async fn window_end_revokes_credential(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (guest, token) = checked_in_guest(&app, &site, &device, "Gina Guest").await;
        assert_eq!(verify(&app, &device, &token, None).await["granted"], true);
        app.clock.set(at(12, 1));
        assert_eq!(verify(&app, &device, &token, None).await["refusal"], "expired");
        visits::close_ended(&app.cloud()).await.unwrap();
        assert_eq!(verify(&app, &device, &token, None).await["refusal"], "revoked");
        let history = history(&app, &site, &guest["id"]).await;
        assert!(history.contains(&("credential_revoked".into(), Some("the visit's window ended".into()))), "{history:?}");
        // Even were the clock turned back, it stays revoked.
        app.clock.set(at(11, 0));
        assert_eq!(verify(&app, &device, &token, None).await["refusal"], "revoked");
    }
}

on_both_databases! {
    async fn approved_back_to_pending_revokes_credential(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (guest, token) = checked_in_guest(&app, &site, &device, "Gina Guest").await;
        let (status, body) = app.decide(&site.north_admin, &guest["id"], "return-to-pending", None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(verify(&app, &device, &token, None).await["refusal"], "revoked");
        let history = history(&app, &site, &guest["id"]).await;
        assert!(history.contains(&("credential_revoked".into(), Some("the invitation was moved back to pending".into()))), "{history:?}");
        // Rejected, a visitor never checked in loses theirs too.
        let other = app.invite(&site.north_host, invitation("guest", "Olga Other", None)).await;
        let prepared = credential_on_kiosk(&app, &device, &other["id"]).await;
        let (status, _) = app.decide(&site.north_admin, &other["id"], "reject", Some(json!({"reason": "no"}))).await;
        assert_eq!(status, 200);
        report(&app, &device, &other["id"], "check_in").await;
        let refused = verify(&app, &device, prepared["token"].as_str().unwrap(), None).await;
        assert_eq!(refused["refusal"], "revoked", "{refused}");
    }
}

on_both_databases! {
    async fn reception_revokes_a_credential_with_a_reason_a_host_may_not(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (guest, token) = checked_in_guest(&app, &site, &device, "Gina Guest").await;
        let path = format!("/api/v1/invitations/{}/credentials/revoke", guest["id"].as_str().unwrap());
        let (status, _) = app.call(Method::POST, &path, Some(&site.north_host.token), Some(json!({"reason": "lost badge"}))).await;
        assert_eq!(status, 403);
        let (status, body) = app.call(Method::POST, &path, Some(&site.reception.token), Some(json!({"reason": "  "}))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(verify(&app, &device, &token, None).await["granted"], true, "nothing changed");
        let (status, _) = app.call(Method::POST, &path, Some(&site.reception.token), Some(json!({"reason": "lost badge"}))).await;
        assert_eq!(status, 204);
        assert_eq!(verify(&app, &device, &token, None).await["refusal"], "revoked");
        assert!(history(&app, &site, &guest["id"]).await.contains(&("credential_revoked".into(), Some("lost badge".into()))));
        let (status, body) = app.call(Method::POST, &path, Some(&site.reception.token), Some(json!({"reason": "again"}))).await;
        assert_eq!(status, 409, "{body}");
        // One nobody holds yet (its visitor has not checked in) is not revoked: nothing to take.
        let coming = app.invite(&site.north_host, invitation("guest", "Carl Coming", None)).await;
        let coming_path = format!("/api/v1/invitations/{}/credentials/revoke", coming["id"].as_str().unwrap());
        let (status, body) = app.call(Method::POST, &coming_path, Some(&site.reception.token), Some(json!({"reason": "lost"}))).await;
        assert_eq!(status, 409, "{body}");
        // The kiosks hear of it: their copy says revoked, and no new one takes its place.
        let (pages, _) = app
            .pull_changes_until(&device, None, 500, |d| d.iter().any(|i| i["id"] == guest["id"] && i["credential"]["revoked"] == true))
            .await;
        let last = pages.iter().flat_map(|p| p["invitations"].as_array().unwrap().clone()).rfind(|i| i["id"] == guest["id"]).unwrap();
        assert_eq!(last["credential"]["token"], json!(token));
    }
}

on_both_databases! {
    async fn a_forged_tampered_unknown_key_other_building_or_other_visit_credential_is_refused(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (first, token) = checked_in_guest(&app, &site, &device, "Gina Guest").await;
        let (second, _) = checked_in_guest(&app, &site, &device, "Hugo Second").await;
        let cloud = app.cloud();
        let key = cloud.signing_key().await.unwrap();
        let now = app.clock.now();
        let stored = app.cloud().database.live_credential(InvitationId(Uuid::parse_str(first["id"].as_str().unwrap()).unwrap())).await.unwrap().unwrap();
        let claims = CredentialClaims { kid: key.kid, credential: stored.id, visit: stored.invitation, grant: stored.grant.clone() };
        assert_eq!(credential::sign(&claims, &key.key).unwrap(), token, "the cloud signed what it stored");

        // Tampered: one character of the payload changed.
        let mut tampered = token.clone().into_bytes();
        tampered[40] = if tampered[40] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(verify(&app, &device, &tampered, None).await["refusal"], "bad_signature");
        // Forged: the same claims, wider, signed by a key of the forger's own under the cloud's id.
        let forger = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        let mut wider = claims.clone();
        wider.grant.zones.insert(ZoneId(Uuid::parse_str(LAB).unwrap()));
        wider.grant.not_after = now + TimeDelta::days(30);
        assert_eq!(verify(&app, &device, &credential::sign(&wider, &forger).unwrap(), None).await["refusal"], "bad_signature");
        // Signed by a key this cloud never made.
        let unknown = CredentialClaims { kid: 99, ..claims.clone() };
        assert_eq!(verify(&app, &device, &credential::sign(&unknown, &forger).unwrap(), None).await["refusal"], "unknown_key");
        // Replayed for another visit: a real signature (the key leaked, say) over the first
        // credential's id naming the second visit, or a credential id the cloud never issued.
        let other_visit = CredentialClaims { visit: InvitationId(Uuid::parse_str(second["id"].as_str().unwrap()).unwrap()), ..claims.clone() };
        assert_eq!(verify(&app, &device, &credential::sign(&other_visit, &key.key).unwrap(), None).await["refusal"], "not_a_visit_credential");
        let never = CredentialClaims { credential: CredentialId(Uuid::now_v7()), ..claims.clone() };
        assert_eq!(verify(&app, &device, &credential::sign(&never, &key.key).unwrap(), None).await["refusal"], "not_a_visit_credential");
        // Garbage is a refusal in words, not an error.
        let garbage = verify(&app, &device, "hello", None).await;
        assert_eq!((garbage["refusal"].clone(), garbage["message"].clone()), (json!("malformed"), json!("this is not a Gatehouse credential")));

        // Another building's door reader refuses it.
        let other = app.database.create_facility("Other Tower", "Elsewhere 1", chrono_tz::Europe::Berlin, chrono::NaiveTime::from_hms_opt(19, 0, 0).unwrap(), now).await.unwrap();
        let name = enrollment::KioskName::parse("Other lobby").unwrap();
        let code = enrollment::issue_code(&cloud, gatehouse_cloud::Caller::Operator(other.id), &name, TimeDelta::hours(1)).await.unwrap();
        let elsewhere = enrollment::enroll(&cloud, &code.code).await.unwrap();
        assert_eq!(verify(&app, elsewhere.token.as_str(), &token, None).await["refusal"], "other_facility");
        // Still good at its own building.
        assert_eq!(verify(&app, &device, &token, None).await["granted"], true);

        // An unknown door is bad input; no device token, no answer.
        let (status, body) = app.call(Method::POST, "/api/v1/credentials/verify", Some(&device), Some(json!({"token": token, "door": "side gate"}))).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = app.call(Method::POST, "/api/v1/credentials/verify", None, Some(json!({"token": token}))).await;
        assert_eq!(status, 401);
        let (status, _) = app.call(Method::POST, "/api/v1/credentials/verify", Some(&site.reception.token), Some(json!({"token": token}))).await;
        assert_eq!(status, 401, "a person's session is not a door's device token");
    }
}

on_both_databases! {
    async fn signing_keys_are_sealed_and_a_rotation_leaves_credentials_out_valid(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (_, token) = checked_in_guest(&app, &site, &device, "Gina Guest").await;
        let cloud = app.cloud();
        let key = cloud.signing_key().await.unwrap();
        let sealed: Vec<Vec<u8>> = match &app.database {
            gatehouse_cloud::Database::Sqlite(pool) => sqlx::query_scalar("SELECT sealed FROM signing_keys").fetch_all(pool).await.unwrap(),
            gatehouse_cloud::Database::Postgres(pool) => sqlx::query_scalar("SELECT sealed FROM signing_keys").fetch_all(pool).await.unwrap(),
        };
        assert_eq!(sealed.len(), 1);
        let secret = key.key.to_bytes();
        assert!(!sealed[0].windows(32).any(|w| w == secret), "the secret key is not in the database in clear");
        assert_eq!(app.rows_in("clear_signing_keys").await, 0);
        // With another key secret, the keys do not open.
        let stranger = gatehouse_cloud::Cloud::new(app.database.clone(), app.clock.clone(), String::new(), gatehouse_cloud::keys::KeySecret::generate());
        assert!(stranger.signing_key().await.is_err());

        assert_eq!(cloud.keys.rotate(&cloud.database).await.unwrap(), key.kid + 1);
        assert_eq!(cloud.signing_key().await.unwrap().kid, key.kid + 1, "new credentials use the new key");
        let request = VerifyRequest { token: token.clone(), door: None };
        let still = credentials::verify(&cloud, None, &request).await.unwrap();
        assert!(still.granted, "{still:?}");
    }
}

on_both_databases! {
    async fn a_key_an_older_version_kept_in_clear_is_sealed_and_still_signs(backend: Backend) {
        let Some(app) = TestApp::spawn_at(backend, Clock::fixed(at(9, 0))).await else { return };
        let old = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        let insert = "INSERT INTO clear_signing_keys (kid, secret, created_at) VALUES (1, $1, $2)";
        match &app.database {
            gatehouse_cloud::Database::Sqlite(pool) => sqlx::query(insert).bind(old.to_bytes().to_vec()).bind(at(8, 0)).execute(pool).await.unwrap().rows_affected(),
            gatehouse_cloud::Database::Postgres(pool) => sqlx::query(insert).bind(old.to_bytes().to_vec()).bind(at(8, 0)).execute(pool).await.unwrap().rows_affected(),
        };
        let key = app.cloud().signing_key().await.unwrap();
        assert_eq!((key.kid, key.key.to_bytes()), (1, old.to_bytes()), "the same key, now sealed");
        assert_eq!(app.rows_in("clear_signing_keys").await, 0);
        assert_eq!(app.rows_in("signing_keys").await, 1);
    }
}

on_both_databases! {
    async fn an_escorted_visit_gets_the_zones_entered_with_the_host_marked_and_one_alone_does_not(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let guests = json!({"enabled": true, "needs_approval": false, "email": null,
            "access_profile": {"zones": [LOBBY, LAB], "escorted_zones": [LAB]}});
        let (status, body) = app.call(Method::PUT, "/api/v1/categories/guest", Some(&site.manager.token), Some(guests)).await;
        assert_eq!(status, 200, "{body}");
        let alone = app.invite(&site.north_host, invitation("guest", "Anna Alone", None)).await;
        let credential = credential_on_kiosk(&app, &device, &alone["id"]).await;
        assert_eq!((credential["zones"].clone(), credential["escort"].clone()), (json!(["Lobby"]), json!(false)), "{credential}");
        let mut with_host = invitation("guest", "Emil Escorted", None);
        with_host["escorted"] = json!(true);
        let escorted = app.invite(&site.north_host, with_host).await;
        let credential = credential_on_kiosk(&app, &device, &escorted["id"]).await;
        assert_eq!(credential["zones"], json!(["Lobby", "Lab B"]), "{credential}");
        assert_eq!(credential["escorted_zones"], json!(["Lab B"]), "marked on the badge");
        assert_eq!(credential["escort"], true);
        app.clock.set(at(10, 5));
        report(&app, &device, &escorted["id"], "check_in").await;
        let lab = verify(&app, &device, credential["token"].as_str().unwrap(), Some("unifi-door-7")).await;
        assert_eq!((lab["granted"].clone(), lab["escort"].clone()), (json!(true), json!(true)), "{lab}");
    }
}

on_both_databases! {
    async fn an_organisation_narrows_the_building_s_door_policy_for_its_visitors_and_never_widens_it(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let guests = json!({"enabled": true, "needs_approval": false, "email": null,
            "access_profile": {"zones": [LOBBY, LAB]}});
        let (status, _) = app.call(Method::PUT, "/api/v1/categories/guest", Some(&site.manager.token), Some(guests)).await;
        assert_eq!(status, 200);
        // Northwind keeps its guests in the lobby; asking for a zone the building does not
        // give guests gives it nothing more.
        let path = format!("/api/v1/occupancies/{}/categories/guest", site.north);
        let narrower = json!({"enabled": true, "needs_approval": false, "email": null,
            "access_profile": {"zones": [LOBBY]}});
        let (status, body) = app.call(Method::PUT, &path, Some(&site.north_manager.token), Some(narrower)).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app
            .call(Method::PUT, &path, Some(&site.north_manager.token), Some(json!({"enabled": true, "needs_approval": false, "email": null,
                "access_profile": {"zones": ["01900000-0000-7000-8000-00000000dead"]}})))
            .await;
        assert_eq!(status, 422, "a zone the map does not have: {body}");
        let north = app.invite(&site.north_host, invitation("guest", "Nora North", None)).await;
        let blue = app.invite(&site.blue_host, invitation("guest", "Bert Blue", None)).await;
        assert_eq!(credential_on_kiosk(&app, &device, &north["id"]).await["zones"], json!(["Lobby"]));
        assert_eq!(credential_on_kiosk(&app, &device, &blue["id"]).await["zones"], json!(["Lobby", "Lab B"]));
    }
}

on_both_databases! {
    async fn an_organisation_s_profile_out_of_range_is_refused_and_changes_nothing(backend: Backend) {
        let Some((app, site, _device)) = building(backend).await else { return };
        let path = format!("/api/v1/occupancies/{}/categories/guest", site.north);
        for profile in [json!({"longest_visit_minutes": 0}), json!({"longest_visit_minutes": 43_201}), json!({"early_access_minutes": 121})] {
            let (status, body) = app
                .call(Method::PUT, &path, Some(&site.north_manager.token), Some(json!({"enabled": true, "needs_approval": false, "email": null, "access_profile": profile})))
                .await;
            assert_eq!(status, 422, "{profile}: {body}");
        }
        assert_eq!(app.rows_in("occupancy_categories").await, 0);
    }
}

/// The text a QR code in `png` holds.
fn qr_text(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    grids[0].decode().expect("the QR code decodes").1
}

on_both_databases! {
    async fn the_guest_gets_the_door_pass_by_email_and_on_their_page_once_checked_in(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let on_kiosk = on_kiosk(&app, &device, &guest["id"]).await;
        let (code, credential) = (on_kiosk["token"].as_str().unwrap().to_owned(), on_kiosk["credential"].clone());
        let page = |code: String| {
            let app = &app;
            async move { app.call(Method::GET, &format!("/api/v1/guest/{code}"), None, None).await }
        };
        // Before check-in the page holds no pass, and no email carries one.
        assert_eq!(page(code.clone()).await.1["door_pass"], Value::Null);
        app.clock.set(at(10, 5));
        report(&app, &device, &guest["id"], "check_in").await;

        let mail = app.mail.wait_for("gina.guest@guest.example", 2).await;
        let pass = mail.iter().find(|m| m.subject() == "Your door pass for Test Tower").expect("a door-pass email");
        let attachments = pass.attachments();
        let (_, _, png) = attachments.iter().find(|(name, _, _)| name == "door-pass.png").expect("the pass as a QR code");
        assert_eq!(qr_text(png), credential["token"].as_str().unwrap(), "the badge's credential");
        assert!(pass.text().contains(&format!("/guest/{code}")), "{}", pass.text());

        let (status, shown) = page(code.clone()).await;
        assert_eq!(status, 200, "{shown}");
        assert_eq!(shown["door_pass"]["zones"], json!(["Lobby"]), "{shown}");
        let qr = shown["door_pass"]["qr_code"].as_str().unwrap();
        let png = base64::engine::general_purpose::STANDARD.decode(qr.strip_prefix("data:image/png;base64,").unwrap()).unwrap();
        assert_eq!(qr_text(&png), credential["token"].as_str().unwrap());

        // Checked out, the page is gone with the pass.
        app.clock.set(at(11, 0));
        report(&app, &device, &guest["id"], "check_out").await;
        assert_eq!(page(code).await.0, 404);
    }
}

on_both_databases! {
    async fn a_visitor_reception_admits_gets_the_credential_and_the_door_pass(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        app.clock.set(at(10, 5));
        let id = guest["id"].as_str().unwrap();
        let (status, body) = app.call(Method::POST, &format!("/api/v1/invitations/{id}/admit"), Some(&site.reception.token), None).await;
        assert_eq!(status, 200, "{body}");
        let mail = app.mail.wait_for("gina.guest@guest.example", 2).await;
        let pass = mail.iter().find(|m| m.subject() == "Your door pass for Test Tower").expect("a door-pass email");
        let attachments = pass.attachments();
        let (_, _, png) = attachments.iter().find(|(name, _, _)| name == "door-pass.png").expect("the pass as a QR code");
        let door = verify(&app, &device, &qr_text(png), None).await;
        assert_eq!(door["granted"], true, "{door}");
        let entries = history(&app, &site, &guest["id"]).await;
        assert!(entries.iter().any(|(action, _)| action == "credential_issued"), "{entries:?}");
    }
}
