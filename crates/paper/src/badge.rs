//! Visitor badges as PDF, for a CR80 card printer or a label printer: "VISITOR" and the
//! category's colour large, the name fitted to the width, the visit's date large enough that a
//! badge from another day cannot pass for today's, and the credential as a QR code a door reader
//! scans.

use std::{fmt, path::PathBuf, str::FromStr};

use chrono::{DateTime, Datelike as _, FixedOffset, Utc};
use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::{
    pdf::{Align, Colour, Page, Placed, Sheet, Weight, fit, line_step},
    picture::{self, PictureError},
};

/// Longest visitor, company or host name, in characters.
pub const MAX_NAME: usize = 120;
/// Longest credential, in bytes: longer payloads make modules too small for a door reader.
pub const MAX_CREDENTIAL: usize = 320;
const MAX_LABEL: usize = 40;
const MAX_ZONES: usize = 12;
const MARGIN: f32 = 3.0;

/// Everything printed on a badge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Badge {
    pub name: String,
    #[serde(default)]
    pub company: Option<String>,
    pub host: String,
    pub category: Category,
    /// The visit's start and end, in the facility's time zone.
    pub valid_from: DateTime<FixedOffset>,
    pub valid_until: DateTime<FixedOffset>,
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// A JPEG or PNG file, cropped to a passport-style 3:4 portrait.
    #[serde(default)]
    pub photo: Option<PathBuf>,
    /// The QR code's payload.
    pub credential: String,
    pub facility: String,
    #[serde(default)]
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub name: String,
    /// `#RRGGBB`.
    pub colour: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub name: String,
    #[serde(default)]
    pub escort_required: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    De,
}

/// The media a badge is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// An ID-1 card, 85.6 × 54 mm, landscape.
    Cr80,
    /// A Brother DK-22205 continuous roll cut at 100 mm, 62 × 100 mm, portrait.
    Dk62x100,
    /// A DYMO 30857 badge label, 2¼ × 4 in (57.15 × 101.6 mm), portrait.
    Dymo30857,
}

impl Layout {
    pub const ALL: [Self; 3] = [Self::Cr80, Self::Dk62x100, Self::Dymo30857];

    /// Width and height in millimetres.
    pub fn size(self) -> (f32, f32) {
        match self {
            Self::Cr80 => (85.6, 54.0),
            Self::Dk62x100 => (62.0, 100.0),
            Self::Dymo30857 => (57.15, 101.6),
        }
    }

    /// The CUPS `media` keyword for this size.
    pub fn media(self) -> &'static str {
        match self {
            Self::Cr80 => "Custom.85.6x54mm",
            Self::Dk62x100 => "Custom.62x100mm",
            Self::Dymo30857 => "Custom.57.15x101.6mm",
        }
    }
}

impl FromStr for Layout {
    type Err = BadgeError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|layout| layout.to_string() == name)
            .ok_or_else(|| BadgeError::UnknownLayout(name.to_owned()))
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cr80 => "cr80",
            Self::Dk62x100 => "dk62x100",
            Self::Dymo30857 => "dymo30857",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BadgeError {
    #[error("unknown layout {0:?}: use cr80, dk62x100 or dymo30857")]
    UnknownLayout(String),
    #[error("{field} {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
    #[error("photo: {0}")]
    Photo(#[from] PictureError),
}

fn invalid(field: &'static str, problem: impl Into<String>) -> BadgeError {
    BadgeError::Invalid {
        field,
        problem: problem.into(),
    }
}

/// The badge as a one-page PDF sized for `layout`.
///
/// # Errors
/// A field that is empty, too long or malformed, or a photo that cannot be read.
pub fn render(badge: &Badge, layout: Layout) -> Result<Vec<u8>, BadgeError> {
    let checked = Checked::new(badge)?;
    let photo = badge.photo.as_deref().map(picture::portrait).transpose()?;
    let mut sheet = Sheet::new(&format!("Visitor badge: {}", checked.name), Utc::now());
    let photo = photo
        .as_ref()
        .map(|photo: &RgbImage| sheet.add_image(photo));
    let (width, height) = layout.size();
    let mut page = Page::new(width, height);
    match layout {
        Layout::Cr80 => card(&mut page, &checked, photo.as_ref()),
        Layout::Dk62x100 | Layout::Dymo30857 => label(&mut page, &checked, photo.as_ref()),
    }
    Ok(sheet.finish(vec![page]))
}

/// A badge's fields, checked and ready to draw.
struct Checked<'a> {
    badge: &'a Badge,
    name: String,
    colour: Colour,
    code: Box<fast_qr::QRCode>,
    words: &'static Words,
}

