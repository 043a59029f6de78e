//! What staff see in the corner of every screen: the kiosk's version and whether the cloud is
//! reachable.

use gatehouse_core::wire::HealthStatus;
use serde::Serialize;
use tauri::State;

use crate::{CommandError, KioskError, cloud::CloudClient};

#[derive(Debug, Clone, Serialize)]
pub struct KioskStatus {
    pub version: &'static str,
    pub cloud: CloudConnection,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CloudConnection {
    Online { version: String },
    Degraded,
    Offline,
}

#[tauri::command]
pub async fn kiosk_status(cloud: State<'_, CloudClient>) -> Result<KioskStatus, CommandError> {
    let cloud = match cloud.health().await {
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
    })
}
