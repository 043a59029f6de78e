//! Idempotency keys: the first answer to a create sent with a key, kept for a day so that the
//! caller's retry gets it again instead of creating a second time.

use chrono::{DateTime, Utc};

use super::{StoreError, on_pool};
use crate::Database;

/// What is known of a caller's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// New: this request is the first with the key, and is now to be answered.
    First,
    /// The first request with the key is still being answered (or its process died doing so).
    Answering { since: DateTime<Utc> },
    /// Answered: the request it was used for, and its answer.
    Answered {
        fingerprint: String,
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
}

type KeyRow = (
    String,
    Option<i64>,
    Option<String>,
    Option<Vec<u8>>,
    DateTime<Utc>,
);

impl Database {
    /// Claims `key` of `scope` for the request `fingerprint`, or says what it was used for.
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim, StoreError> {
        let inserted = on_pool!(self, pool => sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        if inserted == 1 {
            return Ok(KeyClaim::First);
        }
        let row: Option<KeyRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT fingerprint, status, content_type, body, created_at FROM idempotency_keys \
             WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(pool)
        .await?);
        Ok(match row {
            // Forgotten between the two statements: the caller may simply try again.
            None => KeyClaim::Answering { since: now },
            Some((_, None, _, _, since) | (_, _, _, None, since)) => KeyClaim::Answering { since },
            Some((fingerprint, Some(status), content_type, Some(body), _)) => KeyClaim::Answered {
                fingerprint,
                status: u16::try_from(status)
                    .map_err(|_| StoreError::Corrupt(format!("idempotency key {key}: status")))?,
                content_type,
                body,
            },
        })
    }

    /// Keeps the answer to the first request with `key`.
    pub async fn answer_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5 \
             WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .bind(i64::from(status))
        .bind(content_type)
        .bind(body)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Lets `key` be used again: its request failed on the server's side, so nothing was done.
    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Forgets keys used before `before`.
    pub async fn forget_idempotency_keys(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(on_pool!(self, pool => sqlx::query(
            "DELETE FROM idempotency_keys WHERE created_at < $1",
        )
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected()))
    }
}
