//! Staff at the kiosks: kiosk PINs, sessions signed in to at a kiosk, and each kiosk's staff
//! history.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    FacilityId, InvitationId, KioskId, UserId,
    staff::{StaffEntry, StaffEvent},
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    StoreError, User, on_pool,
    people::{USER_COLUMNS, UserRow},
};
use crate::Database;

/// One line of a kiosk's staff history, as the Kiosks page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffHistoryLine {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// The email typed at the kiosk.
    pub email: String,
    /// The person's name, when the email is theirs.
    pub person: Option<String>,
    pub event: StaffEvent,
    pub invitation: Option<InvitationId>,
}

#[derive(sqlx::FromRow)]
struct PinRow {
    #[sqlx(flatten)]
    user: UserRow,
    kiosk_pin_hash: String,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: Uuid,
    happened_at: DateTime<Utc>,
    email: String,
    display_name: Option<String>,
    event: String,
    invitation_id: Option<Uuid>,
}

impl Database {
    /// Sets (or with `None` clears) `user`'s kiosk PIN hash.
    pub async fn set_kiosk_pin(&self, user: UserId, hash: Option<&str>) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("UPDATE users SET kiosk_pin_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.0)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    pub async fn kiosk_pin_hash(&self, user: UserId) -> Result<Option<String>, StoreError> {
        let hash: Option<Option<String>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT kiosk_pin_hash FROM users WHERE id = $1 AND deactivated_at IS NULL",
        )
        .bind(user.0)
        .fetch_optional(pool)
        .await?);
        Ok(hash.flatten())
    }

    /// The active people of `facility` with a kiosk PIN, and its hash, by name.
    pub async fn kiosk_pins(
        &self,
        facility: FacilityId,
    ) -> Result<Vec<(User, String)>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, kiosk_pin_hash FROM users WHERE facility_id = $1 \
             AND kiosk_pin_hash IS NOT NULL AND deactivated_at IS NULL ORDER BY display_name, id"
        );
        let rows: Vec<PinRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter()
            .map(|row| Ok((User::try_from(row.user)?, row.kiosk_pin_hash)))
            .collect()
    }

    /// Stores a session `user` signed in to at `kiosk`; it ends with the kiosk.
    pub async fn store_kiosk_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        kiosk: KioskId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO access_tokens (token_hash, user_id, kind, name, created_at, expires_at, kiosk_id) \
             VALUES ($1, $2, 'session', 'kiosk', $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .bind(expires_at)
        .bind(kiosk.0)
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    /// Ends every session signed in to at `kiosk` (it was revoked).
    pub async fn end_kiosk_sessions(&self, kiosk: KioskId) -> Result<u64, StoreError> {
        Ok(
            on_pool!(self, pool => sqlx::query("DELETE FROM access_tokens WHERE kiosk_id = $1")
            .bind(kiosk.0)
            .execute(pool)
            .await?
            .rows_affected()),
        )
    }

    /// Records `kiosk`'s staff history, each line once; returns how many were new.
    pub async fn record_staff_history(
        &self,
        kiosk: KioskId,
        entries: &[StaffEntry],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut new = 0;
        for entry in entries {
            new += on_pool!(self, pool => sqlx::query(
                "INSERT INTO kiosk_staff_history \
                   (id, kiosk_id, email, user_id, event, invitation_id, happened_at, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            )
            .bind(entry.id)
            .bind(kiosk.0)
            .bind(&entry.email)
            .bind(entry.person.map(|person| person.0))
            .bind(entry.event.as_str())
            .bind(entry.invitation.map(|invitation| invitation.0))
            .bind(entry.at)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        }
        Ok(new)
    }

    /// The newest `limit` lines of `kiosk`'s staff history, newest first.
    pub async fn staff_history(
        &self,
        kiosk: KioskId,
        limit: u32,
    ) -> Result<Vec<StaffHistoryLine>, StoreError> {
        let rows: Vec<HistoryRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT h.id, h.happened_at, h.email, u.display_name, h.event, h.invitation_id \
             FROM kiosk_staff_history h LEFT JOIN users u ON u.id = h.user_id \
             WHERE h.kiosk_id = $1 ORDER BY h.happened_at DESC, h.id DESC LIMIT $2",
        )
        .bind(kiosk.0)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|row| {
                Ok(StaffHistoryLine {
                    event: StaffEvent::parse(&row.event).ok_or_else(|| {
                        StoreError::Corrupt(format!("staff history {}: event", row.id))
                    })?,
                    id: row.id,
                    at: row.happened_at,
                    email: row.email,
                    person: row.display_name,
                    invitation: row.invitation_id.map(Into::into),
                })
            })
            .collect()
    }
}
