//! What staff see in the corner of every screen: the kiosk's version and whether the cloud is
//! reachable.

use std::{
    sync::{Once, OnceLock},
    time::Instant,
};

use gatehouse_core::wire::HealthStatus;
use serde::Serialize;
use tauri::State;

use gatehouse_kiosk::{Kiosk, KioskError, kiosk::SyncStatus};

use crate::CommandError;

#[derive(Debug, Clone, Serialize)]
pub struct KioskStatus {
    pub version: &'static str,
    pub cloud: CloudConnection,
    pub sync: SyncStatus,
    /// Not enrolled, and no code to enroll with (or the one given failed): staff must enter one.
    pub setup_needed: bool,
    /// How long a visitor screen waits for a touch before it wipes itself.
    pub idle_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CloudConnection {
    Online { version: String },
    Degraded,
    Offline,
}

static STARTED: OnceLock<Instant> = OnceLock::new();
static FIRST_SCREEN: Once = Once::new();

/// Notes when the process started, to say how long the first screen took.
pub fn started() {
    STARTED.get_or_init(Instant::now);
}

#[tauri::command]
pub async fn kiosk_status(kiosk: State<'_, Kiosk>) -> Result<KioskStatus, CommandError> {
    // The welcome screen asks this as soon as it is on the screen: the kiosk is usable.
    FIRST_SCREEN.call_once(|| {
        let ms = STARTED
            .get()
            .map_or(0, |started| started.elapsed().as_millis());
        tracing::info!(ms, "the first screen is up");
    });
    let cloud = match kiosk.cloud.health().await {
        Ok(health) if health.status == HealthStatus::Ok => CloudConnection::Online {
            version: health.version,
        },
        Ok(_) => CloudConnection::Degraded,
        Err(KioskError::CloudUnreachable(_)) => CloudConnection::Offline,
        Err(other) => return Err(other.into()),
    };
    Ok(KioskStatus {
        version: env!("CARGO_PKG_VERSION"),
        cloud,
        setup_needed: kiosk.setup_needed().await?,
        sync: kiosk.sync_status(),
        idle_seconds: kiosk.config.idle.as_secs(),
    })
}

/// Staff enroll this kiosk with a code from the portal's Kiosks page; answers the kiosk's name.
#[tauri::command]
pub async fn enroll(kiosk: State<'_, Kiosk>, code: String) -> Result<String, CommandError> {
    Ok(kiosk.enroll(&code).await?)
}
