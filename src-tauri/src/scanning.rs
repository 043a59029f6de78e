//! The kiosk's camera, always scanning: each code that comes into view reaches the screen once
//! as a `scan` event, and camera trouble as `camera` events (the screen then offers the search).

use gatehouse_devices::{
    camera::{DeviceCamera, FileCamera},
    scanner::{ScanEvent, Scanner},
};
use serde::Serialize;
use tauri::{AppHandle, Emitter as _, Runtime};

use crate::config::Source;

const FRAME_RATE: u32 = 10;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum CameraState {
    Lost,
    Back,
}

/// Starts scanning from `source` for as long as the app runs.
pub fn start<R: Runtime>(app: AppHandle<R>, source: Source) {
    std::thread::Builder::new()
        .name("scan-events".into())
        .spawn(move || {
            let scanner = match source {
                Source::Files(path) => Scanner::start(move || FileCamera::open(&path, FRAME_RATE)),
                Source::Device(id) => {
                    Scanner::start(move || DeviceCamera::open(&id, 1280, 720, 30))
                }
            };
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
}
