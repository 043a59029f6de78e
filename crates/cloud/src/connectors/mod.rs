//! The building's access-control system, behind one trait (seed lifecycle steps 3–5): on
//! check-in the visit's access is **provisioned** there (a person, a window, the doors or door
//! groups its zones map to, a PIN), check-out or the window's end **revokes** it, what the
//! system holds for Gatehouse can be **listed** (for the reconcile job), and its door scans
//! **flow back** by webhook. Provisioning never blocks a check-in: it goes through the outbox
//! ([`provisioning`]), with retries, backoff and the system's `Retry-After`.

pub mod provisioning;
pub mod setup;
pub mod unifi;
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

use crate::{Cloud, error::ServiceError, keys::KeySecret, store::StoredConnector};

/// The systems Gatehouse connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum System {
    /// UniFi Access, through its developer API (`https://<console>:12445`).
    Unifi,
}

impl System {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unifi => "unifi",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "unifi" => Some(Self::Unifi),
            _ => None,
        }
    }
}

/// What a Gatehouse door opens in the system: one of its doors, or a door group.
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

/// Each Gatehouse door (its name in the zone map) ↔ what it is in the system.
pub type DoorMapping = BTreeMap<String, Resource>;

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
}

impl ConnectorError {
    /// Whether trying again later can help (a refused request stays refused).
    pub fn is_temporary(&self) -> bool {
        !matches!(self, Self::Rejected(_))
    }
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
    client: ConnectorClient,
}

#[derive(Debug, Clone)]
enum ConnectorClient {
    Unifi(unifi::Unifi),
}

/// Each facility's connector as last read, and when.
pub type ConnectorCache = Mutex<HashMap<FacilityId, (Instant, Option<Arc<Connector>>)>>;

/// How long a connector read is used before it is read again.
const FRESH_FOR: Duration = Duration::from_secs(2);

/// How long one call to the system may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

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
        let client = match system {
            System::Unifi => ConnectorClient::Unifi(unifi::Unifi::new(&stored.base_url, &token)?),
        };
        Ok(Self {
            facility: stored.facility,
            system,
            base_url: stored.base_url.clone(),
            doors,
            webhook_secret,
            client,
        })
    }

    /// The facility's connector, if it has one: from memory if read less than two seconds ago
    /// (a webhook burst opens it once, not once a delivery).
    pub async fn of(
        cloud: &Cloud,
        facility: FacilityId,
    ) -> Result<Option<Arc<Self>>, ServiceError> {
        if let Some((read_at, connector)) = cloud
            .connectors
            .lock()
            .expect("connector cache lock")
            .get(&facility)
            && read_at.elapsed() < FRESH_FOR
        {
            return Ok(connector.clone());
        }
        let connector = match cloud.database.connector(facility).await? {
            Some(stored) => Some(Arc::new(Self::open(&stored, cloud.keys.secret())?)),
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

    /// The Gatehouse door a UniFi door scan was at: by the door the event names, or — when it
    /// names the hub instead — by the hub's id in the mapping, or the door the hub's alias names.
    pub async fn door_of_unlock(&self, unlock: &unifi::DoorUnlock) -> Option<String> {
        for id in [&unlock.location, &unlock.device].into_iter().flatten() {
            if let Some(door) = self.door_of(id) {
                return Some(door.to_owned());
            }
        }
        let ConnectorClient::Unifi(unifi) = &self.client;
        let alias = unlock.device_alias.as_deref()?;
        let id = unifi.door_of_hub(alias).await.ok()??;
        self.door_of(&id).map(str::to_owned)
    }

    /// The Gatehouse door the system's door or door group `id` is mapped from.
    pub fn door_of(&self, id: &str) -> Option<&str> {
        self.doors
            .iter()
            .find(|(_, resource)| resource.id == id)
            .map(|(door, _)| door.as_str())
    }
}

impl AccessSystem for Connector {
    async fn probe(&self) -> Result<Probe, ConnectorError> {
        let mut probe = match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.probe().await?,
        };
        // The mapping is checked against the doors the system showed, if it showed them.
        let listed = !probe.doors.is_empty() || probe.missing.is_empty();
        for (door, resource) in self.doors.iter().filter(|_| listed) {
            if !probe.doors.iter().any(|d| d.id == resource.id) {
                probe.missing.push(format!(
                    "the door {door:?} is mapped to {}, which the system does not have",
                    resource.id
                ));
            }
        }
        probe.ready = probe.missing.is_empty();
        Ok(probe)
    }

    async fn provision(&self, grant: &Grant) -> Result<String, ConnectorError> {
        match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.provision(grant).await,
        }
    }

    async fn revoke(&self, vendor_id: &str) -> Result<(), ConnectorError> {
        match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.revoke(vendor_id).await,
        }
    }

    async fn held(&self) -> Result<Vec<Held>, ConnectorError> {
        match &self.client {
            ConnectorClient::Unifi(unifi) => unifi.held().await,
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
