//! Site settings (facility manager): the visitor categories and the general security email.

use gatehouse_core::{
    Action, Actor, Category, CategoryKind, Email, authorize, category::AccessProfile,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{context::Cloud, error::ServiceError};

/// Every predefined visitor category and how this site has set it up.
/// The category emails are the facility manager's to see.
pub async fn categories(cloud: &Cloud, actor: &Actor) -> Result<Vec<Category>, ServiceError> {
    let facility = actor.facility;
    let mut categories = cloud.database.categories(facility).await?;
    if authorize(actor, Action::ConfigureFacility { facility }).is_err() {
        for category in &mut categories {
            category.email = None;
        }
    }
    Ok(categories)
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

/// Enables a category and sets its approval rule, email and access profile.
pub async fn update_category(
    cloud: &Cloud,
    actor: &Actor,
    kind: CategoryKind,
    settings: CategorySettings,
) -> Result<Category, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConfigureFacility { facility })?;
    if settings.access_profile.longest_visit_minutes == Some(0) {
        return Err(ServiceError::invalid(
            "the longest visit must be at least a minute",
        ));
    }
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
