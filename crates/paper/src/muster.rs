//! The muster list: who is on site now, grouped by the zone they were last seen in, for the fire
//! warden at the assembly point. Black on white only, a tick box per person, the time it was
//! produced and the page count on every page, the column heads repeated.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::{
    badge::{Language, MAX_NAME},
    pdf::{Align, Colour, Page, Sheet, Weight},
};

/// More people than this on one list is not a building's visitors.
pub const MAX_PEOPLE: usize = 20_000;
const MARGIN: f32 = 15.0;
const ROW: f32 = 6.6;
const TEXT: f32 = 9.5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MusterList {
    pub facility: String,
    /// When the list was produced, in the facility's time zone.
    pub produced_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub paper: Paper,
    #[serde(default)]
    pub language: Language,
    /// When the door scans on the list were last heard from, for a list made from a copy (the
    /// kiosk's, which goes on offline): printed in the header, so the warden knows how old they
    /// are. `None` for a list made from the scans as they arrive.
    #[serde(default)]
    pub doors_as_of: Option<DateTime<FixedOffset>>,
    pub people: Vec<OnSite>,
}

/// Someone checked in and not yet out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnSite {
    pub name: String,
    #[serde(default)]
    pub company: Option<String>,
    pub host: String,
    pub category: String,
    pub checked_in_at: DateTime<FixedOffset>,
    /// The zone a door last saw them in; none if no door has.
    #[serde(default)]
    pub zone: Option<String>,
    /// The last door that saw them.
    #[serde(default)]
    pub last_door: Option<DoorSeen>,
}

/// A door that saw someone: which, when, and whether it let them through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoorSeen {
    pub door: String,
    pub at: DateTime<FixedOffset>,
    #[serde(default = "granted")]
    pub granted: bool,
}

fn granted() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    fn size(self) -> (f32, f32) {
        match self {
            Self::A4 => (210.0, 297.0),
            Self::Letter => (215.9, 279.4),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MusterError {
    #[error("{field} {problem}")]
    Invalid { field: String, problem: String },
}

/// The list as a PDF of as many pages as it needs.
///
/// # Errors
/// An empty or over-long field, or more than `MAX_PEOPLE` people.
pub fn render(list: &MusterList) -> Result<Vec<u8>, MusterError> {
    check(list)?;
    let words = match list.language {
        Language::En => &ENGLISH,
        Language::De => &GERMAN,
    };
    let (width, height) = list.paper.size();
    let sheet = Sheet::new(
        &format!("{}: {}", words.title, list.facility.trim()),
        list.produced_at.to_utc(),
    );
    let lines = lines(list, words);
    let first_row = height - MARGIN - 30.0;
    let per_page = ((first_row - MARGIN - 8.0) / ROW).floor().max(1.0);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a few dozen rows"
    )]
    let per_page = per_page as usize;
    let chunks: Vec<&[Line]> = lines.chunks(per_page).collect();
    let count = chunks.len().max(1);
    let mut pages = Vec::with_capacity(count);
    for number in 1..=count {
        let mut page = Page::new(width, height);
        header(&mut page, list, words, (number, count));
        let mut y = first_row;
        let mut previous: Option<&str> = None;
        for line in chunks.get(number - 1).copied().unwrap_or_default() {
            draw(
                &mut page,
                line,
                y,
                previous,
                (words, list.produced_at.date_naive()),
            );
            previous = Some(line.zone);
            y -= ROW;
        }
        if list.people.is_empty() {
            let x = (MARGIN, first_row, width - 2.0 * MARGIN);
            page.text(
                words.nobody,
                x,
                Weight::Bold,
                12.0,
                Colour::BLACK,
                Align::Left,
            );
        }
        pages.push(page);
    }
    Ok(sheet.finish(pages))
}

/// The category printed for the building's own people, who come without an invitation.
#[must_use]
pub fn staff_category(language: Language) -> &'static str {
    match language {
        Language::En => "Staff",
        Language::De => "Personal",
    }
}

