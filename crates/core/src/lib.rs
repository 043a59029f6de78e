//! Gatehouse's domain: the types and rules that the kiosk and the cloud share. No I/O lives here.
//!
//! The kiosk never reaches into cloud code; what crosses between them is defined in [`wire`].

pub mod wire;
