//! A stand-in for a building's own access-control endpoint behind Gatehouse's generic webhook:
//! it checks each request's Standard Webhooks signature (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64>` over `id.timestamp.body`, with the `whsec_` secret's key),
//! applies each `Idempotency-Key` once, holds the grants it was given, and fails on demand.
//! It also signs the door scans such a system sends back.

use std::{
    collections::{BTreeMap, BTreeSet, VecDeque},
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;

/// The secret Gatehouse signs grants with, as the building gave it.
pub const SIGNING_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A failure the endpoint answers the next request with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 503.
    Unavailable,
    /// 429 with `Retry-After: seconds`.
    RateLimited(u64),
}

/// One request the endpoint received.
#[derive(Debug, Clone)]
pub struct Received {
    pub idempotency_key: Option<String>,
    pub webhook_id: Option<String>,
    pub signed: bool,
    pub body: Value,
}

#[derive(Debug, Default)]
struct Endpoint {
    received: Vec<Received>,
    applied: BTreeSet<String>,
    grants: BTreeMap<String, Value>,
    next_failures: VecDeque<Failure>,
}

#[derive(Debug, Clone)]
pub struct AccessEndpoint {
    pub url: String,
    endpoint: Arc<Mutex<Endpoint>>,
    _server: Arc<tokio::task::JoinHandle<()>>,
}

fn key(secret: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap()
}

/// The base64 HMAC-SHA256 of `id.t.body` under `secret`'s key.
fn sign(secret: &str, id: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key(secret)).unwrap();
    mac.update(format!("{id}.{t}.").as_bytes());
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl AccessEndpoint {
    pub async fn start() -> Self {
        let endpoint = Arc::new(Mutex::new(Endpoint::default()));
        let app = Router::new()
            .route("/gatehouse/grants", post(receive))
            .with_state(endpoint.clone());
        let (base, server) = crate::serve_on_loopback(app).await;
        let url = format!("{base}/gatehouse/grants");
        Self {
            url,
            endpoint,
            _server: Arc::new(server),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Endpoint) -> T) -> T {
        f(&mut self.endpoint.lock().unwrap())
    }

    pub fn fail_next(&self, failures: &[Failure]) {
        self.with(|e| e.next_failures.extend(failures));
    }

    /// Everything received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.with(|e| e.received.clone())
    }

    /// The grants it holds, by grant id.
    pub fn grants(&self) -> BTreeMap<String, Value> {
        self.with(|e| e.grants.clone())
    }

    /// The headers a system sends a door scan `body` with as message `id` at `t`, signed with
    /// `secret`.
    pub fn signed(secret: &str, id: &str, t: i64, body: &[u8]) -> Vec<(&'static str, String)> {
        vec![
            ("webhook-id", id.to_owned()),
            ("webhook-timestamp", t.to_string()),
            (
                "webhook-signature",
                format!("v1,{}", sign(secret, id, t, body)),
            ),
        ]
    }
}

async fn receive(
    State(endpoint): State<Arc<Mutex<Endpoint>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (id, t, signature) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let signed = match (
        &id,
        t.as_deref().and_then(|t| t.parse::<i64>().ok()),
        &signature,
    ) {
        (Some(id), Some(t), Some(signature)) => {
            signature == &format!("v1,{}", sign(SIGNING_SECRET, id, t, &body))
        }
        _ => false,
    };
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut e = endpoint.lock().unwrap();
    let idempotency_key = header("idempotency-key");
    e.received.push(Received {
        idempotency_key: idempotency_key.clone(),
        webhook_id: id,
        signed,
        body: parsed.clone(),
    });
    if !signed {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "bad signature"})),
        )
            .into_response();
    }
    match e.next_failures.pop_front() {
        Some(Failure::Unavailable) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"message": "down for maintenance"})),
            )
                .into_response();
        }
        Some(Failure::RateLimited(seconds)) => {
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({"message": "slow down"})),
            )
                .into_response();
            response.headers_mut().insert("retry-after", seconds.into());
            return response;
        }
        None => {}
    }
    let Some(key) = idempotency_key else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"message": "Idempotency-Key is required"})),
        )
            .into_response();
    };
    if !e.applied.insert(key) {
        // Seen before: acknowledged, not applied again.
        return Json(json!({"ok": true, "replayed": true})).into_response();
    }
    let grant_id = parsed["grant_id"].as_str().unwrap_or_default().to_owned();
    match parsed["type"].as_str() {
        Some("access.granted") => {
            e.grants.insert(grant_id, parsed);
        }
        Some("access.revoked") => {
            e.grants.remove(&grant_id);
        }
        Some("ping") => {}
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"message": "unknown type"})),
            )
                .into_response();
        }
    }
    Json(json!({"ok": true})).into_response()
}
