//! The kiosk's hardware: frames from a camera or image files (`camera`), QR codes read from them
//! (`scan`) by a scanner that reports each code once (`scanner`, `debounce`), and printing what
//! `gatehouse-paper` draws through CUPS (`print`).
//!
//! The kiosk depends on this crate, never the reverse, and nothing here knows about the cloud.

pub mod camera;
pub mod debounce;
pub mod frame;
pub mod print;
pub mod scan;
pub mod scanner;
mod threshold;