impl<'a> Checked<'a> {
    fn new(badge: &'a Badge) -> Result<Self, BadgeError> {
        let name = text("name", &badge.name, MAX_NAME)?;
        text("host", &badge.host, MAX_NAME)?;
        text("facility", &badge.facility, MAX_NAME)?;
        text("category.name", &badge.category.name, MAX_LABEL)?;
        if badge
            .company
            .as_ref()
            .is_some_and(|company| company.chars().count() > MAX_NAME)
        {
            return Err(invalid(
                "company",
                format!("is longer than {MAX_NAME} characters"),
            ));
        }
        if badge.zones.len() > MAX_ZONES {
            return Err(invalid(
                "zones",
                format!("has more than {MAX_ZONES} entries"),
            ));
        }
        for zone in &badge.zones {
            text("zones.name", &zone.name, MAX_LABEL)?;
        }
        let colour = Colour::parse(&badge.category.colour)
            .ok_or_else(|| invalid("category.colour", "is not a colour like #1D4ED8"))?;
        if badge.valid_until <= badge.valid_from {
            return Err(invalid("valid_until", "is not after valid_from"));
        }
        if badge.credential.is_empty() || badge.credential.len() > MAX_CREDENTIAL {
            return Err(invalid(
                "credential",
                format!("must be 1 to {MAX_CREDENTIAL} bytes"),
            ));
        }
        let code = fast_qr::QRBuilder::new(badge.credential.as_bytes())
            .ecl(fast_qr::ECL::M)
            .build()
            .map(Box::new)
            .map_err(|error| invalid("credential", format!("cannot be a QR code: {error}")))?;
        let words = match badge.language {
            Language::En => &ENGLISH,
            Language::De => &GERMAN,
        };
        Ok(Self {
            badge,
            name,
            colour,
            code,
            words,
        })
    }

    fn date(&self) -> String {
        let day = |at: DateTime<FixedOffset>| {
            let weekday = self.words.weekdays[at.weekday().num_days_from_monday() as usize];
            let month = self.words.months[at.month0() as usize];
            match self.badge.language {
                Language::En => format!("{weekday} {} {month} {}", at.day(), at.year()),
                Language::De => format!("{weekday} {}. {month} {}", at.day(), at.year()),
            }
        };
        let (from, until) = (self.badge.valid_from, self.badge.valid_until);
        if from.date_naive() == until.date_naive() {
            day(from)
        } else {
            format!("{} – {}", day(from), day(until))
        }
    }

    fn hours(&self) -> String {
        let (from, until) = (self.badge.valid_from, self.badge.valid_until);
        format!(
            "{} {}–{}",
            self.words.valid,
            from.format("%H:%M"),
            until.format("%H:%M")
        )
    }

    fn zones(&self) -> String {
        self.badge
            .zones
            .iter()
            .map(|zone| zone.name.trim())
            .collect::<Vec<_>>()
            .join(" · ")
    }

    fn escort(&self) -> bool {
        self.badge.zones.iter().any(|zone| zone.escort_required)
    }
}

