//! The cloud under load, over HTTP on loopback, SQLite and PostgreSQL side by side:
//! - listing one day's invitations and searching by visitor name with 100,000 invitations stored
//!   (p50/p99 of sequential requests);
//! - creating + approving invitations from 16 concurrent connections of `wrk`, a load generator
//!   in a process of its own (pairs per second), while the outbox worker sends the two emails of
//!   every pair (the host's "approved", the guest's invitation with its QR code) to an SMTP
//!   server on loopback, as in production; the emails still waiting when the load stops, and how
//!   long they take to go;
//! - the peer, measured in the same run under the same `wrk` load: a bare axum + sqlx endpoint
//!   that parses a JSON body and inserts one row per request into the same database, through
//!   the same pool. Machines of this kind differ by up to 2×; the ratio of create + approve
//!   pairs to the peer's inserts carries from one to another.
//!
//! `cargo bench -p gatehouse-cloud --bench api` (PostgreSQL from `GATEHOUSE_TEST_DATABASE_URL`,
//! default `postgres://postgres@127.0.0.1:5432/postgres`; skipped if unreachable).

use std::time::Instant;

use chrono::{NaiveTime, TimeDelta, TimeZone as _, Utc};
use gatehouse_cloud::{
    Clock, Database, DatabaseUrl, Settings, auth::new_token, notify::MailSettings, store::NewUser,
};
use gatehouse_core::{
    Category, CategoryKind, Email, PermissionSet, RoleScope, category::AccessProfile,
    role::RoleName,
};
// The SMTP server of the tests keeps what it receives, as a mail relay would pass it on.
use gatehouse_testsupport::{Backend, SmtpSink, TestDatabase};
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
    for (name, backend) in [
        ("SQLite", Backend::Sqlite),
        ("PostgreSQL", Backend::Postgres),
    ] {
        match TestDatabase::create(backend).await {
            Some(database) => rows.push((name, run(database.url.clone()).await?)),
            None => eprintln!("PostgreSQL is not reachable; measured SQLite only"),
        }
    }
    println!(
        "\n| database | list one day p50 / p99 | search by name p50 / p99 | create+approve per second | peer: bare axum + sqlx inserts per second | pairs ÷ peer | emails waiting after the load |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, r) in rows {
        println!(
            "| {name} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.0} | {:.0} | {:.3} | {} (sent {:.1} s later) |",
            r.list.0,
            r.list.1,
            r.search.0,
            r.search.1,
            r.pairs_per_second,
            r.baseline_per_second,
            r.pairs_per_second / r.baseline_per_second,
            r.mail_waiting,
            r.mail_drained
        );
    }
    Ok(())
}

struct Results {
    list: (f64, f64),
    search: (f64, f64),
    pairs_per_second: f64,
    /// The bare axum + sqlx endpoint's inserts per second under the same load.
    baseline_per_second: f64,
    /// Emails not yet sent when the load stopped, and the seconds until they were.
    mail_waiting: i64,
    mail_drained: f64,
}

