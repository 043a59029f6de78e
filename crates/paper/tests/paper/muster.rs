//! The muster list as the fire warden holds it: the paper size asked for, everyone on it grouped
//! by zone, the column heads and the time on every page, and nothing that needs colour.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use gatehouse_paper::muster::{self, DoorSeen, MusterList, OnSite, Paper};
use gatehouse_testsupport::poppler;

fn at(time: &str) -> DateTime<FixedOffset> {
    format!("2026-11-25T{time}:00+01:00").parse().unwrap()
}

fn person(name: &str, zone: Option<&str>) -> OnSite {
    OnSite {
        name: name.into(),
        company: Some("Nordlicht Elektrotechnik GmbH".into()),
        host: "Fiona Brandt".into(),
        category: "Contractor".into(),
        checked_in_at: at("08:15"),
        zone: zone.map(Into::into),
        last_door: zone.map(|zone| DoorSeen {
            door: format!("{zone} door"),
            at: at("09:15"),
            granted: true,
        }),
    }
}

fn list(people: Vec<OnSite>, paper: Paper) -> MusterList {
    MusterList {
        facility: "Harbour Point".into(),
        produced_at: at("14:32"),
        paper,
        language: gatehouse_paper::badge::Language::En,
        doors_as_of: None,
        people,
    }
}

fn write(dir: &Path, list: &MusterList) -> std::path::PathBuf {
    let path = dir.join("muster.pdf");
    std::fs::write(&path, muster::render(list).unwrap()).unwrap();
    path
}

/// 130 people over four zones and "no zone recorded": several pages.
fn crowd() -> Vec<OnSite> {
    let zones = [
        Some("Lobby"),
        Some("Level 2"),
        Some("Loading dock"),
        Some("Roof"),
        None,
    ];
    (0..130)
        .map(|i| person(&format!("Visitor Number{i:03}"), zones[i % zones.len()]))
        .collect()
}

#[test]
fn a4_and_letter_pages_have_their_exact_size() {
    let dir = tempfile::tempdir().unwrap();
    for (paper, (width, height)) in [
        (Paper::A4, (595.28, 841.89)),
        (Paper::Letter, (612.0, 792.0)),
    ] {
        let sizes = poppler::page_sizes(&write(dir.path(), &list(crowd(), paper)));
        assert!(sizes.len() >= 3, "{paper:?}: {} pages", sizes.len());
        for (w, h) in sizes {
            assert!(
                (w - width).abs() < 0.05 && (h - height).abs() < 0.05,
                "{paper:?}: {w} x {h}"
            );
        }
    }
}

#[test]
fn every_page_repeats_the_title_time_column_heads_and_page_count() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), &list(crowd(), Paper::A4));
    let pages = poppler::page_sizes(&pdf).len();
    for page in 1..=pages {
        let text = poppler::text(&pdf, Some((page, page)));
        for expected in [
            "MUSTER LIST · Harbour Point".to_owned(),
            "Produced 2026-11-25 14:32 · 130 people on site".to_owned(),
            format!("Page {page} / {pages}"),
            "Name".to_owned(),
            "Company".to_owned(),
            "Checked in".to_owned(),
        ] {
            assert!(
                text.contains(&expected),
                "page {page}: {expected:?} missing from {text}"
            );
        }
    }
}

#[test]
fn everyone_is_listed_once_under_their_zone_with_the_unknown_zone_last() {
    let dir = tempfile::tempdir().unwrap();
    let text = poppler::rows(&write(dir.path(), &list(crowd(), Paper::A4)));
    for i in 0..130 {
        let name = format!("Visitor Number{i:03}");
        assert_eq!(text.matches(&name).count(), 1, "{name}");
    }
    let position = |what: &str| text.find(what).unwrap_or_else(|| panic!("{what} missing"));
    let headings = [
        "Level 2 · 26 people",
        "Loading dock · 26 people",
        "Lobby · 26 people",
        "Roof · 26 people",
        "No zone recorded · 26 people",
    ];
    for pair in headings.windows(2) {
        assert!(
            position(pair[0]) < position(pair[1]),
            "{pair:?} out of order"
        );
    }
    // Visitor 0 was last seen in the lobby: listed after the lobby's heading, before the roof's.
    let lobby_member = position("Visitor Number000");
    assert!(position(headings[2]) < lobby_member && lobby_member < position(headings[3]));
}

