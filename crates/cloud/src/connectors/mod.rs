//! The building's access-control system, behind one trait (seed lifecycle steps 3–5): on
//! check-in the visit's access is **provisioned** there (a person, a window, the doors or door
//! groups its zones map to, a PIN), check-out or the window's end **revokes** it, what the
//! system holds for Gatehouse can be **listed** (for the reconcile job), and its door scans
//! **flow back** by webhook. Provisioning never blocks a check-in: it goes through the outbox
//! ([`provisioning`]), with retries, backoff and the system's `Retry-After`.

pub mod provisioning;
pub mod setup;
pub mod unifi;
pub mod verkada;
pub mod webhook;
pub mod webhook_signature;

use std::{
    collections::{BTreeMap, HashMap},
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use gatehouse_core::{FacilityId, InvitationId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    Cloud,
    error::ServiceError,
    keys::KeySecret,
    store::{Direction, StoredConnector},
};

/// The systems Gatehouse connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum System {
    /// UniFi Access, through its developer API (`https://<console>:12445`).
    Unifi,
    /// Verkada Access, through Verkada's cloud API (`https://api.verkada.com`, or the `api.eu`
    /// and `api.au` regions).
    Verkada,
    /// Any other system, through signed webhooks both ways (Standard Webhooks).
    Webhook,
}

impl System {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unifi => "unifi",
            Self::Verkada => "verkada",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "unifi" => Some(Self::Unifi),
            "verkada" => Some(Self::Verkada),
            "webhook" => Some(Self::Webhook),
            _ => None,
        }
    }
}

/// What a Gatehouse door is in the system: one of its doors, or a door group (Verkada: an
/// access group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The system's id.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ResourceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Door,
    DoorGroup,
}

/// Each Gatehouse door (its name in the zone map) ↔ what it is in the system: its door there
/// (how its scans are told apart) and the door groups that open it. UniFi grants doors and door
/// groups alike; Verkada grants only access groups, and names the door in its scans.
pub type DoorMapping = BTreeMap<String, Vec<Resource>>;

/// A visit's access, as the system is to give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub visit: InvitationId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub resources: Vec<Resource>,
    /// The PIN the visitor types at the system's readers.
    pub pin: String,
}

/// Something the system holds that Gatehouse made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub vendor_id: String,
    /// The visit it was made for, as Gatehouse tagged it.
    pub visit: Option<InvitationId>,
    /// Whether it still opens doors.
    pub active: bool,
}

/// A door or door group the system has, for the door mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SystemDoor {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ResourceKind,
}

/// What a probe found: the system's doors, and what its credentials lack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Probe {
    /// Whether Gatehouse can work with the system as set up.
    pub ready: bool,
    /// In plain words, each thing missing (a permission, a door mapped to nothing the system has).
    pub missing: Vec<String>,
    pub doors: Vec<SystemDoor>,
}

/// Why a call to the system failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    #[error("the system does not accept Gatehouse's credentials (401): set a new API token")]
    Unauthorized,
    #[error("the API token lacks a permission the system asked for (403): {0}")]
    Forbidden(String),
    #[error("the system asked Gatehouse to slow down (429)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the system cannot be reached or failed: {0}")]
    Unavailable(String),
    #[error("the system refused the request: {0}")]
    Rejected(String),
    #[error("the system has no such thing")]
    NotFound,
    /// Taken already — a PIN another person in the system has: the next attempt draws another.
    #[error("the system already has this: {0}")]
    Conflict(String),
}

impl ConnectorError {
    /// Whether trying again later can help (a refused request stays refused).
    pub fn is_temporary(&self) -> bool {
        !matches!(self, Self::Rejected(_))
    }
}

/// A door scan as the system reported it, before Gatehouse resolves its door and holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemScan {
    /// The system's id of the event: taken once, whichever way it came.
    pub event_id: String,
    /// The system's ids the event names for where it was — the door first, then its reader,
    /// hub or device — tried in turn against the door mapping.
    pub places: Vec<String>,
    /// The door's name as the system gave it, if none of `places` is mapped.
    pub place_name: Option<String>,
    /// The system's id of who scanned (a UniFi visitor, a Verkada user).
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub granted: bool,
    pub direction: Option<Direction>,
    /// When it happened, if the system said.
    pub at: Option<DateTime<Utc>>,
    /// The event as received.
    pub raw: String,
}

