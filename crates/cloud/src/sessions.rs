//! Signing in and out, API tokens, and "who am I".
//!
//! Sign-in is guarded three ways: failures are counted per account and per client address
//! (then 429 with `Retry-After`); an unknown email costs the same password check as a wrong
//! password, so the time of the answer tells nothing; and only a few password checks run at once,
//! so a flood of sign-ins cannot take the memory (argon2id needs 19 MiB each).

use std::{net::IpAddr, sync::OnceLock, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_core::{Actor, Email, Grant, Language, UserId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    auth::{NewToken, hash_password, new_token, verify_password},
    context::Cloud,
    error::ServiceError,
    store::{Facility, StoredApiToken, User},
};

/// How long a portal session lasts.
pub const SESSION_LENGTH: TimeDelta = TimeDelta::hours(12);
/// Failed sign-ins one account takes …
pub const MOST_FAILURES_PER_ACCOUNT: usize = 5;
/// … and one client address (an office behind one address signs in often) …
pub const MOST_FAILURES_PER_ADDRESS: usize = 30;
/// … in this long, before 429.
pub const FAILURES_COUNT_FOR: TimeDelta = TimeDelta::minutes(15);
/// Password checks (argon2id, 19 MiB each) running at once; more wait their turn …
pub const MOST_PASSWORD_CHECKS: usize = 4;
/// … this long at most, then 429.
const LONGEST_WAIT_FOR_A_CHECK: Duration = Duration::from_secs(5);
/// An API token's life when its creator names none, and the longest it may have.
pub const API_TOKEN_DAYS: u32 = 90;
pub const LONGEST_API_TOKEN_DAYS: u32 = 365;

/// Why signing in failed, told apart only in the logs: the caller hears the same either way.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the email or password is not right")]
    WrongCredentials,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::store::StoreError> for SignInError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::Service(error.into())
    }
}

/// Signs a person in with their email and password, from `client` (the caller's address): a
/// session token valid for [`SESSION_LENGTH`], and who they are.
pub async fn sign_in(
    cloud: &Cloud,
    email: &str,
    password: String,
    client: Option<IpAddr>,
) -> Result<(String, User), SignInError> {
    let now = cloud.clock.now();
    let account = email.trim().to_lowercase();
    cloud
        .sign_ins
        .by_account
        .check(&account, now)
        .map_err(ServiceError::from)?;
    if let Some(client) = client {
        cloud
            .sign_ins
            .by_address
            .check(&client, now)
            .map_err(ServiceError::from)?;
    }
    let user = match Email::parse(email) {
        Ok(email) => cloud.database.user_by_email(&email).await?,
        Err(_) => None,
    };
    let hash = match &user {
        Some(user) => cloud.database.password_hash(user.id).await?,
        None => None,
    };
    // Without an account (or a password) the same check runs against a stand-in hash: the
    // answer takes as long as for a wrong password.
    let checked = hash.clone().unwrap_or_else(|| stand_in_hash().to_owned());
    let verified = check_password(cloud, move || verify_password(&password, &checked)).await?;
    let (Some(user), Some(_), true) = (user, hash, verified) else {
        cloud.sign_ins.by_account.count(&account, now);
        if let Some(client) = client {
            cloud.sign_ins.by_address.count(&client, now);
        }
        return Err(SignInError::WrongCredentials);
    };
    cloud.sign_ins.by_account.clear(&account);
    let token = new_token("ghs_");
    cloud
        .database
        .store_access_token(
            &token.hash,
            user.id,
            "session",
            None,
            now,
            Some(now + SESSION_LENGTH),
        )
        .await?;
    Ok((token.secret, user))
}

/// Runs a password check or hash on the blocking pool, at most [`MOST_PASSWORD_CHECKS`] at once.
pub async fn check_password<T: Send + 'static>(
    cloud: &Cloud,
    check: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let _slot = tokio::time::timeout(LONGEST_WAIT_FOR_A_CHECK, cloud.sign_ins.checks.acquire())
        .await
        .map_err(|_| ServiceError::TooMany(1))?
        .map_err(|error| ServiceError::Corrupt(format!("password checks: {error}")))?;
    tokio::task::spawn_blocking(check)
        .await
        .map_err(|error| ServiceError::Corrupt(format!("password check: {error}")))
}

/// A hash no password matches in practice, checked for unknown emails.
pub(crate) fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        hash_password(&uuid::Uuid::now_v7().to_string()).expect("a uuid is a long enough password")
    })
}