#[test]
fn names_in_every_script_are_listed_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let names = gatehouse_testsupport::NAMES_IN_EVERY_SCRIPT;
    let people = names
        .iter()
        .map(|name| person(name, Some("Lobby")))
        .collect();
    let text = poppler::read(&write(dir.path(), &list(people, Paper::A4)));
    for name in names {
        assert_eq!(text.matches(name).count(), 1, "{name:?} in:\n{text}");
    }
}

#[test]
fn the_list_needs_no_colour_to_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), &list(crowd(), Paper::A4));
    let page = poppler::render(&pdf, 1, 60, &dir.path().join("page.png"));
    let coloured = page
        .pixels()
        .filter(|p| p[0] != p[1] || p[1] != p[2])
        .count();
    assert_eq!(
        coloured, 0,
        "pixels in colour on a list printed in black and white"
    );
}

#[test]
fn an_empty_building_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let text = poppler::text(&write(dir.path(), &list(Vec::new(), Paper::A4)), None);
    assert!(text.contains("Nobody is checked in."), "{text}");
    assert!(text.contains("Page 1 / 1"), "{text}");
}

#[test]
fn a_german_list_speaks_german() {
    let dir = tempfile::tempdir().unwrap();
    let mut german = list(crowd(), Paper::A4);
    german.language = gatehouse_paper::badge::Language::De;
    let text = poppler::text(&write(dir.path(), &german), Some((1, 1)));
    for expected in [
        "EVAKUIERUNGSLISTE",
        "Erstellt",
        "Personen vor Ort",
        "Gastgeber",
        "Seite 1 /",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
}

#[test]
fn bad_entries_are_refused_with_the_entry_named() {
    let mut people = crowd();
    people[7].name = " ".into();
    let error = muster::render(&list(people, Paper::A4)).unwrap_err();
    assert_eq!(error.to_string(), "people[7].name is empty");
    let mut people = crowd();
    people[3].host = "H".repeat(10 * 1024);
    let error = muster::render(&list(people, Paper::A4)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "people[3].host is longer than 120 characters"
    );
}

#[test]
fn a_muster_list_is_dated_when_it_was_produced_not_when_it_was_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &list(crowd(), Paper::A4));
    let info = std::process::Command::new("pdfinfo")
        .args(["-isodates".as_ref(), path.as_os_str()])
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let created = info
        .lines()
        .find(|line| line.starts_with("CreationDate:"))
        .unwrap_or_default();
    let produced = at("14:32").to_utc().format("%Y-%m-%dT%H:%M").to_string();
    assert!(
        created.contains(&produced),
        "{created} (produced {produced})"
    );
}

#[test]
fn each_person_shows_the_last_door_that_saw_them_and_a_copy_says_how_old_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut refused = person("Ada Lovelace", Some("Lab B"));
    refused.last_door = Some(DoorSeen {
        door: "Roof".into(),
        at: at("09:40"),
        granted: false,
    });
    let mut from_a_copy = list(
        vec![person("Grace Hopper", Some("Lobby")), refused],
        Paper::A4,
    );
    let live = poppler::text(&write(dir.path(), &from_a_copy), None);
    assert!(live.contains("Last door"), "{live}");
    assert!(live.contains("09:15 Lobby door"), "{live}");
    assert!(live.contains("09:40 denied: Roof"), "{live}");
    assert!(
        !live.contains("Door scans as of"),
        "live scans need no age: {live}"
    );

    from_a_copy.doors_as_of = Some(at("14:20"));
    let copy = poppler::text(&write(dir.path(), &from_a_copy), None);
    assert!(
        copy.contains("Door scans as of 14:20 (12 min old)"),
        "{copy}"
    );
    from_a_copy.language = gatehouse_paper::badge::Language::De;
    let german = poppler::text(&write(dir.path(), &from_a_copy), None);
    assert!(
        german.contains("Türdaten vom 14:20 (12 Min. alt)"),
        "{german}"
    );
    assert!(german.contains("09:40 abgelehnt: Roof"), "{german}");
}
