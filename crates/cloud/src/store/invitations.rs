//! Invitations, their audit history, and the outbox messages their changes cause — each change
//! written in one transaction with its history entry and its messages.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    ApprovalStatus, CategoryKind, FacilityId, InvitationId, Language, OccupancyId, UserId,
    VisitStatus,
    access::{InvitationFacts, Visibility},
    role::Place,
};
use serde::Serialize;
use uuid::Uuid;

use super::{OutboxItem, StoreError, on_pool};
use crate::Database;

/// An invitation as stored, with its host's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InvitationRecord {
    pub id: InvitationId,
    pub facility_id: FacilityId,
    pub occupancy_id: OccupancyId,
    pub host_id: UserId,
    pub host_name: String,
    pub host_email: String,
    /// The language the host reads emails in.
    #[serde(skip)]
    pub host_language: Language,
    pub created_by: UserId,
    pub category: CategoryKind,
    pub visitor_name: String,
    pub visitor_email: String,
    pub visitor_company: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub approval_status: ApprovalStatus,
    pub visit_status: VisitStatus,
    /// A walk-in waiting for the host (or reception) to say whether they are expected.
    pub awaiting_host: bool,
    /// When the visitor last checked in, if they have.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// The room of the zone map the visit is to, if the host named one.
    pub room: Option<String>,
    /// The host escorts the visitor.
    pub escorted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Screening matched the visitor with the watchlist: the invitation waits, pending, for a
    /// facility approver's verdict, and cannot be approved before it.
    pub held: bool,
}

impl InvitationRecord {
    pub fn facts(&self) -> InvitationFacts {
        InvitationFacts {
            place: Place {
                facility: self.facility_id,
                occupancy: self.occupancy_id,
            },
            host: self.host_id,
            created_by: self.created_by,
        }
    }
}

/// One line of an invitation's audit history: who did what, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub action: String,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub from_status: Option<ApprovalStatus>,
    pub to_status: ApprovalStatus,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Which invitations to list.
#[derive(Debug, Clone)]
pub struct InvitationFilter {
    pub facility: FacilityId,
    pub visibility: Visibility,
    /// The viewer: their own invitations are always in view.
    pub viewer: UserId,
    /// Only invitations that overlap this span (a local day, in UTC).
    pub overlapping: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub approval: Option<ApprovalStatus>,
    pub category: Option<CategoryKind>,
    /// Part of the visitor's name, any case.
    pub visitor_name: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(sqlx::FromRow)]
pub(super) struct InvitationRow {
    pub(super) id: Uuid,
    facility_id: Uuid,
    occupancy_id: Uuid,
    host_id: Uuid,
    host_name: String,
    host_email: String,
    host_language: String,
    created_by: Uuid,
    category: String,
    visitor_name: String,
    visitor_email: String,
    visitor_company: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    approval_status: String,
    visit_status: String,
    awaiting_host: bool,
    checked_in_at: Option<DateTime<Utc>>,
    room: Option<String>,
    escorted: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    held: bool,
}

impl TryFrom<InvitationRow> for InvitationRecord {
    type Error = StoreError;

    fn try_from(row: InvitationRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("invitation {}: {what}", row.id));
        Ok(Self {
            id: row.id.into(),
            facility_id: row.facility_id.into(),
            occupancy_id: row.occupancy_id.into(),
            host_id: row.host_id.into(),
            created_by: row.created_by.into(),
            category: CategoryKind::from_name(&row.category).ok_or_else(|| corrupt("category"))?,
            approval_status: ApprovalStatus::from_name(&row.approval_status)
                .ok_or_else(|| corrupt("approval status"))?,
            visit_status: VisitStatus::from_name(&row.visit_status)
                .ok_or_else(|| corrupt("visit status"))?,
            host_name: row.host_name,
            host_email: row.host_email,
            host_language: Language::from_code(&row.host_language)
                .ok_or_else(|| corrupt("host language"))?,
            visitor_name: row.visitor_name,
            visitor_email: row.visitor_email,
            visitor_company: row.visitor_company,
            awaiting_host: row.awaiting_host,
            checked_in_at: row.checked_in_at,
            room: row.room,
            escorted: row.escorted,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            held: row.held,
        })
    }
}

