//! A stand-in for Verkada's cloud API (`api.verkada.com`), on loopback, answering as the vendor
//! documents (facts and sources: `shared/ACCESS-CONTROL-APIS.md`, part B): an API key traded
//! for a session token at `POST /token` (`x-api-key`), every call authorised by
//! `x-verkada-auth`, tokens that expire (401 `{"id":"0e2d","message":"Token expired"}`), 300
//! requests a minute per organisation (429, no `Retry-After`), Command users keyed by
//! `external_id`, access start and end dates as Unix seconds in strings, access groups with
//! their members, entry codes unique in the organisation, doors, and the cursor-paged access
//! events — and its failures on demand. It also signs webhooks the way Verkada does.

use std::{
    collections::{BTreeMap, VecDeque},
    fmt::Write as _,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::any,
};
use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;

/// A failure the API answers the next request with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 429, with `Retry-After: seconds` if given (Verkada documents none).
    RateLimited(Option<u64>),
    /// HTTP 500.
    ServerError,
    /// HTTP 400: refused for good.
    Refused,
    /// No answer for this long.
    Slow(Duration),
}

/// The permissions an API key can hold, as Gatehouse needs them.
pub const PERMISSIONS: [&str; 3] = ["core_users", "access", "access_events"];

/// Requests allowed in any minute.
pub const PER_MINUTE: usize = 300;

#[derive(Debug, Default)]
struct Org {
    api_key: String,
    permissions: Vec<String>,
    /// Issued session tokens, and whether each still works.
    tokens: BTreeMap<String, bool>,
    users: BTreeMap<String, Value>,
    doors: Vec<Value>,
    groups: Vec<Value>,
    events: Vec<Value>,
    next_failures: VecDeque<Failure>,
    down: bool,
    requests: Vec<String>,
    /// When each of the last minute's requests came.
    recent: VecDeque<Instant>,
    /// Entry codes still to be found someone else's.
    codes_given_away: usize,
    counter: u64,
}

/// The stand-in organisation, serving until dropped.
#[derive(Debug, Clone)]
pub struct VerkadaOrg {
    pub url: String,
    pub api_key: String,
    org: Arc<Mutex<Org>>,
    _server: Arc<tokio::task::JoinHandle<()>>,
}

fn error(status: StatusCode, id: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"id": id, "message": message, "data": null})),
    )
        .into_response()
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "f8b3", "Not found")
}

fn invalid(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "a1c5", message)
}

impl VerkadaOrg {
    /// An organisation with doors and access groups `(id, name)`, and an API key holding every
    /// permission.
    pub async fn start(doors: &[(&str, &str)], groups: &[(&str, &str)]) -> Self {
        let api_key = "vkd_api_3f9e1c".to_owned();
        let org = Arc::new(Mutex::new(Org {
            api_key: api_key.clone(),
            permissions: PERMISSIONS.iter().map(|p| (*p).to_owned()).collect(),
            doors: doors
                .iter()
                .map(|(id, name)| {
                    json!({"door_id": id, "name": name, "site": {"site_id": "site-hq", "name": "HQ"},
                        "acu_id": format!("acu-{id}")})
                })
                .collect(),
            groups: groups
                .iter()
                .map(|(id, name)| {
                    json!({"group_id": id, "name": name, "access_members": [], "created_at": "1700000000"})
                })
                .collect(),
            ..Org::default()
        }));
        let app = Router::new().fallback(any(answer)).with_state(org.clone());
        let (url, server) = crate::serve_on_loopback(app).await;
        Self {
            url,
            api_key,
            org,
            _server: Arc::new(server),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Org) -> T) -> T {
        f(&mut self.org.lock().unwrap())
    }

    /// The key's permissions from now on.
    pub fn set_permissions(&self, permissions: &[&str]) {
        self.with(|o| o.permissions = permissions.iter().map(|p| (*p).to_owned()).collect());
    }

    /// The next requests fail like this, one each.
    pub fn fail_next(&self, failures: &[Failure]) {
        self.with(|o| o.next_failures.extend(failures.iter().cloned()));
    }

