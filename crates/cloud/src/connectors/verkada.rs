//! Verkada Access, through Verkada's cloud API (facts and sources in
//! `shared/ACCESS-CONTROL-APIS.md`, part B). Gatehouse trades the API key for a session token
//! (`POST /token`, good for 30 minutes, never refreshed: a new one is fetched five minutes early,
//! and once more if the API answers 401). A visit becomes a Command user whose `external_id` is
//! the visit's tag — so every call after the first names the user by Gatehouse's own key and a
//! retried provisioning finds what the last attempt made — with the visit's window as its access
//! `start_date`/`end_date` (Unix seconds, as strings), the access groups its doors are in, and
//! an entry code (the PIN, unique in the organisation: a taken one is never taken over).
//! Revoking ends the window now, then deletes the user. Errors come as `{id, message, data}`;
//! Verkada documents no status for an `external_id` or entry code already taken, and Gatehouse
//! reads a 409 as that (its stand-in answers so; a real answer that differs shows as a refusal
//! with Verkada's words on the visit's access).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, TimeZone as _, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    ConnectorError, Grant, Held, Limiter, Probe, ResourceKind, SystemDoor, SystemScan, http_client,
    retry_after_of, tag, tagged, unreachable,
};
use crate::{error::ServiceError, store::Direction};

/// A session token is used this long of its 30 minutes.
const TOKEN_FOR: Duration = Duration::from_secs(25 * 60);
/// Access events listed a page at a time.
const PAGE_SIZE: usize = 200;

#[derive(Debug, Clone)]
pub struct Verkada {
    base: String,
    api_key: String,
    http: reqwest::Client,
    limiter: Arc<Limiter>,
    /// The session token and when it was fetched.
    token: Arc<tokio::sync::Mutex<Option<(String, Instant)>>>,
}

/// What the API answered, read by its HTTP status.
async fn answer(response: reqwest::Response) -> Result<Value, ConnectorError> {
    let status = response.status();
    let retry_after = retry_after_of(&response);
    let text = response.text().await.unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let message = match (body["message"].as_str(), body["id"].as_str()) {
        (Some(message), Some(id)) => format!("{message} ({id})"),
        (Some(message), None) => message.to_owned(),
        _ => format!("HTTP {status}"),
    };
    match status {
        status if status.is_success() => Ok(body),
        StatusCode::UNAUTHORIZED => Err(ConnectorError::Unauthorized),
        StatusCode::FORBIDDEN => Err(ConnectorError::Forbidden(message)),
        StatusCode::NOT_FOUND => Err(ConnectorError::NotFound),
        StatusCode::CONFLICT => Err(ConnectorError::Conflict(message)),
        // Verkada documents no Retry-After; one is honoured if it comes.
        StatusCode::TOO_MANY_REQUESTS => Err(ConnectorError::RateLimited { retry_after }),
        status if status.is_server_error() => Err(ConnectorError::Unavailable(message)),
        _ => Err(ConnectorError::Rejected(message)),
    }
}

impl Verkada {
    pub fn new(base_url: &str, api_key: &str, limiter: Arc<Limiter>) -> Result<Self, ServiceError> {
        Ok(Self {
            base: base_url.trim_end_matches('/').to_owned(),
            api_key: api_key.to_owned(),
            http: http_client()?,
            limiter,
            token: Arc::default(),
        })
    }

    /// The session token: the one held, unless it is old or is `refused` (then a new one).
    async fn token(&self, refused: Option<&str>) -> Result<String, ConnectorError> {
        let mut held = self.token.lock().await;
        if let Some((token, fetched)) = held.as_ref()
            && fetched.elapsed() < TOKEN_FOR
            && refused != Some(token.as_str())
        {
            return Ok(token.clone());
        }
        self.limiter.until_ready().await;
        let response = self
            .http
            .post(format!("{}/token", self.base))
            .header("x-api-key", &self.api_key)
            .send()
            .await
            .map_err(|error| unreachable(&error))?;
        let body = answer(response).await?;
        let token = body["token"]
            .as_str()
            .filter(|token| !token.is_empty())
            .ok_or_else(|| ConnectorError::Unavailable("an answer with no token".into()))?
            .to_owned();
        *held = Some((token.clone(), Instant::now()));
        Ok(token)
    }

    /// Calls the API with the session token, fetching a new token once if it is refused (it
    /// expired early, or was revoked).
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<Value, ConnectorError> {
        let mut token = self.token(None).await?;
        for retried in [false, true] {
            self.limiter.until_ready().await;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .header("x-verkada-auth", &token)
                .query(query);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(|error| unreachable(&error))?;
            if response.status() == StatusCode::UNAUTHORIZED && !retried {
                token = self.token(Some(&token)).await?;
                continue;
            }
            return answer(response).await;
        }
        Err(ConnectorError::Unauthorized)
    }

