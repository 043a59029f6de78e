//! The change feed a kiosk pulls: its facility's invitations in the order they last changed,
//! after a cursor, each with its signed code, the documents its category asks for and its door
//! credential; and the keys credentials are verified with.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::TimeDelta;
use gatehouse_core::wire::{KioskChanges, KioskInvitation, VerifyingKey};

use crate::{
    context::{Cloud, SigningKey},
    credentials,
    error::ServiceError,
    invitations::guest_token,
    site::Site,
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
    let site = cloud.site(facility).await?;
    let signing = cloud.signing_key().await?;
    let mut invitations = Vec::with_capacity(page.invitations.len());
    for record in page.invitations {
        invitations.push(kiosk_invitation(cloud, &site, record, &signing).await?);
    }
    Ok(KioskChanges {
        invitations,
        ndas: cloud.database.current_ndas(facility).await?,
        keys: cloud
            .keys
            .verifying_keys(&cloud.database)
            .await?
            .into_iter()
            .map(|(kid, key)| VerifyingKey {
                kid,
                key: URL_SAFE_NO_PAD.encode(key.as_bytes()),
            })
            .collect(),
        cursor: page.cursor.encode(),
        more: page.more,
    })
}

/// An invitation as a kiosk holds it, with its signed code, the documents its category asks
/// for and its door credential (prepared now if it has none).
pub async fn kiosk_invitation(
    cloud: &Cloud,
    site: &Site,
    record: InvitationRecord,
    signing: &SigningKey,
) -> Result<KioskInvitation, ServiceError> {
    let profile = site
        .category(record.occupancy_id, record.category)
        .access_profile;
    let credential = credentials::prepared(cloud, site, &record, signing)
        .await?
        .map(|credential| {
            credentials::for_kiosk(&credential, &site.zone_map, &profile.escorted_zones)
        });
    // What the guest handed in before the visit is not asked again.
    let handed_in = cloud.database.handed_in(record.id).await?;
    let documents = profile
        .documents
        .into_iter()
        .filter(|document| !handed_in.contains(document))
        .collect();
    Ok(KioskInvitation {
        documents,
        credential,
        token: guest_token(&record, signing),
        email_proof: gatehouse_core::proof::email_proof(record.id, &record.visitor_email),
        awaiting_host: record.awaiting_host,
        held: record.held,
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
    })
}
