//! `gatehouse-cloud`: serve the API, migrate the database, set up a site, seed demo data.

use std::{io::BufRead as _, net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::{Context as _, bail};
use chrono::NaiveTime;
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};
use gatehouse_cloud::{
    Clock, Database, DatabaseUrl, Settings, auth, demo,
    kiosks::{self, KioskName},
    notify::MailSettings,
    store::{Facility, NewUser},
};
use gatehouse_core::{Email, PermissionSet, RoleId, RolePreset, RoleScope, role::RoleName};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "gatehouse-cloud",
    version,
    about = "The Gatehouse cloud server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
    /// Set up a site: facilities, occupancies, people, roles.
    Admin {
        #[command(flatten)]
        database: DatabaseArg,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
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
    /// Give a person a role.
    AssignRole {
        #[arg(long)]
        email: Email,
        #[arg(long)]
        role: RoleId,
    },
}

#[derive(Debug, Args)]
struct DatabaseArg {
    /// `sqlite:PATH` (or a plain path) for one SQLite file, `postgres://…` for PostgreSQL.
    #[arg(
        long = "database",
        env = "DATABASE_URL",
        default_value = "sqlite:gatehouse.db",
        hide_env_values = true
    )]
    url: DatabaseUrl,
}

#[derive(Debug, Args)]
struct MailArgs {
    /// SMTP server for outgoing mail, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@host`.
    #[arg(long, env = "GATEHOUSE_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Without an SMTP server, emails are written here as .eml files.
    #[arg(long, env = "GATEHOUSE_MAIL_DIR", default_value = "mail")]
    mail_dir: PathBuf,
    /// The sender of Gatehouse's emails.
    #[arg(
        long,
        env = "GATEHOUSE_MAIL_FROM",
        default_value = "Gatehouse <gatehouse@localhost>"
    )]
    mail_from: lettre::message::Mailbox,
}

impl DatabaseArg {
    async fn open(&self) -> anyhow::Result<Database> {
        let database = Database::connect(&self.url).await?;
        database.migrate().await?;
        Ok(database)
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
        } => {
            let settings = Settings {
                public_url: public_url.unwrap_or_else(|| format!("http://{bind}")),
                mail: MailSettings {
                    smtp_url: mail.smtp_url,
                    folder: mail.mail_dir,
                    from: mail.mail_from,
                },
                ui_dir,
            };
            let db = database.open().await?;
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            tracing::info!(%bind, database = %database.url, mail = ?settings.mail, "gatehouse cloud listening");
            gatehouse_cloud::serve(
                listener,
                db.clone(),
                settings,
                Clock::System,
                shutdown_signal(),
            )
            .await?;
            db.close().await;
            tracing::info!("gatehouse cloud stopped");
        }
        Command::Migrate { database } => {
            database.open().await?.close().await;
            tracing::info!(database = %database.url, "database is up to date");
        }
        Command::Demo {
            database,
            data,
            public_url,
            codes,
        } => {
            let json = std::fs::read_to_string(&data)
                .with_context(|| format!("cannot read demo data {}", data.display()))?;
            let demo_data = demo::DemoData::parse(&json)?;
            let db = database.open().await?;
            let today = demo_data.day_at(Clock::System.now());
            let summary = demo::seed(&db, &demo_data, today, &Clock::System, &public_url).await?;
            if let Some(folder) = codes {
                let written = demo::write_codes(&db, &demo_data, &Clock::System, &folder).await?;
                tracing::info!(written, folder = %folder.display(), "demo invitation QR codes written");
            }
            db.close().await;
            tracing::info!(?summary, database = %database.url, "demo data in place");
        }
        Command::Admin { database, command } => {
            let db = database.open().await?;
            let result = admin(&db, command).await;
            db.close().await;
            result?;
        }
    }
    Ok(())
}

