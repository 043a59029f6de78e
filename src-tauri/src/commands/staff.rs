//! Staff at the kiosk: signing in and out, reception's tasks and admin mode's decisions. Each is
//! one call into the kiosk, which checks the staff session (and its idle timeout) first.

use gatehouse_core::{InvitationId, staff::StaffSecret};
use gatehouse_kiosk::{
    Kiosk,
    admin::{Decision, Review, ReviewStep},
    checkin::ReprintOutcome,
    reception::{Admission, Health, LobbyVisitor, Muster, Revocation},
    settings::{Settings, SettingsChange},
    staff::OnDuty,
};
use gatehouse_paper::badge::Language;
use serde::Serialize;
use tauri::State;

use crate::{CommandError, scanning::Camera};

/// The kiosk's health as reception sees it: cloud, outbox, printer, camera.
#[derive(Debug, Serialize)]
pub struct KioskHealth {
    #[serde(flatten)]
    health: Health,
    camera_lost: bool,
}

#[tauri::command]
pub async fn kiosk_health(
    kiosk: State<'_, Kiosk>,
    camera: State<'_, Camera>,
) -> Result<KioskHealth, CommandError> {
    Ok(KioskHealth {
        health: kiosk.health().await?,
        camera_lost: camera.lost(),
    })
}

#[tauri::command]
pub async fn staff_sign_in(
    kiosk: State<'_, Kiosk>,
    email: String,
    secret: StaffSecret,
) -> Result<OnDuty, CommandError> {
    Ok(kiosk.staff_sign_in(&email, secret).await?)
}

/// Who is signed in now, if anyone (a session idle too long ends here); `touched`: the person
/// just touched the screen.
#[tauri::command]
pub async fn on_duty(
    kiosk: State<'_, Kiosk>,
    touched: bool,
) -> Result<Option<OnDuty>, CommandError> {
    Ok(kiosk.on_duty(touched).await?)
}

#[tauri::command]
pub async fn staff_lock(kiosk: State<'_, Kiosk>) -> Result<(), CommandError> {
    Ok(kiosk.staff_lock().await?)
}

#[tauri::command]
pub async fn lobby(kiosk: State<'_, Kiosk>) -> Result<Vec<LobbyVisitor>, CommandError> {
    Ok(kiosk.lobby().await?)
}

#[tauri::command]
pub async fn admit(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<Admission, CommandError> {
    Ok(kiosk.admit(invitation).await?)
}

#[tauri::command]
pub async fn staff_check_out(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<bool, CommandError> {
    Ok(kiosk.staff_check_out(invitation).await?)
}

#[tauri::command]
pub async fn check_out_everyone(kiosk: State<'_, Kiosk>) -> Result<usize, CommandError> {
    Ok(kiosk.check_out_everyone().await?)
}

#[tauri::command]
pub async fn staff_reprint(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
    language: Language,
) -> Result<ReprintOutcome, CommandError> {
    Ok(kiosk.staff_reprint(invitation, language).await?)
}

/// The kiosk's settings, for an admin.
#[tauri::command]
pub async fn kiosk_settings(kiosk: State<'_, Kiosk>) -> Result<Settings, CommandError> {
    Ok(kiosk.settings().await?)
}

#[tauri::command]
pub async fn change_kiosk_settings(
    kiosk: State<'_, Kiosk>,
    camera: State<'_, Camera>,
    change: SettingsChange,
) -> Result<Settings, CommandError> {
    let settings = kiosk.change_settings(change).await?;
    camera.switch_to(kiosk.in_force().await?.camera);
    Ok(settings)
}

/// An admin unenrolls this kiosk: it forgets everything and shows the set-up screen.
#[tauri::command]
pub async fn unenroll(kiosk: State<'_, Kiosk>) -> Result<(), CommandError> {
    Ok(kiosk.unenroll().await?)
}

/// Reception says whether a walk-in is expected.
#[tauri::command]
pub async fn answer_walk_in(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
    expected: bool,
) -> Result<(), CommandError> {
    Ok(kiosk.answer_walk_in(invitation, expected).await?)
}

/// Reception takes a visitor's door pass away.
#[tauri::command]
pub async fn revoke_door_pass(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
    why: Revocation,
) -> Result<(), CommandError> {
    Ok(kiosk.revoke_door_pass(invitation, why).await?)
}

/// Everyone on site now, printed (or kept as a PDF without a printer).
#[tauri::command]
pub async fn print_muster_list(
    kiosk: State<'_, Kiosk>,
    language: Language,
) -> Result<Muster, CommandError> {
    Ok(kiosk.print_muster_list(language).await?)
}

#[tauri::command]
pub async fn reviews(kiosk: State<'_, Kiosk>) -> Result<Vec<Review>, CommandError> {
    Ok(kiosk.reviews().await?)
}

#[tauri::command]
pub async fn review_history(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
) -> Result<Vec<ReviewStep>, CommandError> {
    Ok(kiosk.review_history(invitation).await?)
}

#[tauri::command]
pub async fn decide(
    kiosk: State<'_, Kiosk>,
    invitation: InvitationId,
    decision: Decision,
) -> Result<Review, CommandError> {
    Ok(kiosk.decide(invitation, decision).await?)
}
