//! SCIM 2.0 Users (RFC 7643, RFC 7644), as an identity provider's client provisions them: the
//! provider keeps its users in Gatehouse, and a user it deactivates (`active: false`, as Okta
//! and Entra ID do on offboarding) is on the facility's watchlist until it is active again or
//! deleted. The provider authenticates with the facility's SCIM bearer token.

use chrono::SecondsFormat;
use gatehouse_core::FacilityId;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::{
    auth::token_hash,
    context::Cloud,
    store::{ScimUser, ScimWrite, StoreError},
};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The most users one list page holds.
const LARGEST_PAGE: usize = 200;

/// How SCIM says no (RFC 7644 §3.12): a status, and for 400 and 409 a `scimType`.
#[derive(Debug, thiserror::Error)]
pub enum ScimError {
    #[error("a valid SCIM bearer token is needed")]
    Unauthorized,
    #[error("there is no user {0}")]
    NotFound(String),
    #[error("{0}")]
    Uniqueness(String),
    #[error("{0}")]
    InvalidValue(String),
    #[error("{0}")]
    InvalidFilter(String),
    #[error("{0}")]
    InvalidSyntax(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Screening the invitations already made failed.
    #[error(transparent)]
    Screening(#[from] crate::error::ServiceError),
}

impl ScimError {
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthorized => 401,
            Self::NotFound(_) => 404,
            Self::Uniqueness(_) => 409,
            Self::InvalidValue(_) | Self::InvalidFilter(_) | Self::InvalidSyntax(_) => 400,
            Self::Store(_) | Self::Screening(_) => 500,
        }
    }

    /// The error resource.
    pub fn body(&self) -> Value {
        let scim_type = match self {
            Self::Uniqueness(_) => Some("uniqueness"),
            Self::InvalidValue(_) => Some("invalidValue"),
            Self::InvalidFilter(_) => Some("invalidFilter"),
            Self::InvalidSyntax(_) => Some("invalidSyntax"),
            _ => None,
        };
        let detail = match self {
            Self::Store(_) | Self::Screening(_) => {
                "something went wrong on our side; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status().to_string(),
            "detail": detail,
        });
        if let Some(scim_type) = scim_type {
            body["scimType"] = json!(scim_type);
        }
        body
    }
}

/// The facility whose SCIM token `token` is.
pub async fn facility(cloud: &Cloud, token: Option<&str>) -> Result<FacilityId, ScimError> {
    let token = token.ok_or(ScimError::Unauthorized)?;
    let digest = gatehouse_core::digest::hex(&token_hash(token));
    cloud
        .database
        .scim_facility(&digest)
        .await?
        .ok_or(ScimError::Unauthorized)
}

/// `active` as providers send it: a boolean, or Entra ID's `"True"` / `"False"`.
fn active_of(value: &Value) -> Result<bool, ScimError> {
    match value {
        Value::Bool(active) => Ok(*active),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(ScimError::InvalidValue(format!(
            "active must be true or false, not {other}"
        ))),
    }
}

/// What Gatehouse keeps of a User resource: its userName, a name to screen, its primary email,
/// whether it is active; the resource itself, without what the server sets.
fn write_of(mut resource: Value) -> Result<ScimWrite, ScimError> {
    let object = resource
        .as_object_mut()
        .ok_or_else(|| ScimError::InvalidSyntax("a User is a JSON object".into()))?;
    for owned in ["id", "meta"] {
        object.remove(owned);
    }
    object.insert("schemas".into(), json!([USER_SCHEMA]));
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let user_name = text(object.get("userName"))
        .filter(|name| name.chars().count() <= 256)
        .ok_or_else(|| {
            ScimError::InvalidValue("userName is required (at most 256 characters)".into())
        })?;
    let name = object.get("name");
    let given_and_family = [
        text(name.and_then(|n| n.get("givenName"))),
        text(name.and_then(|n| n.get("familyName"))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let screened_name = text(name.and_then(|n| n.get("formatted")))
        .or_else(|| (!given_and_family.is_empty()).then_some(given_and_family))
        .or_else(|| text(object.get("displayName")))
        .unwrap_or_else(|| user_name.clone());
    let emails = object.get("emails").and_then(Value::as_array);
    let email = emails
        .and_then(|emails| {
            emails
                .iter()
                .find(|email| email.get("primary") == Some(&Value::Bool(true)))
                .or_else(|| emails.first())
        })
        .and_then(|email| text(email.get("value")))
        .or_else(|| user_name.contains('@').then(|| user_name.clone()));
    let active = object
        .get("active")
        .map(active_of)
        .transpose()?
        .unwrap_or(true);
    object.insert("active".into(), json!(active));
    Ok(ScimWrite {
        user_name,
        name: screened_name.chars().take(120).collect(),
        email,
        active,
        resource,
    })
}

/// The resource a client reads back: the stored one, with its id and meta.
fn resource_of(user: &ScimUser, base_url: &str) -> Value {
    let mut resource = user.resource.clone();
    if !resource.is_object() {
        resource = json!({});
    }
    resource["schemas"] = json!([USER_SCHEMA]);
    resource["id"] = json!(user.id);
    resource["userName"] = json!(user.user_name);
    resource["active"] = json!(user.active);
    resource["meta"] = json!({
        "resourceType": "User",
        "created": user.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "lastModified": user.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "location": format!("{}/scim/v2/Users/{}", base_url.trim_end_matches('/'), user.id),
    });
    resource
}

/// The `userName` a filter asks for: only `userName eq "…"`, the one providers send.
fn user_name_filter(filter: &str) -> Result<String, ScimError> {
    let unsupported = || {
        ScimError::InvalidFilter(format!(
            "only userName eq \"…\" is supported, not {filter:?}"
        ))
    };
    let mut parts = filter.trim().splitn(3, ' ');
    let (Some(attribute), Some(operator), Some(value)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(unsupported());
    };
    if !attribute.eq_ignore_ascii_case("userName") || !operator.eq_ignore_ascii_case("eq") {
        return Err(unsupported());
    }
    serde_json::from_str::<String>(value.trim()).map_err(|_| unsupported())
}

/// A page of users (`startIndex` from 1), by `userName` if filtered.
pub async fn list(
    cloud: &Cloud,
    facility: FacilityId,
    filter: Option<&str>,
    start_index: Option<usize>,
    count: Option<usize>,
) -> Result<Value, ScimError> {
    let user_name = filter.map(user_name_filter).transpose()?;
    let users = cloud
        .database
        .scim_users(facility, user_name.as_deref())
        .await?;
    let start = start_index.unwrap_or(1).max(1);
    let count = count.unwrap_or(LARGEST_PAGE).min(LARGEST_PAGE);
    let page: Vec<Value> = users
        .iter()
        .skip(start - 1)
        .take(count)
        .map(|user| resource_of(user, &cloud.public_url))
        .collect();
    Ok(json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": users.len(),
        "startIndex": start,
        "itemsPerPage": page.len(),
        "Resources": page,
    }))
}

