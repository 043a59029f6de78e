//! Visitors without an invitation, registering at the kiosk, through the HTTP API of a real
//! cloud on SQLite and PostgreSQL: the directory of hosts and categories kiosks keep, and a walk-in
//! that becomes an invitation under the ordinary rules — approval, emails — or is refused with a
//! reason and writes nothing.

use gatehouse_cloud::Clock;
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, CONTRACTOR_EMAIL, SECURITY_EMAIL, Site, TestApp, at};

/// A kiosk of a cloud whose clock stands in the middle of a working day: a walk-in for a host who
/// may not run visits past the end of the day is refused once the building has closed, and these
/// tests must not depend on when they run.
async fn kiosk(backend: Backend) -> Option<(TestApp, Site, String)> {
    kiosk_on(backend, Clock::fixed(at(10, 30))).await
}

/// A kiosk of a cloud whose clock stands at `clock`.
async fn kiosk_on(backend: Backend, clock: Clock) -> Option<(TestApp, Site, String)> {
    let app = TestApp::spawn_at(backend, clock).await?;
    let site = Site::create(&app).await;
    let device = app.enrolled_kiosk(&site).await;
    Some((app, site, device))
}

fn walk_in(host: &impl serde::Serialize, category: &str) -> Value {
    json!({
        "host": host,
        "category": category,
        "visitor_name": "Walter Walk-In",
        "visitor_company": "Nordlicht Elektrotechnik",
        "visitor_email": "walter@nordlicht.example",
    })
}

/// `GET /api/v1/kiosk/directory` as `device`, sending `held` as `If-None-Match`.
async fn directory(
    app: &TestApp,
    device: &str,
    held: Option<&str>,
) -> (u16, Option<String>, String) {
    let mut request = app
        .http
        .get(app.url("/api/v1/kiosk/directory"))
        .bearer_auth(device);
    if let Some(etag) = held {
        request = request.header("If-None-Match", etag);
    }
    let response = request.send().await.expect("the cloud answers");
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        etag,
        response.text().await.unwrap(),
    )
}

on_both_databases! {
    async fn kiosk_directory_lists_hosts_with_their_organisation_and_enabled_categories_and_is_pulled_again_only_when_changed(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let (status, etag, body) = directory(&app, &device, None).await;
        assert_eq!(status, 200, "{body}");
        let listed: Value = serde_json::from_str(&body).unwrap();
        let hosts = listed["hosts"].as_array().unwrap();
        assert!(hosts.contains(&json!({"id": site.north_host.id, "name": "Hanna Host", "organisation": "Northwind Labs"})), "{hosts:?}");
        // Facility staff without an organisation are not hosts.
        assert!(hosts.iter().all(|host| host["name"] != "Rita Reception"), "{hosts:?}");
        let categories = listed["categories"].as_array().unwrap();
        assert!(categories.contains(&json!("contractor")));
        assert!(!categories.contains(&json!("auditor")), "not enabled here");

        // Unchanged: 304 and no body.
        let etag = etag.expect("an ETag");
        let (status, again, body) = directory(&app, &device, Some(&etag)).await;
        assert_eq!((status, again.as_deref(), body.as_str()), (304, Some(etag.as_str()), ""));

        // A new colleague joins: the kiosk's copy is out of date.
        let (status, body) = app.call(Method::POST, "/api/v1/users", Some(&site.manager.token), Some(json!({
            "display_name": "Petra New", "email": "petra@tower.example", "occupancy_id": site.north,
        }))).await;
        assert_eq!(status, 201, "{body}");
        let (status, changed, body) = directory(&app, &device, Some(&etag)).await;
        assert_eq!(status, 200);
        assert_ne!(changed.as_deref(), Some(etag.as_str()));
        assert!(body.contains("Petra New"));

        // Only a kiosk may ask.
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk/directory", None, None).await;
        assert_eq!(status, 401);
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk/directory", Some(&site.manager.token), None).await;
        assert_eq!(status, 401, "a person's token is not a kiosk's");
    }
}

/// `POST /invitations/{id}/walk-in-answer` as `token`.
async fn answer(
    app: &TestApp,
    token: &str,
    id: &Value,
    answer: &str,
) -> (reqwest::StatusCode, Value) {
    let path = format!(
        "/api/v1/invitations/{}/walk-in-answer",
        id.as_str().unwrap()
    );
    app.call(
        Method::POST,
        &path,
        Some(token),
        Some(json!({"answer": answer})),
    )
    .await
}

const WALTER: &str = "walter@nordlicht.example";

