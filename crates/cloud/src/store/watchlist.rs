//! The watchlist, its SCIM-provisioned entries, and the holds screening puts on invitations.

use chrono::{DateTime, NaiveDate, Utc};
use gatehouse_core::{FacilityId, InvitationId, UserId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

/// Where a watchlist entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntrySource {
    /// Typed in the portal by a facility manager.
    Portal,
    /// A row of a CSV import.
    Import,
    /// A user the identity provider deactivated, over SCIM.
    Scim,
}

impl EntrySource {
    fn as_str(self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Import => "import",
            Self::Scim => "scim",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "portal" => Some(Self::Portal),
            "import" => Some(Self::Import),
            "scim" => Some(Self::Scim),
            _ => None,
        }
    }
}

/// One person on the facility's watchlist.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WatchlistEntry {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub company: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub reason: String,
    pub source: EntrySource,
    /// Who listed them (none for the identity provider's, or once they are deleted).
    pub added_by: Option<String>,
    /// Screening stops at this time; none: until removed.
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An entry to store.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub name: String,
    pub email: Option<String>,
    pub company: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub reason: String,
    pub source: EntrySource,
    pub added_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A user the identity provider keeps in Gatehouse over SCIM.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimUser {
    pub id: Uuid,
    pub user_name: String,
    pub active: bool,
    /// The resource as the provider last sent it, for its GET.
    pub resource: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user as SCIM writes them: the entry's screened fields and the provider's resource.
#[derive(Debug, Clone)]
pub struct ScimWrite {
    pub user_name: String,
    pub name: String,
    pub email: Option<String>,
    pub active: bool,
    pub resource: serde_json::Value,
}

/// Screening held an invitation: the entry it matched, how, and what an administrator decided.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScreeningHold {
    /// The entry matched (none once it was removed from the watchlist).
    pub entry: Option<WatchlistEntry>,
    /// `email` or `name`.
    pub matched: String,
    /// How close the names are, 0 to 1 (1 for an email match).
    pub score: f64,
    pub held_at: DateTime<Utc>,
    /// `false_positive` (not the listed person) or `allowed` (let in anyway); none while held.
    pub verdict: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

const SELECT_ENTRY: &str = "SELECT w.id, w.name, w.email, w.company, w.date_of_birth, w.reason, \
     w.source, u.display_name, w.expires_at, w.created_at \
     FROM watchlist_entries w LEFT JOIN users u ON u.id = w.added_by";

type EntryRow = (
    Uuid,
    String,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    String,
    String,
    Option<String>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

fn entry(row: EntryRow) -> Result<WatchlistEntry, StoreError> {
    let (id, name, email, company, date_of_birth, reason, source, added_by, expires_at, created_at) =
        row;
    Ok(WatchlistEntry {
        source: EntrySource::from_name(&source)
            .ok_or_else(|| StoreError::Corrupt(format!("watchlist entry {id}: source {source}")))?,
        id,
        name,
        email,
        company,
        date_of_birth,
        reason,
        added_by,
        expires_at,
        created_at,
    })
}

/// Holds invitation `$invitation` (a `Uuid`), which stood at approval status `$from` (`&str`),
/// for the [`NewHold`](super::NewHold) `$hold`, inside the open transaction, with its
/// `screening_hit` entry in the audit log.
macro_rules! hold {
    ($tx:expr, $invitation:expr, $hold:expr, $from:expr, $at:expr) => {{
        let invitation: ::uuid::Uuid = $invitation;
        let hold: &$crate::store::NewHold = $hold;
        let from: &str = $from;
        sqlx::query(
            "INSERT INTO screening_holds (invitation_id, entry_id, matched, score, held_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(invitation)
        .bind(hold.entry)
        .bind(hold.matched)
        .bind(hold.score)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
        let reason = format!(
            "matched watchlist entry {} by {} ({:.2})",
            hold.entry, hold.matched, hold.score
        );
        $crate::store::audit::append!(
            $tx,
            invitation,
            None,
            "screening_hit",
            Some(from),
            "pending",
            Some(reason.as_str()),
            $at
        );
    }};
}
pub(super) use hold;

/// Inside the open transaction: holds invitation `$id` (a `Uuid`) made before its visitor was
/// listed, if it is still `$from` (an `ApprovalStatus`), its visitor expected and never held —
/// back to pending, its credential revoked if it was approved, `$outbox` queued; whether it did.
macro_rules! hold_made {
    ($tx:expr, $id:expr, $from:expr, $hold:expr, $at:expr, $outbox:expr) => {{
        let id: ::uuid::Uuid = $id;
        let from: gatehouse_core::ApprovalStatus = $from;
        let at: ::chrono::DateTime<::chrono::Utc> = $at;
        let held = sqlx::query(
            "UPDATE invitations SET approval_status = 'pending', updated_at = $1, awaiting_host = FALSE \
             WHERE id = $2 AND approval_status = $3 AND visit_status = 'expected' \
               AND NOT EXISTS (SELECT 1 FROM screening_holds s WHERE s.invitation_id = $2)",
        )
        .bind(at)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *$tx)
        .await?
        .rows_affected()
            == 1;
        if held {
            $crate::store::watchlist::hold!($tx, id, $hold, from.as_str(), at);
            $crate::store::outbox::enqueue!($tx, $outbox, at);
            if from == gatehouse_core::ApprovalStatus::Approved {
                let _ = $crate::store::credentials::revoke_live_credential!(
                    $tx,
                    id,
                    None,
                    "screening held the invitation",
                    at
                );
            }
        }
        held
    }};
}
pub(super) use hold_made;

/// Inside the open transaction: if invitation `$id` (a `Uuid`) is still pending and held, moves
/// it as the [`Change`](super::Change) `$approval` says, records the verdict `$verdict` with
/// `$reason` on its hold and in the audit log; whether it did.
macro_rules! verdict {
    ($tx:expr, $id:expr, $verdict:expr, $reason:expr, $approval:expr) => {{
        let id: ::uuid::Uuid = $id;
        let approval: &$crate::store::Change = $approval;
        let moved = sqlx::query(
            "UPDATE invitations SET approval_status = $1, updated_at = $2, awaiting_host = FALSE \
             WHERE id = $3 AND approval_status = 'pending' AND EXISTS \
               (SELECT 1 FROM screening_holds s WHERE s.invitation_id = $3 AND s.verdict IS NULL)",
        )
        .bind(approval.to.as_str())
        .bind(approval.at)
        .bind(id)
        .execute(&mut *$tx)
        .await?
        .rows_affected()
            == 1;
        if moved {
            let verdict: &str = $verdict;
            sqlx::query(
                "UPDATE screening_holds SET verdict = $1, decided_by = $2, decided_at = $3 \
                 WHERE invitation_id = $4",
            )
            .bind(verdict)
            .bind(approval.actor.map(|u| u.0))
            .bind(approval.at)
            .bind(id)
            .execute(&mut *$tx)
            .await?;
            let action = format!("screening_{verdict}");
            let reason: &str = $reason;
            $crate::store::audit::append!(
                $tx,
                id,
                approval.actor.map(|u| u.0),
                &action,
                Some("pending"),
                "pending",
                Some(reason),
                approval.at
            );
        }
        moved
    }};
}
pub(super) use verdict;

/// The reason an entry the identity provider deactivated carries.
pub const SCIM_REASON: &str = "deactivated in the identity provider";

impl Database {
    /// Stores `entries` in one transaction; their ids.
    pub async fn add_watchlist_entries(
        &self,
        facility: FacilityId,
        entries: &[NewEntry],
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut ids = Vec::with_capacity(entries.len());
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for new in entries {
                let id = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO watchlist_entries (id, facility_id, name, email, company, \
                       date_of_birth, reason, source, added_by, expires_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                )
                .bind(id)
                .bind(facility.0)
                .bind(&new.name)
                .bind(&new.email)
                .bind(&new.company)
                .bind(new.date_of_birth)
                .bind(&new.reason)
                .bind(new.source.as_str())
                .bind(new.added_by.map(|u| u.0))
                .bind(new.expires_at)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                ids.push(id);
            }
            tx.commit().await?;
        });
        Ok(ids)
    }

    /// The entries screening reads at `now`: every unexpired one, and the identity provider's
    /// users only while deactivated; oldest first.
    pub async fn watchlist(
        &self,
        facility: FacilityId,
        now: DateTime<Utc>,
    ) -> Result<Vec<WatchlistEntry>, StoreError> {
        let sql = format!(
            "{SELECT_ENTRY} WHERE w.facility_id = $1 \
               AND (w.scim_active IS NULL OR w.scim_active = FALSE) \
               AND (w.expires_at IS NULL OR w.expires_at > $2) \
             ORDER BY w.created_at, w.id"
        );
        let rows: Vec<EntryRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .bind(now)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(entry).collect()
    }

    pub async fn watchlist_entry(
        &self,
        facility: FacilityId,
        id: Uuid,
    ) -> Result<Option<WatchlistEntry>, StoreError> {
        let sql = format!("{SELECT_ENTRY} WHERE w.facility_id = $1 AND w.id = $2");
        let row: Option<EntryRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(entry).transpose()
    }

    /// Removes an entry the portal or an import made (the identity provider's go through
    /// SCIM); whether there was one.
    pub async fn remove_watchlist_entry(
        &self,
        facility: FacilityId,
        id: Uuid,
    ) -> Result<bool, StoreError> {
        let removed = on_pool!(self, pool => sqlx::query(
            "DELETE FROM watchlist_entries WHERE facility_id = $1 AND id = $2 AND scim_id IS NULL",
        )
        .bind(facility.0)
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(removed == 1)
    }

    /// The facility's invitations screening may still hold: the visitor still expected, the
    /// visit not over at `now`, pending or approved, never held before.
    pub async fn screenable_invitations(
        &self,
        facility: FacilityId,
        now: DateTime<Utc>,
    ) -> Result<Vec<super::InvitationRecord>, StoreError> {
        let sql = format!(
            "{} WHERE i.facility_id = $1 AND i.visit_status = 'expected' AND i.ends_at > $2 \
               AND i.approval_status IN ('pending', 'approved') \
               AND NOT EXISTS (SELECT 1 FROM screening_holds s WHERE s.invitation_id = i.id) \
             ORDER BY i.starts_at, i.id",
            super::invitations::SELECT_INVITATION
        );
        let rows: Vec<super::invitations::InvitationRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(facility.0)
            .bind(now)
            .fetch_all(pool)
            .await?);
        rows.into_iter()
            .map(super::InvitationRecord::try_from)
            .collect()
    }

    /// The facility whose SCIM token has this digest.
    pub async fn scim_facility(&self, digest: &str) -> Result<Option<FacilityId>, StoreError> {
        let facility: Option<Uuid> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT facility_id FROM scim_tokens WHERE digest = $1",
        )
        .bind(digest)
        .fetch_optional(pool)
        .await?);
        Ok(facility.map(Into::into))
    }

    /// Replaces the facility's SCIM token (the old one stops working).
    pub async fn set_scim_token(
        &self,
        facility: FacilityId,
        digest: &str,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO scim_tokens (facility_id, digest, created_by, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (facility_id) DO UPDATE \
             SET digest = excluded.digest, created_by = excluded.created_by, \
                 created_at = excluded.created_at",
        )
        .bind(facility.0)
        .bind(digest)
        .bind(by.0)
        .bind(now)
        .execute(pool)
        .await
        .map(drop)?);
        Ok(())
    }

    /// The SCIM users of the facility, by `userName` if given, in creation order.
    pub async fn scim_users(
        &self,
        facility: FacilityId,
        user_name: Option<&str>,
    ) -> Result<Vec<ScimUser>, StoreError> {
        let sql = format!(
            "{SELECT_SCIM_USER} AND ($2 IS NULL OR lower(scim_id) = lower($2)) \
             ORDER BY created_at, id"
        );
        let rows: Vec<ScimRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(facility.0)
        .bind(user_name)
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(scim_user).collect()
    }

    pub async fn scim_user(
        &self,
        facility: FacilityId,
        id: Uuid,
    ) -> Result<Option<ScimUser>, StoreError> {
        let sql = format!("{SELECT_SCIM_USER} AND id = $2");
        let row: Option<ScimRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(facility.0)
        .bind(id)
        .fetch_optional(pool)
        .await?);
        row.map(scim_user).transpose()
    }

    /// Stores a new SCIM user; `Duplicate` if the `userName` is taken.
    pub async fn create_scim_user(
        &self,
        facility: FacilityId,
        user: &ScimWrite,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO watchlist_entries (id, facility_id, name, email, reason, source, \
               scim_id, scim_active, scim_resource, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'scim', $6, $7, $8, $9, $9)",
        )
        .bind(id)
        .bind(facility.0)
        .bind(&user.name)
        .bind(&user.email)
        .bind(SCIM_REASON)
        .bind(&user.user_name)
        .bind(user.active)
        .bind(user.resource.to_string())
        .bind(now)
        .execute(pool)
        .await
        .map(drop)
        .map_err(StoreError::unique("a SCIM user with this userName"))?);
        Ok(id)
    }

    /// Replaces a SCIM user; whether there was one.
    pub async fn replace_scim_user(
        &self,
        facility: FacilityId,
        id: Uuid,
        user: &ScimWrite,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let replaced = on_pool!(self, pool => sqlx::query(
            "UPDATE watchlist_entries SET name = $1, email = $2, scim_id = $3, scim_active = $4, \
               scim_resource = $5, updated_at = $6 \
             WHERE facility_id = $7 AND id = $8 AND scim_id IS NOT NULL",
        )
        .bind(&user.name)
        .bind(&user.email)
        .bind(&user.user_name)
        .bind(user.active)
        .bind(user.resource.to_string())
        .bind(now)
        .bind(facility.0)
        .bind(id)
        .execute(pool)
        .await
        .map_err(StoreError::unique("a SCIM user with this userName"))?
        .rows_affected());
        Ok(replaced == 1)
    }

    /// Deletes a SCIM user; whether there was one.
    pub async fn delete_scim_user(
        &self,
        facility: FacilityId,
        id: Uuid,
    ) -> Result<bool, StoreError> {
        let deleted = on_pool!(self, pool => sqlx::query(
            "DELETE FROM watchlist_entries WHERE facility_id = $1 AND id = $2 AND scim_id IS NOT NULL",
        )
        .bind(facility.0)
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(deleted == 1)
    }

    /// The hold screening put on an invitation, if it did.
    pub async fn screening_hold(
        &self,
        facility: FacilityId,
        invitation: InvitationId,
    ) -> Result<Option<ScreeningHold>, StoreError> {
        type Row = (
            Option<Uuid>,
            String,
            f64,
            DateTime<Utc>,
            Option<String>,
            Option<String>,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT h.entry_id, h.matched, h.score, h.held_at, h.verdict, u.display_name, h.decided_at \
             FROM screening_holds h LEFT JOIN users u ON u.id = h.decided_by \
             WHERE h.invitation_id = $1",
        )
        .bind(invitation.0)
        .fetch_optional(pool)
        .await?);
        let Some((entry_id, matched, score, held_at, verdict, decided_by, decided_at)) = row else {
            return Ok(None);
        };
        let entry = match entry_id {
            Some(id) => self.watchlist_entry(facility, id).await?,
            None => None,
        };
        Ok(Some(ScreeningHold {
            entry,
            matched,
            score,
            held_at,
            verdict,
            decided_by,
            decided_at,
        }))
    }
}

/// A facility's (`$1`) SCIM users, as [`ScimRow`]s.
const SELECT_SCIM_USER: &str = "SELECT id, scim_id, scim_active, scim_resource, created_at, \
     updated_at FROM watchlist_entries WHERE facility_id = $1 AND scim_id IS NOT NULL";

type ScimRow = (
    Uuid,
    String,
    Option<bool>,
    Option<String>,
    DateTime<Utc>,
    DateTime<Utc>,
);

fn scim_user(row: ScimRow) -> Result<ScimUser, StoreError> {
    let (id, user_name, active, resource, created_at, updated_at) = row;
    let resource = serde_json::from_str(resource.as_deref().unwrap_or("{}"))
        .map_err(|error| StoreError::Corrupt(format!("SCIM user {id}: {error}")))?;
    Ok(ScimUser {
        id,
        user_name,
        active: active.unwrap_or(true),
        resource,
        created_at,
        updated_at,
    })
}
