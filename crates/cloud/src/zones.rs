//! The building's zone map — zones with their security level, doors (with their ids in the
//! building's access-control system) and rooms — read by everyone of the facility, changed by
//! those who hold `visitor_vendor_configuration` for the whole facility, each change a version
//! in its history.

use gatehouse_core::{
    Action, Actor, authorize,
    zones::{Zone, ZoneMap},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Cloud, error::ServiceError, store::ZoneMapVersion};

/// The zone map as it stands, and its version (0 before anyone drew one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ZoneMapView {
    pub version: u32,
    pub zones: Vec<Zone>,
}

/// A new zone map, made from `version`: refused with 409 if the map changed since.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneMapChange {
    pub version: u32,
    pub zones: Vec<Zone>,
}

/// The facility's zone map, for anyone of the facility.
pub async fn zone_map(cloud: &Cloud, actor: &Actor) -> Result<ZoneMapView, ServiceError> {
    let (version, map) = cloud.database.zone_map(actor.facility).await?;
    Ok(ZoneMapView {
        version,
        zones: map.zones,
    })
}

/// Replaces the facility's zone map; a bad map, or one made from an older version, changes
/// nothing.
pub async fn change_zone_map(
    cloud: &Cloud,
    actor: &Actor,
    change: ZoneMapChange,
) -> Result<ZoneMapView, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ChangeZoneMap { facility })?;
    let map = ZoneMap {
        zones: change.zones,
    };
    map.check().map_err(ServiceError::Invalid)?;
    let saved = cloud
        .database
        .save_zone_map(
            facility,
            change.version,
            &map,
            actor.user,
            cloud.clock.now(),
        )
        .await?
        .ok_or_else(|| {
            ServiceError::Conflict(format!(
                "the zone map has changed since version {}; reload it and make your change again",
                change.version
            ))
        })?;
    cloud.sites.forget(facility);
    Ok(ZoneMapView {
        version: saved,
        zones: map.zones,
    })
}

/// Who changed the facility's zone map, when, newest first.
pub async fn zone_map_history(
    cloud: &Cloud,
    actor: &Actor,
) -> Result<Vec<ZoneMapVersion>, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ChangeZoneMap { facility })?;
    Ok(cloud.database.zone_map_history(facility).await?)
}