fn check(list: &MusterList) -> Result<(), MusterError> {
    let invalid = |field: String, problem: &str| MusterError::Invalid {
        field,
        problem: problem.into(),
    };
    if list.people.len() > MAX_PEOPLE {
        return Err(invalid("people".into(), "has more than 20,000 entries"));
    }
    let fields = std::iter::once(("facility".to_owned(), Some(list.facility.as_str()))).chain(
        list.people.iter().enumerate().flat_map(|(i, person)| {
            [
                (format!("people[{i}].name"), Some(person.name.as_str())),
                (format!("people[{i}].host"), Some(person.host.as_str())),
                (
                    format!("people[{i}].category"),
                    Some(person.category.as_str()),
                ),
                (
                    format!("people[{i}].company"),
                    person.company.as_deref().or(Some("-")),
                ),
                (
                    format!("people[{i}].zone"),
                    person.zone.as_deref().or(Some("-")),
                ),
                (
                    format!("people[{i}].last_door.door"),
                    person
                        .last_door
                        .as_ref()
                        .map_or(Some("-"), |seen| Some(&seen.door)),
                ),
            ]
        }),
    );
    for (field, value) in fields {
        let value = value.unwrap_or_default().trim();
        if value.is_empty() {
            return Err(invalid(field, "is empty"));
        }
        if value.chars().count() > MAX_NAME {
            return Err(invalid(field, "is longer than 120 characters"));
        }
    }
    Ok(())
}

/// One printed row: a zone's heading, or a person in it.
struct Line<'a> {
    zone: &'a str,
    person: Option<&'a OnSite>,
    in_zone: usize,
}

/// Zones in name order, "no zone recorded" last; people by name within a zone.
fn lines<'a>(list: &'a MusterList, words: &'a Words) -> Vec<Line<'a>> {
    let mut zones: BTreeMap<(bool, &str), Vec<&OnSite>> = BTreeMap::new();
    for person in &list.people {
        let zone = person.zone.as_deref().map(str::trim);
        zones
            .entry((zone.is_none(), zone.unwrap_or(words.no_zone)))
            .or_default()
            .push(person);
    }
    let mut lines = Vec::new();
    for ((_, zone), mut people) in zones {
        people.sort_by_key(|person| person.name.to_lowercase());
        lines.push(Line {
            zone,
            person: None,
            in_zone: people.len(),
        });
        lines.extend(people.into_iter().map(|person| Line {
            zone,
            person: Some(person),
            in_zone: 0,
        }));
    }
    lines
}

/// Column left edges from the margin, in millimetres, and their heads.
const COLUMNS: [f32; 7] = [8.0, 46.0, 76.0, 100.0, 124.0, 144.0, 180.0];

fn header(page: &mut Page, list: &MusterList, words: &Words, (number, count): (usize, usize)) {
    let (width, height) = (page.width, page.height);
    let inner = width - 2.0 * MARGIN;
    let title = format!("{} · {}", words.title, list.facility.trim());
    page.text(
        &title,
        (MARGIN, height - MARGIN - 5.0, inner),
        Weight::Bold,
        18.0,
        Colour::BLACK,
        Align::Left,
    );
    let doors = list.doors_as_of.map_or_else(String::new, |as_of| {
        let minutes = (list.produced_at - as_of).num_minutes().max(0);
        format!(
            " · {} {} ({minutes} {})",
            words.doors_as_of,
            as_of.format("%H:%M"),
            words.minutes_old,
        )
    });
    let produced = format!(
        "{} {} · {} {}{doors}",
        words.produced,
        list.produced_at.format("%Y-%m-%d %H:%M"),
        list.people.len(),
        words.on_site,
    );
    page.text(
        &produced,
        (MARGIN, height - MARGIN - 12.0, inner),
        Weight::Regular,
        11.0,
        Colour::BLACK,
        Align::Left,
    );
    let pages = format!("{} {number} / {count}", words.page);
    page.text(
        &pages,
        (MARGIN, height - MARGIN - 12.0, inner),
        Weight::Bold,
        11.0,
        Colour::BLACK,
        Align::Right,
    );
    let heads_y = height - MARGIN - 22.0;
    for (i, head) in words.heads.iter().enumerate() {
        let room = COLUMNS[i + 1] - COLUMNS[i] - 1.0;
        page.text(
            head,
            (MARGIN + COLUMNS[i], heads_y, room),
            Weight::Bold,
            8.5,
            Colour::BLACK,
            Align::Left,
        );
    }
    page.fill(MARGIN, heads_y - 2.0, inner, 0.5, Colour::BLACK);
}

