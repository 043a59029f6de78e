//! Visits end: a visit nobody checked out by the end of its window, plus the site's grace, is
//! closed by a job — checked in → `expired` — so the muster list holds only people who may be
//! inside, and no old visit is reprinted or shown as on site. A visitor who never came is welcome
//! all day of their visit (the kiosk's rule), so theirs closes as `no_show` once that day is over
//! too. Kiosks hear of it through their change feed like any change. A credential whose window
//! ended is revoked by the same job, with an entry in its visit's history.

use std::{sync::Arc, time::Duration};

use chrono::TimeDelta;
use gatehouse_core::window::{local_day, site_day};

use crate::{context::Cloud, error::ServiceError};

/// How often the job looks.
pub const CLOSE_EVERY: Duration = Duration::from_secs(60);

/// Closes every facility's ended visits now and revokes the credentials whose window ended;
/// answers how many visits it closed.
pub async fn close_ended(cloud: &Cloud) -> Result<usize, ServiceError> {
    let now = cloud.clock.now();
    let revoked = cloud.database.revoke_ended_credentials(now).await?;
    if revoked > 0 {
        tracing::info!(revoked, "revoked credentials whose window ended");
    }
    let mut closed = 0;
    for facility in cloud.database.facilities().await? {
        let inside_until = now - TimeDelta::minutes(i64::from(facility.visit_grace_minutes));
        let today_began = local_day(site_day(now, facility.time_zone), facility.time_zone)
            .map_or(now, |(start, _)| start);
        closed += cloud
            .database
            .close_ended_visits(
                facility.id,
                inside_until,
                inside_until.min(today_began),
                now,
            )
            .await?;
    }
    Ok(closed)
}

/// Runs [`close_ended`] every [`CLOSE_EVERY`] until the task is aborted; forgets idempotency
/// keys older than a day on the way.
pub async fn keep_closing(cloud: Arc<Cloud>) {
    loop {
        match close_ended(&cloud).await {
            Ok(0) => {}
            Ok(closed) => tracing::info!(closed, "closed visits nobody checked out"),
            Err(error) => tracing::warn!(%error, "closing ended visits failed; trying again"),
        }
        let used_before = cloud.clock.now() - crate::http::IDEMPOTENCY_KEPT_FOR;
        if let Err(error) = cloud.database.forget_idempotency_keys(used_before).await {
            tracing::warn!(%error, "forgetting old idempotency keys failed; trying again");
        }
        tokio::time::sleep(CLOSE_EVERY).await;
    }
}
