//! Which invitation the visitor at the screen has shown is theirs — by holding up its QR code
//! (from the email or the badge), typing its code, or typing their full name and then the
//! address it was sent to. Everything a visitor does to an invitation (seeing it, signing,
//! checking in or out, reprinting, calling reception) needs that first; knowing a name is never
//! enough. Failed tries are counted, so a stranger cannot try address after address.

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_core::{InvitationId, UserId};

use crate::KioskError;

/// How long a shown invitation stays shown: long enough to read and sign an NDA, take a photo
/// and wait for a walk-in's host; the screen forgets the visitor long before.
pub const SHOWN_FOR: TimeDelta = TimeDelta::minutes(15);
/// How many wrong codes or addresses the screen takes before it sends visitors to reception …
pub const MOST_FAILED_TRIES: usize = 5;
/// … counted over this long.
pub const FAILED_TRIES_COUNT_FOR: TimeDelta = TimeDelta::minutes(10);

/// The invitation shown, when, and who of reception vouched for its visitor.
type Shown = (InvitationId, DateTime<Utc>, Option<UserId>);

#[derive(Debug, Default)]
pub struct Possession {
    /// One visitor stands at the screen: the invitation they showed last, when, and the person
    /// of reception who vouched for them instead (admitting them), if one did.
    shown: Mutex<Option<Shown>>,
    failed: Mutex<Vec<DateTime<Utc>>>,
}

impl Possession {
    /// The visitor at the screen showed `invitation` is theirs.
    pub fn shown(&self, invitation: InvitationId, now: DateTime<Utc>) {
        *self.shown.lock().expect("possession lock") = Some((invitation, now, None));
    }

    /// `person` of reception admitted the visitor of `invitation`: it counts as shown, and what
    /// the visitor then does is recorded as done by that person.
    pub fn vouched(&self, invitation: InvitationId, person: UserId, now: DateTime<Utc>) {
        *self.shown.lock().expect("possession lock") = Some((invitation, now, Some(person)));
    }

    /// Who of reception vouched for the visitor of `invitation`, if anyone did.
    pub fn vouched_by(&self, invitation: InvitationId) -> Option<UserId> {
        match *self.shown.lock().expect("possession lock") {
            Some((shown, _, by)) if shown == invitation => by,
            _ => None,
        }
    }

    /// `Ok` if the visitor at the screen showed `invitation` is theirs within [`SHOWN_FOR`].
    pub fn require(&self, invitation: InvitationId, now: DateTime<Utc>) -> Result<(), KioskError> {
        match *self.shown.lock().expect("possession lock") {
            Some((shown, at, _)) if shown == invitation && now - at <= SHOWN_FOR && now >= at => {
                Ok(())
            }
            _ => Err(KioskError::NotShown),
        }
    }

    /// The visitor is done (checked in or out): the invitation must be shown again.
    pub fn forget(&self) {
        *self.shown.lock().expect("possession lock") = None;
    }

    /// A code or address that matched nothing.
    pub fn failed_try(&self, now: DateTime<Utc>) {
        let mut failed = self.failed.lock().expect("possession lock");
        failed.retain(|at| now - *at < FAILED_TRIES_COUNT_FOR);
        failed.push(now);
    }

    /// Whether too many tries failed lately for another.
    pub fn too_many_tries(&self, now: DateTime<Utc>) -> bool {
        let mut failed = self.failed.lock().expect("possession lock");
        failed.retain(|at| now - *at < FAILED_TRIES_COUNT_FOR);
        failed.len() >= MOST_FAILED_TRIES
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, minute, 0).unwrap()
    }

    #[test]
    fn only_the_invitation_shown_last_and_lately_counts_as_shown() {
        let possession = Possession::default();
        let one = InvitationId::from(uuid::Uuid::now_v7());
        let other = InvitationId::from(uuid::Uuid::now_v7());
        assert!(possession.require(one, at(0)).is_err(), "nothing shown yet");
        possession.shown(one, at(0));
        assert!(possession.require(one, at(15)).is_ok());
        assert!(
            possession.require(one, at(16)).is_err(),
            "shown too long ago"
        );
        assert!(possession.require(other, at(1)).is_err());
        possession.shown(other, at(20));
        assert!(possession.require(one, at(20)).is_err(), "the next visitor");
        possession.forget();
        assert!(possession.require(other, at(20)).is_err());
    }

    #[test]
    fn five_failed_tries_in_ten_minutes_stop_the_next_until_they_age() {
        let possession = Possession::default();
        for minute in 0..4 {
            possession.failed_try(at(minute));
            assert!(!possession.too_many_tries(at(minute)));
        }
        possession.failed_try(at(5));
        assert!(possession.too_many_tries(at(5)));
        assert!(possession.too_many_tries(at(9)));
        assert!(
            !possession.too_many_tries(at(10)),
            "the first try has aged out"
        );
    }
}
