//! [`ServiceError`]: how a service of the cloud says no. Services speak in the product's terms;
//! `http/error.rs` turns each into a status and a JSON body, once.

use gatehouse_core::{Denied, invitation::TransitionError, window::WalkInRefused};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request could not be read at all (a malformed code or cursor).
    #[error("{0}")]
    Malformed(String),
    /// The request was read but breaks a rule about its content.
    #[error("{0}")]
    Invalid(String),
    /// There is no such thing, or it is not the caller's to see.
    #[error("{0}")]
    NotFound(String),
    #[error("not allowed: {0}")]
    Forbidden(#[from] Denied),
    /// The approval workflow does not allow that step from where the invitation stands.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    WalkIn(#[from] WalkInRefused),
    /// The state changed meanwhile, or the thing exists already.
    #[error("{0}")]
    Conflict(String),
    /// Too many tries lately: the next may come in this many seconds.
    #[error("too many tries; try again in {0} seconds")]
    TooMany(u64),
    /// Stored data breaks an invariant the code relies on.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The invitation is to a room for the building's own people only.
    #[error("{0} is for the building's own people only: visitors cannot be invited to it")]
    InternalOnlyRoom(String),
    /// A system the cloud relies on (the building's access-control system) cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::throttle::RetryAfter> for ServiceError {
    fn from(wait: crate::throttle::RetryAfter) -> Self {
        Self::TooMany(wait.0)
    }
}

impl ServiceError {
    pub fn invalid(what: impl std::fmt::Display) -> Self {
        Self::Invalid(what.to_string())
    }
}
