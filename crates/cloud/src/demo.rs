//! Demo data for the run command and for trying Gatehouse out: one facility, its occupancies and
//! hosts, and invitations for today. Seeding replaces the demo facility's rows, so running it
//! again (say, the next morning) leaves exactly one fresh copy.

use chrono::{DateTime, Local, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::{Database, DatabaseError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoData {
    facility: DemoFacility,
    occupancies: Vec<DemoOccupancy>,
    invitations: Vec<DemoInvitation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFacility {
    name: String,
    address: String,
    end_of_day: NaiveTime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOccupancy {
    name: String,
    hosts: Vec<DemoHost>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoHost {
    name: String,
    email: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoInvitation {
    visitor: String,
    email: String,
    company: String,
    /// The host's email, naming one of the hosts above.
    host: String,
    from: NaiveTime,
    until: NaiveTime,
    approval: DemoApproval,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DemoApproval {
    Pending,
    Approved,
    Rejected,
}

impl DemoApproval {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo data is not valid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] DatabaseError),
}

impl From<sqlx::Error> for DemoError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error.into())
    }
}

/// How many rows of each kind the demo put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub occupancies: usize,
    pub hosts: usize,
    pub invitations: usize,
}

/// Each occupancy's new id with the new ids of its hosts, in the demo file's order.
type OccupancyIds = Vec<(Uuid, Vec<Uuid>)>;

struct Row {
    id: Uuid,
    occupancy_id: Uuid,
    host_id: Uuid,
    invitation: usize,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

impl DemoData {
    pub fn parse(json: &str) -> Result<Self, DemoError> {
        let data: Self =
            serde_json::from_str(json).map_err(|e| DemoError::Invalid(e.to_string()))?;
        if data.facility.name.trim().is_empty() {
            return Err(DemoError::Invalid("the facility needs a name".into()));
        }
        Ok(data)
    }

    /// Ties each invitation to its host and to a window on `day` (local time).
    fn rows(&self, day: NaiveDate) -> Result<(OccupancyIds, Vec<Row>), DemoError> {
        let ids: OccupancyIds = self
            .occupancies
            .iter()
            .map(|o| {
                (
                    Uuid::now_v7(),
                    o.hosts.iter().map(|_| Uuid::now_v7()).collect(),
                )
            })
            .collect();
        let host_ids = |email: &str| {
            self.occupancies
                .iter()
                .zip(&ids)
                .find_map(|(occupancy, (occupancy_id, host_ids))| {
                    let index = occupancy.hosts.iter().position(|h| h.email == email)?;
                    Some((*occupancy_id, host_ids[index]))
                })
        };
        let local = |time: NaiveTime| {
            Local
                .from_local_datetime(&day.and_time(time))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| DemoError::Invalid(format!("{time} does not exist on {day}")))
        };
        let mut rows = Vec::with_capacity(self.invitations.len());
        for (index, invitation) in self.invitations.iter().enumerate() {
            let (occupancy_id, host_id) = host_ids(&invitation.host).ok_or_else(|| {
                DemoError::Invalid(format!(
                    "invitation for {} names an unknown host {}",
                    invitation.visitor, invitation.host
                ))
            })?;
            if invitation.until <= invitation.from {
                return Err(DemoError::Invalid(format!(
                    "invitation for {} ends before it starts",
                    invitation.visitor
                )));
            }
            rows.push(Row {
                id: Uuid::now_v7(),
                occupancy_id,
                host_id,
                invitation: index,
                starts_at: local(invitation.from)?,
                ends_at: local(invitation.until)?,
            });
        }
        Ok((ids, rows))
    }
}

/// Replaces the demo facility (found by name) with a fresh copy whose invitations fall on `day`.
pub async fn seed(
    database: &Database,
    data: &DemoData,
    day: NaiveDate,
) -> Result<DemoSummary, DemoError> {
    let (occupancy_ids, rows) = data.rows(day)?;
    let facility_id = Uuid::now_v7();
    let now = Utc::now();
    let end_of_day = data.facility.end_of_day.format("%H:%M").to_string();

    // The statements are the same text on both databases; only the pool type differs.
    macro_rules! seed_with {
        ($pool:expr) => {{
            let mut tx = $pool.begin().await?;
            sqlx::query("DELETE FROM facilities WHERE name = $1")
                .bind(&data.facility.name)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO facilities (id, name, address, end_of_day) VALUES ($1, $2, $3, $4)",
            )
            .bind(facility_id)
            .bind(&data.facility.name)
            .bind(&data.facility.address)
            .bind(&end_of_day)
            .execute(&mut *tx)
            .await?;
            for (occupancy, (occupancy_id, host_ids)) in data.occupancies.iter().zip(&occupancy_ids)
            {
                sqlx::query("INSERT INTO occupancies (id, facility_id, name) VALUES ($1, $2, $3)")
                    .bind(occupancy_id)
                    .bind(facility_id)
                    .bind(&occupancy.name)
                    .execute(&mut *tx)
                    .await?;
                for (host, host_id) in occupancy.hosts.iter().zip(host_ids) {
                    sqlx::query(
                        "INSERT INTO users (id, occupancy_id, display_name, email) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(host_id)
                    .bind(occupancy_id)
                    .bind(&host.name)
                    .bind(&host.email)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for row in &rows {
                let invitation = &data.invitations[row.invitation];
                sqlx::query(
                    "INSERT INTO invitations (id, occupancy_id, host_id, visitor_name, \
                     visitor_email, visitor_company, starts_at, ends_at, approval_status, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(row.id)
                .bind(row.occupancy_id)
                .bind(row.host_id)
                .bind(&invitation.visitor)
                .bind(&invitation.email)
                .bind(&invitation.company)
                .bind(row.starts_at)
                .bind(row.ends_at)
                .bind(invitation.approval.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }};
    }

    match database {
        Database::Sqlite(pool) => seed_with!(pool),
        Database::Postgres(pool) => seed_with!(pool),
    }
    Ok(DemoSummary {
        occupancies: data.occupancies.len(),
        hosts: data.occupancies.iter().map(|o| o.hosts.len()).sum(),
        invitations: rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../assets/demo/demo.json");

    #[test]
    fn shipped_demo_data_is_valid() {
        let data = DemoData::parse(SHIPPED).unwrap();
        let (occupancies, rows) = data
            .rows(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
            .unwrap();
        assert_eq!(occupancies.len(), 2, "two occupancies");
        assert!(rows.len() >= 3, "a few invitations");
        assert!(rows.iter().all(|r| r.ends_at > r.starts_at));
    }

    #[test]
    fn invitation_with_unknown_host_is_refused() {
        let json = SHIPPED.replace(
            "\"host\": \"ada.lindqvist@northwind.example\"",
            "\"host\": \"nobody@example.com\"",
        );
        let data = DemoData::parse(&json).unwrap();
        let err = data
            .rows(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("unknown host nobody@example.com"),
            "{err}"
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = SHIPPED.replacen("\"facility\"", "\"facilty\"", 1);
        let err = DemoData::parse(&json).unwrap_err().to_string();
        assert!(err.contains("facilty"), "{err}");
    }
}
