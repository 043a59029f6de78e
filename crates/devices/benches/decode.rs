//! Decode time per image on the generated set — the pipeline beside its peers measured in the
//! same run: rxing alone as an integrator calls it (try harder), rqrr alone and zbar — and on
//! 1280 × 720 camera frames. Machines of this kind differ by up to 2×, so the pipeline's times
//! are also given as a ratio to rxing alone's, which carries from one machine to another.
//!
//! Then the photo corpus (`gatehouse_testsupport::qr_photos`, 240 camera frames): the pipeline
//! as each video frame gets it and with every stage, beside zxing-cpp, the best peer, run by
//! `benches/zxing_peer.py` on the same frames in the same run — codes read, and the median time
//! of 5 rounds per frame, p50 / p95 / mean over frames.
//!
//! `cargo bench -p gatehouse-devices --bench decode [-- --save DIR]` (needs `zbarimg` from
//! Debian's zbar-tools; for the peer `pip install zxing-cpp==3.1.1 numpy pillow`, or the Python
//! named by `GATEHOUSE_ZXING_PYTHON`). `--save DIR` also keeps the corpus's frames as PNG.

use std::{path::Path, process::Command, time::Instant};

use gatehouse_devices::{
    frame::{self, PixelFormat},
    scan::{self, Search},
};
use gatehouse_testsupport::{qr_photos, qr_testset};
use image::{GrayImage, Luma, imageops};

/// rxing as an integrator would call it: every QR code in the frame, trying harder.
fn rxing_try_harder(image: &GrayImage) -> Vec<String> {
    let mut hints = rxing::DecodeHints {
        PossibleFormats: Some(std::collections::HashSet::from([
            rxing::BarcodeFormat::QR_CODE,
        ])),
        TryHarder: Some(true),
        ..rxing::DecodeHints::default()
    };
    rxing::helpers::detect_multiple_in_luma_with_hints(
        image.as_raw().clone(),
        image.width(),
        image.height(),
        &mut hints,
    )
    .map(|found| found.iter().map(|r| r.getText().to_owned()).collect())
    .unwrap_or_default()
}

/// zbar on the same images: how many it reads, and its mean time per image (one process for
/// all files, so the time includes loading each PNG).
fn zbar(set: &[(String, GrayImage)]) -> anyhow::Result<(usize, f64)> {
    let dir = tempfile::tempdir()?;
    let mut files = Vec::new();
    for (i, (_, image)) in set.iter().enumerate() {
        let file = dir.path().join(format!("{i}.png"));
        image.save(&file)?;
        files.push(file);
    }
    let started = Instant::now();
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .args(&files)
        .output()?;
    let zbar_ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(u32::try_from(files.len())?);
    anyhow::ensure!(
        output.status.success() || !output.stdout.is_empty(),
        "zbarimg failed"
    );
    // Which files zbar reads: one process per file, so each answer belongs to its file.
    let zbar_read = set
        .iter()
        .zip(&files)
        .filter(|((payload, _), file)| {
            Command::new("zbarimg")
                .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
                .arg(file)
                .output()
                .is_ok_and(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .any(|l| l == payload)
                })
        })
        .count();

    Ok((zbar_read, zbar_ms))
}

fn percentile(samples: &mut [f64], percent: usize) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[(samples.len() - 1) * percent / 100]
}

fn main() -> anyhow::Result<()> {
    let save = std::env::args()
        .skip_while(|arg| arg != "--save")
        .nth(1)
        .map(std::path::PathBuf::from);
    generated_set()?;
    photo_corpus(save.as_deref())
}

