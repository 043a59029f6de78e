//! `/scim/v2`: the identity provider's SCIM client, with the facility's SCIM bearer token.
//! Bodies are `application/scim+json` (plain JSON is read too); errors are SCIM Error resources.

use axum::{
    Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use gatehouse_core::FacilityId;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::AppState;
use crate::scim::{self, ScimError, USER_SCHEMA};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/Users", get(list).post(create))
        .route(
            "/Users/{id}",
            get(one).put(replace).patch(patch).delete(remove),
        )
        .route("/ServiceProviderConfig", get(service_provider_config))
}

struct Scim(Result<(StatusCode, Value), ScimError>);

impl IntoResponse for Scim {
    fn into_response(self) -> Response {
        let (status, body) = match self.0 {
            Ok((status, body)) => (status, body),
            Err(error) => {
                if matches!(error, ScimError::Store(_) | ScimError::Screening(_)) {
                    tracing::error!(%error, "a SCIM request failed");
                }
                let status = StatusCode::from_u16(error.status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, error.body())
            }
        };
        let mut response = (status, body.to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/scim+json"),
        );
        response
    }
}

async fn facility(state: &AppState, headers: &HeaderMap) -> Result<FacilityId, ScimError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty() && token.len() < 200);
    scim::facility(&state.cloud, token).await
}

fn json_of(body: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(body)
        .map_err(|error| ScimError::InvalidSyntax(format!("the body is not JSON: {error}")))
}

fn id_of(id: &str) -> Result<Uuid, ScimError> {
    Uuid::parse_str(id).map_err(|_| ScimError::NotFound(id.to_owned()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    filter: Option<String>,
    start_index: Option<usize>,
    count: Option<usize>,
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Scim {
    Scim(
        async {
            let facility = facility(&state, &headers).await?;
            let Query(query) = query.map_err(|error| ScimError::InvalidValue(error.body_text()))?;
            let page = scim::list(
                &state.cloud,
                facility,
                query.filter.as_deref(),
                query.start_index,
                query.count,
            )
            .await?;
            Ok((StatusCode::OK, page))
        }
        .await,
    )
}

async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Scim {
    Scim(
        async {
            let facility = facility(&state, &headers).await?;
            let user = scim::create(&state.cloud, facility, json_of(&body)?).await?;
            Ok((StatusCode::CREATED, user))
        }
        .await,
    )
}

async fn one(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Scim {
    Scim(
        async {
            let facility = facility(&state, &headers).await?;
            Ok((
                StatusCode::OK,
                scim::get(&state.cloud, facility, id_of(&id)?).await?,
            ))
        }
        .await,
    )
}

async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Scim {
    Scim(
        async {
            let facility = facility(&state, &headers).await?;
            let user = scim::replace(&state.cloud, facility, id_of(&id)?, json_of(&body)?).await?;
            Ok((StatusCode::OK, user))
        }
        .await,
    )
}

async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Scim {
    Scim(
        async {
            let facility = facility(&state, &headers).await?;
            let user = scim::patch(&state.cloud, facility, id_of(&id)?, json_of(&body)?).await?;
            Ok((StatusCode::OK, user))
        }
        .await,
    )
}

async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let removed = async {
        let facility = facility(&state, &headers).await?;
        scim::delete(&state.cloud, facility, id_of(&id)?).await
    }
    .await;
    match removed {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => Scim(Err(error)).into_response(),
    }
}

/// What this server supports, for clients that ask first (RFC 7643 §5).
async fn service_provider_config(State(state): State<AppState>, headers: HeaderMap) -> Scim {
    Scim(
        async {
            facility(&state, &headers).await?;
            Ok((
                StatusCode::OK,
                json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                    "patch": {"supported": true},
                    "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
                    "filter": {"supported": true, "maxResults": 200},
                    "changePassword": {"supported": false},
                    "sort": {"supported": false},
                    "etag": {"supported": false},
                    "authenticationSchemes": [{
                        "type": "oauthbearertoken",
                        "name": "Bearer token",
                        "description": "The facility's SCIM token from the Gatehouse portal",
                    }],
                    "resourceTypes": [USER_SCHEMA],
                }),
            ))
        }
        .await,
    )
}
