//! The JSON shapes that cross between the kiosk and the cloud.

use serde::{Deserialize, Serialize};

/// What `GET /health` answers: the cloud is up and can reach its database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: HealthStatus,
    /// The cloud's release, e.g. `0.1.0`.
    pub version: String,
    /// Which database backs this cloud process.
    pub database: DatabaseKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// Every error the cloud answers with: a stable machine-readable `code` and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// What a kiosk sends once to enroll: the code staff issued, and what to call this kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskEnrollment {
    /// As printed, e.g. `GK-7Q4M-2X9P-KD3W`; case, spaces and dashes do not matter.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[ \\t\\n\\u000B\\f\\r\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000-]*[Gg][ \\t\\n\\u000B\\f\\r\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000-]*[Kk]([ \\t\\n\\u000B\\f\\r\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000-]*[2-9A-HJKMNP-Za-hjkmnp-z]){12}[ \\t\\n\\u000B\\f\\r\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000-]*$"
        )
    )]
    pub code: String,
}

/// Which kiosk this is, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskIdentity {
    pub kiosk: crate::KioskId,
    pub name: String,
    pub facility: crate::FacilityId,
    pub facility_name: String,
    /// IANA time zone of the facility, e.g. `Europe/Berlin`.
    pub time_zone: String,
}

/// What an enrolled kiosk keeps: who it is, and the device token it sends from now on (shown
/// once; the cloud keeps only its hash).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolledKiosk {
    #[serde(flatten)]
    pub identity: KioskIdentity,
    pub token: String,
}

/// The device token is a secret: logs and panics show only that there is one.
impl std::fmt::Debug for EnrolledKiosk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolledKiosk")
            .field("identity", &self.identity)
            .field("token", &"(secret)")
            .finish()
    }
}

/// An enrollment code as issued: good once, until it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskCode {
    pub code: String,
    /// The name the kiosk will have.
    pub name: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// An invitation as a kiosk holds it: enough to greet, check in and badge the visitor; not their
/// email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskInvitation {
    pub id: crate::InvitationId,
    pub host: crate::UserId,
    pub host_name: String,
    pub category: crate::CategoryKind,
    pub visitor_name: String,
    pub visitor_company: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub ends_at: chrono::DateTime<chrono::Utc>,
    pub approval: crate::ApprovalStatus,
    pub visit: crate::VisitStatus,
    /// What the visitor must provide at check-in (from the category's access profile).
    #[serde(default)]
    pub documents: Vec<crate::category::RequiredDocument>,
    /// The signed invitation code from the guest's email; the badge carries it as the visit's
    /// check-out code.
    pub token: String,
    /// [`crate::proof::email_proof`] of the visitor's address: a visitor without their QR code
    /// proves the invitation is theirs by typing the address.
    #[serde(default)]
    pub email_proof: String,
    /// A walk-in waiting for their host (or reception) to say they are expected.
    #[serde(default)]
    pub awaiting_host: bool,
    /// Screening matched the visitor with the watchlist: the kiosk sends them to reception and
    /// says nothing more.
    #[serde(default)]
    pub held: bool,
    /// When the visitor last checked in, if they have: the muster list says since when.
    #[serde(default)]
    pub checked_in_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The visit's door credential, for the badge's QR code: absent while the invitation is not
    /// approved.
    #[serde(default)]
    pub credential: Option<KioskCredential>,
}

/// A visit's door credential as a kiosk holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskCredential {
    pub id: crate::CredentialId,
    /// The signed credential (`GHC2.…`), as the badge's QR code carries it.
    pub token: String,
    /// The names of the zones it opens, for the badge.
    pub zones: Vec<String>,
    /// Of those, the zones entered only with the host as escort (marked on the badge).
    #[serde(default)]
    pub escorted_zones: Vec<String>,
    /// It holds zones entered only with the host as escort.
    pub escort: bool,
    /// Documents the visitor must hand in before it opens anything; the kiosk cannot take
    /// them, so the visitor sees reception.
    #[serde(default)]
    pub missing: Vec<crate::category::RequiredDocument>,
    #[serde(default)]
    pub revoked: bool,
}

