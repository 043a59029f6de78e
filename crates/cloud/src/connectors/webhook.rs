//! The generic webhook, for access-control systems Gatehouse has no connector for: each grant
//! and revocation is sent (POST) as JSON to the building's endpoint, signed the Standard Webhooks way
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>` over
//! `id.timestamp.body`, with a `whsec_` secret) and carrying an `Idempotency-Key` that stays
//! the same on every retry, so the endpoint applies each once. The system sends its door scans
//! back the same way, signed with the webhook secret.
//!
//! The grant, as the endpoint receives it:
//!
//! ```json
//! {"type": "access.granted", "grant_id": "gatehouse:<visit>",
//!  "person": {"name": "Ada Lovelace", "first_name": "Ada", "last_name": "Lovelace",
//!             "email": "ada@example.com", "company": "Analytical Engines"},
//!  "starts_at": "2026-12-01T08:45:00Z", "ends_at": "2026-12-01T12:00:00Z",
//!  "entrances": ["entrance-lobby", "entrance-lab-b"],
//!  "credential": {"kind": "pin", "pin": "40718233"}}
//! ```
//!
//! and a revocation: `{"type": "access.revoked", "grant_id": "gatehouse:<visit>"}`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use super::{
    ConnectorError, Grant, Held, Limiter, Probe, SystemScan, http_client, retry_after_of, tag,
    unreachable,
    webhook_signature::{StandardSecret, standard_headers},
};
use crate::{error::ServiceError, store::Direction};

#[derive(Debug, Clone)]
pub struct GenericWebhook {
    endpoint: String,
    secret: StandardSecret,
    http: reqwest::Client,
    limiter: Arc<Limiter>,
}

impl GenericWebhook {
    pub fn new(endpoint: &str, secret: &str, limiter: Arc<Limiter>) -> Result<Self, ServiceError> {
        let secret = StandardSecret::parse(secret).ok_or_else(|| {
            ServiceError::invalid(
                "the signing secret must be a Standard Webhooks secret: whsec_ and base64",
            )
        })?;
        Ok(Self {
            endpoint: endpoint.to_owned(),
            secret,
            http: http_client()?,
            limiter,
        })
    }

    /// POSTs `body` signed, as message `id` (the idempotency key): a 2xx, or a 409 (the
    /// endpoint has it already), is done.
    async fn send(&self, id: &str, body: &Value) -> Result<Value, ConnectorError> {
        self.limiter.until_ready().await;
        let body = body.to_string();
        let mut request = self
            .http
            .post(&self.endpoint)
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", id);
        for (name, value) in
            standard_headers(&self.secret, id, Utc::now().timestamp(), body.as_bytes())
        {
            request = request.header(name, value);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|error| unreachable(&error))?;
        let status = response.status();
        let retry_after = retry_after_of(&response);
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let message = answer["message"]
            .as_str()
            .map_or_else(|| format!("HTTP {status}"), str::to_owned);
        match status {
            status if status.is_success() || status == StatusCode::CONFLICT => Ok(answer),
            StatusCode::UNAUTHORIZED => Err(ConnectorError::Unauthorized),
            StatusCode::FORBIDDEN => Err(ConnectorError::Forbidden(message)),
            StatusCode::TOO_MANY_REQUESTS => Err(ConnectorError::RateLimited { retry_after }),
            StatusCode::REQUEST_TIMEOUT => Err(ConnectorError::Unavailable(message)),
            status if status.is_server_error() => Err(ConnectorError::Unavailable(message)),
            _ => Err(ConnectorError::Rejected(message)),
        }
    }

    /// A signed `ping` the endpoint must acknowledge.
    pub async fn probe(&self) -> Result<Probe, ConnectorError> {
        let id = format!("gatehouse-probe-{}", Utc::now().timestamp_millis());
        self.send(&id, &json!({"type": "ping"})).await?;
        Ok(Probe {
            ready: true,
            missing: Vec::new(),
            doors: Vec::new(),
        })
    }

    pub async fn provision(&self, grant: &Grant) -> Result<String, ConnectorError> {
        let grant_id = tag(grant.visit);
        let body = json!({
            "type": "access.granted",
            "grant_id": grant_id,
            "person": {
                "name": format!("{} {}", grant.first_name, grant.last_name).trim(),
                "first_name": grant.first_name,
                "last_name": grant.last_name,
                "email": grant.email,
                "company": grant.company,
            },
            "starts_at": grant.starts_at,
            "ends_at": grant.ends_at,
            "entrances": grant.resources.iter().map(|resource| &resource.id).collect::<Vec<_>>(),
            "credential": {"kind": "pin", "pin": grant.pin},
        });
        self.send(&format!("{grant_id}:grant"), &body).await?;
        // The endpoint's door scans name the grant by its id.
        Ok(grant_id)
    }

    pub async fn revoke(&self, vendor_id: &str) -> Result<(), ConnectorError> {
        let body = json!({"type": "access.revoked", "grant_id": vendor_id});
        self.send(&format!("{vendor_id}:revoke"), &body).await?;
        Ok(())
    }

    /// An endpoint has no list of what it holds to compare: revocations are retried until it
    /// acknowledges them instead.
    #[expect(clippy::unused_async, reason = "the connector trait's shape")]
    pub async fn held(&self) -> Result<Vec<Held>, ConnectorError> {
        Ok(Vec::new())
    }

    /// An endpoint only pushes its scans: there is no log to read.
    #[expect(clippy::unused_async, reason = "the connector trait's shape")]
    pub async fn door_events(
        &self,
        _from: DateTime<Utc>,
        _to: DateTime<Utc>,
    ) -> Result<Vec<SystemScan>, ConnectorError> {
        Ok(Vec::new())
    }
}

/// The door scan a signed inbound webhook reports:
/// `{"type": "door.scan", "id", "entrance", "grant_id"?, "person"?, "granted", "direction"?,
/// "at"}` — `grant_id` for a visitor, `person` for one of the building's own people.
pub fn door_scan(event: &Value, raw: &str) -> Option<SystemScan> {
    if event["type"].as_str()? != "door.scan" {
        return None;
    }
    let text = |value: &Value| value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    Some(SystemScan {
        event_id: text(&event["id"])?,
        places: vec![text(&event["entrance"])?],
        place_name: None,
        actor_id: text(&event["grant_id"]),
        actor_name: text(&event["person"]),
        granted: event["granted"].as_bool()?,
        direction: match event["direction"].as_str() {
            Some("in") => Some(Direction::In),
            Some("out") => Some(Direction::Out),
            _ => None,
        },
        at: event["at"]
            .as_str()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.with_timezone(&Utc)),
        raw: raw.to_owned(),
    })
}