/// A deactivated user screens the invitations already made too.
async fn screen_if_deactivated(
    cloud: &Cloud,
    facility: FacilityId,
    active: bool,
) -> Result<(), ScimError> {
    if !active {
        crate::watchlist::rescreen(cloud, facility).await?;
    }
    Ok(())
}

pub async fn create(cloud: &Cloud, facility: FacilityId, body: Value) -> Result<Value, ScimError> {
    let write = write_of(body)?;
    let active = write.active;
    let id = cloud
        .database
        .create_scim_user(facility, &write, cloud.clock.now())
        .await
        .map_err(|error| match error {
            StoreError::Duplicate(_) => {
                ScimError::Uniqueness(format!("the userName {:?} is taken", write.user_name))
            }
            other => other.into(),
        })?;
    screen_if_deactivated(cloud, facility, active).await?;
    get(cloud, facility, id).await
}

pub async fn get(cloud: &Cloud, facility: FacilityId, id: Uuid) -> Result<Value, ScimError> {
    let user = cloud
        .database
        .scim_user(facility, id)
        .await?
        .ok_or_else(|| ScimError::NotFound(id.to_string()))?;
    Ok(resource_of(&user, &cloud.public_url))
}

async fn store(
    cloud: &Cloud,
    facility: FacilityId,
    id: Uuid,
    write: ScimWrite,
) -> Result<Value, ScimError> {
    let active = write.active;
    let replaced = cloud
        .database
        .replace_scim_user(facility, id, &write, cloud.clock.now())
        .await
        .map_err(|error| match error {
            StoreError::Duplicate(_) => {
                ScimError::Uniqueness(format!("the userName {:?} is taken", write.user_name))
            }
            other => other.into(),
        })?;
    if !replaced {
        return Err(ScimError::NotFound(id.to_string()));
    }
    screen_if_deactivated(cloud, facility, active).await?;
    get(cloud, facility, id).await
}

/// PUT: the resource replaced whole.
pub async fn replace(
    cloud: &Cloud,
    facility: FacilityId,
    id: Uuid,
    body: Value,
) -> Result<Value, ScimError> {
    store(cloud, facility, id, write_of(body)?).await
}

/// PATCH: the `PatchOp`'s operations applied to the stored resource, in order, all or none.
pub async fn patch(
    cloud: &Cloud,
    facility: FacilityId,
    id: Uuid,
    body: Value,
) -> Result<Value, ScimError> {
    let user = cloud
        .database
        .scim_user(facility, id)
        .await?
        .ok_or_else(|| ScimError::NotFound(id.to_string()))?;
    let mut resource = resource_of(&user, &cloud.public_url);
    let operations = body
        .get("Operations")
        .and_then(Value::as_array)
        .filter(|operations| !operations.is_empty())
        .ok_or_else(|| ScimError::InvalidSyntax("a PatchOp needs Operations".into()))?;
    for operation in operations {
        apply(&mut resource, operation)?;
    }
    store(cloud, facility, id, write_of(resource)?).await
}

