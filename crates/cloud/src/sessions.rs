//! Signing in and out, API tokens, and "who am I".

use chrono::TimeDelta;
use gatehouse_core::{Actor, Email, Grant};

use crate::{
    auth::{NewToken, new_token, verify_password},
    context::Cloud,
    error::ServiceError,
    store::{Facility, User},
};

/// How long a portal session lasts.
pub const SESSION_LENGTH: TimeDelta = TimeDelta::hours(12);

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

/// Signs a person in with their email and password: a session token valid for
/// [`SESSION_LENGTH`], and who they are.
pub async fn sign_in(
    cloud: &Cloud,
    email: &str,
    password: String,
) -> Result<(String, User), SignInError> {
    let email = Email::parse(email).map_err(|_| SignInError::WrongCredentials)?;
    let user = cloud.database.user_by_email(&email).await?;
    let hash = match &user {
        Some(user) => cloud.database.password_hash(user.id).await?,
        None => None,
    };
    let (Some(user), Some(hash)) = (user, hash) else {
        return Err(SignInError::WrongCredentials);
    };
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|error| ServiceError::Corrupt(format!("password check: {error}")))?;
    if !verified {
        return Err(SignInError::WrongCredentials);
    }
    let token = new_token("ghs_");
    let now = cloud.clock.now();
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

/// Signs out the session whose token hashes to `token_hash`.
pub async fn sign_out(cloud: &Cloud, token_hash: &[u8; 32]) -> Result<(), ServiceError> {
    cloud.database.revoke_access_token(token_hash).await?;
    Ok(())
}

/// A long-lived token acting as `actor`, for integrations.
pub async fn create_api_token(
    cloud: &Cloud,
    actor: &Actor,
    name: &str,
) -> Result<String, ServiceError> {
    let NewToken { secret, hash } = new_token("gha_");
    cloud
        .database
        .store_access_token(
            &hash,
            actor.user,
            "api",
            Some(name),
            cloud.clock.now(),
            None,
        )
        .await?;
    Ok(secret)
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
