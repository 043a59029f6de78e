//! Kiosks hear of changes the moment they happen (server-sent events), through the HTTP API of a
//! real cloud on SQLite and PostgreSQL — on PostgreSQL also when the change goes through another
//! cloud process than the one the kiosk is connected to (LISTEN/NOTIFY).

use gatehouse_testsupport::on_both_databases;
use std::time::{Duration, Instant};

use crate::support::{Backend, Site, TestApp, invitation};
use reqwest::Method;

/// Opens the kiosk's change stream at `base`.
async fn stream(app: &TestApp, base: &str, device: &str) -> reqwest::Response {
    let response = app
        .http
        .get(format!("{base}/api/v1/kiosk/changes/stream"))
        .bearer_auth(device)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response
}

/// Waits for a `changed` event; returns how long it took, or `None` within `limit`.
async fn changed(stream: &mut reqwest::Response, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut seen = String::new();
    while let Some(left) = limit.checked_sub(started.elapsed()) {
        match tokio::time::timeout(left, stream.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains("event: changed") {
                    return Some(started.elapsed());
                }
            }
            _ => return None,
        }
    }
    None
}

on_both_databases! {
    async fn kiosk_hears_of_an_approval_within_two_seconds(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let device = app.enrolled_kiosk(&site).await;
        let contractor = app.invite(&site.north_host, invitation("contractor", "Carl Contractor", None)).await;
        let mut events = stream(&app, &app.address, &device).await;
        // Whatever was said at connection time (PostgreSQL: "look once") is not what we wait for.
        let _ = changed(&mut events, Duration::from_millis(500)).await;

        let (status, _) = app.decide(&site.north_admin, &contractor["id"], "approve", None).await;
        assert_eq!(status, 200);
        let took = changed(&mut events, Duration::from_secs(2)).await;
        assert!(took.is_some(), "no change event within 2 s of the approval");
    }
}

on_both_databases! {
    async fn change_stream_is_for_kiosks_only(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk/changes/stream", Some(&site.manager.token), None).await;
        assert_eq!(status, 401);
        let (status, _) = app.call(Method::GET, "/api/v1/kiosk/changes/stream", None, None).await;
        assert_eq!(status, 401);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kiosk_on_one_cloud_process_hears_of_an_approval_made_through_another_on_postgres() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let site = Site::create(&app).await;
    let device = app.enrolled_kiosk(&site).await;
    let contractor = app
        .invite(
            &site.north_host,
            invitation("contractor", "Carl Contractor", None),
        )
        .await;
    let other = app.beside().await;
    let mut events = stream(&app, &other.address, &device).await;
    let _ = changed(&mut events, Duration::from_millis(500)).await;

    // Approved through the first process; the kiosk listens on the second.
    let (status, _) = app
        .decide(&site.north_admin, &contractor["id"], "approve", None)
        .await;
    assert_eq!(status, 200);
    assert!(
        changed(&mut events, Duration::from_secs(2)).await.is_some(),
        "no change event from the other process within 2 s"
    );
}

on_both_databases! {
    async fn the_cloud_stops_within_its_grace_while_kiosks_hold_change_streams_open(backend: Backend) {
        let Some(mut app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let device = app.enrolled_kiosk(&site).await;
        let mut streams = Vec::new();
        for _ in 0..3 {
            let stream = app.http.get(app.url("/api/v1/kiosk/changes/stream")).bearer_auth(&device)
                .send().await.unwrap();
            assert_eq!(stream.status(), 200);
            streams.push(stream);
        }
        let took = tokio::time::timeout(Duration::from_secs(15), app.stop())
            .await
            .expect("the cloud was still waiting for its kiosks' streams after 15 s");
        assert!(took < gatehouse_cloud::SHUTDOWN_GRACE + Duration::from_secs(2), "took {took:?}");
        drop(streams);
    }
}

on_both_databases! {
    async fn a_kiosk_holds_at_most_two_change_streams_a_third_ends_its_oldest_and_streams_outlive_the_idle_timeout(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let device = app.enrolled_kiosk(&site).await;
        let mut oldest = stream(&app, &app.address, &device).await;
        let _second = stream(&app, &app.address, &device).await;
        let mut newest = stream(&app, &app.address, &device).await;
        // The oldest ends (whatever it said before), the newest hears what changes.
        let ended = tokio::time::timeout(Duration::from_secs(3), async {
            while let Ok(Some(_)) = oldest.chunk().await {}
        }).await;
        assert!(ended.is_ok(), "the oldest stream was still open");
        let _ = changed(&mut newest, Duration::from_millis(500)).await;
        // A stream is an answer being sent, not a request head awaited: it outlives the
        // header-read timeout that closes idle connections.
        tokio::time::sleep(gatehouse_cloud::http::server::HEADER_READ_TIMEOUT + Duration::from_secs(2)).await;
        let contractor = app.invite(&site.north_host, invitation("contractor", "Carl Contractor", None)).await;
        app.decide(&site.north_admin, &contractor["id"], "approve", None).await;
        assert!(changed(&mut newest, Duration::from_secs(2)).await.is_some(), "the newest stream went deaf");
    }
}
