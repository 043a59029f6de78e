//! What badges and muster lists share: the embedded fonts, text measured and fitted to a width,
//! and a page drawn in millimetres from the bottom-left corner.

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Codepoint, Color, DictItem, FontId, Greyscale, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt,
    Rect, Rgb, TextItem, WindingOrder, XObjectId, XObjectTransform,
};
use unicode_segmentation::UnicodeSegmentation as _;

pub use crate::typeset::Weight;
use crate::typeset::{FONTS, Font, Glyph, Line, shape};

const MM_PER_PT: f32 = 25.4 / 72.0;

/// The width of `text` in millimetres at `size` points.
pub fn width(text: &str, weight: Weight, size: f32) -> f32 {
    shape(text, weight).width / 1000.0 * size * MM_PER_PT
}

/// Text set in as few lines as fit, as large as fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
}

/// Sets `text` within `max_width` mm at the largest size from `sizes.0` down to `sizes.1` that
/// fits: on one line, or once shrunk by a quarter on up to `max_lines` lines, broken at spaces and
/// hyphens (and inside words too long for a line). At the smallest size, what still does not fit
/// ends in "…".
pub fn fit(
    text: &str,
    weight: Weight,
    max_width: f32,
    sizes: (f32, f32),
    max_lines: usize,
) -> Fitted {
    let (largest, smallest) = sizes;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A line's width grows with its size: measured once, at 1 pt.
    let one_line = width(&text, weight, 1.0);
    let mut size = largest;
    while size >= smallest {
        if one_line * size <= max_width {
            return Fitted {
                size,
                lines: vec![text],
            };
        }
        // One line until it has shrunk by a quarter; below that, a second line reads better.
        if size <= largest * 0.75 && max_lines > 1 {
            let broken = wrap_greedy(&text, weight, size, max_width);
            if broken.len() <= max_lines {
                return Fitted {
                    size,
                    lines: broken,
                };
            }
        }
        size -= 0.5;
    }
    let mut lines = wrap_greedy(&text, weight, smallest, max_width);
    let cut = lines.len() > max_lines.max(1);
    lines.truncate(max_lines.max(1));
    if let (true, Some(last)) = (cut, lines.last_mut()) {
        while !last.is_empty() && width(&format!("{last}…"), weight, smallest) > max_width {
            pop_grapheme(last);
        }
        *last = format!("{}…", last.trim_end());
    }
    Fitted {
        size: smallest,
        lines,
    }
}

/// Breaks `text` into as many lines of at most `max_width` mm as it needs, at `size`: after
/// spaces and hyphens, filling each line; a word wider than a line is cut.
pub fn paragraph(text: &str, weight: Weight, size: f32, max_width: f32) -> Vec<String> {
    wrap_greedy(text, weight, size, max_width)
}

fn wrap_greedy(text: &str, weight: Weight, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in pieces(text) {
        let candidate = format!("{line}{piece}");
        if width(candidate.trim_end(), weight, size) <= max_width {
            line = candidate;
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_owned());
        }
        line = String::new();
        for grapheme in piece.graphemes(true) {
            if !line.is_empty() && width(&format!("{line}{grapheme}"), weight, size) > max_width {
                lines.push(std::mem::take(&mut line));
            }
            line.push_str(grapheme);
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// Words with the space or hyphen that follows them.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .char_indices()
            .find(|&(_, c)| c == ' ' || c == '-')
            .map_or(rest.len(), |(i, c)| i + c.len_utf8());
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

/// The distance between baselines of text at `size` points, in millimetres.
pub fn line_step(size: f32) -> f32 {
    size * MM_PER_PT * 1.15
}

/// `text` cut to `max_width` with a trailing "…" if it was too wide.
fn ellipsize(text: &str, weight: Weight, size: f32, max_width: f32) -> String {
    if width(text, weight, size) <= max_width {
        return text.to_owned();
    }
    let mut cut = text.to_owned();
    while !cut.is_empty() && width(&format!("{cut}…"), weight, size) > max_width {
        pop_grapheme(&mut cut);
    }
    format!("{}…", cut.trim_end())
}

/// Takes the last character as a reader sees it (a letter with its marks) off `text`.
fn pop_grapheme(text: &mut String) {
    let keep = text
        .grapheme_indices(true)
        .next_back()
        .map_or(0, |(at, _)| at);
    text.truncate(keep);
}

/// A colour from `#RRGGBB`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const BLACK: Self = Self { r: 0, g: 0, b: 0 };
    pub const WHITE: Self = Self {
        r: 255,
        g: 255,
        b: 255,
    };

    pub fn parse(hex: &str) -> Option<Self> {
        let digits = hex.strip_prefix('#')?;
        if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |at: usize| u8::from_str_radix(&digits[at..at + 2], 16).ok();
        Some(Self {
            r: channel(0)?,
            g: channel(2)?,
            b: channel(4)?,
        })
    }

    /// Black or white, whichever reads better on this colour.
    #[must_use]
    pub fn ink(self) -> Self {
        let luminance =
            0.2126 * f32::from(self.r) + 0.7152 * f32::from(self.g) + 0.0722 * f32::from(self.b);
        if luminance > 150.0 {
            Self::BLACK
        } else {
            Self::WHITE
        }
    }

    fn pdf(self) -> Color {
        if self.r == self.g && self.g == self.b {
            return Color::Greyscale(Greyscale {
                percent: f32::from(self.r) / 255.0,
                icc_profile: None,
            });
        }
        Color::Rgb(Rgb {
            r: f32::from(self.r) / 255.0,
            g: f32::from(self.g) / 255.0,
            b: f32::from(self.b) / 255.0,
            icc_profile: None,
        })
    }
}

/// Where text sits on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

/// One page's drawing, in millimetres from the bottom-left corner.
#[derive(Debug)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    marks: Vec<Mark>,
}

