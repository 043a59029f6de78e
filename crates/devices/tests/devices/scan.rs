//! The decode pipeline on a generated set: the codes Gatehouse prints and general payloads,
//! rendered at several sizes and spoiled the ways a lobby camera spoils them. zbar (Debian's
//! `zbarimg`) reads the same files in the same run: whatever zbar reads, the pipeline must read.

use std::{path::Path, process::Command};

use gatehouse_devices::scan;
use gatehouse_testsupport::qr_testset::{PAYLOADS, render, variants};
use image::{GrayImage, Luma, imageops};

fn zbar_reads(file: &Path) -> Vec<String> {
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(file)
        .output()
        .expect("zbarimg is installed (zbar-tools; scripts/test.sh installs it)");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn pipeline_reads_everything_zbar_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (mut total, mut ours, mut zbars, mut missed) = (0, 0, 0, Vec::new());
    for (p, payload) in PAYLOADS.iter().enumerate() {
        for (name, image) in variants(payload) {
            total += 1;
            let file = dir.path().join(format!("{p}-{name}.png"));
            image.save(&file).unwrap();
            let read_by_us = scan::decode(&image)
                .unwrap()
                .iter()
                .any(|c| c.text == *payload);
            let read_by_zbar = zbar_reads(&file).iter().any(|t| t == payload);
            ours += usize::from(read_by_us);
            zbars += usize::from(read_by_zbar);
            if read_by_zbar && !read_by_us {
                missed.push(format!("{p}-{name}"));
            }
            if !read_by_us {
                println!("the pipeline missed {p}-{name}");
            }
        }
    }
    println!("generated set: pipeline {ours}/{total}, zbar {zbars}/{total}");
    assert!(
        missed.is_empty(),
        "zbar read what the pipeline missed: {missed:?}"
    );
    assert!(ours >= zbars, "pipeline {ours} < zbar {zbars}");
    assert!(
        ours * 10 >= total * 9,
        "the pipeline reads only {ours} of {total}"
    );
}

#[test]
fn two_codes_in_one_frame_are_both_found() {
    let left = render(PAYLOADS[1].as_bytes(), 5);
    let right = render(PAYLOADS[3].as_bytes(), 5);
    let mut frame = GrayImage::from_pixel(
        left.width() + right.width() + 60,
        left.height().max(right.height()) + 40,
        Luma([255]),
    );
    imageops::overlay(&mut frame, &left, 20, 20);
    imageops::overlay(&mut frame, &right, i64::from(left.width()) + 40, 20);
    let mut texts: Vec<_> = scan::decode(&frame)
        .unwrap()
        .into_iter()
        .map(|c| c.text)
        .collect();
    texts.sort();
    let mut expected = vec![PAYLOADS[1].to_owned(), PAYLOADS[3].to_owned()];
    expected.sort();
    assert_eq!(texts, expected);
}

#[test]
fn iso_8859_1_payload_comes_back_as_the_right_text() {
    let latin1: Vec<u8> = "Grüße aus Köln"
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let codes = scan::decode(&render(&latin1, 6)).unwrap();
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].text, "Grüße aus Köln");
}

#[test]
fn corners_lie_on_the_code() {
    let image = render(PAYLOADS[1].as_bytes(), 6);
    let code = &scan::decode(&image).unwrap()[0];
    assert!(code.corners.len() >= 3, "{:?}", code.corners);
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    assert!(
        code.corners
            .iter()
            .all(|&(x, y)| (0.0..=w).contains(&x) && (0.0..=h).contains(&y))
    );
}

#[test]
fn shift_jis_payload_comes_back_as_the_right_text() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("ゲートハウスへようこそ、受付までどうぞ");
    let codes = scan::decode(&render(&sjis, 6)).unwrap();
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].text, "ゲートハウスへようこそ、受付までどうぞ");
}

#[test]
fn utf8_payload_comes_back_as_the_right_text() {
    let codes = scan::decode(&render(PAYLOADS[2].as_bytes(), 6)).unwrap();
    assert_eq!(codes[0].text, PAYLOADS[2]);
}

#[test]
fn a_phone_screen_in_either_mode_and_a_glossy_print_are_read_from_a_video_frame() {
    use gatehouse_devices::scan::Search;
    use gatehouse_testsupport::qr_photos::{Kind, photo};
    for kind in [Kind::DarkModePhone, Kind::Phone, Kind::PrintGlare] {
        let frame = photo(PAYLOADS[0], kind, 3);
        let codes = scan::search(&frame, Search::Thorough).unwrap();
        assert!(
            codes.iter().any(|code| code.text == PAYLOADS[0]),
            "{kind:?}: {codes:?}"
        );
    }
}
