//! `GET /health`: is this cloud process up, and can it reach its database?

use axum::{Json, extract::State, http::StatusCode};
use gatehouse_core::wire::{Health, HealthStatus};

use super::AppState;

/// Liveness and database reachability, for load balancers and the kiosk's status light.
#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    responses(
        (status = 200, description = "Up, and the database answers", body = Health),
        (status = 503, description = "Up, but the database does not answer", body = Health),
    )
)]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let (code, status) = match state.cloud.database.ping().await {
        Ok(()) => (StatusCode::OK, HealthStatus::Ok),
        Err(error) => {
            tracing::warn!(%error, "health check: database did not answer");
            (StatusCode::SERVICE_UNAVAILABLE, HealthStatus::Degraded)
        }
    };
    let health = Health {
        status,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: state.cloud.database.kind(),
    };
    (code, Json(health))
}
