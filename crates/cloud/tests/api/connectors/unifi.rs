//! UniFi Access: visitors with the visit's window, doors and a PIN; `Signature: t=…,v1=…`
//! webhooks; the probe, the reconcile job, and a console that is down, busy or refusing.

use super::{Building, WEBHOOK_SECRET};
use crate::support::{Backend, at};
use chrono::TimeDelta;
use gatehouse_testsupport::{
    on_both_databases,
    unifi::{Failure, UnifiConsole},
};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

/// The building, connected to a UniFi Access console whose doors are mapped to the zone map's.
async fn building(backend: Backend) -> Option<Building<UnifiConsole>> {
    let console = UnifiConsole::start(&[
        ("unifi-door-lobby", "Main entrance"),
        ("unifi-door-lab", "Lab B door"),
        ("unifi-door-server", "Server room door"),
    ])
    .await;
    super::building(backend, console, "Signature", |console| {
        json!({"system": "unifi", "url": console.url, "api_token": console.token,
        "webhook_secret": WEBHOOK_SECRET, "doors": {
            "Main entrance": [{"id": "unifi-door-lobby", "type": "door"}],
            "Lab B door": [{"id": "unifi-door-lab", "type": "door"}],
            "Server room door": [{"id": "unifi-door-server", "type": "door"}],
        }})
    })
    .await
}

on_both_databases! {
    async fn checkout_revokes_access_in_unifi(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        let visit = b.checked_in("Ulla Unifi").await;
        b.access_becomes(&visit, "provisioned").await;
        let visitors = b.system.visitors();
        assert_eq!(visitors.len(), 1, "{visitors:#?}");
        let made = &visitors[0];
        assert_eq!(made["first_name"], "Ulla");
        assert_eq!(made["last_name"], "Unifi");
        assert_eq!(made["remarks"], format!("gatehouse:{}", visit.as_str().unwrap()));
        // The visit's window (doors open 15 minutes early), in Unix seconds.
        assert_eq!(made["start_time"], json!((at(10, 0) - TimeDelta::minutes(15)).timestamp()));
        assert_eq!(made["end_time"], json!(at(12, 0).timestamp()));
        let mut doors: Vec<&str> = made["resources"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        doors.sort_unstable();
        assert_eq!(doors, ["unifi-door-lab", "unifi-door-lobby"], "the guest's zones, not the server room");
        assert_eq!(made["pin"].as_str().unwrap().len(), 8, "a PIN to type at the readers");
        // Her page shows her that PIN, for the keypads.
        let code = b.guest_code(&visit).await;
        let (status, page) = b.app.call(Method::GET, &format!("/api/v1/guest/{code}"), None, None).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["door_pass"]["pin"], made["pin"], "{page}");

        // Her scan at Lab B comes back by webhook, onto her timeline.
        let vendor_id = made["id"].as_str().unwrap();
        let body = UnifiConsole::door_unlock("evt-lab-1", &json!({"id": "unifi-door-lab", "location_type": "door", "name": "Lab B door"}),
            &json!({"id": "7483c2773855", "alias": "Lab B door", "device_type": "UAH"}), vendor_id, true);
        let signature = UnifiConsole::signature(WEBHOOK_SECRET, b.app.clock.now().timestamp(), &body);
        let (status, answer) = b.webhook(&b.site.facility.to_string(), Some(signature), body).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["delivery"], "recorded");
        assert_eq!(b.timeline_doors(&visit).await, [("Lab B door".to_owned(), true, "unifi".to_owned())]);

        b.app.clock.advance(TimeDelta::minutes(70));
        b.report(&visit, "check_out").await;
        let access = b.access_becomes(&visit, "revoked").await;
        assert!(access["revoked_at"].is_string());
        assert!(b.system.visitors().is_empty(), "nothing of her visit stays in the console");
        assert!(b.system.requests().iter().any(|r| r == &format!("DELETE /api/v1/developer/visitors/{vendor_id}?is_force=true")));
    }
}