/// A public key credentials are verified with, offline at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyingKey {
    pub kid: u32,
    /// The Ed25519 public key, 32 bytes in unpadded base64url.
    pub key: String,
}

/// The facility's current non-disclosure agreement in one language, as visitors sign it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NdaTemplate {
    /// Counts up from 1 each time the facility publishes a new text, in any language.
    pub version: u32,
    /// The language of the text; visitors sign the one in theirs.
    #[serde(default)]
    pub language: crate::Language,
    pub text: String,
    /// SHA-256 of `text` as UTF-8, in hex: the signed PDF names the exact text signed.
    pub sha256: String,
}

/// A document of a visit, sent by the kiosk that took it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitDocument {
    /// The signed NDA, a PDF.
    SignedNda,
    /// The photo on the badge, a JPEG.
    Photo,
    /// A badge the kiosk could not print, a PDF: reception prints it.
    UnprintedBadge,
}

impl VisitDocument {
    pub const ALL: [Self; 3] = [Self::SignedNda, Self::Photo, Self::UnprintedBadge];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedNda => "signed_nda",
            Self::Photo => "photo",
            Self::UnprintedBadge => "unprinted_badge",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::SignedNda | Self::UnprintedBadge => "application/pdf",
            Self::Photo => "image/jpeg",
        }
    }

    /// Whether `content` starts the way this kind of file does.
    pub fn looks_like(self, content: &[u8]) -> bool {
        match self {
            Self::SignedNda | Self::UnprintedBadge => content.starts_with(b"%PDF-"),
            Self::Photo => content.starts_with(&[0xFF, 0xD8, 0xFF]),
        }
    }
}

/// The kiosk sent this visitor to reception: their invitation still waits for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskReceptionRequest {
    pub invitation: crate::InvitationId,
}

/// Someone a visitor without an invitation may ask for at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskHost {
    pub id: crate::UserId,
    pub name: String,
    /// The organisation (occupancy) they work for.
    pub organisation: String,
}

/// What a kiosk keeps so that a visitor without an invitation can register: the people they may
/// ask for and the categories they may choose. Pulled whole, and only when it changed (its
/// `ETag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskDirectory {
    /// Everyone a visitor may ask for, by name.
    pub hosts: Vec<KioskHost>,
    /// The categories the facility has enabled.
    pub categories: Vec<crate::CategoryKind>,
}

/// What the building's doors and its access-control system know of the kiosk's facility, for
/// reception and its muster list: pulled every sync round (`ETag`), so that both go on from the
/// last copy when the cloud cannot be reached, saying how old it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskDoors {
    /// Where each of today's visits stands in the building's access-control system.
    pub access: Vec<KioskAccess>,
    /// Where a door last saw each visitor checked in.
    pub visitors: Vec<KioskVisitorSeen>,
    /// The building's own people a door saw today and not leave, as its system reports them.
    pub staff: Vec<KioskStaffSeen>,
}

/// A visit's access in the building's access-control system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskAccess {
    pub invitation: crate::InvitationId,
    /// `unifi`, `verkada` or `webhook`.
    pub system: String,
    pub state: AccessState,
    /// Why the last attempt failed, in the system's words.
    pub problem: Option<String>,
}

/// Where a visit's access in the building's system stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessState {
    /// Waiting to reach the system; the badge's own credential works meanwhile.
    Provisioning,
    Provisioned,
    Revoking,
    Revoked,
}

impl AccessState {
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "provisioning" => Some(Self::Provisioning),
            "provisioned" => Some(Self::Provisioned),
            "revoking" => Some(Self::Revoking),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// Where a door last saw a visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskVisitorSeen {
    pub invitation: crate::InvitationId,
    pub last_door: LastDoor,
}

/// One of the building's own people a door saw today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskStaffSeen {
    pub name: String,
    pub last_door: LastDoor,
}

