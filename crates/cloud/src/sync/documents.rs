//! The documents of a visit: the kiosk sends the signed NDA and the photo once the visit is
//! recorded (and then deletes its copy), or a badge it could not print; staff who may see the
//! invitation read them.

use gatehouse_core::{Actor, InvitationId, category::RequiredDocument, wire::VisitDocument};

use crate::{
    context::Cloud,
    error::ServiceError,
    invitations,
    store::{BADGE_NOT_PRINTED, Kiosk, Stored},
};

/// Stores a visit's document sent by `kiosk`; an unprinted badge also puts the visitor on
/// reception's Lobby page. A signed NDA or photo is kept once: sent again it changes nothing,
/// and a different one (another kiosk's, a forgery with a stolen device token) is refused with
/// 409 and recorded in the invitation's history.
pub async fn send(
    cloud: &Cloud,
    kiosk: &Kiosk,
    invitation: InvitationId,
    kind: VisitDocument,
    content: &[u8],
) -> Result<(), ServiceError> {
    let here = cloud
        .database
        .invitation(invitation)
        .await?
        .is_some_and(|record| record.facility_id == kiosk.facility);
    if !here {
        return Err(ServiceError::NotFound(format!(
            "there is no invitation {invitation} in this kiosk's facility"
        )));
    }
    if !kind.looks_like(content) {
        return Err(ServiceError::invalid(format!(
            "a {} must be sent as {}",
            kind.as_str(),
            kind.content_type()
        )));
    }
    let now = cloud.clock.now();
    let stored = cloud
        .database
        .store_visit_document(invitation, kind, content, kiosk.id, now)
        .await?;
    if stored == Stored::Refused {
        tracing::warn!(%invitation, kiosk = %kiosk.id, kind = kind.as_str(), "refused a second visit document");
        return Err(ServiceError::Conflict(format!(
            "this visit's {} is kept already; a different one is refused",
            kind.as_str()
        )));
    }
    if kind == VisitDocument::UnprintedBadge {
        cloud
            .database
            .ask_reception(kiosk.id, invitation, BADGE_NOT_PRINTED, now)
            .await?;
    }
    Ok(())
}

/// A visit's document, for anyone who may see the invitation.
pub async fn read(
    cloud: &Cloud,
    actor: &Actor,
    id: InvitationId,
    kind: VisitDocument,
) -> Result<Vec<u8>, ServiceError> {
    invitations::visible(cloud, actor, id).await?;
    let kept = match cloud.database.visit_document(id, kind).await? {
        // Signed on the guest's pre-registration page rather than at a kiosk.
        None if kind == VisitDocument::SignedNda => {
            cloud
                .database
                .guest_document(id, RequiredDocument::Nda)
                .await?
        }
        kept => kept,
    };
    kept.ok_or_else(|| ServiceError::NotFound(format!("invitation {id} has no {}", kind.as_str())))
}