pub async fn delete(cloud: &Cloud, facility: FacilityId, id: Uuid) -> Result<(), ScimError> {
    if cloud.database.delete_scim_user(facility, id).await? {
        Ok(())
    } else {
        Err(ScimError::NotFound(id.to_string()))
    }
}

/// One PATCH operation: `add`, `replace` or `remove` (any case, as Entra ID writes them), with a
/// path of an attribute or a sub-attribute (`name.givenName`), `emails[…].value` for the email,
/// or no path and an object of attributes.
fn apply(resource: &mut Value, operation: &Value) -> Result<(), ScimError> {
    let op = operation
        .get("op")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| ScimError::InvalidSyntax("each operation needs an op".into()))?;
    let path = operation.get("path").and_then(Value::as_str);
    let value = operation.get("value").cloned();
    let object = resource
        .as_object_mut()
        .ok_or_else(|| ScimError::InvalidSyntax("the stored user is not an object".into()))?;
    match (op.as_str(), path, value) {
        ("add" | "replace", None, Some(Value::Object(attributes))) => {
            for (attribute, value) in attributes {
                set(object, &attribute, value);
            }
            Ok(())
        }
        ("add" | "replace", Some(path), Some(value)) => {
            set(object, path, value);
            Ok(())
        }
        ("remove", Some(path), _) => {
            let (head, rest) = path.split_once('.').unwrap_or((path, ""));
            let head = head.split('[').next().unwrap_or(head);
            match (rest.is_empty(), object.get_mut(head)) {
                (true, _) => {
                    object.remove(head);
                }
                (false, Some(Value::Object(inner))) => {
                    inner.remove(rest);
                }
                _ => {}
            }
            Ok(())
        }
        (op, _, _) => Err(ScimError::InvalidSyntax(format!(
            "the operation {op:?} needs a path or a value it can use"
        ))),
    }
}

fn set(object: &mut Map<String, Value>, path: &str, value: Value) {
    if let Some((head, _)) = path.split_once('[') {
        // A value path (`emails[type eq "work"].value`): the one email, primary.
        if head == "emails" {
            object.insert("emails".into(), json!([{"value": value, "primary": true}]));
        }
        return;
    }
    match path.split_once('.') {
        Some((head, rest)) => {
            let inner = object.entry(head).or_insert_with(|| json!({}));
            if !inner.is_object() {
                *inner = json!({});
            }
            if let Some(inner) = inner.as_object_mut() {
                inner.insert(rest.to_owned(), value);
            }
        }
        None => {
            object.insert(path.to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_is_read_for_its_name_email_and_whether_it_is_active() {
        let write = write_of(json!({
            "schemas": [USER_SCHEMA],
            "userName": "max.payne@northwind.example",
            "name": {"givenName": "Max", "familyName": "Payne"},
            "emails": [{"value": "old@example.com"}, {"value": "max@example.com", "primary": true}],
            "active": "False",
            "id": "chosen-by-the-client",
        }))
        .expect("a valid user");
        assert_eq!(write.name, "Max Payne");
        assert_eq!(write.email.as_deref(), Some("max@example.com"));
        assert!(!write.active);
        assert!(write.resource.get("id").is_none(), "the server sets the id");
    }

    #[test]
    fn a_user_without_a_user_name_or_with_a_strange_active_is_refused() {
        assert!(matches!(
            write_of(json!({"name": {"formatted": "Nobody"}})),
            Err(ScimError::InvalidValue(_))
        ));
        assert!(matches!(
            write_of(json!({"userName": "a", "active": "maybe"})),
            Err(ScimError::InvalidValue(_))
        ));
    }

    #[test]
    fn patch_operations_as_okta_and_entra_id_send_them_apply() {
        let mut user = json!({"userName": "a", "active": true, "name": {"givenName": "A"}});
        apply(
            &mut user,
            &json!({"op": "replace", "value": {"active": false}}),
        )
        .unwrap();
        assert_eq!(user["active"], json!(false));
        apply(
            &mut user,
            &json!({"op": "Replace", "path": "active", "value": "True"}),
        )
        .unwrap();
        assert!(active_of(&user["active"]).unwrap());
        apply(
            &mut user,
            &json!({"op": "Add", "path": "name.familyName", "value": "Payne"}),
        )
        .unwrap();
        assert_eq!(user["name"]["familyName"], json!("Payne"));
        apply(
            &mut user,
            &json!({"op": "replace", "path": "emails[type eq \"work\"].value", "value": "a@b.example"}),
        )
        .unwrap();
        assert_eq!(user["emails"][0]["value"], json!("a@b.example"));
        assert!(apply(&mut user, &json!({"op": "move", "path": "x"})).is_err());
    }

    #[test]
    fn only_a_user_name_filter_is_understood() {
        assert_eq!(
            user_name_filter(r#"userName eq "max@example.com""#).unwrap(),
            "max@example.com"
        );
        assert!(user_name_filter(r#"emails co "x""#).is_err());
        assert!(user_name_filter("userName eq max").is_err());
    }
}
