//! Reading QR codes from a grayscale frame: every code found, with its text, raw bytes and
//! corners.
//!
//! The order is chosen by measurement (`cargo bench -p gatehouse-devices --bench decode`, on
//! the photo corpus beside zxing-cpp): the frame is thresholded once (`threshold`, 6 × faster
//! than rxing's own binariser with the same result) and read by rxing's port of zxing-cpp's QR
//! reader trying harder, dark on light and then light on dark; then at half size, where a
//! blurred or moiré-striped code often reads. Every few frames, and for a still image, the
//! exhaustive stages follow: rxing's `ZXing` reader trying harder, rqrr, small frames upscaled.
//! Faint frames are stretched to full contrast first.

use std::collections::HashSet;

use image::GrayImage;
use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, RXingResult, multi::MultipleBarcodeReader as _,
    qrcode::cpp_port::QrReader,
};

use crate::threshold::Thresholded;

/// Frames smaller than this on their short side are also tried at twice the size.
const UPSCALE_BELOW: u32 = 480;
/// The largest frame decoded; larger ones are refused rather than exhausting memory.
pub const MAX_PIXELS: u64 = 40_000_000;

/// One QR code found in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The payload as text (UTF-8, or decoded from the code's declared character set).
    pub text: String,
    /// The payload's bytes as stored in the code, where the decoder exposes them.
    pub bytes: Vec<u8>,
    /// Where the code's corners (or finder patterns) are, in frame pixels.
    pub corners: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("the frame is empty")]
    Empty,
    #[error("the frame has {0} pixels; at most {MAX_PIXELS} are decoded")]
    TooLarge(u64),
}

/// How hard to look at a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// The frame thresholded once and read dark on light, then light on dark: what a clearly
    /// held code needs, about a millisecond for a 720p frame.
    Quick,
    /// Also at half size. What each frame of a video gets: a millisecond or two even when
    /// there is no code.
    Thorough,
    /// Every stage: also rxing's `ZXing` reader trying harder, rqrr, small frames upscaled
    /// (15–20 ms on an empty 720p frame). For a still image, and every few frames of a video.
    Exhaustive,
}

/// Every QR code in `frame`, each once, searched exhaustively (a still image).
pub fn decode(frame: &GrayImage) -> Result<Vec<Code>, ScanError> {
    search(frame, Search::Exhaustive)
}

/// Every QR code in `frame`, each once, with the effort asked for.
pub fn search(frame: &GrayImage, search: Search) -> Result<Vec<Code>, ScanError> {
    let pixels = u64::from(frame.width()) * u64::from(frame.height());
    if pixels == 0 {
        return Err(ScanError::Empty);
    }
    if pixels > MAX_PIXELS {
        return Err(ScanError::TooLarge(pixels));
    }
    let stretched = stretched(frame);
    let frame = stretched.as_ref().unwrap_or(frame);
    let codes = thresholded(frame, 1.0);
    if !codes.is_empty() || search == Search::Quick {
        return Ok(codes);
    }
    if frame.width().min(frame.height()) >= HALVE_FROM {
        let codes = thresholded(&halved(frame), 2.0);
        if !codes.is_empty() || search == Search::Thorough {
            return Ok(codes);
        }
    }
    if search == Search::Thorough {
        return Ok(Vec::new());
    }
    let codes = with_rxing(frame);
    if !codes.is_empty() {
        return Ok(codes);
    }
    let codes = with_rqrr(frame);
    if !codes.is_empty() || frame.width().min(frame.height()) >= UPSCALE_BELOW {
        return Ok(codes);
    }
    let mut codes = with_rxing(&doubled(frame));
    for code in &mut codes {
        for corner in &mut code.corners {
            *corner = (corner.0 * 0.5, corner.1 * 0.5);
        }
    }
    Ok(codes)
}

/// Frames at least this large on their short side are also read at half size.
const HALVE_FROM: u32 = 320;

/// `frame` at half its width and height, each pixel the mean of a 2 × 2 block.
fn halved(frame: &GrayImage) -> GrayImage {
    let (width, height) = (frame.width() / 2, frame.height() / 2);
    let stride = frame.width() as usize;
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for rows in frame.as_raw().chunks_exact(stride * 2) {
        let (upper, lower) = rows.split_at(stride);
        pixels.extend(
            upper
                .chunks_exact(2)
                .zip(lower.chunks_exact(2))
                .take(width as usize)
                .map(|(a, b)| {
                    let sum = u16::from(a[0]) + u16::from(a[1]) + u16::from(b[0]) + u16::from(b[1]);
                    u8::try_from((sum + 2) / 4).unwrap_or(u8::MAX)
                }),
        );
    }
    GrayImage::from_raw(width, height, pixels).expect("a quarter of the pixels fill half the size")
}

/// The codes in `frame` read from its thresholded matrix by rxing's port of zxing-cpp's reader,
/// trying harder: dark on light, then the same matrix inverted. Corners are scaled by `scale`.
fn thresholded(frame: &GrayImage, scale: f64) -> Vec<Code> {
    let Some(binarized) = Thresholded::new(frame) else {
        return Vec::new();
    };
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    let mut bitmap = BinaryBitmap::new(binarized);
    let mut results = QrReader
        .decode_multiple_with_hints(&mut bitmap, &hints)
        .unwrap_or_default();
    if results.is_empty() {
        // A phone in dark mode: a clean screen, found without trying harder.
        bitmap.invert();
        let quick = DecodeHints {
            TryHarder: Some(false),
            ..hints
        };
        results = QrReader
            .decode_multiple_with_hints(&mut bitmap, &quick)
            .unwrap_or_default();
    }
    codes(results, scale)
}

