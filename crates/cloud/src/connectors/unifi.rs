//! UniFi Access, through its developer API (`/api/v1/developer`, API ≥ 1.9.1; facts and sources
//! in `shared/ACCESS-CONTROL-APIS.md`, part A). A visit becomes a UniFi *visitor* with the
//! visit's window (`start_time`/`end_time`, Unix seconds), the doors and door groups its zones
//! map to (`resources`) and a PIN; Gatehouse tags it in `remarks` with the visit's id, which is
//! how the reconcile job tells Gatehouse's visitors from others. Revoking deletes the visitor
//! (`is_force=true`), so nothing of the visit stays in the console. Every answer is read from
//! its envelope (`{"code":"SUCCESS","msg":…,"data":…}`) whatever the HTTP status, since the
//! docs never map one to the other.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    ConnectorError, Grant, Held, Limiter, Probe, ResourceKind, SystemDoor, SystemScan, http_client,
    retry_after_of, tag, tagged, unreachable,
};
use crate::{error::ServiceError, store::Direction};

/// Visitors listed a page at a time.
const PAGE_SIZE: usize = 100;

#[derive(Debug, Clone)]
pub struct Unifi {
    base: String,
    token: String,
    http: reqwest::Client,
    limiter: Arc<Limiter>,
    /// The console's doors and when they were read (events may name a hub, found by them).
    doors: Arc<tokio::sync::Mutex<Option<DoorsRead>>>,
}

/// The console's doors, and when they were read.
type DoorsRead = (Instant, Vec<SystemDoor>);

/// How long the console's doors are used before they are read again.
const DOORS_FOR: Duration = Duration::from_secs(60);

#[derive(Debug, Deserialize)]
struct Envelope {
    code: String,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Value,
    #[serde(default)]
    pagination: Option<Pagination>,
}

#[derive(Debug, Deserialize)]
struct Pagination {
    total: usize,
}

impl Unifi {
    pub fn new(base_url: &str, token: &str, limiter: Arc<Limiter>) -> Result<Self, ServiceError> {
        Ok(Self {
            base: format!("{}/api/v1/developer", base_url.trim_end_matches('/')),
            token: token.to_owned(),
            http: http_client()?,
            limiter,
            doors: Arc::default(),
        })
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Envelope, ConnectorError> {
        self.limiter.until_ready().await;
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|error| unreachable(&error))?;
        let status = response.status();
        let retry_after = retry_after_of(&response);
        let text = response.text().await.unwrap_or_default();
        let envelope: Option<Envelope> = serde_json::from_str(&text).ok();
        let message = envelope.as_ref().map_or_else(
            || format!("HTTP {status}"),
            |e| format!("{} ({})", e.msg, e.code),
        );
        match status {
            StatusCode::UNAUTHORIZED => return Err(ConnectorError::Unauthorized),
            StatusCode::FORBIDDEN => return Err(ConnectorError::Forbidden(message)),
            StatusCode::TOO_MANY_REQUESTS => {
                return Err(ConnectorError::RateLimited { retry_after });
            }
            status if status.is_server_error() => {
                return Err(ConnectorError::Unavailable(message));
            }
            _ => {}
        }
        let envelope = envelope.ok_or_else(|| {
            ConnectorError::Unavailable(format!("an answer that is not UniFi's ({status})"))
        })?;
        match envelope.code.as_str() {
            "SUCCESS" => Ok(envelope),
            "CODE_RESOURCE_NOT_FOUND" | "CODE_NOT_EXISTS" => Err(ConnectorError::NotFound),
            "CODE_AUTH_FAILED" | "CODE_ACCESS_TOKEN_INVALID" => Err(ConnectorError::Unauthorized),
            "CODE_UNAUTHORIZED" | "CODE_OPERATION_FORBIDDEN" => {
                Err(ConnectorError::Forbidden(message))
            }
            "CODE_SYSTEM_ERROR" => Err(ConnectorError::Unavailable(message)),
            "CODE_CREDS_PIN_CODE_CREDS_ALREADY_EXIST" => Err(ConnectorError::Conflict(message)),
            _ => Err(ConnectorError::Rejected(message)),
        }
    }

    /// The doors and door groups, checking what the token may see: `view:space` (doors and
    /// groups), `view:visitor`, `view:webhook`. What it may change shows at the first visit.
    pub async fn probe(&self) -> Result<Probe, ConnectorError> {
        let mut missing = Vec::new();
        let mut doors = Vec::new();
        let mut lacks = |scope: &str, error: ConnectorError| match error {
            ConnectorError::Forbidden(_) => {
                missing.push(format!("the API token needs the permission {scope}"));
                Ok(())
            }
            error => Err(error),
        };
        match self.call(Method::GET, "/doors", None).await {
            Ok(answer) => doors.extend(listed(&answer.data, ResourceKind::Door)),
            Err(error) => lacks("view:space", error)?,
        }
        match self.call(Method::GET, "/door_groups", None).await {
            Ok(answer) => doors.extend(listed(&answer.data, ResourceKind::DoorGroup)),
            Err(error) => lacks("view:space", error)?,
        }
        if let Err(error) = self
            .call(Method::GET, "/visitors?page_num=1&page_size=1", None)
            .await
        {
            lacks("view:visitor and edit:visitor", error)?;
        }
        if let Err(error) = self.call(Method::GET, "/webhooks/endpoints", None).await {
            lacks("view:webhook and edit:webhook", error)?;
        }
        missing.dedup();
        Ok(Probe {
            ready: missing.is_empty(),
            missing,
            doors,
        })
    }

