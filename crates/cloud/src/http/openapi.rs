//! The OpenAPI document of the cloud's API.

use axum::Json;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::{
    documents, enrollment, health, invitations, kiosk_sync, lobby, people, sessions, settings,
    walk_ins,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Gatehouse cloud",
        description = "Invitations, approvals, roles, notifications and access control for the Gatehouse reception kiosk. Errors are always JSON `{code, message}`."
    ),
    paths(
        health::health,
        sessions::sign_in, sessions::sign_out, sessions::create_api_token, sessions::list_api_tokens,
        sessions::revoke_api_token, sessions::me, sessions::set_language,
        people::list_occupancies, people::create_occupancy, people::list_users, people::create_user,
        people::list_roles, people::create_role, people::assign_role, people::remove_role,
        people::deactivate, people::user_permissions,
        settings::list_categories, settings::update_category, settings::set_security_email, settings::set_visit_grace,
        settings::choose_category, settings::forget_category_choice,
        settings::organisation_security_emails, settings::set_organisation_security_emails,
        invitations::create, invitations::list, invitations::get, invitations::history,
        invitations::approve, invitations::reject, invitations::return_to_pending,
        invitations::cancel, invitations::answer_walk_in, invitations::import,
        enrollment::issue_code, enrollment::enroll, enrollment::me, enrollment::list_kiosks, enrollment::revoke,
        kiosk_sync::changes, kiosk_sync::changes_stream, kiosk_sync::report,
        walk_ins::directory, walk_ins::register, documents::send, documents::read,
        lobby::lobby, lobby::handled, lobby::ask_reception,
    ),
    components(schemas(
        gatehouse_core::wire::ErrorBody,
        gatehouse_core::wire::VisitDocument,
        crate::invitations::ListScope,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Is the cloud up?"),
        (name = "sessions", description = "Signing in, tokens, who am I"),
        (name = "people", description = "Occupancies, people, roles and permissions"),
        (name = "settings", description = "Visitor categories, each organisation's choice of them, and the security emails"),
        (name = "invitations", description = "Inviting visitors"),
        (name = "approval", description = "Approving and rejecting invitations"),
        (name = "kiosks", description = "Enrolling reception kiosks; a kiosk's device token"),
        (name = "lobby", description = "Reception: who is on site, and check-ins the kiosks flagged"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // A kiosk's device token (`ghk_…`), from enrollment.
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
