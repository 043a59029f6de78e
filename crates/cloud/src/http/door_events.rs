//! Door scans the building reports, a visit's timeline, and the muster list.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use gatehouse_core::{InvitationId, Language};
use serde::Deserialize;

use super::{
    ApiError, AppState, Device, Session,
    error::{ApiJson, ApiPath, ApiQuery},
    etag::etagged,
};
use crate::{
    door_events::{self, PostedScans, RecordedScans},
    muster::{self, Muster},
    timeline::{self, Moment},
};

/// Door scans from a system without a connector (`visitor_vendor_configuration` for the
/// facility): each is tied to its visit and stored once — posting an event id again changes
/// nothing. The post is checked whole first: one unknown door, visit or credential and none is
/// stored.
#[utoipa::path(post, path = "/api/v1/door-events", tag = "access", request_body = PostedScans,
    responses((status = 200, body = RecordedScans), (status = 403, body = gatehouse_core::wire::ErrorBody),
    (status = 422, body = gatehouse_core::wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn post_door_events(
    State(state): State<AppState>,
    session: Session,
    ApiJson(posted): ApiJson<PostedScans>,
) -> Result<Json<RecordedScans>, ApiError> {
    Ok(Json(
        door_events::post(&state.cloud, &session.actor, posted).await?,
    ))
}

/// The visit's timeline: its history, the kiosk of each check-in and check-out, and every
/// door scanned (granted or refused), in the order it happened.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/timeline", tag = "access",
    params(("id" = InvitationId, Path)), responses((status = 200, body = Vec<Moment>), (status = 404)),
    security(("bearer" = [])))]
pub async fn visit_timeline(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<Vec<Moment>>, ApiError> {
    Ok(Json(
        timeline::of_visit(&state.cloud, &session.actor, id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// The printed list's language.
    pub language: Option<Language>,
}

/// Everyone inside the building now — visitors checked in and not out, and the building's own
/// people where its system reports them — with the last door and zone that saw them. For
/// reception of the whole facility (`visitor_admission` there).
#[utoipa::path(get, path = "/api/v1/muster", tag = "access",
    responses((status = 200, body = Muster), (status = 403, body = gatehouse_core::wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn muster_list(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Muster>, ApiError> {
    Ok(Json(muster::list(&state.cloud, &session.actor).await?))
}

/// The muster list to print: grouped by last zone, a tick box each.
#[utoipa::path(get, path = "/api/v1/muster/pdf", tag = "access", params(PrintQuery),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = gatehouse_core::wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn muster_pdf(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(query): ApiQuery<PrintQuery>,
) -> Result<Response, ApiError> {
    let language = query.language.unwrap_or_default();
    let pdf = muster::pdf(&state.cloud, &session.actor, language).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}

/// What the building's doors know of the kiosk's facility: where each of today's visits stands
/// in its access-control system, and where a door last saw everyone inside. Kiosks pull it every
/// sync round for reception and the muster list, sending the `ETag` of the copy they hold in
/// `If-None-Match`; it is 304 while nothing changed.
#[utoipa::path(get, path = "/api/v1/kiosk/doors", tag = "kiosks",
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk holds")),
    responses((status = 200, body = gatehouse_core::wire::KioskDoors, headers(("ETag" = String))), (status = 304), (status = 401)),
    security(("device" = [])))]
pub async fn kiosk_doors(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let doors = muster::for_kiosk(&state.cloud, device.kiosk.facility).await?;
    etagged(&doors, &headers)
}
