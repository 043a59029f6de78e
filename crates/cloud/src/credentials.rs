//! Door credentials (seed "access control integration": a temporary credential that lives
//! exactly as long as the visit). For an approved invitation the cloud prepares one — what
//! `core::policy` grants under the category's access profile, signed — and kiosks carry it to
//! the badge's QR code; it opens doors only once the visitor has checked in, and never again
//! after check-out, the window's end, the invitation's withdrawal or reception revoking it.
//! [`verify`] is the one check door readers (through the API), the CLI and the cloud make.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use gatehouse_core::{
    Action, Actor, ApprovalStatus, CredentialId, FacilityId, InvitationId, VisitStatus, ZoneId,
    authorize,
    category::RequiredDocument,
    credential::{self, CredentialClaims, CredentialError},
    policy::{self, Credential, Visit},
    wire::KioskCredential,
    zones::ZoneMap,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    Cloud,
    context::SigningKey,
    door_events,
    error::ServiceError,
    site::Site,
    store::{CredentialRecord, CredentialState, InvitationRecord, NewCredential},
};

/// The documents a kiosk takes itself (the NDA signed on its screen, the photo it takes): they
/// never hold a credential back before check-in.
pub const TAKEN_AT_THE_KIOSK: [RequiredDocument; 2] =
    [RequiredDocument::Nda, RequiredDocument::Photo];

/// The invitation's live credential, prepared now under its category's policy if the visit is
/// still to come and has none; a visitor inside whose credential was revoked keeps the revoked
/// one; `None` if it is no approved visit to come or under way.
pub async fn prepared(
    cloud: &Cloud,
    site: &Site,
    record: &InvitationRecord,
    signing: &SigningKey,
) -> Result<Option<CredentialRecord>, ServiceError> {
    if record.approval_status != ApprovalStatus::Approved {
        return Ok(None);
    }
    if let Some(live) = cloud.database.live_credential(record.id).await? {
        return Ok(Some(live));
    }
    match record.visit_status {
        VisitStatus::Expected => {}
        // Revoked while inside: it stays revoked (the kiosk is told); none takes its place.
        VisitStatus::CheckedIn => {
            return Ok(cloud
                .database
                .credentials_of(record.id)
                .await?
                .into_iter()
                .next());
        }
        VisitStatus::CheckedOut | VisitStatus::NoShow | VisitStatus::Expired => return Ok(None),
    }
    let profile = site
        .category(record.occupancy_id, record.category)
        .access_profile;
    let visit = Visit {
        starts_at: record.starts_at,
        ends_at: record.ends_at,
        zones: None,
        escorted: record.escorted,
    };
    let mut handed_in = cloud.database.handed_in(record.id).await?;
    handed_in.extend(TAKEN_AT_THE_KIOSK);
    let (grant, missing) = match policy::credential_for(&profile, &visit, &handed_in) {
        Credential::Active(grant) => (grant, BTreeSet::new()),
        Credential::Waiting { grant, missing } => (grant, missing),
    };
    let id = CredentialId(Uuid::now_v7());
    let claims = CredentialClaims {
        kid: signing.kid,
        credential: id,
        visit: record.id,
        grant,
    };
    let token = credential::sign(&claims, &signing.key).ok_or_else(|| {
        ServiceError::invalid("the visit's credential cannot be signed (too many zones)")
    })?;
    Ok(cloud
        .database
        .prepare_credential(&NewCredential {
            id,
            invitation: record.id,
            facility: record.facility_id,
            kid: signing.kid,
            grant: &claims.grant,
            missing: &missing,
            token: &token,
            at: cloud.clock.now(),
        })
        .await?)
}

/// The credential as a kiosk holds it: its token, and the names of its zones for the badge —
/// those `escorted` (the visitor type's escorted zones) marked.
pub fn for_kiosk(
    credential: &CredentialRecord,
    zone_map: &ZoneMap,
    escorted: &[ZoneId],
) -> KioskCredential {
    let escorted_zones: BTreeSet<ZoneId> = credential
        .grant
        .zones
        .iter()
        .filter(|zone| escorted.contains(zone))
        .copied()
        .collect();
    KioskCredential {
        id: credential.id,
        token: credential.token.clone(),
        zones: zone_names(&credential.grant.zones, zone_map),
        escorted_zones: zone_names(&escorted_zones, zone_map),
        escort: credential.grant.escort,
        missing: credential.missing.iter().copied().collect(),
        revoked: credential.state == CredentialState::Revoked,
    }
}

