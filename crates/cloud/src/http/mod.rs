//! The cloud's HTTP surface: `/health`, and the JSON API under `/api/v1` described by the
//! OpenAPI document at `/api/v1/openapi.json`. Transport only: each handler parses the request,
//! calls one service with the caller (a [`Session`] or a [`Device`]) and answers; every service
//! error becomes a status in `error.rs`. No rule lives here.

mod connectors;
mod credentials;
mod device;
mod documents;
mod door_events;
mod enrollment;
mod error;
mod etag;
mod health;
mod idempotency;
mod invitations;
mod kiosk_staff;
mod kiosk_sync;
mod lobby;
mod openapi;
mod people;
mod portal;
mod pre_registration;
mod reports;
mod scim;
pub mod server;
mod session;
mod sessions;
mod settings;
mod walk_ins;
mod watchlist;
mod zones;

pub use device::Device;
pub use error::ApiError;
pub use idempotency::KEPT_FOR as IDEMPOTENCY_KEPT_FOR;
pub use openapi::ApiDoc;
pub use session::Session;

use std::sync::Arc;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{delete, get, post, put},
};
use tower_http::trace::TraceLayer;

use crate::context::Cloud;

/// Requests larger than this are refused before they are read (a CSV import fits easily).
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// What every handler can reach: the cloud's context, and the tokens resolved lately.
#[derive(Debug, Clone)]
pub struct AppState {
    pub cloud: Arc<Cloud>,
    /// Resolved bearer tokens, kept for two seconds.
    pub sessions: Arc<session::SessionCache>,
}

impl AppState {
    pub fn new(cloud: Arc<Cloud>) -> Self {
        Self {
            cloud,
            sessions: Arc::default(),
        }
    }
}

/// Screening — the watchlist, the identity provider's token, the invitations it held — and the
/// utilisation report, both the facility manager's.
fn screening() -> Router<AppState> {
    Router::new()
        .route("/watchlist", get(watchlist::entries).post(watchlist::add))
        .route("/watchlist/{id}", delete(watchlist::remove))
        .route("/watchlist/import", post(watchlist::import))
        .route("/watchlist/scim-token", post(watchlist::scim_token))
        .route("/reports/utilisation", get(reports::utilisation))
        .route("/reports/utilisation.csv", get(reports::utilisation_csv))
        .route(
            "/invitations/{id}/screening",
            get(watchlist::hold).post(watchlist::decide),
        )
}

/// Access control: the zone map, door credentials, and the guest's pre-registration.
fn access() -> Router<AppState> {
    Router::new()
        .route(
            "/zone-map",
            get(zones::zone_map).put(zones::change_zone_map),
        )
        .route("/zone-map/history", get(zones::zone_map_history))
        .route("/credentials/verify", post(credentials::verify_credential))
        .route(
            "/invitations/{id}/credentials",
            get(credentials::visit_credentials),
        )
        .route(
            "/invitations/{id}/credentials/revoke",
            post(credentials::revoke_credential),
        )
        .route(
            "/invitations/{id}/pre-registration",
            get(pre_registration::visit_pre_registration),
        )
        .route("/guest/{code}", get(pre_registration::guest_visit))
        .route("/guest/{code}/nda", post(pre_registration::sign_nda))
        .route(
            "/guest/{code}/documents/{document}",
            put(pre_registration::hand_in),
        )
        .merge(door_scans())
}

/// Door scans flowing back: posted scans, a visit's timeline, the muster list.
fn door_scans() -> Router<AppState> {
    Router::new()
        .route("/door-events", post(door_events::post_door_events))
        .route(
            "/invitations/{id}/timeline",
            get(door_events::visit_timeline),
        )
        .route("/muster", get(door_events::muster_list))
        .route("/muster/pdf", get(door_events::muster_pdf))
        .route(
            "/connector",
            get(connectors::show).put(connectors::configure),
        )
        .route("/connector/probe", post(connectors::probe))
        .route("/connector/reconcile", post(connectors::reconcile))
        .route("/connector/webhook/{facility}", post(connectors::webhook))
        .route("/invitations/{id}/access", get(connectors::visit_access))
}

