//! Reception's view of the lobby: who is on site, and what the kiosks flagged.

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, InvitationId, UserId};
use uuid::Uuid;

use super::{
    InvitationRecord, StoreError,
    invitations::{InvitationRow, SELECT_INVITATION},
    on_pool,
};
use crate::Database;

/// A kiosk report reception must look at.
#[derive(Debug, Clone)]
pub struct Flagged {
    pub event: Uuid,
    pub invitation: InvitationId,
    pub reason: String,
    pub happened_at: DateTime<Utc>,
    pub kiosk: String,
}

/// Event id, invitation id, reason, when, kiosk name.
type FlaggedRow = (Uuid, Uuid, Option<String>, DateTime<Utc>, String);

impl Database {
    /// Everyone checked in and not yet out, in the facility.
    pub async fn on_site(&self, facility: FacilityId) -> Result<Vec<InvitationRecord>, StoreError> {
        let sql = format!(
            "{SELECT_INVITATION} WHERE i.facility_id = $1 AND i.visit_status = 'checked_in' \
             ORDER BY i.visitor_name"
        );
        let rows: Vec<InvitationRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(InvitationRecord::try_from).collect()
    }

    /// Flagged kiosk reports nobody has handled yet, oldest first.
    pub async fn unhandled_flags(&self, facility: FacilityId) -> Result<Vec<Flagged>, StoreError> {
        let rows: Vec<FlaggedRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT e.id, e.invitation_id, e.reason, e.happened_at, k.name FROM kiosk_events e \
             JOIN kiosks k ON k.id = e.kiosk_id \
             WHERE k.facility_id = $1 AND e.outcome = 'flagged' AND e.handled_at IS NULL \
             ORDER BY e.happened_at",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(event, invitation, reason, happened_at, kiosk)| Flagged {
                event,
                invitation: invitation.into(),
                reason: reason.unwrap_or_default(),
                happened_at,
                kiosk,
            })
            .collect())
    }

    /// Marks a flagged report of the facility as handled; `false` if there is none unhandled.
    pub async fn handle_flag(
        &self,
        facility: FacilityId,
        event: Uuid,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => sqlx::query(
            "UPDATE kiosk_events SET handled_at = $1, handled_by = $2 \
             WHERE id = $3 AND outcome = 'flagged' AND handled_at IS NULL \
             AND kiosk_id IN (SELECT id FROM kiosks WHERE facility_id = $4)",
        )
        .bind(now)
        .bind(by.0)
        .bind(event)
        .bind(facility.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(changed == 1)
    }
}
