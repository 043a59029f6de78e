//! The photo corpus: camera frames of a lobby with a QR code held up in them, as a kiosk's
//! camera takes them — a phone's screen (its pixel grid beating against the camera's into moiré,
//! dark mode, a reflection across it), a printed invitation (glossy glare, scratched, stained,
//! torn, faded, creased), tilted away, small and far, shaken — through a lens (defocus), a sensor
//! (uneven light, noise) and the camera's JPEG. Every frame comes from a seed, so the corpus is
//! the same on every machine and a miss can be looked at (`cargo bench -p gatehouse-devices
//! --bench decode -- --save DIR` writes it out).

#![allow(
    clippy::many_single_char_names,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "pixel geometry in its usual letters, f64 to u8 and back"
)]

use image::{GrayImage, Luma, imageops};

use crate::qr_testset::{PAYLOADS, homography};

/// What is in front of the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A phone's screen showing the code, its pixels visible to the camera.
    Phone,
    /// A phone in dark mode: light modules on a dark screen.
    DarkModePhone,
    /// A phone with a bright reflection across the code.
    PhoneGlare,
    /// A glossy printout with a lamp's reflection on it.
    PrintGlare,
    /// Held at a steep angle to the camera.
    Tilted,
    /// Far from the camera: under 2.5 pixels a module.
    Small,
    /// A printout scratched across the code.
    Scratched,
    /// A printout with a coffee stain over part of the code.
    Stained,
    /// A printout with a corner torn off.
    Torn,
    /// A printout from a printer low on toner, in dim light.
    Faded,
    /// A printout folded across the code.
    Creased,
    /// Moved while the camera took the frame.
    Shaken,
}

/// How often each kind comes up, out of [`PER_PAYLOAD`].
const KINDS: [(Kind, usize); 12] = [
    (Kind::Phone, 6),
    (Kind::DarkModePhone, 3),
    (Kind::PhoneGlare, 5),
    (Kind::PrintGlare, 4),
    (Kind::Tilted, 6),
    (Kind::Small, 6),
    (Kind::Scratched, 3),
    (Kind::Stained, 3),
    (Kind::Torn, 3),
    (Kind::Faded, 3),
    (Kind::Creased, 3),
    (Kind::Shaken, 3),
];

/// Frames per payload; the corpus has this many of each of the five payloads.
pub const PER_PAYLOAD: usize = 48;

/// One frame of the corpus.
#[derive(Debug, Clone)]
pub struct Photo {
    pub payload: &'static str,
    pub kind: Kind,
    /// `kind-payload-index`, for a file name.
    pub name: String,
    pub frame: GrayImage,
}

/// The whole corpus: [`PER_PAYLOAD`] frames of each payload, 240 in all.
pub fn corpus() -> Vec<Photo> {
    let mut photos = Vec::new();
    for (p, payload) in PAYLOADS.iter().enumerate() {
        let mut index = 0;
        for (kind, count) in KINDS {
            for _ in 0..count {
                let seed = (p as u64) << 32 | index as u64;
                photos.push(Photo {
                    payload,
                    kind,
                    name: format!("{kind:?}-{p}-{index:02}").to_lowercase(),
                    frame: photo(payload, kind, seed),
                });
                index += 1;
            }
        }
    }
    photos
}

/// A small deterministic generator (`SplitMix64`).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `low..high`.
    fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Roughly normal, mean 0, deviation 1 (the sum of four uniforms).
    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.range(-1.0, 1.0)).sum::<f64>() * 0.866
    }
}

/// What the code is shown on, and how it is spoiled on its surface.
struct Surface {
    /// Light and dark levels of the code's own pixels.
    light: f64,
    dark: f64,
    /// Screen pixels per module (0: paper, no pixel grid).
    screen_pixels: f64,
    /// Lines across the code in module units: (x0, y0, x1, y1, half width, level).
    marks: Vec<(f64, f64, f64, f64, f64, f64)>,
    /// A stain: centre, radius (modules), how much it darkens.
    stain: Option<(f64, f64, f64, f64)>,
    /// A torn corner: the part beyond the line x + y > this (module units from the far
    /// corner) is gone.
    torn: Option<f64>,
    /// A fold: the line x = this, with a shadow on one side.
    crease: Option<f64>,
}