/// Signs out the session whose token hashes to `token_hash`.
pub async fn sign_out(cloud: &Cloud, token_hash: &[u8; 32]) -> Result<(), ServiceError> {
    cloud.database.revoke_access_token(token_hash).await?;
    Ok(())
}

/// An API token as its owner (or the facility manager) sees it: never its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiTokenInfo {
    /// Names the token for listing and revoking; not the secret.
    pub id: String,
    pub user_id: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl ApiTokenInfo {
    fn of(token: &StoredApiToken) -> Self {
        Self {
            id: token_id(&token.hash),
            user_id: token.user,
            name: token.name.clone(),
            created_at: token.created_at,
            expires_at: token.expires_at,
        }
    }
}

/// A token's public name: the first 16 hex digits of its hash.
fn token_id(hash: &[u8]) -> String {
    gatehouse_core::digest::sha256_hex(hash)[..16].to_owned()
}

/// A token acting as `actor` for integrations, expiring in `days` (default
/// [`API_TOKEN_DAYS`]). Minted only from a signed-in session, never from another API token.
pub async fn create_api_token(
    cloud: &Cloud,
    actor: &Actor,
    from_api_token: bool,
    name: &str,
    days: Option<u32>,
) -> Result<(String, ApiTokenInfo), ServiceError> {
    if from_api_token {
        return Err(ServiceError::Forbidden(
            gatehouse_core::Denied::SignedInSessionNeeded,
        ));
    }
    let days = days.unwrap_or(API_TOKEN_DAYS);
    if !(1..=LONGEST_API_TOKEN_DAYS).contains(&days) {
        return Err(ServiceError::invalid(format!(
            "an API token lasts 1 to {LONGEST_API_TOKEN_DAYS} days"
        )));
    }
    let NewToken { secret, hash } = new_token("gha_");
    let now = cloud.clock.now();
    let expires_at = now + TimeDelta::days(i64::from(days));
    cloud
        .database
        .store_access_token(&hash, actor.user, "api", Some(name), now, Some(expires_at))
        .await?;
    let info = ApiTokenInfo {
        id: token_id(&hash),
        user_id: actor.user,
        name: name.to_owned(),
        created_at: now,
        expires_at: Some(expires_at),
    };
    Ok((secret, info))
}

/// The API tokens `actor` may see: their own, or (facility manager) everyone's in the facility.
pub async fn api_tokens(
    cloud: &Cloud,
    actor: &Actor,
    of: Option<UserId>,
) -> Result<Vec<ApiTokenInfo>, ServiceError> {
    let of = match of {
        Some(user) if user != actor.user => {
            manages_tokens(actor)?;
            Some(user)
        }
        None if manages_tokens(actor).is_ok() => None,
        _ => Some(actor.user),
    };
    let tokens = cloud.database.api_tokens(actor.facility, of).await?;
    Ok(tokens.iter().map(ApiTokenInfo::of).collect())
}

/// Revokes the API token `id`: its owner, or the facility manager. Answers the revoked token's
/// hash, for the session cache to forget.
pub async fn revoke_api_token(
    cloud: &Cloud,
    actor: &Actor,
    id: &str,
) -> Result<Vec<u8>, ServiceError> {
    let not_found = || ServiceError::NotFound(format!("there is no API token {id}"));
    let visible = if manages_tokens(actor).is_ok() {
        None
    } else {
        Some(actor.user)
    };
    let token = cloud
        .database
        .api_tokens(actor.facility, visible)
        .await?
        .into_iter()
        .find(|token| token_id(&token.hash) == id)
        .ok_or_else(not_found)?;
    cloud.database.revoke_access_token(&token.hash).await?;
    Ok(token.hash)
}

/// Others' tokens are for the facility manager (role administrator of the whole facility).
fn manages_tokens(actor: &Actor) -> Result<(), gatehouse_core::Denied> {
    gatehouse_core::authorize(
        actor,
        gatehouse_core::Action::ConfigureFacility {
            facility: actor.facility,
        },
    )
}

/// The signed-in person's facility and effective permissions.
pub async fn me(cloud: &Cloud, actor: &Actor) -> Result<(Facility, Vec<Grant>), ServiceError> {
    let facility = cloud
        .database
        .facility(actor.facility)
        .await?
        .ok_or_else(|| {
            ServiceError::Corrupt(format!("facility {} is not stored", actor.facility))
        })?;
    Ok((facility, actor.effective_permissions()))
}

/// Sets the language `user`'s emails come in.
pub async fn set_language(
    cloud: &Cloud,
    user: &User,
    language: Language,
) -> Result<(), ServiceError> {
    cloud.database.set_language(user.id, language).await?;
    Ok(())
}
