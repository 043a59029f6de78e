//! Reception kiosks: single-use enrollment codes, and the kiosks enrolled with them.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    ApprovalStatus, FacilityId, KioskId, UserId, VisitStatus,
    visit::{self, Effects, VisitEvent, VisitOutcome},
    wire::{EventOutcome, KioskEventReport, KioskEventResult},
};
use uuid::Uuid;

use super::{
    DoorPassEmail, OutboxItem, StoreError,
    invitations::{Change, record_change},
    on_pool,
};
use crate::Database;

/// An enrolled kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kiosk {
    pub id: KioskId,
    pub facility: FacilityId,
    pub name: String,
}

/// How often (seconds) a kiosk's last contact is written down.
pub const SEEN_EVERY: i64 = 30;

/// Id, name, enrolled, last seen, outbox, revoked.
type KioskInfoRow = (
    Uuid,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<i64>,
    Option<DateTime<Utc>>,
);

/// An enrolled kiosk as the facility manager's Kiosks page shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct KioskInfo {
    pub id: KioskId,
    pub name: String,
    pub enrolled_at: DateTime<Utc>,
    /// Its last call to the cloud (to within half a minute).
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The reports it said were waiting to be sent, at its last sync.
    pub outbox_waiting: Option<i64>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Kiosk {
    fn from_row((id, facility, name): (Uuid, Uuid, String)) -> Self {
        Self {
            id: id.into(),
            facility: facility.into(),
            name,
        }
    }
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

/// Why a credential ended at check-out, in the invitation's history.
const CHECKED_OUT: &str = "the visitor checked out";

/// Why a flagged visitor's badge was revoked, in the invitation's history.
const CREDENTIAL_REVOKED: &str =
    "the invitation no longer admits this visitor: collect their badge";

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
        Ok(row.map(Kiosk::from_row))
    }

    pub async fn kiosk(&self, id: KioskId) -> Result<Option<Kiosk>, StoreError> {
        let row: Option<(Uuid, Uuid, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, facility_id, name FROM kiosks WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(Kiosk::from_row))
    }

    /// `kiosk` called now, with `waiting` reports in its outbox if it said; written at most
    /// every [`SEEN_EVERY`] seconds a kiosk, so a busy kiosk costs no write per request.
    pub async fn kiosk_seen(
        &self,
        kiosk: KioskId,
        waiting: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let stale = now - chrono::TimeDelta::seconds(SEEN_EVERY);
        on_pool!(self, pool => sqlx::query(
            "UPDATE kiosks SET last_seen_at = $1, outbox_waiting = COALESCE($2, outbox_waiting) \
             WHERE id = $3 AND (last_seen_at IS NULL OR last_seen_at < $4 \
               OR outbox_waiting IS DISTINCT FROM COALESCE($2, outbox_waiting))",
        )
        .bind(now)
        .bind(waiting)
        .bind(kiosk.0)
        .bind(stale)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The facility's kiosks, enrolled first first, revoked ones included.
    pub async fn kiosks(&self, facility: FacilityId) -> Result<Vec<KioskInfo>, StoreError> {
        let rows: Vec<KioskInfoRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name, enrolled_at, last_seen_at, outbox_waiting, revoked_at FROM kiosks \
             WHERE facility_id = $1 ORDER BY enrolled_at, id",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(
                |(id, name, enrolled_at, last_seen_at, outbox_waiting, revoked_at)| KioskInfo {
                    id: id.into(),
                    name,
                    enrolled_at,
                    last_seen_at,
                    outbox_waiting,
                    revoked_at,
                },
            )
            .collect())
    }

    /// Whether the kiosk `id` may still call (enrolled, not revoked).
    pub async fn kiosk_active(&self, id: KioskId) -> Result<bool, StoreError> {
        let active: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT 1 FROM kiosks WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        Ok(active.is_some())
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

    /// Records one report from `kiosk`, once, and writes the effects `core::visit` gives it:
    /// the visit's new state and its history entry, the host's arrival email (composed by
    /// `arrival` only then), the credential issued (with the guest's `door_pass`) or revoked, a
    /// withdrawn unprinted badge. A report whose id was seen before answers what it did then
    /// and changes nothing.
    pub async fn record_kiosk_event(
        &self,
        kiosk: &Kiosk,
        report: &KioskEventReport,
        zone: chrono_tz::Tz,
        arrival: impl FnOnce() -> Option<OutboxItem>,
        door_pass: Option<&DoorPassEmail>,
        now: DateTime<Utc>,
    ) -> Result<KioskEventResult, StoreError> {
        let kind = report.kind.as_str();
        let fresh = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Claiming the id first takes the write lock at once and settles a race between two
            // deliveries of the same report: the second finds the row and changes nothing.
            let claimed = sqlx::query(
                "INSERT INTO kiosk_events (id, kiosk_id, invitation_id, kind, happened_at, received_at, outcome) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'refused') ON CONFLICT (id) DO NOTHING",
            )
            .bind(report.id)
            .bind(kiosk.id.0)
            .bind(report.invitation.0)
            .bind(kind)
            .bind(report.at)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                None
            } else {
                let state: Option<(String, String, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT approval_status, visit_status, ends_at, starts_at FROM invitations WHERE id = $1 AND facility_id = $2",
                )
                .bind(report.invitation.0)
                .bind(kiosk.facility.0)
                .fetch_optional(&mut *tx)
                .await?;
                let approval = state
                    .as_ref()
                    .and_then(|(approval, _, _, _)| ApprovalStatus::from_name(approval));
                let (outcome, effects, reason) = judge(state, report, zone)?;
                let changed = effects.visit;
                if let (Some(status), Some(approval)) = (effects.visit, approval) {
                    sqlx::query(
                        "UPDATE invitations SET visit_status = $1, updated_at = $2, \
                           checked_in_at = CASE WHEN $1 = 'checked_in' THEN $4 ELSE checked_in_at END \
                         WHERE id = $3",
                    )
                        .bind(status.as_str())
                        .bind(now)
                        .bind(report.invitation.0)
                        .bind(report.at)
                        .execute(&mut *tx)
                        .await?;
                    let change = Change {
                        action: if report.by.is_some() { report.kind.done_by_staff() } else { report.kind.done() },
                        actor: report.by,
                        from: Some(approval),
                        to: approval,
                        reason: reason.clone(),
                        at: report.at,
                    };
                    let arrival: Vec<OutboxItem> = if effects.tell_host_arrived { arrival().into_iter().collect() } else { Vec::new() };
                    record_change!(tx, report.invitation.0, &change, arrival.iter(), now);
                    let invitation = report.invitation.0;
                    if effects.revoke_credential {
                        // Flagged: whatever credential the kiosk printed opens nothing.
                        let revoked = super::credentials::revoke_live_credential!(tx, invitation, None, CREDENTIAL_REVOKED, report.at);
                        if !revoked {
                            let revoked = Change { action: "credential_revoked", reason: Some(CREDENTIAL_REVOKED.to_owned()), ..change };
                            record_change!(tx, invitation, &revoked, std::iter::empty::<&OutboxItem>());
                        }
                    } else if report.kind == VisitEvent::CheckIn {
                        let _ = super::credentials::issue_prepared_credential!(tx, invitation, report.by, report.at, door_pass);
                    } else if report.kind == VisitEvent::CheckOut {
                        let _ = super::credentials::revoke_live_credential!(tx, invitation, report.by, CHECKED_OUT, report.at);
                    }
                }
                if let (true, Some(approval)) = (effects.withdraw_unprinted_badge, approval) {
                    let change = Change { action: kind, actor: None, from: Some(approval), to: approval, reason: None, at: report.at };
                    record_change!(tx, report.invitation.0, &change, std::iter::empty::<&OutboxItem>());
                    sqlx::query("DELETE FROM visit_documents WHERE invitation_id = $1 AND kind = 'unprinted_badge'")
                        .bind(report.invitation.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE reception_requests SET handled_at = $1 WHERE invitation_id = $2 AND reason = $3 AND handled_at IS NULL")
                        .bind(report.at)
                        .bind(report.invitation.0)
                        .bind(super::BADGE_NOT_PRINTED)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE kiosk_events SET outcome = $1, visit_status = $2, reason = $3 WHERE id = $4")
                    .bind(outcome.as_str())
                    .bind(changed.map(VisitStatus::as_str))
                    .bind(reason.as_deref())
                    .bind(report.id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Some(KioskEventResult { id: report.id, outcome, visit: changed, reason, duplicate: false })
            }
        });
        if let Some(result) = fresh {
            return Ok(result);
        }
        self.earlier_answer(kiosk, report).await
    }

    /// What a report whose id was seen before did then, if it is the same report (same kiosk,
    /// invitation and kind); a different event under a used id is refused.
    async fn earlier_answer(
        &self,
        kiosk: &Kiosk,
        report: &KioskEventReport,
    ) -> Result<KioskEventResult, StoreError> {
        let kind = report.kind.as_str();
        let stored: (String, Option<String>, Option<String>, Uuid, Uuid, String) = on_pool!(self, pool => sqlx::query_as(
            "SELECT outcome, visit_status, reason, kiosk_id, invitation_id, kind FROM kiosk_events WHERE id = $1",
        )
        .bind(report.id)
        .fetch_one(pool)
        .await?);
        // The id was used for another event (or by another kiosk): no answer about that one.
        if (stored.3, stored.4, stored.5.as_str()) != (kiosk.id.0, report.invitation.0, kind) {
            return Err(StoreError::Duplicate(
                "a different kiosk event with this id",
            ));
        }
        Ok(KioskEventResult {
            id: report.id,
            outcome: EventOutcome::parse(&stored.0).ok_or_else(|| {
                StoreError::Corrupt(format!("kiosk event outcome {:?}", stored.0))
            })?,
            visit: stored.1.as_deref().and_then(VisitStatus::from_name),
            reason: stored.2,
            duplicate: true,
        })
    }
}

