//! The cloud's shell over HTTP: health, the OpenAPI document, errors as JSON — on SQLite and
//! on PostgreSQL.

use crate::support::{Backend, TestApp};
use gatehouse_core::wire::{DatabaseKind, ErrorBody, Health, HealthStatus};
use gatehouse_testsupport::on_both_databases;

on_both_databases! {
    async fn health_reports_ok_and_which_database(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let response = app.get("/health").await;
        assert_eq!(response.status(), 200);
        let health: Health = response.json().await.unwrap();
        assert_eq!(health.status, HealthStatus::Ok);
        assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
        let expected = match backend {
            Backend::Sqlite => DatabaseKind::Sqlite,
            Backend::Postgres => DatabaseKind::Postgres,
        };
        assert_eq!(health.database, expected);
    }
}

on_both_databases! {
    async fn health_is_degraded_when_the_database_is_gone(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        app.database.close().await;
        let response = app.get("/health").await;
        assert_eq!(response.status(), 503);
        let health: Health = response.json().await.unwrap();
        assert_eq!(health.status, HealthStatus::Degraded);
    }
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert_eq!(doc["info"]["title"], "Gatehouse cloud");
    assert!(doc["paths"]["/health"]["get"].is_object(), "{doc}");
    let schemas = &doc["components"]["schemas"];
    for schema in ["Health", "HealthStatus", "DatabaseKind", "ErrorBody"] {
        assert!(
            schemas[schema].is_object(),
            "schema {schema} missing: {schemas}"
        );
    }
}

#[tokio::test]
async fn unknown_route_answers_json_not_found() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, "not_found");
    assert_eq!(body.message, "there is no GET /api/v1/no-such-thing");
}

/// PostgreSQL only: SQLite is a file of the cloud's own process, with no outage to stage.
#[tokio::test]
async fn during_a_database_outage_on_postgres_requests_answer_503_within_a_second_and_recover() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let site = crate::support::Site::create(&app).await;
    let list = || {
        app.http
            .get(app.url("/api/v1/invitations"))
            .bearer_auth(&site.manager.token)
            .send()
    };
    assert_eq!(list().await.unwrap().status(), 200);
    assert!(
        app.database_outage(true).await,
        "PostgreSQL takes an outage"
    );
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let response = list().await.unwrap();
        let took = started.elapsed();
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "database_unavailable", "{body}");
        assert!(
            took < std::time::Duration::from_millis(1500),
            "took {took:?}"
        );
    }
    app.database_outage(false).await;
    let mut status = 0;
    for _ in 0..20 {
        status = list().await.unwrap().status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "recovers by itself");
}

/// The database plays no part: SQLite only.
#[tokio::test]
async fn connections_that_send_no_request_head_in_time_are_closed_idle_or_trickling() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let address = app.address.trim_start_matches("http://").to_owned();
    let limit = gatehouse_cloud::http::server::HEADER_READ_TIMEOUT;
    // Closed by the cloud: reading ends (EOF or reset) within the limit and a margin.
    let closed_within = async |mut socket: tokio::net::TcpStream| {
        let started = std::time::Instant::now();
        let mut buffer = [0; 4096];
        loop {
            match tokio::time::timeout(
                limit + std::time::Duration::from_secs(5),
                socket.read(&mut buffer),
            )
            .await
            {
                Ok(Ok(0) | Err(_)) => return started.elapsed(),
                Ok(Ok(_)) => {}
                Err(tokio::time::error::Elapsed { .. }) => panic!(
                    "the connection was still open after {:?}",
                    started.elapsed()
                ),
            }
        }
    };
    // One says nothing; one trickles a head; one is idle after its first answer.
    let silent = tokio::net::TcpStream::connect(&address).await.unwrap();
    let mut trickling = tokio::net::TcpStream::connect(&address).await.unwrap();
    trickling
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut idle = tokio::net::TcpStream::connect(&address).await.unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0; 15];
    idle.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200 OK");
    let (silent, trickling, idle) = tokio::join!(
        closed_within(silent),
        closed_within(trickling),
        closed_within(idle)
    );
    for (what, took) in [("silent", silent), ("trickling", trickling), ("idle", idle)] {
        assert!(
            took + std::time::Duration::from_secs(1) >= limit,
            "{what} closed after {took:?}, before the limit"
        );
    }
}
