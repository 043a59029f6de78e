//! The kiosk's hardware: reading QR codes from camera frames (`scan`); camera capture, badge
//! PDFs and printing follow.
//!
//! The kiosk depends on this crate, never the reverse, and nothing here knows about the cloud.

pub mod frame;
pub mod scan;