/// The last door that saw someone: which, in which zone, when, and whether it let them through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LastDoor {
    pub door: String,
    /// The door's zone: its id in the zone map, and its name.
    pub zone: Option<String>,
    pub zone_name: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub granted: bool,
    pub direction: Option<Direction>,
}

/// Which way through the door, where the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "in" => Some(Self::In),
            "out" => Some(Self::Out),
            _ => None,
        }
    }
}

/// What a visitor without an invitation tells the kiosk; the cloud makes it an invitation under
/// the same rules as any other (the category may need approval).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskWalkIn {
    pub host: crate::UserId,
    pub category: crate::CategoryKind,
    pub visitor_name: String,
    #[serde(default)]
    pub visitor_company: Option<String>,
    pub visitor_email: String,
}

/// One page of what changed for a kiosk's facility since its cursor. Ask again with `cursor`;
/// while `more` is true there is another page right away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskChanges {
    pub invitations: Vec<KioskInvitation>,
    /// The NDA visitors sign here now, one per language the facility has published it in.
    pub ndas: Vec<NdaTemplate>,
    /// Every key the cloud's credentials may be signed with.
    #[serde(default)]
    pub keys: Vec<VerifyingKey>,
    /// Opaque: send it back as `after`.
    pub cursor: String,
    pub more: bool,
}

/// A batch of what happened at a kiosk, oldest first; at most 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskEventBatch {
    pub events: Vec<KioskEventReport>,
}

/// One thing that happened at a kiosk, under the id the kiosk gave it (UUIDv7) when it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskEventReport {
    pub id: uuid::Uuid,
    pub invitation: crate::InvitationId,
    pub kind: crate::visit::VisitEvent,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The person of reception who did it on the visitor's behalf at the kiosk (admitted them,
    /// checked them out); absent when the visitor did it themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<crate::UserId>,
}

/// What the cloud made of each report, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskEventResults {
    pub results: Vec<KioskEventResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskEventResult {
    pub id: uuid::Uuid,
    pub outcome: EventOutcome,
    /// The visit's state after the report, when it changed it.
    pub visit: Option<crate::VisitStatus>,
    /// Why it was flagged or refused.
    pub reason: Option<String>,
    /// This report had arrived before; this is what it did then.
    pub duplicate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventOutcome {
    Applied,
    AlreadyDone,
    /// Recorded, and reception is told: the invitation no longer allowed it.
    Flagged,
    Refused,
}

impl EventOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::AlreadyDone => "already_done",
            Self::Flagged => "flagged",
            Self::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Applied,
            Self::AlreadyDone,
            Self::Flagged,
            Self::Refused,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_uses_snake_case_words_on_the_wire() {
        let health = Health {
            status: HealthStatus::Ok,
            version: "0.1.0".into(),
            database: DatabaseKind::Postgres,
        };
        let json = serde_json::to_value(&health).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "ok", "version": "0.1.0", "database": "postgres"})
        );
        assert_eq!(serde_json::from_value::<Health>(json).unwrap(), health);
    }

    #[test]
    fn error_body_rejects_a_missing_code() {
        let err = serde_json::from_str::<ErrorBody>(r#"{"message":"no"}"#).unwrap_err();
        assert!(err.to_string().contains("code"), "{err}");
    }
}

#[cfg(test)]
mod secrets {
    use super::*;

    #[test]
    fn an_enrolled_kiosks_token_is_not_shown_in_debug() {
        let enrolled = EnrolledKiosk {
            identity: KioskIdentity {
                kiosk: uuid::Uuid::now_v7().into(),
                name: "Lobby".into(),
                facility: uuid::Uuid::now_v7().into(),
                facility_name: "Harbour Point".into(),
                time_zone: "Europe/Berlin".into(),
            },
            token: "ghk_s3cr3t".into(),
        };
        let shown = format!("{enrolled:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("Lobby"), "{shown}");
    }
}
