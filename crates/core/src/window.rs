//! A visit's time window, and the site's end-of-day rule.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc};
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

/// The site's calendar day at `now`: what "today" means at the kiosk and in the portal.
pub fn site_day(now: DateTime<Utc>, time_zone: Tz) -> NaiveDate {
    now.with_timezone(&time_zone).date_naive()
}

/// A day at the site as an instant range `[start, end)`: from its first local moment to the
/// next day's. A day with a daylight-saving change is 23 or 25 hours long. `None` only for the
/// last day chrono can represent.
pub fn local_day(day: NaiveDate, time_zone: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = |day: NaiveDate| {
        // Where midnight falls into a DST gap, the day starts at its first existing minute.
        (0..=120).find_map(|minutes| {
            time_zone
                .from_local_datetime(&(day.and_time(NaiveTime::MIN) + Duration::minutes(minutes)))
                .earliest()
                .map(|at| at.to_utc())
        })
    };
    Some((start(day)?, start(day.succ_opt()?)?))
}

/// A walk-in arriving this close to the end of the day still gets this long, if their host may
/// run visits past the end of day.
pub const SHORTEST_WALK_IN: Duration = Duration::hours(1);

/// Why a visitor without an invitation cannot be registered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WalkInRefused {
    #[error("the building has closed for today; please see reception")]
    AfterEndOfDay,
}

/// The window of a visitor registering at the kiosk without an invitation: from `now` to the
/// site's end of day, and never longer than the category allows. Late in the day (less than
/// [`SHORTEST_WALK_IN`] left) a host who may run visits past the end of day gives them an hour;
/// for any other host the window ends at the end of day — and after it, there is none.
pub fn walk_in(
    now: DateTime<Utc>,
    end_of_day: NaiveTime,
    time_zone: Tz,
    longest: Option<Duration>,
    host_may_exceed_end_of_day: bool,
) -> Result<VisitWindow, WalkInRefused> {
    let closing = end_of_day_on(site_day(now, time_zone), end_of_day, time_zone);
    let mut ends_at = match closing {
        Some(closing) if closing >= now + SHORTEST_WALK_IN => closing,
        _ if host_may_exceed_end_of_day => now + SHORTEST_WALK_IN,
        Some(closing) if closing > now => closing,
        _ => return Err(WalkInRefused::AfterEndOfDay),
    };
    if let Some(longest) = longest {
        ends_at = ends_at.min(now + longest);
    }
    VisitWindow::new(now, ends_at).map_err(|_| WalkInRefused::AfterEndOfDay)
}

/// The site's closing time on `day`, as [`VisitWindow::runs_past_end_of_day`] judges it.
fn end_of_day_on(day: NaiveDate, end_of_day: NaiveTime, time_zone: Tz) -> Option<DateTime<Utc>> {
    time_zone
        .from_local_datetime(&day.and_time(end_of_day))
        .latest()
        .map(|at| at.to_utc())
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
    fn the_sites_day_just_after_midnight_in_berlin_is_the_new_day() {
        // 00:15 in Berlin on 2 December is still 1 December in UTC.
        let now = at("2026-12-01T23:15:00Z");
        assert_eq!(
            site_day(now, Berlin),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        );
        let (start, end) = local_day(site_day(now, Berlin), Berlin).unwrap();
        assert_eq!(start, at("2026-12-01T23:00:00Z"));
        assert_eq!(end, at("2026-12-02T23:00:00Z"));
    }

    #[test]
    fn a_day_with_a_daylight_saving_change_is_23_or_25_hours_long() {
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let (start, end) = local_day(spring, Berlin).unwrap();
        assert_eq!(
            (start, end - start),
            (at("2026-03-28T23:00:00Z"), Duration::hours(23))
        );
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let (start, end) = local_day(autumn, Berlin).unwrap();
        assert_eq!(
            (start, end - start),
            (at("2026-10-24T22:00:00Z"), Duration::hours(25))
        );
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_at_its_first_minute() {
        // Havana moved its clocks from 00:00 to 01:00 on 8 March 2026.
        let tz: Tz = "America/Havana".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let (start, end) = local_day(day, tz).unwrap();
        let local = start.with_timezone(&tz);
        assert_eq!(
            (local.date_naive(), local.time()),
            (day, NaiveTime::from_hms_opt(1, 0, 0).unwrap())
        );
        assert_eq!(end - start, Duration::hours(23));
    }

    #[test]
    fn a_walk_in_registered_in_the_morning_may_stay_until_the_end_of_day() {
        let now = at("2026-11-25T08:00:00Z"); // 09:00 in Berlin
        let window = walk_in(now, seven_pm(), Berlin, None, false).unwrap();
        assert_eq!(window.ends_at(), at("2026-11-25T18:00:00Z"));
        assert!(!window.runs_past_end_of_day(seven_pm(), Berlin));
    }

    #[test]
    fn a_walk_in_in_the_last_hour_ends_at_the_end_of_day_for_a_host_who_may_not_exceed_it() {
        let now = at("2026-11-25T17:30:00Z"); // 18:30 in Berlin, the site closes at 19:00
        let window = walk_in(now, seven_pm(), Berlin, None, false).unwrap();
        assert_eq!(window.ends_at(), at("2026-11-25T18:00:00Z"));
        assert!(!window.runs_past_end_of_day(seven_pm(), Berlin));
    }

    #[test]
    fn a_walk_in_in_the_last_hour_gets_an_hour_from_a_host_who_may_exceed_the_end_of_day() {
        let now = at("2026-11-25T17:30:00Z");
        let window = walk_in(now, seven_pm(), Berlin, None, true).unwrap();
        assert_eq!(window.ends_at(), at("2026-11-25T18:30:00Z"));
    }

    #[test]
    fn after_the_end_of_day_a_walk_in_needs_a_host_who_may_exceed_it() {
        let now = at("2026-11-25T18:10:00Z"); // 19:10 in Berlin
        assert_eq!(
            walk_in(now, seven_pm(), Berlin, None, false),
            Err(WalkInRefused::AfterEndOfDay)
        );
        assert_eq!(
            walk_in(now, seven_pm(), Berlin, None, true)
                .unwrap()
                .ends_at(),
            at("2026-11-25T19:10:00Z")
        );
    }

    #[test]
    fn a_walk_ins_window_is_never_longer_than_the_category_allows() {
        let now = at("2026-11-25T08:00:00Z");
        let window = walk_in(now, seven_pm(), Berlin, Some(Duration::hours(2)), false).unwrap();
        assert_eq!(window.ends_at(), at("2026-11-25T10:00:00Z"));
    }

    #[test]
    fn a_walk_in_on_the_day_the_clocks_go_forward_ends_at_local_closing_time() {
        // 29 March 2026: Berlin is UTC+2 from 03:00; 19:00 local is 17:00 UTC.
        let now = at("2026-03-29T07:00:00Z");
        let window = walk_in(now, seven_pm(), Berlin, None, false).unwrap();
        assert_eq!(window.ends_at(), at("2026-03-29T17:00:00Z"));
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
