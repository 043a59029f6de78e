//! Who is calling: the bearer token on the request, resolved to a person and their roles.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::{extract::FromRequestParts, http::request::Parts};
use chrono::{DateTime, Utc};
use gatehouse_core::Actor;

use super::{ApiError, AppState};
use crate::{
    Caller, Database,
    auth::token_hash,
    store::{StoreError, StoredSession, User},
};

/// A signed-in caller. Handlers that take one answer 401 without a valid token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub actor: Actor,
    pub token_hash: [u8; 32],
    /// `session` (signed in) or `api` (an integration's token).
    pub kind: String,
    /// Signed in to at a kiosk, for as long as staff work there.
    pub at_kiosk: bool,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = bearer(parts).ok_or(ApiError::Unauthenticated)?;
        let token_hash = token_hash(secret);
        let stored = state
            .sessions
            .get(&state.cloud.database, token_hash, state.cloud.clock.now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self {
            user: stored.user,
            actor: stored.actor,
            token_hash,
            kind: stored.kind,
            at_kiosk: stored.at_kiosk,
        })
    }
}

impl Session {
    /// The signed-in person, as the services see a caller.
    pub fn caller(&self) -> Caller<'_> {
        Caller::Person(&self.actor)
    }

    /// The caller came with an integration's API token, not a signed-in session.
    pub fn is_api_token(&self) -> bool {
        self.kind == "api"
    }
}

/// How long a resolved token is used without asking the database again.
const FRESH_FOR: Duration = Duration::from_secs(2);
/// Above this many kept sessions, the stale ones are dropped.
const PRUNE_ABOVE: usize = 4096;

/// Tokens resolved to their person and roles, kept for two seconds: every request resolves its
/// token, and the answer changes only when someone's roles change or they sign out. Both take
/// effect at once through this process (it forgets what it kept); through another cloud process
/// (PostgreSQL behind a load balancer, or the admin CLI), within two seconds — as the site's
/// settings do. A token never outlives its expiry here.
#[derive(Debug, Default)]
pub struct SessionCache {
    sessions: Mutex<HashMap<[u8; 32], (Instant, StoredSession)>>,
}

impl SessionCache {
    pub async fn get(
        &self,
        database: &Database,
        token_hash: [u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<StoredSession>, StoreError> {
        let valid = |session: &StoredSession| session.expires_at.is_none_or(|at| at > now);
        if let Some((read_at, session)) = self.lock().get(&token_hash)
            && read_at.elapsed() < FRESH_FOR
            && valid(session)
        {
            return Ok(Some(session.clone()));
        }
        let Some(session) = database.session(&token_hash, now).await? else {
            self.forget(&token_hash);
            return Ok(None);
        };
        let mut sessions = self.lock();
        if sessions.len() >= PRUNE_ABOVE {
            sessions.retain(|_, (read_at, _)| read_at.elapsed() < FRESH_FOR);
        }
        sessions.insert(token_hash, (Instant::now(), session.clone()));
        Ok(Some(session))
    }

    /// After the token was revoked.
    pub fn forget(&self, token_hash: &[u8; 32]) {
        self.lock().remove(token_hash);
    }

    /// After anyone's roles changed.
    pub fn forget_all(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], (Instant, StoredSession)>> {
        self.sessions.lock().expect("session cache lock")
    }
}

/// The secret of the request's `Authorization: Bearer …` header, if it has a plausible one.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            // The scheme is case-insensitive (RFC 9110).
            let (scheme, secret) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(secret)
        })
        .map(str::trim)
        .filter(|secret| !secret.is_empty() && secret.len() < 200)
}
