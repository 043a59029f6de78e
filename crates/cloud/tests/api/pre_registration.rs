//! Pre-registration (issue "access control, part 1"), through the HTTP API of a real cloud on
//! SQLite and PostgreSQL: the guest, holding only the signed code from their invitation, signs
//! the NDA in their language and hands in a certificate of insurance; the kiosk then does not
//! ask for the NDA again, and the credential that waited for the certificate opens doors after
//! check-in. Bad documents, stale texts and forged or expired codes change nothing.

use crate::support::{Backend, Site, TestApp, at, invitation};
use gatehouse_core::{Clock, Language};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

const LOBBY: &str = "01900000-0000-7000-8000-000000000001";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";
/// A signature drawn on the page: a 1 × 1 PNG with ink.
const DRAWN: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const PDF: &[u8] = b"%PDF-1.7\n% a certificate of insurance\n";

/// Guests need an NDA and a certificate of insurance here (the seed's vendor rule), at 09:00 on
/// the day of their visit; the NDA is published in English and German; a kiosk is enrolled.
async fn building(backend: Backend) -> Option<(TestApp, Site, String)> {
    let app = TestApp::spawn_at(backend, Clock::fixed(at(9, 0))).await?;
    let site = Site::create(&app).await;
    let map = json!({"version": 0, "zones": [{"id": LOBBY, "name": "Lobby", "level": "public"}]});
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/zone-map",
            Some(&site.manager.token),
            Some(map),
        )
        .await;
    assert_eq!(status, 200);
    let guests = json!({"enabled": true, "needs_approval": false, "email": null, "access_profile": {
        "zones": [LOBBY], "documents": ["nda", "certificate_of_insurance"]}});
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/categories/guest",
            Some(&site.manager.token),
            Some(guests),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for (language, text) in [
        (Language::En, "Keep it secret."),
        (Language::De, "Bewahren Sie es geheim."),
    ] {
        app.database
            .publish_nda(site.facility, language, text, app.clock.now())
            .await
            .unwrap();
    }
    let device = app.enrolled_kiosk(&site).await;
    Some((app, site, device))
}

/// The invitation as the kiosk's feed has it now.
async fn on_kiosk(app: &TestApp, device: &str, id: &Value, done: impl Fn(&Value) -> bool) -> Value {
    let (pages, _) = app
        .pull_changes_until(device, None, 500, |d| {
            d.iter().rfind(|i| i["id"] == *id).is_some_and(&done)
        })
        .await;
    pages
        .iter()
        .flat_map(|p| p["invitations"].as_array().unwrap().clone())
        .rfind(|i| i["id"] == *id)
        .unwrap()
}

async fn guest(
    app: &TestApp,
    code: &str,
    what: &str,
    body: Option<Value>,
) -> (reqwest::StatusCode, Value) {
    let method = if what.is_empty() {
        Method::GET
    } else {
        Method::POST
    };
    app.call(method, &format!("/api/v1/guest/{code}{what}"), None, body)
        .await
}

async fn upload(app: &TestApp, code: &str, document: &str, content: &[u8]) -> reqwest::StatusCode {
    app.http
        .put(app.url(&format!("/api/v1/guest/{code}/documents/{document}")))
        .body(content.to_vec())
        .send()
        .await
        .unwrap()
        .status()
}

fn signature(version: u64, language: &str) -> Value {
    json!({"version": version, "language": language, "name": "Gina Guest", "signature": format!("data:image/png;base64,{DRAWN}")})
}

