//! The facility's watchlist and the screening of every new invitation against it (seed,
//! lifecycle step 1). A match holds the invitation — pending, only security told — until a
//! facility approver gives a verdict with a reason; every hit and verdict is in the audit log.

use chrono::{DateTime, NaiveDate, Utc};
use gatehouse_core::{
    Action, Actor, Email, FacilityId, InvitationId, authorize,
    invitation::{self, Decision, Reason},
    screening::{self, Hit, Person},
    text::Text,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::{NewToken, new_token},
    context::Cloud,
    error::ServiceError,
    invitations::{self, letterhead, messages},
    store::{
        Change, EntrySource, InvitationRecord, InvitationWrite, NewEntry, NewHold, ScreeningHold,
        User, WatchlistEntry,
    },
};

/// The most entries one CSV import holds.
pub const MOST_IMPORTED: usize = 10_000;

/// The facility's watchlist as screening reads it: each entry beside its [`Person`], read once.
#[derive(Debug)]
pub struct Watchlist {
    entries: Vec<(WatchlistEntry, Person)>,
}

impl Watchlist {
    /// The entries in force now.
    pub async fn load(cloud: &Cloud, facility: FacilityId) -> Result<Self, ServiceError> {
        let entries = cloud
            .database
            .watchlist(facility, cloud.clock.now())
            .await?
            .into_iter()
            .map(|entry| {
                let person = Person::new(
                    &entry.name,
                    entry.email.as_deref(),
                    entry.company.as_deref(),
                    entry.date_of_birth,
                );
                (entry, person)
            })
            .collect();
        Ok(Self { entries })
    }

    /// The entry a visitor matches, and how.
    pub fn screen(
        &self,
        name: &str,
        email: &str,
        company: Option<&str>,
    ) -> Option<(&WatchlistEntry, Hit)> {
        let visitor = Person::new(name, Some(email), company, None);
        screening::screen(
            &visitor,
            self.entries.iter().map(|(entry, person)| (entry, person)),
        )
    }

    /// The hold a new invitation of this visitor gets, if they match.
    pub fn hold_for(&self, name: &str, email: &str, company: &str) -> Option<(NewHold, String)> {
        let company = (!company.is_empty()).then_some(company);
        self.screen(name, email, company).map(|(entry, hit)| {
            let described = format!(
                "{} by {}{}; listed because: {}",
                entry.name,
                hit.kind(),
                match hit {
                    Hit::Email => String::new(),
                    Hit::Name { score } => format!(", {:.0} % alike", score * 100.0),
                },
                entry.reason
            );
            (
                NewHold {
                    entry: entry.id,
                    matched: hit.kind(),
                    score: hit.score(),
                },
                described,
            )
        })
    }
}

/// Screens again the invitations already made — visitors still expected, pending or approved,
/// never held — after the watchlist gained someone: each match is held as at its creation (an
/// approved one goes back to pending and its credential is revoked), security is told, and the
/// kiosks learn it with their next changes. How many it held.
pub async fn rescreen(cloud: &Cloud, facility: FacilityId) -> Result<usize, ServiceError> {
    let watchlist = Watchlist::load(cloud, facility).await?;
    if watchlist.entries.is_empty() {
        return Ok(0);
    }
    let now = cloud.clock.now();
    let site = cloud.site(facility).await?;
    let signing = cloud.signing_key().await?;
    let mut count = 0;
    for record in cloud.database.screenable_invitations(facility, now).await? {
        let Some((hold, described)) = watchlist.hold_for(
            &record.visitor_name,
            &record.visitor_email,
            &record.visitor_company,
        ) else {
            continue;
        };
        let letterhead = letterhead(cloud, &site, &record)?;
        let (_, notices) = invitation::on_hold();
        let outbox = messages(
            &notices,
            &record,
            &letterhead,
            Some(&described),
            &signing,
            now,
        );
        let write = InvitationWrite::Hold {
            id: record.id,
            from: record.approval_status,
            hold,
            at: now,
            outbox,
        };
        if cloud.invitations.write(write).await? {
            count += 1;
        }
    }
    if count > 0 {
        cloud.outbox.notify_one();
    }
    Ok(count)
}