/// Each result once, as a [`Code`] with its corners scaled by `scale`.
fn codes(results: Vec<RXingResult>, scale: f64) -> Vec<Code> {
    let mut seen = HashSet::new();
    results
        .into_iter()
        .filter(|result| seen.insert(result.getText().to_owned()))
        .map(|result| Code {
            text: result.getText().to_owned(),
            bytes: result.getRawBytes().to_vec(),
            corners: result
                .getPoints()
                .iter()
                .map(|p| (f64::from(p.x) * scale, f64::from(p.y) * scale))
                .collect(),
        })
        .collect()
}

/// `frame` at twice its width and height, each pixel a 2 × 2 block: what the binariser needs
/// to see the modules of a small code, at a fraction of a filtered resize's cost.
fn doubled(frame: &GrayImage) -> GrayImage {
    let width = frame.width() as usize;
    let mut pixels = Vec::with_capacity(frame.as_raw().len() * 4);
    for row in frame.as_raw().chunks_exact(width) {
        let start = pixels.len();
        pixels.extend(row.iter().flat_map(|&level| [level, level]));
        pixels.extend_from_within(start..);
    }
    GrayImage::from_raw(frame.width() * 2, frame.height() * 2, pixels)
        .expect("four times the pixels fill twice the width and height")
}

/// Below this spread between the darkest and lightest percent of pixels a frame is stretched
/// to the full range: the threshold (as zxing's) treats blocks of less than 24 levels as blank,
/// so a faint code (a dim screen, a washed-out print) would not be seen at all. Stretching also
/// amplifies the noise, which slows the finder-pattern search: at 96 the corpus's faded prints
/// took up to 11 ms and 2 fewer were read; at 40 the generated set's faint codes were missed.
const LOW_CONTRAST: u8 = 64;

/// `frame` with its levels stretched to 0–255 if its contrast is low, else `None`.
fn stretched(frame: &GrayImage) -> Option<GrayImage> {
    // Every 8th pixel tells the levels well enough, at an eighth of the cost.
    let mut histogram = [0_usize; 256];
    let mut sampled = 0;
    for &level in frame.as_raw().iter().step_by(8) {
        histogram[usize::from(level)] += 1;
        sampled += 1;
    }
    let tail = sampled / 100;
    let mut seen = 0;
    let low = (0..256).find(|&level| {
        seen += histogram[level];
        seen > tail
    })?;
    seen = 0;
    let high = (0..256).rev().find(|&level| {
        seen += histogram[level];
        seen > tail
    })?;
    let spread = high.checked_sub(low).filter(|&spread| spread > 0)?;
    if spread >= usize::from(LOW_CONTRAST) {
        return None;
    }
    let table: Vec<u8> = (0..256)
        .map(|level: usize| {
            let scaled = level.saturating_sub(low) * 255 / spread;
            u8::try_from(scaled.min(255)).unwrap_or(u8::MAX)
        })
        .collect();
    let mut out = frame.clone();
    for level in out.iter_mut() {
        *level = table[usize::from(*level)];
    }
    Some(out)
}

fn with_rqrr(frame: &GrayImage) -> Vec<Code> {
    let mut prepared = rqrr::PreparedImage::prepare(frame.clone());
    let mut seen = HashSet::new();
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| {
            let mut bytes = Vec::new();
            grid.decode_to(&mut bytes).ok()?;
            // rqrr does not read a code's declared character set; leave other encodings to rxing.
            let text = String::from_utf8(bytes.clone()).ok()?;
            let corners = grid
                .bounds
                .iter()
                .map(|p| (f64::from(p.x), f64::from(p.y)))
                .collect();
            seen.insert(text.clone()).then_some(Code {
                text,
                bytes,
                corners,
            })
        })
        .collect()
}

/// rxing's `ZXing` readers trying harder, light on dark too: every code, then the regions
/// around each code found searched again.
fn with_rxing(frame: &GrayImage) -> Vec<Code> {
    let mut hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        AlsoInverted: Some(true),
        ..DecodeHints::default()
    };
    let results = rxing::helpers::detect_multiple_in_luma_with_hints(
        frame.as_raw().clone(),
        frame.width(),
        frame.height(),
        &mut hints,
    )
    .unwrap_or_default();
    codes(results, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_huge_frames_are_refused() {
        assert_eq!(decode(&GrayImage::new(0, 0)), Err(ScanError::Empty));
        // Checked before any pixel is touched (the buffer here is small, the claim is not).
        let huge = GrayImage::new(8000, 6000);
        assert_eq!(decode(&huge), Err(ScanError::TooLarge(48_000_000)));
    }

    #[test]
    fn doubling_turns_each_pixel_into_a_two_by_two_block() {
        let frame = GrayImage::from_raw(2, 2, vec![1, 2, 3, 4]).unwrap();
        let doubled = doubled(&frame);
        assert_eq!((doubled.width(), doubled.height()), (4, 4));
        assert_eq!(
            doubled.into_raw(),
            [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]
        );
    }

    #[test]
    fn halving_averages_each_two_by_two_block() {
        let frame = GrayImage::from_raw(4, 2, vec![0, 4, 10, 10, 8, 4, 20, 20]).unwrap();
        let halved = halved(&frame);
        assert_eq!((halved.width(), halved.height()), (2, 1));
        assert_eq!(halved.into_raw(), [4, 15]);
    }

    #[test]
    fn a_blank_frame_has_no_codes() {
        assert_eq!(
            decode(&GrayImage::from_pixel(640, 480, image::Luma([200]))),
            Ok(vec![])
        );
    }
}
