//! The kiosk's hardware: frames from a camera or image files (`camera`), QR codes read from them
//! (`scan`) by a scanner that reports each code once (`scanner`, `debounce`); visitor badges,
//! signed NDAs and the muster list as PDF (`badge`, `nda`, `muster`, drawn with `pdf`, their
//! text in any script set by `typeset`), and printing them through CUPS (`print`).
//!
//! The kiosk depends on this crate, never the reverse, and nothing here knows about the cloud.

pub mod badge;
pub mod camera;
pub mod debounce;
pub mod frame;
pub mod muster;
pub mod nda;
pub mod pdf;
pub mod picture;
pub mod print;
pub mod scan;
pub mod scanner;
mod threshold;
pub mod typeset;