pub(super) const SELECT_INVITATION: &str = "SELECT i.id, i.facility_id, i.occupancy_id, i.host_id, \
     h.display_name AS host_name, h.email AS host_email, h.language AS host_language, i.created_by, i.category, i.visitor_name, i.visitor_email, \
     i.visitor_company, i.starts_at, i.ends_at, i.approval_status, i.visit_status, i.awaiting_host, \
     i.checked_in_at, i.room, i.escorted, i.created_at, i.updated_at, \
     EXISTS (SELECT 1 FROM screening_holds s WHERE s.invitation_id = i.id AND s.verdict IS NULL) AS held \
     FROM invitations i JOIN users h ON h.id = i.host_id";

/// A change to an invitation's approval status, for the audit history.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub actor: Option<UserId>,
    pub from: Option<ApprovalStatus>,
    pub to: ApprovalStatus,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Writes the history entry and the outbox items of a change inside the open transaction; the
/// items are due at once (`$due`: the cloud's now, where the change happened at another time —
/// a kiosk's report from a while ago, or from a kiosk whose clock runs ahead).
macro_rules! record_change {
    ($tx:expr, $invitation:expr, $change:expr, $outbox:expr) => {{
        let change: &Change = $change;
        record_change!($tx, $invitation, change, $outbox, change.at)
    }};
    ($tx:expr, $invitation:expr, $change:expr, $outbox:expr, $due:expr) => {{
        let change: &Change = $change;
        $crate::store::audit::append!(
            $tx,
            $invitation,
            change.actor.map(|u| u.0),
            change.action,
            change.from.map(ApprovalStatus::as_str),
            change.to.as_str(),
            change.reason.as_deref(),
            change.at
        );
        $crate::store::outbox::enqueue!($tx, $outbox, $due);
    }};
}

pub(super) use record_change;

/// A write to an invitation, with its history entry and its messages: what the
/// [`InvitationWriter`](super::InvitationWriter) commits together with the writes of other
/// requests.
#[derive(Debug)]
pub enum InvitationWrite {
    /// Stores `invitation` as it is (its host's name and email are not stored with it).
    Create {
        invitation: Box<InvitationRecord>,
        change: Change,
        outbox: Vec<OutboxItem>,
        /// Screening matched the visitor with a watchlist entry: the invitation is held.
        hold: Option<NewHold>,
    },
    /// Screening matched an invitation already made with an entry added since: it is held —
    /// back to pending if it was approved (its credential revoked), if it is still `from` and
    /// the visitor still expected and no hold was ever put on it.
    Hold {
        id: InvitationId,
        from: ApprovalStatus,
        hold: NewHold,
        at: DateTime<Utc>,
        outbox: Vec<OutboxItem>,
    },
    /// A facility approver's verdict on a held invitation — not the listed person, or let in
    /// anyway — and the approval it lets through, if the invitation is still pending and held.
    Verdict {
        id: InvitationId,
        verdict: &'static str,
        reason: String,
        approval: Change,
        outbox: Vec<OutboxItem>,
    },
    /// Moves an invitation from `change.from` to `change.to`, if nobody moved it meanwhile
    /// (still `awaiting_host` as read); any move answers a walk-in's wait for its host.
    Approval {
        id: InvitationId,
        awaiting_host: bool,
        change: Change,
        outbox: Vec<OutboxItem>,
        /// The move withdraws the invitation: its credential is revoked with it.
        revoke_credentials: bool,
    },
    /// A person of reception checks the visitor in, if the invitation is still approved and
    /// the visitor still expected; their prepared credential is issued, and the door pass sent.
    Admission {
        id: InvitationId,
        change: Change,
        outbox: Vec<OutboxItem>,
        door_pass: Option<super::DoorPassEmail>,
    },
}

/// The watchlist entry screening matched a new invitation's visitor with, and how.
#[derive(Debug, Clone)]
pub struct NewHold {
    pub entry: Uuid,
    /// `email` or `name`.
    pub matched: &'static str,
    pub score: f64,
}

/// Why a withdrawn invitation's credential was revoked, in its history.
fn withdrawn_reason(now: ApprovalStatus) -> &'static str {
    match now {
        ApprovalStatus::Pending => "the invitation was moved back to pending",
        ApprovalStatus::Rejected => "the invitation was rejected",
        ApprovalStatus::Cancelled => "the invitation was cancelled",
        ApprovalStatus::Approved => "the invitation changed",
    }
}

