//! The generated test set: the codes Gatehouse prints and general payloads, rendered at several
//! sizes and spoiled the ways a lobby camera spoils them. Shared by the tests and the benchmark.

#![allow(dead_code)]

use image::{GrayImage, Luma, imageops};

pub const PAYLOADS: [&str; 4] = [
    // The shape of a Gatehouse invitation code: prefix, base64url claims, base64url signature.
    "GH1.eyJraWQiOjEsImludml0YXRpb24iOiIwMWEyMTJjYS1hNTg2LTc1MmMtYjUzMy1mYzY5NTlhNzc3NzkiLCJmYWNpbGl0eSI6IjAxYTIxMmNhLWE1M2ItNzIzNi1iMDMxLWNlYmQyNjdkZWU1YiIsIm5vdF9hZnRlciI6MTc2NDA4MDAwMH0.W2Y3N8lQk1aR4k6vB0rQ5c8mZ3E1sVx2bA9dT4uH7jKpL0oN6qF3wS5eY8iM1rC2gD4hJ7kB0nX9zV3tU6yA",
    "https://gatehouse.example/portal/invitations/01a212ca-a586-752c-b533-fc6959a77779",
    "Zoë Ωμέγα Привет 你好",
    "WIFI:S:Lobby Guest;T:WPA;P:correct-horse;;",
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
    out.push(("blurred-1".into(), imageops::blur(&base, 1.0)));
    out.push(("blurred-2.5".into(), imageops::blur(&base, 2.5)));
    out.push(("noisy".into(), noisy(&base, 60)));
    out.push(("low-contrast".into(), low_contrast(&base)));
    out.push(("jpeg-q20".into(), jpeg(&base, 20)));
    out.push(("inverted".into(), inverted(&base)));
    out.push(("on-phone".into(), on_phone(&base)));
    out.push((
        "small-on-phone-blurred".into(),
        imageops::blur(&on_phone(&render(payload.as_bytes(), 2)), 0.8),
    ));
    out
}
