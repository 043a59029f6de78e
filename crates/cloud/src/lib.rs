//! The Gatehouse cloud: the server that owns invitations, the approval workflow, roles and
//! permissions, notifications and the link to the building's access-control system.
//!
//! Layers, each using only those below it: `http` (transport) → the services (`invitations`,
//! `sync`, `walk_ins`, `lobby`, `people`, `settings`, `sessions`), which take the [`Cloud`]
//! context and return a [`ServiceError`] → `store`, `notify` and `gatehouse_core`'s rules.
//! The binary (`gatehouse-cloud`) is a thin CLI over the same services; integration tests start
//! the same [`serve`] on a random port against a fresh database.

pub mod auth;
pub mod caller;
pub mod connectors;
pub mod context;
pub mod credentials;
pub mod csv_import;
pub mod database;
pub mod demo;
pub mod door_events;
pub mod error;
pub mod http;
pub mod invitations;
pub mod keys;
pub mod kiosk_staff;
pub mod lobby;
pub mod muster;
pub mod notify;
pub mod people;
pub mod pre_registration;
pub mod scim;
pub mod sessions;
pub mod settings;
pub mod signal;
pub mod site;
pub mod store;
pub mod sync;
pub mod throttle;
pub mod timeline;
pub mod utilisation;
pub mod visits;
pub mod walk_ins;
pub mod watchlist;
pub mod zones;

pub use caller::Caller;
pub use context::Cloud;
pub use database::{Database, DatabaseError, DatabaseUrl};
pub use error::ServiceError;
pub use gatehouse_core::Clock;

use std::sync::Arc;

use tokio::net::TcpListener;

/// How the cloud runs, beyond its database.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach this cloud (links in emails), e.g. `https://gatehouse.example.com`.
    pub public_url: String,
    pub mail: notify::MailSettings,
    /// The built web front end (`ui/dist`), whose portal the cloud serves at `/portal`.
    pub ui_dir: std::path::PathBuf,
    /// What the signing keys are sealed under in the database.
    pub key_secret: keys::KeySecret,
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
    if !settings.ui_dir.join("portal.html").is_file() {
        tracing::warn!(
            ui_dir = %settings.ui_dir.display(),
            "the portal is not built there; /portal answers 404 until `npm run build` in ui/"
        );
    }
    let cloud = Arc::new(Cloud::new(
        database.clone(),
        clock.clone(),
        settings.public_url,
        settings.key_secret,
    ));

    let worker = tokio::spawn(notify::worker::run(
        database.clone(),
        cloud.invitations.clone(),
        mailer,
        clock,
        cloud.outbox.clone(),
    ));
    let signal = cloud.changes.watch(database);
    let closing = tokio::spawn(visits::keep_closing(cloud.clone()));
    let provisioning = tokio::spawn(connectors::provisioning::keep_provisioning(cloud.clone()));
    let state = http::AppState::new(cloud);
    // Told to stop, the server finishes the requests under way — but no longer than
    // SHUTDOWN_GRACE: kiosks' change streams never end by themselves.
    http::server::run(
        listener,
        http::router(state, &settings.ui_dir),
        shutdown,
        SHUTDOWN_GRACE,
    )
    .await;
    worker.abort();
    signal.abort();
    closing.abort();
    provisioning.abort();
    tracing::info!("gatehouse cloud stopped");
    Ok(())
}

/// How long a stopping cloud waits for open connections (kiosks' change streams among them).
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);
