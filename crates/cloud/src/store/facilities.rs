//! Facilities, their occupancies, visitor categories and site settings.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

use gatehouse_core::{
    Category, CategoryKind, Email, FacilityId, OccupancyId,
    category::{AccessProfile, CategoryChoice},
};
use serde::Serialize;
use uuid::Uuid;

use super::{StoreError, on_pool};
use crate::Database;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Facility {
    pub id: FacilityId,
    pub name: String,
    pub address: String,
    #[schema(value_type = String, example = "Europe/Berlin")]
    pub time_zone: Tz,
    #[schema(value_type = String, example = "19:00:00")]
    pub end_of_day: NaiveTime,
    pub security_email: Option<Email>,
    /// How long after a visit's window ends the cloud closes it if nobody checked out.
    pub visit_grace_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Occupancy {
    pub id: OccupancyId,
    pub facility_id: FacilityId,
    pub name: String,
}

/// What one organisation set for itself over the facility's defaults. Its security addresses
/// are its own: never in the directory that lists occupancies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub security_emails: Vec<Email>,
    /// Only the categories it chose for itself; the others follow the facility's default.
    pub categories: Vec<CategoryChoice>,
}

#[derive(sqlx::FromRow)]
struct FacilityRow {
    id: Uuid,
    name: String,
    address: String,
    time_zone: String,
    end_of_day: String,
    security_email: Option<String>,
    visit_grace_minutes: i64,
}

impl TryFrom<FacilityRow> for Facility {
    type Error = StoreError;

    fn try_from(row: FacilityRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("facility {}: {what}", row.id));
        Ok(Self {
            id: row.id.into(),
            time_zone: row.time_zone.parse().map_err(|_| corrupt("time zone"))?,
            end_of_day: NaiveTime::parse_from_str(&row.end_of_day, "%H:%M")
                .map_err(|_| corrupt("end of day"))?,
            security_email: row
                .security_email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(|_| corrupt("security email"))?,
            visit_grace_minutes: u32::try_from(row.visit_grace_minutes)
                .map_err(|_| corrupt("visit grace"))?,
            name: row.name,
            address: row.address,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    kind: String,
    enabled: bool,
    needs_approval: bool,
    email: Option<String>,
    longest_visit_minutes: Option<i64>,
    documents: String,
    walk_ins_unconfirmed: bool,
    zones: String,
    escorted_zones: String,
    early_access_minutes: i64,
}

impl TryFrom<CategoryRow> for Category {
    type Error = StoreError;

    fn try_from(row: CategoryRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("category {}: {what}", row.kind));
        Ok(Self {
            kind: CategoryKind::from_name(&row.kind).ok_or_else(|| corrupt("kind"))?,
            enabled: row.enabled,
            needs_approval: row.needs_approval,
            email: row
                .email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(|_| corrupt("email"))?,
            access_profile: AccessProfile {
                longest_visit_minutes: row
                    .longest_visit_minutes
                    .map(u32::try_from)
                    .transpose()
                    .map_err(|_| corrupt("longest visit"))?,
                documents: serde_json::from_str(&row.documents)
                    .map_err(|_| corrupt("documents"))?,
                walk_ins_unconfirmed: row.walk_ins_unconfirmed,
                zones: serde_json::from_str(&row.zones).map_err(|_| corrupt("zones"))?,
                escorted_zones: serde_json::from_str(&row.escorted_zones)
                    .map_err(|_| corrupt("escorted zones"))?,
                early_access_minutes: u32::try_from(row.early_access_minutes)
                    .map_err(|_| corrupt("early access"))?,
            },
        })
    }
}

/// An organisation's stored choice for a category: occupancy, kind, enabled, needs approval,
/// email, its narrower access profile (JSON).
type OrganisationChoiceRow = (Uuid, String, bool, bool, Option<String>, Option<String>);

const FACILITY_COLUMNS: &str =
    "id, name, address, time_zone, end_of_day, security_email, visit_grace_minutes";

impl Database {
    pub async fn create_facility(
        &self,
        name: &str,
        address: &str,
        time_zone: Tz,
        end_of_day: NaiveTime,
        now: DateTime<Utc>,
    ) -> Result<Facility, StoreError> {
        let id = Uuid::now_v7();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO facilities (id, name, address, time_zone, end_of_day, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(name)
        .bind(address)
        .bind(time_zone.name())
        .bind(end_of_day.format("%H:%M").to_string())
        .bind(now)
        .execute(pool)
        .await
        .map_err(StoreError::unique("a facility with that name"))?.rows_affected());
        self.facility(id.into())
            .await?
            .ok_or_else(|| StoreError::Corrupt("facility vanished".into()))
    }

