//! The running kiosk: its settings, store and cloud client, and the sync loop that keeps the
//! store current in the background while visitors use the screen.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use gatehouse_core::{
    Clock,
    wire::{HealthStatus, KioskIdentity},
};
use serde::Serialize;
use tokio::sync::Notify;

use crate::{
    KioskConfig, KioskError, cloud::CloudClient, possession::Possession, store::LocalStore, sync,
};

/// How often the kiosk syncs without being told to: the cloud's change events (below) bring
/// approvals within a second; this catches anything they miss.
const SYNC_EVERY: Duration = Duration::from_secs(5);
/// Longest wait before listening to the cloud's change events again after losing them.
const LISTEN_AGAIN_AT_MOST: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Kiosk {
    pub config: KioskConfig,
    pub store: LocalStore,
    pub cloud: CloudClient,
    /// What time it is for every rule the kiosk applies; tests hold it still.
    pub clock: Clock,
    /// The invitation the visitor at the screen has shown is theirs.
    pub possession: Arc<Possession>,
    /// Who of staff is signed in, if anyone.
    pub(crate) desk: Arc<crate::staff::Desk>,
    sync: Arc<Mutex<SyncStatus>>,
    nudge: Arc<Notify>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KioskStatus {
    pub version: &'static str,
    pub cloud: CloudConnection,
    pub sync: SyncStatus,
    /// Not enrolled, and no code to enroll with (or the one given failed): staff must enter one.
    pub setup_needed: bool,
    /// How long a visitor screen waits for a touch before it wipes itself.
    pub idle_seconds: u64,
    /// The facility manager revoked this kiosk: the screen stays locked.
    pub revoked: bool,
    /// The facility's IANA time zone, in which staff screens show times.
    pub time_zone: String,
    /// A badge printer is configured (`GATEHOUSE_PRINTER`); without one, badges go to reception.
    pub printer: bool,
    /// The language each visitor starts in.
    pub language: gatehouse_core::Language,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CloudConnection {
    Online { version: String },
    Degraded,
    Offline,
}

/// What staff see of the sync: when it last worked, what waits to be sent, the last problem.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub waiting: i64,
    pub problem: Option<String>,
}

impl Kiosk {
    /// Opens the kiosk on the system clock.
    pub async fn open(config: KioskConfig) -> Result<Self, KioskError> {
        Self::open_at(config, Clock::System).await
    }

    /// Opens the kiosk on `clock`.
    pub async fn open_at(config: KioskConfig, clock: Clock) -> Result<Self, KioskError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|error| KioskError::Config {
            setting: "GATEHOUSE_KIOSK_DATA",
            problem: format!("{} cannot be created: {error}", config.data_dir.display()),
        })?;
        let store = LocalStore::open(&config.data_dir.join("kiosk.db")).await?;
        let cloud = CloudClient::new(config.cloud_url.clone());
        Ok(Self {
            config,
            store,
            cloud,
            clock,
            possession: Arc::default(),
            desk: Arc::default(),
            sync: Arc::default(),
            nudge: Arc::default(),
        })
    }

    /// Who this kiosk is, and its facility's time zone; an error until it is enrolled.
    pub async fn identity(&self) -> Result<(KioskIdentity, Tz), KioskError> {
        let enrolled = self
            .store
            .enrollment()
            .await?
            .ok_or(KioskError::NotEnrolled)?;
        let zone = enrolled.identity.time_zone.parse().unwrap_or(Tz::UTC);
        Ok((enrolled.identity, zone))
    }

    /// The facility's time zone; UTC until the kiosk is enrolled.
    pub async fn time_zone(&self) -> Result<Tz, KioskError> {
        Ok(self
            .store
            .enrollment()
            .await?
            .and_then(|enrolled| enrolled.identity.time_zone.parse().ok())
            .unwrap_or(Tz::UTC))
    }

    /// What staff see in the corner of every screen: the version, whether the cloud answers,
    /// the sync, and whether the kiosk must be set up.
    pub async fn status(&self) -> Result<KioskStatus, KioskError> {
        let cloud = match self.cloud.health().await {
            Ok(health) if health.status == HealthStatus::Ok => CloudConnection::Online {
                version: health.version,
            },
            Ok(_) => CloudConnection::Degraded,
            Err(KioskError::CloudUnreachable(_)) => CloudConnection::Offline,
            Err(other) => return Err(other),
        };
        let settings = self.in_force().await?;
        Ok(KioskStatus {
            version: env!("CARGO_PKG_VERSION"),
            cloud,
            setup_needed: self.setup_needed().await?,
            sync: self.sync_status(),
            idle_seconds: settings.idle.as_secs(),
            revoked: self.store.revoked().await?,
            time_zone: self.time_zone().await?.name().to_owned(),
            printer: settings.printer.is_some(),
            language: settings.language,
        })
    }

    /// Whether staff must enroll this kiosk on its screen: it is not enrolled, and it has no
    /// code to enroll with, or the one it was given did not work.
    pub async fn setup_needed(&self) -> Result<bool, KioskError> {
        if self.store.enrollment().await?.is_some() {
            return Ok(false);
        }
        let status = self.sync_status();
        Ok(self.config.enrollment_code.is_none() || status.problem.is_some())
    }

    /// Enrolls this kiosk with a code staff typed on its screen; returns the kiosk's name.
    pub async fn enroll(&self, code: &str) -> Result<String, KioskError> {
        let code = code.trim();
        if code.is_empty() || code.len() > 40 {
            return Err(KioskError::Invalid(
                "an enrollment code looks like GK-XXXX-XXXX-XXXX".into(),
            ));
        }
        let identity = sync::enroll(&self.cloud, &self.store, code).await?;
        tracing::info!(kiosk = %identity.name, facility = %identity.facility_name, "enrolled on screen");
        self.sync_soon();
        Ok(identity.name)
    }

    pub fn sync_status(&self) -> SyncStatus {
        self.sync.lock().expect("sync status lock").clone()
    }

    /// Something waits to be sent: sync now rather than at the next tick.
    pub fn sync_soon(&self) {
        self.nudge.notify_one();
    }

    /// Listens to the cloud's change events forever, syncing at once on each; reconnects after
    /// a lost connection, waiting longer each time up to half a minute.
    pub async fn listen_for_changes(self) {
        let mut wait = Duration::from_secs(1);
        loop {
            if let Ok(token) = self.store.device_token().await
                && let Ok(mut events) = self.cloud.change_events(&token).await
            {
                wait = Duration::from_secs(1);
                // A change may have come while nobody listened.
                self.sync_soon();
                let mut stream = ChangeStream::default();
                while let Ok(Some(chunk)) = events.chunk().await {
                    if stream.feed(&chunk) {
                        self.sync_soon();
                    }
                }
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(LISTEN_AGAIN_AT_MOST);
        }
    }

    /// Syncs forever: enrolls once (with the configured code), then pulls and pushes every
    /// second or when nudged. Failures are recorded for staff and tried again.
    pub async fn keep_in_sync(self) {
        loop {
            let outcome = self.sync_once().await;
            let waiting = self.store.backlog().await.unwrap_or(-1);
            {
                let mut status = self.sync.lock().expect("sync status lock");
                status.waiting = waiting;
                match outcome {
                    Ok(enrolled) => {
                        status.enrolled = enrolled;
                        if enrolled {
                            status.last_synced_at = Some(self.clock.now());
                        }
                        if status.problem.take().is_some() {
                            tracing::info!("in sync with the cloud again");
                        }
                    }
                    Err(error) => {
                        // Said once when it starts, not at every try for as long as it lasts.
                        let problem = error.to_string();
                        if status.problem.as_ref() != Some(&problem) {
                            tracing::warn!(%problem, "sync failed; trying again every few seconds");
                        }
                        status.problem = Some(problem);
                    }
                }
            }
            tokio::select! {
                () = tokio::time::sleep(SYNC_EVERY) => {}
                () = self.nudge.notified() => {}
            }
        }
    }

    /// One round of the sync; `Ok(false)` while the kiosk is not enrolled and has no code to
    /// enroll with, or was revoked. A device token the cloud refuses (revoked in the portal)
    /// locks the kiosk and wipes its copy of the invitations.
    pub async fn sync_once(&self) -> Result<bool, KioskError> {
        if self.store.revoked().await? {
            return Ok(false);
        }
        match self.sync_round().await {
            Err(KioskError::CloudRefused { status: 401, .. })
                if self.store.enrollment().await?.is_some() =>
            {
                tracing::warn!("the cloud refused this kiosk's token: locked, and its copy wiped");
                self.store.lock_as_revoked(self.clock.now()).await?;
                self.possession.forget();
                Ok(false)
            }
            outcome => outcome,
        }
    }

    async fn sync_round(&self) -> Result<bool, KioskError> {
        if self.store.enrollment().await?.is_none() {
            let Some(code) = &self.config.enrollment_code else {
                return Ok(false);
            };
            let identity = sync::enroll(&self.cloud, &self.store, code).await?;
            tracing::info!(kiosk = %identity.name, facility = %identity.facility_name, "enrolled");
        }
        // Each part on its own: a failing pull does not keep reports or documents from going.
        let pulled = sync::pull(&self.cloud, &self.store).await;
        let doors = sync::pull_doors(&self.cloud, &self.store, self.clock.now()).await;
        // Only the days it needs: a visit that ended more than a day ago is forgotten.
        self.store
            .forget_ended(self.clock.now() - chrono::TimeDelta::days(1))
            .await?;
        let pushed = sync::push(&self.cloud, &self.store, self.clock.now()).await;
        let token = self.store.device_token().await?;
        let staff = crate::staff::pull_staff(&self.cloud, &self.store, &token).await;
        let history = crate::staff::push_history(&self.cloud, &self.store, &token).await;
        let sent = sync::send_documents(
            &self.cloud,
            &self.store,
            &self.config.data_dir.join("visits"),
            self.config.keep_documents,
        )
        .await;
        pulled?;
        doors?;
        pushed?;
        staff?;
        history?;
        sent?;
        Ok(true)
    }
}

