//! Door scans flowing back (issue "access control, part 2"), through the HTTP API of a real
//! cloud on SQLite and PostgreSQL: Gatehouse's own door check and systems posting scans put
//! each scan on its visit's timeline once, however often it is delivered; the muster list names
//! everyone inside — and nobody else — with the last door and zone that saw them.

use crate::support::{Backend, Site, TestApp, at, invitation};
use chrono::TimeDelta;
use gatehouse_cloud::Clock;
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

const LOBBY: &str = "01900000-0000-7000-8000-000000000001";
const LAB: &str = "01900000-0000-7000-8000-000000000002";
const SERVER_ROOM: &str = "01900000-0000-7000-8000-000000000003";

/// The site at 10:00, as its visits begin, with a zone map (lobby, Lab B, server room), guests allowed into the
/// lobby and Lab B, and a kiosk named "Lobby" (also how door readers call).
async fn building(backend: Backend) -> Option<(TestApp, Site, String)> {
    let app = TestApp::spawn_at(backend, Clock::fixed(at(10, 0))).await?;
    let site = Site::create(&app).await;
    app.zone_map_with_guests_in(
        &site,
        json!([
            {"id": LOBBY, "name": "Lobby", "level": "public",
             "doors": [{"name": "Main entrance", "external_id": "door-1"}]},
            {"id": LAB, "name": "Lab B", "level": "general",
             "doors": [{"name": "Lab B door", "external_id": "door-7"}]},
            {"id": SERVER_ROOM, "name": "Server room", "level": "secure",
             "doors": [{"name": "Server room door", "external_id": "door-9"}]},
        ]),
        &[LOBBY, LAB],
    )
    .await;
    let device = app.enrolled_kiosk(&site).await;
    Some((app, site, device))
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

/// The visit's credential, as the kiosk's change feed delivers it.
async fn credential(app: &TestApp, device: &str, id: &Value) -> String {
    let (pages, _) = app
        .pull_changes_until(device, None, 500, |d| {
            d.iter()
                .any(|i| i["id"] == *id && !i["credential"].is_null())
        })
        .await;
    let invitation = pages
        .iter()
        .flat_map(|p| p["invitations"].as_array().unwrap().clone())
        .rfind(|i| i["id"] == *id)
        .unwrap();
    invitation["credential"]["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn at_door(app: &TestApp, device: &str, token: &str, door: &str) -> bool {
    let (status, answer) = app
        .call(
            Method::POST,
            "/api/v1/credentials/verify",
            Some(device),
            Some(json!({"token": token, "door": door})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["granted"].as_bool().unwrap()
}

async fn post_scans(app: &TestApp, token: &str, events: Value) -> (reqwest::StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/v1/door-events",
        Some(token),
        Some(json!({"events": events})),
    )
    .await
}

async fn muster(app: &TestApp, site: &Site) -> Vec<Value> {
    let (status, body) = app
        .call(
            Method::GET,
            "/api/v1/muster",
            Some(&site.reception.token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["people"].as_array().unwrap().clone()
}

/// A guest invited for today (10:00–12:00) and checked in at the kiosk now, with the door
/// credential their badge carries.
async fn checked_in(app: &TestApp, site: &Site, device: &str, name: &str) -> (Value, String) {
    let created = app
        .invite(&site.north_host, invitation("guest", name, None))
        .await;
    let token = credential(app, device, &created["id"]).await;
    report(app, device, &created["id"], "check_in").await;
    (created["id"].clone(), token)
}

on_both_databases! {
    async fn muster_lists_only_people_inside_with_last_door(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (inside, token) = checked_in(&app, &site, &device, "Ines Inside").await;
        app.clock.advance(TimeDelta::minutes(15));
        assert!(at_door(&app, &device, &token, "door-7").await, "Lab B lets her in");
        app.clock.advance(TimeDelta::minutes(25));
        assert!(!at_door(&app, &device, &token, "Server room door").await, "the server room does not");

        let (unseen, _) = checked_in(&app, &site, &device, "Udo Unseen").await;
        let (gone, _) = checked_in(&app, &site, &device, "Greta Gone").await;
        report(&app, &device, &gone, "check_out").await;
        app.invite(&site.north_host, invitation("guest", "Eve Expected", None)).await;
        let (status, body) = post_scans(&app, &site.manager.token, json!([
            {"id": "evt-1", "door": "door-1", "holder": {"person": "Sam Staff"}, "granted": true,
             "direction": "in", "at": app.clock.now()},
            {"id": "evt-2", "door": "door-1", "holder": {"person": "Olga Out"}, "granted": true,
             "direction": "in", "at": app.clock.now() - TimeDelta::minutes(60)},
            {"id": "evt-3", "door": "door-1", "holder": {"person": "Olga Out"}, "granted": true,
             "direction": "out", "at": app.clock.now()},
        ])).await;
        assert_eq!(status, 200, "{body}");

        let people = muster(&app, &site).await;
        let names: Vec<&str> = people.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Ines Inside", "Udo Unseen", "Sam Staff"], "only who is inside: {people:#?}");
        let ines = &people[0];
        assert_eq!(ines["visit"], inside);
        assert_eq!(ines["host"], "Hanna Host");
        assert_eq!(ines["last_door"]["door"], "Server room door");
        assert_eq!(ines["last_door"]["zone_name"], "Server room");
        assert_eq!(ines["last_door"]["granted"], false);
        assert_eq!(ines["last_door"]["at"], json!(at(10, 40)));
        assert_eq!(people[1]["visit"], unseen);
        assert!(people[1]["last_door"].is_null(), "no door has seen him yet");
        assert!(people[2]["visit"].is_null());
        assert_eq!(people[2]["last_door"]["direction"], "in");

        // Printed, grouped by last zone.
        let pdf = app
            .http
            .get(app.url("/api/v1/muster/pdf?language=de"))
            .bearer_auth(&site.reception.token)
            .send()
            .await
            .unwrap();
        let kind = pdf.headers()["content-type"].clone();
        let body = pdf.bytes().await.unwrap();
        assert_eq!(kind, "application/pdf", "{}", String::from_utf8_lossy(&body));
        assert!(body.starts_with(b"%PDF"), "{}", String::from_utf8_lossy(&body));
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &body).unwrap();
        let text = gatehouse_testsupport::poppler::read(file.path());
        // In German, grouped by last zone, categories in words.
        for expected in ["Ines Inside", "Udo Unseen", "Sam Staff", "Server room", "Gast", "Personal"] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
        assert!(!text.contains("Greta Gone") && !text.contains("Olga Out"), "{text}");

        // A host sees no muster list of the building.
        let (status, _) = app.call(Method::GET, "/api/v1/muster", Some(&site.north_host.token), None).await;
        assert_eq!(status, 403);
    }
}

on_both_databases! {
    async fn a_visit_has_one_timeline_from_check_in_through_its_doors_to_check_out(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (visit, token) = checked_in(&app, &site, &device, "Tilda Timeline").await;
        app.clock.advance(TimeDelta::minutes(13));
        assert!(at_door(&app, &device, &token, "door-7").await);
        // The building's system reports the next scan itself, twice (a redelivery).
        let scan = json!({"id": "unifi-77", "door": "Server room door", "holder": {"visit": visit},
            "granted": false, "at": app.clock.now() + TimeDelta::minutes(25)});
        for _ in 0..2 {
            let (status, body) = post_scans(&app, &site.manager.token, json!([scan])).await;
            assert_eq!(status, 200, "{body}");
        }
        app.clock.advance(TimeDelta::minutes(60));
        report(&app, &device, &visit, "check_out").await;

        let (status, timeline) = app
            .call(
                Method::GET,
                &format!("/api/v1/invitations/{}/timeline", visit.as_str().unwrap()),
                Some(&site.north_host.token),
                None,
            )
            .await;
        assert_eq!(status, 200, "{timeline}");
        let moments: Vec<(String, Option<String>, Option<bool>)> = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["what"] != "create" && !m["what"].as_str().unwrap().starts_with("credential"))
            .map(|m| (
                m["what"].as_str().unwrap().to_owned(),
                m["place"].as_str().map(str::to_owned),
                m["granted"].as_bool(),
            ))
            .collect();
        assert_eq!(moments, [
            ("checked_in".to_owned(), Some("Lobby".to_owned()), None),
            ("door_scan".to_owned(), Some("Lab B door".to_owned()), Some(true)),
            ("door_scan".to_owned(), Some("Server room door".to_owned()), Some(false)),
            ("checked_out".to_owned(), Some("Lobby".to_owned()), None),
        ], "{timeline:#?}");
        let times: Vec<&str> = timeline.as_array().unwrap().iter().map(|m| m["at"].as_str().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "in the order it happened: {times:?}");

        // Not for whoever does not see the invitation.
        let (status, _) = app
            .call(
                Method::GET,
                &format!("/api/v1/invitations/{}/timeline", visit.as_str().unwrap()),
                Some(&site.blue_host.token),
                None,
            )
            .await;
        assert_eq!(status, 404);
    }
}

on_both_databases! {
    async fn posted_door_events_are_stored_once_and_a_bad_post_changes_nothing(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        let (visit, _) = checked_in(&app, &site, &device, "Pia Posted").await;
        let good = json!({"id": "e-1", "door": "door-1", "holder": {"visit": visit}, "granted": true, "at": app.clock.now()});
        let (status, body) = post_scans(&app, &site.manager.token, json!([good])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["results"][0]["outcome"], "recorded");
        assert_eq!(body["results"][0]["visit"], visit);
        let (_, again) = post_scans(&app, &site.manager.token, json!([good])).await;
        assert_eq!(again["results"][0]["outcome"], "duplicate");
        assert_eq!(app.rows_in("door_events").await, 1);

        let other = json!({"id": "e-2", "door": "door-1", "holder": {"visit": visit}, "granted": true, "at": app.clock.now()});
        let bad_posts = [
            (json!([other, {"id": "e-3", "door": "Loading dock", "holder": {"visit": visit}, "granted": true, "at": app.clock.now()}]), "no door \"Loading dock\""),
            (json!([other, {"id": "e-4", "door": "door-1", "holder": {"visit": Uuid::now_v7()}, "granted": true, "at": app.clock.now()}]), "no visit"),
            (json!([other, {"id": "e-5", "door": "door-1", "holder": {"credential": "GHC2.forged.sig"}, "granted": true, "at": app.clock.now()}]), "neither an id nor"),
            (json!([other, {"id": "", "door": "door-1", "holder": {"person": "Sam"}, "granted": true, "at": app.clock.now()}]), "1 to 200 characters"),
            (json!([]), "between 1 and 1000"),
        ];
        for (events, says) in bad_posts {
            let (status, body) = post_scans(&app, &site.manager.token, events).await;
            assert_eq!(status, 422, "{body}");
            assert!(body["message"].as_str().unwrap().contains(says), "{body}");
        }
        let (status, body) = app
            .call(Method::POST, "/api/v1/door-events", Some(&site.manager.token), Some(json!({"events": [{"door": 3}]})))
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = post_scans(&app, &site.north_host.token, json!([other])).await;
        assert_eq!(status, 403);
        assert_eq!(app.rows_in("door_events").await, 1, "nothing of a refused post is stored");
    }
}

on_both_databases! {
    async fn the_utilisation_report_counts_visitors_first_doors_and_time_by_zone(backend: Backend) {
        let Some((app, site, device)) = building(backend).await else { return };
        // 10:00 Ines checks in; 10:15 Lab B; 10:40 the server room refuses her; 11:00 she leaves.
        let (ines, token) = checked_in(&app, &site, &device, "Ines Inside").await;
        app.clock.advance(TimeDelta::minutes(15));
        assert!(at_door(&app, &device, &token, "door-7").await);
        app.clock.advance(TimeDelta::minutes(25));
        assert!(!at_door(&app, &device, &token, "Server room door").await);
        app.clock.advance(TimeDelta::minutes(20));
        report(&app, &device, &ines, "check_out").await;
        // 11:00 Udo checks in and never opens a door; the report is read at 11:30.
        let _ = checked_in(&app, &site, &device, "Udo Unseen").await;
        app.clock.advance(TimeDelta::minutes(30));

        let path = "/api/v1/reports/utilisation?from=2030-06-03&to=2030-06-03";
        let (status, _) = app.call(Method::GET, path, Some(&site.north_host.token), None).await;
        assert_eq!(status, 403, "the report is the facility manager's");
        let (status, report) = app.call(Method::GET, path, Some(&site.manager.token), None).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["days"], json!([{"day": "2030-06-03", "category": "guest", "visitors": 2}]));
        assert_eq!(report["first_door"]["visits"], 1);
        assert_eq!(report["first_door"]["no_door"], 1);
        assert_eq!(report["first_door"]["median_minutes"], 15.0);
        // Ines: 15 min in the lobby, 45 in Lab B (the refused door changes nothing); Udo: 30 in the lobby.
        let zones: Vec<(String, f64)> = report["zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| (z["zone_name"].as_str().unwrap_or(z["place"].as_str().unwrap()).to_owned(), z["minutes"].as_f64().unwrap()))
            .collect();
        assert_eq!(zones, [("lobby".to_owned(), 45.0), ("Lab B".to_owned(), 45.0)]);
        assert!(!report.to_string().contains("Ines"), "the report names nobody: {report}");

        let csv = app.http.get(app.url(&path.replace("utilisation?", "utilisation.csv?"))).bearer_auth(&site.manager.token).send().await.unwrap();
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        assert_eq!(csv.text().await.unwrap(), "day,category,visitors\n2030-06-03,guest,2\n");

        for bad in ["?from=2030-06-04&to=2030-06-03", "?from=2029-01-01&to=2030-06-03", "?from=yesterday&to=2030-06-03", "?to=2030-06-03"] {
            let (status, body) = app.call(Method::GET, &format!("/api/v1/reports/utilisation{bad}"), Some(&site.manager.token), None).await;
            assert!(status == 400 || status == 422, "{bad}: {status} {body}");
        }
    }
}
