//! Staff at the kiosk: the personal PIN they sign in with, the growing wait after wrong tries,
//! and what the kiosk records of each sign-in and staff action.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::{InvitationId, UserId};

/// A kiosk PIN's length: long enough that guessing takes days behind the lockout below.
pub const SHORTEST_PIN: usize = 6;
pub const LONGEST_PIN: usize = 12;

/// Why a PIN was not taken, in words a person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPin {
    #[error("a kiosk PIN is 6 to 12 digits")]
    Shape,
    #[error("a kiosk PIN must not be one digit repeated or a run like 123456")]
    Guessable,
}

/// Checks a PIN a person chose: 6–12 ASCII digits, not one digit repeated, not a run up or down.
pub fn check_pin(pin: &str) -> Result<(), WeakPin> {
    if !(SHORTEST_PIN..=LONGEST_PIN).contains(&pin.len())
        || !pin.bytes().all(|byte| byte.is_ascii_digit())
    {
        return Err(WeakPin::Shape);
    }
    let digits: Vec<i8> = pin
        .bytes()
        .map(|byte| (byte - b'0').cast_signed())
        .collect();
    let steps: Vec<i8> = digits.windows(2).map(|pair| pair[1] - pair[0]).collect();
    let one_step = |step: i8| steps.iter().all(|s| *s == step);
    if one_step(0) || one_step(1) || one_step(-1) {
        return Err(WeakPin::Guessable);
    }
    Ok(())
}

/// Wrong tries a person gets before the first wait.
pub const FREE_TRIES: u32 = 3;
/// The first wait; each further wrong try doubles it …
pub const FIRST_WAIT: TimeDelta = TimeDelta::seconds(30);
/// … up to an hour.
pub const LONGEST_WAIT: TimeDelta = TimeDelta::hours(1);

/// How long a person waits before the next try after `failures` wrong ones in a row: nothing for
/// the first [`FREE_TRIES`], then 30 s, 1 min, 2 min … up to an hour.
pub fn wait_after(failures: u32) -> TimeDelta {
    if failures < FREE_TRIES {
        return TimeDelta::zero();
    }
    let doublings = (failures - FREE_TRIES).min(16);
    (FIRST_WAIT * 2_i32.pow(doublings)).min(LONGEST_WAIT)
}

/// What the kiosk knows of a person's wrong tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tries {
    pub failures: u32,
    pub last_failure: Option<DateTime<Utc>>,
}

impl Tries {
    /// When the person may try again, if not yet at `now`.
    pub fn locked_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let until = self.last_failure? + wait_after(self.failures);
        (until > now).then_some(until)
    }

    /// After another wrong try at `at`.
    #[must_use]
    pub fn failed(self, at: DateTime<Utc>) -> Self {
        Self {
            failures: self.failures.saturating_add(1),
            last_failure: Some(at),
        }
    }
}

/// How a person signs in at the kiosk: their personal kiosk PIN, or their Gatehouse password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StaffSecret {
    Pin(String),
    Password(String),
}

impl StaffSecret {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pin(secret) | Self::Password(secret) => secret,
        }
    }
}

/// Secrets never reach a log.
impl std::fmt::Debug for StaffSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Pin(_) => f.write_str("Pin(secret)"),
            Self::Password(_) => f.write_str("Password(secret)"),
        }
    }
}

/// What a kiosk sends to sign a person in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffSignIn {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    pub secret: StaffSecret,
}

/// A person of the facility who may work at its kiosks, and what they may do there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub language: crate::Language,
    /// `visitor_admission` somewhere in the facility: reception mode.
    pub admits: bool,
    /// `approve_invitations` somewhere in the facility: admin mode.
    pub approves: bool,
}

/// A person signed in at a kiosk: a session token (12 h at most; the kiosk ends it sooner) for
/// the cloud's API as that person.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSession {
    pub token: String,
    pub person: StaffMember,
}

impl std::fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSession")
            .field("token", &"(secret)")
            .field("person", &self.person)
            .finish()
    }
}

/// Someone who may sign in at this kiosk with a PIN while the cloud cannot be reached, for
/// reception's tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffPin {
    #[serde(flatten)]
    pub person: StaffMember,
    /// The PIN's argon2id PHC string.
    pub pin_hash: String,
}

/// The facility's people with a kiosk PIN who admit visitors. Pulled whole when it changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskStaff {
    pub staff: Vec<StaffPin>,
}

