//! The building's access-control system (issue "access control, part 2"), through the HTTP API
//! of a real cloud on SQLite and PostgreSQL against stand-ins for UniFi Access and Verkada that
//! answer as the vendors document: a check-in provisions the visit's access there (its window,
//! the doors its zones map to, a PIN), check-out or the window's end revokes it, a system that
//! is down or busy never holds a check-in up, and signed webhooks and the backfill put door
//! scans on the visit's timeline once.

mod generic_webhook;
mod unifi;
mod verkada;

use crate::support::{Backend, Site, TestApp, at, invitation};
use gatehouse_cloud::Clock;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

pub const LOBBY: &str = "01900000-0000-7000-8000-000000000001";
pub const LAB: &str = "01900000-0000-7000-8000-000000000002";
pub const SERVER_ROOM: &str = "01900000-0000-7000-8000-000000000003";
pub const WEBHOOK_SECRET: &str = "6601f1243d2ff70f";

/// A site connected to an access-control system `S` (its stand-in).
pub struct Building<S> {
    pub app: TestApp,
    pub site: Site,
    pub device: String,
    pub system: S,
    /// The header the system signs its webhooks in.
    pub signature_header: &'static str,
}

/// The site at 10:00 as its visits begin — zone map (Lobby, Lab B, Server room, one door
/// each), guests into the lobby and Lab B, a kiosk — connected by the facility manager with
/// `setup(system)`.
pub async fn building<S>(
    backend: Backend,
    system: S,
    signature_header: &'static str,
    setup: impl FnOnce(&S) -> Value,
) -> Option<Building<S>> {
    let app = TestApp::spawn_at(backend, Clock::fixed(at(10, 0))).await?;
    let site = Site::create(&app).await;
    app.zone_map_with_guests_in(&site, json!([
        {"id": LOBBY, "name": "Lobby", "level": "public", "doors": [{"name": "Main entrance"}]},
        {"id": LAB, "name": "Lab B", "level": "general", "doors": [{"name": "Lab B door"}]},
        {"id": SERVER_ROOM, "name": "Server room", "level": "secure", "doors": [{"name": "Server room door"}]},
    ]), &[LOBBY, LAB]).await;
    let device = app.enrolled_kiosk(&site).await;
    let setup = setup(&system);
    let token = setup["api_token"].as_str().unwrap().to_owned();
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/connector",
            Some(&site.manager.token),
            Some(setup),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.get("api_token").is_none() && !body.to_string().contains(&token),
        "no secret shown: {body}"
    );
    Some(Building {
        app,
        site,
        device,
        system,
        signature_header,
    })
}

impl<S> Building<S> {
    async fn report(&self, id: &Value, kind: &str) {
        let event = json!({"id": Uuid::now_v7(), "invitation": id, "kind": kind, "at": self.app.clock.now()});
        let (status, answer) = self
            .app
            .call(
                Method::POST,
                "/api/v1/kiosk/events",
                Some(&self.device),
                Some(json!({"events": [event]})),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["results"][0]["outcome"], "applied", "{answer}");
    }

    /// A guest invited for today and checked in at the kiosk now.
    async fn checked_in(&self, name: &str) -> Value {
        let created = self
            .app
            .invite(&self.site.north_host, invitation("guest", name, None))
            .await;
        // The kiosk has the credential before the visitor arrives.
        self.app
            .pull_changes_until(&self.device, None, 500, |d| {
                d.iter()
                    .any(|i| i["id"] == created["id"] && !i["credential"].is_null())
            })
            .await;
        self.report(&created["id"], "check_in").await;
        created["id"].clone()
    }

    /// The signed invitation code of the visit, as the kiosk holds it (the guest's QR code).
    async fn guest_code(&self, id: &Value) -> String {
        let (pages, _) = self
            .app
            .pull_changes_until(&self.device, None, 500, |d| {
                d.iter().any(|i| i["id"] == *id)
            })
            .await;
        let on_kiosk = pages
            .iter()
            .flat_map(|page| page["invitations"].as_array().unwrap())
            .find(|i| i["id"] == *id)
            .unwrap();
        on_kiosk["token"].as_str().unwrap().to_owned()
    }

    /// What the kiosk is told of its doors, and the answer's `ETag`.
    async fn kiosk_doors(&self, held: Option<&str>) -> (u16, Value, Option<String>) {
        let mut request = self
            .app
            .http
            .get(self.app.url("/api/v1/kiosk/doors"))
            .bearer_auth(&self.device);
        if let Some(etag) = held {
            request = request.header("If-None-Match", etag);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .map(|value| value.to_str().unwrap().to_owned());
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body, etag)
    }

    async fn access(&self, id: &Value) -> Value {
        let (status, body) = self
            .app
            .call(
                Method::GET,
                &format!("/api/v1/invitations/{}/access", id.as_str().unwrap()),
                Some(&self.site.reception.token),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body[0].clone()
    }

    /// Waits (at most 10 s) for the cloud's provisioning worker to bring the visit's access
    /// in the system to `state`.
    async fn access_becomes(&self, id: &Value, state: &str) -> Value {
        for _ in 0..200 {
            let access = self.access(id).await;
            if access["state"] == state {
                return access;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the access never became {state}: {}", self.access(id).await);
    }

    async fn probe(&self) -> Value {
        let (status, body) = self
            .app
            .call(
                Method::POST,
                "/api/v1/connector/probe",
                Some(&self.site.manager.token),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Delivers a webhook signed in the system's header.
    async fn webhook(
        &self,
        facility: &str,
        signature: Option<String>,
        body: Vec<u8>,
    ) -> (u16, Value) {
        let headers = signature.map(|signature| (self.signature_header, signature));
        self.webhook_with(facility, headers.into_iter().collect(), body)
            .await
    }

    async fn webhook_with(
        &self,
        facility: &str,
        headers: Vec<(&str, String)>,
        body: Vec<u8>,
    ) -> (u16, Value) {
        let mut request = self
            .app
            .http
            .post(
                self.app
                    .url(&format!("/api/v1/connector/webhook/{facility}")),
            )
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn timeline_doors(&self, id: &Value) -> Vec<(String, bool, String)> {
        let (_, timeline) = self
            .app
            .call(
                Method::GET,
                &format!("/api/v1/invitations/{}/timeline", id.as_str().unwrap()),
                Some(&self.site.north_host.token),
                None,
            )
            .await;
        timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["what"] == "door_scan")
            .map(|m| {
                (
                    m["place"].as_str().unwrap().to_owned(),
                    m["granted"].as_bool().unwrap(),
                    m["source"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}
