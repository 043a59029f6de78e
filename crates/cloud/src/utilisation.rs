//! The utilisation report (seed, privacy: "anonymized scan data for utilization reports"):
//! visitors per day and category, the time from check-in to the first door, and the share of
//! visitors' time in each zone — read from visits, their check-outs and their granted door
//! scans only, never a name or an address, so it stays whole after visitors' details are gone.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use gatehouse_core::{
    Action, Actor, CategoryKind, InvitationId, authorize,
    window::{local_day, site_day},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{Cloud, error::ServiceError};

/// The longest period one report covers.
pub const LONGEST_PERIOD_DAYS: i64 = 366;

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// The first day, at the site (YYYY-MM-DD).
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
}

/// One day's visitors of one category: those who checked in that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DayCount {
    pub day: NaiveDate,
    pub category: CategoryKind,
    pub visitors: u32,
}

/// How long visitors took from checking in to the first door that let them through.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FirstDoor {
    /// Visits with a door after their check-in.
    pub visits: u32,
    /// Visits that opened no door.
    pub no_door: u32,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

/// Where visitors' time went: before their first door (the lobby), in a zone of the zone map,
/// or behind a door the map does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Whereabouts {
    Lobby,
    Zone,
    Unmapped,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ZoneShare {
    pub place: Whereabouts,
    /// The zone's id and name, for `zone`.
    pub zone_id: Option<String>,
    pub zone_name: Option<String>,
    pub minutes: f64,
    /// Of all visitors' time in the period, 0 to 1.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Utilisation {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every day and category with visitors, in order.
    pub days: Vec<DayCount>,
    pub first_door: FirstDoor,
    /// Largest share first.
    pub zones: Vec<ZoneShare>,
}

/// A visit as the report reads it.
#[derive(Debug, Clone)]
pub struct VisitSpan {
    pub invitation: InvitationId,
    pub category: CategoryKind,
    pub checked_in_at: DateTime<Utc>,
    /// When they checked out, or their window's end (or now) if they did not.
    pub ended_at: DateTime<Utc>,
}

/// A door that let a visitor through, and its zone if the map knows the door.
#[derive(Debug, Clone)]
pub struct Passage {
    pub invitation: InvitationId,
    pub zone_id: Option<String>,
    pub at: DateTime<Utc>,
}

/// The report for `period` of the actor's facility (facility managers).
pub async fn report(
    cloud: &Cloud,
    actor: &Actor,
    period: &Period,
) -> Result<Utilisation, ServiceError> {
    authorize(
        actor,
        Action::SeeUtilisation {
            facility: actor.facility,
        },
    )?;
    if period.to < period.from {
        return Err(ServiceError::invalid("the period ends before it begins"));
    }
    if (period.to - period.from).num_days() >= LONGEST_PERIOD_DAYS {
        return Err(ServiceError::invalid(format!(
            "a report covers at most {LONGEST_PERIOD_DAYS} days"
        )));
    }
    let site = cloud.site(actor.facility).await?;
    let zone = site.facility.time_zone;
    let bounds = local_day(period.from, zone)
        .zip(local_day(period.to, zone))
        .ok_or_else(|| ServiceError::invalid("the period is outside the calendar"))?;
    let (start, end) = (bounds.0.0, bounds.1.1);
    let now = cloud.clock.now();
    let (visits, passages) = cloud
        .database
        .visit_spans(actor.facility, start, end, now)
        .await?;
    let names: BTreeMap<String, String> = site
        .zone_map
        .zones
        .iter()
        .map(|zone| (zone.id.to_string(), zone.name.clone()))
        .collect();
    Ok(Utilisation {
        from: period.from,
        to: period.to,
        days: per_day(&visits, |at| site_day(at, zone)),
        first_door: first_door(&visits, &passages),
        zones: time_by_zone(&visits, &passages, &names),
    })
}

fn per_day(visits: &[VisitSpan], day_of: impl Fn(DateTime<Utc>) -> NaiveDate) -> Vec<DayCount> {
    let mut counts: BTreeMap<(NaiveDate, &'static str), (CategoryKind, u32)> = BTreeMap::new();
    for visit in visits {
        let entry = counts
            .entry((day_of(visit.checked_in_at), visit.category.as_str()))
            .or_insert((visit.category, 0));
        entry.1 += 1;
    }
    counts
        .into_iter()
        .map(|((day, _), (category, visitors))| DayCount {
            day,
            category,
            visitors,
        })
        .collect()
}

/// Each visit's passages after its check-in, in order.
fn passages_of<'p>(visit: &VisitSpan, passages: &'p [Passage]) -> Vec<&'p Passage> {
    let mut mine: Vec<&Passage> = passages
        .iter()
        .filter(|p| {
            p.invitation == visit.invitation
                && p.at >= visit.checked_in_at
                && p.at <= visit.ended_at
        })
        .collect();
    mine.sort_by_key(|p| p.at);
    mine
}

#[allow(
    clippy::cast_precision_loss,
    reason = "a visit's milliseconds are far below 2^52"
)]
fn minutes(span: TimeDelta) -> f64 {
    span.num_milliseconds().max(0) as f64 / 60_000.0
}

