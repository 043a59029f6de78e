//! What staff see in the corner of every screen: the kiosk's version and whether the cloud is
//! reachable.

use std::{
    sync::{Once, OnceLock},
    time::Instant,
};

use gatehouse_kiosk::{Kiosk, kiosk::KioskStatus};
use tauri::State;

use crate::CommandError;

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
    Ok(kiosk.status().await?)
}

/// Staff enroll this kiosk with a code from the portal's Kiosks page; answers the kiosk's name.
#[tauri::command]
pub async fn enroll(kiosk: State<'_, Kiosk>, code: String) -> Result<String, CommandError> {
    Ok(kiosk.enroll(&code).await?)
}