on_both_databases! {
    async fn what_the_guest_hands_in_before_the_visit_is_not_asked_again_and_lets_the_credential_open(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let invited = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let before = on_kiosk(&app, &device, &invited["id"], |i| !i["credential"].is_null()).await;
        assert_eq!(before["documents"], json!(["nda", "certificate_of_insurance"]));
        assert_eq!(before["credential"]["missing"], json!(["certificate_of_insurance"]), "the kiosk takes the NDA itself, not the certificate");
        let code = before["token"].as_str().unwrap().to_owned();

        let (status, page) = app.call(Method::GET, &format!("/api/v1/guest/{code}?language=de"), None, None).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["visitor_name"], "Gina Guest");
        assert_eq!(page["nda"]["text"], "Bewahren Sie es geheim.");
        assert_eq!(page["documents"], json!([{"document": "nda", "done": false}, {"document": "certificate_of_insurance", "done": false}]));
        let version = page["nda"]["version"].as_u64().unwrap();

        // What is wrong changes nothing: a picture for a certificate, a signature that is no
        // PNG, a text older than the one published, an altered code.
        assert_eq!(upload(&app, &code, "certificate_of_insurance", PNG).await, 422);
        assert_eq!(upload(&app, &code, "photo", PNG).await, 422);
        let mut not_png = signature(version, "de");
        not_png["signature"] = json!("aGVsbG8=");
        assert_eq!(guest(&app, &code, "/nda", Some(not_png)).await.0, 422);
        let mut no_picture = signature(version, "de");
        no_picture["signature"] = json!(base64::Engine::encode(&base64::engine::general_purpose::STANDARD, PNG));
        assert_eq!(guest(&app, &code, "/nda", Some(no_picture)).await.0, 422, "a PNG header is not a signature");
        assert_eq!(guest(&app, &code, "/nda", Some(signature(version + 7, "de"))).await.0, 409);
        let altered = format!("{}A{}", &code[..20], &code[21..]);
        assert_eq!(guest(&app, &altered, "", None).await.0, 404);
        assert_eq!(upload(&app, &altered, "certificate_of_insurance", PDF).await, 404);
        assert_eq!(app.rows_in("guest_documents").await, 0);

        assert_eq!(guest(&app, &code, "/nda", Some(signature(version, "de"))).await.0, 204);
        assert_eq!(guest(&app, &code, "/nda", Some(signature(version, "de"))).await.0, 409, "signed once, never over");
        assert_eq!(upload(&app, &code, "certificate_of_insurance", PDF).await, 204);
        let (_, page) = guest(&app, &code, "", None).await;
        assert_eq!(page["documents"], json!([{"document": "nda", "done": true}, {"document": "certificate_of_insurance", "done": true}]));
        // The host sees what the guest's page shows; another organisation's host sees nothing.
        let status = format!("/api/v1/invitations/{}/pre-registration", invited["id"].as_str().unwrap());
        let (code_status, seen) = app.call(Method::GET, &status, Some(&site.north_host.token), None).await;
        assert_eq!(code_status, 200, "{seen}");
        assert_eq!(seen, page["documents"]);
        assert_eq!(app.call(Method::GET, &status, Some(&site.blue_host.token), None).await.0, 404);
        // The signed NDA is the same PDF a kiosk makes: the German text, her name, the text's hash.
        let signed = app.http
            .get(app.url(&format!("/api/v1/invitations/{}/documents/signed_nda", invited["id"].as_str().unwrap())))
            .bearer_auth(&site.north_host.token)
            .send().await.unwrap();
        assert_eq!(signed.status(), 200);
        let pdf = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(pdf.path(), signed.bytes().await.unwrap()).unwrap();
        let text = gatehouse_testsupport::poppler::read(pdf.path());
        for expected in ["Bewahren Sie es geheim.", "Gina Guest", "Test Tower · Voranmeldung", &gatehouse_core::digest::sha256_hex("Bewahren Sie es geheim.".as_bytes())[..16]] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }

        // The kiosk does not ask for the NDA again, and the credential waits for nothing.
        let after = on_kiosk(&app, &device, &invited["id"], |i| i["credential"]["missing"] == json!([])).await;
        assert_eq!(after["documents"], json!([]), "{after}");
        app.clock.set(at(10, 5));
        let event = json!({"id": Uuid::now_v7(), "invitation": invited["id"], "kind": "check_in", "at": app.clock.now()});
        app.call(Method::POST, "/api/v1/kiosk/events", Some(&device), Some(json!({"events": [event]}))).await;
        let (_, door) = app
            .call(Method::POST, "/api/v1/credentials/verify", Some(&device), Some(json!({"token": after["credential"]["token"]})))
            .await;
        assert_eq!(door["granted"], true, "{door}");
    }
}

on_both_databases! {
    async fn without_the_certificate_the_credential_of_a_checked_in_guest_opens_nothing(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let invited = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let before = on_kiosk(&app, &device, &invited["id"], |i| !i["credential"].is_null()).await;
        app.clock.set(at(10, 5));
        // Reception let them in all the same: the check-in stands, the credential is not issued.
        let event = json!({"id": Uuid::now_v7(), "invitation": invited["id"], "kind": "check_in", "at": app.clock.now()});
        app.call(Method::POST, "/api/v1/kiosk/events", Some(&device), Some(json!({"events": [event]}))).await;
        let (_, door) = app
            .call(Method::POST, "/api/v1/credentials/verify", Some(&device), Some(json!({"token": before["credential"]["token"]})))
            .await;
        assert_eq!(door["refusal"], "not_issued", "{door}");
        // The host sees what is missing.
        let (_, credentials) = app
            .call(Method::GET, &format!("/api/v1/invitations/{}/credentials", invited["id"].as_str().unwrap()), Some(&site.north_host.token), None)
            .await;
        assert_eq!(credentials[0]["missing"], json!(["certificate_of_insurance"]), "{credentials}");
    }
}

on_both_databases! {
    async fn the_link_expires_with_the_visit(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let invited = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let code = on_kiosk(&app, &device, &invited["id"], |i| !i["credential"].is_null()).await["token"].as_str().unwrap().to_owned();
        assert_eq!(guest(&app, &code, "", None).await.0, 200);
        app.clock.set(at(12, 1));
        let (status, body) = guest(&app, &code, "", None).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(upload(&app, &code, "certificate_of_insurance", PDF).await, 404);
        assert_eq!(app.rows_in("guest_documents").await, 0);
    }
}
