//! One timeline per visit: what happened to the invitation (its history), where the visitor
//! checked in and out (which kiosk), and every door they scanned, granted or not — in the order
//! it happened.

use chrono::{DateTime, Utc};
use gatehouse_core::{Actor, InvitationId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Cloud, error::ServiceError, invitations, store::Direction};

/// One moment of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Moment {
    pub at: DateTime<Utc>,
    /// What happened: a history action (`created`, `approved`, `checked_in`, `checked_out`,
    /// `credential_revoked` …) or `door_scan`.
    pub what: String,
    /// The kiosk of a check-in or check-out, or the door scanned.
    pub place: Option<String>,
    /// A door's zone (its id in the zone map), where the map knows the door.
    pub zone: Option<String>,
    /// A door scan: whether the door let them through.
    pub granted: Option<bool>,
    pub direction: Option<Direction>,
    /// Who did it, for the invitation's history.
    pub by: Option<String>,
    pub reason: Option<String>,
    /// Who reported a door scan: `gatehouse`, `api`, `webhook`, `unifi`, `verkada`.
    pub source: Option<String>,
}

/// The visit's timeline, if `actor` may see the invitation.
pub async fn of_visit(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
) -> Result<Vec<Moment>, ServiceError> {
    let history = invitations::history(cloud, actor, id).await?;
    let places = cloud.database.visit_kiosk_places(id).await?;
    let scans = cloud.database.visit_door_scans(id).await?;
    let kiosk_of = |action: &str, at: DateTime<Utc>| {
        let kind = if action.starts_with("checked_in") {
            "check_in"
        } else if action.starts_with("checked_out") {
            "check_out"
        } else {
            return None;
        };
        places
            .iter()
            .find(|(k, when, _)| k == kind && when.timestamp_micros() == at.timestamp_micros())
            .map(|(_, _, kiosk)| kiosk.clone())
    };
    let mut moments: Vec<Moment> = history
        .into_iter()
        .map(|entry| Moment {
            place: kiosk_of(&entry.action, entry.at),
            at: entry.at,
            what: entry.action,
            zone: None,
            granted: None,
            direction: None,
            by: entry.actor_name,
            reason: entry.reason,
            source: None,
        })
        .collect();
    moments.extend(scans.into_iter().map(|scan| Moment {
        at: scan.at,
        what: "door_scan".to_owned(),
        place: Some(scan.door),
        zone: scan.zone,
        granted: Some(scan.granted),
        direction: scan.direction,
        by: None,
        reason: None,
        source: Some(scan.source),
    }));
    // Stable: a history entry and a scan at the same instant keep history first.
    moments.sort_by_key(|moment| moment.at);
    Ok(moments)
}
