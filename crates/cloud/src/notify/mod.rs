//! Notifications: who hears what about an invitation, as emails written to the outbox with the
//! change that causes them and sent by the [`worker`] with retry and backoff.

mod calendar;
mod compose;
mod mailer;
mod smtp;
pub mod worker;

pub use compose::{GuestKeys, Letterhead, compose};
pub(crate) use mailer::qr_png;
pub use mailer::{MailError, MailSettings, Mailer, OutgoingEmail};
