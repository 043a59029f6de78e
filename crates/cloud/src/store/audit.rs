//! The audit log: every entry of every visit's history, append-only and hash-chained per
//! facility. An entry's hash covers its fields and the hash of the entry before it, so editing,
//! inserting or deleting one breaks the chain exactly there; the facility's head (its newest
//! entry's place and hash) shows entries cut from the end.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::TryStreamExt as _;
use gatehouse_core::{FacilityId, digest::sha256_hex};
use serde::Serialize;
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

/// The hash a facility's first entry chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of a facility's audit log, as stored and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub facility_id: Uuid,
    pub seq: i64,
    pub id: Uuid,
    pub invitation_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must carry: over its fields (times to the microsecond both databases
    /// keep) and the hash before it.
    pub fn expected_hash(&self) -> String {
        let fields = serde_json::json!([
            self.facility_id,
            self.seq,
            self.id,
            self.invitation_id,
            self.actor_id,
            self.action,
            self.from_status,
            self.to_status,
            self.reason,
            self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.prev_hash,
        ]);
        sha256_hex(fields.to_string().as_bytes())
    }
}

/// `at` as both databases store it: PostgreSQL keeps microseconds, so the hash does too.
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// Appends an entry to the history of invitation `$invitation` (a `Uuid`) and to its facility's
/// chain, inside the open transaction: `$action` by `$actor` (`Option<Uuid>`), the approval
/// moving `$from` → `$to` (`Option<&str>`, `&str`), with `$reason`, at `$at`. Taking the head's
/// row lock first puts concurrent entries of one facility in one order.
macro_rules! append {
    ($tx:expr, $invitation:expr, $actor:expr, $action:expr, $from:expr, $to:expr, $reason:expr, $at:expr) => {{
        let invitation: ::uuid::Uuid = $invitation;
        let facility: ::uuid::Uuid =
            sqlx::query_scalar("SELECT facility_id FROM invitations WHERE id = $1")
                .bind(invitation)
                .fetch_one(&mut *$tx)
                .await?;
        sqlx::query(
            "INSERT INTO audit_heads (facility_id, seq, hash) VALUES ($1, 0, $2) \
             ON CONFLICT (facility_id) DO NOTHING",
        )
        .bind(facility)
        .bind($crate::store::audit::GENESIS)
        .execute(&mut *$tx)
        .await?;
        let (seq, prev_hash): (i64, String) = sqlx::query_as(
            "UPDATE audit_heads SET seq = seq + 1 WHERE facility_id = $1 RETURNING seq, hash",
        )
        .bind(facility)
        .fetch_one(&mut *$tx)
        .await?;
        let mut entry = $crate::store::audit::AuditEntry {
            facility_id: facility,
            seq,
            id: ::uuid::Uuid::now_v7(),
            invitation_id: invitation,
            actor_id: $actor,
            action: ::std::string::ToString::to_string($action),
            from_status: ::std::option::Option::map($from, ::std::string::ToString::to_string),
            to_status: ::std::string::ToString::to_string($to),
            reason: ::std::option::Option::map($reason, ::std::string::ToString::to_string),
            at: $crate::store::audit::to_micros($at),
            prev_hash,
            hash: ::std::string::String::new(),
        };
        entry.hash = entry.expected_hash();
        sqlx::query(
            "INSERT INTO invitation_events (id, invitation_id, actor_id, action, from_status, \
               to_status, reason, at, facility_id, seq, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(entry.id)
        .bind(entry.invitation_id)
        .bind(entry.actor_id)
        .bind(&entry.action)
        .bind(&entry.from_status)
        .bind(&entry.to_status)
        .bind(&entry.reason)
        .bind(entry.at)
        .bind(entry.facility_id)
        .bind(entry.seq)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_heads SET hash = $1 WHERE facility_id = $2")
            .bind(&entry.hash)
            .bind(facility)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use append;

/// What `audit verify` found wrong in one facility's chain, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Break {
    /// The entry's fields no longer match its hash: it was edited.
    Edited { seq: i64, id: Uuid },
    /// The entry does not chain to the one before it: an entry was inserted or deleted here.
    Unchained { seq: i64, id: Uuid },
    /// Entries between these places are gone.
    Missing { after: i64, next: i64 },
    /// Two entries claim one place: one was inserted.
    Duplicate { seq: i64, id: Uuid },
    /// The chain does not end at its recorded head: entries were cut from its end or added
    /// after it.
    Head { last: i64, head: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Edited { seq, id } => write!(f, "entry {seq} ({id}) was edited"),
            Self::Unchained { seq, id } => write!(
                f,
                "entry {seq} ({id}) does not follow the entry before it: one was inserted or deleted"
            ),
            Self::Missing { after, next } => {
                write!(
                    f,
                    "entries {}..{} are missing (deleted)",
                    after + 1,
                    next - 1
                )
            }
            Self::Duplicate { seq, id } => {
                write!(
                    f,
                    "entry {seq} ({id}) takes a place already taken: it was inserted"
                )
            }
            Self::Head { last, head } => write!(
                f,
                "the chain ends at entry {last} but its head says {head}: entries were cut from \
                 its end or added after it"
            ),
        }
    }
}

/// One facility's chain, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub facility_id: Uuid,
    pub entries: u64,
    pub breaks: Vec<Break>,
}

/// Checks entries read in chain order against their hashes, each other and the head.
#[derive(Debug)]
struct Checker {
    report: ChainReport,
    last: Option<(i64, String)>,
}

impl Checker {
    fn new(facility_id: Uuid) -> Self {
        Self {
            report: ChainReport {
                facility_id,
                entries: 0,
                breaks: Vec::new(),
            },
            last: None,
        }
    }

    fn check(&mut self, entry: &AuditEntry) {
        self.report.entries += 1;
        let breaks = &mut self.report.breaks;
        if entry.hash != entry.expected_hash() {
            breaks.push(Break::Edited {
                seq: entry.seq,
                id: entry.id,
            });
        }
        let (last_seq, last_hash) = self.last.clone().unwrap_or((0, GENESIS.to_owned()));
        if entry.seq == last_seq {
            breaks.push(Break::Duplicate {
                seq: entry.seq,
                id: entry.id,
            });
            return;
        }
        if entry.seq > last_seq + 1 {
            breaks.push(Break::Missing {
                after: last_seq,
                next: entry.seq,
            });
        } else if entry.prev_hash != last_hash {
            breaks.push(Break::Unchained {
                seq: entry.seq,
                id: entry.id,
            });
        }
        self.last = Some((entry.seq, entry.hash.clone()));
    }

    fn finish(mut self, head: Option<(i64, String)>) -> ChainReport {
        let (last_seq, last_hash) = self.last.unwrap_or((0, GENESIS.to_owned()));
        if let Some((head_seq, head_hash)) = head
            && (head_seq != last_seq || head_hash != last_hash)
        {
            self.report.breaks.push(Break::Head {
                last: last_seq,
                head: head_seq,
            });
        }
        self.report
    }
}

impl Database {
    /// Every facility's chain checked, or only `facility`'s.
    pub async fn verify_audit_log(
        &self,
        facility: Option<FacilityId>,
    ) -> Result<Vec<ChainReport>, StoreError> {
        let heads: Vec<(Uuid, i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT facility_id, seq, hash FROM audit_heads \
             WHERE $1 IS NULL OR facility_id = $1 ORDER BY facility_id",
        )
        .bind(facility.map(|f| f.0))
        .fetch_all(pool)
        .await?);
        let mut reports = Vec::with_capacity(heads.len());
        for (facility_id, head_seq, head_hash) in heads {
            let mut checker = Checker::new(facility_id);
            self.each_audit_entry(facility_id, |entry| checker.check(&entry))
                .await?;
            reports.push(checker.finish(Some((head_seq, head_hash))));
        }
        Ok(reports)
    }

    /// Calls `each` with a facility's entries in chain order, streamed (a chain may be long).
    pub async fn each_audit_entry(
        &self,
        facility: Uuid,
        mut each: impl FnMut(AuditEntry),
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut rows = sqlx::query_as::<_, AuditEntry>(
                "SELECT facility_id, seq, id, invitation_id, actor_id, action, from_status, \
                   to_status, reason, at, prev_hash, hash \
                 FROM invitation_events WHERE facility_id = $1 ORDER BY seq, id",
            )
            .bind(facility)
            .fetch(pool);
            while let Some(entry) = rows.try_next().await? {
                each(entry);
            }
        });
        Ok(())
    }

    /// The facilities that have an audit log.
    pub async fn audited_facilities(&self) -> Result<Vec<Uuid>, StoreError> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT facility_id FROM audit_heads ORDER BY facility_id",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Chains the history entries written before the log was chained (on start, once).
    pub(crate) async fn chain_unchained_history(&self) -> Result<u64, StoreError> {
        type Row = (
            Uuid,
            Uuid,
            Option<Uuid>,
            String,
            Option<String>,
            String,
            Option<String>,
            DateTime<Utc>,
        );
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, invitation_id, actor_id, action, from_status, to_status, reason, at \
             FROM invitation_events WHERE hash IS NULL ORDER BY at, id",
        )
        .fetch_all(pool)
        .await?);
        let chained = rows.len() as u64;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (id, invitation, actor, action, from, to, reason, at) in rows {
                append!(tx, invitation, actor, &action, from.as_deref(), &to, reason.as_deref(), at);
                // The entry is now in the chain under a new id; the old one goes.
                sqlx::query("DELETE FROM invitation_events WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(chained)
    }
}
