//! Inviting visitors and deciding about invitations: the approval workflow of seed "approval
//! process", with each change, its audit entry and its notifications written together.

use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta, Utc};
use gatehouse_core::{
    Action, Actor, ApprovalStatus, CategoryKind, Decision, Email, FacilityId, InvitationId,
    OccupancyId, UserId, VisitWindow, access, authorize,
    invitation::{self, Message, Notice, Reason, Recipient, WalkInAnswer},
    role::Place,
    text::Text,
    token::{InvitationClaims, sign},
    window::local_day,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    context::{Cloud, SigningKey},
    error::ServiceError,
    notify::{GuestKeys, Letterhead, compose},
    site::Site,
    store::{
        Change, CredentialRecord, CredentialState, DoorPassEmail, HistoryEntry, InvitationFilter,
        InvitationRecord, InvitationWrite, OutboxItem, User,
    },
    watchlist::Watchlist,
};

/// A visitor as the host describes them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Visitor {
    #[schema(example = "Jonas Weber")]
    pub name: Text<120>,
    pub email: Email,
    #[schema(example = "Acme GmbH")]
    pub company: Option<Text<120>>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// The host; leave out to invite for yourself.
    pub host_id: Option<UserId>,
    pub category: CategoryKind,
    pub visitor: Visitor,
    pub window: VisitWindow,
    /// The room of the building's zone map the visit is to (a meeting room); one for the
    /// building's own people only is refused.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "Harbour room")]
    pub room: Option<Text<100>>,
    /// The host escorts the visitor: the zones their type enters only with an escort are on
    /// their credential too.
    #[serde(default)]
    pub escorted: bool,
}

/// An invitation that passed every check and may be stored.
#[derive(Debug)]
pub struct Prepared {
    site: Arc<Site>,
    occupancy: OccupancyId,
    host: User,
    created_by: UserId,
    request: InvitationRequest,
}

/// Creates an invitation: pending where the category needs approval (reviewers told, the guest
/// not), approved at once otherwise (the guest gets their invitation).
pub async fn create(
    cloud: &Cloud,
    actor: &Actor,
    me: &User,
    request: InvitationRequest,
) -> Result<InvitationRecord, ServiceError> {
    let prepared = prepare(cloud, actor, me, request).await?;
    commit(cloud, prepared).await
}

/// Checks everything about a new invitation without writing anything.
pub async fn prepare(
    cloud: &Cloud,
    actor: &Actor,
    me: &User,
    request: InvitationRequest,
) -> Result<Prepared, ServiceError> {
    let database = &cloud.database;
    let host = match request.host_id {
        None => me.clone(),
        Some(id) => match database.user(id).await? {
            Some(host) if host.facility_id == me.facility_id => host,
            _ => return Err(ServiceError::NotFound(format!("there is no host {id}"))),
        },
    };
    let occupancy_id = host
        .occupancy_id
        .ok_or_else(|| ServiceError::invalid("the host must belong to an occupancy"))?;
    let site = cloud.site(me.facility_id).await?;
    let facility = &site.facility;
    let category = site.category(occupancy_id, request.category);
    if !category.enabled {
        let organisation = site
            .occupancy(occupancy_id)
            .map_or("this site", |o| o.name.as_str());
        return Err(ServiceError::invalid(format!(
            "the category {} is not enabled for {organisation}",
            category.kind.as_str()
        )));
    }
    let window = request.window;
    if window.ends_at() <= cloud.clock.now() {
        return Err(ServiceError::invalid(
            "the visit is over before it begins: invite for a time still to come",
        ));
    }
    if let Some(longest) = category.access_profile.longest_visit_minutes
        && window.duration() > TimeDelta::minutes(i64::from(longest))
    {
        return Err(ServiceError::invalid(format!(
            "a {} visit may last at most {longest} minutes",
            category.kind.as_str()
        )));
    }
    authorize(
        actor,
        Action::CreateInvitation {
            place: Place {
                facility: facility.id,
                occupancy: occupancy_id,
            },
            host: host.id,
            past_end_of_day: window.runs_past_end_of_day(facility.end_of_day, facility.time_zone),
            vendor: category.kind.is_vendor(),
        },
    )?;
    if let Some(room) = &request.room {
        visitors_may_enter(cloud, facility.id, room.as_str()).await?;
    }
    Ok(Prepared {
        occupancy: occupancy_id,
        site,
        host,
        created_by: me.id,
        request,
    })
}

