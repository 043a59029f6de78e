//! Gatehouse's domain: the types and rules that the kiosk and the cloud share. No I/O lives here.
//!
//! - [`access`]: who may do what — the one place permissions are checked;
//! - [`role`] and [`permission`]: roles scoped to an occupancy or the facility;
//! - [`invitation`]: approval and visit states, their moves and who hears of them;
//! - [`category`]: visitor categories and their approval rule;
//! - [`window`]: the visit window, the site's day and end of day, the walk-in's window;
//! - [`visit`]: what the kiosk tells a visitor, and what its reports do;
//! - [`proof`]: how a visitor shows an invitation is theirs — a full name, then its email or code;
//! - [`screening`]: a visitor against the watchlist — an email, or a name close enough;
//! - [`staff`]: staff at the kiosk — their PIN, the wait after wrong tries, their history;
//! - [`clock`]: the one clock, which tests hold;
//! - [`token`]: signed invitation codes, checkable offline;
//! - [`wire`]: JSON shapes that cross between the kiosk and the cloud.

pub mod access;
pub mod category;
pub mod clock;
pub mod credential;
pub mod digest;
pub mod email;
pub mod ids;
pub mod invitation;
pub mod language;
pub mod permission;
pub mod policy;
pub mod proof;
pub mod role;
pub mod screening;
pub mod staff;
pub mod text;
pub mod token;
pub mod visit;
pub mod window;
pub mod wire;
pub mod zones;

pub use access::{Action, Actor, Denied, Grant, authorize};
pub use category::{Category, CategoryKind};
pub use clock::Clock;
pub use email::Email;
pub use ids::{
    CredentialId, FacilityId, InvitationId, KioskId, OccupancyId, RoleId, UserId, ZoneId,
};
pub use invitation::{ApprovalStatus, Decision, VisitStatus};
pub use language::Language;
pub use permission::{Permission, PermissionSet};
pub use role::{Place, Role, RolePreset, RoleScope};
pub use window::VisitWindow;
