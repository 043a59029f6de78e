//! The NDA each facility's visitors sign at the kiosk, one numbered version per published text.

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, wire::NdaTemplate};

use gatehouse_core::digest::sha256_hex;

use super::{StoreError, on_pool};
use crate::Database;

impl Database {
    /// Makes `text` the facility's NDA from now on, as the next version.
    pub async fn publish_nda(
        &self,
        facility: FacilityId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<NdaTemplate, StoreError> {
        let sha256 = sha256_hex(text.as_bytes());
        let version: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO nda_templates (facility_id, version, text, sha256, published_at) \
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM nda_templates WHERE facility_id = $1 \
             RETURNING version",
        )
        .bind(facility.0)
        .bind(text)
        .bind(&sha256)
        .bind(now)
        .fetch_one(pool)
        .await?);
        Ok(NdaTemplate {
            version: u32::try_from(version)
                .map_err(|_| StoreError::Corrupt("NDA version".into()))?,
            text: text.to_owned(),
            sha256,
        })
    }

    /// The facility's newest NDA, if it has published one.
    pub async fn current_nda(
        &self,
        facility: FacilityId,
    ) -> Result<Option<NdaTemplate>, StoreError> {
        let row: Option<(i64, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT version, text, sha256 FROM nda_templates WHERE facility_id = $1 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(facility.0)
        .fetch_optional(pool)
        .await?);
        row.map(|(version, text, sha256)| {
            Ok(NdaTemplate {
                version: u32::try_from(version)
                    .map_err(|_| StoreError::Corrupt("NDA version".into()))?,
                text,
                sha256,
            })
        })
        .transpose()
    }
}
