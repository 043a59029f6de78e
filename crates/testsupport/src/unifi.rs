//! A stand-in for a UniFi Access console's developer API (`/api/v1/developer`), on loopback,
//! answering as the vendor documents (facts and sources: `shared/ACCESS-CONTROL-APIS.md`,
//! part A): the `{"code","msg","data"}` envelope, `Authorization: Bearer` with scopes, visitors
//! with `start_time`/`end_time` in Unix seconds and door/door-group `resources`, PINs, deletion
//! with `is_force`, doors, door groups and webhook endpoints — and its failures on demand: 401,
//! 403 for a missing scope, 429 with and without `Retry-After`, 5xx, and answers too slow to
//! wait for. It also sends signed webhooks the way the console does.

use std::{
    collections::{BTreeMap, VecDeque},
    fmt::Write as _,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::any,
};
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;

/// A failure the console answers the next request with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 401 `CODE_AUTH_FAILED`.
    Unauthorized,
    /// HTTP 429, with `Retry-After: seconds` if given.
    RateLimited(Option<u64>),
    /// HTTP 500 `CODE_SYSTEM_ERROR`.
    ServerError,
    /// HTTP 400 `CODE_PARAMS_INVALID`: refused for good.
    Refused,
    /// No answer for this long.
    Slow(Duration),
}

#[derive(Debug, Default)]
struct Console {
    token: String,
    scopes: Vec<String>,
    visitors: BTreeMap<String, Value>,
    doors: Vec<Value>,
    door_groups: Vec<Value>,
    endpoints: Vec<Value>,
    logs: Vec<Value>,
    next_failures: VecDeque<Failure>,
    /// Down: every request fails with 503 until it is back.
    down: bool,
    requests: Vec<String>,
    counter: u64,
}

/// The stand-in console, serving until dropped.
#[derive(Debug, Clone)]
pub struct UnifiConsole {
    pub url: String,
    pub token: String,
    console: Arc<Mutex<Console>>,
    _server: Arc<tokio::task::JoinHandle<()>>,
}

/// Every scope Gatehouse's token needs.
pub const SCOPES: [&str; 7] = [
    "view:visitor",
    "edit:visitor",
    "view:space",
    "view:system_log",
    "view:webhook",
    "edit:webhook",
    "view:device",
];

impl UnifiConsole {
    /// A console with doors `(id, name)` and a token holding every scope.
    pub async fn start(doors: &[(&str, &str)]) -> Self {
        let token = "unifi-token-7f3a".to_owned();
        let console = Arc::new(Mutex::new(Console {
            token: token.clone(),
            scopes: SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            doors: doors
                .iter()
                .map(|(id, name)| {
                    json!({"id": id, "name": name, "full_name": format!("UNVR - 1F - {name}"),
                        "floor_id": "floor-1", "type": "door", "is_bind_hub": true,
                        "door_lock_relay_status": "lock", "door_position_status": "close"})
                })
                .collect(),
            door_groups: vec![
                json!({"id": "group-visitors", "name": "Visitor doors", "type": "access",
                "resources": doors.iter().map(|(id, _)| json!({"id": id, "type": "door"})).collect::<Vec<_>>()}),
            ],
            ..Console::default()
        }));
        let app = Router::new()
            .route("/api/v1/developer/{*path}", any(answer))
            .route("/_standin/scan", axum::routing::post(scan))
            .with_state(console.clone());
        let (url, server) = crate::serve_on_loopback(app).await;
        Self {
            url,
            token,
            console,
            _server: Arc::new(server),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Console) -> T) -> T {
        f(&mut self.console.lock().unwrap())
    }

    /// The token's scopes from now on.
    pub fn set_scopes(&self, scopes: &[&str]) {
        self.with(|c| c.scopes = scopes.iter().map(|s| (*s).to_owned()).collect());
    }

    /// The next requests fail like this, one each.
    pub fn fail_next(&self, failures: &[Failure]) {
        self.with(|c| c.next_failures.extend(failures.iter().cloned()));
    }

