//! The NDA each facility's visitors sign at the kiosk, in each language it publishes: one
//! numbered version per published text.

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, Language, digest::sha256_hex, wire::NdaTemplate};

use super::{StoreError, on_pool};
use crate::Database;

impl Database {
    /// Makes `text` the facility's NDA in `language` from now on, as the next version.
    pub async fn publish_nda(
        &self,
        facility: FacilityId,
        language: Language,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<NdaTemplate, StoreError> {
        let sha256 = sha256_hex(text.as_bytes());
        let version: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO nda_templates (facility_id, version, text, sha256, published_at, language) \
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5 FROM nda_templates WHERE facility_id = $1 \
             RETURNING version",
        )
        .bind(facility.0)
        .bind(text)
        .bind(&sha256)
        .bind(now)
        .bind(language.code())
        .fetch_one(pool)
        .await?);
        Ok(NdaTemplate {
            version: u32::try_from(version)
                .map_err(|_| StoreError::Corrupt("NDA version".into()))?,
            language,
            text: text.to_owned(),
            sha256,
        })
    }

    /// The facility's newest NDA in each language it has published one in, by language.
    pub async fn current_ndas(&self, facility: FacilityId) -> Result<Vec<NdaTemplate>, StoreError> {
        let rows: Vec<(i64, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT n.version, n.text, n.sha256, n.language FROM nda_templates n \
             WHERE n.facility_id = $1 AND n.version = (SELECT MAX(m.version) FROM nda_templates m \
               WHERE m.facility_id = n.facility_id AND m.language = n.language) \
             ORDER BY n.language",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(version, text, sha256, language)| {
                Ok(NdaTemplate {
                    version: u32::try_from(version)
                        .map_err(|_| StoreError::Corrupt("NDA version".into()))?,
                    language: Language::from_code(&language)
                        .ok_or_else(|| StoreError::Corrupt(format!("NDA language {language}")))?,
                    text,
                    sha256,
                })
            })
            .collect()
    }
}
