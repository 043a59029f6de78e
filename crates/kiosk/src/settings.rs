//! The kiosk's settings as an admin changes them on its screen, over what it was started with
//! (`KioskConfig`): the language each visitor starts in, how long a visitor's and a staff
//! screen wait for a touch, the badge printer and the badges' media, the cameras that scan
//! codes and take photos; and unenrolling the kiosk.

use std::time::Duration;

use gatehouse_core::{Language, staff::StaffEvent};
use gatehouse_devices::{camera, print::Cups};
use gatehouse_paper::badge::Layout;
use serde::{Deserialize, Serialize};

use crate::{KioskError, config::Source, kiosk::Kiosk, store::LocalStore};

/// What an admin may change; `None` keeps the kiosk's configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    pub language: Option<Language>,
    pub idle_seconds: Option<u64>,
    pub staff_idle_seconds: Option<u64>,
    /// A CUPS queue of this kiosk's print server; `Some("")` prints no badges (they go to
    /// reception).
    pub printer: Option<String>,
    /// The badges' media: which layout is printed, on which size.
    pub badge_layout: Option<Layout>,
    /// The camera that reads codes, by its id in the machine's list of cameras.
    pub camera: Option<String>,
    /// The camera that takes visitors' photos, likewise.
    pub photo_camera: Option<String>,
}

/// The settings in force, and the printers the admin may choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub language: Language,
    pub idle_seconds: u64,
    pub staff_idle_seconds: u64,
    pub printer: Option<String>,
    /// The print server's queues (empty when it cannot be reached).
    pub printers: Vec<String>,
    pub badge_layout: Layout,
    pub layouts: Vec<Layout>,
    /// The cameras in force: a camera's id, or `file:PATH` for pictures standing in for one.
    pub camera: String,
    pub photo_camera: String,
    /// The cameras connected to the kiosk.
    pub cameras: Vec<CameraChoice>,
}

/// A camera an admin may choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CameraChoice {
    pub id: String,
    pub name: String,
}

const TIMEOUTS: std::ops::RangeInclusive<u64> = 5..=3600;

/// The settings in force: an admin's changes over the kiosk's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    /// The language each visitor starts in.
    pub language: Language,
    /// How long a visitor's screen waits for a touch.
    pub idle: Duration,
    /// How long a staff session waits for a touch.
    pub staff_idle: Duration,
    /// The badge printer's queue, if badges print here.
    pub printer: Option<String>,
    pub badge_layout: Layout,
    /// The camera that reads codes.
    pub camera: Source,
    /// The camera that takes visitors' photos.
    pub photo_camera: Source,
}

impl Kiosk {
    /// The settings in force, read once.
    pub async fn in_force(&self) -> Result<InForce, KioskError> {
        let change = self.store.settings().await?;
        Ok(InForce {
            language: change.language.unwrap_or_default(),
            idle: change
                .idle_seconds
                .map_or(self.config.idle, Duration::from_secs),
            staff_idle: change
                .staff_idle_seconds
                .map_or(self.config.staff_idle, Duration::from_secs),
            printer: match change.printer {
                Some(chosen) if chosen.is_empty() => None,
                Some(chosen) => Some(chosen),
                None => self.config.printer.clone(),
            },
            badge_layout: change.badge_layout.unwrap_or(self.config.badge_layout),
            camera: change
                .camera
                .map_or_else(|| self.config.camera.clone(), Source::Device),
            photo_camera: change
                .photo_camera
                .map_or_else(|| self.config.photo_camera.clone(), Source::Device),
        })
    }

    /// The settings for the admin's screen.
    pub async fn settings(&self) -> Result<Settings, KioskError> {
        self.approver(false).await?;
        let printers = tokio::task::spawn_blocking(|| Cups::from_env().printers())
            .await
            .map_err(|error| KioskError::Device(error.to_string()))?
            .map(|printers| printers.into_iter().map(|printer| printer.name).collect())
            .unwrap_or_default();
        let cameras = cameras().await?;
        let now = self.in_force().await?;
        Ok(Settings {
            language: now.language,
            idle_seconds: now.idle.as_secs(),
            staff_idle_seconds: now.staff_idle.as_secs(),
            printer: now.printer,
            printers,
            badge_layout: now.badge_layout,
            layouts: Layout::ALL.to_vec(),
            camera: now.camera.to_string(),
            photo_camera: now.photo_camera.to_string(),
            cameras,
        })
    }

