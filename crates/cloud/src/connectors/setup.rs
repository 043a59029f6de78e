//! Setting up a facility's connector in the portal, probing it, taking its webhooks, and what
//! reception sees of a visit's access there.

use chrono::{DateTime, Utc};
use gatehouse_core::{Action, Actor, FacilityId, InvitationId, authorize};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    AccessSystem as _, Connector, ConnectorError, DoorMapping, Probe, System, SystemScan, unifi,
    verkada, webhook,
    webhook_signature::{self, SignatureError, StandardSecret},
};
use crate::{
    Cloud,
    door_events::{self, Holder, Scan},
    error::ServiceError,
    invitations,
    store::StoredConnector,
};

/// The connector as the portal sets it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSetup {
    pub system: System,
    /// Where the system's API is, e.g. `https://192.168.1.20:12445` for a UniFi console, or
    /// `https://api.verkada.com` (`api.eu`, `api.au`) for Verkada, or the endpoint a generic
    /// webhook POSTs grants to.
    pub url: String,
    /// What Gatehouse calls the system with. UniFi: an API token made under Settings →
    /// Security → Advanced → API Token, with the visitor, space, system log and webhook
    /// permissions. Verkada: an API key made under Org Settings → Verkada API, with Core
    /// Command users and Access Control read/write and Access Control events read. Generic
    /// webhook: the Standard Webhooks secret (`whsec_…`) Gatehouse signs grants with.
    pub api_token: String,
    /// The secret the system signs its webhooks with (UniFi: the endpoint's `secret`, or left
    /// out for Gatehouse to register its endpoint itself; Verkada: the webhook's shared secret;
    /// generic webhook: a `whsec_…` secret). Left out when set again, the one kept stays.
    pub webhook_secret: Option<String>,
    /// Each Gatehouse door (its name in the zone map) ↔ the system's door, and the door
    /// groups (Verkada: access groups) that open it.
    pub doors: DoorMapping,
}

/// The connector as the portal shows it: never its secrets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectorView {
    pub system: System,
    pub url: String,
    pub doors: DoorMapping,
    /// Where the system is to send its webhooks.
    pub webhook_url: String,
    pub signs_webhooks: bool,
    pub updated_at: DateTime<Utc>,
}

fn view(cloud: &Cloud, connector: &Connector, updated_at: DateTime<Utc>) -> ConnectorView {
    ConnectorView {
        system: connector.system,
        url: connector.base_url.clone(),
        doors: connector.doors.clone(),
        webhook_url: webhook_url(cloud, connector.facility),
        signs_webhooks: connector.webhook_secret.is_some(),
        updated_at,
    }
}

/// Where the facility's system is to send its webhooks.
fn webhook_url(cloud: &Cloud, facility: FacilityId) -> String {
    format!(
        "{}/api/v1/connector/webhook/{facility}",
        cloud.public_url.trim_end_matches('/'),
    )
}

/// Registers Gatehouse's webhook endpoint with a UniFi console (or finds it registered): the
/// secret the console signs with.
async fn register_with_unifi(
    cloud: &Cloud,
    facility: FacilityId,
    url: &str,
    token: &str,
) -> Result<String, ServiceError> {
    let limiter = std::sync::Arc::new(super::Limiter::direct(super::quota(System::Unifi)));
    let console = unifi::Unifi::new(url, token, limiter)?;
    console
        .register_webhook(&webhook_url(cloud, facility))
        .await
        .map_err(|error| match error {
            ConnectorError::Unauthorized => {
                ServiceError::invalid("the console does not accept the API token")
            }
            ConnectorError::Forbidden(_) => ServiceError::invalid(
                "the API token needs the permission edit:webhook for Gatehouse to register its \
                 webhook; or give the endpoint's secret",
            ),
            error => ServiceError::Unavailable(format!(
                "Gatehouse could not register its webhook with the console: {error}"
            )),
        })
}

