//! The Ed25519 keys that sign invitation codes and door credentials, each stored sealed
//! ([`crate::keys::KeySecret`]) beside its public half. The first is made when the cloud first
//! needs one; ids count up from 1.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::{StoreError, on_pool};
use crate::{Database, keys::KeySecret};

fn kid_of(kid: i64) -> Result<u32, StoreError> {
    u32::try_from(kid).map_err(|_| StoreError::Corrupt("signing key id".into()))
}

impl Database {
    /// The newest signing key's id and sealed secret; one is made and stored on first use.
    pub(crate) async fn newest_signing_key(
        &self,
        secret: &KeySecret,
        now: DateTime<Utc>,
    ) -> Result<(u32, Vec<u8>), StoreError> {
        if let Some(key) = self.newest_sealed_key().await? {
            return Ok(key);
        }
        self.store_signing_key(1, secret, now).await?;
        // Another process may have won the race: use whatever is stored now.
        self.newest_sealed_key()
            .await?
            .ok_or_else(|| StoreError::Corrupt("signing key vanished".into()))
    }

    async fn newest_sealed_key(&self) -> Result<Option<(u32, Vec<u8>)>, StoreError> {
        let row: Option<(i64, Vec<u8>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kid, sealed FROM signing_keys ORDER BY kid DESC LIMIT 1",
        )
        .fetch_optional(pool)
        .await?);
        row.map(|(kid, sealed)| Ok((kid_of(kid)?, sealed)))
            .transpose()
    }

    /// Stores a new key as `kid`, unless one is there already; answers whether it was stored.
    async fn store_signing_key(
        &self,
        kid: u32,
        secret: &KeySecret,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let key = SigningKey::generate(&mut rand_core::OsRng);
        self.insert_signing_key(kid, &key, secret, now).await
    }

    async fn insert_signing_key(
        &self,
        kid: u32,
        key: &SigningKey,
        secret: &KeySecret,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let stored = on_pool!(self, pool => sqlx::query(
            "INSERT INTO signing_keys (kid, public_key, sealed, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (kid) DO NOTHING",
        )
        .bind(i64::from(kid))
        .bind(key.verifying_key().as_bytes().to_vec())
        .bind(secret.seal(kid, key))
        .bind(at)
        .execute(pool)
        .await?.rows_affected());
        Ok(stored == 1)
    }

    /// Makes the next key (the newest from now on); answers its id.
    pub(crate) async fn add_signing_key(
        &self,
        secret: &KeySecret,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        loop {
            let next = match self.newest_sealed_key().await? {
                Some((kid, _)) => kid
                    .checked_add(1)
                    .ok_or_else(|| StoreError::Corrupt("signing key ids ran out".into()))?,
                None => 1,
            };
            if self.store_signing_key(next, secret, now).await? {
                return Ok(next);
            }
        }
    }

    /// Every key's public half, by id.
    pub(crate) async fn verifying_keys(&self) -> Result<HashMap<u32, VerifyingKey>, StoreError> {
        let rows: Vec<(i64, Vec<u8>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kid, public_key FROM signing_keys",
        )
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(kid, public)| {
                let key = <[u8; 32]>::try_from(public.as_slice())
                    .ok()
                    .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
                    .ok_or_else(|| StoreError::Corrupt("signing key's public half".into()))?;
                Ok((kid_of(kid)?, key))
            })
            .collect()
    }

    /// Seals each key an older cloud kept in clear, then forgets the clear copy; answers how
    /// many there were.
    pub(crate) async fn seal_clear_signing_keys(
        &self,
        secret: &KeySecret,
    ) -> Result<usize, StoreError> {
        let clear: Vec<(i64, Vec<u8>, DateTime<Utc>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kid, secret, created_at FROM clear_signing_keys",
        )
        .fetch_all(pool)
        .await?);
        for (kid, key, at) in &clear {
            let key = <[u8; 32]>::try_from(key.as_slice())
                .map_err(|_| StoreError::Corrupt("signing key length".into()))?;
            self.insert_signing_key(kid_of(*kid)?, &SigningKey::from_bytes(&key), secret, *at)
                .await?;
        }
        on_pool!(self, pool => sqlx::query("DELETE FROM clear_signing_keys")
            .execute(pool)
            .await?.rows_affected());
        Ok(clear.len())
    }
}
