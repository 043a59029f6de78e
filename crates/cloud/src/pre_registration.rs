//! Pre-registration (seed "access control integration"): before the visit, the guest — with no
//! account, holding only the signed code from their invitation, which expires with the visit —
//! reads and signs the NDA in their language and hands in what their visitor type requires (a
//! certificate of insurance as a PDF, an ID photo), and sees what is still missing. What is done
//! here the kiosk does not ask again; what is missing holds the credential back.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use gatehouse_core::{
    ApprovalStatus, CategoryKind, Language, VisitStatus, category::RequiredDocument, token,
    wire::NdaTemplate,
};
use gatehouse_paper::{
    self as paper,
    nda::{self, SignedNda},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    Cloud,
    credentials::zone_names,
    error::ServiceError,
    notify::qr_png,
    store::{CredentialState, InvitationRecord},
};

/// What a guest may hand in here; the photo for the badge is taken at the kiosk.
pub const HANDED_IN_ONLINE: [RequiredDocument; 3] = [
    RequiredDocument::Nda,
    RequiredDocument::CertificateOfInsurance,
    RequiredDocument::PhotoId,
];

/// The invitation whose signed code `code` is, if it is still a visit to come or under way. A
/// forged, altered or expired code, or a withdrawn or ended visit, is "not found": it reveals
/// nothing.
async fn invitation_of(cloud: &Cloud, code: &str) -> Result<InvitationRecord, ServiceError> {
    let gone = || ServiceError::NotFound("this link is not valid, or the visit is over".into());
    let keys = cloud.keys.verifying_keys(&cloud.database).await?;
    let now = cloud.clock.now();
    let claims =
        token::verify(code, now.timestamp(), |kid| keys.get(&kid).copied()).map_err(|_| gone())?;
    let record = cloud
        .database
        .invitation(claims.invitation)
        .await?
        .ok_or_else(gone)?;
    let open = record.approval_status == ApprovalStatus::Approved
        && matches!(
            record.visit_status,
            VisitStatus::Expected | VisitStatus::CheckedIn
        )
        && record.ends_at > now;
    if open { Ok(record) } else { Err(gone()) }
}

/// One document the visit asks for, and whether it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DocumentStatus {
    pub document: RequiredDocument,
    pub done: bool,
}

/// The visit as its guest sees it on the pre-registration page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuestVisit {
    pub visitor_name: String,
    pub host_name: String,
    pub facility: String,
    pub category: CategoryKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// What the visit asks for that can be handed in here, and whether it is in.
    pub documents: Vec<DocumentStatus>,
    /// The NDA to read and sign, in the language asked for (or the building's first).
    pub nda: Option<NdaTemplate>,
    /// Once the guest is checked in, their door pass, to show on the phone at a door.
    pub door_pass: Option<DoorPass>,
}

/// The credential a checked-in guest holds, as their phone shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DoorPass {
    /// The credential's QR code: a PNG, as a `data:` URL.
    pub qr_code: String,
    /// The names of the zones it opens.
    pub zones: Vec<String>,
    /// Whether some of them need the host beside the visitor.
    pub escort: bool,
    pub not_after: DateTime<Utc>,
    /// The PIN to type at the building's own keypads, once its access-control system (UniFi
    /// Access, Verkada) holds the visit.
    pub pin: Option<String>,
}

