//! The Ed25519 keys that sign invitation codes. The first is made when the cloud first needs one.

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;

use super::{StoreError, on_pool};
use crate::Database;

impl Database {
    /// The newest signing key, made and stored on first use.
    pub async fn signing_key(&self, now: DateTime<Utc>) -> Result<(u32, SigningKey), StoreError> {
        if let Some(key) = self.newest_signing_key().await? {
            return Ok(key);
        }
        let key = SigningKey::generate(&mut rand_core::OsRng);
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO signing_keys (kid, secret, created_at) VALUES (1, $1, $2) ON CONFLICT (kid) DO NOTHING",
        )
        .bind(key.to_bytes().to_vec())
        .bind(now)
        .execute(pool)
        .await?.rows_affected());
        // Another process may have won the race: use whatever is stored now.
        self.newest_signing_key()
            .await?
            .ok_or_else(|| StoreError::Corrupt("signing key vanished".into()))
    }

    async fn newest_signing_key(&self) -> Result<Option<(u32, SigningKey)>, StoreError> {
        let row: Option<(i64, Vec<u8>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kid, secret FROM signing_keys ORDER BY kid DESC LIMIT 1",
        )
        .fetch_optional(pool)
        .await?);
        row.map(|(kid, secret)| {
            let secret: [u8; 32] = secret
                .try_into()
                .map_err(|_| StoreError::Corrupt("signing key length".into()))?;
            let kid =
                u32::try_from(kid).map_err(|_| StoreError::Corrupt("signing key id".into()))?;
            Ok((kid, SigningKey::from_bytes(&secret)))
        })
        .transpose()
    }
}
