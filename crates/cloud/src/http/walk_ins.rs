//! Visitors without an invitation, registering at the kiosk: they find their host, choose why
//! they came, and give their name and email; the cloud turns that into an invitation from the
//! host for the rest of the day, under the same rules as any other — approval included.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{TimeDelta, TimeZone as _};
use gatehouse_core::{
    CategoryKind, Email, VisitWindow,
    text::Text,
    wire::{KioskHost, KioskInvitation, KioskWalkIn},
};
use serde::Deserialize;

use super::{
    ApiError, AppState,
    error::{ApiJson, ApiQuery},
    kiosks::{Device, kiosk_invitation},
};
use crate::invitations::{self, InvitationRequest, Visitor};

/// The fewest letters a host search needs, and the most hosts it answers.
const SHORTEST_SEARCH: usize = 2;
const MOST_HOSTS: usize = 8;
/// A walk-in arriving this close to the end of the day still gets this long.
const SHORTEST_WALK_IN: TimeDelta = TimeDelta::hours(1);

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HostQuery {
    /// The start of the host's first or last name (at least 2 letters).
    q: String,
}

/// People in this kiosk's facility whose names start with what the visitor typed.
#[utoipa::path(get, path = "/api/v1/kiosk/hosts", tag = "kiosks", params(HostQuery),
    responses((status = 200, body = Vec<KioskHost>), (status = 401)), security(("device" = [])))]
pub async fn hosts(
    State(state): State<AppState>,
    device: Device,
    ApiQuery(query): ApiQuery<HostQuery>,
) -> Result<Json<Vec<KioskHost>>, ApiError> {
    let typed: Vec<String> = query.q.split_whitespace().map(str::to_lowercase).collect();
    if typed.concat().chars().count() < SHORTEST_SEARCH || query.q.len() > 100 {
        return Ok(Json(Vec::new()));
    }
    let site = state.site(device.kiosk.facility).await?;
    let people = state.database.users(device.kiosk.facility, None).await?;
    let found = people
        .into_iter()
        .filter_map(|person| {
            let organisation = site.occupancy(person.occupancy_id?)?.name.clone();
            let words: Vec<String> = person
                .display_name
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            typed
                .iter()
                .all(|part| words.iter().any(|word| word.starts_with(part)))
                .then_some(KioskHost {
                    id: person.id,
                    name: person.display_name,
                    organisation,
                })
        })
        .take(MOST_HOSTS)
        .collect();
    Ok(Json(found))
}

/// The categories a walk-in may choose from here: those the facility has enabled.
#[utoipa::path(get, path = "/api/v1/kiosk/categories", tag = "kiosks",
    responses((status = 200, body = Vec<CategoryKind>), (status = 401)), security(("device" = [])))]
pub async fn categories(
    State(state): State<AppState>,
    device: Device,
) -> Result<Json<Vec<CategoryKind>>, ApiError> {
    let site = state.site(device.kiosk.facility).await?;
    Ok(Json(
        site.categories
            .iter()
            .filter(|category| category.enabled)
            .map(|category| category.kind)
            .collect(),
    ))
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