    /// Checks the key (a token is issued for it) and what it may do: read doors, read and
    /// change access groups and users, read access events. Lists the doors and access groups.
    pub async fn probe(&self) -> Result<Probe, ConnectorError> {
        self.token(None).await?;
        let mut missing = Vec::new();
        let mut doors = Vec::new();
        let mut lacks = |permission: &str, error: ConnectorError| match error {
            ConnectorError::Forbidden(_) => {
                missing.push(format!("the API key needs the permission {permission}"));
                Ok(())
            }
            error => Err(error),
        };
        match self.call(Method::GET, "/access/v1/doors", &[], None).await {
            Ok(body) => doors.extend(listed(&body["doors"], "door_id", ResourceKind::Door)),
            Err(error) => lacks("Access Control (read)", error)?,
        }
        match self.groups().await {
            Ok(groups) => doors.extend(listed(&groups, "group_id", ResourceKind::DoorGroup)),
            Err(error) => lacks("Access Control (read/write)", error)?,
        }
        match self
            .call(
                Method::GET,
                "/core/v1/user",
                &[("external_id", "gatehouse:probe")],
                None,
            )
            .await
        {
            Ok(_) | Err(ConnectorError::NotFound) => {}
            Err(error) => lacks("Core Command users (read/write)", error)?,
        }
        if let Err(error) = self
            .call(
                Method::GET,
                "/events/v1/access",
                &[("page_size", "1")],
                None,
            )
            .await
        {
            lacks("Access Control events (read)", error)?;
        }
        missing.dedup();
        Ok(Probe {
            ready: missing.is_empty(),
            missing,
            doors,
        })
    }

    async fn groups(&self) -> Result<Value, ConnectorError> {
        let body = self
            .call(Method::GET, "/access/v1/access_groups", &[], None)
            .await?;
        Ok(body["access_groups"].clone())
    }

    pub async fn provision(&self, grant: &Grant) -> Result<String, ConnectorError> {
        let external_id = tag(grant.visit);
        let user = json!({
            "external_id": external_id,
            "first_name": grant.first_name,
            "last_name": grant.last_name,
            "email": grant.email,
            "company_name": grant.company,
        });
        let user_id = match self
            .call(Method::POST, "/core/v1/user", &[], Some(user))
            .await
        {
            Ok(made) => made["user_id"].as_str().map(str::to_owned),
            // Made by an attempt that failed later: carried on from where it stopped.
            Err(ConnectorError::Conflict(_)) => self
                .call(
                    Method::GET,
                    "/core/v1/user",
                    &[("external_id", &external_id)],
                    None,
                )
                .await?["user_id"]
                .as_str()
                .map(str::to_owned),
            Err(error) => return Err(error),
        }
        .ok_or_else(|| ConnectorError::Unavailable("the new user has no user_id".into()))?;
        let by_visit = [("external_id", external_id.as_str())];
        for (field, at) in [("start_date", grant.starts_at), ("end_date", grant.ends_at)] {
            self.call(
                Method::PUT,
                &format!("/access/v1/access_users/user/{field}"),
                &by_visit,
                Some(json!({ field: at.timestamp().to_string() })),
            )
            .await?;
        }
        let groups = grant
            .resources
            .iter()
            .filter(|resource| resource.kind == ResourceKind::DoorGroup);
        for group in groups {
            self.call(
                Method::PUT,
                "/access/v1/access_groups/group/user",
                &[("group_id", group.id.as_str())],
                Some(json!({ "external_id": external_id })),
            )
            .await?;
        }
        self.call(
            Method::PUT,
            "/access/v1/access_users/user/entry_code",
            &[("external_id", external_id.as_str()), ("override", "false")],
            Some(json!({ "entry_code": grant.pin })),
        )
        .await?;
        Ok(user_id)
    }