/// Stores a prepared invitation with its history entry and its notifications.
pub async fn commit(cloud: &Cloud, prepared: Prepared) -> Result<InvitationRecord, ServiceError> {
    commit_as(cloud, prepared, Arrival::Invited).await
}

/// How the visitor of a new invitation came to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The host (or someone for them) invited them ahead.
    Invited,
    /// They walked up to a kiosk without an invitation and named the host.
    WalkIn,
}

/// [`commit`], for a visitor who arrived as `arrival` says.
pub async fn commit_as(
    cloud: &Cloud,
    prepared: Prepared,
    arrival: Arrival,
) -> Result<InvitationRecord, ServiceError> {
    let watchlist = Watchlist::load(cloud, prepared.site.facility.id).await?;
    let (record, write) = creation(cloud, prepared, arrival, &watchlist).await?;
    cloud.invitations.write(write).await?;
    cloud.outbox.notify_one();
    Ok(record)
}

/// The invitation a prepared request makes, and the write that stores it with its history
/// entry and notifications. A visitor matching `watchlist` is held, whatever the category's rule.
async fn creation(
    cloud: &Cloud,
    prepared: Prepared,
    arrival: Arrival,
    watchlist: &Watchlist,
) -> Result<(InvitationRecord, InvitationWrite), ServiceError> {
    let Prepared {
        site,
        occupancy,
        host,
        created_by,
        request,
    } = prepared;
    let facility = &site.facility;
    let occupancy = site
        .occupancy(occupancy)
        .ok_or_else(|| ServiceError::Corrupt(format!("occupancy {occupancy} is not stored")))?;
    let category = site.category(occupancy.id, request.category);
    let now = cloud.clock.now();
    let visitor_company = request
        .visitor
        .company
        .as_ref()
        .map_or("", Text::as_str)
        .to_owned();
    let hold = watchlist.hold_for(
        request.visitor.name.as_str(),
        request.visitor.email.as_str(),
        &visitor_company,
    );
    let (approval, awaiting_host, notices) = match arrival {
        _ if hold.is_some() => {
            let (approval, notices) = invitation::on_hold();
            (approval, false, notices)
        }
        Arrival::Invited => {
            let (approval, notices) = invitation::on_create(category.needs_approval);
            (approval, false, notices)
        }
        Arrival::WalkIn => {
            let start = invitation::on_walk_in(
                category.access_profile.walk_ins_unconfirmed,
                category.needs_approval,
            );
            (start.approval, start.awaiting_host, start.notices)
        }
    };
    let signing = cloud.signing_key().await?;
    let record = InvitationRecord {
        id: uuid::Uuid::now_v7().into(),
        facility_id: facility.id,
        occupancy_id: occupancy.id,
        host_id: host.id,
        host_name: host.display_name.clone(),
        host_email: host.email.to_string(),
        host_language: host.language,
        created_by,
        category: category.kind,
        visitor_name: request.visitor.name.as_str().to_owned(),
        visitor_email: request.visitor.email.as_str().to_owned(),
        visitor_company,
        checked_in_at: None,
        room: request.room.as_ref().map(|room| room.as_str().to_owned()),
        escorted: request.escorted,
        starts_at: request.window.starts_at(),
        ends_at: request.window.ends_at(),
        approval_status: approval,
        visit_status: gatehouse_core::VisitStatus::Expected,
        awaiting_host,
        created_at: now,
        updated_at: now,
        held: hold.is_some(),
    };
    let letterhead = Letterhead {
        facility,
        occupancy_name: &occupancy.name,
        host_name: &host.display_name,
        host_email: host.email.as_str(),
        host_language: host.language,
        security_emails: site.security_emails(occupancy.id),
        category,
        public_url: &cloud.public_url,
    };
    let described = hold.as_ref().map(|(_, described)| described.as_str());
    let outbox = messages(&notices, &record, &letterhead, described, &signing, now);
    let write = InvitationWrite::Create {
        invitation: Box::new(record.clone()),
        change: Change {
            action: match arrival {
                Arrival::Invited => "create",
                Arrival::WalkIn => "walk_in",
            },
            // A walk-in registered themselves at the kiosk: nobody of the building did it.
            actor: (arrival == Arrival::Invited).then_some(created_by),
            from: None,
            to: approval,
            reason: None,
            at: now,
        },
        outbox,
        hold: hold.map(|(hold, _)| hold),
    };
    Ok((record, write))
}

