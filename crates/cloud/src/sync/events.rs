//! What kiosks report from the lobby — check-ins, check-outs, printed badges — applied once
//! each, however often sent, by the rule of `core::visit`.

use gatehouse_core::{
    Action, UserId, authorize,
    visit::VisitEvent,
    wire::{KioskEventBatch, KioskEventReport, KioskEventResults},
};

use crate::{
    context::Cloud,
    error::ServiceError,
    invitations::{arrival_email, door_pass_email},
    site::Site,
    store::{DoorPassEmail, InvitationRecord, Kiosk},
};

/// The most reports one batch may carry.
pub const MAX_BATCH: usize = 200;

/// Records `kiosk`'s reports in the order sent. A check-in against an invitation rejected or
/// cancelled meanwhile is recorded and flagged for reception, never silently accepted.
pub async fn report(
    cloud: &Cloud,
    kiosk: &Kiosk,
    batch: &KioskEventBatch,
) -> Result<KioskEventResults, ServiceError> {
    if batch.events.is_empty() || batch.events.len() > MAX_BATCH {
        return Err(ServiceError::invalid(format!(
            "a batch carries 1 to {MAX_BATCH} events"
        )));
    }
    let site = cloud.site(kiosk.facility).await?;
    let mut results = Vec::with_capacity(batch.events.len());
    for reported in &batch.events {
        // Who the host is and how to greet them, should the rule say the host is told; and
        // whether the person named as acting for the visitor may admit them.
        let record = match (reported.kind, reported.by) {
            (VisitEvent::CheckIn, _) | (_, Some(_)) => cloud
                .database
                .invitation(reported.invitation)
                .await?
                .filter(|record| record.facility_id == kiosk.facility),
            (VisitEvent::CheckOut | VisitEvent::BadgePrinted, None) => None,
        };
        let event = &KioskEventReport {
            by: match (reported.by, &record) {
                (Some(person), Some(record)) => may_admit(cloud, person, record).await?,
                _ => None,
            },
            ..reported.clone()
        };
        let door_pass = match (&record, reported.kind) {
            (Some(record), VisitEvent::CheckIn) => door_pass(cloud, &site, record).await?,
            _ => None,
        };
        let arrival = || {
            let record = record.as_ref()?;
            arrival_email(cloud, &site, record, event.at)
                .inspect_err(|error| tracing::error!(%error, "no arrival email"))
                .ok()
                .flatten()
        };
        results.push(
            cloud
                .database
                .record_kiosk_event(
                    kiosk,
                    event,
                    site.facility.time_zone,
                    arrival,
                    door_pass.as_ref(),
                    cloud.clock.now(),
                )
                .await?,
        );
    }
    cloud.outbox.notify_one();
    Ok(KioskEventResults { results })
}

/// The guest's door-pass email for the credential a check-in of `record` would issue.
async fn door_pass(
    cloud: &Cloud,
    site: &Site,
    record: &InvitationRecord,
) -> Result<Option<DoorPassEmail>, ServiceError> {
    let Some(credential) = cloud.database.live_credential(record.id).await? else {
        return Ok(None);
    };
    let signing = cloud.signing_key().await?;
    door_pass_email(
        cloud,
        site,
        record,
        &credential,
        &signing,
        cloud.clock.now(),
    )
    .or_else(|error| {
        tracing::error!(%error, "no door-pass email");
        Ok(None)
    })
}

/// `person`, if they admit visitors where `record` is: the visit is recorded as done by them.
/// Anyone else is left out (the visit stands, as the visitor's own) and logged.
async fn may_admit(
    cloud: &Cloud,
    person: UserId,
    record: &InvitationRecord,
) -> Result<Option<UserId>, ServiceError> {
    let user = cloud
        .database
        .user(person)
        .await?
        .filter(|user| user.facility_id == record.facility_id);
    let allowed = match user {
        Some(user) => {
            let actor = cloud.database.actor(&user).await?;
            authorize(&actor, Action::AdmitVisitor(&record.facts())).is_ok()
        }
        None => false,
    };
    if !allowed {
        tracing::warn!(%person, invitation = %record.id, "a kiosk named someone who does not admit this visitor");
    }
    Ok(allowed.then_some(person))
}
