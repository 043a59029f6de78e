//! The OpenAPI document of the cloud's API.

use axum::Json;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::{
    connectors, credentials, documents, door_events, enrollment, health, invitations, kiosk_staff,
    kiosk_sync, lobby, people, pre_registration, reports, sessions, settings, walk_ins, watchlist,
    zones,
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
        lobby::lobby, lobby::admit, lobby::handled, lobby::ask_reception,
        kiosk_staff::set_pin, kiosk_staff::clear_pin, kiosk_staff::staff_sign_in, kiosk_staff::kiosk_staff,
        kiosk_staff::record_history, kiosk_staff::staff_history,
        zones::zone_map, zones::change_zone_map, zones::zone_map_history,
        credentials::verify_credential, credentials::visit_credentials, credentials::revoke_credential,
        pre_registration::visit_pre_registration,
        door_events::post_door_events, door_events::visit_timeline, door_events::muster_list, door_events::muster_pdf,
        door_events::kiosk_doors,
        connectors::configure, connectors::show, connectors::probe, connectors::reconcile, connectors::webhook, connectors::visit_access,
        pre_registration::guest_visit, pre_registration::sign_nda, pre_registration::hand_in,
        watchlist::entries, watchlist::add, watchlist::remove, watchlist::import, watchlist::scim_token,
        watchlist::hold, watchlist::decide,
        reports::utilisation, reports::utilisation_csv,
    ),
    components(schemas(
        gatehouse_core::wire::ErrorBody,
        gatehouse_core::wire::VisitDocument,
        crate::invitations::ListScope,
    )),
    modifiers(&BearerAuth, &ErrorAnswers),
    tags(
        (name = "health", description = "Is the cloud up?"),
        (name = "sessions", description = "Signing in, tokens, who am I"),
        (name = "people", description = "Occupancies, people, roles and permissions"),
        (name = "settings", description = "Visitor categories, each organisation's choice of them, the security emails, and the building's zone map"),
        (name = "invitations", description = "Inviting visitors"),
        (name = "approval", description = "Approving and rejecting invitations"),
        (name = "kiosks", description = "Enrolling reception kiosks; a kiosk's device token"),
        (name = "lobby", description = "Reception: who is on site, and check-ins the kiosks flagged"),
        (name = "pre-registration", description = "The guest, before the visit, with the code from their invitation: the NDA, documents"),
        (name = "screening", description = "The watchlist, the identity provider's SCIM link, and the invitations screening held"),
        (name = "reports", description = "The building's utilisation by visitors, from anonymous visit and door data"),
        (name = "access", description = "Door credentials: checking them at a door, a visit's credentials, revoking one"),
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

/// The error answers every operation can give beside its own, each JSON `ErrorBody`: 400 for a
/// malformed path, query or body, 401 without a valid token, 403 where a person's permissions
/// decide, 404 for an id that is not there (or not theirs), 409/422 for an `Idempotency-Key`
/// used again, 413 for a body over the limit, 422 for a body that parses but breaks a rule, and
/// 503 while the database is away or the cloud is busier than it can take.
struct ErrorAnswers;

impl Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{
            ContentBuilder, Ref, ResponseBuilder, path::ParameterIn, response::Response,
        };
        let error = |description: &str| -> Response {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (&mut item.get, false),
                (&mut item.put, false),
                (&mut item.post, true),
                (&mut item.delete, false),
            ];
            for (operation, is_post) in operations {
                let Some(operation) = operation.as_mut() else {
                    continue;
                };
                let security = serde_json::to_string(&operation.security).unwrap_or_default();
                let parameters = operation.parameters.as_deref().unwrap_or_default();
                let has = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
                let mut answers = vec![("503", "the database is away, or the cloud is busy")];
                if security.contains("bearer") || security.contains("device") {
                    answers.push(("401", "no valid token"));
                }
                if security.contains("bearer") {
                    answers.push(("403", "not allowed"));
                }
                if has(ParameterIn::Path) {
                    answers.push(("400", "a malformed path"));
                    answers.push(("404", "not there, or not yours"));
                }
                if has(ParameterIn::Query) {
                    answers.push(("400", "a malformed query"));
                }
                if operation.request_body.is_some() {
                    answers.push(("400", "a malformed body"));
                    answers.push(("404", "an id in the body that is not there, or not yours"));
                    answers.push(("413", "the body is over the limit"));
                    answers.push(("422", "the body breaks a rule"));
                }
                if is_post {
                    answers.push(("400", "a malformed Idempotency-Key"));
                    answers.push((
                        "409",
                        "the first request with this Idempotency-Key is still being answered",
                    ));
                    answers.push(("422", "this Idempotency-Key was used for another request"));
                }
                let responses = &mut operation.responses.responses;
                for (status, description) in answers {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description).into());
                }
                // Every error answer is an ErrorBody, documented or not before.
                for (status, response) in responses.iter_mut() {
                    if status.as_str() >= "400"
                        && let utoipa::openapi::RefOr::T(response) = response
                        && response.content.is_empty()
                    {
                        *response = error(&response.description);
                    }
                }
            }
        }
    }
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