/// What is drawn on a page: PDF operations as they are, and lines of text whose glyph numbers
/// change when the document's fonts are cut down to what it uses.
#[derive(Debug)]
enum Mark {
    Op(Op),
    Text {
        line: Line,
        size: f32,
        colour: Colour,
        at: (f32, f32),
    },
}

impl Page {
    pub fn new(width: f32, height: f32) -> Self {
        Self {
            width,
            height,
            marks: Vec::new(),
        }
    }

    fn op(&mut self, op: Op) {
        self.marks.push(Mark::Op(op));
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        self.op(Op::SetFillColor { col: colour.pdf() });
        let mut rect = Rect::from_xywh(Mm(x).into(), Mm(y).into(), Mm(w).into(), Mm(h).into());
        rect.mode = Some(PaintMode::Fill);
        self.op(Op::DrawRectangle { rectangle: rect });
    }

    /// A rectangle's outline, `thickness` points wide.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32) {
        self.op(Op::SetOutlineColor {
            col: Colour::BLACK.pdf(),
        });
        self.op(Op::SetOutlineThickness { pt: Pt(thickness) });
        let mut rect = Rect::from_xywh(Mm(x).into(), Mm(y).into(), Mm(w).into(), Mm(h).into());
        rect.mode = Some(PaintMode::Stroke);
        self.op(Op::DrawRectangle { rectangle: rect });
    }

    /// One line of text with its baseline at `y`, aligned within `x .. x + w` and cut with "…"
    /// if it is wider; a `w` of 0 leaves it unbounded (left-aligned text only).
    pub fn text(
        &mut self,
        text: &str,
        at: (f32, f32, f32),
        weight: Weight,
        size: f32,
        colour: Colour,
        align: Align,
    ) {
        let (x, y, w) = at;
        let mut line = shape(text, weight);
        let mut drawn = line.width / 1000.0 * size * MM_PER_PT;
        if w > 0.0 && drawn > w {
            line = shape(&ellipsize(text, weight, size, w), weight);
            drawn = line.width / 1000.0 * size * MM_PER_PT;
        }
        let x = match align {
            Align::Left => x,
            Align::Centre => x + (w - drawn) / 2.0,
            Align::Right => x + w - drawn,
        };
        self.marks.push(Mark::Text {
            line,
            size,
            colour,
            at: (x, y),
        });
    }

    /// Fitted lines from `top` down, `leading` × size apart; returns the baseline of the last.
    pub fn lines(
        &mut self,
        fitted: &Fitted,
        at: (f32, f32, f32),
        weight: Weight,
        colour: Colour,
        align: Align,
    ) -> f32 {
        let (x, top, w) = at;
        let step = line_step(fitted.size);
        let mut baseline = top - fitted.size * MM_PER_PT * 0.8;
        for (i, line) in fitted.lines.iter().enumerate() {
            if i > 0 {
                baseline -= step;
            }
            self.text(line, (x, baseline, w), weight, fitted.size, colour, align);
        }
        baseline
    }

    /// A QR code of `payload` filling a `size` mm square, dark modules as one filled path (no
    /// seams between modules when rasterised); the quiet zone is the caller's white margin.
    pub fn qr(&mut self, code: &fast_qr::QRCode, x: f32, y: f32, size: f32) {
        let modules = code.size;
        #[expect(clippy::cast_precision_loss, reason = "at most 177 modules")]
        let module = size / modules as f32;
        let dark = |row: usize, column: usize| code.data[row * modules + column].value();
        let mut rings = Vec::new();
        for row in 0..modules {
            let mut column = 0;
            while column < modules {
                if !dark(row, column) {
                    column += 1;
                    continue;
                }
                let start = column;
                while column < modules && dark(row, column) {
                    column += 1;
                }
                #[expect(clippy::cast_precision_loss, reason = "at most 177 modules")]
                let (left, right, top) = (
                    x + start as f32 * module,
                    x + column as f32 * module,
                    y + size - row as f32 * module,
                );
                let bottom = top - module;
                rings.push(PolygonRing {
                    points: [(left, bottom), (right, bottom), (right, top), (left, top)]
                        .into_iter()
                        .map(|(px, py)| LinePoint {
                            p: Point::new(Mm(px), Mm(py)),
                            bezier: false,
                        })
                        .collect(),
                });
            }
        }
        self.op(Op::SetFillColor {
            col: Colour::BLACK.pdf(),
        });
        self.op(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// An image placed in the box `x, y, w, h`, scaled to fill its width.
    pub fn image(&mut self, image: &Placed, x: f32, y: f32, w: f32) {
        #[expect(clippy::cast_precision_loss, reason = "images of a few hundred pixels")]
        let (pixels_wide, dpi) = (image.width as f32, 300.0);
        let natural = pixels_wide / dpi * 25.4;
        self.op(Op::UseXobject {
            id: image.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Mm(x).into()),
                translate_y: Some(Mm(y).into()),
                scale_x: Some(w / natural),
                scale_y: Some(w / natural),
                dpi: Some(dpi),
                ..XObjectTransform::default()
            },
        });
    }
}

