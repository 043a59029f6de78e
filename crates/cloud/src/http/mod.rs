//! The cloud's HTTP surface: `/health`, and the JSON API under `/api/v1` described by the
//! OpenAPI document at `/api/v1/openapi.json`. Handlers parse, ask `gatehouse_core::authorize`,
//! and call the store; they hold no rules of their own.

mod documents;
mod error;
mod health;
mod invitations;
mod kiosks;
mod lobby;
mod openapi;
mod people;
mod portal;
mod session;
mod sessions;
mod settings;
mod walk_ins;

pub use error::ApiError;
pub use openapi::ApiDoc;
pub use session::Session;

use std::sync::Arc;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{delete, get, post, put},
};
use tokio::sync::Notify;
use tower_http::trace::TraceLayer;

use crate::{Clock, Database};

/// Requests larger than this are refused before they are read (a CSV import fits easily).
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub database: Database,
    pub clock: Clock,
    /// Where people reach the portal; links in emails start with it.
    pub public_url: String,
    /// Wakes the outbox worker when a change wrote messages.
    pub outbox: Arc<Notify>,
    /// The key that signs invitation codes, read once.
    pub signing_key: Arc<tokio::sync::OnceCell<SigningKey>>,
    /// The site's settings, kept for two seconds.
    pub sites: Arc<crate::site::SiteCache>,
    /// Resolved bearer tokens, kept for two seconds.
    pub sessions: Arc<session::SessionCache>,
    /// Writes new invitations and approval decisions, many requests' in one transaction.
    pub invitations: crate::store::InvitationWriter,
    /// Rings when a facility's invitations change (kiosks listening are told at once).
    pub changes: crate::signal::ChangeSignal,
}

/// The newest invitation-signing key and its id.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: u32,
    pub key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.kid)
    }
}

impl AppState {
    pub fn new(database: Database, clock: Clock, public_url: String, outbox: Arc<Notify>) -> Self {
        Self {
            invitations: crate::store::InvitationWriter::start(&database),
            database,
            clock,
            public_url,
            outbox,
            signing_key: Arc::default(),
            sites: Arc::default(),
            sessions: Arc::default(),
            changes: crate::signal::ChangeSignal::default(),
        }
    }

    /// The settings of the signed-in person's site.
    pub async fn site(
        &self,
        facility: gatehouse_core::FacilityId,
    ) -> Result<Arc<crate::site::Site>, ApiError> {
        self.sites
            .get(&self.database, facility)
            .await?
            .ok_or(ApiError::Internal)
    }

    /// The key that signs invitation codes (made on first use, then kept in memory).
    pub async fn signing_key(&self) -> Result<&SigningKey, crate::store::StoreError> {
        self.signing_key
            .get_or_try_init(|| async {
                let (kid, key) = self.database.signing_key(self.clock.now()).await?;
                Ok(SigningKey { kid, key })
            })
            .await
    }
}

pub fn router(state: AppState, ui_dir: &std::path::Path) -> Router {
    let api = Router::new()
        .route("/sessions", post(sessions::sign_in))
        .route("/sessions/current", delete(sessions::sign_out))
        .route("/api-tokens", post(sessions::create_api_token))
        .route("/me", get(sessions::me))
        .route(
            "/occupancies",
            get(people::list_occupancies).post(people::create_occupancy),
        )
        .route("/users", get(people::list_users).post(people::create_user))
        .route("/users/{id}/roles", post(people::assign_role))
        .route("/users/{id}/permissions", get(people::user_permissions))
        .route("/roles", get(people::list_roles).post(people::create_role))
        .route("/categories", get(settings::list_categories))
        .route("/categories/{kind}", put(settings::update_category))
        .route(
            "/settings/security-email",
            put(settings::set_security_email),
        )
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
        .route("/kiosk-codes", post(kiosks::issue_code))
        .route("/kiosks/enroll", post(kiosks::enroll))
        .route("/kiosks/{id}", delete(kiosks::revoke))
        .route("/kiosk", get(kiosks::me))
        .route("/kiosk/changes", get(kiosks::changes))
        .route("/kiosk/changes/stream", get(kiosks::changes_stream))
        .route("/kiosk/events", post(kiosks::report))
        .route("/kiosk/directory", get(walk_ins::directory))
        .route("/kiosk/walk-ins", post(walk_ins::register))
        .route("/kiosk/documents/{invitation}/{kind}", put(documents::send))
        .route("/invitations/{id}/documents/{kind}", get(documents::read))
        .route("/lobby", get(lobby::lobby))
        .route("/kiosk/reception", post(lobby::ask_reception))
        .route("/lobby/attention/{event}/handled", post(lobby::handled))
        .route("/openapi.json", get(openapi::openapi_json));
    Router::new()
        .route("/health", get(health::health))
        .nest("/api/v1", api)
        .merge(portal::portal(ui_dir))
        .fallback(error::no_route)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