async fn run(url: DatabaseUrl) -> anyhow::Result<Results> {
    let database = Database::connect(&url).await?;
    database.migrate().await?;
    let baseline_per_second = baseline(&database).await?;
    let mail = SmtpSink::start().await;
    let ui_dir = tempfile::tempdir()?;
    let bench = seed(&database).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        public_url: address.clone(),
        mail: MailSettings {
            smtp_url: Some(format!("smtp://{}", mail.address)),
            folder: ui_dir.path().to_path_buf(),
            from: "Gatehouse <bench@localhost>".parse()?,
        },
        ui_dir: ui_dir.path().to_path_buf(),
        key_secret: gatehouse_cloud::keys::KeySecret::generate(),
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
    let pairs_per_second = create_and_approve(&bench).await?;
    let mail_waiting = database.outbox_backlog().await?;
    let drained = Instant::now();
    while database.outbox_backlog().await? > 0 {
        anyhow::ensure!(
            drained.elapsed() < std::time::Duration::from_secs(120),
            "the outbox did not empty within two minutes of the load"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mail_drained = drained.elapsed().as_secs_f64();
    eprintln!("{} emails received by the SMTP server", mail.all().len());
    let _ = stop.send(());
    server.await??;
    database.close().await;
    Ok(Results {
        list,
        search,
        pairs_per_second,
        baseline_per_second,
        mail_waiting,
        mail_drained,
    })
}

/// The peer: axum and sqlx with nothing of Gatehouse — parse a JSON body, insert one row, answer
/// 201 — on the same database and pool, under the same `wrk` load. Requests per second.
async fn baseline(database: &Database) -> anyhow::Result<f64> {
    use axum::{Json, Router, extract::State, http::StatusCode, routing::post};

    #[derive(serde::Deserialize)]
    struct Row {
        name: String,
    }

    async fn insert(
        State(database): State<Database>,
        Json(row): Json<Row>,
    ) -> Result<(StatusCode, String), StatusCode> {
        let id = uuid::Uuid::now_v7().to_string();
        let at = Utc::now().to_rfc3339();
        let sql = "INSERT INTO bench_baseline (id, name, at) VALUES ($1, $2, $3)";
        let inserted = match &database {
            Database::Sqlite(pool) => sqlx::query(sql)
                .bind(&id)
                .bind(&row.name)
                .bind(&at)
                .execute(pool)
                .await
                .map(drop),
            Database::Postgres(pool) => sqlx::query(sql)
                .bind(&id)
                .bind(&row.name)
                .bind(&at)
                .execute(pool)
                .await
                .map(drop),
        };
        inserted.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        Ok((StatusCode::CREATED, format!("{{\"id\":\"{id}\"}}")))
    }

    let create =
        "CREATE TABLE bench_baseline (id TEXT PRIMARY KEY, name TEXT NOT NULL, at TEXT NOT NULL)";
    match database {
        Database::Sqlite(pool) => sqlx::query(create).execute(pool).await.map(drop)?,
        Database::Postgres(pool) => sqlx::query(create).execute(pool).await.map(drop)?,
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let app = Router::new()
        .route("/baseline", post(insert))
        .with_state(database.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let per_second = wrk(&address, "baseline", &[]).await?;
    server.abort();
    Ok(per_second)
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
                language: gatehouse_core::Language::En,
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
        now,
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

/// Creates and approves invitations with `wrk` (a load generator in C, in a process of its own)
/// for `LOAD_SECONDS` from `CLIENTS` connections; see `load.lua`.
async fn create_and_approve(bench: &Bench) -> anyhow::Result<f64> {
    let starts = Utc::now() + TimeDelta::days(1);
    let requests_per_second = wrk(
        &bench.address,
        "create_approve",
        &[
            ("GATEHOUSE_BENCH_TOKEN", bench.token.clone()),
            ("GATEHOUSE_BENCH_STARTS_AT", starts.to_rfc3339()),
            (
                "GATEHOUSE_BENCH_ENDS_AT",
                (starts + TimeDelta::hours(1)).to_rfc3339(),
            ),
        ],
    )
    .await?;
    Ok(requests_per_second / 2.0)
}

/// Runs `wrk` with `benches/load.lua` in the load `load` against `address` for `LOAD_SECONDS`
/// from `CLIENTS` connections on two threads; answers the requests per second, all of which
/// must succeed.
async fn wrk(address: &str, load: &str, env: &[(&str, String)]) -> anyhow::Result<f64> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/load.lua");
    let output = tokio::process::Command::new("wrk")
        .args(["--threads", "2", "--connections", &CLIENTS.to_string()])
        .args([
            "--duration",
            &format!("{LOAD_SECONDS}s"),
            "--script",
            script,
        ])
        .arg(address)
        .env("GATEHOUSE_BENCH_LOAD", load)
        .envs(env.iter().map(|(name, value)| (name, value)))
        .output()
        .await
        .map_err(|error| anyhow::anyhow!("cannot start wrk ({error}): apt-get install wrk"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "wrk failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default())?;
    anyhow::ensure!(
        summary["non_2xx"] == 0 && summary["socket_errors"] == 0,
        "requests failed under load: {summary}"
    );
    let requests = summary["requests"].as_f64().unwrap_or_default();
    let seconds = summary["seconds"].as_f64().unwrap_or(f64::INFINITY);
    Ok(requests / seconds)
}