on_both_databases! {
    async fn a_walk_in_gets_no_badge_and_no_email_until_the_host_says_they_are_their_visitor(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let (status, created) = app
            .call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(walk_in(&site.north_assistant.id, "guest")))
            .await;
        assert_eq!(status, 201, "{created}");
        // Naming a host earns nothing yet: the invitation waits for them, and only they hear of it.
        assert_eq!((created["approval"].as_str(), created["awaiting_host"].as_bool()), (Some("pending"), Some(true)), "{created}");
        let asked = app.mail.wait_for(&site.north_assistant.email, 1).await;
        assert_eq!(asked[0].subject(), "Is Walter Walk-In your visitor? They are at reception");
        assert!(asked[0].text().contains("/portal/invitations/"), "{}", asked[0].text());
        app.mail.settle().await;
        assert!(app.mail.to(WALTER).is_empty(), "no email to a typed address before a yes");

        // Another host cannot answer for her; nor can someone who sees nothing of it.
        let (status, _) = answer(&app, &site.north_host.token, &created["id"], "my_visitor").await;
        assert_eq!(status, 404);
        let (status, body) = answer(&app, &site.north_assistant.token, &created["id"], "maybe").await;
        assert_eq!(status, 422, "{body}");

        // Her yes admits him (guests need no approval), and only now is he sent his invitation.
        let (status, answered) = answer(&app, &site.north_assistant.token, &created["id"], "my_visitor").await;
        assert_eq!(status, 200, "{answered}");
        assert_eq!((answered["approval_status"].as_str(), answered["awaiting_host"].as_bool()), (Some("approved"), Some(false)));
        let mail = app.mail.wait_for(WALTER, 1).await;
        let id: gatehouse_core::InvitationId = serde_json::from_value(created["id"].clone()).unwrap();
        let code = gatehouse_core::invitation::code(id);
        assert!(mail[0].text().contains(&format!("type your invitation code {code}")), "{}", mail[0].text());
        // Answered once.
        let (status, _) = answer(&app, &site.north_assistant.token, &created["id"], "unknown").await;
        assert_eq!(status, 409);
        let (_, history) = app.call(Method::GET, &format!("/api/v1/invitations/{id}/history"), Some(&site.manager.token), None).await;
        let actions: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["walk_in", "walk_in_confirmed"]);
        // The kiosk learns of it from its feed, like any change.
        app.pull_changes_until(&device, None, 500, |all| {
            all.iter().any(|i| i["visitor_name"] == "Walter Walk-In" && i["approval"] == "approved" && i["awaiting_host"] == false)
        }).await;
    }
}

on_both_databases! {
    async fn a_walk_in_the_host_does_not_know_is_rejected_and_the_typed_address_gets_nothing(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let (_, created) = app
            .call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(walk_in(&site.north_host.id, "guest")))
            .await;
        let (status, answered) = answer(&app, &site.north_host.token, &created["id"], "unknown").await;
        assert_eq!(status, 200, "{answered}");
        assert_eq!(answered["approval_status"], "rejected");
        app.mail.settle().await;
        assert!(app.mail.to(WALTER).is_empty());
    }
}

on_both_databases! {
    async fn a_walk_in_waits_for_the_hosts_yes_and_then_a_category_needing_approval_asks_security(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let (status, created) = app
            .call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(walk_in(&site.north_assistant.id, "contractor")))
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["host_name"], "Asta Assistant");
        assert!(created["token"].as_str().unwrap().starts_with("GH1."));
        app.mail.wait_for(&site.north_assistant.email, 1).await;
        app.mail.settle().await;
        assert!(app.mail.to(SECURITY_EMAIL).is_empty(), "security hears of it once the host said yes");
        let (status, answered) = answer(&app, &site.north_assistant.token, &created["id"], "my_visitor").await;
        assert_eq!(status, 200, "{answered}");
        assert_eq!((answered["approval_status"].as_str(), answered["awaiting_host"].as_bool()), (Some("pending"), Some(false)));
        // The ordinary rules: the category's email and security are asked; the walk-in gets nothing yet.
        assert_eq!(app.mail.wait_for(SECURITY_EMAIL, 1).await.len(), 1);
        assert_eq!(app.mail.wait_for(CONTRACTOR_EMAIL, 1).await.len(), 1);
        app.mail.settle().await;
        assert!(app.mail.to(WALTER).is_empty());
    }
}

on_both_databases! {
    async fn reception_sees_walk_ins_waiting_for_their_host_and_may_answer_for_them(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let (_, created) = app
            .call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(walk_in(&site.blue_host.id, "guest")))
            .await;
        let (status, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(status, 200, "{lobby}");
        assert_eq!(lobby["walk_ins"][0]["visitor_name"], "Walter Walk-In", "{lobby}");
        let (status, answered) = answer(&app, &site.reception.token, &created["id"], "my_visitor").await;
        assert_eq!(status, 200, "{answered}");
        let (_, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(lobby["walk_ins"], json!([]), "{lobby}");
    }
}

on_both_databases! {
    async fn a_category_that_admits_walk_ins_without_confirmation_approves_them_at_once(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let (status, body) = app.call(Method::PUT, "/api/v1/categories/delivery", Some(&site.manager.token), Some(json!({
            "enabled": true, "needs_approval": false, "email": null,
            "access_profile": {"longest_visit_minutes": 60, "walk_ins_unconfirmed": true},
        }))).await;
        assert_eq!(status, 200, "{body}");
        let (status, created) = app
            .call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(walk_in(&site.north_assistant.id, "delivery")))
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!((created["approval"].as_str(), created["awaiting_host"].as_bool()), (Some("approved"), Some(false)));
    }
}