    pub async fn provision(&self, grant: &Grant) -> Result<String, ConnectorError> {
        let body = json!({
            "first_name": grant.first_name,
            "last_name": grant.last_name,
            "email": grant.email,
            "visitor_company": grant.company,
            "remarks": tag(grant.visit),
            "start_time": grant.starts_at.timestamp(),
            "end_time": grant.ends_at.timestamp(),
            "visit_reason": "Business",
            "resources": grant.resources,
        });
        let created = self.call(Method::POST, "/visitors", Some(body)).await?;
        let id = created.data["id"]
            .as_str()
            .ok_or_else(|| ConnectorError::Unavailable("the new visitor has no id".into()))?
            .to_owned();
        let pin = json!({ "pin_code": grant.pin });
        if let Err(error) = self
            .call(Method::PUT, &format!("/visitors/{id}/pin_codes"), Some(pin))
            .await
        {
            // No half-made visitor stays behind: the next attempt starts over.
            let _ = self.revoke(&id).await;
            return Err(error);
        }
        Ok(id)
    }

    pub async fn revoke(&self, vendor_id: &str) -> Result<(), ConnectorError> {
        match self
            .call(
                Method::DELETE,
                &format!("/visitors/{vendor_id}?is_force=true"),
                None,
            )
            .await
        {
            Ok(_) | Err(ConnectorError::NotFound) => Ok(()),
            Err(error) => Err(error),
        }
    }

    pub async fn held(&self) -> Result<Vec<Held>, ConnectorError> {
        let mut held = Vec::new();
        for page in 1.. {
            let answer = self
                .call(
                    Method::GET,
                    &format!("/visitors?page_num={page}&page_size={PAGE_SIZE}"),
                    None,
                )
                .await?;
            let visitors = answer.data.as_array().cloned().unwrap_or_default();
            let count = visitors.len();
            held.extend(visitors.iter().filter_map(|visitor| {
                let visit = tagged(visitor["remarks"].as_str()?)?;
                Some(Held {
                    vendor_id: visitor["id"].as_str()?.to_owned(),
                    visit: Some(visit),
                    active: matches!(
                        visitor["status"].as_str(),
                        Some("UPCOMING" | "VISITING" | "ACTIVE")
                    ),
                })
            }));
            let total = answer.pagination.map_or(0, |p| p.total);
            if count < PAGE_SIZE || page * PAGE_SIZE >= total {
                break;
            }
        }
        Ok(held)
    }

    /// The door openings the system log holds from `from` to `to` (`POST /system/logs`, topic
    /// `door_openings`), page by page. A hit's `_id` is often empty, and is not the webhook's
    /// event id, so a hit is named by its time, actor and door — and the backfill takes it only
    /// if no scan of the same person at the same door is stored near its time.
    pub async fn door_events(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SystemScan>, ConnectorError> {
        let mut scans = Vec::new();
        let body =
            json!({"topic": "door_openings", "since": from.timestamp(), "until": to.timestamp()});
        for page in 1.. {
            let answer = self
                .call(
                    Method::POST,
                    &format!("/system/logs?page_num={page}&page_size={PAGE_SIZE}"),
                    Some(body.clone()),
                )
                .await?;
            let hits = answer.data["hits"].as_array().cloned().unwrap_or_default();
            scans.extend(hits.iter().filter_map(logged_opening));
            // The total is inside `data` in the API's own description, at the top level in
            // some consoles' answers, and unreliable in others: a short page ends it too.
            let total = answer.data["total"]
                .as_u64()
                .and_then(|total| usize::try_from(total).ok())
                .or(answer.pagination.map(|p| p.total))
                .unwrap_or(0);
            if hits.len() < PAGE_SIZE || page * PAGE_SIZE >= total {
                break;
            }
        }
        Ok(scans)
    }

    /// Registers Gatehouse's webhook endpoint `url` for door scans (or finds it registered):
    /// the secret the console signs its deliveries with.
    pub async fn register_webhook(&self, url: &str) -> Result<String, ConnectorError> {
        let listed = self.call(Method::GET, "/webhooks/endpoints", None).await?;
        let registered = listed
            .data
            .as_array()
            .into_iter()
            .flatten()
            .find(|endpoint| endpoint["endpoint"] == url)
            .cloned();
        let endpoint = if let Some(endpoint) = registered {
            endpoint
        } else {
            let endpoint = json!({"name": "Gatehouse", "endpoint": url,
                "events": ["access.door.unlock"]});
            self.call(Method::POST, "/webhooks/endpoints", Some(endpoint))
                .await?
                .data
        };
        endpoint["secret"]
            .as_str()
            .filter(|secret| !secret.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                ConnectorError::Unavailable("the endpoint came back without a secret".into())
            })
    }

