//! Reception's view of the lobby: who is on site, and what the kiosks flagged.

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, InvitationId, KioskId, UserId};
use uuid::Uuid;

use gatehouse_core::ApprovalStatus;

use super::{
    Change, InvitationRecord, OutboxItem, StoreError,
    invitations::{InvitationRow, SELECT_INVITATION, record_change},
    on_pool,
};
use crate::Database;

/// What reception reads about a badge the kiosk could not print.
pub const BADGE_NOT_PRINTED: &str = "the kiosk could not print the badge: print it from here";

/// Something reception must look at: a flagged kiosk report, or a visitor sent to reception.
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

    /// Closes the visits of `facility` nobody checked out: checked in and ended before
    /// `inside_until` → `expired`; approved, never came and ended before `expected_until` →
    /// `no_show`; each with its history entry. Answers how many were closed.
    pub async fn close_ended_visits(
        &self,
        facility: FacilityId,
        inside_until: DateTime<Utc>,
        expected_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let closed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let closed: Vec<(Uuid, String, String)> = sqlx::query_as(
                "UPDATE invitations SET updated_at = $3, visit_status = \
                   CASE visit_status WHEN 'checked_in' THEN 'expired' ELSE 'no_show' END \
                 WHERE facility_id = $1 \
                   AND ((visit_status = 'checked_in' AND ends_at < $2) \
                        OR (visit_status = 'expected' AND approval_status = 'approved' AND ends_at < $4)) \
                 RETURNING id, visit_status, approval_status",
            )
            .bind(facility.0)
            .bind(inside_until)
            .bind(now)
            .bind(expected_until)
            .fetch_all(&mut *tx)
            .await?;
            for (id, visit, approval) in &closed {
                let approval = ApprovalStatus::from_name(approval)
                    .ok_or_else(|| StoreError::Corrupt(format!("invitation {id}: approval")))?;
                let change = Change {
                    action: if visit == "expired" { "expired" } else { "no_show" },
                    actor: None,
                    from: Some(approval),
                    to: approval,
                    reason: None,
                    at: now,
                };
                record_change!(tx, *id, &change, std::iter::empty::<&OutboxItem>());
            }
            tx.commit().await?;
            closed.len()
        });
        Ok(closed)
    }

    /// Walk-ins waiting for their host (or reception) to say whether they are expected, oldest
    /// first.
    pub async fn walk_ins_waiting(
        &self,
        facility: FacilityId,
    ) -> Result<Vec<InvitationRecord>, StoreError> {
        let sql = format!(
            "{SELECT_INVITATION} WHERE i.facility_id = $1 AND i.awaiting_host \
             AND i.approval_status = 'pending' ORDER BY i.created_at, i.id"
        );
        let rows: Vec<InvitationRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(InvitationRecord::try_from).collect()
    }

    /// A kiosk sent a visitor to reception (their invitation waits for approval).
    pub async fn ask_reception(
        &self,
        kiosk: KioskId,
        invitation: InvitationId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        // Scanned twice while waiting: still one request.
        let open: Option<Uuid> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM reception_requests WHERE invitation_id = $1 AND handled_at IS NULL",
        )
        .bind(invitation.0)
        .fetch_optional(pool)
        .await?);
        if let Some(open) = open {
            return Ok(open);
        }
        let id = Uuid::now_v7();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO reception_requests (id, invitation_id, kiosk_id, reason, asked_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(invitation.0)
        .bind(kiosk.0)
        .bind(reason)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(id)
    }

    /// What reception has not handled yet, oldest first: flagged kiosk reports, and visitors
    /// the kiosks sent to reception.
    pub async fn unhandled_flags(&self, facility: FacilityId) -> Result<Vec<Flagged>, StoreError> {
        let rows: Vec<FlaggedRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT e.id, e.invitation_id, e.reason, e.happened_at, k.name FROM kiosk_events e \
             JOIN kiosks k ON k.id = e.kiosk_id \
             WHERE k.facility_id = $1 AND e.outcome = 'flagged' AND e.handled_at IS NULL \
             UNION ALL \
             SELECT r.id, r.invitation_id, r.reason, r.asked_at, k.name FROM reception_requests r \
             JOIN kiosks k ON k.id = r.kiosk_id \
             WHERE k.facility_id = $1 AND r.handled_at IS NULL \
             ORDER BY 4",
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
        let mut changed = 0;
        for table in ["kiosk_events", "reception_requests"] {
            // The table names are ours, fixed above.
            let sql = format!(
                "UPDATE {table} SET handled_at = $1, handled_by = $2 \
                 WHERE id = $3 AND handled_at IS NULL \
                 AND kiosk_id IN (SELECT id FROM kiosks WHERE facility_id = $4)"
            );
            changed += on_pool!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(by.0)
                .bind(event)
                .bind(facility.0)
                .execute(pool)
                .await?
                .rows_affected());
        }
        Ok(changed == 1)
    }
}
