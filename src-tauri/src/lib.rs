//! The Gatehouse reception kiosk: the Tauri shell around the web front end in `ui/`.
//!
//! This crate stays thin: one module of commands per screen area, each calling into
//! `gatehouse-core` and `gatehouse-devices`. Errors cross to the front end as `{code, message}`.

pub mod cloud;
mod commands;
mod config;
mod error;
mod navigation;
pub mod store;
pub mod sync;

pub use config::KioskConfig;
pub use error::{CommandError, ErrorCode, KioskError};

use tracing_subscriber::EnvFilter;

/// Starts the kiosk window and blocks until it closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let config = match KioskConfig::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("gatehouse-kiosk: {error}");
            std::process::exit(2);
        }
    };
    tracing::info!(cloud = %config.cloud_url, "starting the Gatehouse kiosk");

    let result = tauri::Builder::default()
        .plugin(navigation::only_the_kiosk_itself())
        .manage(cloud::CloudClient::new(config.cloud_url))
        .invoke_handler(tauri::generate_handler![commands::status::kiosk_status])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        eprintln!("gatehouse-kiosk: the window could not be started: {error}");
        std::process::exit(1);
    }
}