/// Sets the facility's connector (a facility manager's), checked first: a URL, a token, and
/// doors that are in the zone map. Set again without a webhook secret, the same system keeps
/// the one it had; a UniFi console with none is asked to send Gatehouse its door scans, and the
/// secret it makes is kept.
pub async fn configure(
    cloud: &Cloud,
    actor: &Actor,
    setup: ConnectorSetup,
) -> Result<ConnectorView, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConnectAccessControl { facility })?;
    let url = url::Url::parse(setup.url.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
        .ok_or_else(|| {
            ServiceError::invalid("the system's URL must be an http:// or https:// address")
        })?;
    if setup.api_token.trim().is_empty() || setup.api_token.len() > 4096 {
        return Err(ServiceError::invalid("give the API token the system made"));
    }
    if setup
        .webhook_secret
        .as_deref()
        .is_some_and(|secret| secret.trim().is_empty() || secret.len() > 4096)
    {
        return Err(ServiceError::invalid(
            "the webhook secret cannot be empty: leave it out instead",
        ));
    }
    let standard = |secret: &str| StandardSecret::parse(secret).is_some();
    if setup.system == System::Webhook
        && (!standard(&setup.api_token) || !setup.webhook_secret.as_deref().is_none_or(standard))
    {
        return Err(ServiceError::invalid(
            "a generic webhook's secrets are Standard Webhooks secrets: whsec_ and base64",
        ));
    }
    let site = cloud.site(facility).await?;
    for door in setup.doors.keys() {
        if door_events::known_door(&site, door).is_none() {
            return Err(ServiceError::invalid(format!(
                "the zone map of this building has no door {door:?}"
            )));
        }
        let resources = &setup.doors[door];
        if resources.is_empty() || resources.iter().any(|r| r.id.trim().is_empty()) {
            return Err(ServiceError::invalid(format!(
                "the door {door:?} is mapped to no id"
            )));
        }
    }
    let base_url = url.as_str().trim_end_matches('/').to_owned();
    // Set again without one, the same system keeps the secret it had.
    let kept = cloud
        .database
        .connector(facility)
        .await?
        .filter(|stored| stored.kind == setup.system.as_str())
        .and_then(|stored| stored.sealed_webhook);
    let webhook_secret = match setup.webhook_secret.as_deref() {
        Some(secret) => Some(secret.trim().to_owned()),
        None if kept.is_none() && setup.system == System::Unifi => {
            Some(register_with_unifi(cloud, facility, &base_url, setup.api_token.trim()).await?)
        }
        None => None,
    };
    let (sealed_secret, sealed_webhook) = Connector::seal(
        cloud.keys.secret(),
        facility,
        setup.api_token.trim(),
        webhook_secret.as_deref(),
    );
    let sealed_webhook = sealed_webhook.or(kept);
    let stored = StoredConnector {
        facility,
        kind: setup.system.as_str().to_owned(),
        base_url,
        sealed_secret,
        sealed_webhook,
        door_mapping: serde_json::to_string(&setup.doors).expect("a door mapping serializes"),
        updated_at: cloud.clock.now(),
    };
    cloud.database.save_connector(&stored).await?;
    cloud
        .connectors
        .lock()
        .expect("connector cache lock")
        .remove(&facility);
    let connector = Connector::open(&stored, cloud.keys.secret())?;
    Ok(view(cloud, &connector, stored.updated_at))
}

async fn configured(
    cloud: &Cloud,
    actor: &Actor,
) -> Result<(Connector, DateTime<Utc>), ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConnectAccessControl { facility })?;
    let stored = cloud.database.connector(facility).await?.ok_or_else(|| {
        ServiceError::NotFound("this building has no access-control system connected".into())
    })?;
    Ok((
        Connector::open(&stored, cloud.keys.secret())?,
        stored.updated_at,
    ))
}

pub async fn show(cloud: &Cloud, actor: &Actor) -> Result<ConnectorView, ServiceError> {
    let (connector, updated_at) = configured(cloud, actor).await?;
    Ok(view(cloud, &connector, updated_at))
}

/// Checks the connector's credentials and permissions against the system, and its door
/// mapping against the system's doors, saying plainly what is missing.
pub async fn probe(cloud: &Cloud, actor: &Actor) -> Result<Probe, ServiceError> {
    let (connector, _) = configured(cloud, actor).await?;
    Ok(match connector.probe().await {
        Ok(probe) => probe,
        Err(error) => Probe {
            ready: false,
            missing: vec![match error {
                ConnectorError::Unauthorized => {
                    "the system does not accept the API token or key: make a new one".to_owned()
                }
                error => error.to_string(),
            }],
            doors: Vec::new(),
        },
    })
}

/// Reconciles the facility's system now (a facility manager's), after reading its door-event
/// log for scans its webhooks missed: what was fixed.
pub async fn reconcile(
    cloud: &Cloud,
    actor: &Actor,
) -> Result<super::provisioning::Reconciled, ServiceError> {
    use super::provisioning::{self, JobError};
    configured(cloud, actor).await?;
    let failed = |error| match error {
        JobError::Cloud(error) => error,
        JobError::System(error) => {
            ServiceError::Unavailable(format!("the access-control system: {error}"))
        }
    };
    let events_backfilled = provisioning::backfill(cloud, actor.facility)
        .await
        .map_err(failed)?;
    let fixed = provisioning::reconcile(cloud, actor.facility)
        .await
        .map_err(failed)?;
    Ok(provisioning::Reconciled {
        events_backfilled,
        ..fixed
    })
}

/// What became of a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// A door scan, stored.
    Recorded,
    /// Taken before: nothing changed.
    Duplicate,
    /// Not a door scan: acknowledged.
    Ignored,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryAnswer {
    pub delivery: Delivery,
}

/// Why a webhook was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefused {
    #[error("this building has no access-control system connected that sends webhooks")]
    NotConnected,
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("the webhook's body is not JSON")]
    NotJson,
    #[error(transparent)]
    Cloud(#[from] ServiceError),
}

