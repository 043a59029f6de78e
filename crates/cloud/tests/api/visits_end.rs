//! Visits end, through the HTTP API of a real cloud on SQLite and PostgreSQL: a visit nobody
//! checked out is closed by the cloud's job once its window and the site's grace are over
//! (never left "on site" for ever), and a visit of several days may be entered each day.

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_cloud::{Clock, visits};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Backend, Site, TestApp, at, invitation};

async fn kiosk_at(backend: Backend, clock: Clock) -> Option<(TestApp, Site, String)> {
    let app = TestApp::spawn_at(backend, clock).await?;
    let site = Site::create(&app).await;
    let device = app.enrolled_kiosk(&site).await;
    Some((app, site, device))
}

/// Reports `kind` for `invitation` as the kiosk `device`, happening at `when`.
async fn report(
    app: &TestApp,
    device: &str,
    invitation: &Value,
    kind: &str,
    when: DateTime<Utc>,
) -> Value {
    let (status, answer) = app
        .call(
            Method::POST,
            "/api/v1/kiosk/events",
            Some(device),
            Some(json!({"events": [{"id": Uuid::now_v7(), "invitation": invitation, "kind": kind, "at": when}]})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["results"][0].clone()
}

async fn get(app: &TestApp, site: &Site, path: &str) -> Value {
    let (status, body) = app
        .call(Method::GET, path, Some(&site.manager.token), None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The cloud's job, run now on the app's database and clock.
async fn close_ended(app: &TestApp) -> usize {
    let cloud = app.cloud();
    visits::close_ended(&cloud).await.expect("the job runs")
}

on_both_databases! {
    async fn a_visit_nobody_checked_out_is_closed_once_its_window_and_the_sites_grace_are_over(backend: Backend) {
        let Some((app, site, device)) = kiosk_at(backend, Clock::fixed(at(9, 0))).await else { return };
        let inside = app.invite(&site.north_host, invitation("guest", "Ines Inside", None)).await;
        let absent = app.invite(&site.north_host, invitation("guest", "Otto Absent", None)).await;
        let pending = app.invite(&site.north_host, invitation("contractor", "Paul Pending", None)).await;
        report(&app, &device, &inside["id"], "check_in", at(10, 5)).await;

        // The window ends at 12:00; the site's grace is an hour by default.
        app.clock.set(at(12, 59));
        assert_eq!(close_ended(&app).await, 0);
        let lobby = get(&app, &site, "/api/v1/lobby").await;
        assert_eq!(lobby["on_site"][0]["visitor_name"], "Ines Inside");

        app.clock.set(at(13, 1));
        assert_eq!(close_ended(&app).await, 1, "the one inside");
        let record = get(&app, &site, &format!("/api/v1/invitations/{}", absent["id"].as_str().unwrap())).await;
        assert_eq!(record["visit_status"], "expected", "who never came is welcome all day");
        app.clock.set(at(0, 1) + TimeDelta::days(1));
        assert_eq!(close_ended(&app).await, 1, "the one who never came, the next day");
        let lobby = get(&app, &site, "/api/v1/lobby").await;
        assert_eq!(lobby["on_site"], json!([]), "not on the muster list for ever");
        let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
        for (who, status) in [(&inside, "expired"), (&absent, "no_show"), (&pending, "expected")] {
            let record = get(&app, &site, &format!("/api/v1/invitations/{}", id(who))).await;
            assert_eq!(record["visit_status"], status, "{record}");
        }
        let history = get(&app, &site, &format!("/api/v1/invitations/{}/history", id(&inside))).await;
        assert_eq!(history.as_array().unwrap().last().unwrap()["action"], "expired");
        // Kiosks hear of it: the badge of an ended visit is never reprinted there.
        app.pull_changes_until(&device, None, 500, |all| all.iter().any(|i| i["visit"] == "expired")).await;
        // Closed once.
        assert_eq!(close_ended(&app).await, 0);
        let (_, answer) = app.call(Method::POST, "/api/v1/kiosk/events", Some(&device), Some(json!({"events": [
            {"id": Uuid::now_v7(), "invitation": inside["id"], "kind": "badge_printed", "at": at(13, 2)}
        ]}))).await;
        assert_eq!(answer["results"][0]["outcome"], "refused", "{answer}");
    }
}

on_both_databases! {
    async fn the_grace_after_a_visit_is_set_per_site_within_a_day(backend: Backend) {
        let Some((app, site, device)) = kiosk_at(backend, Clock::fixed(at(9, 0))).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        report(&app, &device, &guest["id"], "check_in", at(10, 0)).await;
        for (token, minutes, expected) in [
            (&site.north_host.token, json!(0), 403),
            (&site.manager.token, json!(1441), 422),
            (&site.manager.token, json!(-1), 422),
            (&site.manager.token, json!("soon"), 422),
            (&site.manager.token, json!(0), 204),
        ] {
            let (status, body) = app.call(Method::PUT, "/api/v1/settings/visit-grace", Some(token), Some(json!({"minutes": minutes}))).await;
            assert_eq!(status.as_u16(), expected, "{minutes}: {body}");
        }
        app.clock.set(at(12, 1));
        assert_eq!(close_ended(&app).await, 1, "no grace at this site");
    }
}

on_both_databases! {
    async fn a_visit_of_several_days_is_entered_each_day_and_ends_with_its_last(backend: Backend) {
        let Some((app, site, device)) = kiosk_at(backend, Clock::fixed(at(9, 0))).await else { return };
        let mut body = invitation("guest", "Mara Multiday", None);
        body["window"] = json!({"starts_at": at(9, 0), "ends_at": at(17, 0) + TimeDelta::days(2)});
        let visit = app.invite(&site.north_assistant, body).await;
        let status = async |app: &TestApp| get(app, &site, &format!("/api/v1/invitations/{}", visit["id"].as_str().unwrap())).await["visit_status"].clone();

        assert_eq!(report(&app, &device, &visit["id"], "check_in", at(9, 30)).await["visit"], "checked_in");
        // She leaves on the first evening: expected again, not over.
        assert_eq!(report(&app, &device, &visit["id"], "check_out", at(17, 0)).await["visit"], "expected");
        assert_eq!(status(&app).await, "expected");
        let next_day = at(9, 0) + TimeDelta::days(1);
        assert_eq!(report(&app, &device, &visit["id"], "check_in", next_day).await["visit"], "checked_in");
        assert_eq!(report(&app, &device, &visit["id"], "check_out", next_day + TimeDelta::hours(8)).await["visit"], "expected");
        // On the last day, checking out ends the visit.
        let last_day = at(9, 0) + TimeDelta::days(2);
        report(&app, &device, &visit["id"], "check_in", last_day).await;
        assert_eq!(report(&app, &device, &visit["id"], "check_out", last_day + TimeDelta::hours(7)).await["visit"], "checked_out");
        let history = get(&app, &site, &format!("/api/v1/invitations/{}/history", visit["id"].as_str().unwrap())).await;
        let actions: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "checked_in", "checked_out", "checked_in", "checked_out", "checked_in", "checked_out"]);
    }
}
