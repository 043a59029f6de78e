//! The building's zone map: zones, doors and rooms.

use axum::{Json, extract::State};

use super::{ApiError, AppState, Session, error::ApiJson};
use crate::{
    store::ZoneMapVersion,
    zones::{self, ZoneMapChange, ZoneMapView},
};

/// The facility's zones with their security level, doors and rooms, and the map's version.
#[utoipa::path(get, path = "/api/v1/zone-map", tag = "settings",
    responses((status = 200, body = ZoneMapView)), security(("bearer" = [])))]
pub async fn zone_map(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<ZoneMapView>, ApiError> {
    Ok(Json(zones::zone_map(&state.cloud, &session.actor).await?))
}

/// Replace the facility's zone map (`visitor_vendor_configuration` for the whole facility),
/// made from the version read: 409 if it changed since, 422 naming what is wrong.
#[utoipa::path(put, path = "/api/v1/zone-map", tag = "settings", request_body = ZoneMapChange,
    responses((status = 200, body = ZoneMapView), (status = 403, body = gatehouse_core::wire::ErrorBody),
    (status = 409, body = gatehouse_core::wire::ErrorBody), (status = 422, body = gatehouse_core::wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn change_zone_map(
    State(state): State<AppState>,
    session: Session,
    ApiJson(change): ApiJson<ZoneMapChange>,
) -> Result<Json<ZoneMapView>, ApiError> {
    Ok(Json(
        zones::change_zone_map(&state.cloud, &session.actor, change).await?,
    ))
}

/// Who changed the zone map and when, newest first.
#[utoipa::path(get, path = "/api/v1/zone-map/history", tag = "settings",
    responses((status = 200, body = Vec<ZoneMapVersion>), (status = 403, body = gatehouse_core::wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn zone_map_history(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<ZoneMapVersion>>, ApiError> {
    Ok(Json(
        zones::zone_map_history(&state.cloud, &session.actor).await?,
    ))
}
