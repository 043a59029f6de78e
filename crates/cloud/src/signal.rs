//! Telling kiosks the moment their facility's invitations change, so an approval made in the
//! portal reaches the lobby within a second or two instead of at the next poll.
//!
//! On PostgreSQL a trigger sends `NOTIFY gatehouse_invitation_changes '<facility>'` when a write
//! commits, and every cloud process LISTENs: a kiosk connected to any of them hears of a change
//! made through any other. SQLite serves one process; it watches its change counter.

use std::time::Duration;

use gatehouse_core::FacilityId;
use tokio::sync::broadcast;

use crate::Database;

const CHANNEL: &str = "gatehouse_invitation_changes";
/// How often a SQLite cloud looks at its change counter.
const SQLITE_LOOK_EVERY: Duration = Duration::from_millis(200);

/// Which facility changed; `None` when the database cannot say (SQLite): every kiosk looks.
pub type Changed = Option<FacilityId>;

#[derive(Debug, Clone)]
pub struct ChangeSignal {
    sender: broadcast::Sender<Changed>,
}

impl Default for ChangeSignal {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(256).0,
        }
    }
}

impl ChangeSignal {
    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.sender.subscribe()
    }

    /// Watches `database` for changes until the returned task is aborted.
    pub fn watch(&self, database: Database) -> tokio::task::JoinHandle<()> {
        let sender = self.sender.clone();
        tokio::spawn(async move {
            loop {
                let stopped = match &database {
                    Database::Postgres(pool) => listen(pool, &sender).await,
                    Database::Sqlite(pool) => look(pool, &sender).await,
                };
                if let Err(error) = stopped {
                    tracing::warn!(%error, "lost the change signal; starting it again");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    }
}

async fn listen(
    pool: &sqlx::PgPool,
    sender: &broadcast::Sender<Changed>,
) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Whatever changed while nobody listened: everyone looks once.
    let _ = sender.send(None);
    loop {
        let notification = listener.recv().await?;
        let facility = notification
            .payload()
            .parse::<uuid::Uuid>()
            .ok()
            .map(FacilityId::from);
        let _ = sender.send(facility);
    }
}

async fn look(
    pool: &sqlx::SqlitePool,
    sender: &broadcast::Sender<Changed>,
) -> Result<(), sqlx::Error> {
    let mut seen: Option<i64> = None;
    loop {
        let newest: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(changed_in), 0) FROM invitations")
                .fetch_one(pool)
                .await?;
        if seen.is_some_and(|seen| seen != newest) {
            let _ = sender.send(None);
        }
        seen = Some(newest);
        tokio::time::sleep(SQLITE_LOOK_EVERY).await;
    }
}
