//! The signed NDA as a lawyer would check it: the exact text, the visitor's name and signature,
//! when and where, and the SHA-256 of the text version signed; bad input writes nothing.

use gatehouse_paper::{
    badge::Language,
    nda::{self, SignedNda},
};
use gatehouse_testsupport::poppler;
use image::{Rgba, RgbaImage};

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A finger's scribble on a transparent pad, as the kiosk's canvas exports it.
fn scribble() -> Vec<u8> {
    let mut pad = RgbaImage::from_pixel(720, 144, Rgba([0, 0, 0, 0]));
    for x in 40..680_u32 {
        let y = 72.0 + 40.0 * (f64::from(x) / 40.0).sin();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "inside the pad"
        )]
        let y = y as u32;
        for dy in 0..5 {
            pad.put_pixel(x, y + dy, Rgba([18, 48, 47, 255]));
        }
    }
    let mut png = Vec::new();
    pad.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

fn signed(text: &str) -> SignedNda {
    SignedNda {
        text: text.into(),
        version: 3,
        sha256: SHA.into(),
        name: "Sofia Rossi".into(),
        signature_png: scribble(),
        signed_at: "2026-11-25T09:41:07+01:00".parse().unwrap(),
        kiosk: "Lobby".into(),
        facility: "Harbour Point".into(),
        language: Language::En,
    }
}

fn written(nda: &SignedNda) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nda.pdf");
    std::fs::write(&path, nda::render(nda).unwrap()).unwrap();
    (dir, path)
}

#[test]
fn signed_nda_holds_the_text_name_time_place_and_text_hash() {
    let text = "Non-disclosure agreement\n\n1. Everything you see here is confidential.\n\n2. You will not photograph inside the building.";
    let (_dir, pdf) = written(&signed(text));
    let shown = poppler::text(&pdf, None);
    for expected in [
        "Non-disclosure agreement",
        "1. Everything you see here is confidential.",
        "2. You will not photograph inside the building.",
        "Signed by",
        "Sofia Rossi",
        "2026-11-25 09:41:07 +01:00",
        "Harbour Point · Lobby",
        &format!("3 · SHA-256 {SHA}"),
    ] {
        assert!(
            shown.contains(expected),
            "{expected:?} missing from:\n{shown}"
        );
    }
    // A4 in points.
    let sizes = poppler::page_sizes(&pdf);
    assert_eq!(sizes.len(), 1);
    assert!(
        (sizes[0].0 - 595.28).abs() < 0.5 && (sizes[0].1 - 841.89).abs() < 0.5,
        "{sizes:?}"
    );
}

#[test]
fn a_name_in_any_script_is_signed_in_its_own_letters_and_kept_in_the_text() {
    for name in gatehouse_testsupport::NAMES_IN_EVERY_SCRIPT {
        let nda = SignedNda {
            name: name.into(),
            ..signed("Non-disclosure agreement\n\nEverything you see here is confidential.")
        };
        let (_dir, pdf) = written(&nda);
        let shown = poppler::read(&pdf);
        assert!(shown.contains(name), "{name:?} missing from:\n{shown}");
    }
}

#[test]
fn signature_ink_is_on_the_page() {
    let (dir, pdf) = written(&signed("A short agreement."));
    let png = dir.path().join("page.png");
    let page = poppler::render(&pdf, 1, 100, &png);
    // The signature box sits below the text, at the left: its ink is the dark teal drawn.
    let inked = page
        .pixels()
        .filter(|p| p.0[0] < 90 && p.0[1] > p.0[0] && p.0[1] < 120)
        .count();
    assert!(inked > 200, "only {inked} pixels of signature ink");
}

#[test]
fn long_agreement_flows_onto_more_pages_with_nothing_lost() {
    let paragraphs: Vec<String> = (1..=80)
        .map(|n| format!("{n}. The visitor keeps every detail of clause {n} to themselves, in every medium and for five years."))
        .collect();
    let (_dir, pdf) = written(&signed(&paragraphs.join("\n\n")));
    assert!(poppler::page_sizes(&pdf).len() >= 3);
    let shown = poppler::text(&pdf, None);
    for n in [1, 40, 80] {
        assert!(shown.contains(&format!(
            "{n}. The visitor keeps every detail of clause {n}"
        )));
    }
    assert!(shown.contains("Sofia Rossi"));
}

#[test]
fn german_signed_nda_has_german_labels() {
    let (_dir, pdf) = written(&SignedNda {
        language: Language::De,
        ..signed("Geheimhaltung.")
    });
    let shown = poppler::text(&pdf, None);
    assert!(shown.contains("Unterschrieben von"), "{shown}");
    assert!(shown.contains("Textfassung"), "{shown}");
}

#[test]
fn nda_with_bad_input_is_refused_by_field() {
    let blank_pad = {
        let mut png = Vec::new();
        RgbaImage::from_pixel(720, 144, Rgba([0, 0, 0, 0]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    };
    let cases = [
        (
            SignedNda {
                text: " \n ".into(),
                ..signed("x")
            },
            "text is empty",
        ),
        (
            SignedNda {
                text: "x".repeat(40_001),
                ..signed("x")
            },
            "text is longer",
        ),
        (
            SignedNda {
                name: "  ".into(),
                ..signed("x")
            },
            "name is empty",
        ),
        (
            SignedNda {
                name: "Sofia\nRossi".into(),
                ..signed("x")
            },
            "name must be one line",
        ),
        (
            SignedNda {
                sha256: "abc".into(),
                ..signed("x")
            },
            "sha256 is not a SHA-256",
        ),
        (
            SignedNda {
                signature_png: b"not a png".to_vec(),
                ..signed("x")
            },
            "signature is not a PNG",
        ),
        (
            SignedNda {
                signature_png: blank_pad,
                ..signed("x")
            },
            "signature is blank",
        ),
        (
            SignedNda {
                signature_png: vec![0; 3 * 1024 * 1024],
                ..signed("x")
            },
            "signature is larger than 2 MB",
        ),
    ];
    for (nda, expected) in cases {
        let error = nda::render(&nda).unwrap_err().to_string();
        assert!(
            error.contains(expected),
            "{error:?} does not say {expected:?}"
        );
    }
}
