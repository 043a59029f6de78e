//! The signed non-disclosure agreement: the exact text the visitor was shown, their signature,
//! their typed name, when and where they signed, and the SHA-256 of the template version, so the
//! PDF proves which words were agreed to.

use chrono::{DateTime, FixedOffset};
use image::{Rgb, RgbImage, RgbaImage};

use crate::{
    badge::Language,
    pdf::{Align, Colour, Page, Sheet, Weight, line_step, paragraph},
};

const A4: (f32, f32) = (210.0, 297.0);
const MARGIN: f32 = 20.0;
const TEXT: f32 = 10.5;
const SIGNATURE_BOX: (f32, f32) = (90.0, 30.0);
/// Longer than any agreement a visitor can be asked to read standing.
pub const MAX_TEXT: usize = 40_000;
const MAX_NAME: usize = 120;
/// The signature pad's PNG; a finger's scribble is a few dozen kilobytes.
pub const MAX_SIGNATURE_BYTES: usize = 2 * 1024 * 1024;

/// What the visitor signed, and how.
#[derive(Debug, Clone)]
pub struct SignedNda {
    pub text: String,
    pub version: u32,
    pub sha256: String,
    /// The full name the visitor typed.
    pub name: String,
    /// The signature pad's drawing as PNG (transparent or white background).
    pub signature_png: Vec<u8>,
    /// When they signed, in the facility's time zone.
    pub signed_at: DateTime<FixedOffset>,
    pub kiosk: String,
    pub facility: String,
    pub language: Language,
}

#[derive(Debug, thiserror::Error)]
pub enum NdaError {
    #[error("{field} {problem}")]
    Invalid {
        field: &'static str,
        problem: &'static str,
    },
}

fn invalid(field: &'static str, problem: &'static str) -> NdaError {
    NdaError::Invalid { field, problem }
}

/// The signed agreement as an A4 PDF of as many pages as the text needs.
///
/// # Errors
/// An empty or over-long text or name, or a signature that is not a PNG with ink on it.
pub fn render(nda: &SignedNda) -> Result<Vec<u8>, NdaError> {
    let signature = check(nda)?;
    let words = match nda.language {
        Language::En => &ENGLISH,
        Language::De => &GERMAN,
    };
    let mut sheet = Sheet::new(words.title, nda.signed_at.to_utc());
    let placed = sheet.add_image(&signature);
    let (width, height) = A4;
    let column = width - 2.0 * MARGIN;
    let step = line_step(TEXT);
    let mut pages = vec![Page::new(width, height)];
    let mut y = height - MARGIN;
    for text in nda.text.split('\n') {
        let lines = if text.trim().is_empty() {
            vec![String::new()]
        } else {
            paragraph(text.trim(), Weight::Regular, TEXT, column)
        };
        for line in lines {
            if y < MARGIN + step {
                pages.push(Page::new(width, height));
                y = height - MARGIN;
            }
            y -= step;
            let page = pages.last_mut().expect("one page at least");
            page.text(
                &line,
                (MARGIN, y, column),
                Weight::Regular,
                TEXT,
                Colour::BLACK,
                Align::Left,
            );
        }
    }
    // The signature block stays on one page with nothing of it split.
    let block = SIGNATURE_BOX.1 + 8.0 * step;
    if y - block < MARGIN {
        pages.push(Page::new(width, height));
        y = height - MARGIN;
    }
    let page = pages.last_mut().expect("one page at least");
    y -= 2.0 * step;
    let (box_w, box_h) = SIGNATURE_BOX;
    page.frame(MARGIN, y - box_h, box_w, box_h, 0.3);
    #[expect(clippy::cast_precision_loss, reason = "images of a few hundred pixels")]
    let fitted_w = (box_w - 4.0).min((box_h - 4.0) * placed.width as f32 / placed.height as f32);
    page.image(&placed, MARGIN + 2.0, y - box_h + 2.0, fitted_w);
    y -= box_h + step;
    let at = |y: f32| (MARGIN, y, column);
    let facts = [
        (words.signed_by, nda.name.trim().to_owned()),
        (
            words.signed_at,
            nda.signed_at.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        ),
        (
            words.place,
            format!("{} · {}", nda.facility.trim(), nda.kiosk.trim()),
        ),
        (
            words.version,
            format!("{} · SHA-256 {}", nda.version, nda.sha256),
        ),
    ];
    for (label, value) in facts {
        page.text(label, at(y), Weight::Bold, 9.0, Colour::BLACK, Align::Left);
        page.text(
            &value,
            (MARGIN + 38.0, y, column - 38.0),
            Weight::Regular,
            9.0,
            Colour::BLACK,
            Align::Left,
        );
        y -= line_step(9.0);
    }
    Ok(sheet.finish(pages))
}

/// Checks every field and returns the signature flattened onto white.
fn check(nda: &SignedNda) -> Result<RgbImage, NdaError> {
    if nda.text.trim().is_empty() {
        return Err(invalid("text", "is empty"));
    }
    if nda.text.len() > MAX_TEXT {
        return Err(invalid("text", "is longer than 40,000 characters"));
    }
    let name = nda.name.trim();
    if name.is_empty() {
        return Err(invalid("name", "is empty"));
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            "must be one line of at most 120 characters",
        ));
    }
    if nda.sha256.len() != 64 || !nda.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("sha256", "is not a SHA-256 in hex"));
    }
    if nda.signature_png.len() > MAX_SIGNATURE_BYTES {
        return Err(invalid("signature", "is larger than 2 MB"));
    }
    let drawing = image::load_from_memory_with_format(&nda.signature_png, image::ImageFormat::Png)
        .map_err(|_| invalid("signature", "is not a PNG image"))?;
    if drawing.width() > 4000 || drawing.height() > 4000 {
        return Err(invalid("signature", "is larger than 4000 × 4000 pixels"));
    }
    let flat = on_white(&drawing.to_rgba8());
    if !flat.pixels().any(|pixel| pixel.0.iter().any(|&c| c < 160)) {
        return Err(invalid("signature", "is blank"));
    }
    Ok(flat)
}

fn on_white(drawing: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(drawing.width(), drawing.height(), |x, y| {
        let [red, green, blue, alpha] = drawing.get_pixel(x, y).0;
        let over = |channel: u8| {
            let mixed = u32::from(channel) * u32::from(alpha) + 255 * (255 - u32::from(alpha));
            u8::try_from(mixed / 255).unwrap_or(u8::MAX)
        };
        Rgb([over(red), over(green), over(blue)])
    })
}

struct Words {
    title: &'static str,
    signed_by: &'static str,
    signed_at: &'static str,
    place: &'static str,
    version: &'static str,
}

const ENGLISH: Words = Words {
    title: "Non-disclosure agreement",
    signed_by: "Signed by",
    signed_at: "Signed at",
    place: "Where",
    version: "Text version",
};

const GERMAN: Words = Words {
    title: "Geheimhaltungsvereinbarung",
    signed_by: "Unterschrieben von",
    signed_at: "Unterschrieben am",
    place: "Ort",
    version: "Textfassung",
};