/// What a report does to an invitation in the state `state` (none: not in this facility), at a
/// site in `zone`.
fn judge(
    state: Option<(String, String, DateTime<Utc>, DateTime<Utc>)>,
    report: &KioskEventReport,
    zone: chrono_tz::Tz,
) -> Result<(EventOutcome, Effects, Option<String>), StoreError> {
    let event = report.kind;
    let Some((approval, visit_status, ends_at, starts_at)) = state else {
        return Ok((
            EventOutcome::Refused,
            Effects::default(),
            Some("no such invitation in this facility".into()),
        ));
    };
    let approval = ApprovalStatus::from_name(&approval)
        .ok_or_else(|| StoreError::Corrupt(format!("approval status {approval:?}")))?;
    let visit_status = VisitStatus::from_name(&visit_status)
        .ok_or_else(|| StoreError::Corrupt(format!("visit status {visit_status:?}")))?;
    // A time no kiosk could have seen this visit at (1970, 9999, another year): refused.
    if report.at < starts_at - chrono::TimeDelta::days(1)
        || report.at > ends_at + chrono::TimeDelta::days(14)
    {
        return Ok((
            EventOutcome::Refused,
            Effects::default(),
            Some("the event's time does not fit the visit's window".into()),
        ));
    }
    let continues = visit::continues_after(ends_at, report.at, zone);
    let outcome = visit::apply(approval, visit_status, event, continues);
    let (recorded, reason) = match outcome {
        VisitOutcome::Applied(_) | VisitOutcome::Noted => (EventOutcome::Applied, None),
        VisitOutcome::AlreadyDone => (EventOutcome::AlreadyDone, None),
        VisitOutcome::Flagged(_, why) => (EventOutcome::Flagged, Some(why.to_string())),
        VisitOutcome::Refused(why) => (EventOutcome::Refused, Some(why.to_owned())),
    };
    Ok((recorded, outcome.effects(event), reason))
}
