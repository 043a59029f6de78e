//! Where frames come from. A *file camera* reads an image file or a folder of images, looping at
//! a set rate — for tests, the demo, and kiosks without a camera. (Device cameras through nokhwa
//! implement the same trait.)

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use image::GrayImage;

use crate::frame::{self, FrameError};

#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    #[error("{0} has no images")]
    NoImages(String),
    #[error("the camera is gone: {0}")]
    Lost(String),
    #[error(transparent)]
    Frame(#[from] FrameError),
}

/// Something that hands out grayscale frames, one at a time, at its own pace.
pub trait FrameSource: Send {
    /// The next frame; blocks until it is due.
    fn next_frame(&mut self) -> Result<GrayImage, CameraError>;
}

/// Frames from image files: one file, or every image in a folder in name order, looping.
#[derive(Debug)]
pub struct FileCamera {
    files: Vec<PathBuf>,
    next: usize,
    interval: Duration,
    due: Instant,
}

impl FileCamera {
    pub fn open(path: &Path, fps: u32) -> Result<Self, CameraError> {
        let shown = || path.display().to_string();
        let files = if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| CameraError::Lost(format!("{}: {e}", shown())))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg")
                    })
                })
                .collect();
            files.sort();
            files
        } else if path.is_file() {
            vec![path.to_path_buf()]
        } else {
            return Err(CameraError::NoImages(shown()));
        };
        if files.is_empty() {
            return Err(CameraError::NoImages(shown()));
        }
        Ok(Self {
            files,
            next: 0,
            interval: Duration::from_secs(1) / fps.max(1),
            due: Instant::now(),
        })
    }
}

impl FrameSource for FileCamera {
    fn next_frame(&mut self) -> Result<GrayImage, CameraError> {
        let now = Instant::now();
        if self.due > now {
            std::thread::sleep(self.due - now);
        }
        self.due = Instant::now() + self.interval;
        let file = &self.files[self.next];
        self.next = (self.next + 1) % self.files.len();
        Ok(frame::load(file)?)
    }
}
