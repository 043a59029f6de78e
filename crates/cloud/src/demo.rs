//! Demo data for the run command and for trying Gatehouse out: one facility with its staff,
//! two occupancies with managers and hosts, visitor categories, and invitations for today that
//! went through the real rules (some approved, one pending, one rejected). Seeding replaces the
//! demo facility, so running it again (say, the next morning) leaves exactly one fresh copy.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;
use gatehouse_core::{
    Category, CategoryKind, Decision, Email, Language, OccupancyId, Permission, PermissionSet,
    RolePreset, RoleScope, VisitWindow, ZoneId,
    category::{AccessProfile, CategoryChoice, RequiredDocument},
    invitation::Reason,
    role::RoleName,
    text::Text,
    window::{local_day, site_day},
    zones::{Door, Room, SecurityLevel, Zone, ZoneMap},
};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    Clock, Database,
    auth::hash_password,
    context::Cloud,
    invitations::{self, InvitationRequest, Visitor, guest_token},
    notify::qr_png,
    store::{ChangeCursor, NewUser, StoreError, User},
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoData {
    facility: DemoFacility,
    /// Everyone's demo password.
    password: String,
    facility_staff: Vec<DemoPerson>,
    /// The building's zones, doors and rooms; categories name the zones they may enter.
    #[serde(default)]
    zones: Vec<DemoZone>,
    categories: Vec<DemoCategory>,
    /// The NDA visitors sign at the kiosk, in each language it is offered in.
    ndas: std::collections::BTreeMap<Language, String>,
    occupancies: Vec<DemoOccupancy>,
    invitations: Vec<DemoInvitation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFacility {
    name: String,
    address: String,
    time_zone: Tz,
    end_of_day: NaiveTime,
    security_email: Option<Email>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPerson {
    name: String,
    email: Email,
    role: DemoRole,
    /// The language their emails come in; English where left out.
    #[serde(default)]
    language: Language,
    /// Their kiosk PIN, if the demo gives them one.
    #[serde(default)]
    kiosk_pin: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DemoRole {
    FacilityManager,
    Reception,
    OccupancyManager,
    VisitorInvitationAll,
    VisitorInvitationOnly,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCategory {
    kind: CategoryKind,
    needs_approval: bool,
    email: Option<Email>,
    longest_visit_minutes: Option<u32>,
    #[serde(default)]
    documents: Vec<RequiredDocument>,
    /// The names of the zones its visitors may enter.
    #[serde(default)]
    zones: Vec<String>,
    #[serde(default)]
    early_access_minutes: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoZone {
    name: String,
    level: SecurityLevel,
    #[serde(default)]
    doors: Vec<Door>,
    #[serde(default)]
    rooms: Vec<Room>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOccupancy {
    name: String,
    people: Vec<DemoPerson>,
    /// The organisation's own security addresses, beside the building's.
    #[serde(default)]
    security_emails: Vec<Email>,
    /// Its own choices over the facility's default categories.
    #[serde(default)]
    categories: Vec<CategoryChoice>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoInvitation {
    visitor: String,
    email: Email,
    company: String,
    host: Email,
    category: CategoryKind,
    from: NaiveTime,
    until: NaiveTime,
    decision: Option<DemoDecision>,
    reason: Option<String>,
    /// Documents the guest handed in on their pre-registration page already.
    #[serde(default)]
    handed_in: Vec<RequiredDocument>,
}

/// What stands for a document a demo guest handed in before the visit.
const DEMO_CERTIFICATE: &[u8] = b"%PDF-1.4\n% Gatehouse demo: a certificate of insurance\n%%EOF\n";

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DemoDecision {
    Approve,
    Reject,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo data is not valid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How many rows of each kind the demo put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub occupancies: usize,
    pub people: usize,
    pub invitations: usize,
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

    /// The facility's calendar day at `now`, in its own time zone: the day the kiosk judges
    /// invitations by, which is not the machine's day around midnight.
    pub fn day_at(&self, now: DateTime<Utc>) -> NaiveDate {
        site_day(now, self.facility.time_zone)
    }
}

/// Replaces the demo facility (found by name) with a fresh copy whose invitations fall on `day`,
/// made as at the start of that day — so that the visits of the morning are there to be tried in
/// the afternoon, though the cloud invites nobody for a time already over.
pub async fn seed(
    cloud: &Cloud,
    data: &DemoData,
    day: NaiveDate,
) -> Result<DemoSummary, DemoError> {
    let morning = local_day(day, data.facility.time_zone)
        .map_or_else(|| cloud.clock.now(), |(start, _)| start);
    let cloud = &Cloud::new(
        cloud.database.clone(),
        Clock::fixed(morning),
        cloud.public_url.clone(),
        cloud.keys.secret().clone(),
    );
    let people = seed_people(&cloud.database, data, &cloud.clock).await?;
    seed_invitations(cloud, data, day, &people).await?;
    Ok(DemoSummary {
        occupancies: data.occupancies.len(),
        people: people.len(),
        invitations: data.invitations.len(),
    })
}

/// A fresh demo facility with its security email and visitor categories.
async fn seed_facility(
    database: &Database,
    data: &DemoData,
    now: DateTime<Utc>,
) -> Result<(crate::store::Facility, ZoneMap), DemoError> {
    if let Some(old) = database.facility_by_name(&data.facility.name).await? {
        database.delete_facility(old.id).await?;
    }
    let facility = database
        .create_facility(
            &data.facility.name,
            &data.facility.address,
            data.facility.time_zone,
            data.facility.end_of_day,
            now,
        )
        .await?;
    database
        .set_security_email(facility.id, data.facility.security_email.as_ref())
        .await?;
    let zone_map = ZoneMap {
        zones: data
            .zones
            .iter()
            .map(|zone| Zone {
                id: ZoneId(Uuid::now_v7()),
                name: zone.name.clone(),
                level: zone.level,
                doors: zone.doors.clone(),
                rooms: zone.rooms.clone(),
            })
            .collect(),
    };
    if let Err(problem) = zone_map.check() {
        return Err(DemoError::Invalid(format!(
            "the demo's zone map: {problem}"
        )));
    }
    let zone_named = |name: &String| {
        zone_map
            .zones
            .iter()
            .find(|zone| zone.name == *name)
            .map(|zone| zone.id)
            .ok_or_else(|| DemoError::Invalid(format!("the demo has no zone {name:?}")))
    };
    for category in &data.categories {
        let zones = category
            .zones
            .iter()
            .map(zone_named)
            .collect::<Result<Vec<_>, _>>()?;
        database
            .save_category(
                facility.id,
                &Category {
                    kind: category.kind,
                    enabled: true,
                    needs_approval: category.needs_approval,
                    email: category.email.clone(),
                    access_profile: AccessProfile {
                        longest_visit_minutes: category.longest_visit_minutes,
                        documents: category.documents.clone(),
                        walk_ins_unconfirmed: false,
                        zones,
                        escorted_zones: Vec::new(),
                        early_access_minutes: category.early_access_minutes,
                    },
                },
            )
            .await?;
    }
    for (language, text) in &data.ndas {
        database
            .publish_nda(facility.id, *language, text, now)
            .await?;
    }
    // Today's demo visits are there to be tried at any hour: they close a day after their window
    // (a real site keeps the default hour, or sets its own).
    database
        .set_visit_grace(facility.id, crate::settings::LONGEST_VISIT_GRACE_MINUTES)
        .await?;
    Ok((facility, zone_map))
}

/// What an organisation chose for itself over the facility's defaults.
async fn seed_organisation(
    database: &Database,
    occupancy: OccupancyId,
    demo: &DemoOccupancy,
) -> Result<(), DemoError> {
    database
        .set_organisation_security_emails(occupancy, &demo.security_emails)
        .await?;
    for choice in &demo.categories {
        database.save_category_choice(occupancy, choice).await?;
    }
    Ok(())
}

/// The facility's roles and everyone who works there.
async fn seed_people(
    database: &Database,
    data: &DemoData,
    clock: &Clock,
) -> Result<Vec<User>, DemoError> {
    let invalid = |what: String| DemoError::Invalid(what);
    let now = clock.now();
    let (facility, zone_map) = seed_facility(database, data, now).await?;
    let password_hash = hash_password(&data.password).map_err(|e| invalid(e.to_string()))?;
    let role = async |name: &RoleName, scope, permissions| {
        database
            .create_role(facility.id, name, scope, permissions, None, now)
            .await
    };
    let name = |text: &str| RoleName::parse(text).expect("demo role names are valid");
    let facility_scope = RoleScope::Facility(facility.id);
    let facility_manager = role(
        &name("Facility manager"),
        facility_scope,
        PermissionSet::all(),
    )
    .await?;
    let reception = role(
        &name("Reception"),
        facility_scope,
        [Permission::VisitorAdmission, Permission::AllVisitorRequests].into(),
    )
    .await?;
    let mut people: Vec<User> = Vec::new();
    let mut add = async |person: &DemoPerson, occupancy, role_id| -> Result<(), DemoError> {
        let user = database
            .create_user(
                NewUser {
                    facility: facility.id,
                    occupancy,
                    display_name: &person.name,
                    email: &person.email,
                    password_hash: Some(password_hash.clone()),
                    language: person.language,
                },
                now,
            )
            .await?;
        database.assign_role(user.id, role_id, None, now).await?;
        if let Some(pin) = &person.kiosk_pin {
            gatehouse_core::staff::check_pin(pin).map_err(|e| invalid(e.to_string()))?;
            database
                .set_kiosk_pin(user.id, Some(&crate::auth::hash_pin(pin)))
                .await?;
        }
        people.push(user);
        Ok(())
    };
    for person in &data.facility_staff {
        let role = match person.role {
            DemoRole::FacilityManager => facility_manager.id,
            DemoRole::Reception => reception.id,
            other => {
                return Err(invalid(format!(
                    "{other:?} is an occupancy role, not for facility staff"
                )));
            }
        };
        add(person, None, role).await?;
    }
    for demo in &data.occupancies {
        let occupancy = database.create_occupancy(facility.id, &demo.name).await?;
        seed_organisation(database, occupancy.id, demo).await?;
        let scope = RoleScope::Occupancy(occupancy.id);
        let manager = role(
            &name("Occupancy manager"),
            scope,
            PermissionSet::all().without([Permission::VisitorAdmission].into()),
        )
        .await?;
        let mut presets = Vec::new();
        for preset in [
            RolePreset::VisitorInvitationAll,
            RolePreset::VisitorInvitationOnly,
        ] {
            presets.push(role(&preset.name(), scope, preset.permissions()).await?);
        }
        for person in &demo.people {
            let role = match person.role {
                DemoRole::OccupancyManager => manager.id,
                DemoRole::VisitorInvitationAll => presets[0].id,
                DemoRole::VisitorInvitationOnly => presets[1].id,
                other => return Err(invalid(format!("{other:?} is a facility role"))),
            };
            add(person, Some(occupancy.id), role).await?;
        }
    }
    // Drawn by the facility manager, as in the portal.
    if let Some(manager) = people.first()
        && !zone_map.zones.is_empty()
    {
        database
            .save_zone_map(facility.id, 0, &zone_map, manager.id, now)
            .await?;
    }
    Ok(people)
}

/// Today's invitations, created by their hosts and decided by the facility manager, through
/// the same rules as in the API.
async fn seed_invitations(
    cloud: &Cloud,
    data: &DemoData,
    day: NaiveDate,
    people: &[User],
) -> Result<(), DemoError> {
    let invalid = |what: String| DemoError::Invalid(what);
    let database = &cloud.database;
    let admin = people
        .iter()
        .find(|p| {
            data.facility_staff
                .first()
                .is_some_and(|f| f.email == p.email)
        })
        .ok_or_else(|| invalid("the demo needs a facility manager first among the staff".into()))?;
    let admin_actor = database.actor(admin).await?;
    let local = |time: NaiveTime| {
        data.facility
            .time_zone
            .from_local_datetime(&day.and_time(time))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| invalid(format!("{time} does not exist on {day}")))
    };
    for invitation in &data.invitations {
        let host = people
            .iter()
            .find(|p| p.email == invitation.host)
            .ok_or_else(|| {
                invalid(format!(
                    "invitation for {} names an unknown host {}",
                    invitation.visitor, invitation.host
                ))
            })?;
        let request = InvitationRequest {
            host_id: None,
            category: invitation.category,
            visitor: Visitor {
                name: Text::parse(&invitation.visitor)
                    .map_err(|e| invalid(format!("visitor name {e}")))?,
                email: invitation.email.clone(),
                company: Text::parse(&invitation.company).ok(),
            },
            window: VisitWindow::new(local(invitation.from)?, local(invitation.until)?)
                .map_err(|e| invalid(format!("invitation for {}: {e}", invitation.visitor)))?,
            room: None,
            escorted: false,
        };
        let host_actor = database.actor(host).await?;
        let created = invitations::create(cloud, &host_actor, host, request)
            .await
            .map_err(|e| invalid(format!("invitation for {}: {e}", invitation.visitor)))?;
        for &document in &invitation.handed_in {
            if document != RequiredDocument::CertificateOfInsurance {
                return Err(invalid(format!(
                    "invitation for {}: the demo hands in only certificates of insurance",
                    invitation.visitor
                )));
            }
            database
                .hand_in(
                    created.id,
                    document,
                    "application/pdf",
                    DEMO_CERTIFICATE,
                    cloud.clock.now(),
                )
                .await?;
        }
        let decision = match invitation.decision {
            None => continue,
            Some(DemoDecision::Approve) => Decision::Approve,
            Some(DemoDecision::Reject) => Decision::Reject {
                reason: invitation
                    .reason
                    .as_deref()
                    .map(Reason::parse)
                    .transpose()
                    .map_err(|e| invalid(e.to_string()))?,
            },
        };
        invitations::decide(cloud, &admin_actor, created.id, &decision)
            .await
            .map_err(|e| invalid(format!("deciding about {}: {e}", invitation.visitor)))?;
    }
    Ok(())
}

/// Writes the QR code of every current demo invitation (the one in the guest's email) to
/// `folder` as `<visitor-name>.png`; returns how many.
pub async fn write_codes(
    cloud: &Cloud,
    data: &DemoData,
    folder: &std::path::Path,
) -> Result<usize, DemoError> {
    let invalid = |what: String| DemoError::Invalid(what);
    let (database, clock) = (&cloud.database, &cloud.clock);
    let facility = database
        .facility_by_name(&data.facility.name)
        .await?
        .ok_or_else(|| invalid("the demo facility is not in the database".into()))?;
    let signing = cloud.signing_key().await?;
    std::fs::create_dir_all(folder)
        .map_err(|e| invalid(format!("cannot create {}: {e}", folder.display())))?;
    let page = database
        .invitation_changes(
            facility.id,
            ChangeCursor::START,
            clock.now() - chrono::TimeDelta::days(1),
            1000,
        )
        .await?;
    for invitation in &page.invitations {
        let png = qr_png(&guest_token(invitation, &signing)).map_err(|e| invalid(e.to_string()))?;
        let name: String = invitation
            .visitor_name
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        let file = folder.join(format!("{name}.png"));
        std::fs::write(&file, png)
            .map_err(|e| invalid(format!("cannot write {}: {e}", file.display())))?;
    }
    Ok(page.invitations.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../assets/demo/demo.json");

    #[test]
    fn shipped_demo_data_parses() {
        let data = DemoData::parse(SHIPPED).unwrap();
        assert_eq!(data.occupancies.len(), 2, "two occupancies");
        assert!(data.invitations.len() >= 3, "a few invitations");
    }

    #[test]
    fn demo_invitations_fall_on_the_facilitys_day_not_the_machines() {
        let data = DemoData::parse(SHIPPED).unwrap();
        // 23:40 UTC on 30 November is 00:40 on 1 December in Berlin, where the demo building is.
        let late = Utc.with_ymd_and_hms(2026, 11, 30, 23, 40, 0).unwrap();
        assert_eq!(
            data.day_at(late),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        let noon = Utc.with_ymd_and_hms(2026, 11, 30, 11, 0, 0).unwrap();
        assert_eq!(
            data.day_at(noon),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = SHIPPED.replacen("\"facility\"", "\"facilty\"", 1);
        let err = DemoData::parse(&json).unwrap_err().to_string();
        assert!(err.contains("facilty"), "{err}");
    }
}
