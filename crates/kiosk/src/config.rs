//! The kiosk's settings, read once at start from the environment.

use std::{path::PathBuf, time::Duration};

use gatehouse_paper::badge::Layout;
use reqwest::Url;

use crate::KioskError;

/// Where the Gatehouse cloud answers when none is configured: the run command's local cloud.
const DEFAULT_CLOUD_URL: &str = "http://127.0.0.1:8080";
const DEFAULT_IDLE: Duration = Duration::from_secs(45);
const DEFAULT_STAFF_IDLE: Duration = Duration::from_secs(120);

#[derive(Clone)]
pub struct KioskConfig {
    /// `GATEHOUSE_CLOUD_URL`: the cloud this kiosk syncs with.
    pub cloud_url: Url,
    /// `GATEHOUSE_KIOSK_DATA`: the local store, signed NDAs, photos and unprinted badges.
    pub data_dir: PathBuf,
    /// `GATEHOUSE_KIOSK_CODE`: the enrollment code from the cloud, used once.
    pub enrollment_code: Option<String>,
    /// `GATEHOUSE_CAMERA`: where invitation QR codes are read from.
    pub camera: Source,
    /// `GATEHOUSE_PHOTO_CAMERA`: where visitor photos are taken (the scanning camera if unset).
    pub photo_camera: Source,
    /// `GATEHOUSE_PRINTER`: the CUPS queue badges go to; without one, badges are kept for
    /// reception.
    pub printer: Option<String>,
    /// `GATEHOUSE_BADGE_LAYOUT`: cr80, dk62x100 or dymo30857.
    pub badge_layout: Layout,
    /// `GATEHOUSE_KEEP_DOCUMENTS`: keep signed NDAs and photos on the kiosk after they reached
    /// the cloud (`true`); by default they are deleted.
    pub keep_documents: bool,
    /// `GATEHOUSE_IDLE_SECONDS`: how long a visitor screen waits for a touch before it wipes
    /// itself and returns to the welcome screen.
    pub idle: Duration,
    /// `GATEHOUSE_STAFF_IDLE_SECONDS`: how long a staff session waits for a touch before it
    /// ends (2 minutes unless set).
    pub staff_idle: Duration,
}

/// The enrollment code is a secret until used: `Debug` says only whether there is one.
impl std::fmt::Debug for KioskConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KioskConfig")
            .field("cloud_url", &self.cloud_url.as_str())
            .field("data_dir", &self.data_dir)
            .field(
                "enrollment_code",
                &self.enrollment_code.as_ref().map(|_| "(secret)"),
            )
            .field("camera", &self.camera)
            .field("photo_camera", &self.photo_camera)
            .field("printer", &self.printer)
            .field("badge_layout", &self.badge_layout)
            .field("keep_documents", &self.keep_documents)
            .field("idle", &self.idle)
            .field("staff_idle", &self.staff_idle)
            .finish()
    }
}

/// A camera: a device (index or name) or image files standing in for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Device(String),
    /// `file:PATH`: an image, or a folder of images, shown to the kiosk as camera frames.
    Files(PathBuf),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Device(id) => f.write_str(id),
            Self::Files(path) => write!(f, "file:{}", path.display()),
        }
    }
}

impl Source {
    fn parse(raw: &str) -> Self {
        raw.strip_prefix("file:").map_or_else(
            || Self::Device(raw.to_owned()),
            |path| Self::Files(path.into()),
        )
    }
}

