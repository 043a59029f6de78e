//! The muster list that tells the truth (seed lifecycle step 6): in an emergency, everyone
//! inside the building — each visitor checked in and not out, and the building's own people
//! where its access-control system reports them — with the last door and zone that saw them,
//! and when. As JSON for the portal and API, and as the printed list grouped by last zone.

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_core::{
    Action, Actor, CategoryKind, FacilityId, InvitationId, Language, authorize,
    wire::{AccessState, KioskAccess, KioskDoors, KioskStaffSeen, KioskVisitorSeen, LastDoor},
};
use gatehouse_paper::muster::{self as paper, DoorSeen, OnSite, Paper};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Cloud, error::ServiceError};

/// Someone inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Present {
    pub name: String,
    /// Their visit; `None` for the building's own people.
    pub visit: Option<InvitationId>,
    pub company: String,
    pub category: Option<String>,
    pub host: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// `None` if no door has seen them since they checked in.
    pub last_door: Option<LastDoor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Muster {
    pub facility: String,
    pub produced_at: DateTime<Utc>,
    pub people: Vec<Present>,
}

/// How far back the building's own people count as inside: since the day began.
const STAFF_DAY: TimeDelta = TimeDelta::hours(24);

/// The start of the facility's day at `now`.
fn midnight(now: DateTime<Utc>, zone: chrono_tz::Tz) -> DateTime<Utc> {
    now.with_timezone(&zone)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|start| start.and_local_timezone(zone).earliest())
        .map_or(now - STAFF_DAY, |start| start.with_timezone(&Utc))
}

/// The muster list of the actor's facility, now.
pub async fn list(cloud: &Cloud, actor: &Actor) -> Result<Muster, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::SeeMuster { facility })?;
    inside(cloud, facility).await
}

/// Everyone inside the facility now, with the last door that saw them.
async fn inside(cloud: &Cloud, facility: FacilityId) -> Result<Muster, ServiceError> {
    let site = cloud.site(facility).await?;
    let now = cloud.clock.now();
    let midnight = midnight(now, site.facility.time_zone);
    let zone_name = |id: &str| {
        site.zone_map
            .zones
            .iter()
            .find(|zone| zone.id.to_string() == id)
            .map(|zone| zone.name.clone())
    };
    let people = cloud
        .database
        .muster(facility, midnight)
        .await?
        .into_iter()
        .map(|inside| Present {
            name: inside.name,
            visit: inside.visit,
            company: inside.company,
            category: inside.category,
            host: inside.host,
            checked_in_at: inside.checked_in_at,
            last_door: inside.last_scan.map(|scan| LastDoor {
                zone_name: scan.zone.as_deref().and_then(zone_name),
                door: scan.door,
                zone: scan.zone,
                at: scan.at,
                granted: scan.granted,
                direction: scan.direction,
            }),
        })
        .collect();
    Ok(Muster {
        facility: site.facility.name.clone(),
        produced_at: now,
        people,
    })
}

/// The muster list printed: grouped by last zone, a tick box each.
pub async fn pdf(
    cloud: &Cloud,
    actor: &Actor,
    language: Language,
) -> Result<Vec<u8>, ServiceError> {
    let muster = list(cloud, actor).await?;
    let site = cloud.site(actor.facility).await?;
    let paper_language = match language {
        Language::En => gatehouse_paper::badge::Language::En,
        Language::De => gatehouse_paper::badge::Language::De,
    };
    let local = |at: DateTime<Utc>| at.with_timezone(&site.facility.time_zone).fixed_offset();
    let people = muster
        .people
        .into_iter()
        .take(paper::MAX_PEOPLE)
        .map(|present| OnSite {
            company: (!present.company.is_empty()).then_some(present.company),
            host: present.host.unwrap_or_else(|| "-".to_owned()),
            // In the list's language, as the kiosk prints it.
            category: present
                .category
                .as_deref()
                .and_then(CategoryKind::from_name)
                .map_or(paper::staff_category(paper_language), |kind| {
                    kind.name(language)
                })
                .to_owned(),
            checked_in_at: local(
                present
                    .checked_in_at
                    .or(present.last_door.as_ref().map(|door| door.at))
                    .unwrap_or(muster.produced_at),
            ),
            last_door: present.last_door.as_ref().map(|door| DoorSeen {
                door: door.door.clone(),
                at: local(door.at),
                granted: door.granted,
            }),
            zone: present
                .last_door
                .map(|door| door.zone_name.unwrap_or(door.door)),
            name: present.name,
        })
        .collect();
    let list = paper::MusterList {
        facility: muster.facility,
        produced_at: local(muster.produced_at),
        paper: Paper::A4,
        language: paper_language,
        doors_as_of: None,
        people,
    };
    paper::render(&list).map_err(|error| ServiceError::Corrupt(format!("muster list: {error}")))
}

/// What a kiosk keeps for reception and its muster list: where today's visits stand in the
/// building's system, and where a door last saw everyone inside.
pub async fn for_kiosk(cloud: &Cloud, facility: FacilityId) -> Result<KioskDoors, ServiceError> {
    let muster = inside(cloud, facility).await?;
    let site = cloud.site(facility).await?;
    let since = midnight(cloud.clock.now(), site.facility.time_zone);
    let access = cloud
        .database
        .access_grants_since(facility, since)
        .await?
        .into_iter()
        .filter_map(|grant| {
            Some(KioskAccess {
                invitation: grant.visit,
                state: AccessState::from_name(&grant.state)?,
                system: grant.kind,
                problem: grant.last_error,
            })
        })
        .collect();
    let (mut visitors, mut staff) = (Vec::new(), Vec::new());
    for present in muster.people {
        match (present.visit, present.last_door) {
            (Some(invitation), Some(last_door)) => visitors.push(KioskVisitorSeen {
                invitation,
                last_door,
            }),
            (None, Some(last_door)) => staff.push(KioskStaffSeen {
                name: present.name,
                last_door,
            }),
            (_, None) => {}
        }
    }
    Ok(KioskDoors {
        access,
        visitors,
        staff,
    })
}
