//! Which doors a visit opens, and when (seed "access control integration": visitor types as
//! executable policy). One pure function, [`credential_for`], decides from a visitor type's
//! access profile, the visit and the documents the visitor has handed in what credential the
//! visit gets; the cloud, the kiosk and the badge only carry its answer out.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::ZoneId;

/// How closely a zone is guarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityLevel {
    /// The lobby, the café, reception.
    Public,
    /// Open offices, standard meeting rooms.
    General,
    /// Server rooms, executive offices, labs.
    Secure,
}

/// What a visitor hands in before their credential opens anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// The signed non-disclosure agreement.
    Nda,
    /// A vendor's certificate of insurance.
    CertificateOfInsurance,
    /// A photo of an identity document.
    Id,
}

/// A visitor type's access: where it may go, for how long at most, where only with an escort,
/// what it must hand in first, and how early before the visit the doors open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessProfile {
    pub zones: BTreeSet<ZoneId>,
    /// Of `zones`, those a visitor of this type enters only with their escort.
    pub escorted: BTreeSet<ZoneId>,
    /// The longest a credential of this type is valid, however long the visit.
    pub longest: TimeDelta,
    pub documents: BTreeSet<Document>,
    /// How long before the visit's start the credential already opens doors.
    pub early: TimeDelta,
}

impl AccessProfile {
    /// This profile narrowed by an occupancy's own: fewer zones, more escorted zones, a shorter
    /// window, more documents, less early access. An occupancy never widens the facility's
    /// policy.
    #[must_use]
    pub fn narrowed_by(&self, occupancy: &Self) -> Self {
        let zones: BTreeSet<ZoneId> = self.zones.intersection(&occupancy.zones).copied().collect();
        Self {
            escorted: self
                .escorted
                .union(&occupancy.escorted)
                .filter(|zone| zones.contains(zone))
                .copied()
                .collect(),
            zones,
            longest: self.longest.min(occupancy.longest),
            documents: self
                .documents
                .union(&occupancy.documents)
                .copied()
                .collect(),
            early: self.early.min(occupancy.early),
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
        missing: BTreeSet<Document>,
    },
}

/// The credential `visit` gets under `profile` with the documents in `handed_in`: its window
/// the visit's, opening `early` before it and never longer than `longest` from then; its zones
/// those asked for that the profile allows, escorted ones only for an escorted visit; active once
/// every required document is in.
pub fn credential_for(
    profile: &AccessProfile,
    visit: &Visit,
    handed_in: &BTreeSet<Document>,
) -> Credential {
    let not_before = visit.starts_at - profile.early.max(TimeDelta::zero());
    let not_after = visit
        .ends_at
        .min(not_before + profile.longest.max(TimeDelta::zero()));
    let asked = visit.zones.as_ref().unwrap_or(&profile.zones);
    let zones: BTreeSet<ZoneId> = asked
        .iter()
        .filter(|zone| profile.zones.contains(zone))
        .filter(|zone| visit.escorted || !profile.escorted.contains(zone))
        .copied()
        .collect();
    let escort = zones.iter().any(|zone| profile.escorted.contains(zone));
    let grant = Grant {
        not_before,
        not_after: not_after.max(not_before),
        zones,
        escort,
    };
    let missing: BTreeSet<Document> = profile.documents.difference(handed_in).copied().collect();
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

    fn profile(allowed: &[u128], hours: i64) -> AccessProfile {
        AccessProfile {
            zones: zones(allowed),
            escorted: BTreeSet::new(),
            longest: TimeDelta::hours(hours),
            documents: BTreeSet::new(),
            early: TimeDelta::zero(),
        }
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
        let contractor = AccessProfile {
            early: TimeDelta::minutes(15),
            ..profile(&[LOBBY, SERVICE_CORRIDOR, FREIGHT_ELEVATOR], 8)
        };
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
        let candidate = profile(&[LOBBY, HR_FLOOR], 3);
        let asking_for_more = Visit {
            zones: Some(zones(&[LOBBY, HR_FLOOR, OPEN_OFFICE, SERVER_ROOM])),
            ..visit(at(10, 0), at(11, 30))
        };
        let credential = credential_for(&candidate, &asking_for_more, &BTreeSet::new());
        assert_eq!(granted(&credential).zones, zones(&[LOBBY, HR_FLOOR]));
        let client = profile(&[LOBBY, GUEST_DESK], 8);
        let credential = credential_for(&client, &visit(at(10, 0), at(12, 0)), &BTreeSet::new());
        assert_eq!(granted(&credential).zones, zones(&[LOBBY, GUEST_DESK]));
    }

    #[test]
    fn vendor_needs_coi_before_credential_activates() {
        let vendor = AccessProfile {
            documents: [Document::Nda, Document::CertificateOfInsurance].into(),
            ..profile(&[LOBBY, SERVICE_CORRIDOR], 8)
        };
        let the_visit = visit(at(9, 0), at(12, 0));
        let only_nda = credential_for(&vendor, &the_visit, &[Document::Nda].into());
        assert!(
            matches!(&only_nda, Credential::Waiting { missing, .. } if *missing == [Document::CertificateOfInsurance].into()),
            "{only_nda:?}"
        );
        let both = credential_for(
            &vendor,
            &the_visit,
            &[Document::Nda, Document::CertificateOfInsurance].into(),
        );
        assert!(matches!(both, Credential::Active(_)), "{both:?}");
    }

    #[test]
    fn escort_zone_not_on_unescorted_credential() {
        let auditor = AccessProfile {
            escorted: zones(&[SERVER_ROOM]),
            ..profile(&[LOBBY, OPEN_OFFICE, SERVER_ROOM], 8)
        };
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
        let facility = AccessProfile {
            escorted: zones(&[SERVER_ROOM]),
            early: TimeDelta::minutes(15),
            ..profile(&[LOBBY, OPEN_OFFICE, SERVER_ROOM], 8)
        };
        let tenant = AccessProfile {
            documents: [Document::Id].into(),
            escorted: zones(&[OPEN_OFFICE]),
            early: TimeDelta::minutes(30),
            ..profile(&[LOBBY, OPEN_OFFICE, HR_FLOOR], 4)
        };
        let narrowed = facility.narrowed_by(&tenant);
        assert_eq!(narrowed.zones, zones(&[LOBBY, OPEN_OFFICE]));
        assert_eq!(narrowed.escorted, zones(&[OPEN_OFFICE]));
        assert_eq!(narrowed.longest, TimeDelta::hours(4));
        assert_eq!(narrowed.early, TimeDelta::minutes(15));
        assert_eq!(narrowed.documents, [Document::Id].into());
    }

    #[test]
    fn a_visit_that_ends_before_it_starts_opens_nothing_for_no_time() {
        let credential = credential_for(
            &profile(&[LOBBY], 8),
            &visit(at(12, 0), at(9, 0)),
            &BTreeSet::new(),
        );
        let grant = granted(&credential);
        assert_eq!(grant.not_before, grant.not_after);
    }
}