impl Database {
    /// Applies `writes` in one transaction, in order; for each, whether it changed anything
    /// (an approval finds its invitation moved on meanwhile: `false`).
    pub async fn writes(&self, writes: &[&InvitationWrite]) -> Result<Vec<bool>, StoreError> {
        let mut applied = Vec::with_capacity(writes.len());
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for write in writes {
                applied.push(match write {
                    InvitationWrite::Create { invitation, change, outbox, hold } => {
                        sqlx::query(
                            "INSERT INTO invitations (id, facility_id, occupancy_id, host_id, created_by, \
                               category, visitor_name, visitor_email, visitor_company, starts_at, ends_at, \
                               approval_status, visit_status, awaiting_host, created_at, updated_at, room, escorted) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                        )
                        .bind(invitation.id.0)
                        .bind(invitation.facility_id.0)
                        .bind(invitation.occupancy_id.0)
                        .bind(invitation.host_id.0)
                        .bind(invitation.created_by.0)
                        .bind(invitation.category.as_str())
                        .bind(invitation.visitor_name.as_str())
                        .bind(invitation.visitor_email.as_str())
                        .bind(invitation.visitor_company.as_str())
                        .bind(invitation.starts_at)
                        .bind(invitation.ends_at)
                        .bind(invitation.approval_status.as_str())
                        .bind(invitation.visit_status.as_str())
                        .bind(invitation.awaiting_host)
                        .bind(invitation.created_at)
                        .bind(invitation.updated_at)
                        .bind(invitation.room.as_deref())
                        .bind(invitation.escorted)
                        .execute(&mut *tx)
                        .await?;
                        record_change!(tx, invitation.id.0, change, outbox);
                        if let Some(hold) = hold {
                            super::watchlist::hold!(tx, invitation.id.0, hold, "pending", change.at);
                        }
                        true
                    }
                    InvitationWrite::Hold { id, from, hold, at, outbox } => {
                        super::watchlist::hold_made!(tx, id.0, *from, hold, *at, outbox)
                    }
                    InvitationWrite::Verdict { id, verdict, reason, approval, outbox } => {
                        let approved = super::watchlist::verdict!(tx, id.0, *verdict, reason, approval);
                        if approved {
                            record_change!(tx, id.0, approval, outbox);
                        }
                        approved
                    }
                    InvitationWrite::Approval { id, awaiting_host, change, outbox, revoke_credentials } => {
                        let moved = sqlx::query(
                            "UPDATE invitations SET approval_status = $1, updated_at = $2, \
                               awaiting_host = FALSE \
                             WHERE id = $3 AND approval_status = $4 AND awaiting_host = $5 \
                               AND ($1 <> 'approved' OR NOT EXISTS (SELECT 1 FROM screening_holds s \
                                 WHERE s.invitation_id = $3 AND s.verdict IS NULL))",
                        )
                        .bind(change.to.as_str())
                        .bind(change.at)
                        .bind(id.0)
                        .bind(change.from.map(ApprovalStatus::as_str))
                        .bind(*awaiting_host)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if moved == 1 {
                            record_change!(tx, id.0, change, outbox);
                            if *revoke_credentials {
                                let reason = withdrawn_reason(change.to);
                                let _ = super::credentials::revoke_live_credential!(tx, id.0, change.actor, reason, change.at);
                            }
                        }
                        moved == 1
                    }
                    InvitationWrite::Admission { id, change, outbox, door_pass } => {
                        let admitted = sqlx::query(
                            "UPDATE invitations SET visit_status = 'checked_in', updated_at = $1, checked_in_at = $1 \
                             WHERE id = $2 AND approval_status = 'approved' \
                               AND visit_status = 'expected'",
                        )
                        .bind(change.at)
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if admitted == 1 {
                            record_change!(tx, id.0, change, outbox);
                            let _ = super::credentials::issue_prepared_credential!(tx, id.0, change.actor, change.at, door_pass.as_ref());
                        }
                        admitted == 1
                    }
                });
            }
            tx.commit().await?;
        });
        Ok(applied)
    }

    pub async fn invitation(
        &self,
        id: InvitationId,
    ) -> Result<Option<InvitationRecord>, StoreError> {
        let sql = format!("{SELECT_INVITATION} WHERE i.id = $1");
        let row: Option<InvitationRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(InvitationRecord::try_from).transpose()
    }

    pub async fn history(&self, id: InvitationId) -> Result<Vec<HistoryEntry>, StoreError> {
        type Row = (
            String,
            Option<Uuid>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            DateTime<Utc>,
        );
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT e.action, e.actor_id, u.display_name, e.from_status, e.to_status, e.reason, e.at \
             FROM invitation_events e LEFT JOIN users u ON u.id = e.actor_id \
             WHERE e.invitation_id = $1 ORDER BY e.at, e.id",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(action, actor, actor_name, from, to, reason, at)| {
                let status = |s: &str| {
                    ApprovalStatus::from_name(s)
                        .ok_or_else(|| StoreError::Corrupt(format!("history of {id}: status {s}")))
                };
                Ok(HistoryEntry {
                    action,
                    actor_id: actor.map(Into::into),
                    actor_name,
                    from_status: from.as_deref().map(status).transpose()?,
                    to_status: status(&to)?,
                    reason,
                    at,
                })
            })
            .collect()
    }

    pub async fn list_invitations(
        &self,
        filter: &InvitationFilter,
    ) -> Result<Vec<InvitationRecord>, StoreError> {
        let rows: Vec<InvitationRow> = on_pool!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(SELECT_INVITATION);
            query.push(" WHERE i.facility_id = ").push_bind(filter.facility.0);
            match &filter.visibility {
                Visibility::Facility(_) => {}
                Visibility::Occupancies(occupancies) => {
                    query.push(" AND (i.occupancy_id IN (");
                    let mut list = query.separated(", ");
                    for occupancy in occupancies {
                        list.push_bind(occupancy.0);
                    }
                    query.push(") OR i.host_id = ").push_bind(filter.viewer.0);
                    query.push(" OR i.created_by = ").push_bind(filter.viewer.0).push(")");
                }
                Visibility::Own => {
                    query.push(" AND (i.host_id = ").push_bind(filter.viewer.0);
                    query.push(" OR i.created_by = ").push_bind(filter.viewer.0).push(")");
                }
            }
            if let Some((from, until)) = filter.overlapping {
                // No visit is longer than LONGEST_WINDOW: bounding starts_at from below lets the
                // index skip everything that ended long ago.
                query.push(" AND i.starts_at > ").push_bind(from - gatehouse_core::window::LONGEST_WINDOW);
                query.push(" AND i.starts_at < ").push_bind(until);
                query.push(" AND i.ends_at > ").push_bind(from);
            }
            if let Some(status) = filter.approval {
                query.push(" AND i.approval_status = ").push_bind(status.as_str());
            }
            if let Some(category) = filter.category {
                query.push(" AND i.category = ").push_bind(category.as_str());
            }
            if let Some(name) = &filter.visitor_name {
                let pattern = format!("%{}%", escape_like(&name.to_lowercase()));
                query.push(" AND lower(i.visitor_name) LIKE ").push_bind(pattern).push(" ESCAPE '\\'");
            }
            query.push(" ORDER BY i.starts_at, i.id LIMIT ").push_bind(i64::from(filter.limit));
            query.push(" OFFSET ").push_bind(i64::from(filter.offset));
            query.build_query_as().fetch_all(pool).await?
        });
        rows.into_iter().map(InvitationRecord::try_from).collect()
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Stores `count` approved guest invitations hosted by `host`, without history or notifications:
/// for load tests and benchmarks, which need a realistic table quickly. `make(i)` gives the
/// visitor's name and the window of invitation `i`.
pub async fn bulk_invitations(
    database: &Database,
    facility: FacilityId,
    occupancy: OccupancyId,
    host: UserId,
    count: usize,
    make: impl Fn(usize) -> (String, DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    const BATCH: usize = 1000;
    on_pool!(database, pool => {
        let mut tx = pool.begin().await?;
        for batch in (0..count).collect::<Vec<_>>().chunks(BATCH) {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO invitations (id, facility_id, occupancy_id, host_id, created_by, category, \
                 visitor_name, visitor_email, visitor_company, starts_at, ends_at, approval_status, \
                 visit_status, created_at, updated_at) ",
            );
            query.push_values(batch, |mut row, &i| {
                let (name, starts_at, ends_at) = make(i);
                row.push_bind(Uuid::now_v7())
                    .push_bind(facility.0)
                    .push_bind(occupancy.0)
                    .push_bind(host.0)
                    .push_bind(host.0)
                    .push_bind("guest")
                    .push_bind(name)
                    .push_bind(format!("visitor{i}@guest.example"))
                    .push_bind("")
                    .push_bind(starts_at)
                    .push_bind(ends_at)
                    .push_bind("approved")
                    .push_bind("expected")
                    .push_bind(now)
                    .push_bind(now);
            });
            query.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        // As after any bulk load: give the planner statistics for the new rows.
        sqlx::query("ANALYZE invitations").execute(pool).await?;
    });
    Ok(())
}
