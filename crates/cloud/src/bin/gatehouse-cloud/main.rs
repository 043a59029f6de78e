//! `gatehouse-cloud`: serve the API, migrate the database, set up a site, seed demo data,
//! print the OpenAPI document. This file is the command line; each command lives beside it.

mod admin;
mod audit;
mod credential;
mod demo;
mod serve;

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use chrono::NaiveTime;
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};
use gatehouse_cloud::{
    Clock, Cloud, Database, DatabaseUrl, keys::KeySecret, sync::enrollment::KioskName,
};
use gatehouse_core::{Email, PermissionSet, RoleId, RolePreset};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "gatehouse-cloud",
    version,
    about = "The Gatehouse cloud server"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Serve the HTTP API (the database is created and migrated first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "GATEHOUSE_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        #[command(flatten)]
        database: DatabaseArg,
        /// Where people reach this cloud; links in emails start with it [default: `http://BIND`].
        #[arg(long, env = "GATEHOUSE_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        mail: MailArgs,
        /// The built web front end, whose portal is served at /portal.
        #[arg(long, env = "GATEHOUSE_UI_DIR", default_value = "ui/dist")]
        ui_dir: PathBuf,
    },
    /// Bring the database schema up to date, then exit.
    Migrate {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Replace the demo facility with a fresh copy whose invitations are for today.
    Demo {
        #[command(flatten)]
        database: DatabaseArg,
        /// The demo data file.
        #[arg(long, default_value = "assets/demo/demo.json")]
        data: PathBuf,
        /// Where people will reach the cloud; the demo's emails link there.
        #[arg(
            long,
            env = "GATEHOUSE_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        /// Also write each demo invitation's QR code as `<visitor>.png` here, to hold up to a
        /// kiosk's file camera.
        #[arg(long)]
        codes: Option<PathBuf>,
    },
    /// Print the OpenAPI document of the HTTP API (what `/api/v1/openapi.json` serves).
    Openapi,
    /// Check a door credential (a badge's or phone's QR code) as a door would.
    Credential {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: credential::CredentialCommand,
    },
    /// Check or export the tamper-evident audit log (every visit's history, hash-chained).
    Audit {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Set up a site: facilities, occupancies, people, roles.
    Admin {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdminCommand {
    /// Create a facility (a building or site).
    CreateFacility {
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: String,
        /// IANA time zone, e.g. Europe/Berlin.
        #[arg(long)]
        time_zone: Tz,
        /// When the site closes (local time), e.g. 19:00.
        #[arg(long, value_parser = parse_time)]
        end_of_day: NaiveTime,
    },
    /// Create an occupancy (a tenant) in a facility.
    CreateOccupancy {
        #[arg(long)]
        facility: String,
        #[arg(long)]
        name: String,
    },
    /// Create a person; with --password-stdin they can sign in.
    CreateUser {
        #[arg(long)]
        facility: String,
        /// Their occupancy; leave out for the facility's own staff.
        #[arg(long)]
        occupancy: Option<String>,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Email,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create a role: a preset, or a name with permissions.
    CreateRole {
        #[arg(long)]
        facility: String,
        /// Scope the role to this occupancy; leave out for a facility role.
        #[arg(long)]
        occupancy: Option<String>,
        #[arg(long, value_parser = parse_preset)]
        preset: Option<RolePreset>,
        #[arg(long, requires = "permissions", conflicts_with = "preset")]
        name: Option<String>,
        /// Comma-separated, e.g. `visitor_invitation,invite_for_others`; `all` for every one.
        #[arg(long, value_parser = parse_permissions)]
        permissions: Option<PermissionSet>,
    },
    /// Issue a single-use code that enrolls one kiosk in a facility; prints the code.
    KioskCode {
        #[arg(long)]
        facility: String,
        /// What the kiosk will be called, e.g. "Lobby, north entrance".
        #[arg(long, value_parser = parse_kiosk_name)]
        name: KioskName,
        /// Hours the code can be used (at most a week).
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u16).range(1..=168))]
        valid_hours: u16,
    },
    /// Make a new signing key: new invitation codes and credentials use it; those signed with
    /// older keys still verify until they expire.
    RotateKey,
    /// Give a person a role.
    AssignRole {
        #[arg(long)]
        email: Email,
        #[arg(long)]
        role: RoleId,
    },
}

#[derive(Debug, Args)]
pub(crate) struct DatabaseArg {
    /// `sqlite:PATH` (or a plain path) for one SQLite file, `postgres://…` for PostgreSQL.
    #[arg(
        long = "database",
        env = "DATABASE_URL",
        default_value = "sqlite:gatehouse.db",
        hide_env_values = true
    )]
    pub(crate) url: DatabaseUrl,
    /// The file holding the secret the signing keys are sealed under (made, readable by its
    /// owner only, if missing) [default: beside a SQLite database, `gatehouse.key` for
    /// `gatehouse.db`].
    #[arg(long, env = "GATEHOUSE_KEY_FILE")]
    pub(crate) key_file: Option<PathBuf>,
    /// The key secret itself (32 bytes, unpadded base64url), instead of a key file.
    #[arg(
        long,
        env = "GATEHOUSE_KEY_SECRET",
        hide_env_values = true,
        conflicts_with = "key_file"
    )]
    pub(crate) key_secret: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct MailArgs {
    /// SMTP server for outgoing mail, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@host`.
    #[arg(long, env = "GATEHOUSE_SMTP_URL", hide_env_values = true)]
    pub(crate) smtp_url: Option<String>,
    /// Without an SMTP server, emails are written here as .eml files.
    #[arg(long, env = "GATEHOUSE_MAIL_DIR", default_value = "mail")]
    pub(crate) mail_dir: PathBuf,
    /// The sender of Gatehouse's emails.
    #[arg(
        long,
        env = "GATEHOUSE_MAIL_FROM",
        default_value = "Gatehouse <gatehouse@localhost>"
    )]
    pub(crate) mail_from: lettre::message::Mailbox,
}