on_both_databases! {
    async fn connector_down_does_not_block_check_in(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        b.system.set_down(true);
        let started = std::time::Instant::now();
        let visit = b.checked_in("Dora Down").await;
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "the check-in did not wait for the console");
        // Reception sees it wait, and why.
        for _ in 0..200 {
            if b.access(&visit).await["problem"].is_string() { break }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let waiting = b.access(&visit).await;
        assert_eq!(waiting["state"], "provisioning");
        assert!(waiting["problem"].as_str().unwrap().contains("cannot be reached or failed"), "{waiting}");
        assert!(b.system.visitors().is_empty());

        // Back up, the job is tried again after its backoff and goes.
        b.system.set_down(false);
        b.app.clock.advance(TimeDelta::seconds(10));
        let provisioned = b.access_becomes(&visit, "provisioned").await;
        assert!(provisioned["problem"].is_null());
        assert_eq!(b.system.visitors().len(), 1);

        // A busy console's Retry-After is honoured: not before, and then it goes.
        b.system.fail_next(&[Failure::RateLimited(Some(120))]);
        let second = b.checked_in("Rudi Retry").await;
        for _ in 0..200 {
            if b.access(&second).await["problem"].is_string() { break }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(b.access(&second).await["problem"].as_str().unwrap().contains("slow down"));
        b.app.clock.advance(TimeDelta::seconds(60));
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        assert_eq!(b.access(&second).await["state"], "provisioning", "not before the console said");
        b.app.clock.advance(TimeDelta::seconds(61));
        b.access_becomes(&second, "provisioned").await;

        // 429 without Retry-After, a 500 and a refused token: each retried, reception told.
        b.system.fail_next(&[Failure::RateLimited(None), Failure::ServerError, Failure::Unauthorized]);
        let third = b.checked_in("Tom Tries").await;
        for _ in 0..3 {
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
            b.app.clock.advance(TimeDelta::minutes(5));
        }
        b.access_becomes(&third, "provisioned").await;
        assert_eq!(b.system.visitors().len(), 3);
    }
}

on_both_databases! {
    async fn replayed_webhook_is_refused(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        let visit = b.checked_in("Rita Replay").await;
        b.access_becomes(&visit, "provisioned").await;
        let vendor_id = b.system.visitors()[0]["id"].as_str().unwrap().to_owned();
        let facility = b.site.facility.to_string();
        let now = b.app.clock.now().timestamp();
        // The event names the hub, not the door: resolved through the console's doors.
        let body = UnifiConsole::door_unlock("evt-9", &json!({"id": "hub-location", "location_type": "hub", "name": "UA-HUB"}),
            &json!({"id": "7483c2773855", "alias": "Server room door", "device_type": "UAH"}), &vendor_id, false);
        let signature = UnifiConsole::signature(WEBHOOK_SECRET, now, &body);
        let (status, answer) = b.webhook(&facility, Some(signature.clone()), body.clone()).await;
        assert_eq!((status, answer["delivery"].as_str()), (200, Some("recorded")), "{answer}");
        // Replayed as it was, within the window: acknowledged, changes nothing.
        let (status, answer) = b.webhook(&facility, Some(signature), body.clone()).await;
        assert_eq!((status, answer["delivery"].as_str()), (200, Some("duplicate")));
        assert_eq!(b.timeline_doors(&visit).await, [("Server room door".to_owned(), false, "unifi".to_owned())]);

        // Replayed later (signed more than five minutes ago), or forged, or re-signed wrongly.
        let replay = UnifiConsole::door_unlock("evt-10", &json!({"id": "unifi-door-lab"}), &json!({}), &vendor_id, true);
        let refused = [
            (Some(UnifiConsole::signature(WEBHOOK_SECRET, now - 301, &replay)), "more than five minutes"),
            (Some(UnifiConsole::signature(WEBHOOK_SECRET, now + 301, &replay)), "more than five minutes"),
            (Some(UnifiConsole::signature("guessed-secret", now, &replay)), "does not match"),
            (Some(format!("t={now},v1=00ff")), "does not match"),
            (Some("sha256=abc".to_owned()), "cannot be read"),
            (None, "not signed"),
        ];
        for (signature, says) in refused {
            let (status, answer) = b.webhook(&facility, signature, replay.clone()).await;
            assert_eq!(status, 401, "{answer}");
            assert!(answer["message"].as_str().unwrap().contains(says), "{answer}");
        }
        // The body is what is signed: the same signature on another body is refused.
        let signature = UnifiConsole::signature(WEBHOOK_SECRET, now, &replay);
        let tampered = String::from_utf8(replay.clone()).unwrap().replace("Access Granted", "Access Denied");
        let (status, _) = b.webhook(&facility, Some(signature), tampered.into_bytes()).await;
        assert_eq!(status, 401);
        assert_eq!(b.app.rows_in("door_events").await, 1, "nothing refused was stored");
        let (status, _) = b.webhook(&Uuid::now_v7().to_string(), None, replay).await;
        assert_eq!(status, 404);
    }
}

on_both_databases! {
    async fn the_probe_says_plainly_what_the_connector_lacks(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        let ready = b.probe().await;
        assert_eq!(ready["ready"], true, "{ready}");
        assert_eq!(ready["doors"].as_array().unwrap().len(), 4, "three doors and a door group: {ready}");

        b.system.set_scopes(&["view:visitor", "edit:visitor", "view:webhook"]);
        let lacking = b.probe().await;
        assert_eq!(lacking["ready"], false);
        assert_eq!(lacking["missing"], json!(["the API token needs the permission view:space"]));

        b.system.set_scopes(&gatehouse_testsupport::unifi::SCOPES);
        let moved = json!({"system": "unifi", "url": b.system.url, "api_token": b.system.token,
            "doors": {"Lab B door": [{"id": "unifi-door-gone", "type": "door"}]}});
        let (status, body) = b.app.call(Method::PUT, "/api/v1/connector", Some(&b.site.manager.token), Some(moved)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(b.probe().await["missing"], json!([
            "the door \"Lab B door\" is mapped to unifi-door-gone, which the system does not have"
        ]));

        b.system.fail_next(&[Failure::Unauthorized]);
        let refused = b.probe().await;
        assert!(refused["missing"][0].as_str().unwrap().contains("make a new one"), "{refused}");

        // Bad setups change nothing.
        let bad = [
            (json!({"system": "unifi", "url": "ftp://console", "api_token": "t", "doors": {}}), "http://"),
            (json!({"system": "unifi", "url": b.system.url, "api_token": " ", "doors": {}}), "API token"),
            (json!({"system": "unifi", "url": b.system.url, "api_token": "t", "doors": {"Loading dock": [{"id": "x", "type": "door"}]}}), "no door \"Loading dock\""),
            (json!({"system": "brivo", "url": b.system.url, "api_token": "t", "doors": {}}), "system"),
        ];
        for (setup, says) in bad {
            let (status, body) = b.app.call(Method::PUT, "/api/v1/connector", Some(&b.site.manager.token), Some(setup)).await;
            assert_eq!(status, 422, "{body}");
            assert!(body["message"].as_str().unwrap().contains(says), "{body}");
        }
        let (_, shown) = b.app.call(Method::GET, "/api/v1/connector", Some(&b.site.manager.token), None).await;
        assert_eq!(shown["url"], b.system.url.as_str());
        assert_eq!(shown["signs_webhooks"], true, "set again without one, the secret it had is kept");
        assert!(b.system.endpoints().is_empty(), "nothing to register");
        let (status, _) = b.app.call(Method::GET, "/api/v1/connector", Some(&b.site.north_host.token), None).await;
        assert_eq!(status, 403);
    }
}

on_both_databases! {
    async fn reconcile_revokes_access_left_after_checkout(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        let left = b.checked_in("Lena Left").await;
        let staying = b.checked_in("Stan Staying").await;
        b.access_becomes(&left, "provisioned").await;
        b.access_becomes(&staying, "provisioned").await;
        // The console refuses her revocation for good: the job gives up, reception is told.
        b.system.fail_next(&[Failure::Refused]);
        b.report(&left, "check_out").await;
        for _ in 0..200 {
            if b.access(&left).await["problem"].is_string() { break }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let stuck = b.access(&left).await;
        assert_eq!(stuck["state"], "revoking");
        assert!(stuck["problem"].as_str().unwrap().contains("refused"), "{stuck}");
        assert_eq!(b.system.visitors().len(), 2, "her access is still there");
        // An orphan Gatehouse made and lost track of, and a visitor the building made itself.
        let orphan = b.system.add_visitor(json!({"first_name": "Otto", "last_name": "Orphan",
            "remarks": format!("gatehouse:{}", Uuid::now_v7()), "status": "ACTIVE"}));
        b.system.add_visitor(json!({"first_name": "Bea", "last_name": "Building",
            "remarks": "the building's own", "status": "ACTIVE"}));

        let (status, fixed) = b.app.call(Method::POST, "/api/v1/connector/reconcile", Some(&b.site.manager.token), None).await;
        assert_eq!(status, 200, "{fixed}");
        assert_eq!(fixed["revoked"], json!([left]));
        assert_eq!(fixed["orphans_removed"], json!([orphan]));
        let remaining: Vec<String> = b.system.visitors().iter().map(|v| v["first_name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(remaining, ["Stan", "Bea"], "the live visit and the building's own visitor stay");
        assert_eq!(b.access(&left).await["state"], "revoked");
        let (_, history) = b.app
            .call(Method::GET, &format!("/api/v1/invitations/{}/history", left.as_str().unwrap()), Some(&b.site.manager.token), None)
            .await;
        assert!(history.as_array().unwrap().iter().any(|e| e["action"] == "access_reconciled"), "reported in her history: {history}");

        // Nothing left to fix; and a console that is down is said so.
        let (_, again) = b.app.call(Method::POST, "/api/v1/connector/reconcile", Some(&b.site.manager.token), None).await;
        assert_eq!(again, json!({"revoked": [], "orphans_removed": [], "events_backfilled": 0}));
        b.system.set_down(true);
        let (status, body) = b.app.call(Method::POST, "/api/v1/connector/reconcile", Some(&b.site.manager.token), None).await;
        assert_eq!(status, 503, "{body}");
        let (status, _) = b.app.call(Method::POST, "/api/v1/connector/reconcile", Some(&b.site.reception.token), None).await;
        assert_eq!(status, 403);
    }
}

on_both_databases! {
    async fn unifi_system_log_backfills_the_scans_webhooks_missed(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        let visit = b.checked_in("Lars Log").await;
        b.access_becomes(&visit, "provisioned").await;
        let vendor_id = b.system.visitors()[0]["id"].as_str().unwrap().to_owned();
        let now = b.app.clock.now();
        // Her scan at Lab B came by webhook; the console logs it too, under no shared id.
        let body = UnifiConsole::door_unlock("evt-lab-7", &json!({"id": "unifi-door-lab", "location_type": "door", "name": "Lab B door"}),
            &json!({"id": "7483c2773855", "alias": "Lab B door"}), &vendor_id, true);
        let signature = UnifiConsole::signature(WEBHOOK_SECRET, now.timestamp(), &body);
        assert_eq!(b.webhook(&b.site.facility.to_string(), Some(signature), body).await.0, 200);
        b.system.log_door_opening(("unifi-door-lab", "Lab B door"), &vendor_id, true, now + TimeDelta::seconds(2));
        // Her refusal at the server room a minute later never came by webhook.
        b.system.log_door_opening(("unifi-door-server", "Server room door"), &vendor_id, false, now + TimeDelta::seconds(60));
        b.app.clock.advance(TimeDelta::minutes(2));

        let (status, fixed) = b.app.call(Method::POST, "/api/v1/connector/reconcile", Some(&b.site.manager.token), None).await;
        assert_eq!(status, 200, "{fixed}");
        assert_eq!(fixed["events_backfilled"], 1, "the scan the webhook brought is not taken twice: {fixed}");
        assert_eq!(b.timeline_doors(&visit).await, [
            ("Lab B door".to_owned(), true, "unifi".to_owned()),
            ("Server room door".to_owned(), false, "unifi".to_owned()),
        ]);
        let (_, again) = b.app.call(Method::POST, "/api/v1/connector/reconcile", Some(&b.site.manager.token), None).await;
        assert_eq!(again["events_backfilled"], 0, "read again, taken once");
        assert!(b.system.requests().iter().any(|r| r.starts_with("POST /api/v1/developer/system/logs?page_num=1")));
    }
}

on_both_databases! {
    async fn a_unifi_console_set_up_without_a_secret_is_asked_to_send_its_webhooks(backend: Backend) {
        let console = UnifiConsole::start(&[("unifi-door-lab", "Lab B door")]).await;
        let Some(b) = crate::connectors::building(backend, console, "Signature", |console: &UnifiConsole| {
            json!({"system": "unifi", "url": console.url, "api_token": console.token,
                "doors": {"Lab B door": [{"id": "unifi-door-lab", "type": "door"}]}})
        })
        .await else { return };
        let (_, shown) = b.app.call(Method::GET, "/api/v1/connector", Some(&b.site.manager.token), None).await;
        assert_eq!(shown["signs_webhooks"], true);
        let endpoints = b.system.endpoints();
        assert_eq!(endpoints.len(), 1, "{endpoints:#?}");
        assert_eq!(endpoints[0]["endpoint"], shown["webhook_url"]);
        assert_eq!(endpoints[0]["events"], json!(["access.door.unlock"]));
        // Its deliveries are signed with the secret the console made.
        let visit = b.checked_in("Wera Webhook").await;
        b.access_becomes(&visit, "provisioned").await;
        let vendor_id = b.system.visitors()[0]["id"].as_str().unwrap().to_owned();
        let body = UnifiConsole::door_unlock("evt-w-1", &json!({"id": "unifi-door-lab", "name": "Lab B door"}), &json!({}), &vendor_id, true);
        let signature = UnifiConsole::signature(endpoints[0]["secret"].as_str().unwrap(), b.app.clock.now().timestamp(), &body);
        let (status, answer) = b.webhook(&b.site.facility.to_string(), Some(signature), body).await;
        assert_eq!((status, answer["delivery"].as_str()), (200, Some("recorded")), "{answer}");

        // A token that may not register says so, and changes nothing.
        let bare = UnifiConsole::start(&[]).await;
        bare.set_scopes(&["view:visitor", "edit:visitor", "view:space", "view:webhook"]);
        let setup = json!({"system": "verkada", "url": bare.url, "api_token": "k", "doors": {}});
        let (status, _) = b.app.call(Method::PUT, "/api/v1/connector", Some(&b.site.manager.token), Some(setup)).await;
        assert_eq!(status, 200, "another system first, so nothing is kept");
        let setup = json!({"system": "unifi", "url": bare.url, "api_token": bare.token, "doors": {}});
        let (status, body) = b.app.call(Method::PUT, "/api/v1/connector", Some(&b.site.manager.token), Some(setup)).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["message"].as_str().unwrap().contains("edit:webhook"), "{body}");
        let (_, shown) = b.app.call(Method::GET, "/api/v1/connector", Some(&b.site.manager.token), None).await;
        assert_eq!(shown["system"], "verkada", "the refused setup changed nothing");
    }
}

on_both_databases! {
    async fn the_kiosk_is_told_each_visits_access_and_last_door(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        let (status, _, _) = b.kiosk_doors(None).await;
        assert_eq!(status, 200);
        let visit = b.checked_in("Kim Kiosk").await;
        b.access_becomes(&visit, "provisioned").await;
        let vendor_id = b.system.visitors()[0]["id"].as_str().unwrap().to_owned();
        let body = UnifiConsole::door_unlock("evt-kiosk-1", &json!({"id": "unifi-door-lab", "location_type": "door", "name": "Lab B door"}),
            &json!({"id": "7483c2773855", "alias": "Lab B door", "device_type": "UAH"}), &vendor_id, false);
        let signature = UnifiConsole::signature(WEBHOOK_SECRET, b.app.clock.now().timestamp(), &body);
        let (status, answer) = b.webhook(&b.site.facility.to_string(), Some(signature), body).await;
        assert_eq!(status, 200, "{answer}");

        let (status, doors, etag) = b.kiosk_doors(None).await;
        assert_eq!(status, 200, "{doors}");
        assert_eq!(doors["access"], json!([{"invitation": visit, "system": "unifi", "state": "provisioned", "problem": null}]));
        let seen = &doors["visitors"][0];
        assert_eq!(seen["invitation"], visit, "{doors}");
        assert_eq!(seen["last_door"]["door"], "Lab B door");
        assert_eq!(seen["last_door"]["zone_name"], "Lab B");
        assert_eq!(seen["last_door"]["granted"], false, "a refused scan says so");
        assert!(!doors.to_string().contains("Kim Kiosk"), "the kiosk has the visitor's name already: {doors}");
        // Nothing changed: 304, and the kiosk keeps its copy.
        let (status, _, _) = b.kiosk_doors(etag.as_deref()).await;
        assert_eq!(status, 304);

        // Only an enrolled kiosk is told.
        let anonymous = b.app.http.get(b.app.url("/api/v1/kiosk/doors")).send().await.unwrap();
        assert_eq!(anonymous.status().as_u16(), 401);
        let as_reception = b.app.http.get(b.app.url("/api/v1/kiosk/doors")).bearer_auth(&b.site.reception.token).send().await.unwrap();
        assert_eq!(as_reception.status().as_u16(), 401, "a person is not a kiosk");
    }
}
