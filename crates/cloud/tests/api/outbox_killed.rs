//! Every email once: the cloud process killed (`kill -9`) while its outbox sends a few hundred
//! emails loses none, and what it resends after a restart is only what it had in flight, under
//! the same `Message-ID`. The real binary, a real SMTP server on loopback, SQLite and PostgreSQL.

use std::{
    collections::{HashMap, HashSet},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use gatehouse_testsupport::{SmtpSink, TestDatabase, on_both_databases};
use serde_json::{Value, json};

/// Guests imported at once: one invitation email each.
const GUESTS: usize = 300;
/// The most messages one cloud process has in flight (`notify::worker`'s `SENT_AT_ONCE`).
const IN_FLIGHT: usize = 8;
/// How long a dead process's claim on the messages it had not sent yet holds them back
/// (`notify::worker`'s `LEASE`), and a margin to send them after it.
const LEASE_AND_MARGIN: Duration = Duration::from_secs(120 + 60);
const KILLS: usize = 2;

fn cloud(url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse-cloud"));
    command
        .env("DATABASE_URL", url)
        // Every run of the command on this database seals and opens its keys with this one.
        .env(
            "GATEHOUSE_KEY_SECRET",
            "b3V0Ym94LWtpbGxlZC10ZXN0LXNlY3JldC0zMmJ5dGU",
        )
        .env("RUST_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running cloud process, killed when dropped (a failing test leaves none behind).
struct Process(Child);

impl Process {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn serve(url: &str, port: u16, mail: &SmtpSink) -> Process {
    let process = cloud(url)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("GATEHOUSE_SMTP_URL", format!("smtp://{}", mail.address))
        .env(
            "GATEHOUSE_MAIL_FROM",
            "Gatehouse <gatehouse@harbourpoint.example>",
        )
        .spawn()
        .map(Process)
        .expect("the cloud starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("http://127.0.0.1:{port}/health"))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "the cloud did not answer /health"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    process
}

async fn wait_for_mail(mail: &SmtpSink, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while mail.all().len() < count {
        assert!(
            Instant::now() < deadline,
            "only {} of {count} emails arrived",
            mail.all().len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn guests_csv() -> String {
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let header =
        "visitor_name,visitor_email,visitor_company,host_email,category,starts_at,ends_at\n";
    let rows = (0..GUESTS).map(|n| {
        format!(
            "Guest Number{n},guest{n}@guest.example,Guest Co,ada.lindqvist@northwind.example,\
             guest,{tomorrow}T09:00:00Z,{tomorrow}T10:00:00Z\n"
        )
    });
    std::iter::once(header.to_owned()).chain(rows).collect()
}

on_both_databases! {
    async fn every_email_goes_once_when_the_cloud_is_killed_while_sending(backend: Backend) {
        let Some(test_database) = TestDatabase::create(backend).await else { return };
        let database = test_database.open().await;
        let url = test_database.url.to_string();
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/demo.json");
        let seeded = cloud(&url).arg("demo").arg("--data").arg(&demo).status().unwrap();
        assert!(seeded.success());
        let mail = SmtpSink::start().await;
        let port = free_port();
        let mut process = serve(&url, port, &mail).await;
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}/api/v1");
        let signed_in: Value = http.post(format!("{base}/sessions"))
            .json(&json!({"email": "fiona.brandt@harbourpoint.example", "password": "gatehouse-demo"}))
            .send().await.unwrap().json().await.unwrap();
        let token = signed_in["token"].as_str().unwrap().to_owned();
        let import = http.post(format!("{base}/invitations/import")).bearer_auth(&token)
            .header("content-type", "text/csv").body(guests_csv()).send().await.unwrap();
        assert_eq!(import.status(), 201, "{}", import.text().await.unwrap());
        // Killed twice while sending, each time restarted on the same database.
        for kill in 1..=KILLS {
            wait_for_mail(&mail, kill * GUESTS / 4).await;
            process.kill();
            process = serve(&url, port, &mail).await;
        }
        // Everything the outbox holds goes out, what the dead processes had claimed once their
        // claim ran out: every message's id arrives as a Message-ID.
        let written: Vec<uuid::Uuid> = database.outbox_ids().await.unwrap();
        assert!(written.len() > GUESTS, "{} messages written", written.len());
        let deadline = Instant::now() + LEASE_AND_MARGIN;
        let expected: HashSet<String> = written.iter().map(|id| format!("{id}@harbourpoint.example")).collect();
        loop {
            let arrived: HashSet<String> = mail.all().iter().map(gatehouse_testsupport::ReceivedMail::message_id).collect();
            if expected.is_subset(&arrived) { break; }
            assert!(Instant::now() < deadline, "{} of {} emails never arrived", expected.difference(&arrived).count(), expected.len());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        mail.settle().await;
        process.kill();
        let mut times: HashMap<String, usize> = HashMap::new();
        for received in mail.all() {
            *times.entry(received.message_id()).or_default() += 1;
        }
        assert!(times.keys().all(|id| expected.contains(id)), "an email nobody wrote arrived");
        let resent: usize = times.values().map(|n| n - 1).sum();
        eprintln!("{backend:?}: {} emails, {} kills, {resent} resent under their own Message-ID", expected.len(), KILLS);
        assert!(resent <= KILLS * IN_FLIGHT, "{resent} emails were sent twice; at most those in flight may be");
        assert_eq!(database.outbox_backlog().await.unwrap(), 0);
    }
}
