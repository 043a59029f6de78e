//! Door scans flowing back, SQLite and PostgreSQL side by side:
//! - **ingest**: signed UniFi Access webhooks (`Signature: t=…,v1=…`), one scan each, sent by 64
//!   concurrent connections to the real cloud over loopback — scans stored per second — beside
//!   the peer measured in the same run: the same requests to `/health`, the cloud's HTTP
//!   ceiling on this machine with nothing checked or stored;
//! - **muster list** with 1,000,000 door scans stored (200 employees and the demo's visitors,
//!   over 30 days): p50/p99 of the muster query.
//!
//! `cargo bench -p gatehouse-cloud --bench door_events` (PostgreSQL from
//! `GATEHOUSE_TEST_DATABASE_URL`; skipped if unreachable).

use std::{sync::Arc, time::Instant};

use chrono::{TimeDelta, Utc};
use futures::StreamExt as _;
use gatehouse_cloud::{
    Clock, Cloud, Database, DatabaseUrl, Settings,
    connectors::Connector,
    demo,
    keys::KeySecret,
    notify::MailSettings,
    store::{NewDoorEvent, StoredConnector},
};
use gatehouse_core::FacilityId;
use gatehouse_testsupport::{Backend, TestDatabase, unifi::UnifiConsole};
use tokio::net::TcpListener;
use uuid::Uuid;

const STORED: usize = 1_000_000;
const EMPLOYEES: usize = 200;
const WEBHOOKS: usize = 20_000;
const CLIENTS: usize = 64;
const SAMPLES: usize = 200;
const SECRET: &str = "6601f1243d2ff70f";
const SOCKET_DIR: &str = "/var/run/postgresql";
const SOCKET: &str = "/var/run/postgresql/.s.PGSQL.5432";

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            for backend in [Backend::Sqlite, Backend::Postgres] {
                let Some(database) = TestDatabase::create(backend).await else {
                    println!("{backend:?}: skipped (unreachable)");
                    continue;
                };
                run(backend, &database).await?;
            }
            Ok(())
        })
}

async fn run(backend: Backend, files: &TestDatabase) -> anyhow::Result<()> {
    let database = files.open().await;
    let secret = KeySecret::generate();
    let cloud = Cloud::new(
        database.clone(),
        Clock::System,
        String::new(),
        secret.clone(),
    );
    let data = demo::DemoData::parse(&std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/demo/demo.json"
    ))?)?;
    demo::seed(&cloud, &data, Utc::now().date_naive()).await?;
    let facility = facility_of(&database).await?;
    let (sealed_secret, sealed_webhook) = Connector::seal(&secret, facility, "token", Some(SECRET));
    database
        .save_connector(&StoredConnector {
            facility,
            kind: "unifi".into(),
            base_url: "http://127.0.0.1:9".into(),
            sealed_secret,
            sealed_webhook,
            door_mapping: "{}".into(),
            updated_at: Utc::now(),
        })
        .await?;

    let (ingest_rate, ceiling) = ingest(&database, secret.clone(), facility, "tcp").await?;
    println!(
        "{backend:?}: ingest {ingest_rate:.0} signed webhooks/s stored; peer /health {ceiling:.0} requests/s ({:.2} of the ceiling)",
        ingest_rate / ceiling
    );
    // sqlx 0.9.0 leaves Nagle's algorithm on for TCP (transact-rs/sqlx#4335, fixed upstream,
    // not released): the same ingest over PostgreSQL's Unix socket shows what the cloud does
    // without the 40 ms stalls.
    if let (DatabaseUrl::Postgres(options), true) =
        (&files.url, std::path::Path::new(SOCKET).exists())
    {
        let local = DatabaseUrl::Postgres(Box::new((**options).clone().host(SOCKET_DIR)));
        let over_socket = Database::connect(&local).await?;
        let (ingest_rate, ceiling) = ingest(&over_socket, secret, facility, "socket").await?;
        println!(
            "{backend:?} over its Unix socket: ingest {ingest_rate:.0} signed webhooks/s stored; peer /health {ceiling:.0} requests/s ({:.2} of the ceiling)",
            ingest_rate / ceiling
        );
        over_socket.close().await;
    }

    let started = Instant::now();
    seed_scans(&database, facility).await?;
    let seeded = started.elapsed();
    println!(
        "{backend:?}: {STORED} scans stored in {:.1} s ({:.0}/s, in batches)",
        seeded.as_secs_f64(),
        per_second(STORED, seeded)
    );
    let midnight = Utc::now() - TimeDelta::hours(12);
    let mut times = Vec::with_capacity(SAMPLES);
    let mut inside = 0;
    for _ in 0..SAMPLES {
        let started = Instant::now();
        inside = database.muster(facility, midnight).await?.len();
        times.push(started.elapsed());
    }
    times.sort_unstable();
    println!(
        "{backend:?}: muster list of {inside} people with {STORED} scans stored: p50 {:.2} ms, p99 {:.2} ms",
        times[SAMPLES / 2].as_secs_f64() * 1e3,
        times[SAMPLES * 99 / 100].as_secs_f64() * 1e3
    );
    database.close().await;
    Ok(())
}

