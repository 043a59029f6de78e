//! A facility's access-control connector, and the ledger of what each visit was given there.

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, InvitationId};
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

/// A connector as stored: its secrets still sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConnector {
    pub facility: FacilityId,
    pub kind: String,
    pub base_url: String,
    pub sealed_secret: Vec<u8>,
    pub sealed_webhook: Option<Vec<u8>>,
    pub door_mapping: String,
    pub updated_at: DateTime<Utc>,
}

/// What a visit was given in the facility's system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessGrant {
    pub visit: InvitationId,
    pub facility: FacilityId,
    pub kind: String,
    pub vendor_id: Option<String>,
    pub sealed_pin: Option<Vec<u8>>,
    pub state: String,
    pub last_error: Option<String>,
    pub provisioned_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

type GrantRow = (
    Uuid,
    Uuid,
    String,
    Option<String>,
    Option<Vec<u8>>,
    String,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

fn grant(row: GrantRow) -> AccessGrant {
    let (
        visit,
        facility,
        kind,
        vendor_id,
        sealed_pin,
        state,
        last_error,
        provisioned_at,
        revoked_at,
    ) = row;
    AccessGrant {
        visit: InvitationId(visit),
        facility: FacilityId(facility),
        kind,
        vendor_id,
        sealed_pin,
        state,
        last_error,
        provisioned_at,
        revoked_at,
    }
}

const GRANT_COLUMNS: &str = "invitation_id, facility_id, kind, vendor_id, sealed_pin, state, \
    last_error, provisioned_at, revoked_at";

/// Inside the open transaction of a check-in that issued `$invitation`'s credential: if its
/// facility has a connector, the visit's grant there is to be provisioned — a ledger row and an
/// `access.provision` job in the outbox, due at `$at`. A retried check-in changes nothing.
macro_rules! provision_access {
    ($tx:expr, $invitation:expr, $at:expr) => {{
        let invitation: ::uuid::Uuid = $invitation;
        let added = sqlx::query(
            "INSERT INTO access_grants (invitation_id, facility_id, kind, state) \
             SELECT i.id, i.facility_id, c.kind, 'provisioning' FROM invitations i \
             JOIN connectors c ON c.facility_id = i.facility_id WHERE i.id = $1 \
             ON CONFLICT (invitation_id, kind) DO NOTHING",
        )
        .bind(invitation)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if added > 0 {
            let job = $crate::store::OutboxItem::new(
                "access.provision",
                &::serde_json::json!({ "invitation": invitation }),
            );
            $crate::store::outbox::enqueue!($tx, [&job], $at);
        }
    }};
}
pub(crate) use provision_access;

/// Inside the open transaction that revoked `$invitation`'s credential: its grant in the
/// facility's system is to be revoked too — an `access.revoke` job, due at `$at`.
macro_rules! revoke_access {
    ($tx:expr, $invitation:expr, $at:expr) => {{
        let invitation: ::uuid::Uuid = $invitation;
        let kinds: Vec<String> = sqlx::query_scalar(
            "UPDATE access_grants SET state = 'revoking' \
             WHERE invitation_id = $1 AND state IN ('provisioning', 'provisioned') RETURNING kind",
        )
        .bind(invitation)
        .fetch_all(&mut *$tx)
        .await?;
        let jobs: Vec<$crate::store::OutboxItem> = kinds
            .iter()
            .map(|_| {
                $crate::store::OutboxItem::new(
                    "access.revoke",
                    &::serde_json::json!({ "invitation": invitation }),
                )
            })
            .collect();
        $crate::store::outbox::enqueue!($tx, jobs.iter(), $at);
    }};
}
pub(crate) use revoke_access;

impl Database {
    pub async fn connector(
        &self,
        facility: FacilityId,
    ) -> Result<Option<StoredConnector>, StoreError> {
        type Row = (
            String,
            String,
            Vec<u8>,
            Option<Vec<u8>>,
            String,
            DateTime<Utc>,
        );
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kind, base_url, sealed_secret, sealed_webhook, door_mapping, updated_at \
             FROM connectors WHERE facility_id = $1",
        )
        .bind(facility.0)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(
            |(kind, base_url, sealed_secret, sealed_webhook, door_mapping, updated_at)| {
                StoredConnector {
                    facility,
                    kind,
                    base_url,
                    sealed_secret,
                    sealed_webhook,
                    door_mapping,
                    updated_at,
                }
            },
        ))
    }

    /// Sets the facility's connector (replacing the one before).
    pub async fn save_connector(&self, connector: &StoredConnector) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO connectors (facility_id, kind, base_url, sealed_secret, sealed_webhook, \
               door_mapping, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (facility_id) DO UPDATE SET kind = excluded.kind, \
               base_url = excluded.base_url, sealed_secret = excluded.sealed_secret, \
               sealed_webhook = excluded.sealed_webhook, door_mapping = excluded.door_mapping, \
               updated_at = excluded.updated_at, events_read_until = NULL",
        )
        .bind(connector.facility.0)
        .bind(&connector.kind)
        .bind(&connector.base_url)
        .bind(&connector.sealed_secret)
        .bind(&connector.sealed_webhook)
        .bind(&connector.door_mapping)
        .bind(connector.updated_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn access_grants_of(
        &self,
        visit: InvitationId,
    ) -> Result<Vec<AccessGrant>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} FROM access_grants WHERE invitation_id = $1 ORDER BY kind"
        ));
        let rows: Vec<GrantRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(visit.0)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(grant).collect())
    }

    /// Every grant of the facility, for the reconcile job.
    pub async fn access_grants_of_facility(
        &self,
        facility: FacilityId,
    ) -> Result<Vec<AccessGrant>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} FROM access_grants WHERE facility_id = $1 ORDER BY invitation_id"
        ));
        let rows: Vec<GrantRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(facility.0)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(grant).collect())
    }

    /// The facility's grants still in force, and those revoked since `since`: what reception
    /// sees of today's visits.
    pub async fn access_grants_since(
        &self,
        facility: FacilityId,
        since: DateTime<Utc>,
    ) -> Result<Vec<AccessGrant>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} FROM access_grants \
             WHERE facility_id = $1 AND (state <> 'revoked' OR revoked_at >= $2) \
             ORDER BY invitation_id"
        ));
        let rows: Vec<GrantRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(facility.0)
            .bind(since)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(grant).collect())
    }

    /// The system made `vendor_id` for the visit: provisioned, unless it was revoked meanwhile
    /// (then it stays `revoking`, with the id its revocation needs). Whether it was revoked.
    pub async fn access_provisioned(
        &self,
        visit: InvitationId,
        vendor_id: &str,
        sealed_pin: Option<&[u8]>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let state: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
            "UPDATE access_grants SET vendor_id = $1, sealed_pin = $2, provisioned_at = $3, \
               last_error = NULL, \
               state = CASE WHEN state = 'provisioning' THEN 'provisioned' ELSE state END \
             WHERE invitation_id = $4 RETURNING state",
        )
        .bind(vendor_id)
        .bind(sealed_pin)
        .bind(at)
        .bind(visit.0)
        .fetch_optional(pool)
        .await?);
        Ok(state.as_deref() == Some("revoking"))
    }

    pub async fn access_revoked(
        &self,
        visit: InvitationId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE access_grants SET state = 'revoked', revoked_at = $1, last_error = NULL \
             WHERE invitation_id = $2",
        )
        .bind(at)
        .bind(visit.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Why the last attempt at the visit's grant failed, for reception.
    pub async fn access_failed(&self, visit: InvitationId, error: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE access_grants SET last_error = $1 WHERE invitation_id = $2",
        )
        .bind(error)
        .bind(visit.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The facilities with a connector.
    pub async fn connected_facilities(&self) -> Result<Vec<FacilityId>, StoreError> {
        let ids: Vec<Uuid> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT facility_id FROM connectors ORDER BY facility_id",
        )
        .fetch_all(pool)
        .await?);
        Ok(ids.into_iter().map(FacilityId).collect())
    }

    /// An entry `action` in the visit's history, by the cloud, for `reason`.
    pub async fn record_history(
        &self,
        visit: InvitationId,
        action: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            super::credentials::history_entry!(tx, visit.0, action, None, Some(reason), at);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The visit the system's `vendor_id` was made for.
    pub async fn visit_of_vendor_id(
        &self,
        facility: FacilityId,
        vendor_id: &str,
    ) -> Result<Option<InvitationId>, StoreError> {
        let visit: Option<Uuid> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT invitation_id FROM access_grants WHERE facility_id = $1 AND vendor_id = $2",
        )
        .bind(facility.0)
        .bind(vendor_id)
        .fetch_optional(pool)
        .await?);
        Ok(visit.map(InvitationId))
    }

    /// Until when the facility's system's door-event log has been read.
    pub async fn events_read_until(
        &self,
        facility: FacilityId,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let until: Option<Option<DateTime<Utc>>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT events_read_until FROM connectors WHERE facility_id = $1",
        )
        .bind(facility.0)
        .fetch_optional(pool)
        .await?);
        Ok(until.flatten())
    }

    pub async fn set_events_read_until(
        &self,
        facility: FacilityId,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE connectors SET events_read_until = $1 WHERE facility_id = $2",
        )
        .bind(until)
        .bind(facility.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
