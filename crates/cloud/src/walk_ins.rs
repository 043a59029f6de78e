//! Visitors without an invitation, registering at the kiosk: they find their host in the
//! directory the kiosk keeps, choose why they came, and give their name and email; the cloud
//! turns that into an invitation from the host for the rest of the day. Naming an employee
//! earns nobody a badge: the invitation waits until the host (or reception) says the walk-in is
//! theirs, then follows the same rules as any other — approval included. Each kiosk registers
//! only so many walk-ins in a while, so no one uses it to send mail to strangers.

use chrono::TimeDelta;
use gatehouse_core::{
    CategoryKind, Email, Permission,
    role::Place,
    text::Text,
    window,
    wire::{KioskDirectory, KioskHost, KioskInvitation, KioskWalkIn},
};

use crate::{
    context::Cloud,
    error::ServiceError,
    invitations::{self, Arrival, InvitationRequest, Visitor},
    store::Kiosk,
    sync::changes::kiosk_invitation,
};

/// How many walk-ins one kiosk registers …
pub const MOST_PER_KIOSK: usize = 10;
/// … in this long; more answer 429 until the oldest ages out.
pub const COUNTED_OVER: TimeDelta = TimeDelta::minutes(10);

/// Everyone in `kiosk`'s facility a visitor may ask for, by name, and the categories they may
/// choose.
pub async fn directory(cloud: &Cloud, kiosk: &Kiosk) -> Result<KioskDirectory, ServiceError> {
    let site = cloud.site(kiosk.facility).await?;
    let mut hosts: Vec<KioskHost> = cloud
        .database
        .users(kiosk.facility, None)
        .await?
        .into_iter()
        .filter_map(|person| {
            Some(KioskHost {
                organisation: site.occupancy(person.occupancy_id?)?.name.clone(),
                id: person.id,
                name: person.display_name,
            })
        })
        .collect();
    hosts.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(KioskDirectory {
        hosts,
        // Those some organisation here has enabled; the host's own decides when the walk-in
        // is registered.
        categories: CategoryKind::ALL
            .into_iter()
            .filter(|&kind| {
                site.occupancies
                    .iter()
                    .any(|o| site.category(o.id, kind).enabled)
            })
            .collect(),
    })
}

/// Registers a visitor without an invitation at `kiosk`: an invitation from the host for the
/// window `core::window::walk_in` gives, which may need approval like any other.
pub async fn register(
    cloud: &Cloud,
    kiosk: &Kiosk,
    walk_in: &KioskWalkIn,
) -> Result<KioskInvitation, ServiceError> {
    let not_here = || ServiceError::NotFound(format!("there is no host {}", walk_in.host));
    let host = cloud
        .database
        .user(walk_in.host)
        .await?
        .filter(|host| host.facility_id == kiosk.facility)
        .ok_or_else(not_here)?;
    let occupancy = host.occupancy_id.ok_or_else(not_here)?;
    let visitor = Visitor {
        name: Text::parse(&walk_in.visitor_name)
            .map_err(|error| ServiceError::invalid(format!("visitor_name {error}")))?,
        email: Email::parse(&walk_in.visitor_email)
            .map_err(|error| ServiceError::invalid(format!("visitor_email: {error}")))?,
        company: walk_in
            .visitor_company
            .as_deref()
            .filter(|company| !company.trim().is_empty())
            .map(Text::parse)
            .transpose()
            .map_err(|error| ServiceError::invalid(format!("visitor_company {error}")))?,
    };
    let site = cloud.site(kiosk.facility).await?;
    let facility = &site.facility;
    // The host invites, as if they had done it themselves: their permissions decide.
    let actor = cloud.database.actor(&host).await?;
    let place = Place {
        facility: facility.id,
        occupancy,
    };
    let window = window::walk_in(
        cloud.clock.now(),
        facility.end_of_day,
        facility.time_zone,
        site.default_category(walk_in.category)
            .access_profile
            .longest_visit_minutes
            .map(|minutes| TimeDelta::minutes(i64::from(minutes))),
        actor
            .permissions_at(place)
            .contains(Permission::CanExceedEndOfDay),
    )?;
    let request = InvitationRequest {
        host_id: None,
        category: walk_in.category,
        visitor,
        window,
        room: None,
        escorted: false,
    };
    // Counted once the request is whole, so a mistyped form does not use up the kiosk's tries.
    cloud.walk_ins.take(&kiosk.id, cloud.clock.now())?;
    let prepared = invitations::prepare(cloud, &actor, &host, request).await?;
    let record = invitations::commit_as(cloud, prepared, Arrival::WalkIn).await?;
    let signing = cloud.signing_key().await?;
    kiosk_invitation(cloud, &site, record, &signing).await
}
