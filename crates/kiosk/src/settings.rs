//! The kiosk's settings as an admin changes them on its screen, over what it was started with
//! (`KioskConfig`): the language each visitor starts in, how long a visitor's and a staff
//! screen wait for a touch, and the badge printer; and unenrolling the kiosk.

use std::time::Duration;

use gatehouse_core::{Language, staff::StaffEvent};
use gatehouse_devices::print::Cups;
use serde::{Deserialize, Serialize};

use crate::{KioskError, kiosk::Kiosk, store::LocalStore};

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
        let now = self.in_force().await?;
        Ok(Settings {
            language: now.language,
            idle_seconds: now.idle.as_secs(),
            staff_idle_seconds: now.staff_idle.as_secs(),
            printer: now.printer,
            printers,
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