/// The door pass of `record`, if its credential is issued (never one prepared or revoked).
async fn door_pass(
    cloud: &Cloud,
    record: &InvitationRecord,
) -> Result<Option<DoorPass>, ServiceError> {
    let Some(credential) = cloud
        .database
        .live_credential(record.id)
        .await?
        .filter(|credential| credential.state == CredentialState::Issued)
    else {
        return Ok(None);
    };
    let png =
        qr_png(&credential.token).map_err(|error| ServiceError::Corrupt(error.to_string()))?;
    let map = &cloud.site(record.facility_id).await?.zone_map;
    let pin = match cloud
        .database
        .access_grants_of(record.id)
        .await?
        .into_iter()
        .find(|grant| grant.state == "provisioned")
        .and_then(|grant| grant.sealed_pin)
    {
        None => None,
        Some(sealed) => {
            let pin = cloud
                .keys
                .secret()
                .open_bytes(record.id.0.as_bytes(), &sealed)
                .map_err(|_| ServiceError::Corrupt("a door PIN does not open".into()))?;
            Some(String::from_utf8(pin).map_err(|_| ServiceError::Corrupt("a door PIN".into()))?)
        }
    };
    Ok(Some(DoorPass {
        pin,
        qr_code: format!("data:image/png;base64,{}", STANDARD.encode(png)),
        zones: zone_names(&credential.grant.zones, map),
        escort: credential.grant.escort,
        not_after: credential.grant.not_after,
    }))
}

async fn asked_for(
    cloud: &Cloud,
    record: &InvitationRecord,
) -> Result<Vec<DocumentStatus>, ServiceError> {
    let site = cloud.site(record.facility_id).await?;
    let required = site
        .category(record.occupancy_id, record.category)
        .access_profile
        .documents;
    let handed_in = cloud.database.handed_in(record.id).await?;
    Ok(HANDED_IN_ONLINE
        .into_iter()
        .filter(|document| required.contains(document))
        .map(|document| DocumentStatus {
            document,
            done: handed_in.contains(&document),
        })
        .collect())
}

/// The pre-registration page's view of the visit whose code is `code`.
pub async fn visit(
    cloud: &Cloud,
    code: &str,
    language: Option<Language>,
) -> Result<GuestVisit, ServiceError> {
    let record = invitation_of(cloud, code).await?;
    let site = cloud.site(record.facility_id).await?;
    let ndas = cloud.database.current_ndas(record.facility_id).await?;
    let nda = language
        .and_then(|language| ndas.iter().find(|nda| nda.language == language))
        .or_else(|| ndas.first())
        .cloned();
    Ok(GuestVisit {
        documents: asked_for(cloud, &record).await?,
        door_pass: door_pass(cloud, &record).await?,
        visitor_name: record.visitor_name,
        host_name: record.host_name,
        facility: site.facility.name.clone(),
        category: record.category,
        starts_at: record.starts_at,
        ends_at: record.ends_at,
        nda,
    })
}

/// What the guest of invitation `id` has handed in before the visit, and what is still to come,
/// for those who see the invitation (its host, reception, the facility manager).
pub async fn status(
    cloud: &Cloud,
    actor: &gatehouse_core::Actor,
    id: gatehouse_core::InvitationId,
) -> Result<Vec<DocumentStatus>, ServiceError> {
    let record = crate::invitations::visible(cloud, actor, id).await?;
    asked_for(cloud, &record).await
}

/// The guest's signature under the NDA.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NdaSigned {
    /// The version of the text they read (a newer one published meanwhile is refused).
    pub version: u32,
    pub language: Language,
    /// Their full name, as typed.
    pub name: String,
    /// Their signature drawn on the page: a PNG, base64 (a `data:` URL is fine too).
    pub signature: String,
}