    /// Takes the API down (every request answers 503) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.with(|o| o.down = down);
    }

    /// Every session token issued so far stops working, as after its 30 minutes.
    pub fn expire_tokens(&self) {
        self.with(|o| o.tokens.values_mut().for_each(|live| *live = false));
    }

    /// The next `n` entry codes asked for turn out to be an employee's already.
    pub fn give_next_entry_codes_away(&self, n: usize) {
        self.with(|o| o.codes_given_away += n);
    }

    /// How many session tokens were issued.
    pub fn tokens_issued(&self) -> usize {
        self.with(|o| o.tokens.len())
    }

    /// The Command users, with their access information.
    pub fn users(&self) -> Vec<Value> {
        self.with(|o| o.users.values().cloned().collect())
    }

    /// A user made outside Gatehouse or by it, in the access group `group` (if given).
    pub fn add_user(&self, user: Value, group: Option<&str>) -> String {
        self.with(|o| {
            o.counter += 1;
            let id = format!("a3c1e0b2-0000-4000-8000-{:012}", o.counter);
            let mut user = user;
            user["user_id"] = json!(id);
            let member = json!({"user_id": id, "external_id": user["external_id"]});
            o.users.insert(id.clone(), user);
            if let Some(group) = o
                .groups
                .iter_mut()
                .find(|g| Some(g["group_id"].as_str().unwrap()) == group)
            {
                group["access_members"].as_array_mut().unwrap().push(member);
            }
            id
        })
    }

    /// The members of the access group `group_id`, by user id.
    pub fn members(&self, group_id: &str) -> Vec<String> {
        self.with(|o| {
            o.groups
                .iter()
                .filter(|g| g["group_id"] == group_id)
                .flat_map(|g| g["access_members"].as_array().unwrap().iter())
                .map(|m| m["user_id"].as_str().unwrap().to_owned())
                .collect()
        })
    }

    /// Every request it was sent, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.with(|o| o.requests.clone())
    }

    /// Logs an access event, for the events API to list.
    pub fn log_event(&self, event: Value) {
        self.with(|o| o.events.push(event));
    }

    /// An access event as Verkada reports it: by `user_id` at `door_id`, accepted or rejected,
    /// `Inbound` or `Outbound`, at `at` (Unix seconds).
    pub fn access_event(
        event_id: &str,
        door_id: &str,
        user_id: &str,
        accepted: bool,
        direction: &str,
        at: i64,
    ) -> Value {
        let kind = if accepted {
            "door_keycard_entered_accepted"
        } else {
            "door_keycard_entered_rejected"
        };
        json!({"notification_type": kind, "event_type": kind, "event_id": event_id,
            "device_id": format!("acu-{door_id}"), "device_type": "access_control",
            "door_id": door_id, "direction": direction, "created": at, "input_value": "",
            "user_info": {"user_id": user_id, "name": "Visitor"}})
    }

    /// A webhook as Verkada sends it for the access event `data` at `t`: its body and its
    /// `Verkada-Signature` header (`t|hex HMAC-SHA256 of "body|t"`).
    pub fn webhook(secret: &str, t: i64, data: &Value) -> (Vec<u8>, String) {
        let body = json!({"webhook_type": "notification", "webhook_id": "wh-1",
            "org_id": "org-1", "created_at": t, "data": data})
        .to_string()
        .into_bytes();
        (body.clone(), Self::signature(secret, t, &body))
    }

    /// The `Verkada-Signature` header for `body` at `t`.
    pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        mac.update(format!("|{t}").as_bytes());
        // Written apart from the cloud's verifier, as Verkada's own signing is.
        let hex = mac
            .finalize()
            .into_bytes()
            .iter()
            .fold(String::new(), |mut out, byte| {
                let _ = write!(out, "{byte:02x}");
                out
            });
        format!("{t}|{hex}")
    }
}

async fn injected(failure: Option<Failure>) -> Option<Response> {
    match failure? {
        Failure::RateLimited(retry_after) => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "9d2e", "Too Many Requests");
            if let Some(seconds) = retry_after {
                response.headers_mut().insert("retry-after", seconds.into());
            }
            Some(response)
        }
        Failure::ServerError => Some(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "5e00",
            "Internal Server Error",
        )),
        Failure::Refused => Some(invalid("Bad request")),
        Failure::Slow(wait) => {
            tokio::time::sleep(wait).await;
            None
        }
    }
}

