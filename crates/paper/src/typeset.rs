//! Setting a line of text in any script: each character drawn from the first bundled face that
//! has it (Noto Sans for Latin, Greek and Cyrillic; Noto Sans Arabic, Hebrew, Devanagari and
//! Thai; Droid Sans Fallback for Chinese and Japanese, Nanum Square for Korean), right-to-left runs put in visual
//! order (the Unicode bidirectional algorithm), and each run shaped by rustybuzz, so Arabic
//! letters join, Devanagari forms its conjuncts and Thai stacks its marks.

use std::{
    collections::HashMap,
    ops::Range,
    sync::{Arc, Mutex, OnceLock},
};

use rustybuzz::{BufferClusterLevel, Direction, Script as BuzzScript, ShapePlan, UnicodeBuffer};
use unicode_bidi::BidiInfo;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// The bundled faces, in the order a character's face is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Arabic,
    Hebrew,
    Devanagari,
    Thai,
    Cjk,
    Hangul,
}

const SCRIPTS: [Script; 7] = [
    Script::Latin,
    Script::Arabic,
    Script::Hebrew,
    Script::Devanagari,
    Script::Thai,
    Script::Cjk,
    Script::Hangul,
];

macro_rules! font {
    ($file:literal) => {
        include_bytes!(concat!("../../../assets/fonts/", $file))
    };
}

/// Every font file, regular then bold per script; the CJK face has one weight.
const FILES: [&[u8]; 13] = [
    font!("NotoSans-Regular.ttf"),
    font!("NotoSans-Bold.ttf"),
    font!("NotoSansArabic-Regular.ttf"),
    font!("NotoSansArabic-Bold.ttf"),
    font!("NotoSansHebrew-Regular.ttf"),
    font!("NotoSansHebrew-Bold.ttf"),
    font!("NotoSansDevanagari-Regular.ttf"),
    font!("NotoSansDevanagari-Bold.ttf"),
    font!("NotoSansThai-Regular.ttf"),
    font!("NotoSansThai-Bold.ttf"),
    font!("DroidSansFallbackFull.ttf"),
    font!("NanumSquareR.ttf"),
    font!("NanumSquareB.ttf"),
];

/// How many fonts a document may use: one per file.
pub const FONTS: usize = FILES.len();

/// One of the bundled font files, by its index in [`FILES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Font(usize);

impl Font {
    fn of(script: Script, weight: Weight) -> Self {
        let regular = match script {
            Script::Hangul => 11,
            other => other as usize * 2,
        };
        Self(match (script, weight) {
            (Script::Cjk, _) | (_, Weight::Regular) => regular,
            (_, Weight::Bold) => regular + 1,
        })
    }

    pub fn index(self) -> usize {
        self.0
    }

    /// The font file's bytes.
    pub fn bytes(self) -> &'static [u8] {
        FILES[self.0]
    }

    fn face(self) -> &'static rustybuzz::Face<'static> {
        static FACES: OnceLock<Vec<rustybuzz::Face<'static>>> = OnceLock::new();
        &FACES.get_or_init(|| {
            FILES
                .iter()
                .map(|bytes| rustybuzz::Face::from_slice(bytes, 0).expect("a bundled font parses"))
                .collect()
        })[self.0]
    }

    /// Thousandths of an em per font unit.
    fn scale(self) -> f32 {
        let units = u16::try_from(self.face().units_per_em()).unwrap_or(1000);
        1000.0 / f32::from(units.max(1))
    }

    fn covers(self, c: char) -> bool {
        self.face().glyph_index(c).is_some()
    }

    /// A glyph's own advance in thousandths of an em, as the PDF's width table has it.
    pub fn advance(self, glyph: u16) -> f32 {
        let face = self.face();
        let units = face
            .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(units) * self.scale()
    }
}