    /// Takes the console down (every request answers 503) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.with(|c| c.down = down);
    }

    /// The visitors it holds, as it would list them.
    pub fn visitors(&self) -> Vec<Value> {
        self.with(|c| c.visitors.values().cloned().collect())
    }

    /// A visitor made outside Gatehouse or by it, as an admin could in the console.
    pub fn add_visitor(&self, visitor: Value) -> String {
        self.with(|c| {
            c.counter += 1;
            let id = format!("visitor-{}", c.counter);
            let mut visitor = visitor;
            visitor["id"] = json!(id);
            c.visitors.insert(id.clone(), visitor);
            id
        })
    }

    /// The webhook endpoints registered with it.
    pub fn endpoints(&self) -> Vec<Value> {
        self.with(|c| c.endpoints.clone())
    }

    /// Logs a door opening in the system log, as the console does for every scan — by
    /// `actor` at the door `(id, name)` through its hub, `ACCESS` or `BLOCKED`, at `at`.
    pub fn log_door_opening(
        &self,
        door: (&str, &str),
        actor: &str,
        granted: bool,
        at: DateTime<Utc>,
    ) {
        let hit = json!({"@timestamp": at.to_rfc3339_opts(SecondsFormat::Secs, true), "_id": "",
        "tag": "access", "_source": {
            "actor": {"id": actor, "type": "visitor", "display_name": "Visitor",
                "alternate_id": "", "alternate_name": ""},
            "authentication": {"credential_provider": "PIN_CODE", "issuer": ""},
            "event": {"type": "access.door.unlock", "result": if granted { "ACCESS" } else { "BLOCKED" },
                "display_message": if granted { "Access Granted (PIN)" } else { "Access Denied (PIN)" },
                "published": at.timestamp_millis(), "reason": ""},
            "target": [
                {"type": "UAH", "id": "7483c2773855", "display_name": "UA-HUB-3855", "alternate_id": "", "alternate_name": ""},
                {"type": "door", "id": door.0, "display_name": door.1, "alternate_id": "", "alternate_name": ""},
                {"type": "device_config", "id": "door_entry_method", "display_name": "entry", "alternate_id": "", "alternate_name": ""},
            ]}});
        self.with(|c| c.logs.push(hit));
    }

    /// Every request it was sent, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.with(|c| c.requests.clone())
    }

    /// An `access.door.unlock` webhook body, as the console sends it, for `actor` at the door
    /// `location` (or its hub `device`).
    pub fn door_unlock(
        event_id: &str,
        location: &Value,
        device: &Value,
        actor: &str,
        granted: bool,
    ) -> Vec<u8> {
        json!({"event": "access.door.unlock", "event_object_id": event_id,
            "data": {"location": location, "device": device,
                "actor": {"id": actor, "name": "Visitor", "type": "visitor"},
                "object": {"authentication_type": "PIN_CODE", "authentication_value": "",
                    "policy_id": "", "policy_name": "", "reader_id": "reader-1",
                    "result": if granted { "Access Granted" } else { "Access Denied" }}}})
        .to_string()
        .into_bytes()
    }

    /// The `Signature` header the console sends with `body` at `t` (Unix seconds).
    pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        // Written apart from the cloud's verifier, as the console's own signing is.
        let hex = mac
            .finalize()
            .into_bytes()
            .iter()
            .fold(String::new(), |mut out, byte| {
                let _ = write!(out, "{byte:02x}");
                out
            });
        format!("t={t},v1={hex}")
    }
}