fn first_door(visits: &[VisitSpan], passages: &[Passage]) -> FirstDoor {
    let mut waits: Vec<f64> = visits
        .iter()
        .filter_map(|visit| {
            passages_of(visit, passages)
                .first()
                .map(|first| minutes(first.at - visit.checked_in_at))
        })
        .collect();
    waits.sort_by(f64::total_cmp);
    let at = |percent: usize| (!waits.is_empty()).then(|| waits[(waits.len() - 1) * percent / 100]);
    let visits_with_door = u32::try_from(waits.len()).unwrap_or(u32::MAX);
    FirstDoor {
        visits: visits_with_door,
        no_door: u32::try_from(visits.len())
            .unwrap_or(u32::MAX)
            .saturating_sub(visits_with_door),
        median_minutes: at(50),
        p90_minutes: at(90),
    }
}

fn time_by_zone(
    visits: &[VisitSpan],
    passages: &[Passage],
    names: &BTreeMap<String, String>,
) -> Vec<ZoneShare> {
    let mut spent: BTreeMap<(Whereabouts, Option<String>), f64> = BTreeMap::new();
    for visit in visits {
        let mine = passages_of(visit, passages);
        let mut place = (Whereabouts::Lobby, None);
        let mut since = visit.checked_in_at;
        for passage in mine {
            *spent.entry(place).or_default() += minutes(passage.at - since);
            place = match &passage.zone_id {
                Some(zone) if names.contains_key(zone) => (Whereabouts::Zone, Some(zone.clone())),
                _ => (Whereabouts::Unmapped, None),
            };
            since = passage.at;
        }
        *spent.entry(place).or_default() += minutes(visit.ended_at - since);
    }
    let total: f64 = spent.values().sum();
    let mut shares: Vec<ZoneShare> = spent
        .into_iter()
        .map(|((place, zone_id), minutes)| ZoneShare {
            place,
            zone_name: zone_id.as_ref().and_then(|id| names.get(id).cloned()),
            zone_id,
            minutes,
            share: if total > 0.0 { minutes / total } else { 0.0 },
        })
        .collect();
    shares.sort_by(|a, b| b.minutes.total_cmp(&a.minutes));
    shares
}

/// The report's counts as CSV: a row per day and category.
pub fn csv(report: &Utilisation) -> String {
    report
        .days
        .iter()
        .fold(String::from("day,category,visitors\n"), |mut out, day| {
            use std::fmt::Write as _;
            let _ = writeln!(
                out,
                "{},{},{}",
                day.day,
                day.category.as_str(),
                day.visitors
            );
            out
        })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 6, 3, hour, minute, 0).unwrap()
    }

    fn visit(n: u128, category: CategoryKind, from: DateTime<Utc>, to: DateTime<Utc>) -> VisitSpan {
        VisitSpan {
            invitation: InvitationId::from(uuid::Uuid::from_u128(n)),
            category,
            checked_in_at: from,
            ended_at: to,
        }
    }

    fn passage(n: u128, zone: Option<&str>, at: DateTime<Utc>) -> Passage {
        Passage {
            invitation: InvitationId::from(uuid::Uuid::from_u128(n)),
            zone_id: zone.map(str::to_owned),
            at,
        }
    }

    #[test]
    fn time_before_the_first_door_is_the_lobby_s_and_each_door_starts_its_zone_s() {
        let names = BTreeMap::from([("lab".to_owned(), "Lab B".to_owned())]);
        // 09:00 in, 09:15 Lab B, 09:45 a door the map does not know, 10:00 out.
        let visits = [visit(1, CategoryKind::Guest, at(9, 0), at(10, 0))];
        let passages = [
            passage(1, Some("lab"), at(9, 15)),
            passage(1, None, at(9, 45)),
            // Another visit's scan, and one before this check-in, count for nothing here.
            passage(2, Some("lab"), at(9, 20)),
            passage(1, Some("lab"), at(8, 0)),
        ];
        let shares = time_by_zone(&visits, &passages, &names);
        let minutes: Vec<(Whereabouts, f64)> =
            shares.iter().map(|s| (s.place, s.minutes)).collect();
        assert_eq!(
            minutes,
            [
                (Whereabouts::Zone, 30.0),
                (Whereabouts::Lobby, 15.0),
                (Whereabouts::Unmapped, 15.0)
            ]
        );
        assert_eq!(shares[0].zone_name.as_deref(), Some("Lab B"));
        assert!((shares[0].share - 0.5).abs() < 1e-9);
        let first = first_door(&visits, &passages);
        assert_eq!(
            (first.visits, first.no_door, first.median_minutes),
            (1, 0, Some(15.0))
        );
    }

    #[test]
    fn visitors_count_on_the_day_they_checked_in_by_category() {
        let visits = [
            visit(1, CategoryKind::Guest, at(9, 0), at(10, 0)),
            visit(2, CategoryKind::Guest, at(11, 0), at(12, 0)),
            visit(3, CategoryKind::Contractor, at(11, 0), at(12, 0)),
        ];
        let days = per_day(&visits, |at| at.date_naive());
        let counts: Vec<(&str, u32)> = days
            .iter()
            .map(|d| (d.category.as_str(), d.visitors))
            .collect();
        assert_eq!(counts, [("contractor", 1), ("guest", 2)]);
        let first = first_door(&visits, &[]);
        assert_eq!(
            (first.visits, first.no_door, first.median_minutes),
            (0, 3, None)
        );
    }
}