/// A glyph set on a line, in thousandths of an em from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub x: f32,
    pub y: f32,
    /// How far the pen moves after it: none for a mark set on the letter before it.
    pub advance: f32,
    /// The text this glyph stands for, for copying and searching the PDF: the whole cluster on
    /// its first glyph (a ligature's letters; right to left in visual order), nothing on the
    /// others (the second half of a split vowel).
    pub text: String,
}

/// Glyphs of one font, left to right, and the text they draw in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub font: Font,
    pub glyphs: Vec<Glyph>,
    pub text: String,
    pub rtl: bool,
}

/// A line of text shaped for drawing: its runs left to right, and its width in thousandths of
/// an em.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
}

/// `text` (one line) shaped in `weight`.
pub fn shape(text: &str, weight: Weight) -> Line {
    let mut line = Line {
        runs: Vec::new(),
        width: 0.0,
    };
    if text.is_empty() {
        return line;
    }
    let bidi = BidiInfo::new(text, None);
    for paragraph in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
        for range in runs {
            let rtl = levels[range.start].is_rtl();
            let mut pieces = by_font(text, range, weight);
            if rtl {
                pieces.reverse();
            }
            for (font, piece) in pieces {
                let run = shaped(&text[piece], font, rtl, &mut line.width);
                line.runs.push(run);
            }
        }
    }
    line
}

/// `range` of `text` cut where the face changes: a letter goes to the first face that has it;
/// spaces, digits, punctuation and marks stay with the face before them if it has them, so a
/// run of one script is shaped whole.
fn by_font(text: &str, range: Range<usize>, weight: Weight) -> Vec<(Font, Range<usize>)> {
    let mut pieces: Vec<(Font, Range<usize>)> = Vec::new();
    for (offset, c) in text[range.clone()].char_indices() {
        let at = range.start + offset;
        let current = pieces.last().map(|(font, _)| *font);
        let font = match current {
            Some(font) if !c.is_alphabetic() && font.covers(c) => font,
            _ => SCRIPTS
                .iter()
                .map(|&script| Font::of(script, weight))
                .find(|font| font.covers(c))
                .or(current)
                .unwrap_or(Font::of(Script::Latin, weight)),
        };
        match pieces.last_mut() {
            Some((last, piece)) if *last == font => piece.end = at + c.len_utf8(),
            _ => pieces.push((font, at..at + c.len_utf8())),
        }
    }
    pieces
}

