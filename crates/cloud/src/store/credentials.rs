//! Visits' door credentials: prepared for an approved invitation, issued at check-in, revoked
//! for good. Every issue and revoke is written in the same transaction as what caused it, with
//! an entry in the invitation's history.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use gatehouse_core::{
    CredentialId, FacilityId, InvitationId, UserId, ZoneId, category::RequiredDocument,
    policy::Grant,
};
use serde::Serialize;
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

/// Where a credential is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialState {
    /// Signed for an approved invitation; opens nothing until the visitor checks in.
    Prepared,
    /// The visitor checked in: it opens its zones' doors in its window.
    Issued,
    /// Over for good: checked out, the window ended, the invitation withdrawn, or reception.
    Revoked,
}

impl CredentialState {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "prepared" => Self::Prepared,
            "issued" => Self::Issued,
            "revoked" => Self::Revoked,
            _ => return None,
        })
    }
}

/// A credential as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    pub id: CredentialId,
    pub invitation: InvitationId,
    pub facility: FacilityId,
    pub kid: u32,
    pub grant: Grant,
    /// Documents still to hand in before it may be issued.
    pub missing: BTreeSet<RequiredDocument>,
    pub token: String,
    pub state: CredentialState,
    pub prepared_at: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

type CredentialRow = (
    Uuid,
    Uuid,
    Uuid,
    i64,
    DateTime<Utc>,
    DateTime<Utc>,
    String,
    bool,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

const COLUMNS: &str = "id, invitation_id, facility_id, kid, not_before, not_after, zones, escort, \
    missing, token, state, prepared_at, issued_at, revoked_at, revoked_reason";

fn record(row: CredentialRow) -> Result<CredentialRecord, StoreError> {
    let (id, invitation, facility, kid, not_before, not_after, zones, escort, missing, token) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9,
    );
    let corrupt = |what: &str| StoreError::Corrupt(format!("credential {id}: {what}"));
    let zones: BTreeSet<ZoneId> = serde_json::from_str(&zones).map_err(|_| corrupt("zones"))?;
    Ok(CredentialRecord {
        id: CredentialId(id),
        invitation: InvitationId(invitation),
        facility: FacilityId(facility),
        kid: u32::try_from(kid).map_err(|_| corrupt("key id"))?,
        grant: Grant {
            not_before,
            not_after,
            zones,
            escort,
        },
        missing: serde_json::from_str(&missing).map_err(|_| corrupt("missing documents"))?,
        token,
        state: CredentialState::from_name(&row.10).ok_or_else(|| corrupt("state"))?,
        prepared_at: row.11,
        issued_at: row.12,
        revoked_at: row.13,
        revoked_reason: row.14,
    })
}

/// Revokes the live credential of invitation `$invitation` (a `Uuid`) inside the open
/// transaction, with an entry in its history (by `$actor`, for `$reason`, at `$at`) if there
/// was one; evaluates to whether there was.
macro_rules! revoke_live_credential {
    ($tx:expr, $invitation:expr, $actor:expr, $reason:expr, $at:expr) => {{
        let invitation: ::uuid::Uuid = $invitation;
        let reason: &str = $reason;
        let at: ::chrono::DateTime<::chrono::Utc> = $at;
        let revoked = sqlx::query(
            "UPDATE credentials SET state = 'revoked', revoked_at = $1, revoked_reason = $2 \
             WHERE invitation_id = $3 AND state <> 'revoked'",
        )
        .bind(at)
        .bind(reason)
        .bind(invitation)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if revoked > 0 {
            $crate::store::connectors::revoke_access!($tx, invitation, at);
            $crate::store::credentials::history_entry!(
                $tx,
                invitation,
                "credential_revoked",
                $actor,
                Some(reason),
                at
            );
        }
        revoked > 0
    }};
}
pub(crate) use revoke_live_credential;

/// An entry `$action` in invitation `$invitation`'s history that leaves its approval as it is.
macro_rules! history_entry {
    ($tx:expr, $invitation:expr, $action:expr, $actor:expr, $reason:expr, $at:expr) => {{
        let actor: Option<::gatehouse_core::UserId> = $actor;
        let reason: Option<&str> = $reason;
        let invitation: ::uuid::Uuid = $invitation;
        let status: String =
            sqlx::query_scalar("SELECT approval_status FROM invitations WHERE id = $1")
                .bind(invitation)
                .fetch_one(&mut *$tx)
                .await?;
        $crate::store::audit::append!(
            $tx,
            invitation,
            actor.map(|person| person.0),
            $action,
            Some(status.as_str()),
            status.as_str(),
            reason,
            $at
        );
    }};
}
pub(crate) use history_entry;