/// `POST /_standin/scan` `{"actor", "door", "granted"}` (the stand-in's own control, not
/// UniFi's API): someone scans at the console's door `door`, and the console sends its signed
/// `access.door.unlock` webhook to every endpoint registered — what a browser test cannot do
/// at a real door. Answers with the endpoints' HTTP statuses.
async fn scan(State(console): State<Arc<Mutex<Console>>>, Json(scan): Json<Value>) -> Response {
    let (body, endpoints) = {
        let mut c = console.lock().unwrap();
        c.counter += 1;
        let door_id = scan["door"].as_str().unwrap_or_default();
        let Some(door) = c.doors.iter().find(|d| d["id"] == door_id).cloned() else {
            return invalid();
        };
        let body = UnifiConsole::door_unlock(
            &format!("4a98adf6-0000-4000-8000-{:012}", c.counter),
            &json!({"id": door["id"], "location_type": "door", "name": door["name"]}),
            &json!({"id": "7483c2773855", "alias": door["name"], "device_type": "UAH"}),
            scan["actor"].as_str().unwrap_or_default(),
            scan["granted"].as_bool().unwrap_or(true),
        );
        (body, c.endpoints.clone())
    };
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for endpoint in endpoints {
        let secret = endpoint["secret"].as_str().unwrap_or_default();
        let signature = UnifiConsole::signature(secret, Utc::now().timestamp(), &body);
        let sent = client
            .post(endpoint["endpoint"].as_str().unwrap_or_default())
            .header("Signature", signature)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        statuses.push(sent.map_or(0, |answer| answer.status().as_u16()));
    }
    Json(json!({"delivered": statuses})).into_response()
}

fn envelope(status: StatusCode, code: &str, msg: &str, data: Value) -> Response {
    let mut body = json!({"code": code, "msg": msg});
    if !data.is_null() || code == "SUCCESS" {
        body["data"] = data;
    }
    (status, Json(body)).into_response()
}

fn success(data: Value) -> Response {
    envelope(StatusCode::OK, "SUCCESS", "success", data)
}

fn error(status: StatusCode, code: &str, msg: &str) -> Response {
    envelope(status, code, msg, Value::Null)
}

fn not_found() -> Response {
    // The docs give no HTTP status for an unknown id; the code says it.
    error(
        StatusCode::OK,
        "CODE_RESOURCE_NOT_FOUND",
        "Resource not found.",
    )
}

fn invalid() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "CODE_PARAMS_INVALID",
        "Invalid parameters.",
    )
}

fn needs(console: &Console, scope: &str) -> Option<Response> {
    (!console.scopes.iter().any(|s| s == scope))
        .then(|| error(StatusCode::FORBIDDEN, "CODE_UNAUTHORIZED", "Unauthorized."))
}

/// The failure the next request is to meet, if any (after waiting, for a slow one).
async fn injected(failure: Option<Failure>) -> Option<Response> {
    match failure? {
        Failure::Unauthorized => Some(error(
            StatusCode::UNAUTHORIZED,
            "CODE_AUTH_FAILED",
            "Authentication failed.",
        )),
        Failure::RateLimited(retry_after) => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "CODE_SYSTEM_ERROR",
                "Too many requests.",
            );
            if let Some(seconds) = retry_after {
                response.headers_mut().insert("retry-after", seconds.into());
            }
            Some(response)
        }
        Failure::ServerError => Some(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "CODE_SYSTEM_ERROR",
            "System error.",
        )),
        Failure::Refused => Some(invalid()),
        Failure::Slow(wait) => {
            tokio::time::sleep(wait).await;
            None
        }
    }
}