pub(crate) fn zone_names(zones: &BTreeSet<ZoneId>, zone_map: &ZoneMap) -> Vec<String> {
    zone_map
        .zones
        .iter()
        .filter(|zone| zones.contains(&zone.id))
        .map(|zone| zone.name.clone())
        .collect()
}

/// What a door reader asks: may this credential open this door now?
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The QR code's text: a credential, `GHC2.…`.
    pub token: String,
    /// The door, by its id in the building's access-control system or its name in the zone
    /// map; leave out to ask only whether the credential is valid.
    #[serde(default)]
    pub door: Option<String>,
}

/// Why a credential opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    Malformed,
    UnknownKey,
    BadSignature,
    NotYetValid,
    Expired,
    Revoked,
    /// Signed, but not this cloud's record of that visit's credential.
    NotAVisitCredential,
    /// A credential of another building.
    OtherFacility,
    /// The visitor has not checked in (or handed in what the credential waits for).
    NotIssued,
    /// Valid, but its zones do not include the door's.
    NotThisDoor,
}

impl Refusal {
    fn says(self) -> &'static str {
        match self {
            Self::Malformed => "this is not a Gatehouse credential",
            Self::UnknownKey => "this credential was signed by a key this cloud does not know",
            Self::BadSignature => "this credential has been tampered with or forged",
            Self::NotYetValid => "this credential is not valid yet",
            Self::Expired => "this credential has expired",
            Self::Revoked => "this credential has been revoked",
            Self::NotAVisitCredential => "this credential is not the one its visit was given",
            Self::OtherFacility => "this credential is for another building",
            Self::NotIssued => "this credential is not in use: its visitor has not checked in",
            Self::NotThisDoor => "this credential does not open this door",
        }
    }
}

impl From<CredentialError> for Refusal {
    fn from(error: CredentialError) -> Self {
        match error {
            CredentialError::Malformed => Self::Malformed,
            CredentialError::UnknownKey => Self::UnknownKey,
            CredentialError::BadSignature => Self::BadSignature,
            CredentialError::NotYetValid => Self::NotYetValid,
            CredentialError::Expired => Self::Expired,
            CredentialError::Revoked => Self::Revoked,
        }
    }
}

/// The answer to a door: open or not, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Verification {
    pub granted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// In plain words.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit: Option<InvitationId>,
    /// The zones it opens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<ZoneId>,
    /// It holds zones entered only with the host as escort.
    pub escort: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime<Utc>>,
}

impl Verification {
    fn refused(refusal: Refusal, claims: Option<&CredentialClaims>) -> Self {
        Self {
            granted: false,
            refusal: Some(refusal),
            message: refusal.says().to_owned(),
            credential: claims.map(|claims| claims.credential),
            visit: claims.map(|claims| claims.visit),
            zones: Vec::new(),
            escort: false,
            valid_until: None,
        }
    }
}

/// Checks `request.token` for a door of `facility` (`None`: any building's, for the operator's
/// CLI) at the cloud's now. Bad input (an unknown door) is an error; every other "no" is a
/// refusal with its reason.
pub async fn verify(
    cloud: &Cloud,
    facility: Option<FacilityId>,
    request: &VerifyRequest,
) -> Result<Verification, ServiceError> {
    let verification = decide(cloud, facility, request).await?;
    // A door's check is a door scan of the visit: it goes on the visit's timeline and the
    // muster list, granted or not.
    if let (Some(door), Some(facility), Some(credential)) =
        (&request.door, facility, verification.credential)
    {
        let scan = door_events::Scan {
            event_id: Uuid::now_v7().to_string(),
            door: door.clone(),
            holder: door_events::Holder::Credential(credential),
            granted: verification.granted,
            direction: None,
            at: cloud.clock.now(),
            raw: serde_json::json!({"door": door, "granted": verification.granted,
                "refusal": verification.refusal, "credential": credential})
            .to_string(),
        };
        door_events::record(cloud, facility, "gatehouse", vec![scan]).await?;
    }
    Ok(verification)
}

