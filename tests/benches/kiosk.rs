//! The kiosk's targets, measured in one run against the real cloud (in process, SQLite) holding a
//! facility with 10,000 invitations for today:
//! - sync: the initial pull of all 10,000 into a new kiosk's store, and an incremental pull of
//!   one change made through the API (peer: the initial pull);
//! - QR code seen → visitor found: a 1280 × 720 camera frame (MJPEG) with an invitation code in
//!   it, to grayscale, decoded, looked up in the store by its code (peer: the same lookup
//!   without the index, reading every stored invitation);
//! - confirm → badge PDF ready for the printer, offline: the check-in transaction (fsync'd),
//!   the signed NDA and the badge with photo.
//!
//! `cargo bench -p gatehouse-e2e --bench kiosk`

use std::{path::Path, time::Instant};

use chrono::{TimeDelta, Utc};
use gatehouse_cloud::{
    Clock, Database, DatabaseUrl, Settings, auth::new_token, notify::MailSettings, store::NewUser,
    sync::enrollment,
};
use gatehouse_core::{
    Category, CategoryKind, Email, PermissionSet, RoleScope,
    category::{AccessProfile, RequiredDocument},
    role::RoleName,
    text::Text,
    wire::KioskInvitation,
};
use gatehouse_devices::{
    frame::{self, PixelFormat},
    scan,
};
use gatehouse_kiosk::{cloud::CloudClient, store::LocalStore, sync};
use gatehouse_paper::{
    badge::{self, Badge, Language, Layout},
    nda,
};
use image::{GrayImage, Luma, imageops};
use tokio::net::TcpListener;

const INVITATIONS: usize = 10_000;
const RUNS: usize = 50;

struct Seeded {
    kiosk_code: String,
    /// A session of the host, who may cancel their invitations.
    host_token: String,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let database = Database::connect(&DatabaseUrl::Sqlite(dir.path().join("cloud.db"))).await?;
    database.migrate().await?;
    let seeded = seed(&database).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        public_url: address.clone(),
        mail: MailSettings {
            smtp_url: None,
            folder: dir.path().join("mail"),
            from: "Gatehouse <bench@localhost>".parse()?,
        },
        ui_dir: dir.path().to_path_buf(),
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
    let cloud = CloudClient::new(address.parse()?);
    let (store, mut initial) = initial_pulls(&database, &cloud, &seeded, dir.path()).await?;
    let everyone = today(&store).await?;
    let mut incremental = incremental_pulls(&cloud, &store, &everyone, &address, &seeded).await?;
    let [mut seen, mut indexed, mut unindexed] = qr_to_visitor(&store, &everyone).await?;
    let [mut total, mut check_in, mut signed, mut badges] =
        confirm_to_badge(&store, &everyone).await?;

    let _ = stop.send(());
    server.await??;
    println!("\n| step | p50 | p95 | target |");
    println!("|---|---|---|---|");
    row(
        "initial sync, 10,000 invitations",
        &mut initial,
        "≤ 2000 ms",
    );
    row("incremental sync, one change", &mut incremental, "≤ 100 ms");
    row(
        "QR seen → visitor found (frame, decode, lookup)",
        &mut seen,
        "≤ 300 ms",
    );
    row("  lookup by code, indexed", &mut indexed, "");
    row(
        "  peer: lookup reading every invitation",
        &mut unindexed,
        "",
    );
    row(
        "confirm → badge PDF ready (offline)",
        &mut total,
        "≤ 200 ms",
    );
    row("  check-in transaction (fsync)", &mut check_in, "");
    row("  signed NDA PDF", &mut signed, "");
    row("  badge PDF with photo", &mut badges, "");
    Ok(())
}

/// Each initial pull into a fresh store (a new kiosk, enrolled with a new code); the last
/// store stays for the rest.
async fn initial_pulls(
    database: &Database,
    cloud: &CloudClient,
    seeded: &Seeded,
    dir: &Path,
) -> anyhow::Result<(LocalStore, Vec<f64>)> {
    let mut times = Vec::new();
    let mut store = None;
    for round in 0..5 {
        let kiosk_dir = dir.join(format!("kiosk-{round}"));
        std::fs::create_dir_all(&kiosk_dir)?;
        let fresh = LocalStore::open(&kiosk_dir.join("kiosk.db")).await?;
        let code = if round == 0 {
            seeded.kiosk_code.clone()
        } else {
            new_code(database).await?
        };
        sync::enroll(cloud, &fresh, &code).await?;
        let started = Instant::now();
        let received = sync::pull(cloud, &fresh).await?;
        times.push(ms(started));
        anyhow::ensure!(received >= INVITATIONS, "pulled only {received}");
        store = Some(fresh);
    }
    Ok((store.expect("five rounds ran"), times))
}

