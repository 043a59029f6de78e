//! The Tauri commands the webview may call, one module per screen area.

pub mod staff;
pub mod status;
pub mod visitor;
pub mod walk_in;