pub fn router(state: AppState, ui_dir: &std::path::Path) -> Router {
    let api = Router::new()
        .route("/sessions", post(sessions::sign_in))
        .route("/sessions/current", delete(sessions::sign_out))
        .route(
            "/api-tokens",
            get(sessions::list_api_tokens).post(sessions::create_api_token),
        )
        .route("/api-tokens/{id}", delete(sessions::revoke_api_token))
        .route("/me", get(sessions::me))
        .route("/me/language", put(sessions::set_language))
        .route(
            "/me/kiosk-pin",
            put(kiosk_staff::set_pin).delete(kiosk_staff::clear_pin),
        )
        .route(
            "/occupancies",
            get(people::list_occupancies).post(people::create_occupancy),
        )
        .route("/users", get(people::list_users).post(people::create_user))
        .route("/users/{id}/roles", post(people::assign_role))
        .route("/users/{id}/roles/{role_id}", delete(people::remove_role))
        .route("/users/{id}/deactivate", post(people::deactivate))
        .route("/users/{id}/permissions", get(people::user_permissions))
        .route("/roles", get(people::list_roles).post(people::create_role))
        .route("/categories", get(settings::list_categories))
        .route("/categories/{kind}", put(settings::update_category))
        .route(
            "/occupancies/{id}/categories/{kind}",
            put(settings::choose_category).delete(settings::forget_category_choice),
        )
        .route(
            "/occupancies/{id}/security-emails",
            get(settings::organisation_security_emails)
                .put(settings::set_organisation_security_emails),
        )
        .route(
            "/settings/security-email",
            put(settings::set_security_email),
        )
        .route("/settings/visit-grace", put(settings::set_visit_grace))
        .route(
            "/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route("/invitations/import", post(invitations::import))
        .route("/invitations/{id}", get(invitations::get))
        .route("/invitations/{id}/history", get(invitations::history))
        .route("/invitations/{id}/approve", post(invitations::approve))
        .route("/invitations/{id}/reject", post(invitations::reject))
        .route(
            "/invitations/{id}/return-to-pending",
            post(invitations::return_to_pending),
        )
        .route("/invitations/{id}/cancel", post(invitations::cancel))
        .route(
            "/invitations/{id}/walk-in-answer",
            post(invitations::answer_walk_in),
        )
        .route("/kiosk-codes", post(enrollment::issue_code))
        .route("/kiosks/enroll", post(enrollment::enroll))
        .route("/kiosks", get(enrollment::list_kiosks))
        .route("/kiosks/{id}", delete(enrollment::revoke))
        .route(
            "/kiosks/{id}/staff-history",
            get(kiosk_staff::staff_history),
        )
        .route("/kiosk", get(enrollment::me))
        .route("/kiosk/changes", get(kiosk_sync::changes))
        .route("/kiosk/changes/stream", get(kiosk_sync::changes_stream))
        .route("/kiosk/events", post(kiosk_sync::report))
        .route("/kiosk/directory", get(walk_ins::directory))
        .route("/kiosk/doors", get(door_events::kiosk_doors))
        .route("/kiosk/walk-ins", post(walk_ins::register))
        .route("/kiosk/staff", get(kiosk_staff::kiosk_staff))
        .route("/kiosk/staff/sessions", post(kiosk_staff::staff_sign_in))
        .route("/kiosk/staff/history", post(kiosk_staff::record_history))
        .route("/kiosk/documents/{invitation}/{kind}", put(documents::send))
        .route("/invitations/{id}/documents/{kind}", get(documents::read))
        .route("/lobby", get(lobby::lobby))
        .route("/invitations/{id}/admit", post(lobby::admit))
        .route("/kiosk/reception", post(lobby::ask_reception))
        .route("/lobby/attention/{event}/handled", post(lobby::handled))
        .merge(access())
        .merge(screening())
        .route("/openapi.json", get(openapi::openapi_json))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::once,
        ));
    Router::new()
        .route("/health", get(health::health))
        .nest("/api/v1", api)
        .nest("/scim/v2", scim::router())
        .merge(portal::portal(ui_dir))
        .fallback(error::no_route)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