async fn answer(
    State(org): State<Arc<Mutex<Org>>>,
    method: Method,
    uri: Uri,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let failure = {
        let mut o = org.lock().unwrap();
        o.requests.push(format!(
            "{method} {}",
            uri.path_and_query().map_or("", |p| p.as_str())
        ));
        let now = Instant::now();
        while o
            .recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(60))
        {
            o.recent.pop_front();
        }
        o.recent.push_back(now);
        if o.recent.len() > PER_MINUTE {
            return error(StatusCode::TOO_MANY_REQUESTS, "9d2e", "Too Many Requests");
        }
        if o.down {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "5e03",
                "Service Unavailable",
            );
        }
        o.next_failures.pop_front()
    };
    if let Some(response) = injected(failure).await {
        return response;
    }
    let mut o = org.lock().unwrap();
    if let Some(refused) = authorised(&mut o, &method, &uri, &headers) {
        return refused;
    }
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(body) => body,
            Err(_) => return invalid("Malformed JSON body"),
        }
    };
    match (method.as_str(), uri.path()) {
        ("GET", "/access/v1/doors") => Json(json!({"doors": o.doors})).into_response(),
        ("GET", "/access/v1/access_groups") => {
            Json(json!({"access_groups": o.groups})).into_response()
        }
        ("POST", "/core/v1/user") => create_user(&mut o, &body),
        ("GET", "/core/v1/user") => match user_named(&o, &query) {
            Ok(id) => Json(o.users[&id].clone()).into_response(),
            Err(no_user) => no_user.into_response(),
        },
        ("DELETE", "/core/v1/user") => match user_named(&o, &query) {
            Ok(id) => {
                o.users.remove(&id);
                for group in &mut o.groups {
                    group["access_members"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|m| m["user_id"] != id.as_str());
                }
                Json(json!({})).into_response()
            }
            Err(no_user) => no_user.into_response(),
        },
        ("PUT", path) if path.starts_with("/access/v1/access_users/user/") => {
            let field = &path["/access/v1/access_users/user/".len()..];
            match user_named(&o, &query) {
                Ok(id) => set_access(&mut o, &id, field, &query, &body),
                Err(no_user) => no_user.into_response(),
            }
        }
        ("PUT", "/access/v1/access_groups/group/user") => add_member(&mut o, &query, &body),
        ("GET", "/events/v1/access") => events(&o, &query),
        _ => not_found(),
    }
}

/// `POST /token` answered (a token for the API key), or the session token and the key's
/// permissions checked: the refusal, if any.
fn authorised(o: &mut Org, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if (method.as_str(), uri.path()) == ("POST", "/token") {
        if header("x-api-key") != Some(o.api_key.as_str()) {
            return Some(error(StatusCode::UNAUTHORIZED, "7a1f", "Invalid API key"));
        }
        o.counter += 1;
        let token = format!("v2_token_{}", o.counter);
        o.tokens.insert(token.clone(), true);
        return Some(Json(json!({"token": token})).into_response());
    }
    match header("x-verkada-auth").and_then(|token| o.tokens.get(token)) {
        Some(true) => {}
        Some(false) => return Some(error(StatusCode::UNAUTHORIZED, "0e2d", "Token expired")),
        None => return Some(error(StatusCode::UNAUTHORIZED, "7a1e", "Invalid token")),
    }
    let permission = match uri.path() {
        path if path.starts_with("/core/") => "core_users",
        path if path.starts_with("/events/") => "access_events",
        _ => "access",
    };
    (!o.permissions.iter().any(|p| p == permission))
        .then(|| error(StatusCode::FORBIDDEN, "3b7c", "Permission denied"))
}

/// Why a query names no user.
enum NoUser {
    /// Neither `user_id` nor `external_id`, or both.
    Ambiguous,
    Unknown,
}

impl IntoResponse for NoUser {
    fn into_response(self) -> Response {
        match self {
            Self::Ambiguous => invalid("Exactly one of user_id and external_id is required"),
            Self::Unknown => not_found(),
        }
    }
}

/// The user a query names by `user_id` or `external_id` — one of them, never both.
fn user_named(o: &Org, by: &BTreeMap<String, String>) -> Result<String, NoUser> {
    let found = match (by.get("user_id"), by.get("external_id")) {
        (Some(id), None) => o.users.contains_key(id).then(|| id.clone()),
        (None, Some(external)) => o
            .users
            .iter()
            .find(|(_, u)| u["external_id"] == external.as_str())
            .map(|(id, _)| id.clone()),
        _ => return Err(NoUser::Ambiguous),
    };
    found.ok_or(NoUser::Unknown)
}

/// `POST /core/v1/user`: `external_id`, `first_name` and `last_name` required; the external id
/// unique in the organisation.
fn create_user(o: &mut Org, body: &Value) -> Response {
    let Some(external) = body["external_id"].as_str().filter(|e| !e.is_empty()) else {
        return invalid("external_id is required");
    };
    if !body["first_name"].is_string() || !body["last_name"].is_string() {
        return invalid("first_name and last_name are required");
    }
    if o.users.values().any(|u| u["external_id"] == external) {
        return error(
            StatusCode::CONFLICT,
            "c0f1",
            "A user with this external_id already exists",
        );
    }
    o.counter += 1;
    let id = format!("a3c1e0b2-0000-4000-8000-{:012}", o.counter);
    let mut user = body.clone();
    user["user_id"] = json!(id);
    for field in ["start_date", "end_date", "entry_code"] {
        user[field] = Value::Null;
    }
    o.users.insert(id, user.clone());
    Json(user).into_response()
}

