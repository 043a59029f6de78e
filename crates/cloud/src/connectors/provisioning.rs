//! Provisioning and revoking visits' access in the building's system, from the outbox: the
//! check-in (or the revocation) wrote its job in its own transaction, so a system that is down
//! never blocks a check-in — the badge prints with Gatehouse's own credential, the job waits,
//! and reception sees why. Each job is retried with exponential backoff and jitter (or when the
//! system's `Retry-After` says) until it goes; a refused request is given up and left for
//! reception with the system's words.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_core::InvitationId;
use rand_core::{OsRng, RngCore as _};
use serde::Deserialize;

use super::{AccessSystem as _, Connector, ConnectorError, Grant};
use crate::{
    Cloud,
    error::ServiceError,
    notify::worker,
    store::{Claimed, Family},
};

/// How long one attempt may hold a job before another worker may take it.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// Jobs claimed at once.
const BATCH: i64 = 20;
/// How often to look for due jobs.
const POLL: Duration = Duration::from_millis(300);

#[derive(Debug, Deserialize)]
struct Job {
    invitation: InvitationId,
}

/// Why a job did not go.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    System(#[from] ConnectorError),
    #[error(transparent)]
    Cloud(#[from] ServiceError),
}

impl From<crate::store::StoreError> for JobError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::Cloud(error.into())
    }
}

/// When to try a job again after `attempts` failures: the system's `Retry-After` if it gave
/// one, else 2, 4, 8 … seconds (at most an hour) with up to a second of jitter, so that many
/// waiting jobs do not come back at the same instant.
pub fn retry_at(now: DateTime<Utc>, attempts: i64, error: &ConnectorError) -> DateTime<Utc> {
    if let ConnectorError::RateLimited {
        retry_after: Some(wait),
    } = error
    {
        return now + TimeDelta::from_std(*wait).unwrap_or(TimeDelta::seconds(60));
    }
    let jitter = TimeDelta::milliseconds(i64::from(OsRng.next_u32() % 1000));
    worker::retry_at(now, attempts) + jitter
}

/// Runs the access jobs that are due once; how many went.
pub async fn run_due(cloud: &Cloud) -> usize {
    let now = cloud.clock.now();
    let claimed = {
        let _turn = cloud.invitations.turn().await;
        cloud
            .database
            .claim_outbox(Family::Access, now, now + LEASE, BATCH)
            .await
    };
    let claimed = match claimed {
        Ok(claimed) => claimed,
        Err(error) => {
            tracing::warn!(%error, "access jobs: cannot read the due ones");
            return 0;
        }
    };
    let mut done = 0;
    for job in claimed {
        if settle(cloud, &job, run(cloud, &job).await).await {
            done += 1;
        }
    }
    done
}

async fn run(cloud: &Cloud, job: &Claimed) -> Result<(), JobError> {
    let Job { invitation } = job
        .item
        .decode()
        .map_err(|error| ServiceError::Corrupt(format!("access job {}: {error}", job.id)))?;
    match job.item.kind.as_str() {
        "access.provision" => provision(cloud, invitation).await,
        "access.revoke" => revoke(cloud, invitation).await,
        kind => Err(ServiceError::Corrupt(format!("unknown access job {kind}")).into()),
    }
}

/// Records how the job went; whether it is done with.
async fn settle(cloud: &Cloud, job: &Claimed, result: Result<(), JobError>) -> bool {
    let now = cloud.clock.now();
    let _turn = cloud.invitations.turn().await;
    let recorded = match &result {
        Ok(()) => cloud.database.outbox_sent(job.id, now).await,
        Err(error) => {
            let message = error.to_string();
            tracing::warn!(job = %job.id, kind = job.item.kind, attempts = job.attempts + 1, %message, "access job failed");
            if let Ok(Job { invitation }) = job.item.decode() {
                let _ = cloud.database.access_failed(invitation, &message).await;
            }
            match error {
                JobError::System(error) if error.is_temporary() => {
                    let retry = retry_at(now, job.attempts + 1, error);
                    cloud.database.outbox_failed(job.id, &message, retry).await
                }
                // Refused, or Gatehouse's own data is wrong: trying again cannot help.
                JobError::System(_) | JobError::Cloud(_) => {
                    cloud.database.outbox_sent(job.id, now).await
                }
            }
        }
    };
    if let Err(error) = recorded {
        tracing::warn!(job = %job.id, %error, "access job: cannot record the attempt");
    }
    result.is_ok()
}