async fn answer(
    State(console): State<Arc<Mutex<Console>>>,
    method: Method,
    uri: Uri,
    Path(path): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let failure = {
        let mut c = console.lock().unwrap();
        c.requests.push(format!(
            "{method} {}",
            uri.path_and_query().map_or("", |p| p.as_str())
        ));
        if c.down {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "CODE_SYSTEM_ERROR",
                "Service unavailable.",
            );
        }
        c.next_failures.pop_front()
    };
    if let Some(response) = injected(failure).await {
        return response;
    }
    let mut c = console.lock().unwrap();
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(c.token.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "CODE_AUTH_FAILED",
            "Authentication failed.",
        );
    }
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(body) => body,
            Err(_) => return invalid(),
        }
    };
    let parts: Vec<&str> = path.split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["doors"]) => needs(&c, "view:space").unwrap_or_else(|| success(json!(c.doors))),
        ("GET", ["door_groups"]) => {
            needs(&c, "view:space").unwrap_or_else(|| success(json!(c.door_groups)))
        }
        ("GET", ["webhooks", "endpoints"]) => {
            needs(&c, "view:webhook").unwrap_or_else(|| success(json!(c.endpoints)))
        }
        ("POST", ["webhooks", "endpoints"]) => {
            needs(&c, "edit:webhook").unwrap_or_else(|| register(&mut c, &body))
        }
        ("POST", ["system", "logs"]) => {
            needs(&c, "view:system_log").unwrap_or_else(|| logs(&c, &query, &body))
        }
        ("GET", ["visitors"]) => needs(&c, "view:visitor").unwrap_or_else(|| list(&c, &query)),
        ("POST", ["visitors"]) => {
            needs(&c, "edit:visitor").unwrap_or_else(|| create(&mut c, &body))
        }
        ("PUT", ["visitors", id, "pin_codes"]) => {
            needs(&c, "edit:visitor").unwrap_or_else(|| set_pin(&mut c, id, &body))
        }
        ("GET", ["visitors", id]) => c
            .visitors
            .get(*id)
            .map_or_else(not_found, |v| success(v.clone())),
        ("DELETE", ["visitors", id]) => {
            let force = query.get("is_force").is_some_and(|f| f == "true");
            needs(&c, "edit:visitor").unwrap_or_else(|| delete(&mut c, id, force))
        }
        _ => error(StatusCode::NOT_FOUND, "CODE_NOT_EXISTS", "Not found."),
    }
}

/// `GET /visitors?page_num=&page_size=`: a page, with the top-level `pagination`.
fn list(c: &Console, query: &BTreeMap<String, String>) -> Response {
    let page: usize = query
        .get("page_num")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let size: usize = query
        .get("page_size")
        .and_then(|p| p.parse().ok())
        .unwrap_or(25);
    let all: Vec<&Value> = c.visitors.values().collect();
    let data: Vec<&Value> = all
        .iter()
        .skip((page.max(1) - 1) * size)
        .take(size)
        .copied()
        .collect();
    let body = json!({"code": "SUCCESS", "msg": "success", "data": data,
        "pagination": {"page_num": page, "page_size": data.len(), "total": all.len()}});
    (StatusCode::OK, Json(body)).into_response()
}

/// `POST /visitors`: names, `start_time` < `end_time` (Unix seconds), a documented
/// `visit_reason`, and resources the console has.
fn create(c: &mut Console, body: &Value) -> Response {
    let valid = ["first_name", "last_name", "visit_reason"]
        .iter()
        .all(|f| body[f].is_string())
        && body["start_time"].is_i64()
        && body["end_time"].as_i64() > body["start_time"].as_i64()
        && ["Interview", "Business", "Cooperation", "Others"]
            .contains(&body["visit_reason"].as_str().unwrap_or(""));
    let resources_known = body["resources"].as_array().into_iter().flatten().all(|r| {
        let id = r["id"].as_str().unwrap_or("");
        match r["type"].as_str() {
            Some("door") => c.doors.iter().any(|d| d["id"] == id),
            Some("door_group") => c.door_groups.iter().any(|g| g["id"] == id),
            _ => false,
        }
    });
    if !valid || !resources_known {
        return invalid();
    }
    c.counter += 1;
    let id = format!("fbe8d920-0000-4000-8000-{:012}", c.counter);
    let mut visitor = body.clone();
    visitor["id"] = json!(id);
    visitor["status"] = json!("UPCOMING");
    visitor["pin_code"] = Value::Null;
    visitor["nfc_cards"] = json!([]);
    c.visitors.insert(id, visitor.clone());
    success(visitor)
}