fn per_second(count: usize, took: std::time::Duration) -> f64 {
    f64::from(u32::try_from(count).unwrap_or(u32::MAX)) / took.as_secs_f64()
}

async fn facility_of(database: &Database) -> anyhow::Result<FacilityId> {
    let id: Uuid = match database {
        Database::Sqlite(pool) => {
            sqlx::query_scalar("SELECT id FROM facilities")
                .fetch_one(pool)
                .await?
        }
        Database::Postgres(pool) => {
            sqlx::query_scalar("SELECT id FROM facilities")
                .fetch_one(pool)
                .await?
        }
    };
    Ok(FacilityId(id))
}

/// Signed webhooks per second stored through the real cloud, and its `/health` ceiling.
async fn ingest(
    database: &Database,
    secret: KeySecret,
    facility: FacilityId,
    run: &str,
) -> anyhow::Result<(f64, f64)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let folder = tempfile::tempdir()?;
    let settings = Settings {
        public_url: address.clone(),
        mail: MailSettings {
            smtp_url: None,
            folder: folder.path().to_path_buf(),
            from: "Gatehouse <bench@localhost>".parse()?,
        },
        ui_dir: folder.path().to_path_buf(),
        key_secret: secret,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gatehouse_cloud::serve(
        listener,
        database.clone(),
        settings,
        Clock::System,
        async {
            let _ = stopped.await;
        },
    ));
    let client = reqwest::Client::new();
    let url = format!("{address}/api/v1/connector/webhook/{facility}");
    let now = Utc::now().timestamp();
    let webhooks: Vec<(String, Vec<u8>)> = (0..WEBHOOKS)
        .map(|n| {
            let body = UnifiConsole::door_unlock(
                &format!("evt-{run}-{n}"),
                &serde_json::json!({"id": format!("door-{}", n % 40), "name": format!("Door {}", n % 40)}),
                &serde_json::json!({"id": "hub", "alias": "Door"}),
                &format!("user-{}", n % EMPLOYEES),
                n % 10 != 0,
            );
            (UnifiConsole::signature(SECRET, now, &body), body)
        })
        .collect();
    let webhooks = Arc::new(webhooks);
    let started = Instant::now();
    let ok = futures::stream::iter(0..WEBHOOKS)
        .map(|n| {
            let (client, url, webhooks) = (client.clone(), url.clone(), webhooks.clone());
            async move {
                let (signature, body) = &webhooks[n];
                client
                    .post(&url)
                    .header("Signature", signature)
                    .body(body.clone())
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .buffer_unordered(CLIENTS)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    let ingest = per_second(ok, started.elapsed());
    anyhow::ensure!(ok == WEBHOOKS, "{} webhooks failed", WEBHOOKS - ok);
    let health = format!("{address}/health");
    let started = Instant::now();
    futures::stream::iter(0..WEBHOOKS)
        .map(|_| {
            let (client, health) = (client.clone(), health.clone());
            async move { client.get(&health).send().await.is_ok() }
        })
        .buffer_unordered(CLIENTS)
        .count()
        .await;
    let ceiling = per_second(WEBHOOKS, started.elapsed());
    let _ = stop.send(());
    server.await??;
    Ok((ingest, ceiling))
}

/// A million scans over 30 days: the building's people, and the demo's visitors.
async fn seed_scans(database: &Database, facility: FacilityId) -> anyhow::Result<()> {
    let visits: Vec<Uuid> = match database {
        Database::Sqlite(pool) => {
            sqlx::query_scalar("SELECT id FROM invitations")
                .fetch_all(pool)
                .await?
        }
        Database::Postgres(pool) => {
            sqlx::query_scalar("SELECT id FROM invitations")
                .fetch_all(pool)
                .await?
        }
    };
    let now = Utc::now();
    let mut batch = Vec::with_capacity(4000);
    for n in 0..STORED {
        let visit = (n % 50 == 0)
            .then(|| visits[n % visits.len()])
            .map(gatehouse_core::InvitationId);
        batch.push(NewDoorEvent {
            id: Uuid::now_v7(),
            facility,
            source: "unifi",
            source_event_id: format!("seed-{n}"),
            visit,
            person: visit
                .is_none()
                .then(|| format!("Employee {}", n % EMPLOYEES)),
            door: format!("Door {}", n % 40),
            zone: None,
            granted: n % 10 != 0,
            direction: None,
            happened_at: now - TimeDelta::seconds(i64::try_from((STORED - n) * 2).unwrap_or(0)),
            received_at: now,
            raw: "{}".into(),
        });
        if batch.len() == 4000 {
            database.insert_door_events(&batch).await?;
            batch.clear();
        }
    }
    database.insert_door_events(&batch).await?;
    Ok(())
}