/// `Ok` if `room` is a room of the facility's zone map that visitors may be invited to.
async fn visitors_may_enter(
    cloud: &Cloud,
    facility: FacilityId,
    room: &str,
) -> Result<(), ServiceError> {
    let (_, map) = cloud.database.zone_map(facility).await?;
    match map
        .zones
        .iter()
        .flat_map(|zone| &zone.rooms)
        .find(|known| known.name == room)
    {
        None => Err(ServiceError::invalid(format!(
            "this building has no room {room:?} in its zone map"
        ))),
        Some(known) if known.internal_only => {
            Err(ServiceError::InternalOnlyRoom(known.name.clone()))
        }
        Some(_) => Ok(()),
    }
}

/// Applies a decision (approve, reject, back to pending, cancel) for `actor`.
pub async fn decide(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
    decision: &Decision,
) -> Result<InvitationRecord, ServiceError> {
    let record = visible(cloud, actor, id).await?;
    let facts = record.facts();
    match decision {
        Decision::Cancel => authorize(actor, Action::CancelInvitation(&facts))?,
        _ => authorize(actor, Action::ReviewInvitation(&facts))?,
    }
    if record.held && *decision == Decision::Approve {
        return Err(ServiceError::Conflict(
            "screening held this invitation: a facility approver gives a verdict on the hold, \
             with a reason, to let it through"
                .into(),
        ));
    }
    let outcome = invitation::decide(record.approval_status, record.visit_status, decision)?;

    let now = cloud.clock.now();
    let site = cloud.site(record.facility_id).await?;
    let signing = cloud.signing_key().await?;
    let letterhead = letterhead(cloud, &site, &record)?;
    let reason = decision.reason().map(Reason::as_str);
    let items = messages(
        &outcome.notices,
        &record,
        &letterhead,
        reason,
        &signing,
        now,
    );
    let write = InvitationWrite::Approval {
        id,
        awaiting_host: record.awaiting_host,
        change: Change {
            action: decision.name(),
            actor: Some(actor.user),
            from: Some(record.approval_status),
            to: outcome.approval,
            reason: reason.map(str::to_owned),
            at: now,
        },
        outbox: items,
        revoke_credentials: outcome.revoke_credentials,
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
        updated_at: now,
        ..record
    })
}