/// One access-control system, as Gatehouse uses it.
pub trait AccessSystem {
    /// Checks the credentials and their permissions; lists the system's doors.
    fn probe(&self) -> impl Future<Output = Result<Probe, ConnectorError>> + Send;
    /// Gives the visit its access; the system's id of what it made.
    fn provision(
        &self,
        grant: &Grant,
    ) -> impl Future<Output = Result<String, ConnectorError>> + Send;
    /// Takes it away again; what is already gone is revoked.
    fn revoke(&self, vendor_id: &str) -> impl Future<Output = Result<(), ConnectorError>> + Send;
    /// Everything the system holds that Gatehouse made.
    fn held(&self) -> impl Future<Output = Result<Vec<Held>, ConnectorError>> + Send;
    /// The door scans the system logged from `from` to `to` (the backfill behind webhooks,
    /// which systems deliver at most once or twice).
    fn door_events(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<SystemScan>, ConnectorError>> + Send;
}

/// Calls to one system are spaced by this token bucket, whatever asks.
pub type Limiter = governor::DefaultDirectRateLimiter;

/// How fast Gatehouse may call `system`. Verkada allows 300 requests a minute per organisation:
/// a burst of 50, then one each 250 ms, stays under 290 in any minute. UniFi documents no limit
/// for a console on the building's network, nor can a generic endpoint; 20 at once and 10 a
/// second keep them responsive.
pub fn quota(system: System) -> governor::Quota {
    match system {
        System::Verkada => governor::Quota::with_period(Duration::from_millis(250))
            .expect("a period above zero")
            .allow_burst(const { std::num::NonZeroU32::new(50).unwrap() }),
        System::Unifi | System::Webhook => {
            governor::Quota::per_second(const { std::num::NonZeroU32::new(10).unwrap() })
                .allow_burst(const { std::num::NonZeroU32::new(20).unwrap() })
        }
    }
}

/// A facility's connector, opened: its secrets unsealed.
#[derive(Debug, Clone)]
pub struct Connector {
    pub facility: FacilityId,
    pub system: System,
    pub base_url: String,
    pub doors: DoorMapping,
    /// What the system signs its webhooks with.
    pub webhook_secret: Option<String>,
    /// When it was set up as it is.
    pub updated_at: DateTime<Utc>,
    client: ConnectorClient,
    /// The visit each of the system's ids was made for, as last looked up (a scan burst looks
    /// each up once): an id Gatehouse did not make is looked up again after two seconds.
    holders: Arc<Mutex<HashMap<String, LookedUp>>>,
}

/// A visit looked up (or found to be none), and when.
type LookedUp = (Instant, Option<InvitationId>);

#[derive(Debug, Clone)]
enum ConnectorClient {
    Unifi(unifi::Unifi),
    Verkada(verkada::Verkada),
    Webhook(webhook::GenericWebhook),
}

/// Each facility's connector as last read, and when.
pub type ConnectorCache = Mutex<HashMap<FacilityId, (Instant, Option<Arc<Connector>>)>>;

/// How long a connector read is used before it is read again.
const FRESH_FOR: Duration = Duration::from_secs(2);

/// How many of the system's ids are kept with their visits before the cache starts afresh.
const MOST_HOLDERS_KEPT: usize = 100_000;

/// How long one call to the system may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client a connector calls its system with.
fn http_client() -> Result<reqwest::Client, ServiceError> {
    reqwest::Client::builder()
        .timeout(CALL_TIMEOUT)
        .build()
        .map_err(|error| ServiceError::Corrupt(format!("HTTP client: {error}")))
}

/// A call that got no answer.
fn unreachable(error: &reqwest::Error) -> ConnectorError {
    ConnectorError::Unavailable(if error.is_timeout() {
        "no answer in 10 seconds".to_owned()
    } else {
        "cannot connect".to_owned()
    })
}

/// How long the system asked to be left alone (`Retry-After` in seconds), if it did.
fn retry_after_of(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

fn sealing_context(facility: FacilityId, what: &str) -> Vec<u8> {
    [facility.0.as_bytes().as_slice(), what.as_bytes()].concat()
}

impl Connector {
    /// Opens the stored connector with the cloud's key secret.
    pub fn open(stored: &StoredConnector, secret: &KeySecret) -> Result<Self, ServiceError> {
        let corrupt = |what: &str| ServiceError::Corrupt(format!("connector: {what}"));
        let system = System::parse(&stored.kind).ok_or_else(|| corrupt("kind"))?;
        let unseal = |what: &str, sealed: &[u8]| {
            secret
                .open_bytes(&sealing_context(stored.facility, what), sealed)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| corrupt("a secret does not open under the key secret"))
        };
        let token = unseal("api", &stored.sealed_secret)?;
        let webhook_secret = stored
            .sealed_webhook
            .as_deref()
            .map(|sealed| unseal("webhook", sealed))
            .transpose()?;
        let doors: DoorMapping =
            serde_json::from_str(&stored.door_mapping).map_err(|_| corrupt("door mapping"))?;
        let limiter = Arc::new(Limiter::direct(quota(system)));
        let client = match system {
            System::Unifi => {
                ConnectorClient::Unifi(unifi::Unifi::new(&stored.base_url, &token, limiter)?)
            }
            System::Verkada => {
                ConnectorClient::Verkada(verkada::Verkada::new(&stored.base_url, &token, limiter)?)
            }
            System::Webhook => ConnectorClient::Webhook(
                webhook::GenericWebhook::new(&stored.base_url, &token, limiter)
                    .map_err(|_| corrupt("the signing secret"))?,
            ),
        };
        Ok(Self {
            facility: stored.facility,
            system,
            base_url: stored.base_url.clone(),
            doors,
            webhook_secret,
            updated_at: stored.updated_at,
            client,
            holders: Arc::default(),
        })
    }

    /// The facility's connector, if it has one: from memory if read less than two seconds ago
    /// (a webhook burst opens it once, not once a delivery), and the same one for as long as
    /// it is set up the same — so its token bucket and its system's session carry on.
    pub async fn of(
        cloud: &Cloud,
        facility: FacilityId,
    ) -> Result<Option<Arc<Self>>, ServiceError> {
        let cached = cloud
            .connectors
            .lock()
            .expect("connector cache lock")
            .get(&facility)
            .cloned();
        if let Some((read_at, connector)) = &cached
            && read_at.elapsed() < FRESH_FOR
        {
            return Ok(connector.clone());
        }
        let connector = match cloud.database.connector(facility).await? {
            Some(stored) => match cached.and_then(|(_, connector)| connector) {
                Some(same) if same.updated_at == stored.updated_at => Some(same),
                _ => Some(Arc::new(Self::open(&stored, cloud.keys.secret())?)),
            },
            None => None,
        };
        cloud
            .connectors
            .lock()
            .expect("connector cache lock")
            .insert(facility, (Instant::now(), connector.clone()));
        Ok(connector)
    }

    /// Seals `token` and `webhook_secret` for storage.
    pub fn seal(
        secret: &KeySecret,
        facility: FacilityId,
        token: &str,
        webhook_secret: Option<&str>,
    ) -> (Vec<u8>, Option<Vec<u8>>) {
        (
            secret.seal_bytes(&sealing_context(facility, "api"), token.as_bytes()),
            webhook_secret.map(|webhook| {
                secret.seal_bytes(&sealing_context(facility, "webhook"), webhook.as_bytes())
            }),
        )
    }

    /// The visit the system's `id` (a UniFi visitor, a Verkada user, a grant) was made for.
    pub async fn visit_of(
        &self,
        cloud: &Cloud,
        id: &str,
    ) -> Result<Option<InvitationId>, ServiceError> {
        if let Some((looked_up, visit)) = self.holders.lock().expect("holder cache lock").get(id)
            && (visit.is_some() || looked_up.elapsed() < FRESH_FOR)
        {
            return Ok(*visit);
        }
        let visit = cloud.database.visit_of_vendor_id(self.facility, id).await?;
        let mut holders = self.holders.lock().expect("holder cache lock");
        if holders.len() >= MOST_HOLDERS_KEPT {
            holders.clear();
        }
        holders.insert(id.to_owned(), (Instant::now(), visit));
        Ok(visit)
    }

    /// The Gatehouse door the system's door or door group `id` is mapped from.
    pub fn door_of(&self, id: &str) -> Option<&str> {
        self.doors
            .iter()
            .find(|(_, resources)| resources.iter().any(|resource| resource.id == id))
            .map(|(door, _)| door.as_str())
    }

    /// The Gatehouse door a scan was at: the first of the places it names that is mapped; for
    /// UniFi, whose events may name the hub instead of the door, the door the hub's alias
    /// names, through the console's doors.
    pub async fn door_of_scan(&self, scan: &SystemScan) -> Option<String> {
        if let Some(door) = scan.places.iter().find_map(|id| self.door_of(id)) {
            return Some(door.to_owned());
        }
        if let ConnectorClient::Unifi(unifi) = &self.client {
            let alias = scan.place_name.as_deref()?;
            let id = unifi.door_of_hub(alias).await.ok()??;
            return self.door_of(&id).map(str::to_owned);
        }
        None
    }
}

impl AccessSystem for Connector {
    async fn probe(&self) -> Result<Probe, ConnectorError> {
        let mut probe = match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.probe().await?,
            ConnectorClient::Verkada(verkada) => verkada.probe().await?,
            ConnectorClient::Webhook(webhook) => webhook.probe().await?,
        };
        // The mapping is checked against the doors the system showed, if it showed them (a
        // generic endpoint has no list to show).
        let listed =
            self.system != System::Webhook && (!probe.doors.is_empty() || probe.missing.is_empty());
        for (door, resources) in self.doors.iter().filter(|_| listed) {
            for resource in resources {
                if !probe.doors.iter().any(|d| d.id == resource.id) {
                    probe.missing.push(format!(
                        "the door {door:?} is mapped to {}, which the system does not have",
                        resource.id
                    ));
                }
            }
            let granted = resources.iter().any(|resource| {
                self.system != System::Verkada || resource.kind == ResourceKind::DoorGroup
            });
            if !granted {
                probe.missing.push(format!(
                    "the door {door:?} is in no access group: visitors cannot be let through it"
                ));
            }
        }
        probe.ready = probe.missing.is_empty();
        Ok(probe)
    }

