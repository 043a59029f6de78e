//! The documents of a visit through the HTTP API of a real cloud on SQLite and PostgreSQL: the
//! kiosk sends the signed NDA and the photo, staff who may see the invitation read them back,
//! and anything else is refused and stores nothing.

use crate::support::{Site, TestApp, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::StatusCode;

const PDF: &[u8] = b"%PDF-1.7\n% a signed NDA\n%%EOF\n";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0];

async fn put(app: &TestApp, device: &str, path: &str, body: &[u8]) -> StatusCode {
    app.http
        .put(app.url(path))
        .bearer_auth(device)
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status()
}

async fn read(app: &TestApp, token: &str, path: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    let response = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, kind, response.bytes().await.unwrap().to_vec())
}

on_both_databases! {
    async fn kiosk_sends_the_signed_nda_and_photo_and_staff_who_see_the_visit_read_them(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let device = app.enrolled_kiosk(&site).await;
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let id = guest["id"].as_str().unwrap();
        assert_eq!(put(&app, &device, &format!("/api/v1/kiosk/documents/{id}/signed_nda"), PDF).await, 204);
        assert_eq!(put(&app, &device, &format!("/api/v1/kiosk/documents/{id}/photo"), JPEG).await, 204);
        // Sent again after a lost answer: the same, once.
        assert_eq!(put(&app, &device, &format!("/api/v1/kiosk/documents/{id}/signed_nda"), PDF).await, 204);
        assert_eq!(app.rows_in("visit_documents").await, 2);

        let (status, kind, body) = read(&app, &site.north_host.token, &format!("/api/v1/invitations/{id}/documents/signed_nda")).await;
        assert_eq!((status, kind.as_deref(), body.as_slice()), (StatusCode::OK, Some("application/pdf"), PDF));
        let (status, kind, body) = read(&app, &site.manager.token, &format!("/api/v1/invitations/{id}/documents/photo")).await;
        assert_eq!((status, kind.as_deref(), body.as_slice()), (StatusCode::OK, Some("image/jpeg"), JPEG));
        // Someone who may not see the invitation learns nothing, not even that it exists.
        let (status, _, _) = read(&app, &site.blue_host.token, &format!("/api/v1/invitations/{id}/documents/photo")).await;
        assert_eq!(status, 404);
    }
}

on_both_databases! {
    async fn documents_that_are_not_what_they_claim_or_not_this_facilitys_are_refused(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let device = app.enrolled_kiosk(&site).await;
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let id = guest["id"].as_str().unwrap();
        let unknown = uuid::Uuid::now_v7();
        for (path, body, expected) in [
            (format!("/api/v1/kiosk/documents/{id}/signed_nda"), JPEG, 422),
            (format!("/api/v1/kiosk/documents/{id}/photo"), PDF, 422),
            (format!("/api/v1/kiosk/documents/{id}/photo"), &[][..], 422),
            (format!("/api/v1/kiosk/documents/{id}/passport"), PDF, 400),
            (format!("/api/v1/kiosk/documents/{unknown}/signed_nda"), PDF, 404),
            ("/api/v1/kiosk/documents/not-an-id/signed_nda".to_owned(), PDF, 400),
        ] {
            assert_eq!(put(&app, &device, &path, body).await.as_u16(), expected, "{path}");
        }
        assert_eq!(put(&app, "ghk_not-a-kiosk", &format!("/api/v1/kiosk/documents/{id}/signed_nda"), PDF).await, 401);
        assert_eq!(app.rows_in("visit_documents").await, 0);
    }
}

on_both_databases! {
    async fn a_badge_the_kiosk_could_not_print_waits_in_receptions_lobby(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let device = app.enrolled_kiosk(&site).await;
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let id = guest["id"].as_str().unwrap();
        assert_eq!(put(&app, &device, &format!("/api/v1/kiosk/documents/{id}/unprinted_badge"), PDF).await, 204);
        // Sent again after a lost answer: still one thing for reception to do.
        assert_eq!(put(&app, &device, &format!("/api/v1/kiosk/documents/{id}/unprinted_badge"), PDF).await, 204);
        let (status, lobby) = app.call(reqwest::Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(status, 200);
        let attention = lobby["attention"].as_array().unwrap();
        assert_eq!(attention.len(), 1, "{lobby}");
        assert_eq!(attention[0]["unprinted_badge"], true);
        assert_eq!(attention[0]["reason"], "the kiosk could not print the badge: print it from here");
        let (status, kind, body) = read(&app, &site.reception.token, &format!("/api/v1/invitations/{id}/documents/unprinted_badge")).await;
        assert_eq!((status, kind.as_deref(), body.as_slice()), (StatusCode::OK, Some("application/pdf"), PDF));
    }
}

on_both_databases! {
    async fn a_signed_nda_is_written_once_and_another_kiosks_is_refused_and_recorded(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let lobby = app.enrolled_kiosk(&site).await;
        let other = app.enrolled_kiosk(&site).await;
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let id = guest["id"].as_str().unwrap();
        let nda = format!("/api/v1/kiosk/documents/{id}/signed_nda");
        assert_eq!(put(&app, &lobby, &nda, PDF).await, 204);
        // The same bytes again (a retry), from either kiosk: nothing changes.
        assert_eq!(put(&app, &other, &nda, PDF).await, 204);
        // A different NDA — another kiosk's, or a forgery with a stolen device token — is
        // refused, never a silent replace, and the history says so.
        let forged = b"%PDF-1.4 forged\n%%EOF\n";
        for device in [&other, &lobby] {
            assert_eq!(put(&app, device, &nda, forged).await, 409);
        }
        let photo = format!("/api/v1/kiosk/documents/{id}/photo");
        assert_eq!(put(&app, &lobby, &photo, JPEG).await, 204);
        let mut other_photo = JPEG.to_vec();
        other_photo.push(1);
        assert_eq!(put(&app, &other, &photo, &other_photo).await, 409);
        let (_, _, kept) = read(&app, &site.manager.token, &format!("/api/v1/invitations/{id}/documents/signed_nda")).await;
        assert_eq!(kept, PDF);
        let (_, _, history) = read(&app, &site.manager.token, &format!("/api/v1/invitations/{id}/history")).await;
        let history: serde_json::Value = serde_json::from_slice(&history).unwrap();
        let refused = history.as_array().unwrap().iter().filter(|e| e["action"] == "document_refused").count();
        assert_eq!(refused, 3, "{history}");
    }
}