/// The cloud's server-sent events as they arrive in chunks, which may split an event anywhere:
/// an event counts once its blank line has come.
#[derive(Debug, Default)]
struct ChangeStream {
    pending: String,
}

impl ChangeStream {
    /// Takes the next chunk; whether a `changed` event was completed by it.
    fn feed(&mut self, chunk: &[u8]) -> bool {
        self.pending
            .push_str(&String::from_utf8_lossy(chunk).replace("\r\n", "\n"));
        let mut changed = false;
        while let Some(end) = self.pending.find("\n\n") {
            let event: String = self.pending.drain(..end + 2).collect();
            changed |= event
                .lines()
                .any(|line| line.trim_end() == "event: changed");
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::ChangeStream;

    #[test]
    fn a_change_event_split_across_chunks_is_heard_once_whole() {
        let mut stream = ChangeStream::default();
        assert!(!stream.feed(b"event: cha"));
        assert!(!stream.feed(b"nged\ndata: {}\n"));
        assert!(stream.feed(b"\n"));
        assert!(!stream.feed(b""), "heard once");
    }

    #[test]
    fn keep_alive_comments_are_not_changes_and_crlf_lines_are_read() {
        let mut stream = ChangeStream::default();
        assert!(!stream.feed(b":\n\n"));
        assert!(stream.feed(b"event: changed\r\ndata: {}\r\n\r\n"));
        assert!(stream.feed(b":\n\nevent: changed\ndata: {}\n\nevent: chan"));
        assert!(!stream.feed(b"ge"));
    }
}