/// `PUT /visitors/:id/pin_codes`: digits only, unique in the console.
fn set_pin(c: &mut Console, id: &str, body: &Value) -> Response {
    let Some(pin) = body["pin_code"]
        .as_str()
        .filter(|p| p.len() >= 4 && p.chars().all(|d| d.is_ascii_digit()))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "CODE_CREDS_PIN_CODE_CREDS_LENGTH_INVALID",
            "Invalid PIN length.",
        );
    };
    if c.visitors.values().any(|v| v["pin"] == pin) {
        return error(
            StatusCode::BAD_REQUEST,
            "CODE_CREDS_PIN_CODE_CREDS_ALREADY_EXIST",
            "PIN already exists.",
        );
    }
    let Some(visitor) = c.visitors.get_mut(id) else {
        return not_found();
    };
    visitor["pin_code"] = json!({"token": "bc3e0b5e"});
    // Kept aside (the console only shows a hash) so a test can tell what the visitor types.
    visitor["pin"] = json!(pin);
    (
        StatusCode::OK,
        Json(json!({"code": "SUCCESS", "msg": "success"})),
    )
        .into_response()
}

/// `POST /webhooks/endpoints`: a name, an endpoint and events; the console makes its secret.
fn register(c: &mut Console, body: &Value) -> Response {
    let valid = body["name"].is_string()
        && body["endpoint"]
            .as_str()
            .is_some_and(|e| e.starts_with("http"))
        && body["events"]
            .as_array()
            .is_some_and(|events| !events.is_empty());
    if !valid {
        return invalid();
    }
    if c.endpoints
        .iter()
        .any(|e| e["endpoint"] == body["endpoint"])
    {
        return error(
            StatusCode::BAD_REQUEST,
            "CODE_DEVICE_WEBHOOK_ENDPOINT_DUPLICATED",
            "Webhook endpoint duplicated.",
        );
    }
    c.counter += 1;
    let mut endpoint = body.clone();
    endpoint["id"] = json!(format!("1a63e2f0-0000-4000-8000-{:012}", c.counter));
    endpoint["secret"] = json!(format!("{:016x}", 0x6601_f124_3d2f_f70f_u64 + c.counter));
    c.endpoints.push(endpoint.clone());
    success(endpoint)
}

/// `POST /system/logs?page_num=&page_size=` with `{topic, since, until}`: the hits in the
/// window, `page` and `total` inside `data` and a top-level `pagination` too.
fn logs(c: &Console, query: &BTreeMap<String, String>, body: &Value) -> Response {
    if !["all", "door_openings"].contains(&body["topic"].as_str().unwrap_or("")) {
        return invalid();
    }
    let number = |key: &str| query.get(key).and_then(|p| p.parse::<usize>().ok());
    let (page, size) = (
        number("page_num").unwrap_or(1).max(1),
        number("page_size").unwrap_or(25),
    );
    let (since, until) = (
        body["since"].as_i64().unwrap_or(0),
        body["until"].as_i64().unwrap_or(i64::MAX),
    );
    let within: Vec<&Value> = c
        .logs
        .iter()
        .filter(|hit| {
            let at = hit["_source"]["event"]["published"].as_i64().unwrap_or(0) / 1000;
            at >= since && at <= until
        })
        .collect();
    let hits: Vec<&Value> = within
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .copied()
        .collect();
    let body = json!({"code": "SUCCESS", "msg": "success",
        "data": {"hits": hits, "page": page, "total": within.len()},
        "pagination": {"page_num": page, "page_size": hits.len(), "total": within.len()}});
    (StatusCode::OK, Json(body)).into_response()
}

/// `DELETE /visitors/:id`: gone with `is_force=true`, else cancelled.
fn delete(c: &mut Console, id: &str, force: bool) -> Response {
    if !c.visitors.contains_key(id) {
        return not_found();
    }
    if force {
        c.visitors.remove(id);
    } else if let Some(visitor) = c.visitors.get_mut(id) {
        visitor["status"] = json!("CANCELLED");
    }
    success(Value::Null)
}
