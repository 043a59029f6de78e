//! The building's access-control system: its connector, a probe, its webhooks, and a visit's
//! access there.

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use gatehouse_core::{FacilityId, InvitationId, wire::ErrorBody};

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath},
};
use crate::connectors::{
    Probe,
    provisioning::Reconciled,
    setup::{self, AccessView, ConnectorSetup, ConnectorView, DeliveryAnswer, WebhookRefused},
};

/// Connect the building's access-control system (`visitor_vendor_configuration` for the
/// facility): which system, where, its API token and webhook secret (kept sealed, never shown
/// again), and the door mapping.
#[utoipa::path(put, path = "/api/v1/connector", tag = "access", request_body = ConnectorSetup,
    responses((status = 200, body = ConnectorView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn configure(
    State(state): State<AppState>,
    session: Session,
    ApiJson(body): ApiJson<ConnectorSetup>,
) -> Result<Json<ConnectorView>, ApiError> {
    Ok(Json(
        setup::configure(&state.cloud, &session.actor, body).await?,
    ))
}

/// The building's connector, without its secrets; 404 if none.
#[utoipa::path(get, path = "/api/v1/connector", tag = "access",
    responses((status = 200, body = ConnectorView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<ConnectorView>, ApiError> {
    Ok(Json(setup::show(&state.cloud, &session.actor).await?))
}

/// Check the connector against the system: whether its token is accepted, which permissions it
/// lacks, which mapped doors the system does not have — in plain words.
#[utoipa::path(post, path = "/api/v1/connector/probe", tag = "access",
    responses((status = 200, body = Probe), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn probe(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Probe>, ApiError> {
    Ok(Json(setup::probe(&state.cloud, &session.actor).await?))
}

/// Compare what the system holds for Gatehouse with what Gatehouse expects and fix the drift
/// now (the cloud also does it every hour): access left after a visit is revoked, orphans are
/// removed. 503 if the system cannot be reached.
#[utoipa::path(post, path = "/api/v1/connector/reconcile", tag = "access",
    responses((status = 200, body = Reconciled), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reconcile(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Reconciled>, ApiError> {
    Ok(Json(setup::reconcile(&state.cloud, &session.actor).await?))
}

/// Webhooks from the facility's system (UniFi Access: `Signature: t=…,v1=…`, HMAC-SHA256 over
/// `t.body`; Verkada: `Verkada-Signature: t|sig`, HMAC-SHA256 over `body|t`). 401 for a missing, wrong or stale signature (more than five minutes off, either
/// way); a replayed event is acknowledged and changes nothing.
#[utoipa::path(post, path = "/api/v1/connector/webhook/{facility}", tag = "access",
    params(("facility" = FacilityId, Path)), request_body(content = String, content_type = "application/json"),
    responses((status = 200, body = DeliveryAnswer), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn webhook(
    State(state): State<AppState>,
    ApiPath(facility): ApiPath<FacilityId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let header = |name: &'static str| headers.get(name).and_then(|value| value.to_str().ok());
    let refused = |status: StatusCode, code: &str, message: String| {
        (
            status,
            Json(ErrorBody {
                code: code.to_owned(),
                message,
            }),
        )
            .into_response()
    };
    Ok(
        match setup::webhook(&state.cloud, facility, header, &body).await {
            Ok(delivery) => Json(DeliveryAnswer { delivery }).into_response(),
            Err(WebhookRefused::Cloud(error)) => return Err(error.into()),
            Err(error @ WebhookRefused::NotConnected) => {
                refused(StatusCode::NOT_FOUND, "not_found", error.to_string())
            }
            Err(error @ WebhookRefused::Signature(_)) => {
                refused(StatusCode::UNAUTHORIZED, "bad_signature", error.to_string())
            }
            Err(error @ WebhookRefused::NotJson) => refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                error.to_string(),
            ),
        },
    )
}

/// The visit's access in the building's system: waiting, provisioned or revoked, and why an
/// attempt failed.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/access", tag = "access",
    params(("id" = InvitationId, Path)), responses((status = 200, body = Vec<AccessView>), (status = 404)),
    security(("bearer" = [])))]
pub async fn visit_access(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<Vec<AccessView>>, ApiError> {
    Ok(Json(
        setup::of_visit(&state.cloud, &session.actor, id).await?,
    ))
}
