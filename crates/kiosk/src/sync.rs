//! Keeping the kiosk and the cloud in step: enroll once, pull the facility's invitations from
//! the change feed (and its directory of hosts and categories, when it changed) into the local
//! store, push what happened here from the outbox, then send each
//! finished visit's documents (signed NDA, photo, unprinted badge) and delete them here. Offline,
//! the kiosk goes on from its store and its outbox waits, retrying with exponential backoff and
//! jitter; every report is sent under its own id, so one that is sent twice counts once.

use std::{path::Path, time::Duration};

use chrono::{DateTime, Utc};
use gatehouse_core::{
    InvitationId,
    wire::{KioskEventBatch, KioskIdentity, VisitDocument},
};
use rand_core::{OsRng, RngCore as _};

use crate::{KioskError, cloud::CloudClient, store::LocalStore};

/// Reports per request (the cloud takes up to 200).
const BATCH: u16 = 100;
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LONGEST_RETRY: Duration = Duration::from_secs(300);

/// How long to wait after `attempts` failed sends: doubling from a second up to five minutes,
/// the second half of each step random, so kiosks that lost the cloud together do not all come
/// back at the same instant.
pub fn retry_delay(attempts: u32, random: u32) -> Duration {
    let step = FIRST_RETRY
        .saturating_mul(2_u32.saturating_pow(attempts.min(16)))
        .min(LONGEST_RETRY);
    let half = step / 2;
    half + half.mul_f64(f64::from(random) / f64::from(u32::MAX))
}

/// Enrolls this kiosk with a code from the cloud, once.
pub async fn enroll(
    cloud: &CloudClient,
    store: &LocalStore,
    code: &str,
) -> Result<KioskIdentity, KioskError> {
    if let Some(enrolled) = store.enrollment().await? {
        return Ok(enrolled.identity);
    }
    let enrolled = cloud.enroll(code).await?;
    store.save_enrollment(&enrolled).await?;
    Ok(enrolled.identity)
}

/// Pulls every change since the last pull into the store, and the directory of hosts and
/// categories if it changed; returns how many invitations came.
pub async fn pull(cloud: &CloudClient, store: &LocalStore) -> Result<usize, KioskError> {
    let token = store.device_token().await?;
    let waiting = store.backlog().await.ok();
    let mut received = 0;
    loop {
        let cursor = store.cursor().await?;
        let page = cloud.changes(&token, cursor.as_deref(), waiting).await?;
        received += page.invitations.len();
        store.apply(&page).await?;
        if !page.more {
            break;
        }
    }
    let held = store.directory().await?.map(|(etag, _)| etag);
    if let Some((etag, directory)) = cloud.directory(&token, held.as_deref()).await? {
        store.save_directory(&etag, &directory).await?;
    }
    Ok(received)
}

/// Pulls what the building's doors know, if it changed since the copy held; either way the copy
/// is current as of `now`.
pub async fn pull_doors(
    cloud: &CloudClient,
    store: &LocalStore,
    now: DateTime<Utc>,
) -> Result<(), KioskError> {
    let token = store.device_token().await?;
    let held = store.doors().await?.map(|(etag, _, _)| etag);
    match cloud.doors(&token, held.as_deref()).await? {
        Some((etag, doors)) => store.save_doors(&etag, &doors, now).await,
        None => store.doors_current_at(now).await,
    }
}

/// Sends what is due from the outbox, a batch at a time; returns how many the cloud took. If the
/// cloud cannot be reached, the batch is due again after its backoff and the error is returned.
pub async fn push(
    cloud: &CloudClient,
    store: &LocalStore,
    now: DateTime<Utc>,
) -> Result<usize, KioskError> {
    let token = store.device_token().await?;
    let mut sent = 0;
    loop {
        let due = store.due(now, BATCH).await?;
        if due.is_empty() {
            return Ok(sent);
        }
        let ids: Vec<_> = due.iter().map(|queued| queued.report.id).collect();
        let batch = KioskEventBatch {
            events: due.iter().map(|queued| queued.report.clone()).collect(),
        };
        match cloud.report(&token, &batch).await {
            Ok(results) => {
                // Whatever the outcome — applied, already done, flagged, refused — the cloud has
                // it now; flags are reception's to handle, not the outbox's to resend.
                let answered: Vec<_> = results.results.iter().map(|result| result.id).collect();
                store.sent(&answered).await?;
                sent += answered.len();
            }
            Err(error) => {
                let attempts = due.iter().map(|queued| queued.attempts).max().unwrap_or(0);
                let delay = retry_delay(attempts, OsRng.next_u32());
                let retry_at =
                    now + chrono::TimeDelta::from_std(delay).unwrap_or(chrono::TimeDelta::MAX);
                store.retry_later(&ids, retry_at).await?;
                return Err(error);
            }
        }
    }
}

