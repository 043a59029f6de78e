//! What kiosks report from the lobby — check-ins, check-outs, printed badges — applied once
//! each, however often sent, by the rule of `core::visit`.

use gatehouse_core::{
    visit::VisitEvent,
    wire::{KioskEventBatch, KioskEventResults},
};

use crate::{context::Cloud, error::ServiceError, invitations::arrival_email, store::Kiosk};

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
    for event in &batch.events {
        // Who the host is and how to greet them, should the rule say the host is told.
        let record = match event.kind {
            VisitEvent::CheckIn => cloud
                .database
                .invitation(event.invitation)
                .await?
                .filter(|record| record.facility_id == kiosk.facility),
            VisitEvent::CheckOut | VisitEvent::BadgePrinted => None,
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
                    cloud.clock.now(),
                )
                .await?,
        );
    }
    cloud.outbox.notify_one();
    Ok(KioskEventResults { results })
}
