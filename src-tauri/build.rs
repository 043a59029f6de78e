//! Builds the kiosk from the one Tauri config at the repository root, `../tauri.conf.json`.

use std::path::Path;

/// The commands the webview may call; `capabilities/kiosk.json` grants exactly these.
const COMMANDS: &[&str] = &[
    "kiosk_status",
    "enroll",
    "identify",
    "camera_view",
    "find_invitation",
    "prove_invitation",
    "visitor",
    "nda",
    "ask_reception",
    "take_photo",
    "check_in",
    "reprint_badge",
    "check_out",
    "find_hosts",
    "walk_in_categories",
    "register_walk_in",
    "staff_sign_in",
    "on_duty",
    "staff_lock",
    "lobby",
    "admit",
    "staff_check_out",
    "check_out_everyone",
    "staff_reprint",
    "print_muster_list",
    "answer_walk_in",
    "revoke_door_pass",
    "kiosk_settings",
    "change_kiosk_settings",
    "unenroll",
    "kiosk_health",
    "reviews",
    "review_history",
    "decide",
];

fn main() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tauri.conf.json");
    assert!(
        config.is_file(),
        "gatehouse-kiosk is built from the Tauri config at the repository root, but {} does not exist",
        config.display()
    );
    let attributes = tauri_build::Attributes::new()
        .config_path(config)
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed with ../tauri.conf.json: {error:#}");
    }
}
