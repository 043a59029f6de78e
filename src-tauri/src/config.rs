//! The kiosk's settings, read once at start from the environment.

use reqwest::Url;

use crate::KioskError;

/// Where the Gatehouse cloud answers when none is configured: the run command's local cloud.
const DEFAULT_CLOUD_URL: &str = "http://127.0.0.1:8080";

#[derive(Debug, Clone)]
pub struct KioskConfig {
    /// `GATEHOUSE_CLOUD_URL`: the cloud this kiosk syncs with.
    pub cloud_url: Url,
}

impl KioskConfig {
    pub fn from_env() -> Result<Self, KioskError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, KioskError> {
        let raw = lookup("GATEHOUSE_CLOUD_URL").unwrap_or_else(|| DEFAULT_CLOUD_URL.to_owned());
        let cloud_url = Url::parse(raw.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| KioskError::Config {
                setting: "GATEHOUSE_CLOUD_URL",
                problem: format!("{raw:?} is not an http(s) URL"),
            })?;
        Ok(Self { cloud_url })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_url_defaults_to_the_local_cloud() {
        let config = KioskConfig::from_lookup(|_| None).unwrap();
        assert_eq!(config.cloud_url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn cloud_url_that_is_not_http_is_refused_by_name() {
        for raw in ["ftp://cloud.example", "not a url", "file:///etc/passwd"] {
            let err = KioskConfig::from_lookup(|_| Some(raw.to_owned())).unwrap_err();
            let message = err.to_string();
            assert!(message.contains("GATEHOUSE_CLOUD_URL"), "{message}");
            assert!(message.contains(raw), "{message}");
        }
    }
}