/// The files a visit leaves in its folder: the signed NDA, the photo, a badge the kiosk could
/// not print.
pub const SIGNED_NDA: &str = "nda.pdf";
pub const PHOTO: &str = "photo.jpg";
pub const UNPRINTED_BADGE: &str = "badge.pdf";
/// Each of them, and what the cloud calls it.
pub const VISIT_FILES: [(&str, VisitDocument); 3] = [
    (SIGNED_NDA, VisitDocument::SignedNda),
    (PHOTO, VisitDocument::Photo),
    (UNPRINTED_BADGE, VisitDocument::UnprintedBadge),
];
/// Written into a visit's folder once the check-in is recorded and the badge printed: its
/// documents may go.
pub const VISIT_DONE: &str = "checked-in";
/// Written once a kept visit's documents reached the cloud.
pub const VISIT_SENT: &str = "sent";

/// Sends the signed NDAs and photos of finished check-ins whose reports the cloud has, then
/// (unless `keep`) deletes them from this kiosk. Returns how many files went.
pub async fn send_documents(
    cloud: &CloudClient,
    store: &LocalStore,
    visits: &Path,
    keep: bool,
) -> Result<usize, KioskError> {
    let Ok(folders) = std::fs::read_dir(visits) else {
        return Ok(0);
    };
    let token = store.device_token().await?;
    let waiting = store.waiting_invitations().await?;
    let mut sent = 0;
    for folder in folders.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
        let Some(id) = folder
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.parse::<InvitationId>().ok())
        else {
            continue;
        };
        if folder.join(VISIT_SENT).exists() {
            continue;
        }
        if !folder.join(VISIT_DONE).exists() {
            if recorded(store, id).await? {
                // The kiosk stopped between recording the check-in and marking its folder (a
                // power cut while printing): the documents belong to a visit and go.
                write_marker(&folder, VISIT_DONE)?;
            } else {
                // A photo taken by someone who then walked away: not kept beyond an hour.
                if abandoned(&folder) {
                    let _ = std::fs::remove_dir_all(&folder);
                }
                continue;
            }
        }
        if waiting.contains(&id) {
            continue;
        }
        for (file, kind) in VISIT_FILES {
            let path = folder.join(file);
            let Ok(content) = std::fs::read(&path) else {
                continue;
            };
            match cloud.send_document(&token, id, kind, content).await {
                Ok(()) => {
                    sent += 1;
                    if !keep {
                        let _ = std::fs::remove_file(&path);
                    }
                }
                // The cloud will never take this one (it keeps another, or refuses it): set
                // aside beside the visit, for staff, and the visits after it go on.
                Err(KioskError::CloudRefused {
                    status, message, ..
                }) if (400..500).contains(&status) => {
                    tracing::warn!(%id, file, status, %message, "the cloud refused a visit document; set aside");
                    let aside = folder.join(format!("{file}.refused"));
                    std::fs::rename(&path, &aside).map_err(|error| {
                        KioskError::Disk(format!("{}: {error}", aside.display()))
                    })?;
                }
                Err(other) => return Err(other),
            }
        }
        let set_aside = VISIT_FILES
            .iter()
            .any(|(file, _)| folder.join(format!("{file}.refused")).exists());
        if keep || set_aside {
            // Kept on this kiosk, and not sent again.
            write_marker(&folder, VISIT_SENT)?;
        } else {
            let _ = std::fs::remove_file(folder.join(VISIT_DONE));
            let _ = std::fs::remove_dir(&folder);
        }
    }
    Ok(sent)
}

/// Whether the store holds a check-in of `id` (the visit is, or was, under way).
async fn recorded(store: &LocalStore, id: InvitationId) -> Result<bool, KioskError> {
    Ok(store
        .invitation(id)
        .await?
        .is_some_and(|invitation| invitation.visit != gatehouse_core::VisitStatus::Expected))
}

fn write_marker(folder: &Path, marker: &str) -> Result<(), KioskError> {
    std::fs::write(folder.join(marker), b"")
        .map_err(|error| KioskError::Disk(format!("{}: {error}", folder.display())))
}

/// How long an unfinished check-in's files stay.
const ABANDONED_AFTER: Duration = Duration::from_secs(3600);

fn abandoned(folder: &Path) -> bool {
    std::fs::metadata(folder)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|age| age > ABANDONED_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_up_to_five_minutes_with_the_second_half_random() {
        assert_eq!(retry_delay(0, 0), Duration::from_millis(500));
        assert_eq!(retry_delay(0, u32::MAX), Duration::from_secs(1));
        assert_eq!(retry_delay(3, 0), Duration::from_secs(4));
        assert_eq!(retry_delay(3, u32::MAX), Duration::from_secs(8));
        assert_eq!(retry_delay(40, u32::MAX), Duration::from_secs(300));
        assert_eq!(retry_delay(40, 0), Duration::from_secs(150));
    }
}