fn draw(
    page: &mut Page,
    line: &Line,
    y: f32,
    previous: Option<&str>,
    (words, produced_on): (&Words, chrono::NaiveDate),
) {
    let inner = page.width - 2.0 * MARGIN;
    let Some(person) = line.person else {
        let heading = format!("{} · {} {}", line.zone, line.in_zone, words.people);
        page.text(
            &heading,
            (MARGIN, y - 4.6, inner),
            Weight::Bold,
            11.0,
            Colour::BLACK,
            Align::Left,
        );
        return;
    };
    if previous.is_none() {
        // The page starts inside a zone: say which.
        let heading = format!("{} ({})", line.zone, words.continued);
        page.text(
            &heading,
            (MARGIN, y + 1.6, inner),
            Weight::Bold,
            8.0,
            Colour::BLACK,
            Align::Left,
        );
    }
    page.frame(MARGIN + 1.0, y - 5.0, 4.0, 4.0, 0.8);
    // The time alone for today's check-ins; the date too for a visit that began before.
    let checked_in = if person.checked_in_at.date_naive() == produced_on {
        person.checked_in_at.format("%H:%M")
    } else {
        person.checked_in_at.format("%d.%m. %H:%M")
    }
    .to_string();
    let last_door = person.last_door.as_ref().map_or_else(String::new, |seen| {
        let at = seen.at.format("%H:%M");
        // A refusal before the door's name, which a narrow column may cut.
        if seen.granted {
            format!("{at} {}", seen.door.trim())
        } else {
            format!("{at} {}: {}", words.denied, seen.door.trim())
        }
    });
    let cells = [
        (person.name.as_str(), Weight::Bold),
        (person.company.as_deref().unwrap_or(""), Weight::Regular),
        (person.host.as_str(), Weight::Regular),
        (person.category.as_str(), Weight::Regular),
        (checked_in.as_str(), Weight::Regular),
        (last_door.as_str(), Weight::Regular),
    ];
    let last = cells.len() - 1;
    for (i, (text, weight)) in cells.into_iter().enumerate() {
        let room = COLUMNS[i + 1] - COLUMNS[i] - 2.0;
        // The last door says when and where in one cell: a little smaller, to fit.
        let size = if i == last { TEXT - 1.0 } else { TEXT };
        page.text(
            text.trim(),
            (MARGIN + COLUMNS[i], y - 4.6, room),
            weight,
            size,
            Colour::BLACK,
            Align::Left,
        );
    }
    page.fill(
        MARGIN,
        y - ROW + 0.2,
        inner,
        0.15,
        Colour {
            r: 90,
            g: 90,
            b: 90,
        },
    );
}

struct Words {
    title: &'static str,
    produced: &'static str,
    on_site: &'static str,
    page: &'static str,
    people: &'static str,
    continued: &'static str,
    no_zone: &'static str,
    nobody: &'static str,
    doors_as_of: &'static str,
    minutes_old: &'static str,
    denied: &'static str,
    heads: [&'static str; 6],
}

const ENGLISH: Words = Words {
    title: "MUSTER LIST",
    produced: "Produced",
    on_site: "people on site",
    page: "Page",
    people: "people",
    continued: "continued",
    no_zone: "No zone recorded",
    nobody: "Nobody is checked in.",
    doors_as_of: "Door scans as of",
    minutes_old: "min old",
    denied: "denied",
    heads: [
        "Name",
        "Company",
        "Host",
        "Category",
        "Checked in",
        "Last door",
    ],
};

const GERMAN: Words = Words {
    title: "EVAKUIERUNGSLISTE",
    produced: "Erstellt",
    on_site: "Personen vor Ort",
    page: "Seite",
    people: "Personen",
    continued: "Fortsetzung",
    no_zone: "Kein Bereich erfasst",
    nobody: "Niemand ist angemeldet.",
    doors_as_of: "Türdaten vom",
    minutes_old: "Min. alt",
    denied: "abgelehnt",
    heads: [
        "Name",
        "Firma",
        "Gastgeber",
        "Kategorie",
        "Angemeldet",
        "Letzte Tür",
    ],
};
