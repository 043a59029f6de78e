//! The kiosk's local store (SQLite, WAL): its enrollment, a copy of its facility's invitations
//! kept current from the cloud's change feed, and an outbox of what happened here. Every change
//! is one transaction, so a kiosk killed mid-way loses nothing and doubles nothing.

use std::{path::Path, str::FromStr as _, time::Duration};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use gatehouse_core::{
    InvitationId, Language, UserId, VisitStatus,
    invitation::{AdmissionRefused, may_admit},
    visit::VisitEvent,
    wire::{
        EnrolledKiosk, KioskChanges, KioskDirectory, KioskDoors, KioskEventReport, KioskIdentity,
        KioskInvitation, NdaTemplate,
    },
};
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use uuid::Uuid;

use crate::KioskError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct LocalStore {
    pub(crate) pool: SqlitePool,
}

/// Why the kiosk will not record a check-in or check-out; each becomes a plain sentence on the
/// screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this kiosk knows no such invitation")]
    Unknown,
    #[error(transparent)]
    NotAdmitted(#[from] AdmissionRefused),
    #[error("the visitor is not checked in")]
    NotCheckedIn,
}

/// An event waiting to be sent, and how often sending it failed.
#[derive(Debug, Clone)]
pub struct Queued {
    pub report: KioskEventReport,
    pub attempts: u32,
}

impl LocalStore {
    // Every write transaction starts with BEGIN IMMEDIATE: one that reads first and writes
    // later would otherwise fail with "database is locked" when another writer got in between
    // (the sync loop and a check-in at the same moment), instead of waiting its turn.

