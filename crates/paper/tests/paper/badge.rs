//! Badges as a printer and a door reader see them: exact page size, embedded fonts, every field
//! as text, the QR code read back by zbar at 300 dpi, nothing outside the page whatever the name,
//! and bad input refused with a clear error.

use std::path::{Path, PathBuf};

use gatehouse_paper::badge::{self, Badge, BadgeError, Category, Language, Layout, Zone};
use gatehouse_testsupport::poppler;

const PT_PER_MM: f32 = 72.0 / 25.4;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
}

fn demo() -> Badge {
    let mut badge: Badge =
        serde_json::from_str(&std::fs::read_to_string(demo_dir().join("badge.json")).unwrap())
            .unwrap();
    badge.photo = badge.photo.map(|photo| demo_dir().join(photo));
    badge
}

fn write(dir: &Path, name: &str, badge: &Badge, layout: Layout) -> PathBuf {
    let pdf = badge::render(badge, layout).unwrap();
    let path = dir.join(format!("{name}-{layout}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

/// Text compared without line breaks, spaces and hyphens (pdftotext joins a name broken after
/// its hyphen), and without the direction marks pdftotext puts around right-to-left words.
fn squashed(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && !('\u{202A}'..='\u{202E}').contains(c))
        .collect()
}

/// A visitor's name, company and host in each script a lobby sees, the host in another script
/// than the visitor where that happens in life.
const SCRIPTS: [(&str, &str, &str, &str); 9] = [
    (
        "Arabic",
        "محمد عبد الرحمن الهاشمي",
        "شركة الخليج للاستشارات",
        "فاطمة الزهراء",
    ),
    (
        "Hebrew",
        "שרה בן־דוד",
        "מעבדות ירושלים בע״מ",
        "Fiona Brandt",
    ),
    (
        "Devanagari",
        "प्रियंका श्रीवास्तव",
        "टाटा कंसल्टेंसी सर्विसेज़",
        "Fiona Brandt",
    ),
    ("Thai", "สมชาย ใจดีมีสุข", "บริษัท ไทยพัฒนา จำกัด", "Fiona Brandt"),
    ("Chinese", "王小明", "北京科技有限公司", "Fiona Brandt"),
    ("Japanese", "山田 太郎", "株式会社トヨタ", "Fiona Brandt"),
    ("Korean", "김민준", "삼성전자 주식회사", "Fiona Brandt"),
    (
        "Greek and Cyrillic",
        "Ελένη Дмитриевна",
        "Οδησσός ООО",
        "Fiona Brandt",
    ),
    (
        "mixed",
        "Omar Khaled عمر خالد",
        "Müller & Söhne 東京",
        "Jürgen Größe",
    ),
];

#[test]
fn names_in_every_script_print_as_their_own_letters_with_fonts_cut_to_what_the_badge_uses() {
    let dir = tempfile::tempdir().unwrap();
    for (script, name, company, host) in SCRIPTS {
        let badge = Badge {
            name: name.into(),
            company: Some(company.into()),
            host: host.into(),
            ..demo()
        };
        let path = write(dir.path(), "script", &badge, Layout::Cr80);
        // Read back in reading order: joined Arabic letters, Devanagari conjuncts and Thai
        // marks each as the characters they are.
        let text = squashed(&poppler::text(&path, None));
        for field in [name, company, &format!("Host: {host}")] {
            assert!(
                text.contains(&squashed(field)),
                "{script}: {field:?} missing from {text}"
            );
        }
        let fonts = poppler::fonts(&path);
        assert!(
            fonts.iter().all(|(_, embedded)| *embedded),
            "{script}: {fonts:?}"
        );
        // The fonts are cut to the glyphs drawn: the Chinese/Japanese face alone is 4 MB.
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 120_000, "{script}: {size} bytes");
    }
}

#[test]
fn each_layout_has_its_exact_page_size() {
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let pdf = write(dir.path(), "size", &demo(), layout);
        let (width, height) = layout.size();
        let sizes = poppler::page_sizes(&pdf);
        assert_eq!(sizes.len(), 1, "{layout}: one page");
        let (w, h) = sizes[0];
        assert!(
            (w - width * PT_PER_MM).abs() < 0.01,
            "{layout}: width {w} pt"
        );
        assert!(
            (h - height * PT_PER_MM).abs() < 0.01,
            "{layout}: height {h} pt"
        );
    }
}

#[test]
fn fonts_are_embedded() {
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let fonts = poppler::fonts(&write(dir.path(), "fonts", &demo(), layout));
        assert_eq!(fonts.len(), 2, "{layout}: regular and bold: {fonts:?}");
        assert!(
            fonts.iter().all(|(_, embedded)| *embedded),
            "{layout}: {fonts:?}"
        );
    }
}