impl DatabaseArg {
    pub(crate) async fn open(&self) -> anyhow::Result<Database> {
        let database = Database::connect(&self.url).await?;
        database.migrate().await?;
        Ok(database)
    }

    /// The secret the database's signing keys are sealed under.
    pub(crate) fn key_secret(&self) -> anyhow::Result<KeySecret> {
        if let Some(text) = &self.key_secret {
            return Ok(KeySecret::parse(text)?);
        }
        let file = match (&self.key_file, &self.url) {
            (Some(file), _) => file.clone(),
            (None, DatabaseUrl::Sqlite(path)) => path.with_extension("key"),
            (None, DatabaseUrl::Postgres(_)) => anyhow::bail!(
                "with PostgreSQL, say where the key secret is: --key-file PATH or GATEHOUSE_KEY_SECRET"
            ),
        };
        Ok(KeySecret::from_file(&file)?)
    }

    /// The cloud's context over this database, for a command.
    pub(crate) async fn cloud(&self, public_url: String) -> anyhow::Result<Cloud> {
        let secret = self.key_secret()?;
        let database = self.open().await?;
        Ok(Cloud::new(database, Clock::System, public_url, secret))
    }
}

fn parse_time(raw: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(raw, "%H:%M").map_err(|_| format!("{raw:?} is not a time like 19:00"))
}

fn parse_preset(raw: &str) -> Result<RolePreset, String> {
    serde_json::from_value(serde_json::Value::from(raw)).map_err(|_| {
        format!("{raw:?} is not a preset: visitor_invitation_only or visitor_invitation_all")
    })
}

fn parse_kiosk_name(raw: &str) -> Result<KioskName, String> {
    KioskName::parse(raw).map_err(|e| format!("the kiosk's name {e}"))
}

fn parse_permissions(raw: &str) -> Result<PermissionSet, String> {
    if raw == "all" {
        return Ok(PermissionSet::all());
    }
    raw.split(',')
        .map(|name| {
            name.trim()
                .parse()
                .map_err(|e: gatehouse_core::permission::UnknownPermission| e.to_string())
        })
        .collect()
}

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("gatehouse-cloud: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            bind,
            database,
            public_url,
            mail,
            ui_dir,
        } => serve::serve(bind, &database, public_url, mail, ui_dir).await,
        Command::Migrate { database } => {
            database.open().await?.close().await;
            tracing::info!(database = %database.url, "database is up to date");
            Ok(())
        }
        Command::Demo {
            database,
            data,
            public_url,
            codes,
        } => demo::demo(&database, &data, public_url, codes.as_deref()).await,
        Command::Openapi => {
            use utoipa::OpenApi as _;
            println!(
                "{}",
                gatehouse_cloud::http::ApiDoc::openapi().to_pretty_json()?
            );
            Ok(())
        }
        Command::Admin { database, command } => {
            let cloud = database.cloud(String::new()).await?;
            let result = admin::admin(&cloud, command).await;
            cloud.database.close().await;
            result
        }
        Command::Audit { database, command } => {
            // The log is read as stored: opened without migrating (which would chain entries
            // that lack a hash) and without the key secret.
            let database = Database::connect(&database.url).await?;
            let result = audit::audit(&database, command).await;
            database.close().await;
            result
        }
        Command::Credential { database, command } => {
            let cloud = database.cloud(String::new()).await?;
            let result = credential::credential(&cloud, command).await;
            cloud.database.close().await;
            result
        }
    }
}

/// Logs as text for people, or as JSON lines with `GATEHOUSE_LOG_FORMAT=json`; `RUST_LOG` filters.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("GATEHOUSE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
