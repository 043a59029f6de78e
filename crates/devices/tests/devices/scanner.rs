//! The scanner over a file camera: each code reported once while in view, again after it left;
//! a camera that fails is reported and reopened, never a panic.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use gatehouse_devices::{
    camera::{CameraError, FileCamera, FrameSource},
    scanner::{ScanEvent, Scanner},
};
use gatehouse_testsupport::qr_testset::render;
use image::{GrayImage, Luma};

/// The next `count` events, leaving out what is in view (see the test of that below).
fn events_until(scanner: &Scanner, count: usize) -> Vec<ScanEvent> {
    let mut events = Vec::new();
    while events.len() < count {
        match scanner.events.recv_timeout(Duration::from_secs(20)) {
            Ok(ScanEvent::InView(_)) => {}
            Ok(event) => events.push(event),
            Err(_) => break,
        }
    }
    events
}

#[test]
fn what_is_in_view_is_told_as_it_changes_so_a_screen_that_listens_late_still_hears_it() {
    let dir = tempfile::tempdir().unwrap();
    let blank = GrayImage::from_pixel(320, 320, Luma([230]));
    let a = render(b"GH1.visitor-a", 6);
    for (n, image) in std::iter::repeat_n(&a, 15)
        .chain(std::iter::repeat_n(&blank, 30))
        .enumerate()
    {
        image.save(dir.path().join(format!("{n:03}.png"))).unwrap();
    }
    let folder = dir.path().to_path_buf();
    let scanner = Scanner::start(move || FileCamera::open(&folder, 30));
    let mut events = Vec::new();
    while events.len() < 3 {
        match scanner.events.recv_timeout(Duration::from_secs(20)) {
            Ok(event) => events.push(event),
            Err(_) => break,
        }
    }
    assert_eq!(
        events,
        [
            ScanEvent::Code("GH1.visitor-a".into()),
            ScanEvent::InView(vec!["GH1.visitor-a".into()]),
            ScanEvent::InView(Vec::new()),
        ]
    );
}

#[test]
fn a_code_held_up_is_reported_once_and_again_after_it_left() {
    let dir = tempfile::tempdir().unwrap();
    let blank = GrayImage::from_pixel(320, 320, Luma([230]));
    let mut n = 0;
    let mut put = |image: &GrayImage| {
        image.save(dir.path().join(format!("{n:03}.png"))).unwrap();
        n += 1;
    };
    let a = render(b"GH1.visitor-a", 6);
    let b = render(b"GH1.visitor-b", 6);
    // At 30 frames a second: A for half a second, nobody for a second, A again, then B, then
    // nobody. Frames may be dropped when decoding falls behind; what a visitor does may not.
    for (image, frames) in [(&a, 15), (&blank, 30), (&a, 15), (&b, 15), (&blank, 30)] {
        for _ in 0..frames {
            put(image);
        }
    }
    let folder = dir.path().to_path_buf();
    let scanner = Scanner::start(move || FileCamera::open(&folder, 30));
    let events = events_until(&scanner, 3);
    assert_eq!(
        events,
        [
            ScanEvent::Code("GH1.visitor-a".into()),
            ScanEvent::Code("GH1.visitor-a".into()),
            ScanEvent::Code("GH1.visitor-b".into()),
        ]
    );
}

/// A camera that delivers a few frames, then fails as if unplugged.
struct FlakyCamera {
    frames_left: usize,
    frame: GrayImage,
}

impl FrameSource for FlakyCamera {
    fn next_frame(&mut self) -> Result<GrayImage, CameraError> {
        std::thread::sleep(Duration::from_millis(20));
        if self.frames_left == 0 {
            return Err(CameraError::Lost("unplugged".into()));
        }
        self.frames_left -= 1;
        Ok(self.frame.clone())
    }
}

#[test]
fn an_unplugged_camera_is_reported_and_reopened() {
    let opened = Arc::new(AtomicUsize::new(0));
    let count = opened.clone();
    let frame = render(b"GH1.visitor-c", 6);
    let scanner = Scanner::start(move || {
        let n = count.fetch_add(1, Ordering::SeqCst);
        if n == 1 {
            return Err(CameraError::Lost("no such device".into()));
        }
        Ok(FlakyCamera {
            frames_left: 3,
            frame: frame.clone(),
        })
    });
    let events = events_until(&scanner, 3);
    assert_eq!(events[0], ScanEvent::Code("GH1.visitor-c".into()));
    assert!(
        matches!(&events[1], ScanEvent::CameraLost(e) if e.contains("unplugged")),
        "{events:?}"
    );
    assert_eq!(events[2], ScanEvent::CameraBack);
    assert!(
        opened.load(Ordering::SeqCst) >= 3,
        "the camera was reopened"
    );
}

#[test]
fn a_file_camera_on_nothing_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let err = FileCamera::open(dir.path(), 10).unwrap_err();
    assert!(err.to_string().contains("has no images"), "{err}");
    let err = FileCamera::open(&dir.path().join("missing.png"), 10).unwrap_err();
    assert!(err.to_string().contains("has no images"), "{err}");
}

#[test]
fn a_code_only_the_exhaustive_search_reads_is_reported_once() {
    // Tilted steeply away, as a phone held low in front of the camera: only rxing's own reader
    // trying harder finds it, which the scanner runs on every third frame.
    let payload = gatehouse_testsupport::qr_testset::PAYLOADS[3];
    let (_, code) = gatehouse_testsupport::qr_testset::variants(payload)
        .into_iter()
        .find(|(name, _)| name == "steep-perspective")
        .unwrap();
    let reads = |search| {
        gatehouse_devices::scan::search(&code, search)
            .unwrap()
            .iter()
            .any(|found| found.text == payload)
    };
    assert!(!reads(gatehouse_devices::scan::Search::Thorough));
    assert!(reads(gatehouse_devices::scan::Search::Exhaustive));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tilted.png");
    code.save(&file).unwrap();
    let scanner = Scanner::start(move || FileCamera::open(&file, 30));
    let first = scanner.events.recv_timeout(Duration::from_secs(10));
    assert_eq!(first, Ok(ScanEvent::Code(payload.into())));
    // Held up for two more seconds: seen on every third frame, never reported again (it stays
    // in view throughout).
    let until = std::time::Instant::now() + Duration::from_secs(2);
    while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
        match scanner.events.recv_timeout(left) {
            Ok(ScanEvent::InView(codes)) => assert_eq!(codes, [payload]),
            Ok(other) => panic!("{other:?}"),
            Err(_) => break,
        }
    }
}

#[test]
fn a_folder_camera_sees_a_picture_put_in_and_stops_seeing_it_when_taken_out() {
    let dir = tempfile::tempdir().unwrap();
    GrayImage::from_pixel(16, 12, Luma([200]))
        .save(dir.path().join("lobby.png"))
        .unwrap();
    let mut camera = FileCamera::open(dir.path(), 1000).unwrap();
    let sizes = |camera: &mut FileCamera| -> Vec<u32> {
        (0..4)
            .map(|_| camera.next_frame().unwrap().width())
            .collect()
    };
    assert_eq!(sizes(&mut camera), vec![16; 4]);

    let held_up = dir.path().join("held-up.png");
    GrayImage::from_pixel(40, 40, Luma([0]))
        .save(&held_up)
        .unwrap();
    assert!(
        sizes(&mut camera).contains(&40),
        "the picture put in is seen"
    );

    std::fs::remove_file(&held_up).unwrap();
    let after: Vec<u32> = sizes(&mut camera);
    assert_eq!(
        after,
        vec![16; 4],
        "once taken out it is gone, and no frame fails"
    );
}
