//! Reception's view of the lobby: who is on site now, walk-ins waiting for their host, and the
//! check-ins the kiosks flagged (an invitation rejected or cancelled while a kiosk was offline) or
//! the visitors they sent to reception, until someone handles them; and reception admitting a
//! visitor on their behalf.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    Action, Actor, ApprovalStatus, InvitationId, VisitStatus, authorize, invitation, window,
    wire::VisitDocument,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    context::Cloud,
    error::ServiceError,
    invitations,
    store::{Change, InvitationRecord, InvitationWrite, Kiosk},
};

#[derive(Debug, Serialize, ToSchema)]
pub struct Lobby {
    /// Flagged check-ins nobody has handled yet, oldest first.
    pub attention: Vec<Attention>,
    /// Everyone checked in and not yet out, by name.
    pub on_site: Vec<InvitationRecord>,
    /// Walk-ins at a kiosk waiting for their host (or reception) to say they are expected,
    /// oldest first: answer with `POST /invitations/{id}/walk-in-answer`.
    pub walk_ins: Vec<InvitationRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Attention {
    pub event: Uuid,
    pub invitation: InvitationRecord,
    /// Why the kiosk's report was flagged.
    pub reason: String,
    pub at: DateTime<Utc>,
    /// The kiosk that reported it.
    pub kiosk: String,
    /// A badge the kiosk could not print waits at
    /// `/invitations/{id}/documents/unprinted_badge`.
    pub unprinted_badge: bool,
}

/// The lobby of `actor`'s facility, limited to the visitors they may admit.
pub async fn lobby(cloud: &Cloud, actor: &Actor) -> Result<Lobby, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::SeeLobby { facility })?;
    let admits =
        |record: &InvitationRecord| authorize(actor, Action::AdmitVisitor(&record.facts())).is_ok();
    let mut attention = Vec::new();
    for flag in cloud.database.unhandled_flags(facility).await? {
        let Some(invitation) = cloud.database.invitation(flag.invitation).await? else {
            continue;
        };
        if admits(&invitation) {
            let unprinted_badge = cloud
                .database
                .visit_document(invitation.id, VisitDocument::UnprintedBadge)
                .await?
                .is_some();
            attention.push(Attention {
                unprinted_badge,
                event: flag.event,
                invitation,
                reason: flag.reason,
                at: flag.happened_at,
                kiosk: flag.kiosk,
            });
        }
    }
    let on_site = cloud
        .database
        .on_site(facility)
        .await?
        .into_iter()
        .filter(admits)
        .collect();
    let walk_ins = cloud
        .database
        .walk_ins_waiting(facility)
        .await?
        .into_iter()
        .filter(admits)
        .collect();
    Ok(Lobby {
        attention,
        on_site,
        walk_ins,
    })
}

/// Marks a flagged check-in as handled: it leaves everyone's list.
pub async fn handled(cloud: &Cloud, actor: &Actor, event: Uuid) -> Result<(), ServiceError> {
    let facility = actor.facility;
    let flag = cloud
        .database
        .unhandled_flags(facility)
        .await?
        .into_iter()
        .find(|flag| flag.event == event);
    let not_found = || ServiceError::NotFound(format!("no flagged check-in {event} waits here"));
    let flag = flag.ok_or_else(not_found)?;
    let invitation = cloud
        .database
        .invitation(flag.invitation)
        .await?
        .ok_or_else(not_found)?;
    authorize(actor, Action::AdmitVisitor(&invitation.facts()))?;
    if !cloud
        .database
        .handle_flag(facility, event, actor.user, cloud.clock.now())
        .await?
    {
        return Err(not_found());
    }
    Ok(())
}

/// A person of reception (`visitor_admission` where the visit is) checks a visitor in on their
/// behalf: only an approved invitation of today whose visitor is still expected (409
/// otherwise), recorded as admitted by that person; the host is told as at the kiosk.
pub async fn admit(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
) -> Result<InvitationRecord, ServiceError> {
    let record =
        invitations::to_act_on(cloud, actor, id, |facts| Action::AdmitVisitor(facts)).await?;
    invitation::may_admit(record.approval_status, record.visit_status)
        .map_err(|refused| ServiceError::Conflict(format!("not admitted: {refused}")))?;
    let site = cloud.site(record.facility_id).await?;
    let now = cloud.clock.now();
    let zone = site.facility.time_zone;
    let today = window::local_day(window::site_day(now, zone), zone);
    if today.is_none_or(|(start, end)| record.ends_at <= start || record.starts_at >= end) {
        return Err(ServiceError::Conflict(
            "not admitted: the visit is not today".into(),
        ));
    }
    let change = Change {
        action: "admitted",
        actor: Some(actor.user),
        from: Some(record.approval_status),
        to: record.approval_status,
        reason: None,
        at: now,
    };
    let outbox = invitations::arrival_email(cloud, &site, &record, now)?
        .into_iter()
        .collect();
    // The visitor's credential is issued with the admission: with no badge printed, the door
    // pass on their phone is what opens the doors.
    let signing = cloud.signing_key().await?;
    let door_pass = match crate::credentials::prepared(cloud, &site, &record, &signing).await? {
        Some(credential) => {
            invitations::door_pass_email(cloud, &site, &record, &credential, &signing, now)?
        }
        None => None,
    };
    if !cloud
        .invitations
        .write(InvitationWrite::Admission {
            id,
            change,
            outbox,
            door_pass,
        })
        .await?
    {
        return Err(ServiceError::Conflict(
            "the invitation was changed meanwhile; look at it again".into(),
        ));
    }
    cloud.outbox.notify_one();
    Ok(InvitationRecord {
        visit_status: VisitStatus::CheckedIn,
        checked_in_at: Some(now),
        updated_at: now,
        ..record
    })
}

/// What reception reads about a visitor the kiosk sent them.
pub const WAITING_FOR_APPROVAL: &str = "at the kiosk now; the invitation still waits for approval";

/// What reception reads about a visitor screening held: enough to call security, not the entry.
pub const HELD_BY_SCREENING: &str = "at the kiosk now; screening held the invitation and security has been told: do not admit, call security";

/// `kiosk` sends a visitor to reception because their invitation waits for approval: reception
/// sees them on the Lobby page until someone handles it. Sent twice, it is still one request.
pub async fn ask_reception(
    cloud: &Cloud,
    kiosk: &Kiosk,
    invitation: InvitationId,
) -> Result<(), ServiceError> {
    let record = cloud
        .database
        .invitation(invitation)
        .await?
        .filter(|record| record.facility_id == kiosk.facility)
        .ok_or_else(|| {
            ServiceError::NotFound(format!("there is no invitation {invitation} here"))
        })?;
    if record.approval_status != ApprovalStatus::Pending {
        return Err(ServiceError::Conflict(
            "the invitation is not waiting for approval".into(),
        ));
    }
    cloud
        .database
        .ask_reception(
            kiosk.id,
            record.id,
            if record.held {
                HELD_BY_SCREENING
            } else {
                WAITING_FOR_APPROVAL
            },
            cloud.clock.now(),
        )
        .await?;
    Ok(())
}
