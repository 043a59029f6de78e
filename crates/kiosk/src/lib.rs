//! The Gatehouse reception kiosk without its window: everything the lobby tablet does, as a
//! library the Tauri shell (`src-tauri/`), the end-to-end tests and the benchmarks call alike.
//!
//! - [`kiosk`]: the running kiosk — settings, store, cloud client, clock — and its sync loop;
//! - [`checkin`]: a visitor's check-in: NDA, photo, the record, the badge;
//! - [`visitors`]: what a visitor at the kiosk may learn, and how they find their invitation;
//! - [`possession`]: which invitation the visitor at the screen has shown is theirs;
//! - [`walk_ins`]: visitors without an invitation — finding their host in the directory the
//!   kiosk keeps, and registering them with the cloud;
//! - [`staff`]: staff signing in at the kiosk, their lockout and history; [`admin`]: approving
//!   from the kiosk, [`settings`]: an admin's changes to the kiosk's own settings; [`reception`]: what
//!   reception does here (today's visitors, admitting, checking out, the muster list);
//! - [`store`]: the local SQLite store with its outbox; [`sync`] and [`cloud`]: the cloud's side.

pub mod admin;
pub mod checkin;
pub mod cloud;
pub mod config;
pub mod error;
pub mod kiosk;
pub mod possession;
pub mod reception;
pub mod settings;
pub mod staff;
pub mod store;
pub mod sync;
pub mod visitors;
pub mod walk_ins;

pub use config::KioskConfig;
pub use error::KioskError;
pub use kiosk::Kiosk;
