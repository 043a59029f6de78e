//! Which doors a visit opens, and when (seed "access control integration": visitor types as
//! executable policy). One pure function, [`credential_for`], decides from a visitor type's
//! policy (its category's access profile and the zones it may reach), the visit and the
//! documents the visitor has handed in what credential the visit gets; the cloud, the kiosk and
//! the badge only carry its answer out.

use std::collections::BTreeSet;

use crate::{
    ZoneId,
    category::{AccessProfile, RequiredDocument},
};
use chrono::{DateTime, TimeDelta, Utc};

/// The most minutes before a visit its doors may open.
pub const MOST_EARLY_ACCESS_MINUTES: u32 = 120;

impl AccessProfile {
    /// The facility's profile narrowed by an occupancy's: fewer zones, more of them escorted, a
    /// shorter longest visit, more documents, less early access. An occupancy never widens it.
    #[must_use]
    pub fn narrowed_by(&self, occupancy: &Self) -> Self {
        let zones: Vec<ZoneId> = self
            .zones
            .iter()
            .filter(|zone| occupancy.zones.contains(zone))
            .copied()
            .collect();
        let escorted_zones = zones
            .iter()
            .filter(|zone| {
                self.escorted_zones.contains(zone) || occupancy.escorted_zones.contains(zone)
            })
            .copied()
            .collect();
        let longest_visit_minutes =
            match (self.longest_visit_minutes, occupancy.longest_visit_minutes) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        let mut documents = self.documents.clone();
        for document in &occupancy.documents {
            if !documents.contains(document) {
                documents.push(*document);
            }
        }
        Self {
            longest_visit_minutes,
            documents,
            walk_ins_unconfirmed: self.walk_ins_unconfirmed && occupancy.walk_ins_unconfirmed,
            zones,
            escorted_zones,
            early_access_minutes: self
                .early_access_minutes
                .min(occupancy.early_access_minutes),
        }
    }
}

/// The visit as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The zones the visit is to (a meeting room's zone, a floor); `None` asks for all the
    /// profile allows.
    pub zones: Option<BTreeSet<ZoneId>>,
    /// The host escorts the visitor: escorted zones are granted too.
    pub escorted: bool,
}

/// What a visit's credential opens, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub zones: BTreeSet<ZoneId>,
    /// The credential holds escorted zones, valid only with the escort.
    pub escort: bool,
}

/// The policy's answer for a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// The credential opens `grant`'s doors in its window.
    Active(Grant),
    /// The credential exists but opens nothing until these documents are in.
    Waiting {
        grant: Grant,
        missing: BTreeSet<RequiredDocument>,
    },
}

