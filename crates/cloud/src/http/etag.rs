//! Answers a kiosk pulls whole but only when they changed: the JSON with its `ETag`, or 304 when
//! the kiosk already holds it (`If-None-Match`).

use axum::{
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse as _, Response},
};
use gatehouse_core::digest::sha256_hex;
use serde::Serialize;

use super::ApiError;

pub fn etagged(value: &impl Serialize, headers: &HeaderMap) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|error| {
        tracing::error!(%error, "an answer did not serialize");
        ApiError::Internal
    })?;
    let etag = format!("\"{}\"", sha256_hex(&body));
    let held = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == etag.as_bytes());
    let (status, body) = if held {
        (StatusCode::NOT_MODIFIED, Vec::new())
    } else {
        (StatusCode::OK, body)
    };
    Ok((
        status,
        [
            (header::ETAG, etag),
            (header::CONTENT_TYPE, "application/json".to_owned()),
        ],
        body,
    )
        .into_response())
}
