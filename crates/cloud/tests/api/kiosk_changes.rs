//! The change feed a kiosk pulls, through the HTTP API of a real cloud on SQLite and PostgreSQL:
//! every invitation of its facility, in pages, each change once, later changes after the cursor,
//! and on PostgreSQL no change skipped when transactions commit out of order.

use crate::support::{Backend, Site, TestApp, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::Value;

async fn kiosk(backend: Backend) -> Option<(TestApp, Site, String)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    let device = app.enrolled_kiosk(&site).await;
    Some((app, site, device))
}

/// Visitor names in what the feed delivered.
fn visitors(delivered: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = delivered
        .iter()
        .map(|i| i["visitor_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn pull(app: &TestApp, device: &str, query: &str) -> Value {
    let (status, page) = app
        .call(
            Method::GET,
            &format!("/api/v1/kiosk/changes{query}"),
            Some(device),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page
}

fn names(page: &Value) -> Vec<String> {
    page["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["visitor_name"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn a_new_kiosk_pulls_every_invitation_of_its_facility_without_emails(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        app.invite(&site.north_host, invitation("guest", "North Guest", None)).await;
        app.invite(&site.blue_host, invitation("guest", "Blue Guest", None)).await;
        let (pages, _) = app.pull_changes_until(&device, None, 500, |d| d.len() == 2).await;
        let delivered: Vec<Value> = pages.iter().flat_map(|p| p["invitations"].as_array().unwrap().clone()).collect();
        assert_eq!(visitors(&delivered), ["Blue Guest", "North Guest"]);
        let first = &delivered[0];
        assert!(first.get("visitor_email").is_none(), "a kiosk does not need the visitor's email");
        assert_eq!(first["approval"], "approved");
        assert_eq!(first["visit"], "expected");
    }
}

on_both_databases! {
    async fn pages_deliver_each_invitation_once_then_nothing(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        for n in 0..7 {
            app.invite(&site.north_host, invitation("guest", &format!("Guest {n}"), None)).await;
        }
        let (pages, cursor) = app.pull_changes_until(&device, None, 3, |d| d.len() >= 7).await;
        assert!(pages.len() >= 3, "{} pages", pages.len());
        assert!(pages.iter().all(|p| p["invitations"].as_array().unwrap().len() <= 3));
        let delivered: Vec<Value> = pages.iter().flat_map(|p| p["invitations"].as_array().unwrap().clone()).collect();
        // Each invitation once: none delivered on two pages.
        assert_eq!(visitors(&delivered), (0..7).map(|n| format!("Guest {n}")).collect::<Vec<_>>());
        let query = format!("?after={cursor}");
        assert!(names(&pull(&app, &device, &query).await).is_empty(), "nothing new");
    }
}

on_both_databases! {
    async fn an_approval_in_the_cloud_is_the_next_change_a_kiosk_pulls(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let pending = app.invite(&site.north_host, invitation("contractor", "Carla Contractor", None)).await;
        app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let (_, cursor) = app.pull_changes_until(&device, None, 500, |d| d.len() == 2).await;
        let (status, _) = app.decide(&site.north_admin, &pending["id"], "approve", None).await;
        assert_eq!(status, 200);
        let (pages, _) = app.pull_changes_until(&device, Some(&cursor), 500, |d| !d.is_empty()).await;
        let next = &pages[0];
        // Only what changed: Gina Guest is not delivered again.
        assert_eq!(names(next), ["Carla Contractor"]);
        assert_eq!(next["invitations"][0]["approval"], "approved");
    }
}

on_both_databases! {
    async fn bad_cursors_limits_and_callers_are_refused(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        for query in ["?after=garbage", "?after=-5.0", "?after=12.not-a-uuid", "?limit=0", "?limit=5000", "?since=1"] {
            let (status, body) = app.call(Method::GET, &format!("/api/v1/kiosk/changes{query}"), Some(&device), None).await;
            assert_eq!(status, 400, "{query}: {body}");
        }
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk/changes", Some(&site.manager.token), None).await;
        assert_eq!(status, 401, "a person is not a kiosk");
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk/changes", None, None).await;
        assert_eq!(status, 401);
    }
}

/// PostgreSQL commits transactions in any order: a change made in a transaction that began
/// earlier may become visible after a later one. The feed holds later changes back until the
/// earlier transaction has ended, so a kiosk never moves its cursor past a change it has not seen.
#[tokio::test]
async fn a_change_committed_late_is_not_skipped_on_postgres() {
    let Some((app, site, device)) = kiosk(Backend::Postgres).await else {
        return;
    };
    let early = app
        .invite(&site.north_host, invitation("guest", "Early Guest", None))
        .await;
    let late = app
        .invite(
            &site.north_host,
            invitation("contractor", "Late Contractor", None),
        )
        .await;
    let (_, cursor) = app
        .pull_changes_until(&device, None, 500, |d| d.len() == 2)
        .await;

    let gatehouse_cloud::Database::Postgres(pool) = &app.database else {
        unreachable!()
    };
    let mut slow = pool.begin().await.unwrap();
    sqlx::query("UPDATE invitations SET visitor_company = 'Slow Co' WHERE id = $1::uuid")
        .bind(early["id"].as_str().unwrap())
        .execute(&mut *slow)
        .await
        .unwrap();
    // Meanwhile a later transaction commits.
    let (status, _) = app
        .decide(&site.north_admin, &late["id"], "approve", None)
        .await;
    assert_eq!(status, 200);
    let during = pull(&app, &device, &format!("?after={cursor}")).await;
    assert!(
        names(&during).is_empty(),
        "held back while the earlier transaction runs: {during}"
    );

    slow.commit().await.unwrap();
    // From the cursor the kiosk got while the slow transaction ran, both changes still come.
    let during_cursor = during["cursor"].as_str().unwrap();
    let (pages, _) = app
        .pull_changes_until(&device, Some(during_cursor), 500, |d| d.len() >= 2)
        .await;
    let delivered: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["invitations"].as_array().unwrap().clone())
        .collect();
    assert_eq!(visitors(&delivered), ["Early Guest", "Late Contractor"]);
    let early = delivered
        .iter()
        .find(|i| i["visitor_name"] == "Early Guest")
        .unwrap();
    assert_eq!(early["visitor_company"], "Slow Co");
}

on_both_databases! {
    async fn a_kiosk_gets_the_newest_nda_in_each_language_each_with_its_own_version_and_hash(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let now = app.clock.now();
        let (en, de) = (gatehouse_core::Language::En, gatehouse_core::Language::De);
        app.database.publish_nda(site.facility, en, "Confidential.", now).await.unwrap();
        app.database.publish_nda(site.facility, de, "Vertraulich.", now).await.unwrap();
        app.database.publish_nda(site.facility, en, "Everything here is confidential.", now).await.unwrap();
        let page = pull(&app, &device, "").await;
        let ndas: Vec<(Value, Value, Value)> = page["ndas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|nda| (nda["language"].clone(), nda["version"].clone(), nda["text"].clone()))
            .collect();
        assert_eq!(
            ndas,
            [
                (serde_json::json!("de"), serde_json::json!(2), serde_json::json!("Vertraulich.")),
                (serde_json::json!("en"), serde_json::json!(3), serde_json::json!("Everything here is confidential.")),
            ]
        );
        assert_eq!(page["ndas"][0]["sha256"], gatehouse_core::digest::sha256_hex("Vertraulich.".as_bytes()));
    }
}