async fn decide(
    cloud: &Cloud,
    facility: Option<FacilityId>,
    request: &VerifyRequest,
) -> Result<Verification, ServiceError> {
    let now = cloud.clock.now();
    let door_zone = match (&request.door, facility) {
        (Some(door), Some(facility)) => Some(door_zone(cloud, facility, door).await?),
        (Some(_), None) => {
            return Err(ServiceError::invalid(
                "a door is looked up in one building: name the facility",
            ));
        }
        (None, _) => None,
    };
    let key = match credential::key_id(&request.token) {
        Some(kid) => cloud.keys.verifying_key(&cloud.database, kid).await?,
        None => None,
    };
    let claims = match credential::open(&request.token, |_| key) {
        Ok(claims) => claims,
        Err(error) => return Ok(Verification::refused(error.into(), None)),
    };
    let refused = |refusal| Ok(Verification::refused(refusal, Some(&claims)));
    let Some(stored) = cloud.database.credential(claims.credential).await? else {
        return refused(Refusal::NotAVisitCredential);
    };
    if stored.invitation != claims.visit || stored.token != request.token.trim() {
        return refused(Refusal::NotAVisitCredential);
    }
    if facility.is_some_and(|facility| facility != stored.facility) {
        return refused(Refusal::OtherFacility);
    }
    let revoked = stored.state == CredentialState::Revoked;
    if let Err(error) = credential::valid_at(&claims, now, |_| revoked) {
        return refused(error.into());
    }
    if stored.state == CredentialState::Prepared {
        return refused(Refusal::NotIssued);
    }
    if door_zone.is_some_and(|zone| !claims.grant.zones.contains(&zone)) {
        return refused(Refusal::NotThisDoor);
    }
    Ok(Verification {
        granted: true,
        refusal: None,
        message: "valid".to_owned(),
        credential: Some(claims.credential),
        visit: Some(claims.visit),
        zones: claims.grant.zones.iter().copied().collect(),
        escort: claims.grant.escort,
        valid_until: Some(claims.grant.not_after),
    })
}

/// The zone of `facility`'s door `door` (its access-control id or its name).
async fn door_zone(
    cloud: &Cloud,
    facility: FacilityId,
    door: &str,
) -> Result<ZoneId, ServiceError> {
    cloud
        .site(facility)
        .await?
        .zone_map
        .zones
        .iter()
        .find(|zone| {
            zone.doors
                .iter()
                .any(|d| d.external_id.as_deref() == Some(door) || d.name == door)
        })
        .map(|zone| zone.id)
        .ok_or_else(|| {
            ServiceError::invalid(format!(
                "the zone map of this building has no door {door:?}"
            ))
        })
}

/// A visit's credentials as the portal shows them: the newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialView {
    pub id: CredentialId,
    pub state: CredentialState,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub zones: Vec<String>,
    pub escort: bool,
    /// Documents the credential waits for.
    pub missing: Vec<RequiredDocument>,
    pub issued_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

/// The credentials of invitation `id`, for those who see it.
pub async fn of_invitation(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
) -> Result<Vec<CredentialView>, ServiceError> {
    let record = crate::invitations::visible(cloud, actor, id).await?;
    // An approved visit to come has its credential prepared, whether or not a kiosk asked yet.
    let site = cloud.site(record.facility_id).await?;
    prepared(cloud, &site, &record, &cloud.signing_key().await?).await?;
    let map = &site.zone_map;
    Ok(cloud
        .database
        .credentials_of(id)
        .await?
        .into_iter()
        .map(|credential| CredentialView {
            id: credential.id,
            state: credential.state,
            not_before: credential.grant.not_before,
            not_after: credential.grant.not_after,
            zones: zone_names(&credential.grant.zones, map),
            escort: credential.grant.escort,
            missing: credential.missing.iter().copied().collect(),
            issued_at: credential.issued_at,
            revoked_at: credential.revoked_at,
            revoked_reason: credential.revoked_reason,
        })
        .collect())
}

/// Reception revokes the credential a visitor holds (a lost badge, a visitor asked to leave);
/// one not issued yet has nobody to take it from.
pub async fn revoke(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
    reason: &str,
) -> Result<(), ServiceError> {
    let record = crate::invitations::visible(cloud, actor, id).await?;
    authorize(actor, Action::AdmitVisitor(&record.facts()))?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ServiceError::invalid(
            "say why the credential is revoked, in at most 500 characters",
        ));
    }
    let in_use = cloud
        .database
        .live_credential(id)
        .await?
        .is_some_and(|credential| credential.state == CredentialState::Issued);
    if !in_use
        || !cloud
            .database
            .revoke_credential(id, Some(actor.user), reason, cloud.clock.now())
            .await?
    {
        return Err(ServiceError::Conflict(
            "this visit has no credential in use to revoke".into(),
        ));
    }
    Ok(())
}