/// One change in the cloud (the host cancels a visit), then the kiosk's next pull.
async fn incremental_pulls(
    cloud: &CloudClient,
    store: &LocalStore,
    everyone: &[KioskInvitation],
    address: &str,
    seeded: &Seeded,
) -> anyhow::Result<Vec<f64>> {
    let http = reqwest::Client::new();
    let mut times = Vec::new();
    for invitation in everyone.iter().rev().take(RUNS) {
        http.post(format!(
            "{address}/api/v1/invitations/{}/cancel",
            invitation.id
        ))
        .bearer_auth(&seeded.host_token)
        .send()
        .await?
        .error_for_status()?;
        let started = Instant::now();
        let received = sync::pull(cloud, store).await?;
        times.push(ms(started));
        anyhow::ensure!(received >= 1, "the change did not arrive");
    }
    Ok(times)
}

/// QR code seen → visitor found: all of it, the indexed lookup alone, and the peer lookup.
async fn qr_to_visitor(
    store: &LocalStore,
    everyone: &[KioskInvitation],
) -> anyhow::Result<[Vec<f64>; 3]> {
    let mjpeg = camera_frame(&everyone[INVITATIONS / 2].token)?;
    let [mut seen, mut indexed, mut unindexed] = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        let started = Instant::now();
        let gray = frame::grayscale(PixelFormat::Mjpeg, 1280, 720, &mjpeg)?;
        let codes = scan::search(&gray, scan::Search::Quick)?;
        let read = codes
            .first()
            .map(|code| code.text.clone())
            .unwrap_or_default();
        let lookup = Instant::now();
        let found = store.invitation_by_token(&read).await?;
        indexed.push(ms(lookup));
        seen.push(ms(started));
        anyhow::ensure!(found.is_some(), "the code was not read or not found");
        let scan_all = Instant::now();
        anyhow::ensure!(today(store).await?.iter().any(|i| i.token == read));
        unindexed.push(ms(scan_all));
    }
    Ok([seen, indexed, unindexed])
}

