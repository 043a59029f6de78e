//! The kiosk's one HTTP client to the Gatehouse cloud.

use std::time::Duration;

use gatehouse_core::wire::{ErrorBody, Health};
use reqwest::Url;

use crate::KioskError;

#[derive(Debug, Clone)]
pub struct CloudClient {
    base: Url,
    http: reqwest::Client,
}

impl CloudClient {
    pub fn new(base: Url) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .user_agent(concat!("gatehouse-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client's fixed settings are valid");
        Self { base, http }
    }

    pub async fn health(&self) -> Result<Health, KioskError> {
        let url = self
            .base
            .join("health")
            .expect("a fixed relative path joins");
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(KioskError::CloudUnreachable)?;
        let status = response.status();
        if status.is_success() || status == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            return response.json().await.map_err(KioskError::CloudUnreachable);
        }
        let body: Option<ErrorBody> = response.json().await.ok();
        Err(KioskError::CloudRefused {
            status: status.as_u16(),
            code: body.as_ref().map(|b| b.code.clone()).unwrap_or_default(),
            message: body.map_or_else(|| status.to_string(), |b| b.message),
        })
    }
}
