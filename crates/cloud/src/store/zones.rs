//! Each facility's zone map, one numbered version per change, with who made it and when.

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, UserId, zones::ZoneMap};

use super::{StoreError, on_pool};
use crate::Database;

/// One change of a zone map, for its history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ZoneMapVersion {
    pub version: u32,
    /// Who changed it (none once they are deleted).
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
    pub zones: usize,
}

fn version(stored: i64) -> Result<u32, StoreError> {
    u32::try_from(stored).map_err(|_| StoreError::Corrupt("zone map version".into()))
}

impl Database {
    /// The facility's zone map and its version; version 0 and no zones before the first change.
    pub async fn zone_map(&self, facility: FacilityId) -> Result<(u32, ZoneMap), StoreError> {
        let row: Option<(i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT version, body FROM zone_maps WHERE facility_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(facility.0)
        .fetch_optional(pool)
        .await?);
        match row {
            None => Ok((0, ZoneMap::default())),
            Some((stored, body)) => Ok((
                version(stored)?,
                serde_json::from_str(&body)
                    .map_err(|error| StoreError::Corrupt(format!("zone map: {error}")))?,
            )),
        }
    }

    /// Stores `map` as the version after `expected`, if `expected` is still the newest; the
    /// new version, or `None` if someone changed the map meanwhile.
    pub async fn save_zone_map(
        &self,
        facility: FacilityId,
        expected: u32,
        map: &ZoneMap,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<u32>, StoreError> {
        let body = serde_json::to_string(map)
            .map_err(|error| StoreError::Corrupt(format!("zone map: {error}")))?;
        let saved: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO zone_maps (facility_id, version, body, changed_by, changed_at) \
             SELECT $1, $2 + 1, $3, $4, $5 \
             WHERE (SELECT COALESCE(MAX(version), 0) FROM zone_maps WHERE facility_id = $1) = $2 \
             ON CONFLICT (facility_id, version) DO NOTHING RETURNING version",
        )
        .bind(facility.0)
        .bind(i64::from(expected))
        .bind(body)
        .bind(by.0)
        .bind(now)
        .fetch_optional(pool)
        .await?);
        saved.map(version).transpose()
    }

    /// Every version of the facility's zone map, newest first.
    pub async fn zone_map_history(
        &self,
        facility: FacilityId,
    ) -> Result<Vec<ZoneMapVersion>, StoreError> {
        let rows: Vec<(i64, Option<String>, DateTime<Utc>, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT z.version, u.display_name, z.changed_at, z.body FROM zone_maps z \
             LEFT JOIN users u ON u.id = z.changed_by WHERE z.facility_id = $1 ORDER BY z.version DESC",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(stored, changed_by, changed_at, body)| {
                let map: ZoneMap = serde_json::from_str(&body)
                    .map_err(|error| StoreError::Corrupt(format!("zone map: {error}")))?;
                Ok(ZoneMapVersion {
                    version: version(stored)?,
                    changed_by,
                    changed_at,
                    zones: map.zones.len(),
                })
            })
            .collect()
    }
}
