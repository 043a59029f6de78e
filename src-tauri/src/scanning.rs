//! The kiosk's camera, always scanning. The screen asks for what it sees a few times a second
//! (`camera_view`): the picture, the code that came into view since it last asked (each code
//! once, and only if fresh), and whether the camera is lost (the screen then offers the search).
//! Nothing is pushed to the webview, so it needs no permission to listen to events.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
        mpsc::RecvTimeoutError,
    },
    time::{Duration, Instant},
};

use gatehouse_devices::{
    camera::{DeviceCamera, FileCamera},
    scanner::{Preview, ScanEvent, Scanner},
};
use gatehouse_kiosk::config::Source;
use serde::Serialize;

const FRAME_RATE: u32 = 10;
/// A code not asked for within this long was held up to another screen: it is dropped.
const FRESH_FOR: Duration = Duration::from_secs(2);
/// The width of the camera view on the scan screen, in pixels.
const VIEW_WIDTH: u32 = 480;

/// What the scan screen shows and hears.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CameraView {
    /// A small JPEG `data:` URL of what the camera sees; `None` before the first frame.
    pub view: Option<String>,
    /// The code that came into view since the screen last asked, once.
    pub code: Option<String>,
    /// The camera is not delivering pictures.
    pub lost: bool,
}

/// The running camera: what it sees, and what it has seen since the screen last asked.
#[derive(Debug, Clone)]
pub struct Camera {
    running: Arc<Mutex<Running>>,
    news: Arc<Mutex<News>>,
}

/// One camera's scanner, until another camera is chosen.
#[derive(Debug)]
struct Running {
    source: Source,
    preview: Preview,
    retired: Arc<AtomicBool>,
}

impl Running {
    fn start(source: Source, news: Arc<Mutex<News>>) -> Self {
        let scanner = match source.clone() {
            Source::Files(path) => Scanner::start(move || FileCamera::open(&path, FRAME_RATE)),
            Source::Device(id) => Scanner::start(move || DeviceCamera::open(&id, 1280, 720, 30)),
        };
        let retired = Arc::new(AtomicBool::new(false));
        let running = Self {
            source,
            preview: scanner.preview.clone(),
            retired: retired.clone(),
        };
        std::thread::Builder::new()
            .name("scan-events".into())
            .spawn(move || {
                // The scanner lives as long as this thread: retiring it stops its camera.
                while !retired.load(Ordering::Relaxed) {
                    match scanner.events.recv_timeout(Duration::from_millis(250)) {
                        Ok(event) => news
                            .lock()
                            .expect("camera lock")
                            .hear(event, Instant::now()),
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            })
            .expect("a thread can be started");
        running
    }
}

#[derive(Debug, Default)]
struct News {
    /// The code that came into view last, not yet taken by a screen, and when.
    code: Option<(String, Instant)>,
    /// The codes in view now.
    in_view: Vec<String>,
    lost: bool,
}

impl News {
    fn hear(&mut self, event: ScanEvent, at: Instant) {
        match event {
            ScanEvent::Code(code) => self.code = Some((code, at)),
            ScanEvent::InView(codes) => self.in_view = codes,
            ScanEvent::CameraLost(reason) => {
                if !self.lost {
                    tracing::warn!(%reason, "the camera is not delivering pictures");
                }
                self.lost = true;
            }
            ScanEvent::CameraBack => self.lost = false,
        }
    }

    /// The code no screen has taken yet, once — if it is fresh, or still held up (a visitor
    /// who held it up before the screen listened); whether the camera is lost.
    fn take(&mut self, now: Instant) -> (Option<String>, bool) {
        let in_view = &self.in_view;
        let code = self
            .code
            .take()
            .filter(|(code, seen)| now.duration_since(*seen) <= FRESH_FOR || in_view.contains(code))
            .map(|(code, _)| code);
        (code, self.lost)
    }
}

impl Camera {
    /// Starts scanning from `source` for as long as the app runs.
    pub fn start(source: Source) -> Self {
        let news = Arc::<Mutex<News>>::default();
        Self {
            running: Arc::new(Mutex::new(Running::start(source, news.clone()))),
            news,
        }
    }

    /// Scans from `source` from now on, if that is another camera than the one scanning.
    pub fn switch_to(&self, source: Source) {
        let mut running = self.running.lock().expect("camera lock");
        if running.source == source {
            return;
        }
        tracing::info!(camera = %source, "the scanning camera changed");
        running.retired.store(true, Ordering::Relaxed);
        *running = Running::start(source, self.news.clone());
    }

    /// What the scan screen shows now, and the code that came into view since it last asked.
    /// Whether the camera has stopped delivering pictures (for reception's health line).
    pub fn lost(&self) -> bool {
        self.news.lock().expect("camera lock").lost
    }

    pub fn view(&self) -> CameraView {
        let (code, lost) = self.news.lock().expect("camera lock").take(Instant::now());
        let preview = self.running.lock().expect("camera lock").preview.clone();
        CameraView {
            view: small_jpeg(&preview),
            code,
            lost,
        }
    }
}

/// What the camera sees now, small, as a JPEG `data:` URL; `None` before the first frame.
fn small_jpeg(preview: &Preview) -> Option<String> {
    use base64::{Engine as _, engine::general_purpose::STANDARD};
    let frame = preview.newest()?;
    let height = (frame.height() * VIEW_WIDTH / frame.width().max(1)).max(1);
    let small = image::imageops::thumbnail(frame.as_ref(), VIEW_WIDTH, height);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode_image(&small)
        .ok()?;
    Some(format!("data:image/jpeg;base64,{}", STANDARD.encode(&jpeg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reaches_the_screen_once_and_only_while_fresh() {
        let mut news = News::default();
        let start = Instant::now();
        news.hear(ScanEvent::Code("GH1.a".into()), start);
        assert_eq!(
            news.take(start + Duration::from_millis(200)),
            (Some("GH1.a".into()), false)
        );
        assert_eq!(
            news.take(start + Duration::from_millis(400)),
            (None, false),
            "once"
        );
        news.hear(ScanEvent::Code("GH1.b".into()), start);
        assert_eq!(
            news.take(start + Duration::from_secs(3)),
            (None, false),
            "held up and gone before a screen asked"
        );
        news.hear(ScanEvent::CameraLost("unplugged".into()), start);
        assert_eq!(news.take(start), (None, true));
        news.hear(ScanEvent::CameraBack, start);
        assert_eq!(news.take(start), (None, false));
    }

    #[test]
    fn a_code_held_up_before_the_screen_listens_is_reported_while_it_is_still_in_view() {
        let mut news = News::default();
        let start = Instant::now();
        news.hear(ScanEvent::Code("GH1.a".into()), start);
        news.hear(ScanEvent::InView(vec!["GH1.a".into()]), start);
        // The visitor held their phone up before tapping anything, and holds it still.
        assert_eq!(
            news.take(start + Duration::from_secs(10)),
            (Some("GH1.a".into()), false)
        );
        assert_eq!(
            news.take(start + Duration::from_secs(11)),
            (None, false),
            "once"
        );
        // Taken away before any screen asked: nothing is left to report.
        news.hear(ScanEvent::Code("GH1.b".into()), start);
        news.hear(ScanEvent::InView(Vec::new()), start);
        assert_eq!(news.take(start + Duration::from_secs(10)), (None, false));
    }
}
