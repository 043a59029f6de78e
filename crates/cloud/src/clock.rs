//! The cloud's one clock, so tests can say what time it is.

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

    pub fn set(&self, to: DateTime<Utc>) {
        if let Self::Fixed(at) = self {
            *at.lock().expect("clock lock") = to;
        }
    }
}