/// Something staff did at a kiosk, or tried to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffEvent {
    SignedIn,
    /// With the PIN the kiosk keeps, while the cloud could not be reached.
    SignedInOffline,
    WrongSecret,
    /// A try while the person had to wait after wrong ones.
    LockedOut,
    /// Lock, idle, or a visitor's turn.
    SignedOut,
    Admitted,
    CheckedOut,
    Reprinted,
    MusterPrinted,
    /// Said whether a walk-in is expected.
    AnsweredWalkIn,
    ChangedSettings,
    Unenrolled,
    Approved,
    Rejected,
    ReturnedToPending,
    /// Took a visitor's door pass away (a lost badge, a visitor asked to leave).
    RevokedDoorPass,
}

impl StaffEvent {
    pub const ALL: [Self; 16] = [
        Self::SignedIn,
        Self::SignedInOffline,
        Self::WrongSecret,
        Self::LockedOut,
        Self::SignedOut,
        Self::Admitted,
        Self::CheckedOut,
        Self::Reprinted,
        Self::MusterPrinted,
        Self::AnsweredWalkIn,
        Self::ChangedSettings,
        Self::Unenrolled,
        Self::Approved,
        Self::Rejected,
        Self::ReturnedToPending,
        Self::RevokedDoorPass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SignedInOffline => "signed_in_offline",
            Self::WrongSecret => "wrong_secret",
            Self::LockedOut => "locked_out",
            Self::SignedOut => "signed_out",
            Self::Admitted => "admitted",
            Self::CheckedOut => "checked_out",
            Self::Reprinted => "reprinted",
            Self::MusterPrinted => "muster_printed",
            Self::AnsweredWalkIn => "answered_walk_in",
            Self::ChangedSettings => "changed_settings",
            Self::Unenrolled => "unenrolled",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::ReturnedToPending => "returned_to_pending",
            Self::RevokedDoorPass => "revoked_door_pass",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == text)
    }
}

/// One line of a kiosk's staff history, under the id the kiosk gave it (UUIDv7) when it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffEntry {
    pub id: uuid::Uuid,
    /// The email typed at the kiosk (a failure may name nobody who exists).
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
    /// The person, once known.
    pub person: Option<UserId>,
    pub event: StaffEvent,
    pub invitation: Option<InvitationId>,
    pub at: DateTime<Utc>,
}

/// A batch of a kiosk's staff history, oldest first; at most 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffHistory {
    pub entries: Vec<StaffEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kiosk_pin_is_six_to_twelve_digits_and_not_guessable() {
        assert_eq!(check_pin("482915"), Ok(()));
        assert_eq!(check_pin("482915730164"), Ok(()));
        assert_eq!(check_pin("48291"), Err(WeakPin::Shape));
        assert_eq!(check_pin("4829157301645"), Err(WeakPin::Shape));
        assert_eq!(check_pin("48291a"), Err(WeakPin::Shape));
        assert_eq!(
            check_pin("４８２９１５"),
            Err(WeakPin::Shape),
            "ASCII digits only"
        );
        assert_eq!(check_pin("111111"), Err(WeakPin::Guessable));
        assert_eq!(check_pin("123456"), Err(WeakPin::Guessable));
        assert_eq!(check_pin("987654"), Err(WeakPin::Guessable));
    }

    #[test]
    fn wrong_pins_lock_a_person_out_for_a_growing_wait() {
        assert_eq!(wait_after(0), TimeDelta::zero());
        assert_eq!(wait_after(2), TimeDelta::zero());
        assert_eq!(wait_after(3), TimeDelta::seconds(30));
        assert_eq!(wait_after(4), TimeDelta::seconds(60));
        assert_eq!(wait_after(5), TimeDelta::seconds(120));
        assert_eq!(wait_after(10), TimeDelta::hours(1));
        assert_eq!(wait_after(u32::MAX), TimeDelta::hours(1));

        let start = DateTime::<Utc>::UNIX_EPOCH;
        let tries = (0..3).fold(Tries::default(), |tries, _| tries.failed(start));
        assert_eq!(
            tries.locked_until(start),
            Some(start + TimeDelta::seconds(30))
        );
        assert_eq!(tries.locked_until(start + TimeDelta::seconds(30)), None);
        let again = tries.failed(start + TimeDelta::seconds(30));
        assert_eq!(
            again.locked_until(start + TimeDelta::seconds(31)),
            Some(start + TimeDelta::seconds(90))
        );
    }

    #[test]
    fn staff_events_read_back_as_written() {
        for event in StaffEvent::ALL {
            assert_eq!(StaffEvent::parse(event.as_str()), Some(event));
            assert_eq!(
                serde_json::to_value(event).unwrap(),
                serde_json::json!(event.as_str())
            );
        }
    }

    #[test]
    fn secrets_are_not_shown_in_debug() {
        let shown = format!("{:?}", StaffSecret::Pin("482915".into()));
        assert!(!shown.contains("482915"), "{shown}");
    }
}
