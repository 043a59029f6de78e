//! The OpenAPI document of the cloud's API.

use axum::Json;
use utoipa::OpenApi;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Gatehouse cloud",
        description = "Invitations, approvals, roles, notifications and access control for the Gatehouse reception kiosk."
    ),
    paths(super::health::health),
    components(schemas(gatehouse_core::wire::ErrorBody)),
    tags((name = "health", description = "Is the cloud up?"))
)]
pub struct ApiDoc;

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
