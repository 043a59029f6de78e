//! The building's zone map (issue "access control, part 1": spaces): zones with a security
//! level, doors with their ids in the access-control system, rooms some of which are internal
//! only — changed only by who holds `visitor_vendor_configuration` for the facility, validated,
//! every change a version in the history. Through the HTTP API, on SQLite and on PostgreSQL.

use crate::support::{Backend, Site, TestApp};
use gatehouse_testsupport::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn harbour_point(version: u64) -> Value {
    json!({
        "version": version,
        "zones": [
            {"id": "01900000-0000-7000-8000-000000000001", "name": "Lobby", "level": "public",
             "doors": [{"name": "Main entrance", "external_id": "unifi-door-1"}],
             "rooms": [{"name": "Meeting room 1"}]},
            {"id": "01900000-0000-7000-8000-000000000002", "name": "Lab B", "level": "secure",
             "doors": [{"name": "Lab B door", "external_id": "unifi-door-7"}],
             "rooms": [{"name": "Clean room", "internal_only": true}]},
        ]
    })
}

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

on_both_databases! {
    async fn a_vendor_configurer_draws_the_zone_map_and_every_change_is_a_version_in_its_history(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, empty) = app.call(Method::GET, "/api/v1/zone-map", Some(&site.north_host.token), None).await;
        assert_eq!(status, StatusCode::OK, "{empty}");
        assert_eq!(empty, json!({"version": 0, "zones": []}));

        let (status, first) = app
            .call(Method::PUT, "/api/v1/zone-map", Some(&site.manager.token), Some(harbour_point(0)))
            .await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_eq!(first["version"], 1);
        let mut second = harbour_point(1);
        second["zones"][1]["level"] = json!("general");
        let (status, changed) = app
            .call(Method::PUT, "/api/v1/zone-map", Some(&site.manager.token), Some(second))
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["version"], 2);
        // Everyone of the facility reads it (a host choosing a meeting room).
        let (_, read) = app.call(Method::GET, "/api/v1/zone-map", Some(&site.north_host.token), None).await;
        assert_eq!(read["zones"][1]["level"], "general");
        assert_eq!(read["zones"][1]["rooms"][0]["internal_only"], true);
        assert_eq!(read["zones"][0]["doors"][0]["external_id"], "unifi-door-1");

        let (status, history) = app
            .call(Method::GET, "/api/v1/zone-map/history", Some(&site.manager.token), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{history}");
        let versions: Vec<(u64, String)> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["version"].as_u64().unwrap(), v["changed_by"].as_str().unwrap_or_default().to_owned()))
            .collect();
        let manager = versions[0].1.clone();
        assert!(!manager.is_empty(), "{history}");
        assert_eq!(versions, [(2, manager.clone()), (1, manager)]);
    }
}

on_both_databases! {
    async fn only_a_vendor_configurer_of_the_facility_changes_the_zone_map(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        for person in [&site.north_host, &site.north_manager, &site.reception, &site.nobody] {
            let (status, body) = app
                .call(Method::PUT, "/api/v1/zone-map", Some(&person.token), Some(harbour_point(0)))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{}: {body}", person.email);
            let (status, _) = app
                .call(Method::GET, "/api/v1/zone-map/history", Some(&person.token), None)
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{}", person.email);
        }
        let (_, map) = app.call(Method::GET, "/api/v1/zone-map", Some(&site.manager.token), None).await;
        assert_eq!(map["version"], 0, "nothing changed: {map}");
        let (status, _) = app.call(Method::GET, "/api/v1/zone-map", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

on_both_databases! {
    async fn a_bad_or_stale_zone_map_is_refused_naming_what_is_wrong_and_changes_nothing(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let manager = Some(site.manager.token.as_str());
        let mut twice = harbour_point(0);
        twice["zones"][1]["name"] = json!("lobby");
        let mut same_door = harbour_point(0);
        same_door["zones"][1]["doors"][0]["external_id"] = json!("unifi-door-1");
        let mut blank_room = harbour_point(0);
        blank_room["zones"][0]["rooms"][0]["name"] = json!("");
        for (bad, says) in [
            (twice, "two zones are called"),
            (same_door, "two doors have the external id \"unifi-door-1\""),
            (blank_room, "a room in zone \"Lobby\" needs a name"),
        ] {
            let (status, body) = app.call(Method::PUT, "/api/v1/zone-map", manager, Some(bad)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(body["message"].as_str().unwrap().contains(says), "{body}");
        }
        let mut unknown_level = harbour_point(0);
        unknown_level["zones"][0]["level"] = json!("top-secret");
        let (status, body) = app.call(Method::PUT, "/api/v1/zone-map", manager, Some(unknown_level)).await;
        assert!(status.is_client_error(), "{status} {body}");
        let (_, map) = app.call(Method::GET, "/api/v1/zone-map", manager, None).await;
        assert_eq!(map["version"], 0, "nothing changed: {map}");

        // Two people change the same version: the second is told the map moved on.
        let (status, _) = app.call(Method::PUT, "/api/v1/zone-map", manager, Some(harbour_point(0))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app.call(Method::PUT, "/api/v1/zone-map", manager, Some(harbour_point(0))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["message"].as_str().unwrap().contains("has changed since version 0"), "{body}");
        let (_, map) = app.call(Method::GET, "/api/v1/zone-map", manager, None).await;
        assert_eq!(map["version"], 1);
    }
}

on_both_databases! {
    async fn internal_only_room_blocks_invite(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, _) = app
            .call(Method::PUT, "/api/v1/zone-map", Some(&site.manager.token), Some(harbour_point(0)))
            .await;
        assert_eq!(status, StatusCode::OK);
        let to_room = |room: &str| {
            let mut body = crate::support::invitation("guest", "Gina Guest", None);
            body["room"] = json!(room);
            body
        };
        let (status, refused) = app
            .call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token), Some(to_room("Clean room")))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["code"], "internal_only_room", "the portal words it in the person's language");
        assert_eq!(refused["message"], "Clean room is for the building's own people only: visitors cannot be invited to it");
        let (status, unknown) = app
            .call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token), Some(to_room("Ballroom")))
            .await;
        assert_eq!((status, unknown["code"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid")), "{unknown}");
        assert_eq!(app.rows_in("invitations").await, 0, "nothing was stored");

        let (status, invited) = app
            .call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token), Some(to_room("Meeting room 1")))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{invited}");
        assert_eq!(invited["room"], "Meeting room 1");
    }
}