fn generated_set() -> anyhow::Result<()> {
    let mut set: Vec<(String, GrayImage)> = Vec::new();
    let mut names = Vec::new();
    for payload in qr_testset::PAYLOADS {
        for (name, image) in qr_testset::variants(payload) {
            set.push((payload.to_owned(), image));
            names.push(name);
        }
    }
    // Each image's best time over the rounds: which ones make the tail.
    let mut best = vec![f64::INFINITY; set.len()];
    let rounds = 5;

    let (mut pipeline, mut pipeline_read) = (Vec::new(), 0);
    let (mut rqrr_alone, mut rqrr_read) = (Vec::new(), 0);
    let (mut rxing_alone, mut rxing_read) = (Vec::new(), 0);
    for round in 0..rounds {
        for (index, (payload, image)) in set.iter().enumerate() {
            let started = Instant::now();
            let codes = scan::decode(image)?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            pipeline.push(ms);
            best[index] = best[index].min(ms);
            let started = Instant::now();
            let mut prepared = rqrr::PreparedImage::prepare(image.clone());
            let rqrr_codes: Vec<String> = prepared
                .detect_grids()
                .iter()
                .filter_map(|g| g.decode().ok().map(|(_, text)| text))
                .collect();
            rqrr_alone.push(started.elapsed().as_secs_f64() * 1000.0);
            let started = Instant::now();
            let rxing_codes = rxing_try_harder(image);
            rxing_alone.push(started.elapsed().as_secs_f64() * 1000.0);
            if round == 0 {
                pipeline_read += usize::from(codes.iter().any(|c| &c.text == payload));
                rqrr_read += usize::from(rqrr_codes.iter().any(|t| t == payload));
                rxing_read += usize::from(rxing_codes.iter().any(|t| t == payload));
            }
        }
    }

    let (zbar_read, zbar_ms) = zbar(&set)?;

    let mut frame_ms = camera_frames()?;

    let n = set.len();
    let (pipeline_p50, pipeline_p95) =
        (percentile(&mut pipeline, 50), percentile(&mut pipeline, 95));
    let (rxing_p50, rxing_p95) = (
        percentile(&mut rxing_alone, 50),
        percentile(&mut rxing_alone, 95),
    );
    println!("\n| decoder | read (of {n}) | ms per image p50 / p95 |");
    println!("|---|---|---|");
    println!(
        "| Gatehouse pipeline, every stage | {pipeline_read} | {pipeline_p50:.2} / {pipeline_p95:.2} |"
    );
    println!("| rxing alone (try harder) | {rxing_read} | {rxing_p50:.2} / {rxing_p95:.2} |");
    println!(
        "| rqrr alone | {rqrr_read} | {:.2} / {:.2} |",
        percentile(&mut rqrr_alone, 50),
        percentile(&mut rqrr_alone, 95)
    );
    println!("| zbar (`zbarimg`, mean incl. PNG loading) | {zbar_read} | {zbar_ms:.2} (mean) |");
    println!(
        "\nPipeline ÷ rxing alone, same run: p50 {:.2}, p95 {:.2}; codes read {pipeline_read} vs {rxing_read}",
        pipeline_p50 / rxing_p50,
        pipeline_p95 / rxing_p95
    );
    println!(
        "\nSlowest images (best of {rounds}): {}",
        slowest(&best, &names, &set)
    );
    let [mjpeg_ms, yuyv_ms, empty_ms, quick_ms] = &mut frame_ms;
    println!(
        "\n1280×720 camera frame to codes, grayscale included: MJPEG p50 {:.2} / p95 {:.2} ms; \
         YUYV p50 {:.2} / p95 {:.2} ms; an empty MJPEG frame p50 {:.2} / p95 {:.2} ms, quick \
         search p50 {:.2} / p95 {:.2} ms",
        percentile(mjpeg_ms, 50),
        percentile(mjpeg_ms, 95),
        percentile(yuyv_ms, 50),
        percentile(yuyv_ms, 95),
        percentile(empty_ms, 50),
        percentile(empty_ms, 95),
        percentile(quick_ms, 50),
        percentile(quick_ms, 95)
    );
    Ok(())
}

