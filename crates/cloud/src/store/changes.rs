//! The change feed a kiosk pulls: its facility's invitations in the order they last changed,
//! from a cursor, in pages. No change is skipped even when transactions commit out of order
//! (see the migration `0003_invitation_changes`).

use chrono::{DateTime, Utc};
use gatehouse_core::FacilityId;
use uuid::Uuid;

use super::{
    StoreError,
    invitations::{InvitationRow, SELECT_INVITATION},
};
use crate::{Database, store::InvitationRecord};

/// Everything up to `(at, id)` in change order has been delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeCursor {
    at: i64,
    id: Uuid,
}

impl ChangeCursor {
    /// Before every change.
    pub const START: Self = Self {
        at: 0,
        id: Uuid::nil(),
    };

    /// The cursor as a kiosk keeps it: `<at>.<id>`.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at, self.id.simple())
    }

    /// Exactly what [`encode`](Self::encode) gives out (the OpenAPI document's pattern
    /// `^[0-9]{1,18}\.[0-9a-f]{32}$`), nothing else.
    pub fn parse(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('.')?;
        let digits = |part: &str, most: usize, allowed: fn(&u8) -> bool| {
            (1..=most).contains(&part.len()) && part.as_bytes().iter().all(allowed)
        };
        let lowercase_hex = |b: &u8| matches!(b, b'0'..=b'9' | b'a'..=b'f');
        if !(digits(at, 18, u8::is_ascii_digit) && id.len() == 32 && digits(id, 32, lowercase_hex))
        {
            return None;
        }
        Some(Self {
            at: at.parse().ok()?,
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

/// One page of changes, the cursor after it, and whether more are waiting.
#[derive(Debug)]
pub struct ChangePage {
    pub invitations: Vec<InvitationRecord>,
    pub cursor: ChangeCursor,
    pub more: bool,
}

#[derive(sqlx::FromRow)]
struct ChangedRow {
    #[sqlx(flatten)]
    row: InvitationRow,
    changed: i64,
}

impl Database {
    /// Up to `limit` invitations of `facility` changed after `after` that end after `ends_after`
    /// (a kiosk has no use for visits long over).
    pub async fn invitation_changes(
        &self,
        facility: FacilityId,
        after: ChangeCursor,
        ends_after: DateTime<Utc>,
        limit: u16,
    ) -> Result<ChangePage, StoreError> {
        let limit = i64::from(limit.max(1));
        // Changes below the horizon are final: on PostgreSQL, older than the oldest transaction
        // still running; on SQLite, whatever is committed (one writer, commits in order).
        let (rows, horizon): (Vec<ChangedRow>, i64) = match self {
            Self::Postgres(pool) => {
                let horizon: i64 = sqlx::query_scalar(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
                )
                .fetch_one(pool)
                .await?;
                let sql = format!(
                    "{} WHERE i.facility_id = $1 AND (i.changed_in, i.id) > ($2::text::xid8, $3) \
                     AND i.changed_in < $4::text::xid8 AND i.ends_at > $5 \
                     ORDER BY i.changed_in, i.id LIMIT $6",
                    with_change("i.changed_in::text::bigint")
                );
                let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(facility.0)
                    .bind(after.at.to_string())
                    .bind(after.id)
                    .bind(horizon.to_string())
                    .bind(ends_after)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?;
                (rows, horizon)
            }
            Self::Sqlite(pool) => {
                let sql = format!(
                    "{} WHERE i.facility_id = $1 AND (i.changed_in, i.id) > ($2, $3) \
                     AND i.ends_at > $4 ORDER BY i.changed_in, i.id LIMIT $5",
                    with_change("i.changed_in")
                );
                let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(facility.0)
                    .bind(after.at)
                    .bind(after.id)
                    .bind(ends_after)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?;
                (rows, i64::MAX)
            }
        };
        let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
        let cursor = match rows.last() {
            Some(last) if more => ChangeCursor {
                at: last.changed,
                id: last.row.id,
            },
            // A page that is not full has everything below the horizon: start after it next time.
            _ if horizon != i64::MAX => ChangeCursor {
                at: horizon - 1,
                id: Uuid::max(),
            },
            Some(last) => ChangeCursor {
                at: last.changed,
                id: last.row.id,
            },
            None => after,
        };
        let invitations = rows
            .into_iter()
            .map(|changed| InvitationRecord::try_from(changed.row))
            .collect::<Result<_, _>>()?;
        Ok(ChangePage {
            invitations,
            cursor,
            more,
        })
    }
}

/// The invitation columns and the change marker, as `changed`.
fn with_change(marker: &str) -> String {
    SELECT_INVITATION.replacen(
        " FROM invitations i",
        &format!(", {marker} AS changed FROM invitations i"),
        1,
    )
}