    /// Removes a facility and everything in it (the demo's reset).
    pub async fn delete_facility(&self, id: FacilityId) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("DELETE FROM facilities WHERE id = $1")
            .bind(id.0)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    /// Every facility, for jobs that visit each.
    pub async fn facilities(&self) -> Result<Vec<Facility>, StoreError> {
        let sql = format!("SELECT {FACILITY_COLUMNS} FROM facilities ORDER BY id");
        let rows: Vec<FacilityRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Facility::try_from).collect()
    }

    pub async fn set_visit_grace(
        &self,
        facility: FacilityId,
        minutes: u32,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("UPDATE facilities SET visit_grace_minutes = $1 WHERE id = $2")
            .bind(i64::from(minutes))
            .bind(facility.0)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    pub async fn facility(&self, id: FacilityId) -> Result<Option<Facility>, StoreError> {
        let sql = format!("SELECT {FACILITY_COLUMNS} FROM facilities WHERE id = $1");
        let row: Option<FacilityRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(Facility::try_from).transpose()
    }

    pub async fn facility_by_name(&self, name: &str) -> Result<Option<Facility>, StoreError> {
        let sql = format!("SELECT {FACILITY_COLUMNS} FROM facilities WHERE name = $1");
        let row: Option<FacilityRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(pool)
            .await?);
        row.map(Facility::try_from).transpose()
    }

    pub async fn set_security_email(
        &self,
        facility: FacilityId,
        email: Option<&Email>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("UPDATE facilities SET security_email = $1 WHERE id = $2")
            .bind(email.map(Email::as_str))
            .bind(facility.0)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    pub async fn create_occupancy(
        &self,
        facility: FacilityId,
        name: &str,
    ) -> Result<Occupancy, StoreError> {
        let id = Uuid::now_v7();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO occupancies (id, facility_id, name) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(facility.0)
        .bind(name)
        .execute(pool)
        .await
        .map_err(StoreError::unique("an occupancy with that name"))?.rows_affected());
        Ok(Occupancy {
            id: id.into(),
            facility_id: facility,
            name: name.to_owned(),
        })
    }

