//! The kiosk binary: the window, around the kiosk in `gatehouse-kiosk`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    gatehouse_kiosk_app::run();
}
