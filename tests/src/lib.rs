//! The harness for Gatehouse's end-to-end tests: it starts real processes — Xvfb, the cloud on
//! a temporary SQLite file, `tauri-driver` driving the real debug kiosk binary — and reaps every
//! one of them afterwards, also when a test fails.

mod processes;

pub use gatehouse_testsupport::cups;

use std::{
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt as _;
use processes::Reaped;

/// How long a process may take to start answering before the test gives up.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// WebKitWebDriver allows one session at a time; the machine has two cores. One kiosk at a time.
static ONE_KIOSK_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the repository")
        .to_path_buf()
}

/// Where tests leave what a person may want to look at when one fails: `test-output/e2e/`.
pub fn output_dir() -> PathBuf {
    let dir = repo_root().join("test-output").join("e2e");
    std::fs::create_dir_all(&dir).expect("the test output folder can be created");
    dir
}

/// Where the e2e run leaves each kiosk screen for the README: `docs/screens/`.
pub fn screens_dir() -> PathBuf {
    repo_root().join("docs").join("screens")
}

/// A binary of this workspace, built by `cargo build` into the same target folder as this test.
fn workspace_binary(name: &str) -> anyhow::Result<PathBuf> {
    // The test runs as <target>/<profile>/deps/<test>-<hash>; binaries sit in <target>/<profile>/.
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("the test binary is not inside a cargo target folder")?;
    let binary = profile_dir.join(name);
    if !binary.is_file() {
        bail!(
            "{} is missing: build it first with `cargo build -p {name}` (scripts/test does)",
            binary.display()
        );
    }
    Ok(binary)
}

/// Sends SIGKILL to every process running `binary`; returns how many.
fn kill_processes_of(binary: &Path) -> anyhow::Result<usize> {
    let pids = pids_of(|exe| exe == binary)?;
    for pid in &pids {
        kill(*pid)?;
    }
    Ok(pids.len())
}

fn kill(pid: i32) -> anyhow::Result<()> {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )?;
    Ok(())
}

/// The processes whose executable `matches`.
fn pids_of(matches: impl Fn(&Path) -> bool) -> anyhow::Result<Vec<i32>> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| matches(&exe)) {
            pids.push(pid);
        }
    }
    Ok(pids)
}

/// The parent of process `pid`, from `/proc/<pid>/stat`.
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid …": the name may hold spaces, so read after its closing bracket.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn path_text(path: &Path) -> anyhow::Result<String> {
    path.to_str()
        .map(str::to_owned)
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("the loopback interface has a free port")
}

