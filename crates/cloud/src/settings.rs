//! Site settings: the facility's default visitor categories, the building's security email and
//! the visit grace (facility manager); each organisation's own categories and security
//! addresses (its occupancy manager, or the facility manager).

use std::collections::HashSet;

use gatehouse_core::{
    Action, Actor, Category, CategoryKind, Email, OccupancyId, ZoneId, authorize,
    category::{AccessProfile, CategoryChoice},
    policy::MOST_EARLY_ACCESS_MINUTES,
    zones::ZoneMap,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{context::Cloud, error::ServiceError};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CategoriesQuery {
    /// The organisation whose categories to show; leave out for your own (the facility's
    /// defaults for facility staff).
    pub occupancy: Option<OccupancyId>,
}

/// Whose categories a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoriesOf {
    /// The facility's defaults.
    Facility,
    /// As the organisation uses them.
    Occupancy(OccupancyId),
}

/// Every predefined visitor category as `of` uses it. The category emails are shown only to
/// whoever may change them.
pub async fn categories(
    cloud: &Cloud,
    actor: &Actor,
    of: CategoriesOf,
) -> Result<Vec<Category>, ServiceError> {
    let facility = actor.facility;
    let site = cloud.site(facility).await?;
    let (mut categories, manages) = match of {
        CategoriesOf::Facility => (
            site.categories.clone(),
            authorize(actor, Action::ConfigureFacility { facility }).is_ok(),
        ),
        CategoriesOf::Occupancy(occupancy) => {
            if site.occupancy(occupancy).is_none() {
                return Err(no_occupancy(occupancy));
            }
            (
                site.categories_of(occupancy),
                authorize(
                    actor,
                    Action::ConfigureOccupancy {
                        facility,
                        occupancy,
                    },
                )
                .is_ok(),
            )
        }
    };
    if !manages {
        for category in &mut categories {
            category.email = None;
        }
    }
    Ok(categories)
}

fn no_occupancy(occupancy: OccupancyId) -> ServiceError {
    ServiceError::NotFound(format!("there is no occupancy {occupancy}"))
}

/// Checks that `actor` may change the settings of `occupancy`, an occupancy of their facility.
async fn configure_occupancy(
    cloud: &Cloud,
    actor: &Actor,
    occupancy: OccupancyId,
) -> Result<(), ServiceError> {
    let facility = actor.facility;
    if cloud.site(facility).await?.occupancy(occupancy).is_none() {
        return Err(no_occupancy(occupancy));
    }
    authorize(
        actor,
        Action::ConfigureOccupancy {
            facility,
            occupancy,
        },
    )?;
    Ok(())
}

/// What an organisation chooses for one category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryChoiceRequest {
    /// Whether its people may invite visitors of the category.
    pub enabled: bool,
    pub needs_approval: bool,
    /// Told of every invitation of the organisation in the category.
    pub email: Option<Email>,
    /// A narrower door policy for the organisation's visitors of the category: it narrows the
    /// building's, never widens it.
    #[serde(default)]
    pub access_profile: Option<AccessProfile>,
}

/// Sets how the organisation `occupancy` uses `kind`, over the facility's default.
pub async fn choose_category(
    cloud: &Cloud,
    actor: &Actor,
    occupancy: OccupancyId,
    kind: CategoryKind,
    request: CategoryChoiceRequest,
) -> Result<Category, ServiceError> {
    configure_occupancy(cloud, actor, occupancy).await?;
    if let Some(profile) = &request.access_profile {
        let (_, zone_map) = cloud.database.zone_map(actor.facility).await?;
        if let Some(problem) = door_policy_problem(profile, &zone_map) {
            return Err(ServiceError::invalid(problem));
        }
    }
    let choice = CategoryChoice {
        kind,
        enabled: request.enabled,
        needs_approval: request.needs_approval,
        email: request.email,
        access_profile: request.access_profile,
    };
    cloud
        .database
        .save_category_choice(occupancy, &choice)
        .await?;
    cloud.sites.forget(actor.facility);
    Ok(cloud.site(actor.facility).await?.category(occupancy, kind))
}

/// Drops the organisation's own choice for `kind`: the facility's default applies again.
pub async fn forget_category_choice(
    cloud: &Cloud,
    actor: &Actor,
    occupancy: OccupancyId,
    kind: CategoryKind,
) -> Result<Category, ServiceError> {
    configure_occupancy(cloud, actor, occupancy).await?;
    cloud
        .database
        .forget_category_choice(occupancy, kind)
        .await?;
    cloud.sites.forget(actor.facility);
    Ok(cloud.site(actor.facility).await?.category(occupancy, kind))
}

/// The most security addresses an organisation keeps; a distribution list counts as one.
pub const MOST_SECURITY_EMAILS: usize = 10;