/// A webhook from the facility's system: its signature (in the headers `header` reads) checked
/// over the raw body first, with a five-minute window either way, then its event taken once,
/// stored raw and applied.
pub async fn webhook<'a>(
    cloud: &Cloud,
    facility: FacilityId,
    header: impl Fn(&'static str) -> Option<&'a str>,
    body: &[u8],
) -> Result<Delivery, WebhookRefused> {
    let connector = Connector::of(cloud, facility)
        .await?
        .ok_or(WebhookRefused::NotConnected)?;
    let secret = connector
        .webhook_secret
        .as_deref()
        .ok_or(WebhookRefused::NotConnected)?;
    let now = cloud.clock.now();
    match connector.system {
        System::Unifi => {
            webhook_signature::verify_unifi(header("signature"), secret, body, now)?;
        }
        System::Verkada => {
            webhook_signature::verify_verkada(header("verkada-signature"), secret, body, now)?;
        }
        System::Webhook => {
            let secret = StandardSecret::parse(secret).ok_or(SignatureError::Wrong)?;
            webhook_signature::verify_standard(
                header("webhook-id"),
                header("webhook-timestamp"),
                header("webhook-signature"),
                &secret,
                body,
                now,
            )?;
        }
    }
    let event: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| WebhookRefused::NotJson)?;
    let raw = String::from_utf8_lossy(body);
    let scan = match connector.system {
        System::Unifi => unifi::door_unlock(&event, body),
        System::Verkada => verkada::door_scan(&event["data"], &raw),
        System::Webhook => webhook::door_scan(&event, &raw),
    };
    let Some(scan) = scan else {
        return Ok(Delivery::Ignored);
    };
    // Stored once by its event id: a redelivery, a replay or the backfill changes nothing.
    let recorded = apply(cloud, &connector, vec![scan], false).await?;
    Ok(if recorded > 0 {
        Delivery::Recorded
    } else {
        Delivery::Duplicate
    })
}

/// How near in time a UniFi system-log hit and a stored scan of the same person at the same
/// door are the same scan (the webhook's time is when it arrived).
const SAME_SCAN_WITHIN: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Stores the system's scans on the visits they were (by the system's id of what Gatehouse
/// made for each) at the Gatehouse doors they were at: how many were new. Scans read `from_log`
/// are each taken once by their event id; for UniFi, whose log does not carry the webhook's
/// event ids, also only if no scan of the same person at the same door is stored near its time.
pub async fn apply(
    cloud: &Cloud,
    connector: &Connector,
    scans: Vec<SystemScan>,
    from_log: bool,
) -> Result<usize, ServiceError> {
    let facility = connector.facility;
    let now = cloud.clock.now();
    let mut resolved = Vec::with_capacity(scans.len());
    for scan in scans {
        let door = connector.door_of_scan(&scan).await;
        let name = scan.actor_name.clone();
        let holder = match &scan.actor_id {
            Some(id) => match connector.visit_of(cloud, id).await? {
                Some(visit) => Holder::Visit(visit),
                None => Holder::Person(name.unwrap_or_else(|| id.clone())),
            },
            None => Holder::Person(name.unwrap_or_else(|| "unknown".into())),
        };
        let door = door
            .or(scan.place_name)
            .or(scan.places.into_iter().next())
            .unwrap_or_else(|| "unknown door".into());
        let at = scan.at.unwrap_or(now);
        if from_log && connector.system == System::Unifi {
            let (visit, person) = match &holder {
                Holder::Visit(visit) => (Some(*visit), None),
                Holder::Person(person) => (None, Some(person.as_str())),
                Holder::Credential(_) => (None, None),
            };
            let near = cloud
                .database
                .door_scan_near(
                    facility,
                    visit,
                    person,
                    &door,
                    scan.granted,
                    at,
                    SAME_SCAN_WITHIN,
                )
                .await?;
            if near {
                continue;
            }
        }
        resolved.push(Scan {
            event_id: scan.event_id,
            door,
            holder,
            granted: scan.granted,
            direction: scan.direction,
            at,
            raw: scan.raw,
        });
    }
    let recorded =
        door_events::record(cloud, facility, connector.system.as_str(), resolved).await?;
    Ok(recorded
        .iter()
        .filter(|(outcome, _)| *outcome == door_events::Outcome::Recorded)
        .count())
}

/// A visit's access in the building's system, as reception sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessView {
    pub system: String,
    /// `provisioning` (waiting for the system), `provisioned`, `revoking`, `revoked`.
    pub state: String,
    /// Why the last attempt failed, in the system's words.
    pub problem: Option<String>,
    pub provisioned_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The visit's access in the building's system, for whoever sees the invitation.
pub async fn of_visit(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
) -> Result<Vec<AccessView>, ServiceError> {
    invitations::visible(cloud, actor, id).await?;
    Ok(cloud
        .database
        .access_grants_of(id)
        .await?
        .into_iter()
        .map(|grant| AccessView {
            system: grant.kind,
            state: grant.state,
            problem: grant.last_error,
            provisioned_at: grant.provisioned_at,
            revoked_at: grant.revoked_at,
        })
        .collect())
}
