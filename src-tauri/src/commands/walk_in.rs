//! A visitor without an invitation: find the host and choose why you came (both from the
//! directory the kiosk keeps), say who you are. The cloud makes it an invitation under its
//! rules, so registering needs the cloud to be reachable.

use chrono::Utc;
use gatehouse_core::{
    CategoryKind,
    wire::{KioskHost, KioskWalkIn},
};
use tauri::State;

use crate::{CommandError, hosts, kiosk::Kiosk, visitors::VisitorView};

/// The hosts whose names start with what the visitor typed, from the directory this kiosk keeps.
#[tauri::command]
pub async fn find_hosts(
    kiosk: State<'_, Kiosk>,
    query: String,
) -> Result<Vec<KioskHost>, CommandError> {
    let directory = kiosk.store.directory().await?;
    Ok(directory.map_or_else(Vec::new, |(_, directory)| {
        hosts::find(&directory.hosts, &query)
    }))
}

/// The categories a walk-in may choose here, from the directory this kiosk keeps.
#[tauri::command]
pub async fn walk_in_categories(
    kiosk: State<'_, Kiosk>,
) -> Result<Vec<CategoryKind>, CommandError> {
    let directory = kiosk.store.directory().await?;
    Ok(directory.map_or_else(Vec::new, |(_, directory)| directory.categories))
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
