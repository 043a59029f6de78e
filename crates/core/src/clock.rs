//! The one clock of the kiosk and the cloud, so tests can say what time it is: nothing else
//! reads the system time.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, SubsecRound as _, Utc};

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    /// A clock that stands still until moved (tests).
    Fixed(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self::Fixed(Arc::new(Mutex::new(at)))
    }

    /// Now, to the microsecond (what both databases store).
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now().trunc_subsecs(6),
            Self::Fixed(at) => *at.lock().expect("clock lock"),
        }
    }

    /// Moves a fixed clock to `to`; the system clock cannot be moved.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Self::Fixed(at) = self {
            *at.lock().expect("clock lock") = to;
        }
    }

    /// Moves a fixed clock on by `by`.
    pub fn advance(&self, by: chrono::TimeDelta) {
        if let Self::Fixed(at) = self {
            let mut at = at.lock().expect("clock lock");
            *at += by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_until_moved() {
        let start = DateTime::parse_from_rfc3339("2026-03-29T00:30:00Z")
            .unwrap()
            .to_utc();
        let clock = Clock::fixed(start);
        assert_eq!(clock.now(), start);
        clock.advance(chrono::TimeDelta::minutes(90));
        assert_eq!(clock.now(), start + chrono::TimeDelta::minutes(90));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn the_system_clock_is_kept_to_the_microsecond() {
        assert_eq!(Clock::System.now().timestamp_subsec_nanos() % 1000, 0);
    }
}
