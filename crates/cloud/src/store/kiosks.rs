//! Reception kiosks: single-use enrollment codes, and the kiosks enrolled with them.

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, KioskId, UserId};
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

/// An enrolled kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kiosk {
    pub id: KioskId,
    pub facility: FacilityId,
    pub name: String,
}

/// A code being issued: who for, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct NewKioskCode<'a> {
    pub code_hash: &'a [u8; 32],
    pub facility: FacilityId,
    pub name: &'a str,
    pub created_by: Option<UserId>,
    pub expires_at: DateTime<Utc>,
}

impl Database {
    pub async fn store_kiosk_code(
        &self,
        code: &NewKioskCode<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO kiosk_codes (code_hash, facility_id, name, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&code.code_hash[..])
        .bind(code.facility.0)
        .bind(code.name)
        .bind(code.created_by.map(|u| u.0))
        .bind(now)
        .bind(code.expires_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Uses up the code and enrolls a kiosk with `token_hash`, in one transaction; `None` (and
    /// nothing changed) if the code is unknown, used or expired.
    pub async fn enroll_kiosk(
        &self,
        code_hash: &[u8; 32],
        token_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<Kiosk>, StoreError> {
        let id = Uuid::now_v7();
        let kiosk = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Claiming the code is the statement that decides: two kiosks racing for one code
            // cannot both update it.
            let claimed: Option<(Uuid, String)> = sqlx::query_as(
                "UPDATE kiosk_codes SET used_at = $1 \
                 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                 RETURNING facility_id, name",
            )
            .bind(now)
            .bind(&code_hash[..])
            .fetch_optional(&mut *tx)
            .await?;
            let Some((facility, name)) = claimed else {
                return Ok(None);
            };
            sqlx::query(
                "INSERT INTO kiosks (id, facility_id, name, token_hash, enrolled_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(facility)
            .bind(&name)
            .bind(&token_hash[..])
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Kiosk { id: id.into(), facility: facility.into(), name }
        });
        Ok(Some(kiosk))
    }

    /// The kiosk a device token belongs to, unless it was revoked.
    pub async fn kiosk_by_token(&self, token_hash: &[u8; 32]) -> Result<Option<Kiosk>, StoreError> {
        let row: Option<(Uuid, Uuid, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, facility_id, name FROM kiosks WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(&token_hash[..])
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(id, facility, name)| Kiosk {
            id: id.into(),
            facility: facility.into(),
            name,
        }))
    }

    pub async fn kiosk(&self, id: KioskId) -> Result<Option<Kiosk>, StoreError> {
        let row: Option<(Uuid, Uuid, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, facility_id, name FROM kiosks WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(id, facility, name)| Kiosk {
            id: id.into(),
            facility: facility.into(),
            name,
        }))
    }

    /// Stops a kiosk's token from working (a stolen or retired tablet).
    pub async fn revoke_kiosk(&self, id: KioskId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let revoked = on_pool!(self, pool => sqlx::query(
            "UPDATE kiosks SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(revoked == 1)
    }
}
