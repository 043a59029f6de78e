//! Verkada Access: a Command user per visit keyed by `external_id`, its access window as
//! string dates, access groups and an entry code; a session token renewed once when it expires;
//! `Verkada-Signature` webhooks and the paged events API as their backfill; revocation by end
//! date and removal when the visit's window ends.

use super::{Building, WEBHOOK_SECRET};
use crate::support::{Backend, at};
use chrono::TimeDelta;
use gatehouse_cloud::visits;
use gatehouse_testsupport::{
    on_both_databases,
    verkada::{Failure, VerkadaOrg},
};
use reqwest::Method;
use serde_json::{Value, json};

/// The building, connected to a Verkada organisation: each Gatehouse door mapped to its
/// Verkada door and the access group that opens it.
async fn building(backend: Backend) -> Option<Building<VerkadaOrg>> {
    let org = VerkadaOrg::start(
        &[
            ("vk-door-lobby", "Main entrance"),
            ("vk-door-lab", "Lab B"),
            ("vk-door-server", "Server room"),
        ],
        &[
            ("vk-group-lobby", "Lobby visitors"),
            ("vk-group-lab", "Lab B visitors"),
            ("vk-group-server", "Server room"),
        ],
    )
    .await;
    super::building(backend, org, "Verkada-Signature", |org| {
        let door = |door: &str, group: &str| {
            json!([{"id": door, "type": "door"}, {"id": group, "type": "door_group"}])
        };
        json!({"system": "verkada", "url": org.url, "api_token": org.api_key,
            "webhook_secret": WEBHOOK_SECRET, "doors": {
            "Main entrance": door("vk-door-lobby", "vk-group-lobby"),
            "Lab B door": door("vk-door-lab", "vk-group-lab"),
            "Server room door": door("vk-door-server", "vk-group-server"),
        }})
    })
    .await
}

impl Building<VerkadaOrg> {
    fn user_of(&self, visit: &Value) -> Value {
        let tag = format!("gatehouse:{}", visit.as_str().unwrap());
        self.system
            .users()
            .into_iter()
            .find(|user| user["external_id"] == tag.as_str())
            .unwrap_or_else(|| panic!("no Verkada user for {tag}: {:#?}", self.system.users()))
    }

    async fn reconcile(&self) -> Value {
        let (status, fixed) = self
            .app
            .call(
                Method::POST,
                "/api/v1/connector/reconcile",
                Some(&self.site.manager.token),
                None,
            )
            .await;
        assert_eq!(status, 200, "{fixed}");
        fixed
    }
}