/// A person to put on the watchlist.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    #[schema(value_type = String, example = "Max Payne")]
    pub name: Text<120>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub company: Option<Text<120>>,
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// Why they are listed: security reads it with every hit.
    #[schema(value_type = String, example = "Trespassed 2026-10-03")]
    pub reason: Text<500>,
    /// Screening stops then; leave out to keep them listed until removed.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

fn may_manage(actor: &Actor, facility: FacilityId) -> Result<(), ServiceError> {
    Ok(authorize(actor, Action::ManageWatchlist { facility })?)
}

/// Every entry screening reads now.
pub async fn entries(cloud: &Cloud, actor: &Actor) -> Result<Vec<WatchlistEntry>, ServiceError> {
    may_manage(actor, actor.facility)?;
    Ok(cloud
        .database
        .watchlist(actor.facility, cloud.clock.now())
        .await?)
}

fn new_entry(
    request: EntryRequest,
    source: EntrySource,
    me: &User,
    now: DateTime<Utc>,
) -> Result<NewEntry, ServiceError> {
    if let Some(expires_at) = request.expires_at
        && expires_at <= now
    {
        return Err(ServiceError::invalid(
            "the entry would expire before it begins: leave expires_at out, or name a time to come",
        ));
    }
    Ok(NewEntry {
        name: request.name.as_str().to_owned(),
        email: request.email.map(|email| email.as_str().to_owned()),
        company: request.company.map(|company| company.as_str().to_owned()),
        date_of_birth: request.date_of_birth,
        reason: request.reason.as_str().to_owned(),
        source,
        added_by: Some(me.id),
        expires_at: request.expires_at,
    })
}

/// Puts one person on the watchlist.
pub async fn add(
    cloud: &Cloud,
    actor: &Actor,
    me: &User,
    request: EntryRequest,
) -> Result<WatchlistEntry, ServiceError> {
    may_manage(actor, actor.facility)?;
    let now = cloud.clock.now();
    let new = new_entry(request, EntrySource::Portal, me, now)?;
    let ids = cloud
        .database
        .add_watchlist_entries(actor.facility, &[new], now)
        .await?;
    rescreen(cloud, actor.facility).await?;
    stored(cloud, actor.facility, ids[0]).await
}

async fn stored(
    cloud: &Cloud,
    facility: FacilityId,
    id: Uuid,
) -> Result<WatchlistEntry, ServiceError> {
    cloud
        .database
        .watchlist_entry(facility, id)
        .await?
        .ok_or_else(|| ServiceError::Corrupt(format!("watchlist entry {id} is gone")))
}

/// Takes an entry off the watchlist; invitations it held stay held until decided.
pub async fn remove(cloud: &Cloud, actor: &Actor, id: Uuid) -> Result<(), ServiceError> {
    may_manage(actor, actor.facility)?;
    if cloud
        .database
        .remove_watchlist_entry(actor.facility, id)
        .await?
    {
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!(
            "there is no watchlist entry {id} to remove (the identity provider's are removed there)"
        )))
    }
}

/// One row of a watchlist import.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportRow {
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    date_of_birth: String,
    reason: String,
    #[serde(default)]
    expires_at: String,
}

fn entry_request(row: &ImportRow) -> Result<EntryRequest, String> {
    let optional = |field: &str| (!field.is_empty()).then(|| field.to_owned());
    Ok(EntryRequest {
        name: Text::parse(&row.name).map_err(|e| format!("name {e}"))?,
        email: optional(&row.email)
            .map(|email| Email::parse(&email))
            .transpose()
            .map_err(|e| e.to_string())?,
        company: optional(&row.company)
            .map(|company| Text::parse(&company))
            .transpose()
            .map_err(|e| format!("company {e}"))?,
        date_of_birth: optional(&row.date_of_birth)
            .map(|born| NaiveDate::parse_from_str(&born, "%Y-%m-%d"))
            .transpose()
            .map_err(|_| format!("date_of_birth {:?} is not YYYY-MM-DD", row.date_of_birth))?,
        reason: Text::parse(&row.reason).map_err(|e| format!("reason {e}"))?,
        expires_at: optional(&row.expires_at)
            .map(|at| DateTime::parse_from_rfc3339(&at).map(|at| at.with_timezone(&Utc)))
            .transpose()
            .map_err(|_| format!("expires_at {:?} is not an RFC 3339 time", row.expires_at))?,
    })
}

