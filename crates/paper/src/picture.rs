//! Visitor photos for badges: read with limits, cropped to a 3:4 portrait and scaled to what
//! the page needs (20 mm wide at 300 dpi).

use std::{io::Read as _, path::Path};

use image::{ImageFormat, ImageReader, Limits, RgbImage, imageops::FilterType};

/// A camera still is a few hundred kilobytes; anything over this is refused unread.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
const MAX_SIDE: u32 = 8_000;
const PORTRAIT: (u32, u32) = (240, 320);

#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is {megabytes} MB; a photo may be at most 10 MB")]
    TooLarge { path: String, megabytes: u64 },
    #[error("{path} is not a JPEG or PNG image: {reason}")]
    Decode { path: String, reason: String },
}

/// The photo at `path`, centre-cropped to 3:4 and scaled to 240 × 320 pixels.
///
/// # Errors
/// The file is missing, over 10 MB, or not a readable JPEG or PNG.
pub fn portrait(path: &Path) -> Result<RgbImage, PictureError> {
    let shown = path.display().to_string();
    let read = |source| PictureError::Read {
        path: shown.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read)?;
    let size = file.metadata().map_err(read)?.len();
    if size > MAX_BYTES {
        return Err(PictureError::TooLarge {
            path: shown,
            megabytes: size.div_ceil(1024 * 1024),
        });
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES).read_to_end(&mut bytes).map_err(read)?;
    let decode = |reason: String| PictureError::Decode {
        path: shown.clone(),
        reason,
    };
    let format = image::guess_format(&bytes).map_err(|error| decode(error.to_string()))?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
        return Err(decode(format!("it is {format:?}")));
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|error| decode(error.to_string()))?;
    Ok(crop_portrait(&image.into_rgb8()))
}

/// A picture centre-cropped to 3:4 and scaled to 240 × 320 pixels.
pub fn crop_portrait(image: &RgbImage) -> RgbImage {
    let (width, height) = (image.width(), image.height());
    // The largest 3:4 rectangle in the middle of the image.
    let (crop_w, crop_h) = if u64::from(width) * 4 > u64::from(height) * 3 {
        (height * 3 / 4, height)
    } else {
        (width, width * 4 / 3)
    };
    let cropped = image::imageops::crop_imm(
        image,
        (width - crop_w) / 2,
        (height - crop_h) / 2,
        crop_w.max(1),
        crop_h.max(1),
    )
    .to_image();
    image::imageops::resize(&cropped, PORTRAIT.0, PORTRAIT.1, FilterType::Triangle)
}
