//! Door scans flowing back from the building (seed lifecycle step 4): from Gatehouse's own door
//! check, an access-control system's connector, or a system posting them to the API. Each scan
//! is tied to its visit where it can be, stored once however often it is delivered, and read
//! back as the visit's timeline and the muster list.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    Action, Actor, CredentialId, FacilityId, InvitationId, authorize, credential,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    Cloud, Database,
    error::ServiceError,
    site::Site,
    store::{Direction, InvitationWriter, NewDoorEvent, StoreError},
};

/// Whose scan it was, as the reporting system knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// A visit, by Gatehouse's invitation id (what connectors and the outbound grant carry).
    Visit(InvitationId),
    /// A Gatehouse door credential.
    Credential(CredentialId),
    /// One of the building's own people, as the system names them.
    Person(String),
}

/// A door scan as reported, before it is tied to a visit and stored.
#[derive(Debug, Clone)]
pub struct Scan {
    pub event_id: String,
    /// The door as the system names it: its access-control id or its name in the zone map.
    pub door: String,
    pub holder: Holder,
    pub granted: bool,
    pub direction: Option<Direction>,
    pub at: DateTime<Utc>,
    pub raw: String,
}

/// What became of a reported scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored now.
    Recorded,
    /// Stored before under the same event id: nothing changed.
    Duplicate,
}

/// The most scans committed in one transaction.
const MOST_AT_ONCE: usize = 4000;
/// The most reports waiting for their turn; more are answered 503 at once.
const MOST_WAITING: usize = 4096;

type Job = (
    Vec<NewDoorEvent>,
    oneshot::Sender<Result<Vec<bool>, StoreError>>,
);

/// Group commit for door scans: one task writes the scans of every report that arrived together
/// in one statement, so a building's burst of webhooks costs one commit, not one each.
#[derive(Debug, Clone)]
pub struct DoorEventWriter {
    jobs: mpsc::Sender<Job>,
}

impl DoorEventWriter {
    /// Starts the writing task on the current tokio runtime; on SQLite it takes its turn with
    /// the invitation writer's.
    pub fn start(database: &Database, invitations: &InvitationWriter) -> Self {
        let (jobs, queue) = mpsc::channel(MOST_WAITING);
        tokio::spawn(run(database.clone(), invitations.clone(), queue));
        Self { jobs }
    }

    /// Stores `events`; for each, whether it was new.
    pub async fn write(&self, events: Vec<NewDoorEvent>) -> Result<Vec<bool>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let (done, answer) = oneshot::channel();
        self.jobs
            .try_send((events, done))
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => StoreError::Busy,
                mpsc::error::TrySendError::Closed(_) => StoreError::Stopped,
            })?;
        answer.await.map_err(|_| StoreError::Stopped)?
    }
}

async fn run(database: Database, invitations: InvitationWriter, mut queue: mpsc::Receiver<Job>) {
    let mut jobs: Vec<Job> = Vec::new();
    while queue.recv_many(&mut jobs, 64).await > 0 {
        let mut events = Vec::new();
        let mut sizes = Vec::with_capacity(jobs.len());
        for (job, _) in &mut jobs {
            sizes.push(job.len());
            events.append(job);
            if events.len() >= MOST_AT_ONCE {
                break;
            }
        }
        let written = {
            let _turn = invitations.turn().await;
            database.insert_door_events(&events).await
        };
        let mut answers = jobs.drain(..sizes.len());
        match written {
            Ok(new) => {
                let mut new = new.into_iter();
                for ((_, done), size) in answers.by_ref().zip(sizes) {
                    let _ = done.send(Ok(new.by_ref().take(size).collect()));
                }
            }
            Err(error) => {
                tracing::warn!(%error, "door events: a batch could not be stored");
                let message = error.to_string();
                for (_, done) in answers.by_ref() {
                    let _ = done.send(Err(StoreError::Corrupt(message.clone())));
                }
            }
        }
        drop(answers);
    }
}

/// The door `door` names in the facility's zone map (by access-control id or name): its name
/// there and its zone.
pub fn known_door(site: &Site, door: &str) -> Option<(String, String)> {
    site.zone_map.zones.iter().find_map(|zone| {
        zone.doors
            .iter()
            .find(|d| d.external_id.as_deref() == Some(door) || d.name == door)
            .map(|d| (d.name.clone(), zone.id.to_string()))
    })
}

