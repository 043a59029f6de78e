//! The generic webhook: a grant sent (POST) as JSON to the building's endpoint, signed the Standard
//! Webhooks way with an `Idempotency-Key` that stays the same on every retry, its revocation
//! likewise, and door scans sent back signed, refused outside five minutes.

use super::{Building, LAB};
use crate::support::{Backend, at};
use chrono::TimeDelta;
use gatehouse_testsupport::{
    access_endpoint::{AccessEndpoint, Failure, SIGNING_SECRET},
    on_both_databases,
};
use reqwest::Method;
use serde_json::json;

/// What the system signs its door scans with.
const SCAN_SECRET: &str = "whsec_c2Nhbi1zZWNyZXQtb2YtdGhlLWJ1aWxkaW5n";

async fn building(backend: Backend) -> Option<Building<AccessEndpoint>> {
    let endpoint = AccessEndpoint::start().await;
    super::building(backend, endpoint, "webhook-signature", |endpoint| {
        json!({"system": "webhook", "url": endpoint.url, "api_token": SIGNING_SECRET,
            "webhook_secret": SCAN_SECRET, "doors": {
            "Main entrance": [{"id": "entrance-lobby", "type": "door"}],
            "Lab B door": [{"id": "entrance-lab-b", "type": "door"}],
            "Server room door": [{"id": "entrance-server", "type": "door"}],
        }})
    })
    .await
}

on_both_databases! {
    async fn generic_webhook_grants_once_and_takes_signed_scans_back(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        // The endpoint is down at first: the grant is sent again, under the same key.
        b.system.fail_next(&[Failure::Unavailable]);
        let visit = b.checked_in("Greta Generic").await;
        for _ in 0..200 {
            if b.access(&visit).await["problem"].is_string() { break }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        b.app.clock.advance(TimeDelta::seconds(10));
        b.access_becomes(&visit, "provisioned").await;
        let grant_id = format!("gatehouse:{}", visit.as_str().unwrap());
        let grants = b.system.received();
        assert_eq!(grants.len(), 2, "{grants:#?}");
        assert!(grants.iter().all(|r| r.signed && r.idempotency_key.as_deref() == Some(&format!("{grant_id}:grant"))));
        assert_eq!(grants[0].webhook_id, grants[1].webhook_id, "one message, delivered twice");
        let grant = &b.system.grants()[&grant_id];
        assert_eq!(grant["person"]["name"], "Greta Generic");
        assert_eq!(grant["starts_at"], json!(at(10, 0) - TimeDelta::minutes(15)));
        assert_eq!(grant["ends_at"], json!(at(12, 0)));
        assert_eq!(grant["entrances"], json!(["entrance-lobby", "entrance-lab-b"]));
        assert_eq!(grant["credential"]["kind"], "pin");

        // Her scan at Lab B comes back signed; the same message again changes nothing.
        let now = b.app.clock.now().timestamp();
        let scan = json!({"type": "door.scan", "id": "scan-1", "entrance": "entrance-lab-b",
            "grant_id": grant_id, "granted": true, "direction": "in", "at": b.app.clock.now()})
            .to_string().into_bytes();
        let facility = b.site.facility.to_string();
        for delivery in ["recorded", "duplicate"] {
            let headers = AccessEndpoint::signed(SCAN_SECRET, "msg-1", now, &scan);
            let (status, answer) = b.webhook_with(&facility, headers, scan.clone()).await;
            assert_eq!((status, answer["delivery"].as_str()), (200, Some(delivery)), "{answer}");
        }
        assert_eq!(b.timeline_doors(&visit).await, [("Lab B door".to_owned(), true, "webhook".to_owned())]);
        let (_, muster) = b.app.call(Method::GET, "/api/v1/muster", Some(&b.site.reception.token), None).await;
        let greta = muster["people"].as_array().unwrap().iter().find(|p| p["visit"] == visit).unwrap();
        assert_eq!((greta["last_door"]["door"].as_str(), greta["last_door"]["zone"].as_str(), greta["last_door"]["direction"].as_str()),
            (Some("Lab B door"), Some(LAB), Some("in")), "{muster}");
        // Signed more than five minutes ago, with Gatehouse's own secret, or not at all: refused.
        for headers in [
            AccessEndpoint::signed(SCAN_SECRET, "msg-2", now - 301, &scan),
            AccessEndpoint::signed(SIGNING_SECRET, "msg-2", now, &scan),
            Vec::new(),
        ] {
            assert_eq!(b.webhook_with(&facility, headers, scan.clone()).await.0, 401);
        }

        // Checked out: revoked there, once, though the endpoint asked to wait first.
        b.system.fail_next(&[Failure::RateLimited(30)]);
        b.app.clock.advance(TimeDelta::minutes(30));
        b.report(&visit, "check_out").await;
        for _ in 0..200 {
            if b.access(&visit).await["problem"].is_string() { break }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        b.app.clock.advance(TimeDelta::seconds(31));
        b.access_becomes(&visit, "revoked").await;
        assert!(b.system.grants().is_empty(), "nothing of her visit stays at the endpoint");
        let revocations: Vec<_> = b.system.received().into_iter().filter(|r| r.body["type"] == "access.revoked").collect();
        assert_eq!(revocations.len(), 2);
        assert!(revocations.iter().all(|r| r.idempotency_key.as_deref() == Some(&format!("{grant_id}:revoke"))));

        // A setup whose secrets are not Standard Webhooks secrets is refused.
        let bad = json!({"system": "webhook", "url": b.system.url, "api_token": "hunter2", "doors": {}});
        let (status, body) = b.app.call(Method::PUT, "/api/v1/connector", Some(&b.site.manager.token), Some(bad)).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["message"].as_str().unwrap().contains("whsec_"), "{body}");
    }
}
