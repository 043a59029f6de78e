//! The Gatehouse cloud: the server that owns invitations, the approval workflow, roles and
//! permissions, notifications and the link to the building's access-control system.
//!
//! The binary (`gatehouse-cloud`) is a thin CLI over this library; integration tests start the
//! same [`serve`] on a random port against a fresh database.

pub mod auth;
mod clock;
pub mod database;
pub mod demo;
pub mod http;
pub mod invitations;
pub mod kiosks;
pub mod notify;
pub mod signal;
pub mod site;
pub mod store;

pub use clock::Clock;
pub use database::{Database, DatabaseError, DatabaseUrl};

use std::sync::Arc;

use tokio::{net::TcpListener, sync::Notify};

/// How the cloud runs, beyond its database.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach this cloud (links in emails), e.g. `https://gatehouse.example.com`.
    pub public_url: String,
    pub mail: notify::MailSettings,
    /// The built web front end (`ui/dist`), whose portal the cloud serves at `/portal`.
    pub ui_dir: std::path::PathBuf,
}

/// Serves the HTTP API on `listener`, and sends the outbox in the background, until `shutdown`
/// resolves.
pub async fn serve(
    listener: TcpListener,
    database: Database,
    settings: Settings,
    clock: Clock,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mailer = notify::Mailer::new(&settings.mail)?;
    let outbox = Arc::new(Notify::new());
    if !settings.ui_dir.join("portal.html").is_file() {
        tracing::warn!(
            ui_dir = %settings.ui_dir.display(),
            "the portal is not built there; /portal answers 404 until `npm run build` in ui/"
        );
    }
    let state = http::AppState::new(
        database.clone(),
        clock.clone(),
        settings.public_url,
        outbox.clone(),
    );
    let worker = tokio::spawn(notify::worker::run(
        database.clone(),
        state.invitations.clone(),
        mailer,
        clock,
        outbox,
    ));
    let signal = state.changes.watch(database);
    let served = axum::serve(listener, http::router(state, &settings.ui_dir))
        .with_graceful_shutdown(shutdown)
        .await;
    worker.abort();
    signal.abort();
    Ok(served?)
}