/// Confirm → badge PDF ready for the printer, offline: all of it, then its three parts.
async fn confirm_to_badge(
    store: &LocalStore,
    everyone: &[KioskInvitation],
) -> anyhow::Result<[Vec<f64>; 4]> {
    let photo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo/visitor-photo.jpg");
    let signature = signature_png()?;
    let [mut total, mut check_in, mut signed, mut badges] =
        [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for invitation in everyone.iter().take(RUNS) {
        let started = Instant::now();
        store
            .check_in(invitation.id, Utc::now(), None)
            .await?
            .map_err(|refused| anyhow::anyhow!("{refused}"))?;
        check_in.push(ms(started));
        let nda_started = Instant::now();
        let template = store
            .nda(gatehouse_core::Language::En)
            .await?
            .expect("synced");
        nda::render(&nda::SignedNda {
            text: template.text,
            version: template.version,
            sha256: template.sha256,
            name: invitation.visitor_name.clone(),
            signature_png: signature.clone(),
            signed_at: Utc::now().fixed_offset(),
            kiosk: "Lobby".into(),
            facility: "Bench Tower".into(),
            language: Language::En,
        })?;
        signed.push(ms(nda_started));
        let badge_started = Instant::now();
        badge::render(
            &Badge {
                name: invitation.visitor_name.clone(),
                company: None,
                host: invitation.host_name.clone(),
                category: badge::Category {
                    name: "Guest".into(),
                    colour: "#0F5C5A".into(),
                },
                valid_from: invitation.starts_at.fixed_offset(),
                valid_until: invitation.ends_at.fixed_offset(),
                zones: Vec::new(),
                photo: Some(photo.clone()),
                credential: invitation.token.clone(),
                facility: "Bench Tower".into(),
                language: Language::En,
            },
            Layout::Cr80,
        )?;
        badges.push(ms(badge_started));
        total.push(ms(started));
    }
    Ok([total, check_in, signed, badges])
}

async fn today(store: &LocalStore) -> anyhow::Result<Vec<KioskInvitation>> {
    let now = Utc::now();
    let mut all = store
        .invitations_between(now - TimeDelta::days(1), now + TimeDelta::days(2))
        .await?;
    all.sort_by_key(|invitation| invitation.id);
    Ok(all)
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn row(step: &str, samples: &mut [f64], target: &str) {
    samples.sort_by(f64::total_cmp);
    let at = |percent: usize| samples[(samples.len() - 1) * percent / 100];
    println!(
        "| {step} | {:.1} ms | {:.1} ms | {target} |",
        at(50),
        at(95)
    );
}

/// A facility whose 10,000 invitations are all for today, an NDA, and a kiosk code.
async fn seed(database: &Database) -> anyhow::Result<Seeded> {
    let now = Utc::now();
    let facility = database
        .create_facility(
            "Bench Tower",
            "Benchstraße 1",
            chrono_tz::Europe::Berlin,
            chrono::NaiveTime::from_hms_opt(23, 59, 0).expect("a time"),
            now,
        )
        .await?;
    database
        .save_category(
            facility.id,
            &Category {
                kind: CategoryKind::Guest,
                enabled: true,
                needs_approval: false,
                email: None,
                access_profile: AccessProfile {
                    longest_visit_minutes: None,
                    documents: vec![RequiredDocument::Nda, RequiredDocument::Photo],
                    walk_ins_unconfirmed: false,
                    ..AccessProfile::default()
                },
            },
        )
        .await?;
    database
        .publish_nda(
            facility.id,
            gatehouse_core::Language::En,
            &"Everything you see here is confidential. ".repeat(60),
            now,
        )
        .await?;
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
    let host = database
        .create_user(
            NewUser {
                facility: facility.id,
                occupancy: Some(occupancy.id),
                display_name: "Bench Host",
                email: &Email::parse("host@bench.example")?,
                password_hash: None,
                language: gatehouse_core::Language::En,
            },
            now,
        )
        .await?;
    database.assign_role(host.id, role.id, None, now).await?;
    let session = new_token("ghs_");
    database
        .store_access_token(&session.hash, host.id, "session", None, now, None)
        .await?;
    gatehouse_cloud::store::bulk_invitations(
        database,
        facility.id,
        occupancy.id,
        host.id,
        INVITATIONS,
        |i| {
            let starts = now + TimeDelta::minutes(i64::try_from(i % 300).expect("small"));
            (format!("Visitor {i}"), starts, starts + TimeDelta::hours(2))
        },
        now,
    )
    .await?;
    Ok(Seeded {
        kiosk_code: new_code(database).await?,
        host_token: session.secret,
    })
}

async fn new_code(database: &Database) -> anyhow::Result<String> {
    let facility = database
        .facility_by_name("Bench Tower")
        .await?
        .expect("seeded");
    let code = enrollment::store_code(
        database,
        facility.id,
        &Text::parse("Lobby")?,
        None,
        TimeDelta::hours(1),
        Utc::now(),
    )
    .await?;
    Ok(code.code)
}

/// A 1280 × 720 MJPEG frame with `token`'s QR code held up in it.
fn camera_frame(token: &str) -> anyhow::Result<Vec<u8>> {
    let code = qrcode::QrCode::new(token.as_bytes())?
        .render::<Luma<u8>>()
        .module_dimensions(5, 5)
        .build();
    let mut room = GrayImage::from_pixel(1280, 720, Luma([130]));
    imageops::overlay(&mut room, &code, 400, 120);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&image::DynamicImage::ImageLuma8(room).to_rgb8())?;
    Ok(bytes)
}

fn signature_png() -> anyhow::Result<Vec<u8>> {
    let mut pad = image::RgbaImage::from_pixel(720, 144, image::Rgba([0, 0, 0, 0]));
    for x in 40..680 {
        for y in 70..75 {
            pad.put_pixel(x, y, image::Rgba([18, 48, 47, 255]));
        }
    }
    let mut png = Vec::new();
    pad.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    Ok(png)
}