    /// Ends the user's access now — so nothing opens even if the removal fails — then removes
    /// the user.
    pub async fn revoke(&self, vendor_id: &str) -> Result<(), ConnectorError> {
        let by_user = [("user_id", vendor_id)];
        let ended = self
            .call(
                Method::PUT,
                "/access/v1/access_users/user/end_date",
                &by_user,
                Some(json!({ "end_date": Utc::now().timestamp().to_string() })),
            )
            .await;
        match ended {
            Ok(_) => {}
            Err(ConnectorError::NotFound) => return Ok(()),
            Err(error) => return Err(error),
        }
        match self
            .call(Method::DELETE, "/core/v1/user", &by_user, None)
            .await
        {
            Ok(_) | Err(ConnectorError::NotFound) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// The users Gatehouse made that are in an access group (the only way they open a door).
    pub async fn held(&self) -> Result<Vec<Held>, ConnectorError> {
        let mut held: Vec<Held> = Vec::new();
        let groups = self.groups().await?;
        let members = groups
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|group| group["access_members"].as_array().into_iter().flatten());
        for member in members {
            let (Some(user_id), Some(visit)) = (
                member["user_id"].as_str(),
                member["external_id"].as_str().and_then(tagged),
            ) else {
                continue;
            };
            if !held.iter().any(|h| h.vendor_id == user_id) {
                held.push(Held {
                    vendor_id: user_id.to_owned(),
                    visit: Some(visit),
                    active: true,
                });
            }
        }
        Ok(held)
    }

    /// The door scans from `from` to `to`, page by page (`next_page_token`).
    pub async fn door_events(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SystemScan>, ConnectorError> {
        let (start, end, size) = (
            from.timestamp().to_string(),
            to.timestamp().to_string(),
            PAGE_SIZE.to_string(),
        );
        let mut scans = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut query = vec![
                ("start_time", start.as_str()),
                ("end_time", end.as_str()),
                ("page_size", size.as_str()),
            ];
            if let Some(token) = &page_token {
                query.push(("page_token", token));
            }
            let body = self
                .call(Method::GET, "/events/v1/access", &query, None)
                .await?;
            scans.extend(
                body["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|event| door_scan(event, &event.to_string())),
            );
            match body["next_page_token"].as_str() {
                Some(next) if !next.is_empty() && page_token.as_deref() != Some(next) => {
                    page_token = Some(next.to_owned());
                }
                _ => break,
            }
        }
        Ok(scans)
    }
}

fn listed(items: &Value, id: &str, kind: ResourceKind) -> Vec<SystemDoor> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            Some(SystemDoor {
                id: item[id].as_str()?.to_owned(),
                name: item["name"].as_str()?.to_owned(),
                kind,
            })
        })
        .collect()
}

/// A time Verkada gives as Unix seconds (a number or a string) or as an RFC 3339 text.
fn time(value: &Value) -> Option<DateTime<Utc>> {
    let seconds = value
        .as_i64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()));
    match seconds {
        Some(seconds) => Utc.timestamp_opt(seconds, 0).single(),
        None => DateTime::parse_from_rfc3339(value.as_str()?)
            .ok()
            .map(|at| at.with_timezone(&Utc)),
    }
}

/// The door scan an access event reports, if it is one: its type ends in `_accepted` or
/// `_rejected` (`door_keycard_entered_accepted` …). Webhooks carry the event as their `data`
/// (with `notification_type`); the events API lists it with `event_type`.
pub fn door_scan(event: &Value, raw: &str) -> Option<SystemScan> {
    let kind = event["notification_type"]
        .as_str()
        .or_else(|| event["event_type"].as_str())?;
    let granted = if kind.ends_with("_accepted") {
        true
    } else if kind.ends_with("_rejected") || kind.ends_with("_denied") {
        false
    } else {
        return None;
    };
    let text = |value: &Value| value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let user = &event["user_info"];
    Some(SystemScan {
        event_id: text(&event["event_id"])?,
        places: [
            &event["door_id"],
            &event["door_info"]["door_id"],
            &event["device_id"],
        ]
        .into_iter()
        .filter_map(text)
        .collect(),
        place_name: text(&event["door_info"]["name"]),
        actor_id: text(&user["user_id"]).or_else(|| text(&event["user_id"])),
        actor_name: text(&user["name"]),
        granted,
        direction: match event["direction"].as_str() {
            Some(d) if d.eq_ignore_ascii_case("inbound") => Some(Direction::In),
            Some(d) if d.eq_ignore_ascii_case("outbound") => Some(Direction::Out),
            _ => None,
        },
        at: ["created", "created_at", "timestamp"]
            .iter()
            .find_map(|field| time(&event[*field])),
        raw: raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhooks_access_event_is_a_door_scan_with_its_direction() {
        let data = json!({"notification_type": "door_keycard_entered_accepted",
            "device_id": "acu-1", "door_id": "door-lab", "event_id": "evt-1",
            "direction": "Inbound", "created": 1_700_000_000,
            "user_info": {"user_id": "user-1", "name": "Vera Verkada"}});
        let scan = door_scan(&data, "{}").unwrap();
        assert_eq!(scan.places, ["door-lab", "acu-1"]);
        assert!(scan.granted);
        assert_eq!(scan.direction, Some(Direction::In));
        assert_eq!(scan.at.unwrap().timestamp(), 1_700_000_000);
        assert_eq!(scan.actor_id.as_deref(), Some("user-1"));

        let denied = json!({"event_type": "door_keycard_entered_rejected", "event_id": "e2",
            "door_info": {"door_id": "door-server", "name": "Server room"},
            "timestamp": "2026-12-01T09:40:00Z"});
        let scan = door_scan(&denied, "{}").unwrap();
        assert!(!scan.granted);
        assert_eq!(scan.at.unwrap().to_rfc3339(), "2026-12-01T09:40:00+00:00");
        assert!(
            door_scan(
                &json!({"notification_type": "door_held_open", "event_id": "e3"}),
                ""
            )
            .is_none()
        );
        assert!(
            door_scan(
                &json!({"notification_type": "door_keycard_entered_accepted"}),
                ""
            )
            .is_none(),
            "no event id"
        );
    }
}