    /// An admin changes the kiosk's settings; a bad value changes nothing.
    pub async fn change_settings(&self, change: SettingsChange) -> Result<Settings, KioskError> {
        let (person, _) = self.approver(true).await?;
        for (what, seconds) in [
            ("a visitor screen's timeout", change.idle_seconds),
            ("a staff session's timeout", change.staff_idle_seconds),
        ] {
            if seconds.is_some_and(|seconds| !TIMEOUTS.contains(&seconds)) {
                return Err(KioskError::Invalid(format!("{what} is 5 to 3600 seconds")));
            }
        }
        if let Some(printer) = change.printer.clone().filter(|name| !name.is_empty()) {
            tokio::task::spawn_blocking(move || Cups::from_env().printer(&printer))
                .await
                .map_err(|error| KioskError::Device(error.to_string()))?
                .map_err(|error| KioskError::Invalid(error.to_string()))?;
        }
        let wanted = [change.camera.as_deref(), change.photo_camera.as_deref()];
        if wanted.iter().any(Option::is_some) {
            let connected = cameras().await?;
            for id in wanted.into_iter().flatten() {
                connected_camera(&connected, id)?;
            }
        }
        self.store.save_settings(&change).await?;
        self.staff_did(&person, StaffEvent::ChangedSettings, None)
            .await?;
        self.settings().await
    }

    /// An admin unenrolls this kiosk: its device token, its copy of the invitations, its
    /// directory, PINs and settings are deleted here and it shows the set-up screen; the cloud
    /// still lists it until the facility manager revokes it there.
    pub async fn unenroll(&self) -> Result<(), KioskError> {
        let (person, _) = self.approver(true).await?;
        self.staff_did(&person, StaffEvent::Unenrolled, None)
            .await?;
        // What happened here reaches the cloud first, while the kiosk still may send it; nothing
        // waiting is thrown away.
        let _ = self.sync_once().await;
        let waiting =
            self.store.backlog().await? > 0 || !self.store.staff_history_due(1).await?.is_empty();
        if waiting {
            return Err(KioskError::Invalid(
                "what happened at this kiosk has not all reached the cloud yet; unenroll once it has".into(),
            ));
        }
        self.staff_lock().await?;
        self.possession.forget();
        self.store.unenroll().await?;
        tracing::warn!(by = %person.name, "unenrolled on screen");
        Ok(())
    }
}

/// The cameras connected to this machine (none where it has no video devices).
async fn cameras() -> Result<Vec<CameraChoice>, KioskError> {
    let listed = tokio::task::spawn_blocking(camera::list_cameras)
        .await
        .map_err(|error| KioskError::Device(error.to_string()))?;
    Ok(listed
        .unwrap_or_default()
        .into_iter()
        .map(|camera| CameraChoice {
            id: camera.id,
            name: camera.name,
        })
        .collect())
}

/// `id` if it names a connected camera; an admin picks from the list, never types a path.
fn connected_camera<'a>(
    connected: &'a [CameraChoice],
    id: &str,
) -> Result<&'a CameraChoice, KioskError> {
    connected
        .iter()
        .find(|camera| camera.id == id)
        .ok_or_else(|| KioskError::Invalid(format!("no camera “{id}” is connected to this kiosk")))
}

impl LocalStore {
    pub async fn settings(&self) -> Result<SettingsChange, KioskError> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM settings WHERE only = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(body
            .map(|body| serde_json::from_str(&body))
            .transpose()?
            .unwrap_or_default())
    }

    pub async fn save_settings(&self, change: &SettingsChange) -> Result<(), KioskError> {
        sqlx::query(
            "INSERT INTO settings (only, body) VALUES (1, $1) \
             ON CONFLICT (only) DO UPDATE SET body = excluded.body",
        )
        .bind(serde_json::to_string(change)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_connected_camera_can_be_chosen() {
        let connected = [CameraChoice {
            id: "0".into(),
            name: "Logitech C920".into(),
        }];
        assert_eq!(
            connected_camera(&connected, "0").unwrap().name,
            "Logitech C920"
        );
        for wrong in ["1", "file:/etc/passwd", "/dev/video0", ""] {
            let error = connected_camera(&connected, wrong).unwrap_err().to_string();
            assert!(
                error.contains("is connected to this kiosk"),
                "{wrong}: {error}"
            );
        }
    }

    #[test]
    fn media_and_cameras_are_remembered_by_name() {
        let change = SettingsChange {
            badge_layout: Some(Layout::Dymo30857),
            camera: Some("0".into()),
            ..SettingsChange::default()
        };
        let json = serde_json::to_string(&change).unwrap();
        assert!(json.contains(r#""badge_layout":"dymo30857""#), "{json}");
        assert_eq!(
            serde_json::from_str::<SettingsChange>(&json).unwrap(),
            change
        );
        assert!(serde_json::from_str::<SettingsChange>(r#"{"badge_layout":"a4"}"#).is_err());
    }
}
