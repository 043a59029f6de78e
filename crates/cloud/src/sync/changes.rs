//! The change feed a kiosk pulls: its facility's invitations in the order they last changed,
//! after a cursor, each with its signed code and the documents its category asks for.

use chrono::TimeDelta;
use gatehouse_core::{
    category::RequiredDocument,
    wire::{KioskChanges, KioskInvitation},
};

use crate::{
    context::{Cloud, SigningKey},
    error::ServiceError,
    invitations::guest_token,
    store::{ChangeCursor, InvitationRecord, Kiosk},
};

/// The most invitations one page may carry, and how many it carries if the kiosk does not say.
pub const LARGEST_PAGE: u16 = 1000;
pub const DEFAULT_PAGE: u16 = 500;

/// The page of changes for `kiosk` after `after` (a cursor this feed gave out; `None` for
/// everything). Visits over for a day or more are left out.
pub async fn page(
    cloud: &Cloud,
    kiosk: &Kiosk,
    after: Option<&str>,
    limit: Option<u16>,
) -> Result<KioskChanges, ServiceError> {
    let after = match after {
        None => ChangeCursor::START,
        Some(text) => ChangeCursor::parse(text).ok_or_else(|| {
            ServiceError::Malformed("after is not a cursor this API gave out".into())
        })?,
    };
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=LARGEST_PAGE).contains(&limit) {
        return Err(ServiceError::Malformed(format!(
            "limit must be between 1 and {LARGEST_PAGE}"
        )));
    }
    let ends_after = cloud.clock.now() - TimeDelta::days(1);
    let facility = kiosk.facility;
    let page = cloud
        .database
        .invitation_changes(facility, after, ends_after, limit)
        .await?;
    let categories = cloud.database.categories(facility).await?;
    let documents = |kind| {
        categories
            .iter()
            .find(|category| category.kind == kind)
            .map(|category| category.access_profile.documents.clone())
            .unwrap_or_default()
    };
    let signing = cloud.signing_key().await?;
    Ok(KioskChanges {
        invitations: page
            .invitations
            .into_iter()
            .map(|i| {
                let documents = documents(i.category);
                kiosk_invitation(i, documents, signing)
            })
            .collect(),
        ndas: cloud.database.current_ndas(facility).await?,
        cursor: page.cursor.encode(),
        more: page.more,
    })
}

/// An invitation as a kiosk holds it, with its signed code.
pub fn kiosk_invitation(
    record: InvitationRecord,
    documents: Vec<RequiredDocument>,
    signing: &SigningKey,
) -> KioskInvitation {
    KioskInvitation {
        documents,
        token: guest_token(&record, signing),
        email_proof: gatehouse_core::proof::email_proof(record.id, &record.visitor_email),
        awaiting_host: record.awaiting_host,
        checked_in_at: record.checked_in_at,
        id: record.id,
        host: record.host_id,
        host_name: record.host_name,
        category: record.category,
        visitor_name: record.visitor_name,
        visitor_company: record.visitor_company,
        starts_at: record.starts_at,
        ends_at: record.ends_at,
        approval: record.approval_status,
        visit: record.visit_status,
    }
}