/// The host (or reception) answers whether the walk-in waiting for them is their visitor.
pub async fn answer_walk_in(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
    answer: WalkInAnswer,
) -> Result<InvitationRecord, ServiceError> {
    let record = to_act_on(cloud, actor, id, |facts| Action::AnswerWalkIn(facts)).await?;
    let site = cloud.site(record.facility_id).await?;
    let category = site.category(record.occupancy_id, record.category);
    let outcome = invitation::answer_walk_in(
        record.approval_status,
        record.awaiting_host,
        answer,
        category.needs_approval,
    )?;
    let now = cloud.clock.now();
    let signing = cloud.signing_key().await?;
    let letterhead = letterhead(cloud, &site, &record)?;
    let items = messages(&outcome.notices, &record, &letterhead, None, &signing, now);
    let write = InvitationWrite::Approval {
        id,
        awaiting_host: true,
        change: Change {
            action: answer.name(),
            actor: Some(actor.user),
            from: Some(record.approval_status),
            to: outcome.approval,
            reason: None,
            at: now,
        },
        outbox: items,
        revoke_credentials: outcome.revoke_credentials,
    };
    if !cloud.invitations.write(write).await? {
        return Err(ServiceError::Conflict(
            "the walk-in was answered by someone else meanwhile; look at it again".into(),
        ));
    }
    cloud.outbox.notify_one();
    Ok(InvitationRecord {
        approval_status: outcome.approval,
        awaiting_host: false,
        updated_at: now,
        ..record
    })
}

/// The invitation, if `actor` may do `act` to it. One they may neither see nor act on is "not
/// found" (its id reveals nothing); one they see but may not act on is forbidden.
pub(crate) async fn to_act_on(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
    act: for<'a> fn(&'a access::InvitationFacts) -> Action<'a>,
) -> Result<InvitationRecord, ServiceError> {
    let not_found = || ServiceError::NotFound(format!("there is no invitation {id}"));
    let record = cloud.database.invitation(id).await?.ok_or_else(not_found)?;
    let facts = record.facts();
    if authorize(actor, Action::ViewInvitation(&facts)).is_err()
        && authorize(actor, act(&facts)).is_err()
    {
        return Err(not_found());
    }
    authorize(actor, act(&facts))?;
    Ok(record)
}

/// The invitation, if `actor` may see it; otherwise "not found", so ids of others' invitations
/// reveal nothing.
pub async fn visible(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
) -> Result<InvitationRecord, ServiceError> {
    let not_found = || ServiceError::NotFound(format!("there is no invitation {id}"));
    let record = cloud.database.invitation(id).await?.ok_or_else(not_found)?;
    authorize(actor, Action::ViewInvitation(&record.facts())).map_err(|_| not_found())?;
    Ok(record)
}

/// The host's "your visitor has arrived" email about `record`, for a check-in at `at`.
pub(crate) fn arrival_email(
    cloud: &Cloud,
    site: &Site,
    record: &InvitationRecord,
    at: chrono::DateTime<Utc>,
) -> Result<Option<OutboxItem>, ServiceError> {
    let letterhead = letterhead(cloud, site, record)?;
    let notice = Notice {
        to: Recipient::Host,
        message: Message::VisitorArrived,
    };
    Ok(compose(
        notice,
        record,
        &letterhead,
        None,
        GuestKeys::default(),
        at,
    ))
}

/// The guest's door-pass email for `credential`, composed before the check-in that issues it;
/// `None` for a credential that waits for documents (the check-in does not issue it).
pub(crate) fn door_pass_email(
    cloud: &Cloud,
    site: &Site,
    record: &InvitationRecord,
    credential: &CredentialRecord,
    signing: &SigningKey,
    at: chrono::DateTime<Utc>,
) -> Result<Option<DoorPassEmail>, ServiceError> {
    if credential.state != CredentialState::Prepared || !credential.missing.is_empty() {
        return Ok(None);
    }
    let letterhead = letterhead(cloud, site, record)?;
    let code = guest_token(record, signing);
    let notice = Notice {
        to: Recipient::Guest,
        message: Message::DoorPass,
    };
    let keys = GuestKeys {
        code: Some(&code),
        door_pass: Some(&credential.token),
    };
    Ok(
        compose(notice, record, &letterhead, None, keys, at).map(|email| DoorPassEmail {
            token: credential.token.clone(),
            email,
        }),
    )
}

