//! The kiosk's camera, always scanning: each code that comes into view reaches the screen once
//! as a `scan` event, and camera trouble as `camera` events (the screen then offers the search).

use gatehouse_devices::{
    camera::{DeviceCamera, FileCamera},
    scanner::{Preview, ScanEvent, Scanner},
};
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, Runtime};

use gatehouse_kiosk::config::Source;

const FRAME_RATE: u32 = 10;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum CameraState {
    Lost,
    Back,
}

/// The width of the camera view on the scan screen, in pixels.
const VIEW_WIDTH: u32 = 480;

/// Starts scanning from `source` for as long as the app runs; returns what the camera sees.
pub fn start<R: Runtime>(app: AppHandle<R>, source: Source) -> Preview {
    let scanner = match source {
        Source::Files(path) => Scanner::start(move || FileCamera::open(&path, FRAME_RATE)),
        Source::Device(id) => Scanner::start(move || DeviceCamera::open(&id, 1280, 720, 30)),
    };
    let preview = scanner.preview.clone();
    std::thread::Builder::new()
        .name("scan-events".into())
        .spawn(move || {
            for event in &scanner.events {
                let sent = match event {
                    ScanEvent::Code(code) => app.emit("scan", code),
                    ScanEvent::CameraLost(reason) => {
                        tracing::warn!(%reason, "the camera is not delivering pictures");
                        app.emit("camera", CameraState::Lost)
                    }
                    ScanEvent::CameraBack => app.emit("camera", CameraState::Back),
                };
                if let Err(error) = sent {
                    tracing::warn!(%error, "the screen could not be told of a scan");
                }
            }
        })
        .expect("a thread can be started");
    preview
}

/// What the camera sees now, small, as a JPEG `data:` URL for the scan screen; `None` before
/// the first frame.
pub fn view(preview: &Preview) -> Option<String> {
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
