//! Inviting visitors and deciding about invitations: the approval workflow of seed "approval
//! process", with each change, its audit entry and its notifications written together.

use std::sync::Arc;

use chrono::TimeDelta;
use gatehouse_core::{
    Action, Actor, CategoryKind, Decision, Email, InvitationId, OccupancyId, UserId, VisitWindow,
    authorize,
    invitation::{self, Message, Notice, Reason, Recipient},
    role::Place,
    text::Text,
    token::{InvitationClaims, sign},
    wire::KioskEventReport,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    http::{ApiError, AppState, SigningKey},
    notify::{Letterhead, compose},
    site::Site,
    store::{Change, InvitationRecord, InvitationWrite, Kiosk, OutboxItem, User},
};

/// A visitor as the host describes them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Visitor {
    #[schema(value_type = String, example = "Jonas Weber")]
    pub name: Text<120>,
    pub email: Email,
    #[schema(value_type = Option<String>, example = "Acme GmbH")]
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
    state: &AppState,
    actor: &Actor,
    me: &User,
    request: InvitationRequest,
) -> Result<InvitationRecord, ApiError> {
    let prepared = prepare(state, actor, me, request).await?;
    commit(state, prepared).await
}

/// Checks everything about a new invitation without writing anything.
pub async fn prepare(
    state: &AppState,
    actor: &Actor,
    me: &User,
    request: InvitationRequest,
) -> Result<Prepared, ApiError> {
    let database = &state.database;
    let host = match request.host_id {
        None => me.clone(),
        Some(id) => match database.user(id).await? {
            Some(host) if host.facility_id == me.facility_id => host,
            _ => return Err(ApiError::NotFound(format!("there is no host {id}"))),
        },
    };
    let occupancy_id = host
        .occupancy_id
        .ok_or_else(|| ApiError::invalid("the host must belong to an occupancy"))?;
    let site = state.site(me.facility_id).await?;
    let facility = &site.facility;
    let category = site.category(request.category);
    if !category.enabled {
        return Err(ApiError::invalid(format!(
            "the category {} is not enabled at this site",
            category.kind.as_str()
        )));
    }
    let window = request.window;
    if let Some(longest) = category.access_profile.longest_visit_minutes
        && window.duration() > TimeDelta::minutes(i64::from(longest))
    {
        return Err(ApiError::invalid(format!(
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
    Ok(Prepared {
        occupancy: occupancy_id,
        site,
        host,
        created_by: me.id,
        request,
    })
}

/// Stores a prepared invitation with its history entry and its notifications.
pub async fn commit(state: &AppState, prepared: Prepared) -> Result<InvitationRecord, ApiError> {
    let Prepared {
        site,
        occupancy,
        host,
        created_by,
        request,
    } = prepared;
    let facility = &site.facility;
    let occupancy = site.occupancy(occupancy).ok_or(ApiError::Internal)?;
    let category = site.category(request.category);
    let now = state.clock.now();
    let (approval, notices) = invitation::on_create(category.needs_approval);
    let signing = state.signing_key().await?;
    let record = InvitationRecord {
        id: uuid::Uuid::now_v7().into(),
        facility_id: facility.id,
        occupancy_id: occupancy.id,
        host_id: host.id,
        host_name: host.display_name.clone(),
        host_email: host.email.to_string(),
        created_by,
        category: category.kind,
        visitor_name: request.visitor.name.as_str().to_owned(),
        visitor_email: request.visitor.email.as_str().to_owned(),
        visitor_company: request
            .visitor
            .company
            .as_ref()
            .map_or("", Text::as_str)
            .to_owned(),
        starts_at: request.window.starts_at(),
        ends_at: request.window.ends_at(),
        approval_status: approval,
        visit_status: gatehouse_core::VisitStatus::Expected,
        created_at: now,
        updated_at: now,
    };
    let letterhead = Letterhead {
        facility,
        occupancy_name: &occupancy.name,
        host_name: &host.display_name,
        host_email: host.email.as_str(),
        category,
        public_url: &state.public_url,
    };
    let outbox = messages(&notices, &record, &letterhead, None, signing, now);
    let write = InvitationWrite::Create {
        invitation: Box::new(record.clone()),
        change: Change {
            action: "create",
            actor: Some(created_by),
            from: None,
            to: approval,
            reason: None,
            at: now,
        },
        outbox,
    };
    state.invitations.write(write).await?;
    state.outbox.notify_one();
    Ok(record)
}

/// Applies a decision (approve, reject, back to pending, cancel) for `actor`.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: InvitationId,
    decision: &Decision,
) -> Result<InvitationRecord, ApiError> {
    let record = visible(state, actor, id).await?;
    let facts = record.facts();
    match decision {
        Decision::Cancel => authorize(actor, Action::CancelInvitation(&facts))?,
        _ => authorize(actor, Action::ReviewInvitation(&facts))?,
    }
    let outcome = invitation::decide(record.approval_status, record.visit_status, decision)
        .map_err(|error| ApiError::Conflict(error.to_string()))?;

    let now = state.clock.now();
    let site = state.site(record.facility_id).await?;
    let signing = state.signing_key().await?;
    let letterhead = letterhead(state, &site, &record)?;
    let reason = decision.reason().map(Reason::as_str);
    let items = messages(&outcome.notices, &record, &letterhead, reason, signing, now);
    let write = InvitationWrite::Approval {
        id,
        change: Change {
            action: decision.name(),
            actor: Some(actor.user),
            from: Some(record.approval_status),
            to: outcome.approval,
            reason: reason.map(str::to_owned),
            at: now,
        },
        outbox: items,
    };
    if !state.invitations.write(write).await? {
        return Err(ApiError::Conflict(
            "the invitation was changed by someone else meanwhile; look at it again".into(),
        ));
    }
    state.outbox.notify_one();
    Ok(InvitationRecord {
        approval_status: outcome.approval,
        updated_at: now,
        ..record
    })
}

/// The invitation, if `actor` may see it; otherwise "not found", so ids of others' invitations
/// reveal nothing.
pub async fn visible(
    state: &AppState,
    actor: &Actor,
    id: InvitationId,
) -> Result<InvitationRecord, ApiError> {
    let not_found = || ApiError::NotFound(format!("there is no invitation {id}"));
    let record = state.database.invitation(id).await?.ok_or_else(not_found)?;
    authorize(actor, Action::ViewInvitation(&record.facts())).map_err(|_| not_found())?;
    Ok(record)
}

/// The host's "your visitor has arrived" email for a check-in reported by `kiosk`; `None` if
/// the invitation is not in the kiosk's facility (the report is refused anyway).
pub async fn arrival_email(
    state: &AppState,
    kiosk: &Kiosk,
    report: &KioskEventReport,
) -> Result<Option<OutboxItem>, ApiError> {
    let Some(record) = state
        .database
        .invitation(report.invitation)
        .await?
        .filter(|record| record.facility_id == kiosk.facility)
    else {
        return Ok(None);
    };
    let site = state.site(record.facility_id).await?;
    let letterhead = letterhead(state, &site, &record)?;
    let notice = Notice {
        to: Recipient::Host,
        message: Message::VisitorArrived,
    };
    Ok(compose(notice, &record, &letterhead, None, None, report.at))
}

/// What every email about a stored invitation draws on.
fn letterhead<'a>(
    state: &'a AppState,
    site: &'a Site,
    record: &'a InvitationRecord,
) -> Result<Letterhead<'a>, ApiError> {
    let occupancy = site
        .occupancy(record.occupancy_id)
        .ok_or(ApiError::Internal)?;
    Ok(Letterhead {
        facility: &site.facility,
        occupancy_name: &occupancy.name,
        host_name: &record.host_name,
        host_email: &record.host_email,
        category: site.category(record.category),
        public_url: &state.public_url,
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

fn messages(
    notices: &[Notice],
    record: &InvitationRecord,
    letterhead: &Letterhead<'_>,
    reason: Option<&str>,
    signing: &SigningKey,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<OutboxItem> {
    // Only a guest's invitation carries the signed code: sign it only then.
    let token = notices
        .iter()
        .any(|n| n.to == Recipient::Guest)
        .then(|| guest_token(record, signing));
    notices
        .iter()
        .filter_map(|notice| compose(*notice, record, letterhead, reason, token.as_deref(), now))
        .collect()
}

/// Reads a decision's reason from a request body.
pub fn reason(raw: Option<&str>) -> Result<Option<Reason>, ApiError> {
    raw.map(Reason::parse)
        .transpose()
        .map_err(|e| ApiError::invalid(format!("reason: {e}")))
}