/// The guest signs the NDA in their language.
pub async fn sign_nda(cloud: &Cloud, code: &str, signed: &NdaSigned) -> Result<(), ServiceError> {
    let record = invitation_of(cloud, code).await?;
    // Signed once: the signed PDF is the evidence, and nobody holding the link signs it over.
    match asked_for(cloud, &record)
        .await?
        .iter()
        .find(|status| status.document == RequiredDocument::Nda)
    {
        None => return Err(ServiceError::invalid("this visit asks for no NDA")),
        Some(status) if status.done => {
            return Err(ServiceError::Conflict(
                "the NDA for this visit is signed already".into(),
            ));
        }
        Some(_) => {}
    }
    let name = signed.name.trim();
    if name.chars().count() < 2 || name.chars().count() > 120 || name.chars().any(char::is_control)
    {
        return Err(ServiceError::invalid(
            "type your full name, 2 to 120 characters",
        ));
    }
    let encoded = signed
        .signature
        .strip_prefix("data:image/png;base64,")
        .unwrap_or(&signed.signature)
        .trim();
    let png = STANDARD
        .decode(encoded)
        .ok()
        .filter(|png| png.starts_with(b"\x89PNG\r\n\x1a\n"))
        .ok_or_else(|| ServiceError::invalid("the signature is not a base64 PNG"))?;
    let ndas = cloud.database.current_ndas(record.facility_id).await?;
    let nda = ndas
        .iter()
        .find(|nda| nda.language == signed.language)
        .ok_or_else(|| ServiceError::invalid("there is no NDA in that language"))?;
    if nda.version != signed.version {
        return Err(ServiceError::Conflict(
            "a newer NDA was published meanwhile: read it again".into(),
        ));
    }
    let site = cloud.site(record.facility_id).await?;
    let now = cloud.clock.now();
    // The same signed PDF the kiosk makes: the exact text, its version and SHA-256, the typed
    // name, the signature, when — signed on this page instead of at a kiosk.
    let document = SignedNda {
        text: nda.text.clone(),
        version: nda.version,
        sha256: nda.sha256.clone(),
        name: name.to_owned(),
        signature_png: png,
        signed_at: now.with_timezone(&site.facility.time_zone).fixed_offset(),
        kiosk: match signed.language {
            Language::En => "pre-registration page",
            Language::De => "Voranmeldung",
        }
        .to_owned(),
        facility: site.facility.name.clone(),
        language: match signed.language {
            Language::En => paper::badge::Language::En,
            Language::De => paper::badge::Language::De,
        },
    };
    let pdf = tokio::task::spawn_blocking(move || nda::render(&document))
        .await
        .map_err(|error| ServiceError::Corrupt(error.to_string()))?
        .map_err(|error| ServiceError::invalid(error.to_string()))?;
    cloud
        .database
        .hand_in(
            record.id,
            RequiredDocument::Nda,
            "application/pdf",
            &pdf,
            now,
        )
        .await?;
    Ok(())
}

/// The guest hands in `document`: a certificate of insurance as a PDF, an ID photo as a JPEG
/// or PNG — checked by what the bytes are, not by what they are called.
pub async fn hand_in(
    cloud: &Cloud,
    code: &str,
    document: RequiredDocument,
    content: &[u8],
) -> Result<(), ServiceError> {
    let record = invitation_of(cloud, code).await?;
    let content_type = match document {
        RequiredDocument::CertificateOfInsurance if content.starts_with(b"%PDF-") => {
            "application/pdf"
        }
        RequiredDocument::CertificateOfInsurance => {
            return Err(ServiceError::invalid(
                "the certificate of insurance must be a PDF",
            ));
        }
        RequiredDocument::PhotoId if content.starts_with(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        RequiredDocument::PhotoId if content.starts_with(b"\x89PNG\r\n\x1a\n") => "image/png",
        RequiredDocument::PhotoId => {
            return Err(ServiceError::invalid(
                "the ID photo must be a JPEG or PNG picture",
            ));
        }
        RequiredDocument::Nda | RequiredDocument::Photo => {
            return Err(ServiceError::invalid(
                "the NDA is signed on the page; the photo is taken at the kiosk",
            ));
        }
    };
    if !asked_for(cloud, &record)
        .await?
        .iter()
        .any(|status| status.document == document)
    {
        return Err(ServiceError::invalid(
            "this visit does not ask for that document",
        ));
    }
    cloud
        .database
        .hand_in(
            record.id,
            document,
            content_type,
            content,
            cloud.clock.now(),
        )
        .await?;
    Ok(())
}