    /// The door whose hub `device` is, by the door's name the device carries as its alias —
    /// events sometimes name the hub instead of the door. The console's doors are read once a
    /// minute at most, also when it cannot be reached (a burst of scans asks it once).
    pub async fn door_of_hub(&self, alias: &str) -> Result<Option<String>, ConnectorError> {
        let mut doors = self.doors.lock().await;
        let fresh = doors
            .as_ref()
            .is_some_and(|(read_at, _)| read_at.elapsed() < DOORS_FOR);
        if !fresh {
            let read = self.call(Method::GET, "/doors", None).await;
            let listed = read
                .as_ref()
                .map(|answer| listed(&answer.data, ResourceKind::Door))
                .unwrap_or_default();
            *doors = Some((Instant::now(), listed));
            read?;
        }
        Ok(doors
            .as_ref()
            .and_then(|(_, doors)| doors.iter().find(|door| door.name == alias))
            .map(|door| door.id.clone()))
    }
}

fn listed(data: &Value, kind: ResourceKind) -> Vec<SystemDoor> {
    data.as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            Some(SystemDoor {
                id: item["id"].as_str()?.to_owned(),
                name: item["name"].as_str()?.to_owned(),
                kind,
            })
        })
        .collect()
}

/// The door opening a system-log hit reports (`_source.event.type` `access.door.unlock`,
/// `result` `ACCESS` or `BLOCKED`; `target[]` the door, its hub, and the entry method).
fn logged_opening(hit: &Value) -> Option<SystemScan> {
    let source = &hit["_source"];
    let event = &source["event"];
    if event["type"].as_str()? != "access.door.unlock" {
        return None;
    }
    let text = |value: &Value| value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let targets = source["target"].as_array().cloned().unwrap_or_default();
    let door = targets.iter().find(|t| t["type"] == "door");
    let places: Vec<String> = door
        .into_iter()
        .chain(targets.iter().filter(|t| {
            !matches!(
                t["type"].as_str(),
                Some("door" | "device_config" | "floor" | "building")
            )
        }))
        .filter_map(|t| text(&t["id"]))
        .collect();
    let at = event["published"]
        .as_i64()
        .and_then(DateTime::from_timestamp_millis)
        .or_else(|| {
            DateTime::parse_from_rfc3339(hit["@timestamp"].as_str()?)
                .ok()
                .map(|at| at.with_timezone(&Utc))
        })?;
    let actor = text(&source["actor"]["id"]);
    Some(SystemScan {
        event_id: text(&hit["_id"]).unwrap_or_else(|| {
            format!(
                "log:{}:{}:{}",
                at.timestamp_millis(),
                actor.as_deref().unwrap_or_default(),
                places.first().map_or("", String::as_str)
            )
        }),
        place_name: door.and_then(|door| text(&door["display_name"])),
        places,
        actor_name: text(&source["actor"]["display_name"]).filter(|name| name != "N/A"),
        actor_id: actor,
        granted: event["result"] == "ACCESS",
        direction: targets
            .iter()
            .find(|t| t["type"] == "device_config" && t["id"] == "door_entry_method")
            .and_then(|t| match t["display_name"].as_str() {
                Some("entry") => Some(Direction::In),
                Some("exit") => Some(Direction::Out),
                _ => None,
            }),
        at: Some(at),
        raw: hit.to_string(),
    })
}

/// The door scan `event` reports, if it is one (`access.door.unlock` with its object id). It
/// names the door, or the hub (device) instead, whose alias is then the door's name.
pub fn door_unlock(event: &Value, raw: &[u8]) -> Option<SystemScan> {
    if event["event"].as_str()? != "access.door.unlock" {
        return None;
    }
    let data = &event["data"];
    let text = |value: &Value| value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let result = data["object"]["result"].as_str().unwrap_or_default();
    Some(SystemScan {
        event_id: text(&event["event_object_id"])?,
        places: [&data["location"]["id"], &data["device"]["id"]]
            .into_iter()
            .filter_map(text)
            .collect(),
        place_name: text(&data["device"]["alias"]).or_else(|| text(&data["location"]["name"])),
        actor_id: text(&data["actor"]["id"]),
        actor_name: text(&data["actor"]["name"]),
        // Webhooks say "Access Granted"; the system log says "ACCESS".
        granted: result.eq_ignore_ascii_case("access granted") || result == "ACCESS",
        direction: None,
        at: None,
        raw: String::from_utf8_lossy(raw).into_owned(),
    })
}