/// Ties `scans` reported by `source` to their visits and stores them; for each, what became of
/// it and its visit. A door the zone map does not know is kept as the system named it.
pub async fn record(
    cloud: &Cloud,
    facility: FacilityId,
    source: &'static str,
    scans: Vec<Scan>,
) -> Result<Vec<(Outcome, Option<InvitationId>)>, ServiceError> {
    let site = cloud.site(facility).await?;
    let received_at = cloud.clock.now();
    let mut events = Vec::with_capacity(scans.len());
    for scan in scans {
        let (visit, person) = match scan.holder {
            Holder::Visit(visit) => (Some(visit), None),
            Holder::Credential(credential) => (
                cloud
                    .database
                    .credential(credential)
                    .await?
                    .filter(|stored| stored.facility == facility)
                    .map(|stored| stored.invitation),
                None,
            ),
            Holder::Person(person) => (None, Some(person)),
        };
        let (door, zone) = match known_door(&site, &scan.door) {
            Some((door, zone)) => (door, Some(zone)),
            None => (scan.door, None),
        };
        events.push(NewDoorEvent {
            id: Uuid::now_v7(),
            facility,
            source,
            source_event_id: scan.event_id,
            visit,
            person,
            door,
            zone,
            granted: scan.granted,
            direction: scan.direction,
            happened_at: scan.at,
            received_at,
            raw: scan.raw,
        });
    }
    let visits: Vec<Option<InvitationId>> = events.iter().map(|event| event.visit).collect();
    let new = cloud.door_events.write(events).await?;
    Ok(new
        .into_iter()
        .zip(visits)
        .map(|(new, visit)| {
            let outcome = if new {
                Outcome::Recorded
            } else {
                Outcome::Duplicate
            };
            (outcome, visit)
        })
        .collect())
}

/// Who a posted scan was.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum PostedHolder {
    /// The visit (its invitation id), as Gatehouse's access grant named it.
    Visit(InvitationId),
    /// The Gatehouse door credential scanned (its id, or the credential's text `GHC2.…`).
    Credential(String),
    /// One of the building's own people, as the system names them.
    Person(String),
}

/// A door scan a system posts (`POST /api/v1/door-events`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostedScan {
    /// The system's own id of the event: posting it again changes nothing.
    pub id: String,
    /// The door: its access-control id or its name in the zone map.
    pub door: String,
    pub holder: PostedHolder,
    pub granted: bool,
    pub direction: Option<Direction>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostedScans {
    pub events: Vec<PostedScan>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recorded {
    pub id: String,
    pub outcome: Outcome,
    /// The visit the scan was tied to, if any.
    pub visit: Option<InvitationId>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordedScans {
    pub results: Vec<Recorded>,
}

/// The most scans in one post.
pub const MOST_POSTED: usize = 1000;

/// Scans posted by a system without a connector, checked whole before any is stored: every
/// door must be in the zone map, every credential and visit of this facility.
pub async fn post(
    cloud: &Cloud,
    actor: &Actor,
    posted: PostedScans,
) -> Result<RecordedScans, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConnectAccessControl { facility })?;
    if posted.events.is_empty() || posted.events.len() > MOST_POSTED {
        return Err(ServiceError::invalid(format!(
            "post between 1 and {MOST_POSTED} door events at once"
        )));
    }
    let site = cloud.site(facility).await?;
    let mut scans = Vec::with_capacity(posted.events.len());
    let mut ids = Vec::with_capacity(posted.events.len());
    for (index, event) in posted.events.into_iter().enumerate() {
        let raw = serde_json::to_string(&event).expect("a posted scan serializes");
        let problem = |what: String| ServiceError::invalid(format!("event {index}: {what}"));
        if event.id.trim().is_empty() || event.id.len() > 200 {
            return Err(problem("its id must be 1 to 200 characters".into()));
        }
        if known_door(&site, &event.door).is_none() {
            return Err(problem(format!(
                "the zone map of this building has no door {:?}",
                event.door
            )));
        }
        let holder = match event.holder {
            PostedHolder::Visit(visit) => {
                let known = cloud
                    .database
                    .invitation(visit)
                    .await?
                    .is_some_and(|record| record.facility_id == facility);
                if !known {
                    return Err(problem(format!(
                        "there is no visit {visit} in this building"
                    )));
                }
                Holder::Visit(visit)
            }
            PostedHolder::Credential(text) => {
                let id = credential_id(cloud, &text).await?.ok_or_else(|| {
                    problem("the credential is neither an id nor a credential's text".into())
                })?;
                let known = cloud
                    .database
                    .credential(id)
                    .await?
                    .is_some_and(|stored| stored.facility == facility);
                if !known {
                    return Err(problem("this building issued no such credential".into()));
                }
                Holder::Credential(id)
            }
            PostedHolder::Person(person) if person.trim().is_empty() => {
                return Err(problem("name the person".into()));
            }
            PostedHolder::Person(person) => Holder::Person(person),
        };
        ids.push(event.id.clone());
        scans.push(Scan {
            raw,
            event_id: event.id,
            door: event.door,
            holder,
            granted: event.granted,
            direction: event.direction,
            at: event.at,
        });
    }
    let recorded = record(cloud, facility, "api", scans).await?;
    Ok(RecordedScans {
        results: ids
            .into_iter()
            .zip(recorded)
            .map(|(id, (outcome, visit))| Recorded { id, outcome, visit })
            .collect(),
    })
}

/// A credential named by its id, or by its text if its signature holds.
async fn credential_id(cloud: &Cloud, text: &str) -> Result<Option<CredentialId>, ServiceError> {
    let text = text.trim();
    if let Ok(id) = text.parse() {
        return Ok(Some(id));
    }
    let key = match credential::key_id(text) {
        Some(kid) => cloud.keys.verifying_key(&cloud.database, kid).await?,
        None => None,
    };
    Ok(credential::open(text, |_| key)
        .ok()
        .map(|claims| claims.credential))
}