async fn wait_until(what: &str, mut ready: impl AsyncFnMut() -> bool) -> anyhow::Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    while !ready().await {
        if Instant::now() > deadline {
            bail!("{what} did not become ready within {START_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn answers_http(url: &str) -> bool {
    reqwest::get(url)
        .await
        .is_ok_and(|r| r.status().is_success())
}

fn accepts_tcp(port: u16) -> bool {
    TcpStream::connect_timeout(
        &SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        Duration::from_millis(200),
    )
    .is_ok()
}

/// A virtual X display of its own.
#[derive(Debug)]
struct Display {
    number: u32,
    _server: Reaped,
}

impl Display {
    async fn start() -> anyhow::Result<Self> {
        let number = (90..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .context("no free X display number between :90 and :199")?;
        let mut xvfb = Command::new("Xvfb");
        xvfb.arg(format!(":{number}"))
            .args(["-screen", "0", "1280x800x24", "-nolisten", "tcp"]);
        let server = Reaped::spawn("Xvfb", xvfb)?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        wait_until("Xvfb", async || socket.exists()).await?;
        Ok(Self {
            number,
            _server: server,
        })
    }

    fn name(&self) -> String {
        format!(":{}", self.number)
    }
}

/// The Gatehouse cloud, serving a fresh SQLite file on a loopback port. It can be stopped and
/// started again on the same file and port, as a cloud that went away and came back.
#[derive(Debug)]
pub struct Cloud {
    pub url: String,
    port: u16,
    server: Option<Reaped>,
    data: tempfile::TempDir,
    /// The SMTP server on loopback the cloud sends its emails to, if it was given one; without
    /// one it writes them to its mail folder ([`Cloud::emails`]).
    pub mail_server: Option<gatehouse_testsupport::SmtpSink>,
}

impl Cloud {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_mailing(None).await
    }

    async fn start_mailing(
        mail_server: Option<gatehouse_testsupport::SmtpSink>,
    ) -> anyhow::Result<Self> {
        let mut cloud = Self {
            url: String::new(),
            port: free_port(),
            server: None,
            data: tempfile::tempdir()?,
            mail_server,
        };
        cloud.url = format!("http://127.0.0.1:{}", cloud.port);
        cloud.restart().await?;
        Ok(cloud)
    }

    /// A cloud with the demo facility (Harbour Point), its people and today's invitations.
    /// Each invitation's QR code is at [`Cloud::invitation_code`].
    pub async fn start_with_demo() -> anyhow::Result<Self> {
        Self::start_with_demo_mailing(None).await
    }

    /// [`Cloud::start_with_demo`], sending its emails to `mail_server` if given.
    pub async fn start_with_demo_mailing(
        mail_server: Option<gatehouse_testsupport::SmtpSink>,
    ) -> anyhow::Result<Self> {
        let mut cloud = Self::start_mailing(mail_server).await?;
        cloud.stop();
        let demo = repo_root().join("assets/demo/demo.json");
        let codes = cloud.data.path().join("codes");
        cloud.command(&[
            "demo",
            "--data",
            demo.to_str().context("a UTF-8 path")?,
            "--codes",
            codes.to_str().context("a UTF-8 path")?,
        ])?;
        cloud.restart().await?;
        Ok(cloud)
    }

    /// The QR code from the invitation email of the demo visitor `name`, e.g. "Sofia Rossi".
    pub fn invitation_code(&self, name: &str) -> PathBuf {
        let file = name
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        self.data.path().join("codes").join(format!("{file}.png"))
    }

    fn database(&self) -> PathBuf {
        self.data.path().join("cloud.db")
    }

    /// Runs `gatehouse-cloud ARGS --database <this cloud's file>` and returns what it printed.
    pub fn command(&self, args: &[&str]) -> anyhow::Result<String> {
        let (first, rest) = args.split_first().context("a subcommand")?;
        let output = Command::new(workspace_binary("gatehouse-cloud")?)
            .arg(first)
            .arg("--database")
            .arg(self.database())
            .args(rest)
            .env("RUST_LOG", "warn")
            .output()?;
        if !output.status.success() {
            bail!(
                "gatehouse-cloud {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8(output.stdout)?.trim().to_owned())
    }

    /// A signed-in HTTP client of the demo's facility manager, and their bearer token.
    pub async fn manager(&self) -> anyhow::Result<(reqwest::Client, String)> {
        let http = reqwest::Client::new();
        let session: serde_json::Value = http
            .post(format!("{}/api/v1/sessions", self.url))
            .json(&serde_json::json!({
                "email": "fiona.brandt@harbourpoint.example",
                "password": "gatehouse-demo",
            }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let token = session["token"]
            .as_str()
            .context("a session token")?
            .to_owned();
        Ok((http, token))
    }

    /// `GET /api/v1<path>` as the demo's facility manager.
    pub async fn as_manager(&self, path: &str) -> anyhow::Result<serde_json::Value> {
        let (http, token) = self.manager().await?;
        Ok(http
            .get(format!("{}/api/v1{path}", self.url))
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// The user id of the demo's Ada Lindqvist (Northwind), as the facility manager lists her.
    async fn ada(&self) -> anyhow::Result<serde_json::Value> {
        let users = self.as_manager("/users").await?;
        users
            .as_array()
            .and_then(|users| {
                users
                    .iter()
                    .find(|user| user["email"] == "ada.lindqvist@northwind.example")
            })
            .map(|ada| ada["id"].clone())
            .context("the demo has Ada Lindqvist")
    }

    /// Ada Lindqvist (Northwind) invites contractor `visitor` for tomorrow, as the facility
    /// manager does it: an invitation waiting for approval. Returns its id.
    pub async fn pending_contractor_tomorrow(&self, visitor: &str) -> anyhow::Result<String> {
        let ada = self.ada().await?;
        let tomorrow = chrono::Utc::now() + chrono::TimeDelta::days(1);
        let email = format!("{}@fixit.example", visitor.to_lowercase().replace(' ', "."));
        let (http, token) = self.manager().await?;
        let created: serde_json::Value = http
            .post(format!("{}/api/v1/invitations", self.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "host_id": ada,
                "category": "contractor",
                "visitor": {"name": visitor, "email": email, "company": "FixIt"},
                "window": {"starts_at": tomorrow, "ends_at": tomorrow + chrono::TimeDelta::hours(2)},
            }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(created["id"].as_str().context("an id")?.to_owned())
    }

    /// Ada Lindqvist's client `visitor` (only the NDA to sign) invited for the hour from now,
    /// whenever the tests run: the code from the guest's invitation email (waited for).
    pub async fn client_for_the_hour(&self, visitor: &str) -> anyhow::Result<String> {
        let ada = self.ada().await?;
        let now = chrono::Utc::now();
        let email = format!("{}@acme.example", visitor.to_lowercase().replace(' ', "."));
        let (http, token) = self.manager().await?;
        http.post(format!("{}/api/v1/invitations", self.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "host_id": ada,
                "category": "client",
                "visitor": {"name": visitor, "email": email, "company": "Acme GmbH"},
                "window": {"starts_at": now, "ends_at": now + chrono::TimeDelta::hours(1)},
            }))
            .send()
            .await?
            .error_for_status()?;
        for _ in 0..100 {
            let code = self.emails()?.iter().find_map(|mail| {
                // Quoted-printable: soft line breaks and `=3D` for `=`.
                let mail = mail
                    .replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=");
                if !mail.contains(&email) {
                    return None;
                }
                let after = mail.split("/guest/").nth(1)?;
                let code: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
                    .collect();
                (!code.is_empty()).then_some(code)
            });
            if let Some(code) = code {
                return Ok(code);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("no invitation email to {email}")
    }

    /// The emails the cloud has written (it runs with `--mail-dir`), as text.
    pub fn emails(&self) -> anyhow::Result<Vec<String>> {
        let Ok(folder) = std::fs::read_dir(self.data.path().join("mail")) else {
            return Ok(Vec::new());
        };
        let mut emails = Vec::new();
        for entry in folder {
            emails.push(std::fs::read_to_string(entry?.path())?);
        }
        Ok(emails)
    }

    /// The cloud's record of the demo visitor `name`, as the facility manager sees it.
    pub async fn invitation_named(&self, name: &str) -> anyhow::Result<serde_json::Value> {
        let (http, token) = self.manager().await?;
        let listed: serde_json::Value = http
            .get(format!("{}/api/v1/invitations", self.url))
            .query(&[("scope", "all"), ("q", name)])
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        listed
            .as_array()
            .into_iter()
            .flatten()
            .find(|invitation| invitation["visitor_name"] == name)
            .cloned()
            .with_context(|| format!("the cloud lists no {name}"))
    }

    /// A code that enrolls one kiosk in the demo facility.
    pub fn kiosk_code(&self) -> anyhow::Result<String> {
        self.command(&[
            "admin",
            "kiosk-code",
            "--facility",
            "Harbour Point",
            "--name",
            "Lobby",
        ])
    }

    /// A kiosk (its engine, without a window or a printer) with its data in `data`, enrolled in
    /// the demo facility and pulled once.
    pub async fn enrolled_kiosk(&self, data: &Path) -> anyhow::Result<gatehouse_kiosk::Kiosk> {
        self.enrolled_kiosk_at(data, gatehouse_core::Clock::System)
            .await
    }

    /// [`Self::enrolled_kiosk`] on `clock`.
    pub async fn enrolled_kiosk_at(
        &self,
        data: &Path,
        clock: gatehouse_core::Clock,
    ) -> anyhow::Result<gatehouse_kiosk::Kiosk> {
        let settings = std::collections::HashMap::from([
            ("GATEHOUSE_CLOUD_URL", self.url.clone()),
            ("GATEHOUSE_KIOSK_DATA", data.display().to_string()),
        ]);
        let config = gatehouse_kiosk::KioskConfig::from_lookup(|name| settings.get(name).cloned())?;
        let kiosk = gatehouse_kiosk::Kiosk::open_at(config, clock).await?;
        gatehouse_kiosk::sync::enroll(&kiosk.cloud, &kiosk.store, &self.kiosk_code()?).await?;
        gatehouse_kiosk::sync::pull(&kiosk.cloud, &kiosk.store).await?;
        Ok(kiosk)
    }

    /// Stops the server; the database stays.
    pub fn stop(&mut self) {
        self.server = None;
    }

    /// Starts the server (again) on the same port and database.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        let mut serve = Command::new(workspace_binary("gatehouse-cloud")?);
        serve
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{}", self.port),
                "--database",
            ])
            .arg(self.database())
            .arg("--mail-dir")
            .arg(self.data.path().join("mail"))
            .env("RUST_LOG", "warn");
        if let Some(mail_server) = &self.mail_server {
            serve
                .arg("--smtp-url")
                .arg(format!("smtp://{}", mail_server.address));
        }
        self.server = Some(Reaped::spawn("gatehouse-cloud", serve)?);
        let health = format!("{}/health", self.url);
        wait_until("the cloud", async || answers_http(&health).await).await
    }
}

/// The real kiosk window under Xvfb, driven through `tauri-driver`, talking to a real cloud.
#[derive(Debug)]
pub struct Kiosk {
    pub client: Client,
    // Dropped in this order: the driver (and with it the app) first, then the cloud, then X.
    driver: Reaped,
    /// The app and its settings, to start it again after a crash.
    app: PathBuf,
    env: Vec<(&'static str, String)>,
    pub cloud: Cloud,
    display: Display,
    /// The kiosk's own folder: its store, signed NDAs, photos, unprinted badges.
    pub data: tempfile::TempDir,
    /// The folder the kiosk's file camera looks at.
    camera: tempfile::TempDir,
    _cups: Option<cups::Cupsd>,
}

/// How a kiosk under test is set up, beyond the defaults.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `GATEHOUSE_IDLE_SECONDS`.
    pub idle_seconds: Option<u64>,
    /// `GATEHOUSE_STAFF_IDLE_SECONDS`.
    pub staff_idle_seconds: Option<u64>,
    /// Give the kiosk a printer: a private CUPS with a cups-pdf queue called `PDF`.
    pub printer: bool,
    /// Start without an enrollment code: staff enroll the kiosk on its screen.
    pub enroll_on_screen: bool,
    /// Run this kiosk binary (an installed one) instead of the workspace's.
    pub app: Option<PathBuf>,
    /// The cloud sends its emails to a real SMTP server on loopback (`kiosk.cloud.mail_server`).
    pub mail_server: bool,
}

impl Kiosk {
    async fn launch(settings: &Settings) -> anyhow::Result<Self> {
        let display = Display::start().await?;
        let mail_server = if settings.mail_server {
            Some(gatehouse_testsupport::SmtpSink::start().await)
        } else {
            None
        };
        let cloud = Cloud::start_with_demo_mailing(mail_server).await?;
        let app = match &settings.app {
            Some(app) => app.clone(),
            None => workspace_binary("gatehouse-kiosk")?,
        };
        let data = tempfile::tempdir()?;
        let camera = tempfile::tempdir()?;
        std::fs::copy(
            repo_root().join("assets/demo/camera-empty-lobby.png"),
            camera.path().join("empty-lobby.png"),
        )?;
        let mut env = vec![
            ("GATEHOUSE_CLOUD_URL", cloud.url.clone()),
            ("GATEHOUSE_KIOSK_DATA", path_text(data.path())?),
            (
                "GATEHOUSE_CAMERA",
                format!("file:{}", path_text(camera.path())?),
            ),
            (
                "GATEHOUSE_PHOTO_CAMERA",
                format!(
                    "file:{}",
                    path_text(&repo_root().join("assets/demo/visitor-photo.jpg"))?
                ),
            ),
        ];
        if !settings.enroll_on_screen {
            env.push(("GATEHOUSE_KIOSK_CODE", cloud.kiosk_code()?));
        }
        if let Some(seconds) = settings.idle_seconds {
            env.push(("GATEHOUSE_IDLE_SECONDS", seconds.to_string()));
        }
        if let Some(seconds) = settings.staff_idle_seconds {
            env.push(("GATEHOUSE_STAFF_IDLE_SECONDS", seconds.to_string()));
        }
        let cups = settings.printer.then(cups::Cupsd::start);
        if let Some(cups) = &cups {
            env.push(("GATEHOUSE_PRINTER", "PDF".to_owned()));
            env.push(("CUPS_SERVER", cups.server.clone()));
        }
        // tauri-driver 2.1 sometimes loses its first session to a stale pooled connection;
        // a second try on fresh ports is what works.
        let mut last_error = None;
        for _ in 0..2 {
            match Self::drive(&app, &display, &env).await {
                Ok((client, driver)) => {
                    return Ok(Self {
                        client,
                        driver,
                        app,
                        env,
                        cloud,
                        display,
                        data,
                        camera,
                        _cups: cups,
                    });
                }
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.expect("two attempts were made"))
    }

    /// Kills the kiosk app with SIGKILL, as a power cut or a crash would, and starts it again
    /// on the same data folder, camera and cloud, under a new WebDriver session.
    pub async fn crash_and_restart(&mut self) -> anyhow::Result<()> {
        let killed = kill_processes_of(&self.app)?;
        anyhow::ensure!(killed > 0, "no running {} to kill", self.app.display());
        let _ = self.client.clone().close().await;
        let (client, driver) = Self::drive(&self.app, &self.display, &self.env).await?;
        self.client = client;
        self.driver = driver;
        Ok(())
    }

    /// The running kiosk app's process ids.
    pub fn app_pids(&self) -> anyhow::Result<Vec<i32>> {
        pids_of(|exe| exe == self.app)
    }

    /// Kills the web view's own process (`WebKitWebProcess`), as a crash of it would end it;
    /// returns how many were killed.
    pub fn crash_web_view(&self) -> anyhow::Result<usize> {
        let apps = self.app_pids()?;
        let web = pids_of(|exe| exe.ends_with("WebKitWebProcess"))?;
        let mut killed = 0;
        for pid in web {
            if parent_of(pid).is_some_and(|parent| apps.contains(&parent)) {
                kill(pid)?;
                killed += 1;
            }
        }
        Ok(killed)
    }

    /// Stops every process of the kiosk app, also one that started itself again.
    pub fn stop_app(&self) -> anyhow::Result<usize> {
        kill_processes_of(&self.app)
    }

    /// Holds the image at `png` up to the kiosk's camera, until [`Kiosk::lower`].
    pub fn hold_up(&self, png: &Path) -> anyhow::Result<()> {
        std::fs::copy(png, self.camera.path().join("held-up.png"))
            .with_context(|| format!("cannot hold up {}", png.display()))?;
        Ok(())
    }

    /// Takes away what was held up to the camera.
    pub fn lower(&self) -> anyhow::Result<()> {
        std::fs::remove_file(self.camera.path().join("held-up.png"))?;
        Ok(())
    }

    async fn drive(
        app: &Path,
        display: &Display,
        env: &[(&'static str, String)],
    ) -> anyhow::Result<(Client, Reaped)> {
        let (port, native_port) = (free_port(), free_port());
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", display.name())
            .envs(env.iter().map(|(name, value)| (name, value)))
            .env("RUST_LOG", "warn");
        let driver = Reaped::spawn("tauri-driver", command)?;
        let native_status = format!("http://127.0.0.1:{native_port}/status");
        wait_until("WebKitWebDriver", async || {
            answers_http(&native_status).await
        })
        .await?;
        wait_until("tauri-driver", async || accepts_tcp(port)).await?;

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app }),
        );
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("no WebDriver session with the kiosk")?;
        Ok((client, driver))
    }

    /// Runs `test` against a freshly started kiosk, then ends the WebDriver session and stops
    /// every process — whether the test passed or panicked.
    pub async fn run(test: impl AsyncFnOnce(&mut Kiosk) -> anyhow::Result<()>) {
        Self::run_with(&Settings::default(), test).await;
    }

    /// [`Kiosk::run`] with `settings`.
    pub async fn run_with(
        settings: &Settings,
        test: impl AsyncFnOnce(&mut Kiosk) -> anyhow::Result<()>,
    ) {
        let _turn = ONE_KIOSK_AT_A_TIME.lock().await;
        let mut kiosk = Self::launch(settings)
            .await
            .expect("the kiosk starts under WebDriver");
        let outcome = std::panic::AssertUnwindSafe(test(&mut kiosk))
            .catch_unwind()
            .await;
        if !matches!(outcome, Ok(Ok(()))) {
            // What the screen showed when it went wrong: test-output/e2e/failed-<test>.png.
            let test = std::thread::current()
                .name()
                .unwrap_or("test")
                .replace("::", "-");
            let _ = kiosk.grab(&format!("failed-{test}")).await;
        }
        // End the session before the driver goes, or WebKit processes outlive the test.
        let _ = kiosk.client.clone().close().await;
        drop(kiosk);
        match outcome {
            Ok(result) => result.expect("the end-to-end test failed"),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// The element `css`, once it appears (within 10 s).
    pub async fn element(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element {css} on the screen"))
    }

    /// The text of the element `css` once it appears.
    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        Ok(self.element(css).await?.text().await?)
    }

    /// Clicks `css` once it appears, scrolled to the middle of the screen first as a finger
    /// would (a row at the bottom of a long list sits under the status line). A screen that
    /// re-renders between finding the element and clicking it (a list reloading after a
    /// decision) leaves a stale element: found again, it is clicked again, for up to 10 s.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let element = self.element(css).await?;
            let centred = self
                .client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center'});",
                    vec![serde_json::to_value(&element)?],
                )
                .await;
            match centred.map(drop).and(Ok(element)) {
                Ok(element) => match element.click().await {
                    Ok(()) => return Ok(()),
                    Err(error) if Instant::now() > deadline => {
                        return Err(error).with_context(|| format!("clicking {css} failed"));
                    }
                    Err(_) => {}
                },
                Err(error) if Instant::now() > deadline => {
                    return Err(error).with_context(|| format!("scrolling to {css} failed"));
                }
                Err(_) => {}
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` shows `expected`, and says what it showed instead if it never does.
    pub async fn expect_text(&self, css: &str, expected: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let shown = self.text(css).await?;
            if shown.trim() == expected {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{css} shows {shown:?}, expected {expected:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves what the screen shows now as `docs/screens/kiosk-<name>.png`, the README's pictures.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        // Give the page two frames to paint before the grab.
        self.client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let path = screens_dir().join(format!("kiosk-{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// What the screen shows now, as `test-output/e2e/<name>.png` (for a test that failed).
    async fn grab(&self, name: &str) -> anyhow::Result<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(output_dir().join(format!("{name}.png")), png)?;
        Ok(())
    }
}