/// Gives the checked-in visit its access in the facility's system.
async fn provision(cloud: &Cloud, invitation: InvitationId) -> Result<(), JobError> {
    let Some(record) = cloud.database.invitation(invitation).await? else {
        return Ok(());
    };
    let facility = record.facility_id;
    let grants = cloud.database.access_grants_of(invitation).await?;
    if !grants.iter().any(|grant| grant.state == "provisioning") {
        // Revoked before it was ever provisioned.
        cloud
            .database
            .access_revoked(invitation, cloud.clock.now())
            .await?;
        return Ok(());
    }
    let (Some(connector), Some(credential)) = (
        Connector::of(cloud, facility).await?,
        cloud.database.live_credential(invitation).await?,
    ) else {
        return Ok(());
    };
    let site = cloud.site(facility).await?;
    let resources = site
        .zone_map
        .zones
        .iter()
        .filter(|zone| credential.grant.zones.contains(&zone.id))
        .flat_map(|zone| zone.doors.iter())
        .filter_map(|door| connector.doors.get(&door.name))
        .flatten()
        .fold(Vec::new(), |mut resources, resource| {
            if !resources.contains(resource) {
                resources.push(resource.clone());
            }
            resources
        });
    let (first_name, last_name) = split_name(&record.visitor_name);
    let pin = format!("{:08}", OsRng.next_u32() % 100_000_000);
    let grant = Grant {
        visit: invitation,
        first_name,
        last_name,
        email: record.visitor_email.clone(),
        company: record.visitor_company.clone(),
        starts_at: credential.grant.not_before,
        ends_at: credential.grant.not_after,
        resources,
        pin: pin.clone(),
    };
    let vendor_id = connector.provision(&grant).await?;
    let sealed_pin = cloud
        .keys
        .secret()
        .seal_bytes(invitation.0.as_bytes(), pin.as_bytes());
    let revoked_meanwhile = {
        let _turn = cloud.invitations.turn().await;
        cloud
            .database
            .access_provisioned(invitation, &vendor_id, Some(&sealed_pin), cloud.clock.now())
            .await?
    };
    if revoked_meanwhile {
        connector.revoke(&vendor_id).await?;
        cloud
            .database
            .access_revoked(invitation, cloud.clock.now())
            .await?;
    }
    Ok(())
}

/// Takes the visit's access away in the facility's system.
async fn revoke(cloud: &Cloud, invitation: InvitationId) -> Result<(), JobError> {
    let grants = cloud.database.access_grants_of(invitation).await?;
    let Some(grant) = grants.iter().find(|grant| grant.state == "revoking") else {
        return Ok(());
    };
    if let Some(vendor_id) = &grant.vendor_id
        && let Some(connector) = Connector::of(cloud, grant.facility).await?
    {
        connector.revoke(vendor_id).await?;
    }
    // Never provisioned: the provisioning job finds it revoked and makes nothing.
    let _turn = cloud.invitations.turn().await;
    cloud
        .database
        .access_revoked(invitation, cloud.clock.now())
        .await?;
    Ok(())
}

/// First and last name for systems that want both: the last word is the last name.
fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim().to_owned(), last.to_owned()),
        None => (name.to_owned(), name.to_owned()),
    }
}

/// How often every connected facility is reconciled.
const RECONCILE_EVERY: Duration = Duration::from_secs(3600);
/// How often every connected system's door-event log is read for scans its webhooks missed.
const BACKFILL_EVERY: Duration = Duration::from_secs(60);