/// One frame: the code drawn on its surface, placed in a room, seen through a camera.
pub fn photo(payload: &str, kind: Kind, seed: u64) -> GrayImage {
    let mut dice = Dice(seed ^ 0x5eed_f00d_ca11);
    let code = qrcode::QrCode::new(payload.as_bytes()).expect("the payload fits a QR code");
    let modules = code.width();
    let dark_at = |x: i64, y: i64| {
        x >= 0
            && y >= 0
            && (x as usize) < modules
            && (y as usize) < modules
            && code[(x as usize, y as usize)] == qrcode::Color::Dark
    };
    let (width, height) = if dice.range(0.0, 1.0) < 0.75 {
        (1280, 720)
    } else {
        (640, 480)
    };
    let (w, h) = (f64::from(width), f64::from(height));
    let phone = matches!(kind, Kind::Phone | Kind::DarkModePhone | Kind::PhoneGlare)
        || (kind == Kind::Tilted || kind == Kind::Small || kind == Kind::Shaken)
            && dice.range(0.0, 1.0) < 0.5;
    let corners = placement(kind, &mut dice, modules as f64, (w, h));
    let span = modules as f64 + 8.0;
    // From frame pixels to module units (0,0 at the quiet zone's corner).
    let to_code = homography(
        corners,
        [(0.0, 0.0), (span, 0.0), (span, span), (0.0, span)],
    );
    let surface = surface(kind, &mut dice, modules as f64);
    let room = Room::new(&mut dice, w, h);
    // A phone's body around its screen, in module units beyond the quiet zone.
    let bezel = if phone { dice.range(1.5, 4.0) } else { 0.0 };
    let glare = match kind {
        Kind::PhoneGlare | Kind::PrintGlare => Some((
            dice.range(0.2, 0.8) * span,
            dice.range(0.2, 0.8) * span,
            dice.range(0.08, 0.22) * span,
            dice.range(120.0, 260.0),
        )),
        _ => None,
    };
    let lighting = (
        dice.range(0.7, 1.1),
        dice.range(-0.25, 0.25),
        dice.range(-0.2, 0.2),
    );
    let sample = |x: f64, y: f64| -> f64 {
        let d = to_code[6] * x + to_code[7] * y + 1.0;
        let u = (to_code[0] * x + to_code[1] * y + to_code[2]) / d;
        let v = (to_code[3] * x + to_code[4] * y + to_code[5]) / d;
        let inside =
            |margin: f64| u > -margin && v > -margin && u < span + margin && v < span + margin;
        let mut level = if !inside(bezel) {
            room.level(x, y, w)
        } else if !inside(0.0) {
            // The phone's dark body.
            22.0
        } else if surface.torn.is_some_and(|torn| (span - u) + v < torn) {
            room.level(x, y, w)
        } else {
            let (mx, my) = (u - 4.0, v - 4.0);
            let dark = dark_at(mx.floor() as i64, my.floor() as i64);
            let mut level = if dark { surface.dark } else { surface.light };
            if surface.screen_pixels > 0.0 {
                // The screen's pixels: three stripes and a dark gap each, across x.
                let pitch = 1.0 / surface.screen_pixels;
                let within = (u / pitch).fract();
                let row = (v / pitch).fract();
                let lit = if within < 0.82 && row < 0.85 {
                    1.0
                } else {
                    0.35
                };
                level *= lit;
            }
            for &(x0, y0, x1, y1, half_width, mark) in &surface.marks {
                if distance_to_segment((u, v), (x0, y0), (x1, y1)) < half_width {
                    level = mark;
                }
            }
            if let Some((sx, sy, radius, darken)) = surface.stain {
                let r = ((u - sx).powi(2) + (v - sy).powi(2)).sqrt() / radius;
                if r < 1.0 {
                    level *= 1.0 - darken * (1.0 - r * r * 0.5);
                }
            }
            if let Some(fold) = surface.crease {
                if u > fold {
                    level *= 0.72;
                }
                if (u - fold).abs() < 0.3 {
                    level = level * 0.5 + 120.0 * 0.5;
                }
            }
            level
        };
        if let Some((gx, gy, radius, strength)) = glare.filter(|_| inside(bezel)) {
            let r2 = ((u - gx).powi(2) + (v - gy).powi(2)) / (radius * radius);
            level += strength * (-r2).exp();
        }
        let (gain, left_right, top_bottom) = lighting;
        level * (gain + left_right * (x / w - 0.5) + top_bottom * (y / h - 0.5))
    };
    let frame = exposed(width, height, sample);
    through_the_lens(&frame, kind, &mut dice)
}