on_both_databases! {
    async fn walk_in_registrations_per_kiosk_are_rate_limited(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        for n in 0..10 {
            let (status, body) = app
                .call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(walk_in(&site.north_assistant.id, "guest")))
                .await;
            assert_eq!(status, 201, "walk-in {n}: {body}");
        }
        let response = app.http.post(app.url("/api/v1/kiosk/walk-ins")).bearer_auth(&device)
            .json(&walk_in(&site.north_assistant.id, "guest")).send().await.unwrap();
        assert_eq!(response.status(), 429);
        let wait: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=600).contains(&wait), "{wait}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "too_many_requests");
        // Another kiosk of the building is not held back.
        let other = app.enrolled_kiosk(&site).await;
        let (status, _) = app
            .call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&other), Some(walk_in(&site.north_assistant.id, "guest")))
            .await;
        assert_eq!(status, 201);
    }
}

on_both_databases! {
    async fn walk_in_with_bad_input_is_refused_and_writes_nothing(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let before = app.rows_in("invitations").await;
        let unknown = uuid::Uuid::now_v7();
        let cases = [
            (walk_in(&unknown, "guest"), 404),
            (walk_in(&site.manager.id, "guest"), 404),
            (walk_in(&site.nobody.id, "guest"), 403),
            (walk_in(&site.north_assistant.id, "auditor"), 422),
            (json!({"host": site.north_assistant.id, "category": "guest", "visitor_name": "", "visitor_email": "w@x.example"}), 422),
            (json!({"host": site.north_assistant.id, "category": "guest", "visitor_name": "Walter", "visitor_email": "not an email"}), 422),
            (json!({"host": site.north_assistant.id, "category": "guest", "visitor_name": "x".repeat(121), "visitor_email": "w@x.example"}), 422),
            (json!({"host": site.north_assistant.id, "category": "guest"}), 422),
            (json!({"host": "not-an-id", "category": "guest", "visitor_name": "Walter", "visitor_email": "w@x.example"}), 422),
        ];
        for (body, expected) in cases {
            let (status, answer) = app.call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(body.clone())).await;
            assert_eq!(status.as_u16(), expected, "{body} answered {answer}");
            assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
        }
        assert_eq!(app.rows_in("invitations").await, before);
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk/walk-ins", None, Some(walk_in(&site.north_assistant.id, "guest"))).await;
        assert_eq!(status, 401);
    }
}

/// Registers `walk_in(host, "guest")` at `hour:minute` on the test day (the site closes at 19:00).
async fn walk_in_at(
    backend: Backend,
    hour: u32,
    minute: u32,
    host: impl Fn(&Site) -> Value,
) -> Option<(reqwest::StatusCode, Value)> {
    let (app, site, device) = kiosk_on(backend, Clock::fixed(at(hour, minute))).await?;
    Some(
        app.call(
            Method::POST,
            "/api/v1/kiosk/walk-ins",
            Some(&device),
            Some(walk_in(&host(&site), "guest")),
        )
        .await,
    )
}

on_both_databases! {
    async fn a_walk_in_in_the_last_hour_ends_at_the_end_of_day_for_a_host_who_may_not_exceed_it(backend: Backend) {
        // Hanna Host holds "Visitor Invitation Only": no visits past 19:00.
        let Some((status, body)) = walk_in_at(backend, 18, 30, |site| json!(site.north_host.id)).await else { return };
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["ends_at"], json!(at(19, 0)), "{body}");
    }
}

on_both_databases! {
    async fn a_walk_in_in_the_last_hour_gets_an_hour_from_a_host_who_may_exceed_the_end_of_day(backend: Backend) {
        let Some((status, body)) = walk_in_at(backend, 18, 30, |site| json!(site.north_assistant.id)).await else { return };
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["ends_at"], json!(at(19, 30)), "{body}");
    }
}

on_both_databases! {
    async fn after_the_end_of_day_a_walk_in_for_a_host_who_may_not_exceed_it_is_refused_with_a_reason(backend: Backend) {
        let Some((status, body)) = walk_in_at(backend, 19, 15, |site| json!(site.north_host.id)).await else { return };
        assert_eq!(status, 422, "{body}");
        assert!(body["message"].as_str().unwrap().contains("closed for today"), "{body}");
    }
}

on_both_databases! {
    async fn a_walk_in_with_an_internationalised_address_registers_and_gets_their_invitation(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let mut body = walk_in(&site.north_assistant.id, "guest");
        body["visitor_name"] = json!("Jürgen Größe");
        body["visitor_email"] = json!("jürgen@größe.example");
        let (status, created) = app.call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(body)).await;
        assert_eq!(status, 201, "{created}");
        let (status, _) = answer(&app, &site.north_assistant.token, &created["id"], "my_visitor").await;
        assert_eq!(status, 200);
        let mail = app.mail.wait_for("jürgen@größe.example", 1).await;
        assert_eq!(mail.len(), 1, "the invitation reached the mail server");
    }
}