#[test]
fn every_field_is_printed_as_extractable_text() {
    let dir = tempfile::tempdir().unwrap();
    let badge = demo();
    for layout in Layout::ALL {
        let text = squashed(&poppler::text(
            &write(dir.path(), "text", &badge, layout),
            None,
        ));
        for field in [
            "VISITOR",
            &badge.name,
            badge.company.as_deref().unwrap(),
            "Host: Fiona Brandt",
            &badge.category.name,
            &badge.facility,
            "Wed 25 Nov 2026",
            "Valid 09:00–17:30",
            "Lobby",
            "Level 3 Workshops",
            "Server room",
            "ESCORT REQUIRED",
        ] {
            assert!(
                text.contains(&squashed(field)),
                "{layout}: {field:?} missing from {text}"
            );
        }
    }
}

#[test]
fn a_german_badge_speaks_german() {
    let dir = tempfile::tempdir().unwrap();
    let badge = Badge {
        language: Language::De,
        ..demo()
    };
    let text = poppler::text(&write(dir.path(), "de", &badge, Layout::Dk62x100), None);
    for words in [
        "BESUCHER",
        "Gastgeber: Fiona Brandt",
        "Mi 25. Nov. 2026",
        "Gültig 09:00–17:30",
        "BEGLEITUNG ERFORDERLICH",
    ] {
        assert!(text.contains(words), "{words:?} missing from {text}");
    }
}

#[test]
fn the_qr_code_decodes_with_zbar_to_exactly_the_credential_at_300_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let badge = demo();
    let without_photo = Badge {
        photo: None,
        ..demo()
    };
    for layout in Layout::ALL {
        for (name, badge) in [("photo", &badge), ("plain", &without_photo)] {
            let pdf = write(dir.path(), name, badge, layout);
            let png = dir.path().join(format!("{name}-{layout}.png"));
            poppler::render(&pdf, 1, 300, &png);
            assert_eq!(
                poppler::zbar(&png),
                vec![badge.credential.clone()],
                "{layout} {name}"
            );
        }
    }
}

#[test]
fn the_longest_credential_still_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let badge = Badge {
        credential: "GH1.".to_owned() + &"x7Q".repeat(105) + "Z",
        ..demo()
    };
    assert_eq!(badge.credential.len(), badge::MAX_CREDENTIAL);
    for layout in Layout::ALL {
        let pdf = write(dir.path(), "long", &badge, layout);
        let png = dir.path().join(format!("long-{layout}.png"));
        poppler::render(&pdf, 1, 300, &png);
        assert_eq!(
            poppler::zbar(&png),
            vec![badge.credential.clone()],
            "{layout}"
        );
    }
}

/// Names from 1 to 80 characters in the scripts a European lobby sees.
const NAMES: [&str; 10] = [
    "Å",
    "Li Na",
    "Jean-Baptiste Fontaine-Beaumarchais",
    "Ελευθέριος Παπαδόπουλος-Χατζηγεωργίου",
    "Александра Владимировна Константинопольская",
    "Nguyễn Thị Minh Khai Trần",
    "Şükrü Çağlayan Öztürk Gümüşhaneli",
    "Maria-Magdalena Alexandrovna Konstantinopoulou-Wittelsbach von Hohenzollern-Sig",
    "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswesen",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
];

/// The part of a word's box its letters cover. pdftotext's box spans Noto Sans' full ascent and
/// descent (1.069 + 0.293 em), which is taller than a line (1.15 em) as in any typeset text; the
/// ink runs from the capitals' top (0.714 em above the baseline) to the descenders' bottom
/// (0.24 em below it).
fn ink(word: &poppler::Word) -> (f32, f32) {
    let em = (word.y_max - word.y_min) / 1.362;
    let baseline = word.y_min + 1.069 * em;
    (baseline - 0.714 * em, baseline + 0.24 * em)
}

#[test]
fn nothing_overflows_the_page_or_overlaps_for_names_of_1_to_80_characters_in_many_scripts() {
    let dir = tempfile::tempdir().unwrap();
    for name in NAMES {
        assert!(name.chars().count() <= 80);
        let badge = Badge {
            name: name.into(),
            company: Some(name.into()),
            host: name.into(),
            ..demo()
        };
        for layout in Layout::ALL {
            let pdf = write(dir.path(), "name", &badge, layout);
            let (width, height) = layout.size();
            let words = poppler::words(&pdf);
            assert!(!words.is_empty());
            for word in &words {
                assert!(
                    word.x_min >= 0.0
                        && word.y_min >= 0.0
                        && word.x_max <= width * PT_PER_MM + 0.5
                        && word.y_max <= height * PT_PER_MM + 0.5,
                    "{layout}, {name:?}: {word:?} is outside the page"
                );
            }
            for (i, a) in words.iter().enumerate() {
                for b in &words[i + 1..] {
                    let overlap_x = a.x_max.min(b.x_max) - a.x_min.max(b.x_min);
                    let (a_top, a_bottom) = ink(a);
                    let (b_top, b_bottom) = ink(b);
                    let overlap_y = a_bottom.min(b_bottom) - a_top.max(b_top);
                    assert!(
                        overlap_x <= 0.5 || overlap_y <= 0.5,
                        "{layout}, {name:?}: {a:?} overlaps {b:?}"
                    );
                }
            }
            let text = squashed(&poppler::text(&pdf, None));
            let shown = name.trim_end_matches('W');
            assert!(
                text.contains(&squashed(shown)) || text.contains('…'),
                "{layout}: {name:?} neither shown whole nor cut with …: {text}"
            );
        }
    }
}

