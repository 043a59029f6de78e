//! Reading an image file into a grayscale frame, refusing what would exhaust memory.

use std::path::Path;

use image::{GrayImage, ImageReader, Limits};

/// Longer sides than this are refused before decoding (a 20,000 × 20,000 image would need 1.6 GB).
const MAX_SIDE: u32 = 12_000;
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not an image this kiosk can read: {reason}")]
    Decode { path: String, reason: String },
}

/// The image at `path` as an 8-bit grayscale frame.
pub fn load(path: &Path) -> Result<GrayImage, FrameError> {
    let shown = path.display().to_string();
    let mut reader = ImageReader::open(path)
        .map_err(|source| FrameError::Read {
            path: shown.clone(),
            source,
        })?
        .with_guessed_format()
        .map_err(|source| FrameError::Read {
            path: shown.clone(),
            source,
        })?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    reader
        .decode()
        .map(image::DynamicImage::into_luma8)
        .map_err(|e| FrameError::Decode {
            path: shown,
            reason: e.to_string(),
        })
}
