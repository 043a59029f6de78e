//! The cloud's test support: the real cloud on a random loopback port against a fresh database
//! (`gatehouse_testsupport::TestDatabase`), sending its mail to a real SMTP server on loopback.

use gatehouse_cloud::{Clock, Database, Settings, keys::KeySecret, notify::MailSettings};
pub use gatehouse_testsupport::{Backend, SmtpSink, TestDatabase};
use tokio::{net::TcpListener, sync::oneshot};

mod site;
pub use site::{CONTRACTOR_EMAIL, Person, SECURITY_EMAIL, Site, at, invitation};

/// The cloud, serving on a random loopback port until dropped, sending its mail to a real SMTP
/// server on loopback ([`SmtpSink`]).
pub struct TestApp {
    pub address: String,
    pub database: Database,
    pub http: reqwest::Client,
    pub mail: SmtpSink,
    pub clock: Clock,
    /// What the server seals its signing keys under.
    pub key_secret: KeySecret,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    // Last, so the database outlives the server.
    database_files: TestDatabase,
}

fn settings(mail: &SmtpSink, key_secret: &KeySecret) -> Settings {
    Settings {
        key_secret: key_secret.clone(),
        public_url: "https://gatehouse.test".into(),
        mail: MailSettings {
            smtp_url: Some(format!("smtp://{}", mail.address)),
            folder: std::env::temp_dir(),
            from: "Gatehouse <gatehouse@tower.example>".parse().unwrap(),
        },
        ui_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist"),
    }
}

/// A second cloud server on the same database, as another process behind a load balancer;
/// stops when dropped.
pub struct Beside {
    pub address: String,
    _shutdown: oneshot::Sender<()>,
}

impl TestApp {
    /// Another cloud server on this app's database, with its own connections.
    pub async fn beside(&self) -> Beside {
        let database = Database::connect(&self.database_files.url)
            .await
            .expect("the test database opens");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(gatehouse_cloud::serve(
            listener,
            database,
            settings(&self.mail, &self.key_secret),
            Clock::System,
            async {
                let _ = stop.await;
            },
        ));
        Beside {
            address,
            _shutdown: shutdown,
        }
    }

    /// The cloud on the system clock.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_at(backend, Clock::System).await
    }

    /// The cloud on `clock` — `Clock::fixed(…)` pins the hour for rules that depend on it.
    pub async fn spawn_at(backend: Backend, clock: Clock) -> Option<Self> {
        let test_database = TestDatabase::create(backend).await?;
        let database = test_database.open().await;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let mail = SmtpSink::start().await;
        let key_secret = KeySecret::generate();
        let settings = settings(&mail, &key_secret);
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = tokio::spawn(gatehouse_cloud::serve(
            listener,
            database.clone(),
            settings,
            clock.clone(),
            async {
                let _ = stop.await;
            },
        ));
        Some(Self {
            server: Some(server),
            address,
            database,
            http: reqwest::Client::new(),
            mail,
            clock,
            key_secret,
            shutdown: Some(shutdown),
            database_files: test_database,
        })
    }

    /// The cloud's services over this app's database, clock and keys, as a CLI command or a job
    /// uses them.
    pub fn cloud(&self) -> gatehouse_cloud::Cloud {
        gatehouse_cloud::Cloud::new(
            self.database.clone(),
            self.clock.clone(),
            "https://gatehouse.test".into(),
            self.key_secret.clone(),
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("the cloud answers")
    }

    /// Sends `method path` as the holder of `token`, with an optional JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the cloud answers");
        let status = response.status();
        let text = response.text().await.unwrap();
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }
}

impl TestApp {
    /// A kiosk enrolled in `site`'s facility by its manager; returns the device token.
    pub async fn enrolled_kiosk(&self, site: &Site) -> String {
        let (status, code) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/kiosk-codes",
                Some(&site.manager.token),
                Some(serde_json::json!({"name": "Lobby"})),
            )
            .await;
        assert_eq!(status, 201, "{code}");
        let (status, enrolled) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/kiosks/enroll",
                None,
                Some(serde_json::json!({"code": code["code"]})),
            )
            .await;
        assert_eq!(status, 201, "{enrolled}");
        enrolled["token"].as_str().unwrap().to_owned()
    }

    /// Pulls the kiosk's change feed from `after`, page by page (`limit` a page), until `done`
    /// holds for everything delivered so far, for at most 5 s. On PostgreSQL a change shows once
    /// every transaction that began before it has ended — other tests' too — so a test waits
    /// for it as a kiosk would. Returns the pages delivered and the cursor after them.
    pub async fn pull_changes_until(
        &self,
        device: &str,
        after: Option<&str>,
        limit: u16,
        done: impl Fn(&[serde_json::Value]) -> bool,
    ) -> (Vec<serde_json::Value>, String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut cursor = after.map(str::to_owned);
        let mut pages = Vec::new();
        loop {
            let query = match &cursor {
                Some(cursor) => format!("?limit={limit}&after={cursor}"),
                None => format!("?limit={limit}"),
            };
            let (status, page) = self
                .call(
                    reqwest::Method::GET,
                    &format!("/api/v1/kiosk/changes{query}"),
                    Some(device),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{page}");
            cursor = Some(page["cursor"].as_str().unwrap().to_owned());
            let more = page["more"].as_bool().unwrap();
            if !page["invitations"].as_array().unwrap().is_empty() {
                pages.push(page);
            }
            let delivered: Vec<serde_json::Value> = pages
                .iter()
                .flat_map(|p| p["invitations"].as_array().unwrap().clone())
                .collect();
            if !more && done(&delivered) {
                return (pages, cursor.unwrap());
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the feed never delivered what was expected: {pages:?}"
            );
            if !more {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }

    /// `SELECT COUNT(*) FROM table`, straight from the database.
    pub async fn rows_in(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match &self.database {
            Database::Sqlite(pool) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await
                .unwrap(),
            Database::Postgres(pool) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await
                .unwrap(),
        }
    }
}

impl TestApp {
    /// The database as the command line's `--database` takes it.
    pub fn database_url(&self) -> String {
        self.database_files.command_line_url()
    }

    /// Runs `sql` straight on the database (as someone with its password would): how many rows
    /// it changed, or the database's refusal.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.database {
            Database::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Database::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
    }

    /// Takes the database away (`true`) or brings it back; `false` where that cannot be done
    /// (SQLite is a file in the process).
    pub async fn database_outage(&self, down: bool) -> bool {
        self.database_files.outage(down).await
    }

    /// Tells the server to stop, as SIGTERM does, and waits until it has: how long it took.
    pub async fn stop(&mut self) -> std::time::Duration {
        let started = std::time::Instant::now();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task")
                .expect("the server stops cleanly");
        }
        started.elapsed()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
