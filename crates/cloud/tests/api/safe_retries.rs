//! Safe retries: every create accepts an `Idempotency-Key`, and a client retrying — after a
//! dropped connection, say — creates nothing twice. Through the HTTP API, on SQLite and
//! PostgreSQL.

use std::time::{Duration, Instant};

use crate::support::{Backend, Person, Site, TestApp, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

/// `POST path` with `key`, as `person`; the status, whether it was a replay, and the JSON.
async fn post(
    app: &TestApp,
    person: &Person,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, bool, Value) {
    let response = app
        .http
        .post(app.url(path))
        .bearer_auth(&person.token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let replayed = response.headers().get("idempotent-replayed").is_some();
    (status, replayed, response.json().await.unwrap())
}

async fn invitations_of(app: &TestApp, person: &Person, visitor: &str) -> usize {
    let (status, list) = app
        .call(
            Method::GET,
            "/api/v1/invitations",
            Some(&person.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .filter(|i| i["visitor_name"] == visitor)
        .count()
}

on_both_databases! {
    async fn a_create_sent_again_with_its_idempotency_key_is_done_once(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let body = invitation("guest", "Sofia Rossi", None);
        let (status, replayed, first) = post(&app, &site.north_host, "/api/v1/invitations", "retry-1", &body).await;
        assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
        let (status, replayed, again) = post(&app, &site.north_host, "/api/v1/invitations", "retry-1", &body).await;
        assert_eq!((status, replayed), (StatusCode::CREATED, true), "{again}");
        assert_eq!(again, first, "the retry is told of the same invitation");
        assert_eq!(invitations_of(&app, &site.north_host, "Sofia Rossi").await, 1);
        app.mail.settle().await;
        assert_eq!(app.mail.to("sofia.rossi@guest.example").len(), 1, "the guest was invited twice");
        // Every other create takes a key the same way: a role, say.
        let role = json!({"name": "Door watch", "scope": {"kind": "occupancy", "id": site.north}, "permissions": ["visitor_invitation"]});
        let (status, _, made) = post(&app, &site.manager, "/api/v1/roles", "role-1", &role).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let (status, replayed, again) = post(&app, &site.manager, "/api/v1/roles", "role-1", &role).await;
        assert_eq!((status, replayed, again["id"].clone()), (StatusCode::CREATED, true, made["id"].clone()));
    }
}

on_both_databases! {
    async fn an_idempotency_key_used_for_another_request_is_refused_and_creates_nothing(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        post(&app, &site.north_host, "/api/v1/invitations", "key-a", &invitation("guest", "Sofia Rossi", None)).await;
        let (status, _, refused) = post(&app, &site.north_host, "/api/v1/invitations", "key-a", &invitation("guest", "Jonas Weber", None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused["message"].as_str().unwrap().contains("different request"), "{refused}");
        assert_eq!(invitations_of(&app, &site.north_host, "Jonas Weber").await, 0);
        // A key is its caller's: another person's same key is their own.
        let (status, replayed, theirs) = post(&app, &site.north_host2, "/api/v1/invitations", "key-a", &invitation("guest", "Sofia Rossi", None)).await;
        assert_eq!((status, replayed), (StatusCode::CREATED, false), "{theirs}");
        // A key that is not one is refused before anything is done.
        let response = app.http.post(app.url("/api/v1/invitations")).bearer_auth(&site.north_host.token)
            .header("Idempotency-Key", "x".repeat(300)).json(&invitation("guest", "Jonas Weber", None)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(invitations_of(&app, &site.north_host, "Jonas Weber").await, 0);
    }
}

on_both_databases! {
    async fn a_retry_after_a_dropped_connection_creates_nothing_twice(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let body = invitation("guest", "Sofia Rossi", None).to_string();
        // The client sends the whole request and hangs up without reading the answer.
        let address = app.address.trim_start_matches("http://");
        let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!(
            "POST /api/v1/invitations HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
             Idempotency-Key: dropped-1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            site.north_host.token, body.len());
        socket.write_all(request.as_bytes()).await.unwrap();
        drop(socket);
        // The cloud saves it all the same; the client, not knowing, tries again.
        let deadline = Instant::now() + Duration::from_secs(10);
        while invitations_of(&app, &site.north_host, "Sofia Rossi").await == 0 {
            assert!(Instant::now() < deadline, "the request of a client that hung up was not saved");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let retried = loop {
            let (status, replayed, answer) = post(&app, &site.north_host, "/api/v1/invitations", "dropped-1", &serde_json::from_str(&body).unwrap()).await;
            match status {
                StatusCode::CREATED => break (replayed, answer),
                StatusCode::CONFLICT if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
                other => panic!("{other}: {answer}"),
            }
        };
        assert!(retried.0, "the retry made a second invitation: {}", retried.1);
        assert_eq!(invitations_of(&app, &site.north_host, "Sofia Rossi").await, 1);
    }
}
