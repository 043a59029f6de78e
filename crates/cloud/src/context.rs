//! [`Cloud`]: what every service of the cloud works with — its database, clock, caches, signing
//! key, writer and signals. It is not the HTTP state: the admin CLI and the demo use it as the
//! API does.

use std::sync::Arc;

use gatehouse_core::{FacilityId, KioskId};
use tokio::sync::Notify;

use crate::{
    Clock, Database,
    connectors::ConnectorCache,
    door_events::DoorEventWriter,
    error::ServiceError,
    keys::{KeySecret, Keyring},
    signal::ChangeSignal,
    site::{Site, SiteCache},
    store::{InvitationWriter, StoreError},
    sync::streams::OpenStreams,
    throttle::Throttle,
    walk_ins,
};

/// The cloud's context, shared by every request, job and command of one process.
#[derive(Debug)]
pub struct Cloud {
    pub database: Database,
    pub clock: Clock,
    /// Where people reach the portal; links in emails start with it.
    pub public_url: String,
    /// The site's settings, kept for two seconds.
    pub sites: SiteCache,
    /// Writes new invitations and approval decisions, many requests' in one transaction.
    pub invitations: InvitationWriter,
    pub door_events: DoorEventWriter,
    /// Wakes the outbox worker when a change wrote messages.
    pub outbox: Arc<Notify>,
    /// Rings when a facility's invitations change (kiosks listening are told at once).
    pub changes: ChangeSignal,
    /// Walk-ins registered per kiosk lately: [`crate::walk_ins::MOST_PER_KIOSK`].
    pub walk_ins: Throttle<KioskId>,
    /// Failed sign-ins lately, and the password checks running now.
    pub sign_ins: SignInGuard,
    /// The change streams each kiosk holds open.
    pub streams: Arc<OpenStreams>,
    /// The keys that sign invitation codes and credentials.
    pub keys: Keyring,
    /// Each facility's access-control connector, read at most every two seconds.
    pub connectors: ConnectorCache,
}

/// What guards sign-in: failures per account and per client address, and how many password
/// checks may run at once ([`crate::sessions`]).
#[derive(Debug)]
pub struct SignInGuard {
    pub by_account: Throttle<String>,
    pub by_address: Throttle<std::net::IpAddr>,
    pub checks: tokio::sync::Semaphore,
}

impl Default for SignInGuard {
    fn default() -> Self {
        use crate::sessions::{
            FAILURES_COUNT_FOR, MOST_FAILURES_PER_ACCOUNT, MOST_FAILURES_PER_ADDRESS,
            MOST_PASSWORD_CHECKS,
        };
        Self {
            by_account: Throttle::new(MOST_FAILURES_PER_ACCOUNT, FAILURES_COUNT_FOR),
            by_address: Throttle::new(MOST_FAILURES_PER_ADDRESS, FAILURES_COUNT_FOR),
            checks: tokio::sync::Semaphore::new(MOST_PASSWORD_CHECKS),
        }
    }
}

/// The newest signing key and its id.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: u32,
    pub key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.kid)
    }
}

impl Cloud {
    /// A context over `database`, its signing keys sealed under `key_secret`; starts the
    /// invitation writer's tasks.
    pub fn new(
        database: Database,
        clock: Clock,
        public_url: String,
        key_secret: KeySecret,
    ) -> Self {
        let invitations = InvitationWriter::start(&database);
        Self {
            door_events: DoorEventWriter::start(&database, &invitations),
            invitations,
            database,
            clock,
            public_url,
            sites: SiteCache::default(),
            outbox: Arc::new(Notify::new()),
            changes: ChangeSignal::default(),
            walk_ins: Throttle::new(walk_ins::MOST_PER_KIOSK, walk_ins::COUNTED_OVER),
            sign_ins: SignInGuard::default(),
            streams: Arc::default(),
            keys: Keyring::new(key_secret),
            connectors: ConnectorCache::default(),
        }
    }

    /// The settings of `facility`'s site.
    pub async fn site(&self, facility: FacilityId) -> Result<Arc<Site>, ServiceError> {
        self.sites
            .get(&self.database, facility)
            .await?
            .ok_or_else(|| ServiceError::Corrupt(format!("facility {facility} is not stored")))
    }

    /// The key that signs invitation codes and credentials now.
    pub async fn signing_key(&self) -> Result<SigningKey, StoreError> {
        self.keys.signing_key(&self.database).await
    }
}