on_both_databases! {
    async fn window_end_revokes_access_in_verkada(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        let visit = b.checked_in("Vera Verkada").await;
        b.access_becomes(&visit, "provisioned").await;
        let user = b.user_of(&visit);
        assert_eq!((user["first_name"].as_str(), user["last_name"].as_str()), (Some("Vera"), Some("Verkada")));
        // The visit's window (doors open 15 minutes early), as Unix seconds in strings.
        assert_eq!(user["start_date"], json!((at(10, 0) - TimeDelta::minutes(15)).timestamp().to_string()));
        assert_eq!(user["end_date"], json!(at(12, 0).timestamp().to_string()));
        assert_eq!(user["entry_code"].as_str().unwrap().len(), 8, "a PIN to type at the readers");
        let user_id = user["user_id"].as_str().unwrap().to_owned();
        assert_eq!(b.system.members("vk-group-lobby"), std::slice::from_ref(&user_id));
        assert_eq!(b.system.members("vk-group-lab"), std::slice::from_ref(&user_id));
        assert!(b.system.members("vk-group-server").is_empty(), "the guest's zones, not the server room");
        assert_eq!(b.system.tokens_issued(), 1, "one session token for the whole provisioning");

        // Half an hour on, the session token has expired: fetched again once, and the next
        // provisioning goes.
        b.system.expire_tokens();
        let second = b.checked_in("Otto Zweiter").await;
        b.access_becomes(&second, "provisioned").await;
        assert_eq!(b.system.tokens_issued(), 2);

        // Her scan at Lab B comes by webhook — once, however often Verkada sends it (re-signed
        // each time) — and lands on her timeline with its direction.
        let now = b.app.clock.now().timestamp();
        let lab = VerkadaOrg::access_event("evt-lab-1", "vk-door-lab", &user_id, true, "Inbound", now);
        b.system.log_event(lab.clone());
        let facility = b.site.facility.to_string();
        for (t, delivery) in [(now, "recorded"), (now + 1, "duplicate")] {
            let (body, signature) = VerkadaOrg::webhook(WEBHOOK_SECRET, t, &lab);
            let (status, answer) = b.webhook(&facility, Some(signature), body).await;
            assert_eq!((status, answer["delivery"].as_str()), (200, Some(delivery)), "{answer}");
        }
        // Replayed from more than five minutes ago, or signed the UniFi way: refused.
        let (body, stale) = VerkadaOrg::webhook(WEBHOOK_SECRET, now - 301, &lab);
        assert_eq!(b.webhook(&facility, Some(stale), body.clone()).await.0, 401);
        let unifi_way = gatehouse_testsupport::unifi::UnifiConsole::signature(WEBHOOK_SECRET, now, &body);
        assert_eq!(b.webhook(&facility, Some(unifi_way), body).await.0, 401);

        // A denied scan at the server room the webhook never brought is found by the backfill.
        let server = VerkadaOrg::access_event("evt-srv-1", "vk-door-server", &user_id, false, "Inbound", now + 60);
        b.system.log_event(server);
        b.app.clock.advance(TimeDelta::minutes(2));
        let fixed = b.reconcile().await;
        assert_eq!(fixed["events_backfilled"], 1, "{fixed}");
        assert_eq!(b.timeline_doors(&visit).await, [
            ("Lab B door".to_owned(), true, "verkada".to_owned()),
            ("Server room door".to_owned(), false, "verkada".to_owned()),
        ]);
        assert_eq!(b.reconcile().await["events_backfilled"], 0, "read again, taken once");

        // 12:01: her window has ended. Her access ends now in Verkada, and her user is removed.
        b.app.clock.set(at(12, 1));
        visits::close_ended(&b.app.cloud()).await.unwrap();
        let access = b.access_becomes(&visit, "revoked").await;
        assert!(access["revoked_at"].is_string());
        assert!(b.system.users().iter().all(|u| u["user_id"] != user_id.as_str()), "nothing of her visit stays in Verkada");
        let requests = b.system.requests();
        let ended = requests.iter().position(|r| r == &format!("PUT /access/v1/access_users/user/end_date?user_id={user_id}"));
        let removed = requests.iter().position(|r| r == &format!("DELETE /core/v1/user?user_id={user_id}"));
        assert!(ended.is_some() && ended < removed, "end date first, then removal: {requests:#?}");
    }
}

on_both_databases! {
    async fn verkada_failures_are_retried_and_a_taken_entry_code_is_drawn_again(backend: Backend) {
        let Some(b) = building(backend).await else { return };
        // Too many requests (Verkada sends no Retry-After), then a 500: retried with backoff.
        b.system.fail_next(&[Failure::RateLimited(None), Failure::ServerError]);
        let visit = b.checked_in("Rita Retry").await;
        for _ in 0..2 {
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
            b.app.clock.advance(TimeDelta::minutes(5));
        }
        b.access_becomes(&visit, "provisioned").await;

        // Someone in the organisation already has the entry code Gatehouse draws: it is never
        // taken from them; the provisioning carries on with the user it made and a new code.
        b.system.give_next_entry_codes_away(1);
        let second = b.checked_in("Conny Conflict").await;
        for _ in 0..200 {
            if b.access(&second).await["problem"].is_string() { break }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(b.access(&second).await["problem"].as_str().unwrap().contains("already in use"));
        b.app.clock.advance(TimeDelta::minutes(1));
        b.access_becomes(&second, "provisioned").await;
        let users = b.system.users();
        let holder = users.iter().find(|u| u["external_id"] == "employee-1").unwrap();
        let conny = b.user_of(&second);
        assert!(holder["entry_code"].is_string() && holder["entry_code"] != conny["entry_code"], "nobody's code is taken over");
        assert_eq!(users.iter().filter(|u| u["first_name"] == "Conny").count(), 1, "one user, carried on with");
        assert!(b.system.requests().iter().all(|r| !r.contains("override=true")));

        // A key that lacks a permission is said so by the probe, in Verkada's words.
        b.system.set_permissions(&["core_users", "access"]);
        let (_, probe) = b.app.call(Method::POST, "/api/v1/connector/probe", Some(&b.site.manager.token), None).await;
        assert_eq!(probe["ready"], false, "{probe}");
        assert_eq!(probe["missing"], json!(["the API key needs the permission Access Control events (read)"]));
        b.system.set_permissions(&gatehouse_testsupport::verkada::PERMISSIONS);
        let (_, probe) = b.app.call(Method::POST, "/api/v1/connector/probe", Some(&b.site.manager.token), None).await;
        assert_eq!(probe["ready"], true, "{probe}");
        assert_eq!(probe["doors"].as_array().unwrap().len(), 6, "three doors and three access groups");
    }
}