/// The organisation's own security addresses.
pub async fn organisation_security_emails(
    cloud: &Cloud,
    actor: &Actor,
    occupancy: OccupancyId,
) -> Result<Vec<Email>, ServiceError> {
    configure_occupancy(cloud, actor, occupancy).await?;
    let site = cloud.site(actor.facility).await?;
    Ok(site
        .organisations
        .get(&occupancy)
        .map(|o| o.security_emails.clone())
        .unwrap_or_default())
}

/// Sets the organisation's own security addresses, told of each of its invitations that needs
/// approval (beside the building's).
pub async fn set_organisation_security_emails(
    cloud: &Cloud,
    actor: &Actor,
    occupancy: OccupancyId,
    mut emails: Vec<Email>,
) -> Result<(), ServiceError> {
    configure_occupancy(cloud, actor, occupancy).await?;
    if emails.len() > MOST_SECURITY_EMAILS {
        return Err(ServiceError::invalid(format!(
            "an organisation keeps at most {MOST_SECURITY_EMAILS} security addresses"
        )));
    }
    emails.sort();
    emails.dedup();
    cloud
        .database
        .set_organisation_security_emails(occupancy, &emails)
        .await?;
    cloud.sites.forget(actor.facility);
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategorySettings {
    pub enabled: bool,
    pub needs_approval: bool,
    /// Told of every invitation in the category.
    pub email: Option<Email>,
    #[serde(default)]
    pub access_profile: AccessProfile,
}

/// Sets the facility's default for a category — whether it is enabled, its approval rule and
/// email, for every organisation that made no choice of its own — and its access profile.
pub async fn update_category(
    cloud: &Cloud,
    actor: &Actor,
    kind: CategoryKind,
    settings: CategorySettings,
) -> Result<Category, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConfigureFacility { facility })?;
    let (_, zone_map) = cloud.database.zone_map(facility).await?;
    door_policy_problem(&settings.access_profile, &zone_map)
        .map_or(Ok(()), |problem| Err(ServiceError::invalid(problem)))?;
    let category = Category {
        kind,
        enabled: settings.enabled,
        needs_approval: settings.needs_approval,
        email: settings.email,
        access_profile: settings.access_profile,
    };
    cloud.database.save_category(facility, &category).await?;
    cloud.sites.forget(facility);
    Ok(category)
}

/// What is wrong with a category's access profile on `zone_map`, if anything: a longest visit
/// out of range; zones the map does not have, or named twice; escorted zones the category does
/// not enter; too early a start.
fn door_policy_problem(profile: &AccessProfile, zone_map: &ZoneMap) -> Option<String> {
    if let Some(minutes) = profile.longest_visit_minutes
        && !(1..=LONGEST_VISIT_MINUTES).contains(&minutes)
    {
        return Some(format!(
            "the longest visit is 1 to {LONGEST_VISIT_MINUTES} minutes (30 days)"
        ));
    }
    let known: HashSet<ZoneId> = zone_map.zones.iter().map(|zone| zone.id).collect();
    let mut seen = HashSet::new();
    if let Some(zone) = profile.zones.iter().find(|zone| !seen.insert(**zone)) {
        return Some(format!("zone {zone} is named twice"));
    }
    if let Some(zone) = profile.zones.iter().find(|zone| !known.contains(zone)) {
        return Some(format!("zone {zone} is not in the facility's zone map"));
    }
    if let Some(zone) = profile
        .escorted_zones
        .iter()
        .find(|zone| !profile.zones.contains(zone))
    {
        return Some(format!(
            "zone {zone} is escorted but not among the category's zones"
        ));
    }
    (profile.early_access_minutes > MOST_EARLY_ACCESS_MINUTES)
        .then(|| format!("doors open at most {MOST_EARLY_ACCESS_MINUTES} minutes before a visit"))
}

/// The longest a category's visits may be set to last: 30 days.
pub const LONGEST_VISIT_MINUTES: u32 = 30 * 24 * 60;

/// The longest grace a site may set after a visit's window before the visit is closed: a day.
pub const LONGEST_VISIT_GRACE_MINUTES: u32 = 24 * 60;

/// Sets how long after its window a visit nobody checked out is closed.
pub async fn set_visit_grace(
    cloud: &Cloud,
    actor: &Actor,
    minutes: u32,
) -> Result<(), ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConfigureFacility { facility })?;
    if minutes > LONGEST_VISIT_GRACE_MINUTES {
        return Err(ServiceError::invalid(format!(
            "the grace after a visit is 0 to {LONGEST_VISIT_GRACE_MINUTES} minutes"
        )));
    }
    cloud.database.set_visit_grace(facility, minutes).await?;
    cloud.sites.forget(facility);
    Ok(())
}

/// Sets the general visitor-security email (`None` to stop).
pub async fn set_security_email(
    cloud: &Cloud,
    actor: &Actor,
    email: Option<&Email>,
) -> Result<(), ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConfigureFacility { facility })?;
    cloud.database.set_security_email(facility, email).await?;
    cloud.sites.forget(facility);
    Ok(())
}