/// Issues invitation `$invitation`'s prepared credential at check-in (`$at`), inside the open
/// transaction, with its history entry and — if it is the very credential `$door_pass` was
/// composed for — the guest's door-pass email; evaluates to whether there was one to issue.
macro_rules! issue_prepared_credential {
    ($tx:expr, $invitation:expr, $actor:expr, $at:expr, $door_pass:expr) => {{
        let invitation: ::uuid::Uuid = $invitation;
        let at: ::chrono::DateTime<::chrono::Utc> = $at;
        let door_pass: Option<&$crate::store::DoorPassEmail> = $door_pass;
        let issued: Option<(String,)> = sqlx::query_as(
            "UPDATE credentials SET state = 'issued', issued_at = $1 \
             WHERE invitation_id = $2 AND state = 'prepared' AND missing = '[]' RETURNING token",
        )
        .bind(at)
        .bind(invitation)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((token,)) = &issued {
            $crate::store::credentials::history_entry!(
                $tx,
                invitation,
                "credential_issued",
                $actor,
                None,
                at
            );
            $crate::store::connectors::provision_access!($tx, invitation, at);
            let email = door_pass
                .filter(|pass| &pass.token == token)
                .map(|pass| &pass.email);
            $crate::store::outbox::enqueue!($tx, email, at);
        }
        issued.is_some()
    }};
}
pub(crate) use issue_prepared_credential;

/// The guest's door-pass email, composed for the credential `token` before the transaction that
/// issues it: it is sent only if that very credential is issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoorPassEmail {
    pub token: String,
    pub email: super::OutboxItem,
}

/// A credential to prepare for an invitation that has none live.
#[derive(Debug, Clone)]
pub struct NewCredential<'a> {
    pub id: CredentialId,
    pub invitation: InvitationId,
    pub facility: FacilityId,
    pub kid: u32,
    pub grant: &'a Grant,
    pub missing: &'a BTreeSet<RequiredDocument>,
    pub token: &'a str,
    pub at: DateTime<Utc>,
}

impl Database {
    /// Stores `new` as its invitation's credential, unless it has a live one or is no longer an
    /// approved visit still to come; answers the live credential either way.
    pub async fn prepare_credential(
        &self,
        new: &NewCredential<'_>,
    ) -> Result<Option<CredentialRecord>, StoreError> {
        let zones = serde_json::to_string(&new.grant.zones).expect("zones serialize");
        let missing = serde_json::to_string(new.missing).expect("documents serialize");
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO credentials (id, invitation_id, facility_id, kid, not_before, not_after, \
               zones, escort, missing, token, state, prepared_at) \
             SELECT $1, id, facility_id, $2, $3, $4, $5, $6, $7, $8, 'prepared', $9 \
             FROM invitations WHERE id = $10 AND approval_status = 'approved' \
               AND visit_status = 'expected' \
             ON CONFLICT DO NOTHING",
        )
        .bind(new.id.0)
        .bind(i64::from(new.kid))
        .bind(new.grant.not_before)
        .bind(new.grant.not_after)
        .bind(zones)
        .bind(new.grant.escort)
        .bind(missing)
        .bind(new.token)
        .bind(new.at)
        .bind(new.invitation.0)
        .execute(pool)
        .await?.rows_affected());
        self.live_credential(new.invitation).await
    }

    /// The invitation's credential that is not revoked, if it has one.
    pub async fn live_credential(
        &self,
        invitation: InvitationId,
    ) -> Result<Option<CredentialRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM credentials WHERE invitation_id = $1 AND state <> 'revoked'"
        );
        let row: Option<CredentialRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(invitation.0)
            .fetch_optional(pool)
            .await?);
        row.map(record).transpose()
    }

    /// Every credential the invitation had, the newest first.
    pub async fn credentials_of(
        &self,
        invitation: InvitationId,
    ) -> Result<Vec<CredentialRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM credentials WHERE invitation_id = $1 ORDER BY prepared_at DESC, id"
        );
        let rows: Vec<CredentialRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(invitation.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(record).collect()
    }

    pub async fn credential(
        &self,
        id: CredentialId,
    ) -> Result<Option<CredentialRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM credentials WHERE id = $1");
        let row: Option<CredentialRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(record).transpose()
    }

    /// Revokes the invitation's live credential for `reason`; answers whether it had one.
    pub async fn revoke_credential(
        &self,
        invitation: InvitationId,
        by: Option<UserId>,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let revoked = revoke_live_credential!(tx, invitation.0, by, reason, at);
            if revoked {
                // The kiosks hear of it through their change feed.
                sqlx::query("UPDATE invitations SET visit_status = visit_status, updated_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(invitation.0)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            revoked
        }))
    }

    /// Revokes every credential whose window ended before `now`; answers how many were issued.
    pub async fn revoke_ended_credentials(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let ended: Vec<(Uuid,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT invitation_id FROM credentials WHERE state = 'issued' AND not_after < $1",
        )
        .bind(now)
        .fetch_all(pool)
        .await?);
        let mut revoked = 0;
        for (invitation,) in ended {
            if self
                .revoke_credential(InvitationId(invitation), None, WINDOW_ENDED, now)
                .await?
            {
                revoked += 1;
            }
        }
        // Prepared ones nobody came for end quietly.
        on_pool!(self, pool => sqlx::query(
            "UPDATE credentials SET state = 'revoked', revoked_at = $1, revoked_reason = $2 \
             WHERE state = 'prepared' AND not_after < $1",
        )
        .bind(now)
        .bind(WINDOW_ENDED)
        .execute(pool)
        .await?.rows_affected());
        Ok(revoked)
    }
}

/// Why a credential ended at its window's end.
pub const WINDOW_ENDED: &str = "the visit's window ended";
