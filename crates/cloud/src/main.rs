//! `gatehouse-cloud`: serve the API, migrate the database, seed demo data.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use gatehouse_cloud::{Database, DatabaseUrl, demo};
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

impl DatabaseArg {
    async fn open(&self) -> anyhow::Result<Database> {
        let database = Database::connect(&self.url).await?;
        database.migrate().await?;
        Ok(database)
    }
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
        Command::Serve { bind, database } => {
            let db = database.open().await?;
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            tracing::info!(%bind, database = %database.url, "gatehouse cloud listening");
            gatehouse_cloud::serve(listener, db.clone(), shutdown_signal()).await?;
            db.close().await;
            tracing::info!("gatehouse cloud stopped");
        }
        Command::Migrate { database } => {
            database.open().await?.close().await;
            tracing::info!(database = %database.url, "database is up to date");
        }
        Command::Demo { database, data } => {
            let json = std::fs::read_to_string(&data)
                .with_context(|| format!("cannot read demo data {}", data.display()))?;
            let demo_data = demo::DemoData::parse(&json)?;
            let db = database.open().await?;
            let summary = demo::seed(&db, &demo_data, chrono::Local::now().date_naive()).await?;
            db.close().await;
            tracing::info!(?summary, database = %database.url, "demo data in place");
        }
    }
    Ok(())
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