    async fn provision(&self, grant: &Grant) -> Result<String, ConnectorError> {
        match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.provision(grant).await,
            ConnectorClient::Verkada(verkada) => verkada.provision(grant).await,
            ConnectorClient::Webhook(webhook) => webhook.provision(grant).await,
        }
    }

    async fn revoke(&self, vendor_id: &str) -> Result<(), ConnectorError> {
        match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.revoke(vendor_id).await,
            ConnectorClient::Verkada(verkada) => verkada.revoke(vendor_id).await,
            ConnectorClient::Webhook(webhook) => webhook.revoke(vendor_id).await,
        }
    }

    async fn held(&self) -> Result<Vec<Held>, ConnectorError> {
        match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.held().await,
            ConnectorClient::Verkada(verkada) => verkada.held().await,
            ConnectorClient::Webhook(webhook) => webhook.held().await,
        }
    }

    async fn door_events(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SystemScan>, ConnectorError> {
        match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.door_events(from, to).await,
            ConnectorClient::Verkada(verkada) => verkada.door_events(from, to).await,
            ConnectorClient::Webhook(webhook) => webhook.door_events(from, to).await,
        }
    }
}

/// The tag Gatehouse leaves on what it makes in a system, naming the visit.
pub fn tag(visit: InvitationId) -> String {
    format!("gatehouse:{visit}")
}

/// The visit a tag names, if it is one of Gatehouse's.
pub fn tagged(text: &str) -> Option<InvitationId> {
    text.trim().strip_prefix("gatehouse:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    /// How many calls the token bucket lets through in any one minute, asked every 10 ms.
    fn most_in_a_minute(system: System) -> usize {
        let clock = FakeRelativeClock::default();
        let limiter = governor::RateLimiter::direct_with_clock(quota(system), clock.clone());
        (0..6000)
            .filter(|_| {
                let allowed = limiter.check().is_ok();
                clock.advance(Duration::from_millis(10));
                allowed
            })
            .count()
    }

    #[test]
    fn calls_to_verkada_stay_under_its_300_a_minute() {
        let most = most_in_a_minute(System::Verkada);
        assert!(
            (250..=300).contains(&most),
            "{most} calls in the first minute"
        );
    }
}