/// Where the code's quiet zone (4 modules around it) lands in a `w × h` frame, clockwise from
/// the top left: its size in camera pixels, how it is turned, tilted and placed.
fn placement(kind: Kind, dice: &mut Dice, modules: f64, (w, h): (f64, f64)) -> [(f64, f64); 4] {
    // Module size in camera pixels, and how the code is turned and tilted.
    let module_px = match kind {
        Kind::Small => dice.range(1.5, 2.4),
        _ => dice.range(2.6, 7.0) * h / 720.0 + 0.6,
    };
    let side = (modules + 8.0) * module_px;
    let side = side.min(h * 0.9);
    let turn = dice.normal() * 0.35
        + if dice.range(0.0, 1.0) < 0.1 {
            1.57
        } else {
            0.0
        };
    let (tilt_x, tilt_y) = match kind {
        Kind::Tilted => (dice.range(0.3, 0.55), dice.range(-0.3, 0.3)),
        _ => (dice.normal() * 0.08, dice.normal() * 0.08),
    };
    let (cx, cy) = (
        w / 2.0 + dice.range(-0.25, 0.25) * (w - side),
        h / 2.0 + dice.range(-0.25, 0.25) * (h - side).max(0.0),
    );
    // The quiet zone's corners (4 modules around the code) in the frame: a square whose far
    // edge is shortened by the tilt (top away from the camera by `tilt_x`, right by `tilt_y`)
    // and foreshortened across it, then turned by `turn`.
    let half = side / 2.0;
    let (sin, cos) = turn.sin_cos();
    [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map(|(sx, sy): (f64, f64)| {
        let x = sx * half * (1.0 + tilt_x * sy * 0.5) * (1.0 - tilt_y.abs() * 0.3);
        let y = sy * half * (1.0 - tilt_y * sx * 0.5) * (1.0 - tilt_x.abs() * 0.3);
        (cx + x * cos - y * sin, cy + x * sin + y * cos)
    })
}

/// The sensor's picture of a scene: each pixel averages 3 × 3 points of the scene within it,
/// its area, which beats against a screen's pixel grid as a real sensor does.
fn exposed(width: u32, height: u32, scene: impl Fn(f64, f64) -> f64) -> GrayImage {
    let offsets = [1.0 / 6.0, 0.5, 5.0 / 6.0];
    GrayImage::from_fn(width, height, |px, py| {
        let (x, y) = (f64::from(px), f64::from(py));
        let mut sum = 0.0;
        for oy in offsets {
            for ox in offsets {
                sum += scene(x + ox, y + oy);
            }
        }
        Luma([(sum / 9.0).clamp(0.0, 255.0) as u8])
    })
}

/// What the lens, the sensor and the camera's JPEG make of the scene.
fn through_the_lens(frame: &GrayImage, kind: Kind, dice: &mut Dice) -> GrayImage {
    let defocus = match kind {
        Kind::Small => dice.range(0.3, 0.7),
        _ => dice.range(0.4, 1.4),
    };
    let mut frame = imageops::blur(frame, defocus as f32);
    if kind == Kind::Shaken {
        frame = shaken(
            &frame,
            dice.range(3.0, 7.0) as usize,
            dice.range(0.0, std::f64::consts::PI),
        );
    }
    let noise = match kind {
        Kind::Faded => dice.range(6.0, 10.0),
        _ => dice.range(2.0, 6.0),
    };
    for pixel in frame.iter_mut() {
        *pixel = (f64::from(*pixel) + dice.normal() * noise).clamp(0.0, 255.0) as u8;
    }
    jpeg(&frame, dice.range(55.0, 90.0) as u8)
}

/// The room behind the code: a wall in a gradient, a counter's edge, a few shapes.
struct Room {
    wall: f64,
    slope: f64,
    counter: f64,
    shapes: Vec<(f64, f64, f64, f64, f64)>,
}

impl Room {
    fn new(dice: &mut Dice, w: f64, h: f64) -> Self {
        Self {
            wall: dice.range(70.0, 170.0),
            slope: dice.range(-40.0, 40.0),
            counter: dice.range(0.6, 0.95) * h,
            shapes: (0..5)
                .map(|_| {
                    (
                        dice.range(0.0, w),
                        dice.range(0.0, h),
                        dice.range(20.0, 200.0),
                        dice.range(20.0, 200.0),
                        dice.range(20.0, 230.0),
                    )
                })
                .collect(),
        }
    }

    fn level(&self, x: f64, y: f64, w: f64) -> f64 {
        let mut level = if y > self.counter {
            self.wall * 0.6
        } else {
            self.wall + self.slope * (x / w - 0.5)
        };
        for &(sx, sy, sw, sh, shade) in &self.shapes {
            if x > sx && x < sx + sw && y > sy && y < sy + sh {
                level = shade;
            }
        }
        level
    }
}

fn surface(kind: Kind, dice: &mut Dice, modules: f64) -> Surface {
    let span = modules + 8.0;
    let mut surface = Surface {
        light: dice.range(200.0, 245.0),
        dark: dice.range(15.0, 45.0),
        screen_pixels: 0.0,
        marks: Vec::new(),
        stain: None,
        torn: None,
        crease: None,
    };
    match kind {
        Kind::Phone | Kind::PhoneGlare => surface.screen_pixels = dice.range(2.5, 9.0),
        Kind::DarkModePhone => {
            surface.screen_pixels = dice.range(2.5, 9.0);
            surface.light = dice.range(15.0, 35.0);
            surface.dark = dice.range(150.0, 220.0);
        }
        Kind::Scratched => {
            for _ in 0..dice.range(2.0, 4.0) as usize {
                let (x0, y0) = (dice.range(0.0, span), 0.0);
                let (x1, y1) = (dice.range(0.0, span), span);
                surface
                    .marks
                    .push((x0, y0, x1, y1, dice.range(0.15, 0.45), surface.light));
            }
        }
        Kind::Stained => {
            surface.stain = Some((
                dice.range(0.3, 0.7) * span,
                dice.range(0.3, 0.7) * span,
                dice.range(0.12, 0.25) * span,
                dice.range(0.35, 0.6),
            ));
        }
        // The far corner (top right, away from the finder patterns' corner at bottom right
        // only where the code has one) torn off, up to a seventh of the code.
        Kind::Torn => surface.torn = Some(dice.range(0.18, 0.3) * span),
        Kind::Faded => {
            surface.light = dice.range(110.0, 150.0);
            surface.dark = surface.light - dice.range(35.0, 60.0);
        }
        Kind::Creased => surface.crease = Some(dice.range(0.35, 0.65) * span),
        _ => {}
    }
    surface
}

fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

/// `frame` smeared over `length` pixels in direction `angle`: the camera moved.
fn shaken(frame: &GrayImage, length: usize, angle: f64) -> GrayImage {
    let (sin, cos) = angle.sin_cos();
    let (width, height) = (i64::from(frame.width()), i64::from(frame.height()));
    GrayImage::from_fn(frame.width(), frame.height(), |x, y| {
        let mut sum = 0_u32;
        for step in 0..length {
            let along = step as f64 - length as f64 / 2.0;
            let sx = (i64::from(x) + (along * cos) as i64).clamp(0, width - 1);
            let sy = (i64::from(y) + (along * sin) as i64).clamp(0, height - 1);
            sum += u32::from(frame.get_pixel(sx as u32, sy as u32).0[0]);
        }
        Luma([(sum / length as u32) as u8])
    })
}

/// `frame` as the camera's JPEG stream delivers it.
fn jpeg(frame: &GrayImage, quality: u8) -> GrayImage {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(frame)
        .expect("a grey frame encodes");
    image::load_from_memory(&bytes)
        .expect("the JPEG decodes")
        .to_luma8()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_comes_out_the_same_from_the_same_seed_and_differs_with_another() {
        let once = photo(PAYLOADS[0], Kind::PhoneGlare, 7);
        assert_eq!(once, photo(PAYLOADS[0], Kind::PhoneGlare, 7));
        assert_ne!(once, photo(PAYLOADS[0], Kind::PhoneGlare, 8));
        assert!(matches!(
            (once.width(), once.height()),
            (1280, 720) | (640, 480)
        ));
    }

    #[test]
    fn each_kind_comes_up_and_the_kinds_fill_each_payload_s_frames() {
        let kinds: std::collections::HashSet<String> =
            KINDS.iter().map(|(kind, _)| format!("{kind:?}")).collect();
        assert_eq!(kinds.len(), KINDS.len(), "a kind is listed twice");
        assert!(KINDS.iter().all(|(_, count)| *count > 0));
        let per_payload: usize = KINDS.iter().map(|(_, count)| count).sum();
        assert_eq!(per_payload, PER_PAYLOAD);
    }
}
