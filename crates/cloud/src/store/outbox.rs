//! The outbox: messages written with the change that causes them, sent later by the worker, and
//! retried with backoff until they go.

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

/// A message waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub kind: String,
    pub payload: serde_json::Value,
}

impl OutboxItem {
    pub fn new(kind: &str, payload: &impl Serialize) -> Self {
        Self {
            kind: kind.to_owned(),
            payload: serde_json::to_value(payload).expect("outbox payloads serialize"),
        }
    }

    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(self.payload.clone())
    }
}

/// Writes the messages `$outbox` (an iterator of `&OutboxItem`), due at `$due`, inside the open
/// transaction, in one statement however many there are.
macro_rules! enqueue {
    ($tx:expr, $outbox:expr, $due:expr) => {{
        let mut items = $outbox.into_iter().peekable();
        if items.peek().is_some() {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO outbox (id, kind, payload, next_attempt_at, created_at) ",
            );
            insert.push_values(items, |mut row, item: &$crate::store::OutboxItem| {
                row.push_bind(::uuid::Uuid::now_v7())
                    .push_bind(item.kind.clone())
                    .push_bind(item.payload.to_string())
                    .push_bind($due)
                    .push_bind($due);
            });
            insert.build().execute(&mut *$tx).await?;
        }
    }};
}
pub(crate) use enqueue;

/// Which worker a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Emails, sent by the mail worker.
    Email,
    /// Provisioning and revoking access in the building's access-control system (`access.*`).
    Access,
}

/// A message claimed by one worker for one attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub item: OutboxItem,
    pub attempts: i64,
}

impl Database {
    /// Claims up to `limit` due messages of `family` for `lease`: other workers (other cloud
    /// processes) skip them until the lease runs out.
    pub async fn claim_outbox(
        &self,
        family: Family,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Claimed>, StoreError> {
        // One statement claims the batch. Under PostgreSQL's read committed, a second worker
        // racing for the same rows re-checks `next_attempt_at` after the first one's update and
        // skips them.
        let rows: Vec<(Uuid, String, String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "UPDATE outbox SET next_attempt_at = $1 \
             WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2 \
                            AND (kind LIKE 'access.%') = $4 \
                          ORDER BY next_attempt_at, id LIMIT $3) \
               AND sent_at IS NULL AND next_attempt_at <= $2 \
             RETURNING id, kind, payload, attempts",
        )
        .bind(lease_until)
        .bind(now)
        .bind(limit)
        .bind(family == Family::Access)
        .fetch_all(pool)
        .await?);
        let claimed = rows
            .into_iter()
            .map(|(id, kind, payload, attempts)| {
                let payload = serde_json::from_str(&payload)
                    .map_err(|e| StoreError::Corrupt(format!("outbox {id}: {e}")))?;
                Ok(Claimed {
                    id,
                    item: OutboxItem { kind, payload },
                    attempts,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(claimed)
    }

    /// Marks a message sent, the moment the mail server accepted it.
    pub async fn outbox_sent(&self, id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    pub async fn outbox_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    /// Every message ever written, sent or not (for tests).
    pub async fn outbox_ids(&self) -> Result<Vec<Uuid>, StoreError> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
            .fetch_all(pool)
            .await?),
        )
    }

    /// Messages not yet sent (for status and tests).
    pub async fn outbox_backlog(&self) -> Result<i64, StoreError> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(pool)
            .await?),
        )
    }
}
