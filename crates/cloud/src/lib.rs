//! The Gatehouse cloud: the server that owns invitations, the approval workflow, roles and
//! permissions, notifications and the link to the building's access-control system.
//!
//! The binary (`gatehouse-cloud`) is a thin CLI over this library; integration tests start the
//! same [`serve`] on a random port against a fresh database.

pub mod database;
pub mod demo;
pub mod http;

pub use database::{Database, DatabaseError, DatabaseUrl};

use tokio::net::TcpListener;

/// Serves the HTTP API on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    database: Database,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, http::router(database))
        .with_graceful_shutdown(shutdown)
        .await
}