/// `value` trimmed, or an error if empty or longer than `max` characters.
fn text(field: &'static str, value: &str, max: usize) -> Result<String, BadgeError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(field, "is empty"));
    }
    if trimmed.chars().count() > max {
        return Err(invalid(field, format!("is longer than {max} characters")));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(trimmed.to_owned())
}

/// CR80, landscape: the band across the top; name, company and host at the left over the date;
/// zones and the QR code at the right; the photo, if any, at the far left.
fn card(page: &mut Page, badge: &Checked, photo: Option<&Placed>) {
    let (width, height) = (page.width, page.height);
    let band = 13.0;
    page.fill(0.0, height - band, width, band, badge.colour);
    let ink = badge.colour.ink();
    let title = badge.words.visitor;
    page.text(
        title,
        (MARGIN, height - 9.2, 0.0),
        Weight::Bold,
        22.0,
        ink,
        Align::Left,
    );
    let right_x = MARGIN + crate::pdf::width(title, Weight::Bold, 22.0) + 3.0;
    let right_w = width - MARGIN - right_x;
    page.text(
        badge.badge.category.name.trim(),
        (right_x, height - 5.6, right_w),
        Weight::Bold,
        9.0,
        ink,
        Align::Right,
    );
    page.text(
        badge.badge.facility.trim(),
        (right_x, height - 10.0, right_w),
        Weight::Regular,
        6.5,
        ink,
        Align::Right,
    );

    let qr = 22.0;
    let qr_x = width - MARGIN - qr;
    page.qr(&badge.code, qr_x, MARGIN, qr);
    let side = (qr_x, height - band - 2.0, qr);
    let below_escort = if badge.escort() {
        escort(page, badge, side)
    } else {
        side.1
    };
    let zones = fit(&badge.zones(), Weight::Regular, qr, (6.5, 5.0), 2);
    page.lines(
        &zones,
        (qr_x, below_escort, qr),
        Weight::Regular,
        Colour::BLACK,
        Align::Left,
    );

    let mut left = MARGIN;
    let top = height - band - 2.0;
    if let Some(photo) = photo {
        page.image(photo, MARGIN, top - 25.3, 19.0);
        left += 21.0;
    }
    let column = qr_x - 3.0 - left;
    identity(page, badge, (left, top, column), (14.0, 7.0), Align::Left);
    let date = fit(
        &badge.date(),
        Weight::Bold,
        qr_x - 3.0 - MARGIN,
        (13.0, 8.0),
        1,
    );
    page.text(
        &date.lines[0],
        (MARGIN, 8.0, 0.0),
        Weight::Bold,
        date.size,
        Colour::BLACK,
        Align::Left,
    );
    page.text(
        &badge.hours(),
        (MARGIN, 3.6, 0.0),
        Weight::Regular,
        7.5,
        Colour::BLACK,
        Align::Left,
    );
}

