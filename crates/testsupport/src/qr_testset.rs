//! The generated test set: the codes Gatehouse prints and general payloads, rendered at several
//! sizes and spoiled the ways a lobby camera spoils them. Shared by the tests and the benchmark.

#![allow(
    clippy::many_single_char_names,
    reason = "the geometry reads best in its usual letters"
)]

use image::{GrayImage, Luma, imageops};

pub const PAYLOADS: [&str; 5] = [
    // The shape of a Gatehouse invitation code: prefix, base64url claims, base64url signature.
    "GH1.eyJraWQiOjEsImludml0YXRpb24iOiIwMWEyMTJjYS1hNTg2LTc1MmMtYjUzMy1mYzY5NTlhNzc3NzkiLCJmYWNpbGl0eSI6IjAxYTIxMmNhLWE1M2ItNzIzNi1iMDMxLWNlYmQyNjdkZWU1YiIsIm5vdF9hZnRlciI6MTc2NDA4MDAwMH0.W2Y3N8lQk1aR4k6vB0rQ5c8mZ3E1sVx2bA9dT4uH7jKpL0oN6qF3wS5eY8iM1rC2gD4hJ7kB0nX9zV3tU6yA",
    "https://gatehouse.example/portal/invitations/01a212ca-a586-752c-b533-fc6959a77779",
    "Zoë Ωμέγα Привет 你好",
    "WIFI:S:Lobby Guest;T:WPA;P:correct-horse;;",
    // The shape of the credential a badge carries (`assets/demo/badge.json`).
    "GHC1.AZNiQb7odzSPpq3Vx2mC8w.2026-11-25T17:30+01:00.Qm9hcmRpbmcgcGFzcyBzaWduYXR1cmUgZm9yIGRlbW8gb25seQ",
];

pub fn render(payload: &[u8], module_px: u32) -> GrayImage {
    let code = qrcode::QrCode::new(payload).unwrap();
    code.render::<Luma<u8>>()
        .module_dimensions(module_px, module_px)
        .build()
}

/// Deterministic noise, so a failure can be reproduced.
fn noisy(image: &GrayImage, amplitude: i32) -> GrayImage {
    let mut state: u32 = 0x2545_f491;
    let mut out = image.clone();
    for pixel in out.pixels_mut() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let delta = i32::try_from(state % 1000).unwrap() * amplitude * 2 / 1000 - amplitude;
        pixel.0[0] = u8::try_from((i32::from(pixel.0[0]) + delta).clamp(0, 255)).unwrap();
    }
    out
}

fn low_contrast(image: &GrayImage) -> GrayImage {
    let mut out = image.clone();
    for pixel in out.pixels_mut() {
        pixel.0[0] = 110 + pixel.0[0] / 5; // 110..=161
    }
    out
}

/// Two dark scratches across the code's middle, as on a cracked or marked screen, missing the
/// finder patterns; error correction has to restore the modules under them.
fn scratched(image: &GrayImage) -> GrayImage {
    let mut out = image.clone();
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    for (x0, y0, x1, y1) in [(0.35, 0.3, 0.7, 0.75), (0.3, 0.62, 0.72, 0.5)] {
        for step in 0..2000 {
            let t = f64::from(step) / 2000.0;
            let (x, y) = ((x0 + (x1 - x0) * t) * w, (y0 + (y1 - y0) * t) * h);
            for dy in -1..=1 {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let (px, py) = (x as u32, (y as i64 + dy).max(0) as u32);
                if px < image.width() && py < image.height() {
                    out.put_pixel(px, py, Luma([20]));
                }
            }
        }
    }
    out
}

fn inverted(image: &GrayImage) -> GrayImage {
    let mut out = image.clone();
    imageops::invert(&mut out);
    out
}

fn jpeg(image: &GrayImage, quality: u8) -> GrayImage {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .unwrap();
    image::load_from_memory(&bytes).unwrap().into_luma8()
}

/// The code on a dark phone screen in a grey room.
fn on_phone(image: &GrayImage) -> GrayImage {
    let (w, h) = (image.width() + 160, image.height() + 320);
    let mut room = GrayImage::from_pixel(w + 200, h + 200, Luma([120]));
    let phone = GrayImage::from_pixel(w, h, Luma([25]));
    imageops::overlay(&mut room, &phone, 100, 100);
    imageops::overlay(&mut room, image, 180, 260);
    room
}

