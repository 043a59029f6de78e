//! A visitor without an invitation: find the host and choose why you came (both from the
//! directory the kiosk keeps), say who you are. The cloud makes it an invitation under its
//! rules, so registering needs the cloud to be reachable.

use gatehouse_core::{
    CategoryKind,
    wire::{KioskHost, KioskWalkIn},
};
use gatehouse_kiosk::{Kiosk, visitors::VisitorView};
use tauri::State;

use crate::CommandError;

#[tauri::command]
pub async fn find_hosts(
    kiosk: State<'_, Kiosk>,
    query: String,
) -> Result<Vec<KioskHost>, CommandError> {
    Ok(kiosk.find_hosts(&query).await?)
}

#[tauri::command]
pub async fn walk_in_categories(
    kiosk: State<'_, Kiosk>,
) -> Result<Vec<CategoryKind>, CommandError> {
    Ok(kiosk.walk_in_categories().await?)
}

#[tauri::command]
pub async fn register_walk_in(
    kiosk: State<'_, Kiosk>,
    walk_in: KioskWalkIn,
) -> Result<VisitorView, CommandError> {
    Ok(kiosk.register_walk_in(&walk_in).await?)
}
