//! Visitors without an invitation, registering at the kiosk: they find their host, choose why
//! they came, and give their name and email; the cloud turns that into an invitation from the
//! host for the rest of the day, under the same rules as any other — approval included.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse as _, Response},
};
use chrono::{TimeDelta, TimeZone as _};
use gatehouse_core::{
    Email, VisitWindow,
    text::Text,
    wire::{KioskDirectory, KioskHost, KioskInvitation, KioskWalkIn},
};

use super::{
    ApiError, AppState,
    error::ApiJson,
    kiosks::{Device, kiosk_invitation},
};
use crate::{
    invitations::{self, InvitationRequest, Visitor},
    store::sha256_hex,
};

/// A walk-in arriving this close to the end of the day still gets this long.
const SHORTEST_WALK_IN: TimeDelta = TimeDelta::hours(1);

/// Everyone in this kiosk's facility a visitor may ask for, and the categories they may choose.
/// Kiosks keep it and search it themselves; they send back the `ETag` of the copy they hold in
/// `If-None-Match` and get 304 while it has not changed.
#[utoipa::path(get, path = "/api/v1/kiosk/directory", tag = "kiosks",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk holds")),
    responses((status = 200, body = KioskDirectory, headers(("ETag" = String))), (status = 304), (status = 401)),
    security(("device" = [])))]
pub async fn directory(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let site = state.site(device.kiosk.facility).await?;
    let mut hosts: Vec<KioskHost> = state
        .database
        .users(device.kiosk.facility, None)
        .await?
        .into_iter()
        .filter_map(|person| {
            Some(KioskHost {
                organisation: site.occupancy(person.occupancy_id?)?.name.clone(),
                id: person.id,
                name: person.display_name,
            })
        })
        .collect();
    hosts.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let directory = KioskDirectory {
        hosts,
        categories: site
            .categories
            .iter()
            .filter(|category| category.enabled)
            .map(|category| category.kind)
            .collect(),
    };
    let body = serde_json::to_vec(&directory).map_err(|error| {
        tracing::error!(%error, "the kiosk directory did not serialize");
        ApiError::Internal
    })?;
    let etag = format!("\"{}\"", sha256_hex(&body));
    let held = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == etag.as_bytes());
    let status = if held {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let body = if held { Vec::new() } else { body };
    Ok((
        status,
        [
            (header::ETAG, etag),
            (header::CONTENT_TYPE, "application/json".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// Registers a visitor without an invitation: an invitation from the host from now to the end
/// of the day (or an hour, late in the day), which may need approval like any other.
#[utoipa::path(post, path = "/api/v1/kiosk/walk-ins", tag = "kiosks", request_body = KioskWalkIn,
    responses((status = 201, body = KioskInvitation), (status = 401), (status = 403), (status = 404), (status = 422)),
    security(("device" = [])))]
pub async fn register(
    State(state): State<AppState>,
    device: Device,
    ApiJson(walk_in): ApiJson<KioskWalkIn>,
) -> Result<(StatusCode, Json<KioskInvitation>), ApiError> {
    let not_here = || ApiError::NotFound(format!("there is no host {}", walk_in.host));
    let host = state
        .database
        .user(walk_in.host)
        .await?
        .filter(|host| host.facility_id == device.kiosk.facility && host.occupancy_id.is_some())
        .ok_or_else(not_here)?;
    let visitor = Visitor {
        name: Text::parse(&walk_in.visitor_name)
            .map_err(|error| ApiError::invalid(format!("visitor_name {error}")))?,
        email: Email::parse(&walk_in.visitor_email)
            .map_err(|error| ApiError::invalid(format!("visitor_email: {error}")))?,
        company: walk_in
            .visitor_company
            .as_deref()
            .filter(|company| !company.trim().is_empty())
            .map(Text::parse)
            .transpose()
            .map_err(|error| ApiError::invalid(format!("visitor_company {error}")))?,
    };
    let site = state.site(device.kiosk.facility).await?;
    let now = state.clock.now();
    let facility = &site.facility;
    let today = now.with_timezone(&facility.time_zone).date_naive();
    let end_of_day = facility
        .time_zone
        .from_local_datetime(&today.and_time(facility.end_of_day))
        .earliest()
        .map(|end| end.to_utc());
    let mut ends_at = end_of_day
        .filter(|end| *end >= now + SHORTEST_WALK_IN)
        .unwrap_or(now + SHORTEST_WALK_IN);
    if let Some(longest) = site
        .category(walk_in.category)
        .access_profile
        .longest_visit_minutes
    {
        ends_at = ends_at.min(now + TimeDelta::minutes(i64::from(longest)));
    }
    let window = VisitWindow::new(now, ends_at).map_err(ApiError::invalid)?;
    // The host invites, as if they had done it themselves: their permissions decide.
    let actor = state.database.actor(&host).await?;
    let request = InvitationRequest {
        host_id: None,
        category: walk_in.category,
        visitor,
        window,
    };
    let record = invitations::create(&state, &actor, &host, request).await?;
    let signing = state.signing_key().await?;
    let documents = site
        .category(record.category)
        .access_profile
        .documents
        .clone();
    Ok((
        StatusCode::CREATED,
        Json(kiosk_invitation(record, documents, signing)),
    ))
}