/// Imports entries from CSV (`name,email,company,date_of_birth,reason,expires_at`; only name
/// and reason required), all or nothing: any wrong row imports nothing and every problem is
/// listed.
pub async fn import(
    cloud: &Cloud,
    actor: &Actor,
    me: &User,
    csv_text: &str,
) -> Result<Vec<WatchlistEntry>, ServiceError> {
    may_manage(actor, actor.facility)?;
    let now = cloud.clock.now();
    let ready =
        crate::csv_import::all_or_nothing(csv_text, MOST_IMPORTED, "entries", |row: ImportRow| {
            std::future::ready(
                entry_request(&row)
                    .map_err(ServiceError::Invalid)
                    .and_then(|request| new_entry(request, EntrySource::Import, me, now)),
            )
        })
        .await?;
    let ids = cloud
        .database
        .add_watchlist_entries(actor.facility, &ready, now)
        .await?;
    rescreen(cloud, actor.facility).await?;
    let mut imported = Vec::with_capacity(ids.len());
    for id in ids {
        imported.push(stored(cloud, actor.facility, id).await?);
    }
    Ok(imported)
}

/// A new bearer token for the identity provider's SCIM client; the old one stops working. The
/// secret is shown once.
pub async fn new_scim_token(cloud: &Cloud, actor: &Actor) -> Result<String, ServiceError> {
    may_manage(actor, actor.facility)?;
    let NewToken { secret, hash } = new_token("ghscim_");
    cloud
        .database
        .set_scim_token(
            actor.facility,
            &gatehouse_core::digest::hex(&hash),
            actor.user,
            cloud.clock.now(),
        )
        .await?;
    Ok(secret)
}

/// What a facility approver decides about a held invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The visitor is not the listed person.
    FalsePositive,
    /// They are, and are let in anyway.
    Allowed,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Self::FalsePositive => "false_positive",
            Self::Allowed => "allowed",
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    pub verdict: Verdict,
    /// Why: required, and kept in the audit log.
    #[schema(value_type = String, example = "Checked the passport: a different person")]
    pub reason: Reason,
}

/// The hold screening put on an invitation, with the entry it matched: for facility approvers.
pub async fn hold(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
) -> Result<ScreeningHold, ServiceError> {
    let record = invitations::visible(cloud, actor, id).await?;
    authorize(
        actor,
        Action::DecideScreeningHold {
            facility: record.facility_id,
        },
    )?;
    cloud
        .database
        .screening_hold(record.facility_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("screening did not hold invitation {id}")))
}

/// A facility approver's verdict on a held invitation: with a reason, it is approved (the host
/// and the guest told as for any approval), and the verdict is in the audit log.
pub async fn decide(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
    request: &VerdictRequest,
) -> Result<InvitationRecord, ServiceError> {
    let record = invitations::visible(cloud, actor, id).await?;
    authorize(
        actor,
        Action::DecideScreeningHold {
            facility: record.facility_id,
        },
    )?;
    if !record.held {
        return Err(ServiceError::Conflict(format!(
            "invitation {id} is not held by screening"
        )));
    }
    let outcome = invitation::decide(
        record.approval_status,
        record.visit_status,
        &Decision::Approve,
    )?;
    let now = cloud.clock.now();
    let site = cloud.site(record.facility_id).await?;
    let signing = cloud.signing_key().await?;
    let letterhead = letterhead(cloud, &site, &record)?;
    let outbox = messages(&outcome.notices, &record, &letterhead, None, &signing, now);
    let write = InvitationWrite::Verdict {
        id,
        verdict: request.verdict.as_str(),
        reason: request.reason.as_str().to_owned(),
        approval: Change {
            action: "approve",
            actor: Some(actor.user),
            from: Some(record.approval_status),
            to: outcome.approval,
            reason: None,
            at: now,
        },
        outbox,
    };
    if !cloud.invitations.write(write).await? {
        return Err(ServiceError::Conflict(
            "the invitation was changed by someone else meanwhile; look at it again".into(),
        ));
    }
    cloud.outbox.notify_one();
    Ok(InvitationRecord {
        approval_status: outcome.approval,
        awaiting_host: false,
        held: false,
        updated_at: now,
        ..record
    })
}