/// The eight images that took longest, with their size and time: what makes the tail.
fn slowest(best: &[f64], names: &[String], set: &[(String, GrayImage)]) -> String {
    let mut slowest: Vec<(f64, &str, &GrayImage)> = best
        .iter()
        .zip(names)
        .zip(set)
        .map(|((ms, name), (_, image))| (*ms, name.as_str(), image))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest
        .iter()
        .take(8)
        .map(|(ms, name, image)| format!("{name} {}×{} {ms:.1} ms", image.width(), image.height()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A frame as a camera's MJPEG stream carries it (quality 85).
fn jpeg(frame: &GrayImage) -> anyhow::Result<Vec<u8>> {
    let colour = image::DynamicImage::ImageLuma8(frame.clone()).to_rgb8();
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85).encode_image(&colour)?;
    Ok(bytes)
}

/// 1280 × 720 camera frames with an invitation code held up in them, as a USB camera delivers
/// them (a JPEG, or packed YUYV), turned into grayscale and decoded; and an empty frame, searched
/// thoroughly and quickly (the scanner's two kinds of frame). Times in ms for each of the four.
fn camera_frames() -> anyhow::Result<[Vec<f64>; 4]> {
    let code = qr_testset::render(qr_testset::PAYLOADS[0].as_bytes(), 4);
    let mut room = GrayImage::from_pixel(1280, 720, Luma([130]));
    imageops::overlay(&mut room, &code, 500, 180);
    let mjpeg = jpeg(&room)?;
    let yuyv: Vec<u8> = room.as_raw().iter().flat_map(|&y| [y, 128]).collect();
    let empty = jpeg(&GrayImage::from_pixel(1280, 720, Luma([130])))?;
    let mut frame_ms = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..60 {
        for (i, (format, bytes, search)) in [
            (PixelFormat::Mjpeg, &mjpeg, Search::Thorough),
            (PixelFormat::Yuyv, &yuyv, Search::Thorough),
            (PixelFormat::Mjpeg, &empty, Search::Thorough),
            (PixelFormat::Mjpeg, &empty, Search::Quick),
        ]
        .into_iter()
        .enumerate()
        {
            let started = Instant::now();
            let codes = scan::search(&frame::grayscale(format, 1280, 720, bytes)?, search)?;
            frame_ms[i].push(started.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(codes.len() == usize::from(i < 2), "frame {i}: {codes:?}");
        }
    }
    Ok(frame_ms)
}

/// How many rounds each corpus frame is decoded; its time is the median.
const PHOTO_ROUNDS: usize = 5;

/// The photo corpus: the pipeline beside zxing-cpp on the same 240 frames.
fn photo_corpus(save: Option<&Path>) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    let started = Instant::now();
    let corpus = qr_photos::corpus();
    println!(
        "\nPhoto corpus: {} frames made in {:.1} s",
        corpus.len(),
        started.elapsed().as_secs_f64()
    );
    let measure = |search: Search| -> anyhow::Result<Vec<(bool, f64)>> {
        let mut results = Vec::new();
        for photo in &corpus {
            let mut times = Vec::new();
            let mut read = false;
            for _ in 0..PHOTO_ROUNDS {
                let started = Instant::now();
                let codes = scan::search(&photo.frame, search)?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                read |= codes.iter().any(|code| code.text == photo.payload);
            }
            results.push((read, percentile(&mut times, 50)));
        }
        Ok(results)
    };
    let ours = measure(Search::Thorough)?;
    let exhaustive = measure(Search::Exhaustive)?;
    let dir = tempfile::tempdir()?;
    let folder = save.unwrap_or(dir.path());
    std::fs::create_dir_all(folder)?;
    let mut manifest = String::new();
    for photo in &corpus {
        let file = folder.join(format!("{}.png", photo.name));
        photo.frame.save(&file)?;
        writeln!(manifest, "{}\t{}", file.display(), photo.payload)?;
    }
    let peer = zxing_cpp(&manifest)?;

    println!(
        "\n| decoder | read (of {}) | ms per frame p50 / p95 / mean |",
        corpus.len()
    );
    println!("|---|---|---|");
    let row = |name: &str, results: &[(bool, f64)]| {
        let mut times: Vec<f64> = results.iter().map(|(_, ms)| *ms).collect();
        let mean = times.iter().sum::<f64>() / f64::from(u32::try_from(times.len()).unwrap_or(1));
        println!(
            "| {name} | {} | {:.2} / {:.2} / {:.2} |",
            results.iter().filter(|(read, _)| *read).count(),
            percentile(&mut times, 50),
            percentile(&mut times, 95),
            mean
        );
    };
    row(
        "Gatehouse pipeline, a video frame (`Search::Thorough`)",
        &ours,
    );
    let mut slowest: Vec<(f64, &str, bool)> = ours
        .iter()
        .zip(&corpus)
        .map(|((read, ms), photo)| (*ms, photo.name.as_str(), *read))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    row(
        "Gatehouse pipeline, every stage (`Search::Exhaustive`: stills, every 3rd frame)",
        &exhaustive,
    );
    let tail: Vec<String> = slowest
        .iter()
        .take(12)
        .map(|(ms, name, read)| {
            format!("{name} {ms:.1} ms{}", if *read { "" } else { " (unread)" })
        })
        .collect();
    match &peer {
        Some(peer) => {
            row("zxing-cpp (read_barcodes, QR codes only)", peer);
            let either = ours
                .iter()
                .zip(peer)
                .filter(|((a, _), (b, _))| *a || *b)
                .count();
            println!(
                "\nSlowest frames, one video frame each: {}",
                tail.join(", ")
            );
            println!("\nRead by either: {either}. Missed, by kind:");
            missed_by_kind(&corpus, &ours, peer);
        }
        None => println!(
            "\nzxing-cpp is not installed: `pip install zxing-cpp==3.1.1 numpy pillow` (or set \
             GATEHOUSE_ZXING_PYTHON to a Python that has it) for the peer"
        ),
    }
    Ok(())
}

/// How many of each kind of frame each decoder missed.
fn missed_by_kind(corpus: &[qr_photos::Photo], ours: &[(bool, f64)], peer: &[(bool, f64)]) {
    let mut kinds: Vec<(String, usize, usize, usize)> = Vec::new();
    for ((photo, (a, _)), (b, _)) in corpus.iter().zip(ours).zip(peer) {
        let kind = format!("{:?}", photo.kind);
        if !kinds.iter().any(|(k, ..)| *k == kind) {
            kinds.push((kind.clone(), 0, 0, 0));
        }
        let entry = kinds.iter_mut().find(|(k, ..)| *k == kind).expect("added");
        entry.1 += 1;
        entry.2 += usize::from(!a);
        entry.3 += usize::from(!b);
    }
    for (kind, frames, missed_ours, missed_peer) in kinds {
        println!("- {kind} ({frames}): pipeline {missed_ours}, zxing-cpp {missed_peer}");
    }
}

/// zxing-cpp's answer for each frame of the manifest, in order; `None` if it is not installed.
fn zxing_cpp(manifest: &str) -> anyhow::Result<Option<Vec<(bool, f64)>>> {
    use std::io::Write as _;
    let python = std::env::var("GATEHOUSE_ZXING_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/zxing_peer.py");
    let mut child = Command::new(python)
        .arg(script)
        .arg(PHOTO_ROUNDS.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(manifest.as_bytes())?;
    let output = child.wait_with_output()?;
    let mut answers = Vec::new();
    for line in String::from_utf8(output.stdout)?.lines() {
        let answer: serde_json::Value = serde_json::from_str(line)?;
        if answer.get("missing").is_some() {
            return Ok(None);
        }
        answers.push((
            answer["read"].as_bool().unwrap_or(false),
            answer["ms"].as_f64().unwrap_or(f64::NAN),
        ));
    }
    anyhow::ensure!(
        answers.len() == manifest.lines().count(),
        "zxing-cpp answered {} of {} frames",
        answers.len(),
        manifest.lines().count()
    );
    Ok(Some(answers))
}
