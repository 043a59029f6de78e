//! A visit's time window, and the site's end-of-day rule.

use chrono::{DateTime, Duration, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The longest a single invitation may run.
pub const LONGEST_WINDOW: Duration = Duration::days(14);

/// When a visit may happen: it ends after it starts, and spans at most two weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitWindow {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("the visit must end after it starts")]
    EndsBeforeStart,
    #[error("a visit may span at most 14 days")]
    TooLong,
}

impl VisitWindow {
    pub fn new(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<Self, WindowError> {
        if ends_at <= starts_at {
            return Err(WindowError::EndsBeforeStart);
        }
        if ends_at - starts_at > LONGEST_WINDOW {
            return Err(WindowError::TooLong);
        }
        Ok(Self { starts_at, ends_at })
    }

    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    pub fn ends_at(&self) -> DateTime<Utc> {
        self.ends_at
    }

    pub fn duration(&self) -> Duration {
        self.ends_at - self.starts_at
    }

    /// Whether the visit runs past the site's end of day (local time, on the day it starts).
    /// Such windows need the `can_exceed_end_of_day` permission.
    pub fn runs_past_end_of_day(&self, end_of_day: NaiveTime, time_zone: Tz) -> bool {
        let start_day = self.starts_at.with_timezone(&time_zone).date_naive();
        match time_zone
            .from_local_datetime(&start_day.and_time(end_of_day))
            .latest()
        {
            Some(closing) => self.ends_at > closing,
            // The closing time falls into a DST gap that day: judge by the hour after.
            None => time_zone
                .from_local_datetime(&(start_day.and_time(end_of_day) + Duration::hours(1)))
                .latest()
                .is_none_or(|closing| self.ends_at > closing),
        }
    }
}

impl<'de> Deserialize<'de> for VisitWindow {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            starts_at: DateTime<Utc>,
            ends_at: DateTime<Utc>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Self::new(raw.starts_at, raw.ends_at).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn seven_pm() -> NaiveTime {
        NaiveTime::from_hms_opt(19, 0, 0).unwrap()
    }

    #[test]
    fn window_must_end_after_it_starts() {
        let t = at("2026-11-25T09:00:00Z");
        assert_eq!(VisitWindow::new(t, t), Err(WindowError::EndsBeforeStart));
        assert_eq!(
            VisitWindow::new(t, t - Duration::minutes(1)),
            Err(WindowError::EndsBeforeStart)
        );
        assert_eq!(
            VisitWindow::new(t, t + Duration::days(15)),
            Err(WindowError::TooLong)
        );
    }

    #[test]
    fn end_of_day_is_judged_in_the_sites_time_zone() {
        // 19:00 in Berlin in November is 18:00 UTC.
        let within =
            VisitWindow::new(at("2026-11-25T08:00:00Z"), at("2026-11-25T18:00:00Z")).unwrap();
        let past =
            VisitWindow::new(at("2026-11-25T08:00:00Z"), at("2026-11-25T18:30:00Z")).unwrap();
        assert!(!within.runs_past_end_of_day(seven_pm(), Berlin));
        assert!(past.runs_past_end_of_day(seven_pm(), Berlin));
        // In summer Berlin is UTC+2: 19:00 local is 17:00 UTC.
        let summer =
            VisitWindow::new(at("2026-07-01T08:00:00Z"), at("2026-07-01T17:30:00Z")).unwrap();
        assert!(summer.runs_past_end_of_day(seven_pm(), Berlin));
    }

    #[test]
    fn overnight_window_runs_past_end_of_day() {
        let overnight =
            VisitWindow::new(at("2026-11-25T08:00:00Z"), at("2026-11-26T07:00:00Z")).unwrap();
        assert!(overnight.runs_past_end_of_day(seven_pm(), Berlin));
    }

    #[test]
    fn deserializing_checks_the_window() {
        let bad = r#"{"starts_at":"2026-11-25T10:00:00Z","ends_at":"2026-11-25T09:00:00Z"}"#;
        let err = serde_json::from_str::<VisitWindow>(bad).unwrap_err();
        assert!(
            err.to_string().contains("must end after it starts"),
            "{err}"
        );
    }
}
