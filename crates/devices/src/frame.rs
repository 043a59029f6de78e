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

/// How a camera lays out a frame's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// Each frame a JPEG (most USB cameras at 720p and above).
    Mjpeg,
    /// Packed 4:2:2, `Y0 U Y1 V`.
    Yuyv,
    /// The luma plane, then interleaved chroma at quarter resolution.
    Nv12,
    Gray,
    Rgb,
    Bgr,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BufferError {
    #[error("a {format:?} frame of {width}×{height} needs {needed} bytes; the camera gave {got}")]
    Short {
        format: PixelFormat,
        width: u32,
        height: u32,
        needed: usize,
        got: usize,
    },
    #[error("the camera's JPEG frame cannot be decoded: {0}")]
    Jpeg(String),
}

/// A camera buffer as a grayscale frame, by the cheapest route: the luma samples are taken as
/// they are (YUYV, NV12, grey), a JPEG is decoded to its luma channel only (no chroma
/// upsampling or colour conversion), and RGB/BGR are weighted in integers (BT.601).
pub fn grayscale(
    format: PixelFormat,
    width: u32,
    height: u32,
    data: &[u8],
) -> Result<GrayImage, BufferError> {
    if format == PixelFormat::Mjpeg {
        return jpeg_luma(data);
    }
    let pixels = width as usize * height as usize;
    let needed = match format {
        PixelFormat::Yuyv => pixels * 2,
        PixelFormat::Nv12 => pixels + pixels / 2,
        PixelFormat::Gray => pixels,
        PixelFormat::Rgb | PixelFormat::Bgr => pixels * 3,
        PixelFormat::Mjpeg => 0,
    };
    if data.len() < needed {
        return Err(BufferError::Short {
            format,
            width,
            height,
            needed,
            got: data.len(),
        });
    }
    let luma: Vec<u8> = match format {
        PixelFormat::Yuyv => data[..needed].iter().step_by(2).copied().collect(),
        PixelFormat::Nv12 | PixelFormat::Gray => data[..pixels].to_vec(),
        PixelFormat::Rgb => weigh(&data[..needed], [77, 150, 29]),
        PixelFormat::Bgr => weigh(&data[..needed], [29, 150, 77]),
        PixelFormat::Mjpeg => Vec::new(),
    };
    Ok(GrayImage::from_raw(width, height, luma).expect("the length was checked"))
}

/// Weighted sum of three channels, the weights summing to 256.
fn weigh(data: &[u8], weights: [u32; 3]) -> Vec<u8> {
    data.chunks_exact(3)
        .map(|p| {
            let sum = weights[0] * u32::from(p[0])
                + weights[1] * u32::from(p[1])
                + weights[2] * u32::from(p[2]);
            u8::try_from(sum >> 8).unwrap_or(u8::MAX)
        })
        .collect()
}

/// The JPEG's own size wins over the one asked for: cameras round to what they support.
fn jpeg_luma(data: &[u8]) -> Result<GrayImage, BufferError> {
    use zune_jpeg::zune_core::{
        bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions,
    };
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(data), options);
    let luma = decoder
        .decode()
        .map_err(|error| BufferError::Jpeg(error.to_string()))?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| BufferError::Jpeg("no size".into()))?;
    let (w, h) = (u32::try_from(w).unwrap_or(0), u32::try_from(h).unwrap_or(0));
    GrayImage::from_raw(w, h, luma).ok_or_else(|| BufferError::Jpeg("truncated".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_and_nv12_give_their_luma_samples() {
        let yuyv = [10, 128, 20, 128, 30, 128, 40, 128];
        assert_eq!(
            grayscale(PixelFormat::Yuyv, 4, 1, &yuyv)
                .unwrap()
                .into_raw(),
            [10, 20, 30, 40]
        );
        let nv12 = [1, 2, 3, 4, 5, 6, 7, 8, 128, 128, 128, 128];
        assert_eq!(
            grayscale(PixelFormat::Nv12, 4, 2, &nv12)
                .unwrap()
                .into_raw(),
            [1, 2, 3, 4, 5, 6, 7, 8]
        );
    }

    #[test]
    fn rgb_and_bgr_are_weighted_like_bt601() {
        let white_red_green = [255, 255, 255, 255, 0, 0, 0, 255, 0];
        assert_eq!(
            grayscale(PixelFormat::Rgb, 3, 1, &white_red_green)
                .unwrap()
                .into_raw(),
            [255, 76, 149]
        );
        let blue_in_bgr = [255, 0, 0];
        assert_eq!(
            grayscale(PixelFormat::Bgr, 1, 1, &blue_in_bgr)
                .unwrap()
                .into_raw(),
            [28]
        );
    }

    #[test]
    fn a_jpeg_frame_is_decoded_to_its_luma() {
        let gradient = image::RgbImage::from_fn(64, 48, |x, _| {
            let v = u8::try_from(x * 4).unwrap();
            image::Rgb([v, v, v])
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode_image(&gradient)
            .unwrap();
        let gray = grayscale(PixelFormat::Mjpeg, 64, 48, &jpeg).unwrap();
        assert_eq!(gray.dimensions(), (64, 48));
        for (x, y, pixel) in gray.enumerate_pixels() {
            let expected = i32::try_from(x * 4).unwrap();
            assert!(
                (i32::from(pixel[0]) - expected).abs() <= 4,
                "({x}, {y}): {}",
                pixel[0]
            );
        }
    }

    #[test]
    fn short_and_corrupt_buffers_are_errors() {
        assert_eq!(
            grayscale(PixelFormat::Yuyv, 1280, 720, &[0; 100])
                .unwrap_err()
                .to_string(),
            "a Yuyv frame of 1280×720 needs 1843200 bytes; the camera gave 100"
        );
        assert!(matches!(
            grayscale(PixelFormat::Mjpeg, 1280, 720, b"\xff\xd8\xff\xe0 garbage"),
            Err(BufferError::Jpeg(_))
        ));
        assert!(matches!(
            grayscale(PixelFormat::Mjpeg, 1, 1, b""),
            Err(BufferError::Jpeg(_))
        ));
    }
}
