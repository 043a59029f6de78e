//! A kiosk's sync with the cloud: the change feed it pulls, the stream that tells it to pull,
//! and the reports it pushes.

use std::time::Duration;

use axum::{
    Json,
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use gatehouse_core::wire::{KioskChanges, KioskEventBatch, KioskEventResults};
use serde::Deserialize;
use tokio::sync::broadcast;

use super::{
    ApiError, AppState, Device,
    error::{ApiJson, ApiQuery},
};
use crate::sync::{changes, events};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `cursor` of the last page; leave out for everything.
    #[param(pattern = r"^[0-9]{1,18}\.[0-9a-f]{32}$")]
    after: Option<String>,
    /// Invitations per page, 1 to 1000; 500 if left out.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u16>,
}

/// What changed for this kiosk's facility since `after`: invitations in the order they last
/// changed (visits over for a day or more are left out).
#[utoipa::path(get, path = "/api/v1/kiosk/changes", tag = "kiosks", params(ChangesQuery),
    responses((status = 200, body = KioskChanges), (status = 400), (status = 401)), security(("device" = [])))]
pub async fn changes(
    State(state): State<AppState>,
    device: Device,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<KioskChanges>, ApiError> {
    Ok(Json(
        changes::page(
            &state.cloud,
            &device.kiosk,
            query.after.as_deref(),
            query.limit,
        )
        .await?,
    ))
}

/// Server-sent events: `changed` whenever this kiosk's facility's invitations change (an
/// approval, a new invitation), so the kiosk pulls the change feed at once; a comment every 15 s
/// keeps the connection open through proxies. A kiosk holds at most two streams open: a third
/// ends its oldest.
#[utoipa::path(get, path = "/api/v1/kiosk/changes/stream", tag = "kiosks",
    responses((status = 200, content_type = "text/event-stream"), (status = 401)), security(("device" = [])))]
pub async fn changes_stream(
    State(state): State<AppState>,
    device: Device,
) -> Sse<impl futures::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let facility = device.kiosk.facility;
    let kiosk = device.kiosk.id;
    let cloud = state.cloud.clone();
    let receiver = cloud.changes.subscribe();
    let still_enrolled = tokio::time::interval(STILL_ENROLLED_EVERY);
    let slot = cloud.streams.open(kiosk);
    let events = futures::stream::unfold(
        (receiver, still_enrolled, slot),
        move |(mut receiver, mut still_enrolled, mut slot)| {
            let cloud = cloud.clone();
            async move {
                loop {
                    tokio::select! {
                        // A newer stream of this kiosk took this one's place.
                        _ = &mut slot.ended => return None,
                        heard = receiver.recv() => match heard {
                            // A change elsewhere is none of this kiosk's business.
                            Ok(Some(other)) if other != facility => {}
                            // This facility, a change the database could not place, or missed signals.
                            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                                let event = Event::default().event("changed").data("{}");
                                return Some((Ok(event), (receiver, still_enrolled, slot)));
                            }
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                        _ = still_enrolled.tick() => {
                            // Revoked (through any cloud process): the stream ends.
                            if !cloud.database.kiosk_active(kiosk).await.unwrap_or(true) {
                                return None;
                            }
                        }
                    }
                }
            }
        },
    );
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// How often an open change stream looks whether its kiosk was revoked.
const STILL_ENROLLED_EVERY: Duration = Duration::from_secs(2);

/// Report what happened at this kiosk (check-ins, check-outs, printed badges), oldest first. Each report is
/// applied once, however often it is sent; a check-in against an invitation rejected or
/// cancelled meanwhile is recorded and flagged for reception, never silently accepted.
#[utoipa::path(post, path = "/api/v1/kiosk/events", tag = "kiosks", request_body = KioskEventBatch,
    responses((status = 200, body = KioskEventResults), (status = 400), (status = 401), (status = 422)),
    security(("device" = [])))]
pub async fn report(
    State(state): State<AppState>,
    device: Device,
    ApiJson(batch): ApiJson<KioskEventBatch>,
) -> Result<Json<KioskEventResults>, ApiError> {
    Ok(Json(
        events::report(&state.cloud, &device.kiosk, &batch).await?,
    ))
}