impl KioskConfig {
    pub fn from_env() -> Result<Self, KioskError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// The settings as `lookup` answers for each `GATEHOUSE_…` name (tests pass their own).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, KioskError> {
        let invalid =
            |setting: &'static str, problem: String| KioskError::Config { setting, problem };
        let raw = lookup("GATEHOUSE_CLOUD_URL").unwrap_or_else(|| DEFAULT_CLOUD_URL.to_owned());
        let cloud_url = Url::parse(raw.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| {
                invalid(
                    "GATEHOUSE_CLOUD_URL",
                    format!("{raw:?} is not an http(s) URL"),
                )
            })?;
        let data_dir = lookup("GATEHOUSE_KIOSK_DATA").map_or_else(
            || {
                lookup("HOME").map_or_else(
                    || PathBuf::from(".gatehouse-kiosk"),
                    |home| PathBuf::from(home).join(".local/share/gatehouse-kiosk"),
                )
            },
            PathBuf::from,
        );
        let camera = Source::parse(lookup("GATEHOUSE_CAMERA").as_deref().unwrap_or("0").trim());
        let photo_camera = lookup("GATEHOUSE_PHOTO_CAMERA")
            .map_or_else(|| camera.clone(), |raw| Source::parse(raw.trim()));
        let badge_layout = match lookup("GATEHOUSE_BADGE_LAYOUT") {
            None => Layout::Cr80,
            Some(raw) => {
                raw.trim()
                    .parse()
                    .map_err(|error: gatehouse_paper::badge::BadgeError| {
                        invalid("GATEHOUSE_BADGE_LAYOUT", error.to_string())
                    })?
            }
        };
        let seconds = |setting: &'static str, default: Duration| match lookup(setting) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|seconds| (5..=3600).contains(seconds))
                .map(Duration::from_secs)
                .ok_or_else(|| {
                    invalid(
                        setting,
                        format!("{raw:?} is not a number of seconds from 5 to 3600"),
                    )
                }),
        };
        let idle = seconds("GATEHOUSE_IDLE_SECONDS", DEFAULT_IDLE)?;
        let staff_idle = seconds("GATEHOUSE_STAFF_IDLE_SECONDS", DEFAULT_STAFF_IDLE)?;
        let keep_documents = match lookup("GATEHOUSE_KEEP_DOCUMENTS").as_deref().map(str::trim) {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(other) => {
                return Err(invalid(
                    "GATEHOUSE_KEEP_DOCUMENTS",
                    format!("{other:?} is not true or false"),
                ));
            }
        };
        Ok(Self {
            cloud_url,
            data_dir,
            enrollment_code: lookup("GATEHOUSE_KIOSK_CODE").map(|code| code.trim().to_owned()),
            camera,
            photo_camera,
            printer: lookup("GATEHOUSE_PRINTER").map(|name| name.trim().to_owned()),
            badge_layout,
            keep_documents,
            idle,
            staff_idle,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(settings: &[(&str, &str)]) -> Result<KioskConfig, KioskError> {
        let settings: Vec<(String, String)> = settings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        KioskConfig::from_lookup(move |name| {
            settings
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_enrollment_code_is_not_shown_in_debug() {
        let config = config(&[("GATEHOUSE_KIOSK_CODE", "GK-7Q4M-2X9P-KD3W")]).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("7Q4M"), "{shown}");
        assert!(shown.contains("(secret)"), "{shown}");
    }

    #[test]
    fn cloud_url_defaults_to_the_local_cloud() {
        let config = config(&[]).unwrap();
        assert_eq!(config.cloud_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(config.idle, Duration::from_secs(45));
        assert_eq!(config.camera, Source::Device("0".into()));
        assert_eq!(config.badge_layout, Layout::Cr80);
    }

    #[test]
    fn cloud_url_that_is_not_http_is_refused_by_name() {
        for raw in ["ftp://cloud.example", "not a url", "file:///etc/passwd"] {
            let message = config(&[("GATEHOUSE_CLOUD_URL", raw)])
                .unwrap_err()
                .to_string();
            assert!(message.contains("GATEHOUSE_CLOUD_URL"), "{message}");
            assert!(message.contains(raw), "{message}");
        }
    }

    #[test]
    fn file_camera_is_named_with_a_file_prefix_and_the_photo_camera_follows_it() {
        let config = config(&[("GATEHOUSE_CAMERA", "file:/srv/qr")]).unwrap();
        assert_eq!(config.camera, Source::Files("/srv/qr".into()));
        assert_eq!(config.photo_camera, config.camera);
    }

    #[test]
    fn idle_timeout_outside_five_seconds_to_an_hour_is_refused_by_name() {
        for raw in ["0", "4", "3601", "soon", "-45"] {
            let message = config(&[("GATEHOUSE_IDLE_SECONDS", raw)])
                .unwrap_err()
                .to_string();
            assert!(message.contains("GATEHOUSE_IDLE_SECONDS"), "{message}");
        }
        let ninety = config(&[("GATEHOUSE_IDLE_SECONDS", "90")]).unwrap();
        assert_eq!(ninety.idle, Duration::from_secs(90));
        assert_eq!(
            ninety.staff_idle,
            Duration::from_secs(120),
            "staff: 2 minutes"
        );
        let message = config(&[("GATEHOUSE_STAFF_IDLE_SECONDS", "2")])
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("GATEHOUSE_STAFF_IDLE_SECONDS"),
            "{message}"
        );
    }

    #[test]
    fn documents_are_deleted_after_sync_unless_kept() {
        assert!(!config(&[]).unwrap().keep_documents);
        assert!(
            config(&[("GATEHOUSE_KEEP_DOCUMENTS", "true")])
                .unwrap()
                .keep_documents
        );
        let message = config(&[("GATEHOUSE_KEEP_DOCUMENTS", "sometimes")])
            .unwrap_err()
            .to_string();
        assert!(message.contains("GATEHOUSE_KEEP_DOCUMENTS"), "{message}");
    }

    #[test]
    fn unknown_badge_layout_is_refused_by_name() {
        let message = config(&[("GATEHOUSE_BADGE_LAYOUT", "a4")])
            .unwrap_err()
            .to_string();
        assert!(message.contains("GATEHOUSE_BADGE_LAYOUT"), "{message}");
    }
}