#[test]
fn the_visit_date_is_printed_large_so_an_old_badge_cannot_pass_for_today() {
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let words = poppler::words(&write(dir.path(), "date", &demo(), layout));
        let year = words
            .iter()
            .find(|w| w.text == "2026")
            .expect("the year is printed");
        let name = words
            .iter()
            .find(|w| w.text == "Fiona")
            .expect("the host is printed");
        // pdftotext's word box is about the font size tall.
        assert!(year.y_max - year.y_min >= 12.0, "{layout}: {year:?}");
        assert!(
            year.y_max - year.y_min > 1.5 * (name.y_max - name.y_min),
            "{layout}"
        );
    }
}

#[test]
fn a_visit_over_several_days_shows_both_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut badge = demo();
    badge.valid_until = "2026-11-27T12:00:00+01:00".parse().unwrap();
    let text = poppler::text(&write(dir.path(), "days", &badge, Layout::Dk62x100), None);
    assert!(text.contains("Wed 25 Nov 2026 – Fri 27 Nov 2026"), "{text}");
}

fn refused(badge: &Badge) -> String {
    match badge::render(badge, Layout::Cr80) {
        Ok(_) => panic!("rendered a badge it should refuse"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn bad_fields_are_refused_with_the_field_named() {
    let cases: Vec<(Badge, &str)> = vec![
        (
            Badge {
                name: "  ".into(),
                ..demo()
            },
            "name is empty",
        ),
        (
            Badge {
                name: "N".repeat(10 * 1024),
                ..demo()
            },
            "name is longer than 120 characters",
        ),
        (
            Badge {
                host: String::new(),
                ..demo()
            },
            "host is empty",
        ),
        (
            Badge {
                name: "Eve\u{7}".into(),
                ..demo()
            },
            "name contains control characters",
        ),
        (
            Badge {
                category: Category {
                    name: "Guest".into(),
                    colour: "orange".into(),
                },
                ..demo()
            },
            "category.colour is not a colour",
        ),
        (
            Badge {
                valid_until: demo().valid_from,
                ..demo()
            },
            "valid_until is not after valid_from",
        ),
        (
            Badge {
                credential: String::new(),
                ..demo()
            },
            "credential must be 1 to 320 bytes",
        ),
        (
            Badge {
                credential: "x".repeat(321),
                ..demo()
            },
            "credential must be 1 to 320 bytes",
        ),
        (
            Badge {
                zones: vec![Zone {
                    name: String::new(),
                    escort_required: false,
                }],
                ..demo()
            },
            "zones.name is empty",
        ),
    ];
    for (badge, expected) in cases {
        let error = refused(&badge);
        assert!(
            error.contains(expected),
            "{error:?} should say {expected:?}"
        );
    }
}

#[test]
fn a_huge_corrupt_or_missing_photo_is_refused_not_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.jpg");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let corrupt = dir.path().join("corrupt.jpg");
    std::fs::write(&corrupt, b"\xff\xd8\xff\xe0 this is not a photo").unwrap();
    let text = dir.path().join("photo.png");
    std::fs::write(&text, b"hello").unwrap();
    for (photo, expected) in [
        (huge, "is 50 MB; a photo may be at most 10 MB"),
        (corrupt, "is not a JPEG or PNG image"),
        (text, "is not a JPEG or PNG image"),
        (dir.path().join("missing.jpg"), "cannot read"),
    ] {
        let error = refused(&Badge {
            photo: Some(photo),
            ..demo()
        });
        assert!(
            error.starts_with("photo: ") && error.contains(expected),
            "{error}"
        );
    }
}

#[test]
fn an_unknown_layout_is_named_in_the_error() {
    let error = "a4".parse::<Layout>().unwrap_err();
    assert!(matches!(error, BadgeError::UnknownLayout(_)));
    assert_eq!(
        error.to_string(),
        "unknown layout \"a4\": use cr80, dk62x100 or dymo30857"
    );
}
