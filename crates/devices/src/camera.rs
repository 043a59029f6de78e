//! Where frames come from: a real camera through nokhwa, or a *file camera* that reads an image
//! file or a folder of images, looping at a set rate — for tests, the demo, and kiosks without a
//! camera. Both hand out grayscale frames through [`FrameSource`].

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use image::GrayImage;

use crate::frame::{self, BufferError, FrameError, PixelFormat};

#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    #[error("{0} has no images")]
    NoImages(String),
    #[error("the camera is gone: {0}")]
    Lost(String),
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// One frame that could not be read; the next one may be fine.
    #[error(transparent)]
    BadFrame(#[from] BufferError),
}

/// Something that hands out grayscale frames, one at a time, at its own pace. It lives on the
/// capture thread that opened it, so it need not be `Send` (nokhwa's cameras are not).
pub trait FrameSource {
    /// The next frame; blocks until it is due.
    fn next_frame(&mut self) -> Result<GrayImage, CameraError>;
}

/// Frames from image files: one file, or every image in a folder in name order, looping.
#[derive(Debug)]
pub struct FileCamera {
    /// The folder, re-read each time round: pictures put in or taken away are seen, like a
    /// code held up to a camera and taken down again.
    folder: Option<PathBuf>,
    files: Vec<PathBuf>,
    next: usize,
    interval: Duration,
    due: Instant,
}

impl FileCamera {
    pub fn open(path: &Path, fps: u32) -> Result<Self, CameraError> {
        let shown = || path.display().to_string();
        let files = if path.is_dir() {
            images_in(path)?
        } else if path.is_file() {
            vec![path.to_path_buf()]
        } else {
            return Err(CameraError::NoImages(shown()));
        };
        if files.is_empty() {
            return Err(CameraError::NoImages(shown()));
        }
        Ok(Self {
            folder: path.is_dir().then(|| path.to_path_buf()),
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
        loop {
            if let (0, Some(folder)) = (self.next, &self.folder) {
                self.files = images_in(folder)?;
                if self.files.is_empty() {
                    return Err(CameraError::NoImages(folder.display().to_string()));
                }
            }
            let file = &self.files[self.next];
            self.next = (self.next + 1) % self.files.len();
            match frame::load(file) {
                // A picture taken out of the folder since it was read: look again.
                Err(_) if self.folder.is_some() && !file.exists() => self.next = 0,
                loaded => return Ok(loaded?),
            }
        }
    }
}

/// The images (PNG, JPEG) in `folder`, in name order.
///
/// # Errors
/// The folder cannot be read.
pub fn images_in(folder: &Path) -> Result<Vec<PathBuf>, CameraError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| CameraError::Lost(format!("{}: {e}", folder.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A camera the machine has.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CameraInfo {
    /// What to pass to [`DeviceCamera::open`]: an index, or a device path on Linux.
    pub id: String,
    pub name: String,
    pub description: String,
}

/// The machine's cameras (none where there is no `/dev/video*`).
pub fn list_cameras() -> Result<Vec<CameraInfo>, CameraError> {
    let cameras = nokhwa::query(nokhwa::utils::ApiBackend::Auto)
        .map_err(|e| CameraError::Lost(format!("cannot list cameras: {e}")))?;
    Ok(cameras
        .into_iter()
        .map(|c| CameraInfo {
            id: c.index().to_string(),
            name: c.human_name(),
            description: c.description().to_owned(),
        })
        .collect())
}

/// A real camera through nokhwa, delivering grayscale frames.
pub struct DeviceCamera {
    camera: nokhwa::Camera,
}

impl std::fmt::Debug for DeviceCamera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceCamera({})", self.camera.info().human_name())
    }
}

impl DeviceCamera {
    /// Opens camera `id` (an index like `0`, or a name) at the format closest to the request.
    pub fn open(id: &str, width: u32, height: u32, fps: u32) -> Result<Self, CameraError> {
        use nokhwa::utils::{
            CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
            Resolution,
        };
        let index = id
            .parse()
            .map_or_else(|_| CameraIndex::String(id.to_owned()), CameraIndex::Index);
        let requested =
            RequestedFormat::new::<nokhwa::pixel_format::LumaFormat>(RequestedFormatType::Closest(
                CameraFormat::new(Resolution::new(width, height), FrameFormat::MJPEG, fps),
            ));
        let mut camera = nokhwa::Camera::new(index, requested)
            .map_err(|e| CameraError::Lost(format!("cannot open camera {id}: {e}")))?;
        camera
            .open_stream()
            .map_err(|e| CameraError::Lost(format!("cannot start camera {id}: {e}")))?;
        Ok(Self { camera })
    }
}

impl FrameSource for DeviceCamera {
    fn next_frame(&mut self) -> Result<GrayImage, CameraError> {
        use nokhwa::utils::FrameFormat;
        let buffer = self
            .camera
            .frame()
            .map_err(|e| CameraError::Lost(e.to_string()))?;
        let format = match buffer.source_frame_format() {
            FrameFormat::MJPEG => PixelFormat::Mjpeg,
            FrameFormat::YUYV => PixelFormat::Yuyv,
            FrameFormat::NV12 => PixelFormat::Nv12,
            FrameFormat::GRAY => PixelFormat::Gray,
            FrameFormat::RAWRGB => PixelFormat::Rgb,
            FrameFormat::RAWBGR => PixelFormat::Bgr,
        };
        let size = buffer.resolution();
        Ok(frame::grayscale(
            format,
            size.width(),
            size.height(),
            buffer.buffer(),
        )?)
    }
}

/// One colour picture from camera `id` (a visitor's photo): opened, read, closed again.
///
/// # Errors
/// The camera cannot be opened or gives no readable frame.
pub fn still(id: &str) -> Result<image::RgbImage, CameraError> {
    use nokhwa::{
        pixel_format::RgbFormat,
        utils::{CameraIndex, RequestedFormat, RequestedFormatType},
    };
    let index = id
        .parse()
        .map_or_else(|_| CameraIndex::String(id.to_owned()), CameraIndex::Index);
    let requested =
        RequestedFormat::new::<RgbFormat>(RequestedFormatType::AbsoluteHighestResolution);
    let mut camera = nokhwa::Camera::new(index, requested)
        .map_err(|e| CameraError::Lost(format!("cannot open camera {id}: {e}")))?;
    camera
        .open_stream()
        .map_err(|e| CameraError::Lost(format!("cannot start camera {id}: {e}")))?;
    // The first frames of a just-opened camera are often dark while it adjusts its exposure.
    let mut last = None;
    for _ in 0..5 {
        last = Some(
            camera
                .frame()
                .map_err(|e| CameraError::Lost(e.to_string()))?,
        );
    }
    let _ = camera.stop_stream();
    last.expect("five frames were read")
        .decode_image::<RgbFormat>()
        .map_err(|e| CameraError::Lost(format!("camera {id} gave an unreadable picture: {e}")))
}