    /// Opens (creating if need be) the store at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, KioskError> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a check-in the visitor saw succeed survives even a power cut.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        MIGRATIONS.run(&pool).await.map_err(sqlx::Error::from)?;
        owner_only(path)?;
        Ok(Self { pool })
    }

    /// The cloud refused this kiosk's token: every invitation (with its signed code), the
    /// directory of hosts and the NDA text go, and the kiosk stays locked.
    pub async fn lock_as_revoked(&self, now: DateTime<Utc>) -> Result<(), KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        empty(&mut tx, &THE_BUILDING_S).await?;
        sqlx::query("INSERT INTO revoked (only, at) VALUES (1, $1) ON CONFLICT (only) DO NOTHING")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets everything this kiosk was given when it enrolled, and what it kept since: it is
    /// a new kiosk, waiting to be enrolled.
    pub async fn unenroll(&self) -> Result<(), KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        empty(&mut tx, &THE_BUILDING_S).await?;
        empty(&mut tx, &THE_KIOSK_S_OWN).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the cloud revoked this kiosk.
    pub async fn revoked(&self) -> Result<bool, KioskError> {
        let revoked: Option<i64> = sqlx::query_scalar("SELECT 1 FROM revoked")
            .fetch_optional(&self.pool)
            .await?;
        Ok(revoked.is_some())
    }

    /// Forgets the invitations whose visit ended before `before` and that wait for no report:
    /// the kiosk keeps only the days it needs.
    pub async fn forget_ended(&self, before: DateTime<Utc>) -> Result<u64, KioskError> {
        Ok(sqlx::query(
            "DELETE FROM invitations WHERE json_extract(body, '$.ends_at') < $1 \
             AND id NOT IN (SELECT DISTINCT json_extract(body, '$.invitation') FROM outbox)",
        )
        .bind(before.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    pub async fn save_enrollment(&self, enrolled: &EnrolledKiosk) -> Result<(), KioskError> {
        let who = &enrolled.identity;
        sqlx::query(
            "INSERT INTO enrollment (only, kiosk_id, name, facility_id, facility_name, time_zone, token) \
             VALUES (1, $1, $2, $3, $4, $5, $6)",
        )
        .bind(who.kiosk.to_string())
        .bind(&who.name)
        .bind(who.facility.to_string())
        .bind(&who.facility_name)
        .bind(&who.time_zone)
        .bind(&enrolled.token)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Who this kiosk is and its device token, once enrolled.
    pub async fn enrollment(&self) -> Result<Option<EnrolledKiosk>, KioskError> {
        let row: Option<(String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT kiosk_id, name, facility_id, facility_name, time_zone, token FROM enrollment",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(kiosk, name, facility, facility_name, time_zone, token)| {
            let corrupt = |what: &str| KioskError::Corrupt(format!("enrollment {what}"));
            Ok(EnrolledKiosk {
                identity: KioskIdentity {
                    kiosk: kiosk.parse().map_err(|_| corrupt("kiosk id"))?,
                    name,
                    facility: facility.parse().map_err(|_| corrupt("facility id"))?,
                    facility_name,
                    time_zone,
                },
                token,
            })
        })
        .transpose()
    }

    /// The device token this kiosk calls the cloud with; an error until enrolled.
    pub async fn device_token(&self) -> Result<String, KioskError> {
        Ok(self
            .enrollment()
            .await?
            .ok_or(KioskError::NotEnrolled)?
            .token)
    }

    /// Where this kiosk is in the cloud's change feed.
    pub async fn cursor(&self) -> Result<Option<String>, KioskError> {
        Ok(sqlx::query_scalar("SELECT cursor FROM feed")
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Takes in one page of the feed and moves the cursor past it, in one transaction. Where a
    /// report of this kiosk still waits to be sent, the visit stays as this kiosk recorded it
    /// (the cloud's copy catches up once the outbox is sent) while everything else — a rejection
    /// made meanwhile above all — is taken in now: no change is skipped for good.
    pub async fn apply(&self, page: &KioskChanges) -> Result<(), KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let waiting: std::collections::HashSet<String> =
            sqlx::query_scalar("SELECT DISTINCT json_extract(body, '$.invitation') FROM outbox")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        for invitation in &page.invitations {
            let mut taken = invitation.clone();
            if waiting.contains(&invitation.id.to_string()) {
                let local: Option<String> =
                    sqlx::query_scalar("SELECT body FROM invitations WHERE id = $1")
                        .bind(invitation.id.to_string())
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some(local) = local {
                    taken.visit = serde_json::from_str::<KioskInvitation>(&local)?.visit;
                }
            }
            upsert(&mut tx, &taken).await?;
        }
        for key in &page.keys {
            let Some(public) = URL_SAFE_NO_PAD
                .decode(&key.key)
                .ok()
                .filter(|bytes| bytes.len() == 32)
            else {
                return Err(KioskError::Invalid(format!(
                    "the cloud sent a verifying key {} that is not 32 bytes of base64url",
                    key.kid
                )));
            };
            sqlx::query(
                "INSERT INTO credential_keys (kid, key) VALUES ($1, $2) \
                 ON CONFLICT (kid) DO UPDATE SET key = excluded.key",
            )
            .bind(i64::from(key.kid))
            .bind(public)
            .execute(&mut *tx)
            .await?;
        }
        for nda in &page.ndas {
            sqlx::query(
                "INSERT INTO nda (language, version, text, sha256) VALUES ($4, $1, $2, $3) \
                 ON CONFLICT (language) DO UPDATE SET version = excluded.version, \
                 text = excluded.text, sha256 = excluded.sha256",
            )
            .bind(i64::from(nda.version))
            .bind(&nda.text)
            .bind(&nda.sha256)
            .bind(nda.language.code())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO feed (only, cursor) VALUES (1, $1) \
             ON CONFLICT (only) DO UPDATE SET cursor = excluded.cursor",
        )
        .bind(&page.cursor)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn invitation(
        &self,
        id: InvitationId,
    ) -> Result<Option<KioskInvitation>, KioskError> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM invitations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        body.map(|body| serde_json::from_str(&body).map_err(KioskError::from))
            .transpose()
    }

    /// Keeps an invitation the cloud just made for this kiosk (a walk-in), before the feed
    /// brings it.
    pub async fn keep(&self, invitation: &KioskInvitation) -> Result<(), KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        upsert(&mut tx, invitation).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The invitation whose signed code is exactly `token`: only a code the cloud issued matches.
    pub async fn invitation_by_token(
        &self,
        token: &str,
    ) -> Result<Option<KioskInvitation>, KioskError> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM invitations WHERE token = $1")
                .bind(token)
                .fetch_optional(&self.pool)
                .await?;
        body.map(|body| serde_json::from_str(&body).map_err(KioskError::from))
            .transpose()
    }

    /// The invitation whose door credential is exactly `token`.
    pub async fn invitation_by_credential(
        &self,
        token: &str,
    ) -> Result<Option<KioskInvitation>, KioskError> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM invitations WHERE credential = $1")
                .bind(token)
                .fetch_optional(&self.pool)
                .await?;
        body.map(|body| serde_json::from_str(&body).map_err(KioskError::from))
            .transpose()
    }

    /// The cloud's public key `kid`, as last synced.
    pub async fn credential_key(&self, kid: u32) -> Result<Option<VerifyingKey>, KioskError> {
        let key: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT key FROM credential_keys WHERE kid = $1")
                .bind(i64::from(kid))
                .fetch_optional(&self.pool)
                .await?;
        Ok(key
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok()))
    }

    /// Every invitation whose visit overlaps `from .. until`.
    pub async fn invitations_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<KioskInvitation>, KioskError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM invitations WHERE starts_at < $2 AND json_extract(body, '$.ends_at') > $1",
        )
        // `ends_at` sits in the JSON as serde writes it (…Z); `starts_at` as sqlx binds it.
        .bind(from.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        bodies
            .iter()
            .map(|body| serde_json::from_str(body).map_err(KioskError::from))
            .collect()
    }

    /// The hosts and categories as last pulled, with their `ETag`; `None` before the first pull.
    pub async fn directory(&self) -> Result<Option<(String, KioskDirectory)>, KioskError> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT etag, body FROM directory WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(etag, body)| Ok((etag, serde_json::from_str(&body)?)))
            .transpose()
    }

    /// Keeps the directory the cloud sent in place of the old one.
    pub async fn save_directory(
        &self,
        etag: &str,
        directory: &KioskDirectory,
    ) -> Result<(), KioskError> {
        sqlx::query(
            "INSERT INTO directory (id, etag, body) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, body = excluded.body",
        )
        .bind(etag)
        .bind(serde_json::to_string(directory)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What the building's doors know, as last pulled, with its `ETag` and when the cloud last
    /// answered for it; `None` before the first pull.
    pub async fn doors(&self) -> Result<Option<(String, KioskDoors, DateTime<Utc>)>, KioskError> {
        let row: Option<(String, String, DateTime<Utc>)> =
            sqlx::query_as("SELECT etag, body, synced_at FROM doors WHERE only = 1")
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(etag, body, synced_at)| Ok((etag, serde_json::from_str(&body)?, synced_at)))
            .transpose()
    }

    /// Keeps what the cloud sent in place of the old copy, as of `synced_at`.
    pub async fn save_doors(
        &self,
        etag: &str,
        doors: &KioskDoors,
        synced_at: DateTime<Utc>,
    ) -> Result<(), KioskError> {
        sqlx::query(
            "INSERT INTO doors (only, etag, body, synced_at) VALUES (1, $1, $2, $3) \
             ON CONFLICT (only) DO UPDATE SET etag = excluded.etag, body = excluded.body, \
             synced_at = excluded.synced_at",
        )
        .bind(etag)
        .bind(serde_json::to_string(doors)?)
        .bind(synced_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The cloud said the copy held is still current, at `synced_at`.
    pub async fn doors_current_at(&self, synced_at: DateTime<Utc>) -> Result<(), KioskError> {
        sqlx::query("UPDATE doors SET synced_at = $1 WHERE only = 1")
            .bind(synced_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The NDA visitors sign here now in `language` — or, if the facility has none in it, in
    /// English — as last synced.
    pub async fn nda(&self, language: Language) -> Result<Option<NdaTemplate>, KioskError> {
        let row: Option<(i64, String, String, String)> = sqlx::query_as(
            "SELECT version, text, sha256, language FROM nda WHERE language IN ($1, 'en') \
             ORDER BY language = $1 DESC LIMIT 1",
        )
        .bind(language.code())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(version, text, sha256, language)| {
            Ok(NdaTemplate {
                version: u32::try_from(version)
                    .map_err(|_| KioskError::Corrupt("NDA version".into()))?,
                language: Language::from_code(&language)
                    .ok_or_else(|| KioskError::Corrupt(format!("NDA language {language}")))?,
                text,
                sha256,
            })
        })
        .transpose()
    }

    /// Checks a visitor in here and now, online or not: the local copy says checked in and the
    /// report waits in the outbox, both in one transaction.
    /// Checks a visitor in; `by` the person of reception who admitted them, if not themselves.
    pub async fn check_in(
        &self,
        id: InvitationId,
        now: DateTime<Utc>,
        by: Option<UserId>,
    ) -> Result<Result<KioskEventReport, Refusal>, KioskError> {
        self.record(id, VisitEvent::CheckIn, now, false, by).await
    }

    /// Checks a visitor out; a visit whose window `continues` on a later day is expected
    /// again then.
    pub async fn check_out(
        &self,
        id: InvitationId,
        now: DateTime<Utc>,
        continues: bool,
        by: Option<UserId>,
    ) -> Result<Result<KioskEventReport, Refusal>, KioskError> {
        self.record(id, VisitEvent::CheckOut, now, continues, by)
            .await
    }

    /// The visitor's badge came out of the printer: reported, so reception does not print one.
    pub async fn badge_printed(
        &self,
        id: InvitationId,
        now: DateTime<Utc>,
    ) -> Result<Result<KioskEventReport, Refusal>, KioskError> {
        self.record(id, VisitEvent::BadgePrinted, now, false, None)
            .await
    }

    /// Counts a reprint of `id`'s badge unless `most` were made this visit; whether it may print.
    pub async fn reprint(
        &self,
        id: InvitationId,
        most: u32,
        now: DateTime<Utc>,
    ) -> Result<bool, KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let made: i64 = sqlx::query_scalar("SELECT count(*) FROM reprints WHERE invitation = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        if made >= i64::from(most) {
            return Ok(false);
        }
        sqlx::query("INSERT INTO reprints (invitation, at) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn record(
        &self,
        id: InvitationId,
        event: VisitEvent,
        now: DateTime<Utc>,
        continues: bool,
        by: Option<UserId>,
    ) -> Result<Result<KioskEventReport, Refusal>, KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM invitations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(mut invitation) = body
            .map(|body| serde_json::from_str::<KioskInvitation>(&body))
            .transpose()?
        else {
            return Ok(Err(Refusal::Unknown));
        };
        let next = match event {
            VisitEvent::CheckIn => match may_admit(invitation.approval, invitation.visit) {
                Ok(()) => VisitStatus::CheckedIn,
                Err(refused) => return Ok(Err(Refusal::NotAdmitted(refused))),
            },
            VisitEvent::CheckOut | VisitEvent::BadgePrinted
                if invitation.visit != VisitStatus::CheckedIn =>
            {
                return Ok(Err(Refusal::NotCheckedIn));
            }
            VisitEvent::CheckOut if continues => VisitStatus::Expected,
            VisitEvent::CheckOut => VisitStatus::CheckedOut,
            VisitEvent::BadgePrinted => VisitStatus::CheckedIn,
        };
        invitation.visit = next;
        if event == VisitEvent::CheckIn {
            invitation.checked_in_at = Some(now);
        }
        let report = KioskEventReport {
            id: Uuid::now_v7(),
            invitation: id,
            kind: event,
            at: now,
            by,
        };
        sqlx::query("UPDATE invitations SET body = $1 WHERE id = $2")
            .bind(serde_json::to_string(&invitation)?)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO outbox (id, body, next_attempt_at) VALUES ($1, $2, $3)")
            .bind(report.id.to_string())
            .bind(serde_json::to_string(&report)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(report))
    }

    /// Up to `limit` events due for sending, oldest first.
    pub async fn due(&self, now: DateTime<Utc>, limit: u16) -> Result<Vec<Queued>, KioskError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT body, attempts FROM outbox WHERE next_attempt_at <= $1 ORDER BY id LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(body, attempts)| {
                Ok(Queued {
                    report: serde_json::from_str(&body)?,
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// The cloud has these: they leave the outbox.
    pub async fn sent(&self, ids: &[Uuid]) -> Result<(), KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for id in ids {
            sqlx::query("DELETE FROM outbox WHERE id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sending failed: try these again at `retry_at`.
    pub async fn retry_later(
        &self,
        ids: &[Uuid],
        retry_at: DateTime<Utc>,
    ) -> Result<(), KioskError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for id in ids {
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 WHERE id = $2",
            )
            .bind(retry_at)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The invitations with reports still waiting to be sent.
    pub async fn waiting_invitations(
        &self,
    ) -> Result<std::collections::HashSet<InvitationId>, KioskError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT json_extract(body, '$.invitation') FROM outbox")
                .fetch_all(&self.pool)
                .await?;
        ids.iter()
            .map(|id| {
                id.parse()
                    .map_err(|_| KioskError::Corrupt(format!("outbox invitation {id:?}")))
            })
            .collect()
    }

    /// Events not yet sent.
    pub async fn backlog(&self) -> Result<i64, KioskError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }
}

/// The store holds the device token and every visitor's signed code: its folder and file are
/// for the kiosk's own user only.
fn owner_only(path: &Path) -> Result<(), KioskError> {
    use std::os::unix::fs::PermissionsExt as _;
    let set = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|error| KioskError::Disk(format!("{}: {error}", path.display())))
    };
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        set(folder, 0o700)?;
    }
    set(path, 0o600)
}

async fn upsert(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    invitation: &KioskInvitation,
) -> Result<(), KioskError> {
    sqlx::query(
        "INSERT INTO invitations (id, visitor_name, starts_at, body) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET visitor_name = excluded.visitor_name, \
         starts_at = excluded.starts_at, body = excluded.body",
    )
    .bind(invitation.id.to_string())
    .bind(&invitation.visitor_name)
    .bind(invitation.starts_at)
    .bind(serde_json::to_string(invitation)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes every row of `tables` in `tx`.
/// What the kiosk holds of its building: invitations with their signed codes, the host
/// directory, what its doors know, the NDA, reprints counted, its place in the change feed, staff and their PIN
/// hashes, the keys credentials are verified with; all gone when the kiosk is revoked.
const THE_BUILDING_S: [&str; 8] = [
    "invitations",
    "credential_keys",
    "directory",
    "doors",
    "nda",
    "reprints",
    "feed",
    "staff",
];

/// What the kiosk keeps of its own: wrong staff tries, staff history, settings, being revoked,
/// its enrollment; gone too when it is unenrolled.
const THE_KIOSK_S_OWN: [&str; 5] = [
    "staff_tries",
    "staff_history",
    "settings",
    "revoked",
    "enrollment",
];

async fn empty(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    tables: &[&str],
) -> Result<(), KioskError> {
    for table in tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
