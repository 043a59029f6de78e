//! The scanner: a capture thread that never waits for decoding, and a decode thread that always
//! takes the newest frame (stale frames are dropped), reports each code once while it stays in
//! view, and reopens a camera that went away.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
        mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError},
    },
    thread,
    time::Duration,
};

use image::GrayImage;

use crate::{
    camera::{CameraError, FrameSource},
    debounce::Debouncer,
    scan,
    scan::Search,
};

/// What the scanner tells its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEvent {
    /// A code came into view.
    Code(String),
    /// The codes in view now, whenever that changes (a code that came into view is in it until
    /// it is gone).
    InView(Vec<String>),
    /// The camera failed; the scanner keeps trying to reopen it.
    CameraLost(String),
    /// Frames flow again after a failure.
    CameraBack,
}

/// A running scanner; dropping it stops both threads.
#[derive(Debug)]
pub struct Scanner {
    pub events: Receiver<ScanEvent>,
    /// What the camera sees, for a screen to show.
    pub preview: Preview,
    stop: Arc<AtomicBool>,
}

/// The newest frame the scanner looked at.
#[derive(Debug, Clone, Default)]
pub struct Preview(Arc<Mutex<Option<Arc<GrayImage>>>>);

impl Preview {
    pub fn newest(&self) -> Option<Arc<GrayImage>> {
        self.0.lock().ok().and_then(|newest| newest.clone())
    }

    fn show(&self, frame: Arc<GrayImage>) {
        if let Ok(mut newest) = self.0.lock() {
            *newest = Some(frame);
        }
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Scanner {
    /// Starts scanning frames from whatever `open` returns, calling it again after a failure.
    pub fn start<S, F>(open: F) -> Self
    where
        S: FrameSource + 'static,
        F: FnMut() -> Result<S, CameraError> + Send + 'static,
    {
        let (frames, newest) = mpsc::sync_channel::<GrayImage>(1);
        let (events, receiver) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let capture_events = events.clone();
        let capture_stop = stop.clone();
        thread::Builder::new()
            .name("scanner-capture".into())
            .spawn(move || capture(open, &frames, &capture_events, &capture_stop))
            .expect("a thread can be started");
        let decode_stop = stop.clone();
        let preview = Preview::default();
        let shown = preview.clone();
        thread::Builder::new()
            .name("scanner-decode".into())
            .spawn(move || decode(&newest, &events, &shown, &decode_stop))
            .expect("a thread can be started");
        Self {
            events: receiver,
            preview,
            stop,
        }
    }
}

fn capture<S: FrameSource, F: FnMut() -> Result<S, CameraError>>(
    mut open: F,
    frames: &SyncSender<GrayImage>,
    events: &mpsc::Sender<ScanEvent>,
    stop: &AtomicBool,
) {
    let mut backoff = Duration::from_millis(200);
    let mut lost = false;
    while !stop.load(Ordering::Relaxed) {
        let mut source = match open() {
            Ok(source) => source,
            Err(error) => {
                if !lost
                    && events
                        .send(ScanEvent::CameraLost(error.to_string()))
                        .is_err()
                {
                    return;
                }
                lost = true;
                thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        while !stop.load(Ordering::Relaxed) {
            match source.next_frame() {
                Ok(frame) => {
                    if lost {
                        lost = false;
                        backoff = Duration::from_millis(200);
                        if events.send(ScanEvent::CameraBack).is_err() {
                            return;
                        }
                    }
                    // A full slot means decoding is behind: this frame is dropped, and the
                    // decoder takes a newer one next time.
                    match frames.try_send(frame) {
                        Ok(()) | Err(TrySendError::Full(_)) => {}
                        Err(TrySendError::Disconnected(_)) => return,
                    }
                }
                // A damaged frame is skipped; the camera itself is fine.
                Err(CameraError::BadFrame(_)) => {}
                Err(error) => {
                    if events
                        .send(ScanEvent::CameraLost(error.to_string()))
                        .is_err()
                    {
                        return;
                    }
                    lost = true;
                    break;
                }
            }
        }
    }
}

/// Every this many frames the search is exhaustive; the others get the thorough one, so an
/// empty scene costs a millisecond or two a frame instead of twenty. A code only the
/// exhaustive search reads is still seen several times a second, well within the debouncer's
/// patience.
const EXHAUSTIVE_EVERY: u32 = 3;

fn decode(
    frames: &Receiver<GrayImage>,
    events: &mpsc::Sender<ScanEvent>,
    preview: &Preview,
    stop: &AtomicBool,
) {
    let mut debouncer = Debouncer::default();
    let mut in_view: Vec<String> = Vec::new();
    let mut count: u32 = 0;
    while !stop.load(Ordering::Relaxed) {
        let frame = match frames.recv_timeout(Duration::from_millis(200)) {
            Ok(frame) => Arc::new(frame),
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        preview.show(frame.clone());
        count = count.wrapping_add(1);
        let search = if count % EXHAUSTIVE_EVERY == 1 {
            Search::Exhaustive
        } else {
            Search::Thorough
        };
        let seen: Vec<String> = scan::search(&frame, search)
            .map(|codes| codes.into_iter().map(|c| c.text).collect())
            .unwrap_or_default();
        for code in debouncer.frame(&seen, std::time::Instant::now()) {
            if events.send(ScanEvent::Code(code)).is_err() {
                return;
            }
        }
        let now_in_view = debouncer.in_view();
        if now_in_view != in_view {
            in_view.clone_from(&now_in_view);
            if events.send(ScanEvent::InView(now_in_view)).is_err() {
                return;
            }
        }
    }
}
