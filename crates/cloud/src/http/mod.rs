//! The cloud's HTTP surface: `/health`, and the JSON API under `/api/v1` described by the
//! OpenAPI document at `/api/v1/openapi.json`.

mod error;
mod health;
mod openapi;

pub use error::ApiError;
pub use openapi::ApiDoc;

use axum::{Router, routing::get};
use tower_http::trace::TraceLayer;

use crate::Database;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub database: Database,
}

pub fn router(database: Database) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/api/v1/openapi.json", get(openapi::openapi_json))
        .fallback(error::no_route)
        .layer(TraceLayer::new_for_http())
        .with_state(AppState { database })
}
