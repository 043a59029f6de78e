//! The cloud under load, over HTTP on loopback, SQLite and PostgreSQL side by side:
//! - listing one day's invitations and searching by visitor name with 100,000 invitations stored
//!   (p50/p99 of sequential requests);
//! - creating + approving invitations from 16 concurrent clients (pairs per second).
//!
//! `cargo bench -p gatehouse-cloud --bench api` (PostgreSQL from `GATEHOUSE_TEST_DATABASE_URL`,
//! default `postgres://postgres@127.0.0.1:5432/postgres`; skipped if unreachable).

use std::{
    str::FromStr as _,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{NaiveTime, TimeDelta, TimeZone as _, Utc};
use gatehouse_cloud::{
    Clock, Database, DatabaseUrl, Settings, auth::new_token, notify::MailSettings, store::NewUser,
};
use gatehouse_core::{
    Category, CategoryKind, Email, PermissionSet, RoleScope, category::AccessProfile,
    role::RoleName,
};
use serde_json::json;
use sqlx::{Connection as _, PgConnection, postgres::PgConnectOptions};
use tokio::net::TcpListener;

const INVITATIONS: usize = 100_000;
const DAYS: i64 = 100;
const SAMPLES: usize = 400;
const CLIENTS: usize = 16;
const LOAD_SECONDS: u64 = 10;

const NAMES: [&str; 16] = [
    "Jonas Weber",
    "Sofia Rossi",
    "Dmitri Volkov",
    "Eleni Papadopoulou",
    "Hannah Schulz",
    "Frank Müller",
    "Aiko Tanaka",
    "Liam O'Brien",
    "Chloé Martin",
    "Mateo García",
    "Ingrid Nilsson",
    "Kwame Mensah",
    "Priya Sharma",
    "Zofia Nowak",
    "Omar Haddad",
    "Yuki Sato",
];

struct Bench {
    address: String,
    token: String,
    day: String,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let sqlite_dir = tempfile::tempdir()?;
    let sqlite = DatabaseUrl::Sqlite(sqlite_dir.path().join("bench.db"));
    rows.push(("SQLite", run(sqlite).await?));
    let admin_url = std::env::var("GATEHOUSE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = PgConnectOptions::from_str(&admin_url)?;
    match PgConnection::connect_with(&admin).await {
        Ok(mut connection) => {
            let name = format!("gatehouse_bench_{}", std::process::id());
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut connection)
                .await?;
            let result = run(DatabaseUrl::Postgres(Box::new(
                admin.clone().database(&name),
            )))
            .await;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {name} WITH (FORCE)"
            )))
            .execute(&mut connection)
            .await?;
            rows.push(("PostgreSQL", result?));
        }
        Err(error) => eprintln!("PostgreSQL not reachable ({error}); measured SQLite only"),
    }
    println!(
        "\n| database | list one day p50 / p99 | search by name p50 / p99 | create+approve per second |"
    );
    println!("|---|---|---|---|");
    for (name, r) in rows {
        println!(
            "| {name} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.0} |",
            r.list.0, r.list.1, r.search.0, r.search.1, r.pairs_per_second
        );
    }
    Ok(())
}

struct Results {
    list: (f64, f64),
    search: (f64, f64),
    pairs_per_second: f64,
}

async fn run(url: DatabaseUrl) -> anyhow::Result<Results> {
    let database = Database::connect(&url).await?;
    database.migrate().await?;
    let mail = tempfile::tempdir()?;
    let bench = seed(&database).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        public_url: address.clone(),
        mail: MailSettings {
            smtp_url: None,
            folder: mail.path().to_path_buf(),
            from: "Gatehouse <bench@localhost>".parse()?,
        },
        ui_dir: mail.path().to_path_buf(),
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
    let bench = Bench { address, ..bench };
    let client = reqwest::Client::new();
    let list = latencies(&client, &bench, |_| {
        format!("/api/v1/invitations?day={}&limit=100", bench.day)
    })
    .await?;
    let search = latencies(&client, &bench, |i| {
        let name = NAMES[i % NAMES.len()]
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        format!("/api/v1/invitations?q={name}&limit=50")
    })
    .await?;
    let pairs_per_second = create_and_approve(&client, &bench).await?;
    let _ = stop.send(());
    server.await??;
    database.close().await;
    Ok(Results {
        list,
        search,
        pairs_per_second,
    })
}

