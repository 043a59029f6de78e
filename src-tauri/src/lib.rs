//! The Gatehouse reception kiosk's window: the Tauri shell around the web front end in `ui/`
//! and the kiosk in `gatehouse-kiosk`.
//!
//! This crate stays thin: the builder, one module of commands per screen area (each a parse
//! and one call into `gatehouse_kiosk::Kiosk`), the camera the scan screen asks and the
//! navigation guard. Errors cross to the front end as `{code, message}`.

mod commands;
mod error;
mod lockdown;
mod navigation;
mod scanning;

pub use error::{CommandError, ErrorCode};
use gatehouse_kiosk::{Kiosk, KioskConfig};

use tauri::Manager as _;
use tracing_subscriber::EnvFilter;

/// Starts the kiosk window and blocks until it closes.
pub fn run() {
    commands::status::started();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let config = match KioskConfig::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("gatehouse-kiosk: {error}");
            std::process::exit(2);
        }
    };
    tracing::info!(cloud = %config.cloud_url, data = %config.data_dir.display(), "starting the Gatehouse kiosk");
    let kiosk = match tauri::async_runtime::block_on(Kiosk::open(config)) {
        Ok(kiosk) => kiosk,
        Err(error) => {
            eprintln!("gatehouse-kiosk: {error}");
            std::process::exit(2);
        }
    };

    let result = tauri::Builder::default()
        .plugin(navigation::only_the_kiosk_itself())
        .on_window_event(lockdown::on_window_event)
        .manage(kiosk.clone())
        .setup(move |app| {
            lockdown::lock(app);
            // The camera an admin chose on the kiosk, else the configured one.
            let camera = tauri::async_runtime::block_on(kiosk.in_force())
                .map_or_else(|_| kiosk.config.camera.clone(), |settings| settings.camera);
            app.manage(scanning::Camera::start(camera));
            tauri::async_runtime::spawn(kiosk.clone().listen_for_changes());
            tauri::async_runtime::spawn(kiosk.keep_in_sync());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::status::kiosk_status,
            commands::status::enroll,
            commands::visitor::identify,
            commands::visitor::camera_view,
            commands::visitor::find_invitation,
            commands::visitor::prove_invitation,
            commands::visitor::visitor,
            commands::visitor::nda,
            commands::visitor::ask_reception,
            commands::visitor::take_photo,
            commands::visitor::check_in,
            commands::visitor::reprint_badge,
            commands::visitor::check_out,
            commands::walk_in::find_hosts,
            commands::walk_in::walk_in_categories,
            commands::walk_in::register_walk_in,
            commands::staff::staff_sign_in,
            commands::staff::on_duty,
            commands::staff::staff_lock,
            commands::staff::lobby,
            commands::staff::admit,
            commands::staff::staff_check_out,
            commands::staff::check_out_everyone,
            commands::staff::staff_reprint,
            commands::staff::print_muster_list,
            commands::staff::answer_walk_in,
            commands::staff::revoke_door_pass,
            commands::staff::kiosk_settings,
            commands::staff::change_kiosk_settings,
            commands::staff::unenroll,
            commands::staff::kiosk_health,
            commands::staff::reviews,
            commands::staff::review_history,
            commands::staff::decide,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        eprintln!("gatehouse-kiosk: the window could not be started: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    /// The one Tauri config every build reads, the README's run command's debug build included.
    fn config() -> serde_json::Value {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tauri.conf.json"))
                .expect("tauri.conf.json is readable");
        serde_json::from_str(&text).expect("tauri.conf.json is JSON")
    }

    #[test]
    fn devtools_are_off_in_every_window_of_every_build() {
        let windows = config()["app"]["windows"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!windows.is_empty());
        for window in windows {
            assert_eq!(window["devtools"], false, "{window}");
        }
        // Nor may a release build opt into them.
        let manifest = include_str!("../../Cargo.toml");
        let tauri = manifest
            .lines()
            .find(|line| line.starts_with("tauri = "))
            .expect("the workspace names tauri");
        assert!(!tauri.contains("devtools"), "{tauri}");
    }
}
