//! Every query the cloud runs, written once as SQL both SQLite and PostgreSQL accept, and run on
//! whichever the cloud was started with. Rows are checked into domain types on the way out.

pub(crate) mod audit;
mod changes;
pub(crate) mod connectors;
pub(crate) mod credentials;
mod documents;
mod door_events;
mod facilities;
mod idempotency;
mod invitations;
mod keys;
mod kiosks;
mod lobby;
mod nda;
mod outbox;
mod people;
mod pre_registration;
mod staff;
mod utilisation;
mod watchlist;
mod writer;
mod zones;

pub use audit::{AuditEntry, Break, ChainReport};
pub use changes::{ChangeCursor, ChangePage};
pub use connectors::{AccessGrant, StoredConnector};
pub use credentials::{
    CredentialRecord, CredentialState, DoorPassEmail, NewCredential, WINDOW_ENDED,
};
pub use documents::Stored;
pub use door_events::{Direction, DoorScan, Inside, NewDoorEvent};
pub use facilities::{Facility, Occupancy, Organisation};
pub use idempotency::KeyClaim;
pub use invitations::{
    Change, HistoryEntry, InvitationFilter, InvitationRecord, InvitationWrite, NewHold,
    bulk_invitations,
};
pub use kiosks::{Kiosk, KioskInfo, NewKioskCode};
pub use lobby::{BADGE_NOT_PRINTED, Flagged};
pub use outbox::{Claimed, Family, OutboxItem};
pub use people::{NewUser, StoredApiToken, StoredSession, User};
pub use staff::StaffHistoryLine;
pub use watchlist::{
    EntrySource, NewEntry, SCIM_REASON, ScimUser, ScimWrite, ScreeningHold, WatchlistEntry,
};
pub use writer::InvitationWriter;
pub use zones::ZoneMapVersion;

/// Runs `$body` with `$pool` bound to the database's pool, whichever kind it is. The body is
/// compiled once per database, so the same SQL text serves both.
macro_rules! on_pool {
    ($database:expr, $pool:ident => $body:expr) => {
        match $database {
            $crate::Database::Sqlite($pool) => $body,
            $crate::Database::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} already exists")]
    Duplicate(&'static str),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("the invitation writer has stopped")]
    Stopped,
    #[error("too many writes are waiting; try again in a moment")]
    Busy,
}

impl StoreError {
    /// Maps a unique-constraint violation to `Duplicate(what)`.
    pub(crate) fn unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Duplicate(what),
            _ => Self::Database(error),
        }
    }
}