/// A facility with one occupancy, a manager holding every permission, and 100,000 invitations
/// spread over 100 days.
async fn seed(database: &Database) -> anyhow::Result<Bench> {
    let now = Utc::now();
    let tz = chrono_tz::Europe::Berlin;
    let facility = database
        .create_facility(
            "Bench Tower",
            "Benchstraße 1",
            tz,
            NaiveTime::from_hms_opt(23, 0, 0).unwrap(),
            now,
        )
        .await?;
    for kind in [CategoryKind::Guest, CategoryKind::Contractor] {
        database
            .save_category(
                facility.id,
                &Category {
                    kind,
                    enabled: true,
                    needs_approval: kind == CategoryKind::Contractor,
                    email: None,
                    access_profile: AccessProfile::default(),
                },
            )
            .await?;
    }
    let occupancy = database.create_occupancy(facility.id, "Bench Labs").await?;
    let role = database
        .create_role(
            facility.id,
            &RoleName::parse("Manager")?,
            RoleScope::Facility(facility.id),
            PermissionSet::all(),
            None,
            now,
        )
        .await?;
    let manager = database
        .create_user(
            NewUser {
                facility: facility.id,
                occupancy: Some(occupancy.id),
                display_name: "Bench Manager",
                email: &Email::parse("manager@bench.example")?,
                password_hash: None,
            },
            now,
        )
        .await?;
    database.assign_role(manager.id, role.id, None, now).await?;
    let token = new_token("ghs_");
    database
        .store_access_token(&token.hash, manager.id, "session", None, now, None)
        .await?;

    let first_day = tz
        .with_ymd_and_hms(2031, 1, 1, 0, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let started = Instant::now();
    gatehouse_cloud::store::bulk_invitations(
        database,
        facility.id,
        occupancy.id,
        manager.id,
        INVITATIONS,
        |i| {
            let i64_i = i64::try_from(i).expect("small");
            let starts = first_day
                + TimeDelta::days(i64_i % DAYS)
                + TimeDelta::minutes(420 + (i64_i * 7) % 600);
            (
                format!("{} {i}", NAMES[i % NAMES.len()]),
                starts,
                starts + TimeDelta::hours(2),
            )
        },
    )
    .await?;
    eprintln!(
        "seeded {INVITATIONS} invitations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let day = (first_day + TimeDelta::days(42))
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string();
    Ok(Bench {
        address: String::new(),
        token: token.secret,
        day,
    })
}

async fn latencies(
    client: &reqwest::Client,
    bench: &Bench,
    path: impl Fn(usize) -> String,
) -> anyhow::Result<(f64, f64)> {
    let mut samples = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES + 20 {
        let started = Instant::now();
        let response = client
            .get(format!("{}{}", bench.address, path(i)))
            .bearer_auth(&bench.token)
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "{}", response.text().await?);
        let body = response.bytes().await?;
        anyhow::ensure!(body.len() > 2, "an empty list");
        if i >= 20 {
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    samples.sort_by(f64::total_cmp);
    let at = |percent: usize| samples[(samples.len() - 1) * percent / 100];
    Ok((at(50), at(99)))
}

async fn create_and_approve(client: &reqwest::Client, bench: &Bench) -> anyhow::Result<f64> {
    let deadline = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (client, done) = (client.clone(), done.clone());
        let (address, token) = (bench.address.clone(), bench.token.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let starts = Utc::now() + TimeDelta::days(1);
                let created: serde_json::Value = client.post(format!("{address}/api/v1/invitations")).bearer_auth(&token)
                    .json(&json!({
                        "category": "contractor",
                        "visitor": {"name": format!("Load {c} {n}"), "email": format!("load{c}.{n}@guest.example")},
                        "window": {"starts_at": starts, "ends_at": starts + TimeDelta::hours(1)},
                    }))
                    .send().await?.error_for_status()?.json().await?;
                let id = created["id"].as_str().unwrap_or_default().to_owned();
                client.post(format!("{address}/api/v1/invitations/{id}/approve")).bearer_auth(&token)
                    .send().await?.error_for_status()?;
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            anyhow::Ok(())
        }));
    }
    for client in clients {
        client.await??;
    }
    let pairs = u32::try_from(done.load(std::sync::atomic::Ordering::Relaxed))?;
    Ok(f64::from(pairs) / started.elapsed().as_secs_f64())
}