    pub async fn occupancies(&self, facility: FacilityId) -> Result<Vec<Occupancy>, StoreError> {
        let rows: Vec<(Uuid, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, name FROM occupancies WHERE facility_id = $1 ORDER BY name",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(id, name)| Occupancy {
                id: id.into(),
                facility_id: facility,
                name,
            })
            .collect())
    }

    pub async fn occupancy(&self, id: OccupancyId) -> Result<Option<Occupancy>, StoreError> {
        let row: Option<(Uuid, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT facility_id, name FROM occupancies WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(facility, name)| Occupancy {
            id,
            facility_id: facility.into(),
            name,
        }))
    }

    /// Every predefined category, with this facility's settings (disabled where never set).
    pub async fn categories(&self, facility: FacilityId) -> Result<Vec<Category>, StoreError> {
        let rows: Vec<CategoryRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kind, enabled, needs_approval, email, longest_visit_minutes, documents, walk_ins_unconfirmed, \
               zones, escorted_zones, early_access_minutes \
             FROM categories WHERE facility_id = $1",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        let stored: Vec<Category> = rows
            .into_iter()
            .map(Category::try_from)
            .collect::<Result<_, _>>()?;
        Ok(CategoryKind::ALL
            .into_iter()
            .map(|kind| {
                stored
                    .iter()
                    .find(|c| c.kind == kind)
                    .cloned()
                    .unwrap_or(Category {
                        kind,
                        enabled: false,
                        needs_approval: false,
                        email: None,
                        access_profile: AccessProfile::default(),
                    })
            })
            .collect())
    }

    pub async fn save_category(
        &self,
        facility: FacilityId,
        category: &Category,
    ) -> Result<(), StoreError> {
        let profile = &category.access_profile;
        let documents = serde_json::to_string(&profile.documents).expect("documents serialize");
        let zones = serde_json::to_string(&profile.zones).expect("zones serialize");
        let escorted = serde_json::to_string(&profile.escorted_zones).expect("zones serialize");
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO categories \
               (facility_id, kind, enabled, needs_approval, email, longest_visit_minutes, documents, \
                walk_ins_unconfirmed, zones, escorted_zones, early_access_minutes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (facility_id, kind) DO UPDATE SET enabled = excluded.enabled, \
               needs_approval = excluded.needs_approval, email = excluded.email, \
               longest_visit_minutes = excluded.longest_visit_minutes, documents = excluded.documents, \
               walk_ins_unconfirmed = excluded.walk_ins_unconfirmed, zones = excluded.zones, \
               escorted_zones = excluded.escorted_zones, \
               early_access_minutes = excluded.early_access_minutes",
        )
        .bind(facility.0)
        .bind(category.kind.as_str())
        .bind(category.enabled)
        .bind(category.needs_approval)
        .bind(category.email.as_ref().map(Email::as_str))
        .bind(profile.longest_visit_minutes.map(i64::from))
        .bind(documents)
        .bind(profile.walk_ins_unconfirmed)
        .bind(zones)
        .bind(escorted)
        .bind(i64::from(profile.early_access_minutes))
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    /// What each occupancy of `facility` set for itself.
    pub async fn organisations(
        &self,
        facility: FacilityId,
    ) -> Result<HashMap<OccupancyId, Organisation>, StoreError> {
        let addresses: Vec<(Uuid, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, security_emails FROM occupancies WHERE facility_id = $1",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        let mut organisations = HashMap::new();
        for (id, emails) in addresses {
            let security_emails = serde_json::from_str(&emails)
                .map_err(|_| StoreError::Corrupt(format!("occupancy {id}: security emails")))?;
            organisations.insert(
                OccupancyId::from(id),
                Organisation {
                    security_emails,
                    categories: Vec::new(),
                },
            );
        }
        let choices: Vec<OrganisationChoiceRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT c.occupancy_id, c.kind, c.enabled, c.needs_approval, c.email, c.access_profile \
             FROM occupancy_categories c JOIN occupancies o ON o.id = c.occupancy_id \
             WHERE o.facility_id = $1 ORDER BY c.kind",
        )
        .bind(facility.0)
        .fetch_all(pool)
        .await?);
        for (occupancy, kind, enabled, needs_approval, email, profile) in choices {
            let corrupt = |what: &str| {
                StoreError::Corrupt(format!("occupancy {occupancy} category {kind}: {what}"))
            };
            let choice = CategoryChoice {
                kind: CategoryKind::from_name(&kind).ok_or_else(|| corrupt("kind"))?,
                enabled,
                needs_approval,
                email: email
                    .as_deref()
                    .map(Email::parse)
                    .transpose()
                    .map_err(|_| corrupt("email"))?,
                access_profile: profile
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|_| corrupt("access profile"))?,
            };
            organisations
                .entry(OccupancyId::from(occupancy))
                .or_default()
                .categories
                .push(choice);
        }
        Ok(organisations)
    }

    /// Stores an organisation's choice for one category.
    pub async fn save_category_choice(
        &self,
        occupancy: OccupancyId,
        choice: &CategoryChoice,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO occupancy_categories (occupancy_id, kind, enabled, needs_approval, email, access_profile) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (occupancy_id, kind) DO UPDATE SET enabled = excluded.enabled, \
               needs_approval = excluded.needs_approval, email = excluded.email, \
               access_profile = excluded.access_profile",
        )
        .bind(occupancy.0)
        .bind(choice.kind.as_str())
        .bind(choice.enabled)
        .bind(choice.needs_approval)
        .bind(choice.email.as_ref().map(Email::as_str))
        .bind(choice.access_profile.as_ref().map(|profile| serde_json::to_string(profile).expect("a profile serializes")))
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    /// Drops an organisation's choice for `kind`: the facility's default applies again.
    pub async fn forget_category_choice(
        &self,
        occupancy: OccupancyId,
        kind: CategoryKind,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query(
            "DELETE FROM occupancy_categories WHERE occupancy_id = $1 AND kind = $2",
        )
        .bind(occupancy.0)
        .bind(kind.as_str())
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }

    pub async fn set_organisation_security_emails(
        &self,
        occupancy: OccupancyId,
        emails: &[Email],
    ) -> Result<(), StoreError> {
        let emails = serde_json::to_string(emails).expect("emails serialize");
        on_pool!(self, pool => sqlx::query(
            "UPDATE occupancies SET security_emails = $2 WHERE id = $1",
        )
        .bind(occupancy.0)
        .bind(emails)
        .execute(pool)
        .await?.rows_affected());
        Ok(())
    }
}