/// `image` seen through a camera: the projective map (homography) taking the output's corners
/// to `corners` (clockwise from top left, in source pixels) decides where each output pixel
/// comes from; outside the source is light grey.
pub fn warped(image: &GrayImage, corners: [(f64, f64); 4], size: (u32, u32)) -> GrayImage {
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    let from = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let m = homography(from, corners);
    let mut out = GrayImage::from_pixel(size.0, size.1, Luma([200]));
    for (px, py, pixel) in out.enumerate_pixels_mut() {
        let (x, y) = (f64::from(px), f64::from(py));
        let d = m[6] * x + m[7] * y + 1.0;
        let sx = (m[0] * x + m[1] * y + m[2]) / d;
        let sy = (m[3] * x + m[4] * y + m[5]) / d;
        if sx >= 0.0 && sy >= 0.0 && sx < f64::from(image.width()) && sy < f64::from(image.height())
        {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let source = image.get_pixel(sx as u32, sy as u32);
            *pixel = *source;
        }
    }
    out
}

/// The 8 parameters of the homography mapping `from[i]` to `to[i]` (Gaussian elimination on the
/// standard 8 × 8 system).
pub(crate) fn homography(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> [f64; 8] {
    let mut a = [[0.0_f64; 9]; 8];
    for i in 0..4 {
        let ((x, y), (u, v)) = (from[i], to[i]);
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let factor = a[row][col] / a[col][col];
                let pivot_row = a[col];
                for (cell, pivot_cell) in a[row].iter_mut().zip(pivot_row).skip(col) {
                    *cell -= factor * pivot_cell;
                }
            }
        }
    }
    std::array::from_fn(|i| a[i][8] / a[i][i])
}

/// `image` turned by `degrees` about its centre, on white.
pub fn rotated(image: &GrayImage, degrees: f64) -> GrayImage {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let side = (w.hypot(h)).ceil();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let out_side = side as u32;
    let mut out = GrayImage::from_pixel(out_side, out_side, Luma([255]));
    for (px, py, pixel) in out.enumerate_pixels_mut() {
        let (dx, dy) = (f64::from(px) - side / 2.0, f64::from(py) - side / 2.0);
        let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
        if sx >= 0.0 && sy >= 0.0 && sx < w && sy < h {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let source = image.get_pixel(sx as u32, sy as u32);
            *pixel = *source;
        }
    }
    out
}

pub fn variants(payload: &str) -> Vec<(String, GrayImage)> {
    let mut out = Vec::new();
    for module in [2, 4, 8] {
        out.push((
            format!("plain-{module}px"),
            render(payload.as_bytes(), module),
        ));
    }
    let base = render(payload.as_bytes(), 6);
    out.push(("rotated-90".into(), imageops::rotate90(&base)));
    out.push(("rotated-180".into(), imageops::rotate180(&base)));
    out.push(("rotated-23deg".into(), rotated(&base, 23.0)));
    let (w, h) = (f64::from(base.width()), f64::from(base.height()));
    out.push((
        "perspective".into(),
        // Held at an angle: the right edge further away than the left.
        warped(
            &base,
            [
                (-0.05 * w, -0.15 * h),
                (1.15 * w, 0.0),
                (1.15 * w, h),
                (-0.05 * w, 1.15 * h),
            ],
            (base.width(), base.height()),
        ),
    ));
    out.push(("blurred-1".into(), imageops::blur(&base, 1.0)));
    out.push(("blurred-2.5".into(), imageops::blur(&base, 2.5)));
    out.push(("noisy".into(), noisy(&base, 60)));
    out.push(("low-contrast".into(), low_contrast(&base)));
    out.push(("jpeg-q20".into(), jpeg(&base, 20)));
    out.push(("inverted".into(), inverted(&base)));
    out.push(("on-phone".into(), on_phone(&base)));
    out.push((
        "steep-perspective".into(),
        // Tilted hard away at the top, as a phone held low in front of the camera.
        warped(
            &base,
            [
                (0.15 * w, 0.0),
                (0.85 * w, 0.03 * h),
                (1.05 * w, 1.02 * h),
                (-0.05 * w, h),
            ],
            (base.width(), base.height()),
        ),
    ));
    out.push(("scratched".into(), scratched(&base)));
    out.push((
        "dim-dark-mode-screen".into(),
        low_contrast(&inverted(&base)),
    ));
    out.push((
        "small-on-phone-blurred".into(),
        imageops::blur(&on_phone(&render(payload.as_bytes(), 2)), 0.8),
    ));
    out
}