/// The credential `visit` gets under `profile` with the documents in `handed_in`: its window
/// the visit's, opening the profile's early access before it (at most
/// [`MOST_EARLY_ACCESS_MINUTES`]) and never longer than the longest visit from then; its zones
/// those asked for that the profile allows, escorted ones only for an escorted visit; active
/// once every required document is in.
pub fn credential_for(
    profile: &AccessProfile,
    visit: &Visit,
    handed_in: &BTreeSet<RequiredDocument>,
) -> Credential {
    let early = profile.early_access_minutes.min(MOST_EARLY_ACCESS_MINUTES);
    let not_before = visit.starts_at - TimeDelta::minutes(i64::from(early));
    let not_after = profile
        .longest_visit_minutes
        .map_or(visit.ends_at, |minutes| {
            visit
                .ends_at
                .min(not_before + TimeDelta::minutes(i64::from(minutes)))
        });
    let asked: BTreeSet<ZoneId> = match &visit.zones {
        Some(asked) => asked
            .iter()
            .filter(|zone| profile.zones.contains(zone))
            .copied()
            .collect(),
        None => profile.zones.iter().copied().collect(),
    };
    let zones: BTreeSet<ZoneId> = asked
        .into_iter()
        .filter(|zone| visit.escorted || !profile.escorted_zones.contains(zone))
        .collect();
    let escort = zones
        .iter()
        .any(|zone| profile.escorted_zones.contains(zone));
    let grant = Grant {
        not_before,
        not_after: not_after.max(not_before),
        zones,
        escort,
    };
    let missing: BTreeSet<RequiredDocument> = profile
        .documents
        .iter()
        .filter(|document| !handed_in.contains(document))
        .copied()
        .collect();
    if missing.is_empty() {
        Credential::Active(grant)
    } else {
        Credential::Waiting { grant, missing }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use uuid::Uuid;

    use super::*;

    fn zone(n: u128) -> ZoneId {
        ZoneId(Uuid::from_u128(n))
    }

    const LOBBY: u128 = 1;
    const HR_FLOOR: u128 = 2;
    const SERVICE_CORRIDOR: u128 = 3;
    const FREIGHT_ELEVATOR: u128 = 4;
    const OPEN_OFFICE: u128 = 5;
    const SERVER_ROOM: u128 = 6;
    const GUEST_DESK: u128 = 7;

    fn zones(ids: &[u128]) -> BTreeSet<ZoneId> {
        ids.iter().map(|&n| zone(n)).collect()
    }

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, hour, minute, 0).unwrap()
    }

    fn list(ids: &[u128]) -> Vec<ZoneId> {
        ids.iter().map(|&n| zone(n)).collect()
    }

    fn policy(allowed: &[u128], hours: u32) -> AccessProfile {
        AccessProfile {
            longest_visit_minutes: Some(hours * 60),
            zones: list(allowed),
            ..AccessProfile::default()
        }
    }

    fn early(mut policy: AccessProfile, minutes: u32) -> AccessProfile {
        policy.early_access_minutes = minutes;
        policy
    }

    fn escorted(mut policy: AccessProfile, ids: &[u128]) -> AccessProfile {
        policy.escorted_zones = list(ids);
        policy
    }

    fn documents(mut policy: AccessProfile, documents: &[RequiredDocument]) -> AccessProfile {
        policy.documents = documents.to_vec();
        policy
    }

    fn visit(from: DateTime<Utc>, until: DateTime<Utc>) -> Visit {
        Visit {
            starts_at: from,
            ends_at: until,
            zones: None,
            escorted: false,
        }
    }

    fn granted(credential: &Credential) -> &Grant {
        match credential {
            Credential::Active(grant) | Credential::Waiting { grant, .. } => grant,
        }
    }

    #[test]
    fn contractor_window_capped_at_8h() {
        let contractor = early(policy(&[LOBBY, SERVICE_CORRIDOR, FREIGHT_ELEVATOR], 8), 15);
        // Invited from 7:00 to 18:00: the doors open at 6:45 and close 8 hours later.
        let credential = credential_for(&contractor, &visit(at(7, 0), at(18, 0)), &BTreeSet::new());
        let Credential::Active(grant) = credential else {
            panic!("{credential:?}");
        };
        assert_eq!((grant.not_before, grant.not_after), (at(6, 45), at(14, 45)));
        assert_eq!(
            grant.zones,
            zones(&[LOBBY, SERVICE_CORRIDOR, FREIGHT_ELEVATOR])
        );
        // A short visit keeps its own end.
        let short = credential_for(&contractor, &visit(at(9, 0), at(11, 0)), &BTreeSet::new());
        assert_eq!(granted(&short).not_after, at(11, 0));
    }

    #[test]
    fn interview_candidate_gets_lobby_and_hr_floor_only() {
        let candidate = policy(&[LOBBY, HR_FLOOR], 3);
        let asking_for_more = Visit {
            zones: Some(zones(&[LOBBY, HR_FLOOR, OPEN_OFFICE, SERVER_ROOM])),
            ..visit(at(10, 0), at(11, 30))
        };
        let credential = credential_for(&candidate, &asking_for_more, &BTreeSet::new());
        assert_eq!(granted(&credential).zones, zones(&[LOBBY, HR_FLOOR]));
        let client = policy(&[LOBBY, GUEST_DESK], 8);
        let credential = credential_for(&client, &visit(at(10, 0), at(12, 0)), &BTreeSet::new());
        assert_eq!(granted(&credential).zones, zones(&[LOBBY, GUEST_DESK]));
    }

    #[test]
    fn vendor_needs_coi_before_credential_activates() {
        let vendor = documents(
            policy(&[LOBBY, SERVICE_CORRIDOR], 8),
            &[
                RequiredDocument::Nda,
                RequiredDocument::CertificateOfInsurance,
            ],
        );
        let the_visit = visit(at(9, 0), at(12, 0));
        let only_nda = credential_for(&vendor, &the_visit, &[RequiredDocument::Nda].into());
        assert!(
            matches!(&only_nda, Credential::Waiting { missing, .. } if *missing == [RequiredDocument::CertificateOfInsurance].into()),
            "{only_nda:?}"
        );
        let both = credential_for(
            &vendor,
            &the_visit,
            &[
                RequiredDocument::Nda,
                RequiredDocument::CertificateOfInsurance,
            ]
            .into(),
        );
        assert!(matches!(both, Credential::Active(_)), "{both:?}");
    }

    #[test]
    fn escort_zone_not_on_unescorted_credential() {
        let auditor = escorted(
            policy(&[LOBBY, OPEN_OFFICE, SERVER_ROOM], 8),
            &[SERVER_ROOM],
        );
        let alone = credential_for(&auditor, &visit(at(9, 0), at(12, 0)), &BTreeSet::new());
        assert_eq!(granted(&alone).zones, zones(&[LOBBY, OPEN_OFFICE]));
        assert!(!granted(&alone).escort);
        let escorted = Visit {
            escorted: true,
            ..visit(at(9, 0), at(12, 0))
        };
        let with_host = credential_for(&auditor, &escorted, &BTreeSet::new());
        assert_eq!(
            granted(&with_host).zones,
            zones(&[LOBBY, OPEN_OFFICE, SERVER_ROOM])
        );
        assert!(granted(&with_host).escort);
    }

    #[test]
    fn an_occupancy_narrows_the_facility_s_policy_and_never_widens_it() {
        let facility = early(
            escorted(
                policy(&[LOBBY, OPEN_OFFICE, SERVER_ROOM], 8),
                &[SERVER_ROOM],
            ),
            15,
        );
        let tenant = documents(
            early(
                escorted(policy(&[LOBBY, OPEN_OFFICE, HR_FLOOR], 4), &[OPEN_OFFICE]),
                30,
            ),
            &[RequiredDocument::PhotoId],
        );
        let narrowed = facility.narrowed_by(&tenant);
        assert_eq!(narrowed.zones, list(&[LOBBY, OPEN_OFFICE]));
        assert_eq!(narrowed.escorted_zones, list(&[OPEN_OFFICE]));
        assert_eq!(narrowed.longest_visit_minutes, Some(240));
        assert_eq!(narrowed.early_access_minutes, 15);
        assert_eq!(narrowed.documents, [RequiredDocument::PhotoId]);
    }

    #[test]
    fn a_visit_that_ends_before_it_starts_opens_nothing_for_no_time() {
        let credential = credential_for(
            &policy(&[LOBBY], 8),
            &visit(at(12, 0), at(9, 0)),
            &BTreeSet::new(),
        );
        let grant = granted(&credential);
        assert_eq!(grant.not_before, grant.not_after);
    }
}
