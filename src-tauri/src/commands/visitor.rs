//! The visitor's commands: identify by a scanned or typed code, find by name, sign, photograph,
//! check in, check out. Each answers bad input with a clear error and changes nothing.

use chrono::Utc;
use gatehouse_core::{InvitationId, wire::NdaTemplate};
use gatehouse_devices::badge::Language;
use serde::{Deserialize, Serialize};
use tauri::State;

use gatehouse_devices::scanner::Preview;

use crate::{
    CommandError, KioskError,
    checkin::{BadgeOutcome, CheckInOutcome, CheckInRequest},
    kiosk::Kiosk,
    scanning,
    store::Refusal,
    visitors::{self, MOST_MATCHES, NameMatch, SHORTEST_SEARCH, VisitorState, VisitorView},
};

/// The longest code a QR on an invitation or badge carries.
const LONGEST_CODE: usize = 512;

/// What a scanned or typed code turned out to be.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Identified {
    Visitor {
        visitor: VisitorView,
    },
    /// A Gatehouse code, but not one for this building or one this kiosk has heard of.
    UnknownInvitation,
    /// Some other QR code (a web address, a boarding pass).
    NotAnInvitation,
}

#[tauri::command]
pub async fn identify(kiosk: State<'_, Kiosk>, code: String) -> Result<Identified, CommandError> {
    let code = code.trim();
    if code.len() > LONGEST_CODE || !code.starts_with("GH1.") {
        return Ok(Identified::NotAnInvitation);
    }
    let Some(invitation) = kiosk.store.invitation_by_token(code).await? else {
        return Ok(Identified::UnknownInvitation);
    };
    let zone = kiosk.time_zone().await?;
    Ok(Identified::Visitor {
        visitor: VisitorView::of(&invitation, Utc::now(), zone),
    })
}

/// What the camera sees now, for the scan screen (a JPEG `data:` URL; `None` before the first
/// frame).
#[tauri::command]
pub async fn camera_view(preview: State<'_, Preview>) -> Result<Option<String>, CommandError> {
    let preview = preview.inner().clone();
    Ok(
        tokio::task::spawn_blocking(move || scanning::view(&preview))
            .await
            .map_err(|error| KioskError::Device(error.to_string()))?,
    )
}

/// Why a visitor searches: to check in (today's expected visitors) or out (those here now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    CheckIn,
    CheckOut,
}

/// Today's visitors whose names start with what was typed, or whose invitation code it is, as
/// "Anna S." at most five.
#[tauri::command]
pub async fn find_visitors(
    kiosk: State<'_, Kiosk>,
    query: String,
    purpose: Purpose,
) -> Result<Vec<NameMatch>, CommandError> {
    let query = query.trim();
    if query.chars().filter(|c| c.is_alphanumeric()).count() < SHORTEST_SEARCH || query.len() > 100
    {
        return Ok(Vec::new());
    }
    let code = gatehouse_core::invitation::parse_code(query);
    let now = Utc::now();
    let zone = kiosk.time_zone().await?;
    let today = now.with_timezone(&zone).date_naive();
    let start = today
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(zone).earliest())
        .map_or(now, |start| start.with_timezone(&Utc));
    let end = start + chrono::TimeDelta::days(1);
    let mut found: Vec<NameMatch> = kiosk
        .store
        .invitations_between(start, end)
        .await?
        .into_iter()
        .filter(|invitation| match &code {
            // Typed the code from the invitation email.
            Some(code) => gatehouse_core::invitation::code(invitation.id) == *code,
            None => visitors::matches(query, &invitation.visitor_name),
        })
        .filter(|invitation| {
            let state = visitors::state(invitation, now, zone);
            match purpose {
                Purpose::CheckIn => {
                    state != VisitorState::CheckedIn && state != VisitorState::VisitOver
                }
                Purpose::CheckOut => state == VisitorState::CheckedIn,
            }
        })
        .map(|invitation| NameMatch {
            invitation: invitation.id,
            shown: visitors::first_name_and_initial(&invitation.visitor_name),
        })
        .collect();
    found.sort_by(|a, b| a.shown.cmp(&b.shown));
    found.truncate(MOST_MATCHES);
    Ok(found)
}

/// One invitation, chosen from the matches of a search.
#[tauri::command]
pub async fn visitor(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<VisitorView, CommandError> {
    let found = kiosk.known(invitation).await?;
    Ok(VisitorView::of(
        &found,
        Utc::now(),
        kiosk.time_zone().await?,
    ))
}

/// Tells reception that the visitor of `invitation` is here while it waits for approval.
#[tauri::command]
pub async fn ask_reception(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<(), CommandError> {
    let token = kiosk.store.device_token().await?;
    Ok(kiosk.cloud.ask_reception(&token, invitation).await?)
}

/// The NDA to show, as last synced.
#[tauri::command]
pub async fn nda(kiosk: State<'_, Kiosk>) -> Result<NdaTemplate, CommandError> {
    Ok(kiosk
        .store
        .nda()
        .await?
        .ok_or_else(|| KioskError::Invalid("no NDA text has reached this kiosk yet".into()))?)
}

#[tauri::command]
pub async fn take_photo(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<String, CommandError> {
    Ok(kiosk.take_photo(invitation).await?)
}

#[tauri::command]
pub async fn check_in(
    kiosk: State<'_, Kiosk>,
    request: CheckInRequest,
) -> Result<CheckInOutcome, CommandError> {
    Ok(kiosk.check_in(request).await?)
}

#[tauri::command]
pub async fn reprint_badge(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
    language: Language,
) -> Result<BadgeOutcome, CommandError> {
    Ok(kiosk.reprint(invitation, language).await?)
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CheckOutOutcome {
    CheckedOut { name: String },
    NotCheckedIn,
}

#[tauri::command]
pub async fn check_out(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<CheckOutOutcome, CommandError> {
    let found = kiosk.known(invitation).await?;
    match kiosk.store.check_out(invitation, Utc::now()).await? {
        Ok(_) => {
            kiosk.sync_soon();
            Ok(CheckOutOutcome::CheckedOut {
                name: visitors::first_name_and_initial(&found.visitor_name),
            })
        }
        Err(Refusal::NotCheckedIn | Refusal::Unknown | Refusal::NotAdmitted(_)) => {
            Ok(CheckOutOutcome::NotCheckedIn)
        }
    }
}
