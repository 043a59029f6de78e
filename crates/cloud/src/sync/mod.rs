//! The cloud's side of kiosk sync (see `docs/sync.md`): a kiosk enrolls once and is known by
//! its device token from then on ([`enrollment`]); it pulls the facility's invitations after a
//! cursor and hears of changes at once ([`changes`]); it reports what happened in the lobby
//! ([`events`]) and sends each visit's documents ([`documents`]).

pub mod changes;
pub mod documents;
pub mod enrollment;
pub mod events;
pub mod streams;