/// The shaping plan for a font, direction and script, made once: making one costs more than
/// shaping a name with it.
fn plan(font: Font, direction: Direction, script: BuzzScript) -> Arc<ShapePlan> {
    type Plans = Mutex<HashMap<(Font, Direction, BuzzScript), Arc<ShapePlan>>>;
    static PLANS: OnceLock<Plans> = OnceLock::new();
    let mut plans = PLANS
        .get_or_init(Plans::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    plans
        .entry((font, direction, script))
        .or_insert_with(|| {
            Arc::new(ShapePlan::new(
                font.face(),
                direction,
                Some(script),
                None,
                &[],
            ))
        })
        .clone()
}

/// One piece of one font shaped, placed after `pen` (which it moves on).
fn shaped(text: &str, font: Font, rtl: bool, pen: &mut f32) -> Run {
    let face = font.face();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    // A cluster per character where the font allows it (a base and each of its marks), so each
    // glyph can say which character it draws.
    buffer.set_cluster_level(BufferClusterLevel::Characters);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let plan = plan(font, buffer.direction(), buffer.script());
    let output = rustybuzz::shape_with_plan(face, &plan, buffer);
    let scale = font.scale();
    let mut starts: Vec<usize> = output
        .glyph_infos()
        .iter()
        .filter_map(|info| usize::try_from(info.cluster).ok())
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster_text = |start: usize| {
        let end = starts
            .iter()
            .find(|&&next| next > start)
            .copied()
            .unwrap_or(text.len());
        let cluster = text.get(start..end).unwrap_or_default();
        // Readers take a right-to-left run's glyphs in visual order and reverse the whole run,
        // so a ligature's letters are given in visual order too.
        if rtl {
            cluster.chars().rev().collect()
        } else {
            cluster.to_owned()
        }
    };
    let mut named = std::collections::HashSet::new();
    let mut glyphs = Vec::with_capacity(output.len());
    for (info, position) in output.glyph_infos().iter().zip(output.glyph_positions()) {
        let cluster = usize::try_from(info.cluster).unwrap_or_default();
        #[expect(clippy::cast_precision_loss, reason = "font units fit an f32")]
        let (x_offset, y_offset, advance) = (
            position.x_offset as f32 * scale,
            position.y_offset as f32 * scale,
            position.x_advance as f32 * scale,
        );
        glyphs.push(Glyph {
            id: u16::try_from(info.glyph_id).unwrap_or(0),
            x: *pen + x_offset,
            y: y_offset,
            advance,
            text: if named.insert(cluster) {
                cluster_text(cluster)
            } else {
                String::new()
            },
        });
        *pen += advance;
    }
    Run {
        font,
        glyphs,
        text: text.to_owned(),
        rtl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts(line: &Line) -> Vec<Font> {
        line.runs.iter().map(|run| run.font).collect()
    }

    #[test]
    fn each_script_is_set_in_a_face_that_has_it() {
        let cases = [
            ("Ελένη Дмитрий", Script::Latin),
            ("محمد", Script::Arabic),
            ("שרה", Script::Hebrew),
            ("प्रिया", Script::Devanagari),
            ("สมชาย", Script::Thai),
            ("山田太郎", Script::Cjk),
            ("김민준", Script::Hangul),
        ];
        for (name, script) in cases {
            let line = shape(name, Weight::Regular);
            assert_eq!(fonts(&line), [Font::of(script, Weight::Regular)], "{name}");
            assert!(
                line.runs[0].glyphs.iter().all(|glyph| glyph.id != 0),
                "{name} has a missing glyph"
            );
            assert!(line.width > 0.0);
        }
    }

    #[test]
    fn arabic_letters_join_and_read_right_to_left() {
        // Isolated letters each have their own glyph; joined, the shapes differ.
        let joined = shape("محمد", Weight::Regular);
        let isolated: Vec<u16> = "محمد"
            .chars()
            .map(|c| {
                Font::of(Script::Arabic, Weight::Regular)
                    .face()
                    .glyph_index(c)
                    .map_or(0, |g| g.0)
            })
            .collect();
        let drawn: Vec<u16> = joined.runs[0].glyphs.iter().map(|g| g.id).collect();
        assert_ne!(drawn, isolated, "the letters were not joined");
        // Right to left: the first letter (م) is drawn last, at the right.
        let last = joined.runs[0].glyphs.last().unwrap();
        assert_eq!(last.text, "م");
    }

    #[test]
    fn a_latin_name_beside_an_arabic_one_keeps_each_in_its_place() {
        let line = shape("Omar عمر", Weight::Bold);
        assert_eq!(
            fonts(&line),
            [
                Font::of(Script::Latin, Weight::Bold),
                Font::of(Script::Arabic, Weight::Bold)
            ]
        );
        let text: String = line
            .runs
            .iter()
            .flat_map(|run| &run.glyphs)
            .map(|g| g.text.as_str())
            .collect();
        // Every character is named once, the Arabic in visual order.
        assert_eq!(text, "Omar رمع");
    }

    #[test]
    fn devanagari_forms_a_conjunct() {
        // प्र is one conjunct: fewer glyphs than characters.
        let line = shape("प्र", Weight::Regular);
        assert!(line.runs[0].glyphs.len() < "प्र".chars().count());
    }

    #[test]
    fn bold_cjk_uses_the_one_cjk_weight() {
        assert_eq!(
            fonts(&shape("北京", Weight::Bold)),
            [Font::of(Script::Cjk, Weight::Regular)]
        );
    }

    #[test]
    fn an_empty_line_has_no_width() {
        let empty = shape("", Weight::Regular);
        assert!(empty.runs.is_empty() && empty.width.abs() < f32::EPSILON);
    }
}