/// An image added to a document, with its size in pixels.
#[derive(Debug)]
pub struct Placed {
    id: XObjectId,
    pub width: u32,
    pub height: u32,
}

/// A document being drawn: its fonts and images, then its pages.
#[derive(Debug)]
pub struct Sheet {
    document: PdfDocument,
    fonts: [FontId; FONTS],
}

impl Sheet {
    pub fn new(title: &str, created: chrono::DateTime<chrono::Utc>) -> Self {
        let mut document = PdfDocument::new(title);
        let fonts = std::array::from_fn(|_| FontId::new());
        if let Ok(date) = printpdf::OffsetDateTime::from_unix_timestamp(created.timestamp()) {
            document.metadata.info.creation_date = date;
            document.metadata.info.modification_date = date;
            document.metadata.info.metadata_date = date;
        }
        document.metadata.info.creator = "Gatehouse".into();
        document.metadata.info.producer = "Gatehouse".into();
        Self { document, fonts }
    }

    /// Adds an RGB image (already scaled to what the page needs).
    pub fn add_image(&mut self, image: &::image::RgbImage) -> Placed {
        let raw = printpdf::RawImage {
            pixels: printpdf::RawImageData::U8(image.as_raw().clone()),
            width: image.width() as usize,
            height: image.height() as usize,
            data_format: printpdf::RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        Placed {
            id: self.document.add_image(&raw),
            width: image.width(),
            height: image.height(),
        }
    }

    /// The finished PDF: each font cut down to the glyphs it draws, images JPEG-compressed.
    pub fn finish(mut self, pages: Vec<Page>) -> Vec<u8> {
        // What each glyph stands for, the same wherever it is drawn (a PDF maps a glyph to one
        // text): the first cluster that names it.
        let mut used: BTreeMap<Font, BTreeMap<u16, String>> = BTreeMap::new();
        for page in &pages {
            for mark in &page.marks {
                let Mark::Text { line, .. } = mark else {
                    continue;
                };
                for run in &line.runs {
                    let glyphs = used.entry(run.font).or_default();
                    for glyph in &run.glyphs {
                        let text = glyphs.entry(glyph.id).or_default();
                        if text.is_empty() {
                            text.clone_from(&glyph.text);
                        }
                    }
                }
            }
        }
        let mut renumbered = BTreeMap::new();
        for (font, glyphs) in &used {
            let (parsed, numbers) = subset(*font, glyphs.keys().copied());
            self.document
                .resources
                .fonts
                .map
                .insert(self.fonts[font.index()].clone(), PdfFont::new(parsed));
            renumbered.insert(*font, numbers);
        }
        let fonts = Fonts {
            ids: &self.fonts,
            used: &used,
            renumbered: &renumbered,
        };
        let pages = pages
            .into_iter()
            .map(|page| {
                let mut ops = Vec::with_capacity(page.marks.len());
                for mark in page.marks {
                    match mark {
                        Mark::Op(op) => ops.push(op),
                        Mark::Text {
                            line,
                            size,
                            colour,
                            at,
                        } => fonts.draw(&line, size, colour, at, &mut ops),
                    }
                }
                PdfPage::new(Mm(page.width), Mm(page.height), ops)
            })
            .collect();
        self.document.with_pages(pages);
        self.document
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// `font` cut down to `glyphs` (a badge draws a few dozen of a font's thousands, so the PDF
/// carries kilobytes of font instead of megabytes), with each old glyph number's new one.
fn subset(font: Font, glyphs: impl Iterator<Item = u16>) -> (ParsedFont, BTreeMap<u16, u16>) {
    use allsorts::{binary::read::ReadScope, font_data::FontData, subset};
    // Glyph 0 first, as a font needs; the subset numbers its glyphs in this order.
    let kept: Vec<u16> = std::iter::once(0)
        .chain(glyphs.filter(|&glyph| glyph != 0))
        .collect::<BTreeSet<u16>>()
        .into_iter()
        .collect();
    let cut = ReadScope::new(font.bytes())
        .read::<FontData<'_>>()
        .ok()
        .and_then(|data| data.table_provider(0).ok())
        .and_then(|provider| {
            subset::subset(
                &provider,
                &kept,
                &subset::SubsetProfile::Pdf,
                subset::CmapTarget::Unicode,
            )
            .ok()
        })
        .and_then(|bytes| ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()));
    match cut {
        Some(parsed) => {
            let numbers = kept
                .iter()
                .zip(0_u16..)
                .map(|(&old, new)| (old, new))
                .collect();
            (parsed, numbers)
        }
        // A font that cannot be cut is embedded whole, its glyphs keeping their numbers.
        None => (
            ParsedFont::from_bytes(font.bytes(), 0, &mut Vec::new())
                .expect("a bundled font parses"),
            kept.iter().map(|&glyph| (glyph, glyph)).collect(),
        ),
    }
}

/// A marked-content property list whose `ActualText` is `text` (UTF-16BE with its byte-order
/// mark, as PDF text strings are).
fn actual_text(text: &str) -> DictItem {
    let data = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    DictItem::Dict {
        map: BTreeMap::from([(
            "ActualText".to_owned(),
            DictItem::String {
                data,
                literal: false,
            },
        )]),
    }
}

/// The document's fonts as drawing needs them: their resource ids, what each glyph stands for
/// and its number in the subset.
struct Fonts<'a> {
    ids: &'a [FontId; FONTS],
    used: &'a BTreeMap<Font, BTreeMap<u16, String>>,
    renumbered: &'a BTreeMap<Font, BTreeMap<u16, u16>>,
}

impl Fonts<'_> {
    /// A shaped line with its start at `at` (mm): each run a text object in its font, glyphs
    /// placed where shaping put them, raised or lowered ones (stacked marks) by the text rise.
    fn draw(&self, line: &Line, size: f32, colour: Colour, at: (f32, f32), ops: &mut Vec<Op>) {
        let em_to_mm = size * MM_PER_PT / 1000.0;
        for run in &line.runs {
            let (Some(used), Some(numbers), Some(first)) = (
                self.used.get(&run.font),
                self.renumbered.get(&run.font),
                run.glyphs.first(),
            ) else {
                continue;
            };
            // Where the glyphs do not spell the text in order (a vowel drawn before its
            // consonant) or are drawn over each other (marks stacked on a letter), the text is
            // given as it reads. Readers
            // reverse right-to-left runs themselves, so those are left to the glyphs' own text.
            let spelled: String = run
                .glyphs
                .iter()
                .filter_map(|glyph| used.get(&glyph.id).map(String::as_str))
                .collect();
            let stacked = run
                .glyphs
                .iter()
                .any(|glyph| glyph.y != 0.0 || glyph.advance == 0.0);
            let reads_otherwise = !run.rtl && (spelled != run.text || stacked);
            if reads_otherwise {
                ops.push(Op::BeginMarkedContentWithProperties {
                    tag: "Span".into(),
                    properties: actual_text(&run.text),
                });
            }
            ops.extend([
                Op::StartTextSection,
                Op::SetFillColor { col: colour.pdf() },
                Op::SetFont {
                    font: PdfFontHandle::External(self.ids[run.font.index()].clone()),
                    size: Pt(size),
                },
                Op::SetTextCursor {
                    pos: Point::new(Mm(at.0 + first.x * em_to_mm), Mm(at.1)),
                },
            ]);
            let (mut drawn, mut rise) = (0, 0.0);
            for same_height in run.glyphs.chunk_by(|a, b| (a.y - b.y).abs() < f32::EPSILON) {
                let items = same_height
                    .iter()
                    .enumerate()
                    .map(|(i, glyph)| {
                        // TJ moves on by the glyph's own advance less this, in thousandths of
                        // an em: what takes the pen to where shaping put the next glyph.
                        let offset = run.glyphs.get(drawn + i + 1).map_or(0.0, |next: &Glyph| {
                            glyph.x + run.font.advance(glyph.id) - next.x
                        });
                        Codepoint {
                            gid: numbers.get(&glyph.id).copied().unwrap_or(0),
                            offset,
                            cid: used.get(&glyph.id).cloned(),
                        }
                    })
                    .collect();
                drawn += same_height.len();
                let height = same_height[0].y / 1000.0 * size;
                if (height - rise).abs() > f32::EPSILON {
                    rise = height;
                    ops.push(Op::SetLineOffset { multiplier: rise });
                }
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(items)],
                });
            }
            // The rise outlives the text object: set it back for whatever comes next.
            if rise != 0.0 {
                ops.push(Op::SetLineOffset { multiplier: 0.0 });
            }
            ops.push(Op::EndTextSection);
            if reads_otherwise {
                ops.push(Op::EndMarkedContentWithProperties);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_name_stays_on_one_line_at_the_largest_size() {
        let fitted = fit("Ana Li", Weight::Bold, 50.0, (16.0, 8.0), 2);
        assert_eq!(
            fitted,
            Fitted {
                size: 16.0,
                lines: vec!["Ana Li".into()]
            }
        );
    }

    #[test]
    fn a_long_name_shrinks_then_breaks_and_never_exceeds_the_width() {
        let name = "Maria-Magdalena Alexandrovna Konstantinopoulou-Wittelsbach von Hohenzollern-Sigmaringen";
        let fitted = fit(name, Weight::Bold, 50.0, (16.0, 8.0), 2);
        assert!(fitted.lines.len() <= 2, "{fitted:?}");
        for line in &fitted.lines {
            assert!(
                width(line, Weight::Bold, fitted.size) <= 50.0,
                "{line} at {}",
                fitted.size
            );
        }
    }

    #[test]
    fn text_that_cannot_fit_ends_in_an_ellipsis() {
        let fitted = fit(&"W".repeat(300), Weight::Bold, 40.0, (12.0, 8.0), 2);
        assert!((fitted.size - 8.0).abs() < f32::EPSILON);
        assert_eq!(fitted.lines.len(), 2);
        assert!(fitted.lines[1].ends_with('…'));
    }

    #[test]
    fn greek_and_cyrillic_are_measured_with_their_own_glyphs() {
        assert!(width("Ελένη", Weight::Regular, 10.0) > 5.0);
        assert!(width("Дмитрий", Weight::Regular, 10.0) > 5.0);
    }

    #[test]
    fn colours_parse_from_hex_and_choose_readable_ink() {
        assert_eq!(
            Colour::parse("#FFD700"),
            Some(Colour {
                r: 255,
                g: 215,
                b: 0
            })
        );
        assert_eq!(
            Colour::parse("#FFD700").map(Colour::ink),
            Some(Colour::BLACK)
        );
        assert_eq!(
            Colour::parse("#1D4ED8").map(Colour::ink),
            Some(Colour::WHITE)
        );
        assert_eq!(Colour::parse("red"), None);
        assert_eq!(Colour::parse("#12345"), None);
    }
}
