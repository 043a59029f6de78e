//! A visitor without an invitation: find the host, choose why you came, say who you are. The
//! cloud makes it an invitation under its rules, so this needs the cloud to be reachable.

use chrono::Utc;
use gatehouse_core::{
    CategoryKind,
    wire::{KioskHost, KioskWalkIn},
};
use tauri::State;

use crate::{CommandError, kiosk::Kiosk, visitors::VisitorView};

#[tauri::command]
pub async fn find_hosts(
    kiosk: State<'_, Kiosk>,
    query: String,
) -> Result<Vec<KioskHost>, CommandError> {
    let query = query.trim();
    if query.chars().filter(|c| c.is_alphanumeric()).count() < 2 || query.len() > 100 {
        return Ok(Vec::new());
    }
    Ok(kiosk
        .cloud
        .hosts(&kiosk.store.device_token().await?, query)
        .await?)
}

#[tauri::command]
pub async fn walk_in_categories(
    kiosk: State<'_, Kiosk>,
) -> Result<Vec<CategoryKind>, CommandError> {
    Ok(kiosk
        .cloud
        .categories(&kiosk.store.device_token().await?)
        .await?)
}

/// Registers the walk-in; the answer says whether they may go on or must wait for approval.
#[tauri::command]
pub async fn register_walk_in(
    kiosk: State<'_, Kiosk>,
    walk_in: KioskWalkIn,
) -> Result<VisitorView, CommandError> {
    let invitation = kiosk
        .cloud
        .walk_in(&kiosk.store.device_token().await?, &walk_in)
        .await?;
    kiosk.store.keep(&invitation).await?;
    Ok(VisitorView::of(
        &invitation,
        Utc::now(),
        kiosk.time_zone().await?,
    ))
}