/// What every email about a stored invitation draws on.
pub(crate) fn letterhead<'a>(
    cloud: &'a Cloud,
    site: &'a Site,
    record: &'a InvitationRecord,
) -> Result<Letterhead<'a>, ServiceError> {
    let occupancy = site.occupancy(record.occupancy_id).ok_or_else(|| {
        ServiceError::Corrupt(format!("occupancy {} is not stored", record.occupancy_id))
    })?;
    Ok(Letterhead {
        facility: &site.facility,
        occupancy_name: &occupancy.name,
        host_name: &record.host_name,
        host_email: &record.host_email,
        host_language: record.host_language,
        security_emails: site.security_emails(record.occupancy_id),
        category: site.category(record.occupancy_id, record.category),
        public_url: &cloud.public_url,
    })
}

/// The guest's signed invitation code.
pub(crate) fn guest_token(record: &InvitationRecord, signing: &SigningKey) -> String {
    sign(
        &InvitationClaims {
            kid: signing.kid,
            invitation: record.id,
            facility: record.facility_id,
            not_after: record.ends_at.timestamp(),
        },
        &signing.key,
    )
}

pub(crate) fn messages(
    notices: &[Notice],
    record: &InvitationRecord,
    letterhead: &Letterhead<'_>,
    reason: Option<&str>,
    signing: &SigningKey,
    now: chrono::DateTime<Utc>,
) -> Vec<OutboxItem> {
    // Only a guest's invitation carries the signed code: sign it only then.
    let token = notices
        .iter()
        .any(|n| n.to == Recipient::Guest)
        .then(|| guest_token(record, signing));
    notices
        .iter()
        .filter_map(|notice| {
            let keys = GuestKeys {
                code: token.as_deref(),
                door_pass: None,
            };
            compose(*notice, record, letterhead, reason, keys, now)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListScope {
    /// Only invitations you host or created.
    Mine,
    /// Everything you may see (with `all_visitor_requests`: your whole scope).
    #[default]
    All,
}

/// Which invitations to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[serde(default)]
    pub scope: ListScope,
    /// A day at the site (its time zone): invitations overlapping it.
    pub day: Option<NaiveDate>,
    pub status: Option<ApprovalStatus>,
    pub category: Option<CategoryKind>,
    /// Part of the visitor's name.
    pub q: Option<String>,
    /// At most 500; 100 when left out.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// At most 100,000.
    #[param(minimum = 0, maximum = 100_000)]
    pub offset: Option<u32>,
}

/// The invitations `actor` may see that match `query`, newest day last.
pub async fn list(
    cloud: &Cloud,
    actor: &Actor,
    query: ListQuery,
) -> Result<Vec<InvitationRecord>, ServiceError> {
    let site = cloud.site(actor.facility).await?;
    let facility = &site.facility;
    let overlapping = match query.day {
        None => None,
        Some(day) => Some(
            local_day(day, facility.time_zone)
                .ok_or_else(|| ServiceError::Malformed("day out of range".into()))?,
        ),
    };
    let visitor_name = match query.q.as_deref().map(str::trim) {
        Some(q) if q.chars().count() > 120 => {
            return Err(ServiceError::Malformed(
                "search text is longer than 120 characters".into(),
            ));
        }
        Some("") | None => None,
        Some(q) => Some(q.to_owned()),
    };
    let limit = query.limit.unwrap_or(100);
    if limit == 0 || limit > 500 {
        return Err(ServiceError::Malformed(
            "limit must be between 1 and 500".into(),
        ));
    }
    if query.offset.is_some_and(|offset| offset > MOST_SKIPPED) {
        return Err(ServiceError::Malformed(format!(
            "offset must be at most {MOST_SKIPPED}; narrow the list with day, status or q"
        )));
    }
    let visibility = match query.scope {
        ListScope::Mine => access::Visibility::Own,
        ListScope::All => access::visibility(actor),
    };
    let filter = InvitationFilter {
        facility: facility.id,
        visibility,
        viewer: actor.user,
        overlapping,
        approval: query.status,
        category: query.category,
        visitor_name,
        limit,
        offset: query.offset.unwrap_or(0),
    };
    Ok(cloud.database.list_invitations(&filter).await?)
}

/// Who did what to the invitation, when and why — if `actor` may see it.
pub async fn history(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
) -> Result<Vec<HistoryEntry>, ServiceError> {
    visible(cloud, actor, id).await?;
    Ok(cloud.database.history(id).await?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportRow {
    visitor_name: String,
    visitor_email: String,
    #[serde(default)]
    visitor_company: String,
    host_email: String,
    category: String,
    starts_at: chrono::DateTime<Utc>,
    ends_at: chrono::DateTime<Utc>,
}

/// The most invitations a list skips (`offset`).
const MOST_SKIPPED: u32 = 100_000;

/// The most visitors one CSV import holds.
pub const MOST_IMPORTED: usize = 1000;

/// Imports visitors from CSV, all or nothing: every row is checked first, and if any row is
/// wrong nothing is imported and every problem is listed; the invitations are then stored in
/// one transaction. At most [`MOST_IMPORTED`] rows.
pub async fn import(
    cloud: &Cloud,
    actor: &Actor,
    me: &User,
    csv_text: &str,
) -> Result<Vec<InvitationRecord>, ServiceError> {
    let prepared =
        crate::csv_import::all_or_nothing(csv_text, MOST_IMPORTED, "visitors", |row: ImportRow| {
            prepare_row(cloud, actor, me, row)
        })
        .await?;
    let mut created = Vec::with_capacity(prepared.len());
    let mut writes = Vec::with_capacity(prepared.len());
    let watchlist = Watchlist::load(cloud, me.facility_id).await?;
    for ready in prepared {
        let (record, write) = creation(cloud, ready, Arrival::Invited, &watchlist).await?;
        created.push(record);
        writes.push(write);
    }
    {
        let _turn = cloud.invitations.turn().await;
        cloud
            .database
            .writes(&writes.iter().collect::<Vec<_>>())
            .await?;
    }
    cloud.outbox.notify_one();
    Ok(created)
}

async fn prepare_row(
    cloud: &Cloud,
    actor: &Actor,
    me: &User,
    row: ImportRow,
) -> Result<Prepared, ServiceError> {
    let host_email = Email::parse(&row.host_email).map_err(ServiceError::invalid)?;
    let host = cloud
        .database
        .user_by_email(&host_email)
        .await?
        .filter(|h| h.facility_id == me.facility_id)
        .ok_or_else(|| ServiceError::invalid(format!("there is no host {host_email}")))?;
    let occupancy = host
        .occupancy_id
        .ok_or_else(|| ServiceError::invalid("the host must belong to an occupancy"))?;
    authorize(
        actor,
        Action::ImportVisitors {
            place: Place {
                facility: host.facility_id,
                occupancy,
            },
        },
    )?;
    let request = InvitationRequest {
        host_id: Some(host.id),
        category: CategoryKind::from_name(&row.category)
            .ok_or_else(|| ServiceError::invalid(format!("unknown category {:?}", row.category)))?,
        visitor: Visitor {
            name: Text::parse(&row.visitor_name)
                .map_err(|e| ServiceError::invalid(format!("visitor_name {e}")))?,
            email: Email::parse(&row.visitor_email).map_err(ServiceError::invalid)?,
            company: (!row.visitor_company.is_empty())
                .then(|| Text::parse(&row.visitor_company))
                .transpose()
                .map_err(|e| ServiceError::invalid(format!("visitor_company {e}")))?,
        },
        window: VisitWindow::new(row.starts_at, row.ends_at).map_err(ServiceError::invalid)?,
        room: None,
        escorted: false,
    };
    prepare(cloud, actor, me, request).await
}
