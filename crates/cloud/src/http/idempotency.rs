//! `Idempotency-Key` on every create (`POST`): a request sent again with the same key by the same
//! caller — a client retrying after a dropped connection — is answered with the first answer
//! instead of being done twice. The key is the caller's, scoped to their bearer token; keys are
//! kept for a day. The first request runs to its end even when its client has gone, so its
//! answer is there for the retry. A server error (5xx) is not kept: nothing was done, and the
//! retry goes ahead.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse as _, Response},
};
use chrono::TimeDelta;
use gatehouse_core::digest::sha256_hex;

use super::{ApiError, AppState, BODY_LIMIT, session::bearer};
use crate::store::KeyClaim;

pub const HEADER: &str = "idempotency-key";
/// How long a key is kept.
pub const KEPT_FOR: TimeDelta = TimeDelta::hours(24);
/// The longest key: a UUID is 36 characters.
const LONGEST_KEY: usize = 255;

/// The middleware: passes every request without the header (and every non-`POST`) through.
/// One with a key is answered in a task of its own from here on: a client that goes away does
/// not stop it half done, so its answer is there for the retry.
pub async fn once(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let key = match request.headers().get(HEADER) {
        Some(key) if request.method() == Method::POST => key.to_str().ok().map(str::to_owned),
        _ => return next.run(request).await,
    };
    let Some(key) = key.filter(|key| !key.is_empty() && key.len() <= LONGEST_KEY) else {
        return ApiError::BadRequest(format!(
            "Idempotency-Key must be 1 to {LONGEST_KEY} visible ASCII characters"
        ))
        .into_response();
    };
    tokio::spawn(answer_once(state, request, next, key))
        .await
        .unwrap_or_else(|_| ApiError::Internal.into_response())
}

async fn answer_once(state: AppState, request: Request, next: Next, key: String) -> Response {
    let (parts, body) = request.into_parts();
    let scope = bearer(&parts).map_or_else(String::new, |token| sha256_hex(token.as_bytes()));
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError::TooLarge(BODY_LIMIT).into_response();
    };
    let mut seen = format!("{} {}\n", parts.method, parts.uri).into_bytes();
    seen.extend_from_slice(&bytes);
    let fingerprint = sha256_hex(&seen);
    let database = state.cloud.database.clone();
    let now = state.cloud.clock.now();
    match database
        .claim_idempotency_key(&scope, &key, &fingerprint, now)
        .await
    {
        Err(error) => ApiError::from(error).into_response(),
        Ok(KeyClaim::Answered {
            fingerprint: first,
            status,
            content_type,
            body,
        }) => {
            if first != fingerprint {
                return ApiError::Invalid(
                    "this Idempotency-Key was used for a different request; use a new key for a \
                     new request"
                        .into(),
                )
                .into_response();
            }
            replay(status, content_type.as_deref(), body)
        }
        Ok(KeyClaim::Answering { .. }) => ApiError::Conflict(
            "a request with this Idempotency-Key is still being answered; try again in a moment"
                .into(),
        )
        .into_response(),
        Ok(KeyClaim::First) => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            keep(&database, &scope, &key, response).await
        }
    }
}

/// Keeps the answer to the first request (or lets the key go, after a server error), and
/// answers it.
async fn keep(database: &crate::Database, scope: &str, key: &str, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        let _ = database.release_idempotency_key(scope, key).await;
        return ApiError::Internal.into_response();
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let kept = if parts.status.is_server_error() {
        database.release_idempotency_key(scope, key).await
    } else {
        database
            .answer_idempotency_key(scope, key, parts.status.as_u16(), content_type, &bytes)
            .await
    };
    if let Err(error) = kept {
        tracing::warn!(%error, "idempotency: cannot keep the answer");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(status: u16, content_type: Option<&str>, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK);
    if let Some(content_type) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