/// A label, portrait: the band at the top; name, company, host and zones centred; the photo and
/// the QR code side by side; an escort bar; the date across the bottom.
fn label(page: &mut Page, badge: &Checked, photo: Option<&Placed>) {
    let (width, height) = (page.width, page.height);
    let inner = width - 2.0 * MARGIN;
    let band = 20.0;
    page.fill(0.0, height - band, width, band, badge.colour);
    let ink = badge.colour.ink();
    let title = fit(badge.words.visitor, Weight::Bold, inner, (26.0, 18.0), 1);
    page.text(
        &title.lines[0],
        (MARGIN, height - 12.5, inner),
        Weight::Bold,
        title.size,
        ink,
        Align::Centre,
    );
    page.text(
        badge.badge.category.name.trim(),
        (MARGIN, height - 17.5, inner),
        Weight::Bold,
        9.0,
        ink,
        Align::Centre,
    );
    page.text(
        badge.badge.facility.trim(),
        (MARGIN, height - 4.5, inner),
        Weight::Regular,
        6.5,
        ink,
        Align::Centre,
    );

    let below = identity(
        page,
        badge,
        (MARGIN, height - band - 3.0, inner),
        (18.0, 9.0),
        Align::Centre,
    );
    let zones = fit(&badge.zones(), Weight::Regular, inner, (7.5, 6.0), 1);
    page.lines(
        &zones,
        (MARGIN, below - 1.0, inner),
        Weight::Regular,
        Colour::BLACK,
        Align::Centre,
    );

    let qr = 26.0;
    page.qr(&badge.code, width - MARGIN - qr, 23.0, qr);
    if let Some(photo) = photo {
        page.image(photo, MARGIN, 23.0, 19.5);
    }
    if badge.escort() {
        page.fill(0.0, 16.5, width, 5.0, Colour::BLACK);
        let words = fit(badge.words.escort, Weight::Bold, inner, (9.0, 6.0), 1);
        page.text(
            &words.lines[0],
            (MARGIN, 17.8, inner),
            Weight::Bold,
            words.size,
            Colour::WHITE,
            Align::Centre,
        );
    }
    let date = fit(&badge.date(), Weight::Bold, inner, (15.0, 8.0), 1);
    page.text(
        &date.lines[0],
        (MARGIN, 9.0, inner),
        Weight::Bold,
        date.size,
        Colour::BLACK,
        Align::Centre,
    );
    page.text(
        &badge.hours(),
        (MARGIN, 4.0, inner),
        Weight::Regular,
        8.0,
        Colour::BLACK,
        Align::Centre,
    );
}

/// Name (up to three lines), company and host from `top` down; returns the last baseline.
fn identity(
    page: &mut Page,
    badge: &Checked,
    at: (f32, f32, f32),
    sizes: (f32, f32),
    align: Align,
) -> f32 {
    let (x, top, width) = at;
    let name = fit(&badge.name, Weight::Bold, width, sizes, 3);
    let mut baseline = page.lines(&name, (x, top, width), Weight::Bold, Colour::BLACK, align);
    if let Some(company) = badge
        .badge
        .company
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let company = fit(company, Weight::Regular, width, (sizes.0 * 0.55, 6.0), 1);
        baseline = page.lines(
            &company,
            (x, baseline - 1.2, width),
            Weight::Regular,
            Colour::BLACK,
            align,
        );
    }
    let host = format!("{}: {}", badge.words.host, badge.badge.host.trim());
    let host = fit(&host, Weight::Regular, width, (sizes.0 * 0.45, 5.5), 1);
    page.lines(
        &host,
        (x, baseline - 1.0, width),
        Weight::Regular,
        Colour::BLACK,
        align,
    )
}

/// The black "escort required" mark at the top of a column; returns the space left below it.
fn escort(page: &mut Page, badge: &Checked, at: (f32, f32, f32)) -> f32 {
    let (x, top, width) = at;
    let words = fit(badge.words.escort, Weight::Bold, width - 2.0, (7.0, 4.5), 2);
    let step = line_step(words.size);
    #[expect(clippy::cast_precision_loss, reason = "one or two lines")]
    let height = step * words.lines.len() as f32 + 1.2;
    page.fill(x, top - height, width, height, Colour::BLACK);
    page.lines(
        &words,
        (x + 1.0, top - 0.6, width - 2.0),
        Weight::Bold,
        Colour::WHITE,
        Align::Left,
    );
    top - height - 1.0
}

struct Words {
    visitor: &'static str,
    host: &'static str,
    valid: &'static str,
    escort: &'static str,
    weekdays: [&'static str; 7],
    months: [&'static str; 12],
}

const ENGLISH: Words = Words {
    visitor: "VISITOR",
    host: "Host",
    valid: "Valid",
    escort: "ESCORT REQUIRED",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
};

const GERMAN: Words = Words {
    visitor: "BESUCHER",
    host: "Gastgeber",
    valid: "Gültig",
    escort: "BEGLEITUNG ERFORDERLICH",
    weekdays: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    months: [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.",
        "Dez.",
    ],
};