async fn admin(db: &Database, command: AdminCommand) -> anyhow::Result<()> {
    let now = Clock::System.now();
    match command {
        AdminCommand::CreateFacility {
            name,
            address,
            time_zone,
            end_of_day,
        } => {
            let facility = db
                .create_facility(&name, &address, time_zone, end_of_day, now)
                .await?;
            println!("{}", facility.id);
        }
        AdminCommand::KioskCode {
            facility,
            name,
            valid_hours,
        } => {
            let facility = find_facility(db, &facility).await?;
            let valid_for = chrono::TimeDelta::hours(i64::from(valid_hours));
            let code = kiosks::issue_code(db, &facility, &name, None, valid_for, now).await?;
            println!("{}", code.code);
            eprintln!(
                "enrolls one kiosk called {:?} in {} until {}",
                code.name,
                facility.name,
                code.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
        }
        AdminCommand::CreateOccupancy { facility, name } => {
            let facility = find_facility(db, &facility).await?;
            println!("{}", db.create_occupancy(facility.id, &name).await?.id);
        }
        AdminCommand::CreateUser {
            facility,
            occupancy,
            name,
            email,
            password_stdin,
        } => {
            let facility = find_facility(db, &facility).await?;
            let occupancy = match occupancy {
                Some(name) => Some(find_occupancy(db, &facility, &name).await?),
                None => None,
            };
            let password_hash = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Some(auth::hash_password(line.trim_end_matches(['\r', '\n']))?)
            } else {
                None
            };
            let user = db
                .create_user(
                    NewUser {
                        facility: facility.id,
                        occupancy,
                        display_name: &name,
                        email: &email,
                        password_hash,
                    },
                    now,
                )
                .await?;
            println!("{}", user.id);
        }
        AdminCommand::CreateRole {
            facility,
            occupancy,
            preset,
            name,
            permissions,
        } => {
            let facility = find_facility(db, &facility).await?;
            let scope = match occupancy {
                Some(name) => RoleScope::Occupancy(find_occupancy(db, &facility, &name).await?),
                None => RoleScope::Facility(facility.id),
            };
            let (name, permissions) = match (preset, name, permissions) {
                (Some(preset), None, None) => (preset.name(), preset.permissions()),
                (None, Some(name), Some(permissions)) if !permissions.is_empty() => {
                    (RoleName::parse(&name)?, permissions)
                }
                _ => bail!("give either --preset, or --name with --permissions"),
            };
            println!(
                "{}",
                db.create_role(facility.id, &name, scope, permissions, None, now)
                    .await?
                    .id
            );
        }
        AdminCommand::AssignRole { email, role } => assign_role(db, &email, role, now).await?,
    }
    Ok(())
}

/// Gives a person a role, refusing one of another facility or occupancy.
async fn assign_role(
    db: &Database,
    email: &Email,
    role: RoleId,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let user = db
        .user_by_email(email)
        .await?
        .with_context(|| format!("there is no person {email}"))?;
    let (facility, role) = db
        .role(role)
        .await?
        .with_context(|| format!("there is no role {role}"))?;
    // The bootstrap CLI acts for the operator, who may assign anything a person may hold.
    gatehouse_core::access::may_hold(facility, &role, &user.member())
        .with_context(|| format!("role {} cannot go to {email}", role.id))?;
    db.assign_role(user.id, role.id, None, now).await?;
    Ok(())
}

async fn find_facility(db: &Database, name: &str) -> anyhow::Result<Facility> {
    db.facility_by_name(name)
        .await?
        .with_context(|| format!("there is no facility named {name:?}"))
}

async fn find_occupancy(
    db: &Database,
    facility: &Facility,
    name: &str,
) -> anyhow::Result<gatehouse_core::OccupancyId> {
    db.occupancies(facility.id)
        .await?
        .into_iter()
        .find(|o| o.name == name)
        .map(|o| o.id)
        .with_context(|| format!("there is no occupancy {name:?} in {}", facility.name))
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

async fn shutdown_signal() {
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
