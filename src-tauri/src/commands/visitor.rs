//! The visitor's commands: identify by a scanned or typed code, find by full name and proof, sign, photograph,
//! check in, check out. Each is one call into the kiosk, which answers bad input with a clear
//! error and changes nothing.

use gatehouse_core::{InvitationId, wire::NdaTemplate};
use gatehouse_kiosk::{
    Kiosk, KioskError,
    checkin::{CheckInOutcome, CheckInRequest, ReprintOutcome},
    visitors::{CheckOutOutcome, Finding, Identified, Purpose, VisitorView},
};
use gatehouse_paper::badge::Language;
use tauri::State;

use crate::{
    CommandError,
    scanning::{Camera, CameraView},
};

#[tauri::command]
pub async fn identify(kiosk: State<'_, Kiosk>, code: String) -> Result<Identified, CommandError> {
    Ok(kiosk.identify(&code).await?)
}

/// What the camera sees now, and the code that came into view since the screen last asked.
#[tauri::command]
pub async fn camera_view(camera: State<'_, Camera>) -> Result<CameraView, CommandError> {
    let camera = camera.inner().clone();
    Ok(tokio::task::spawn_blocking(move || camera.view())
        .await
        .map_err(|error| KioskError::Device(error.to_string()))?)
}

#[tauri::command]
pub async fn find_invitation(
    kiosk: State<'_, Kiosk>,
    typed: String,
    purpose: Purpose,
) -> Result<Finding, CommandError> {
    Ok(kiosk.find_invitation(&typed, purpose).await?)
}

#[tauri::command]
pub async fn prove_invitation(
    kiosk: State<'_, Kiosk>,
    name: String,
    answer: String,
    purpose: Purpose,
) -> Result<Finding, CommandError> {
    Ok(kiosk.prove_invitation(&name, &answer, purpose).await?)
}

#[tauri::command]
pub async fn visitor(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<VisitorView, CommandError> {
    Ok(kiosk.visitor(invitation).await?)
}

#[tauri::command]
pub async fn ask_reception(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<(), CommandError> {
    Ok(kiosk.ask_reception(invitation).await?)
}

/// The NDA in the visitor's language.
#[tauri::command]
pub async fn nda(
    kiosk: State<'_, Kiosk>,
    language: gatehouse_core::Language,
) -> Result<NdaTemplate, CommandError> {
    Ok(kiosk.nda(language).await?)
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
) -> Result<ReprintOutcome, CommandError> {
    Ok(kiosk.reprint(invitation, language).await?)
}

#[tauri::command]
pub async fn check_out(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<CheckOutOutcome, CommandError> {
    Ok(kiosk.check_out(invitation).await?)
}