/// `PUT /access/v1/access_users/user/{start_date|end_date|entry_code}`.
fn set_access(
    o: &mut Org,
    id: &str,
    field: &str,
    query: &BTreeMap<String, String>,
    body: &Value,
) -> Response {
    match field {
        "start_date" | "end_date" => {
            // Unix seconds, as a string.
            let Some(value) = body[field]
                .as_str()
                .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
            else {
                return invalid("dates are Unix seconds, as strings");
            };
            o.users.get_mut(id).unwrap()[field] = json!(value);
        }
        "entry_code" => {
            let Some(code) = body["entry_code"]
                .as_str()
                .filter(|c| (4..=16).contains(&c.len()) && c.chars().all(|d| d.is_ascii_digit()))
            else {
                return invalid("entry_code must be 4 to 16 digits");
            };
            if o.codes_given_away > 0 {
                o.codes_given_away -= 1;
                o.counter += 1;
                let (employee, user_id) = (
                    format!("employee-{}", o.codes_given_away + 1),
                    format!("a3c1e0b2-0000-4000-8000-e{:011}", o.counter),
                );
                o.users.insert(
                    user_id.clone(),
                    json!({"user_id": user_id,
                    "external_id": employee, "first_name": "Eve", "last_name": "Employee",
                    "entry_code": code}),
                );
            }
            let takes_over = query.get("override").is_some_and(|o| o == "true");
            let holder = o
                .users
                .iter()
                .find(|(other, u)| other.as_str() != id && u["entry_code"] == code)
                .map(|(other, _)| other.clone());
            match (holder, takes_over) {
                (Some(_), false) => {
                    return error(StatusCode::CONFLICT, "e7c0", "Entry code is already in use");
                }
                (Some(other), true) => o.users.get_mut(&other).unwrap()["entry_code"] = Value::Null,
                (None, _) => {}
            }
            o.users.get_mut(id).unwrap()["entry_code"] = json!(code);
        }
        _ => return not_found(),
    }
    let user = &o.users[id];
    let groups: Vec<Value> = o
        .groups
        .iter()
        .filter(|g| {
            g["access_members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["user_id"] == id)
        })
        .map(|g| json!({"group_id": g["group_id"], "name": g["name"]}))
        .collect();
    Json(json!({"user_id": id, "external_id": user["external_id"],
        "start_date": user["start_date"], "end_date": user["end_date"],
        "entry_code": user["entry_code"], "access_groups": groups,
        "ble_unlock": false, "remote_unlock": false, "cards": [], "license_plates": []}))
    .into_response()
}

/// `PUT /access/v1/access_groups/group/user?group_id=` with `{user_id|external_id}`.
fn add_member(o: &mut Org, query: &BTreeMap<String, String>, body: &Value) -> Response {
    let by: BTreeMap<String, String> = ["user_id", "external_id"]
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), body[*k].as_str()?.to_owned())))
        .collect();
    let id = match user_named(o, &by) {
        Ok(id) => id,
        Err(no_user) => return no_user.into_response(),
    };
    let external = o.users[&id]["external_id"].clone();
    let Some(group) = o.groups.iter_mut().find(|g| {
        query
            .get("group_id")
            .is_some_and(|q| g["group_id"] == q.as_str())
    }) else {
        return not_found();
    };
    let members = group["access_members"].as_array_mut().unwrap();
    if !members.iter().any(|m| m["user_id"] == id.as_str()) {
        members.push(json!({"user_id": id, "external_id": external}));
    }
    Json(json!({})).into_response()
}

/// `GET /events/v1/access?start_time&end_time&page_size&page_token`: the logged events in the
/// window, a page at a time, with `next_page_token` while more remain.
fn events(o: &Org, query: &BTreeMap<String, String>) -> Response {
    let number = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
    let (from, to) = (
        number("start_time").unwrap_or(0),
        number("end_time").unwrap_or(i64::MAX),
    );
    let size = query
        .get("page_size")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, 200);
    let offset = match query.get("page_token") {
        Some(token) => match token
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(offset) => offset,
            None => return invalid("Invalid page_token"),
        },
        None => 0,
    };
    let within: Vec<&Value> = o
        .events
        .iter()
        .filter(|e| {
            e["created"]
                .as_i64()
                .is_some_and(|at| at >= from && at <= to)
        })
        .collect();
    let page: Vec<&Value> = within.iter().skip(offset).take(size).copied().collect();
    let next = (offset + size < within.len()).then(|| format!("page-{}", offset + size));
    Json(json!({"events": page, "next_page_token": next})).into_response()
}