/// Runs due access jobs for as long as the cloud serves, backfills door events every minute
/// and reconciles every connected facility once an hour.
pub async fn keep_provisioning(cloud: Arc<Cloud>) {
    let mut last_reconciled = tokio::time::Instant::now();
    let mut last_backfilled = tokio::time::Instant::now();
    loop {
        while run_due(&cloud).await > 0 {}
        let reconciling = last_reconciled.elapsed() >= RECONCILE_EVERY;
        let backfilling = last_backfilled.elapsed() >= BACKFILL_EVERY;
        if reconciling || backfilling {
            if reconciling {
                last_reconciled = tokio::time::Instant::now();
            }
            last_backfilled = tokio::time::Instant::now();
            match cloud.database.connected_facilities().await {
                Ok(facilities) => {
                    for facility in facilities {
                        if let Err(error) = backfill(&cloud, facility).await {
                            tracing::warn!(%facility, %error, "door-event backfill failed; trying again in a minute");
                        }
                        if reconciling && let Err(error) = reconcile(&cloud, facility).await {
                            tracing::warn!(%facility, %error, "reconcile failed; trying again in an hour");
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "access jobs: cannot list the connected facilities");
                }
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// How far back the first backfill reads, and how much each one reads again of the last
/// (events reach a system's log late when a door controller was offline).
const BACKFILL_FIRST: TimeDelta = TimeDelta::hours(1);
const BACKFILL_OVERLAP: TimeDelta = TimeDelta::minutes(5);

/// Reads the facility's system's door-event log since it was last read and stores the scans
/// its webhooks did not bring (taken once by their event ids): how many were new.
pub async fn backfill(
    cloud: &Cloud,
    facility: gatehouse_core::FacilityId,
) -> Result<usize, JobError> {
    let Some(connector) = Connector::of(cloud, facility).await? else {
        return Ok(0);
    };
    let now = cloud.clock.now();
    let from = cloud
        .database
        .events_read_until(facility)
        .await?
        .map_or(now - BACKFILL_FIRST, |until| until - BACKFILL_OVERLAP);
    let scans = connector.door_events(from, now).await?;
    let recorded = super::setup::apply(cloud, &connector, scans, true).await?;
    cloud.database.set_events_read_until(facility, now).await?;
    Ok(recorded)
}

/// What the reconcile job found and fixed in one facility's system.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Reconciled {
    /// Access still active for visits that are over (checked out, revoked): revoked now.
    pub revoked: Vec<InvitationId>,
    /// What Gatehouse made but has no record of (a provisioning that died half-way, a visit
    /// deleted since): removed.
    pub orphans_removed: Vec<String>,
    /// Door scans read from the system's event log that its webhooks had not brought.
    pub events_backfilled: usize,
}

/// Compares what the facility's system holds for Gatehouse with what Gatehouse expects, and
/// fixes the drift: an access left after its visit ended is revoked (and the visit's history
/// says so), an orphan is removed. Nothing for a facility without a connector.
pub async fn reconcile(
    cloud: &Cloud,
    facility: gatehouse_core::FacilityId,
) -> Result<Reconciled, JobError> {
    let mut fixed = Reconciled::default();
    let Some(connector) = Connector::of(cloud, facility).await? else {
        return Ok(fixed);
    };
    let grants = cloud.database.access_grants_of_facility(facility).await?;
    for held in connector.held().await? {
        let grant = grants
            .iter()
            .find(|grant| grant.vendor_id.as_deref() == Some(held.vendor_id.as_str()));
        let live = match grant {
            Some(grant) if grant.state == "provisioned" => {
                // Provisioned, but is its visit still under way with a live credential?
                cloud
                    .database
                    .live_credential(grant.visit)
                    .await?
                    .is_some_and(|credential| {
                        credential.state == crate::store::CredentialState::Issued
                    })
            }
            _ => false,
        };
        // Made by a provisioning still under way, which records it in a moment.
        let being_made = grant.is_none()
            && grants
                .iter()
                .any(|g| Some(g.visit) == held.visit && g.state == "provisioning");
        if live || being_made {
            continue;
        }
        connector.revoke(&held.vendor_id).await?;
        match grant {
            Some(grant) => {
                let _turn = cloud.invitations.turn().await;
                cloud
                    .database
                    .access_revoked(grant.visit, cloud.clock.now())
                    .await?;
                cloud
                    .database
                    .record_history(
                        grant.visit,
                        "access_reconciled",
                        "access was still active in the building's system after the visit; revoked",
                        cloud.clock.now(),
                    )
                    .await?;
                if held.active {
                    fixed.revoked.push(grant.visit);
                }
            }
            None => fixed.orphans_removed.push(held.vendor_id.clone()),
        }
    }
    if !fixed.revoked.is_empty() || !fixed.orphans_removed.is_empty() {
        tracing::warn!(%facility, revoked = fixed.revoked.len(), orphans = fixed.orphans_removed.len(),
            "reconcile: the access-control system had drifted from Gatehouse; fixed");
    }
    Ok(fixed)
}
