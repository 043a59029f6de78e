//! Every error the API answers with is JSON `{code, message}` with a fitting status, and every
//! extractor's rejection (bad JSON, a malformed id, a wrong query) is turned into one.

use axum::{
    Json,
    extract::{
        FromRequest, FromRequestParts,
        rejection::{JsonRejection, PathRejection, QueryRejection, StringRejection},
    },
    http::{Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use gatehouse_core::{Denied, wire::ErrorBody};

use crate::{error::ServiceError, store::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} is for the building's own people only: visitors cannot be invited to it")]
    InternalOnlyRoom(String),
    #[error("sign in first: this needs a valid bearer token")]
    Unauthenticated,
    #[error("the email or password is not right")]
    WrongCredentials,
    #[error("not allowed: {0}")]
    Forbidden(#[from] Denied),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the request is larger than the {0} bytes this endpoint accepts")]
    TooLarge(usize),
    #[error("too many tries; try again in {0} seconds")]
    TooMany(u64),
    #[error("the database is not answering")]
    DatabaseUnavailable,
    #[error("{0}")]
    Unavailable(String),
    #[error("the cloud is busier than it can take; try again in a moment")]
    Busy,
    #[error("something went wrong on our side; it has been logged")]
    Internal,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) | Self::InternalOnlyRoom(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated | Self::WrongCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::DatabaseUnavailable | Self::Busy | Self::Unavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Invalid(_) => "invalid",
            Self::InternalOnlyRoom(_) => "internal_only_room",
            Self::Unauthenticated => "unauthenticated",
            Self::WrongCredentials => "wrong_credentials",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::TooLarge(_) => "too_large",
            Self::TooMany(_) => "too_many_requests",
            Self::DatabaseUnavailable => "database_unavailable",
            Self::Unavailable(_) => "unavailable",
            Self::Busy => "busy",
            Self::Internal => "internal",
        }
    }

    pub fn invalid(what: impl std::fmt::Display) -> Self {
        Self::Invalid(what.to_string())
    }
}

/// PostgreSQL's codes for a database that is not there to answer: a connection exception
/// (08…), an administrator's or a crash's shutdown (57P01–57P03), too many connections (53300),
/// or a database not accepting connections (55000).
fn database_away(code: Option<&str>) -> bool {
    code.is_some_and(|code| {
        code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "55000")
    })
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate(what) => Self::Conflict(format!("{what} already exists")),
            // No connection to be had, or the one in use was cut mid-query: the database is
            // away, not the request at fault.
            StoreError::Database(
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_),
            ) => Self::DatabaseUnavailable,
            StoreError::Busy => Self::Busy,
            StoreError::Database(sqlx::Error::Database(error))
                if database_away(error.code().as_deref()) =>
            {
                Self::DatabaseUnavailable
            }
            other => {
                tracing::error!(error = %other, "storage failed");
                Self::Internal
            }
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Malformed(what) => Self::BadRequest(what),
            ServiceError::Invalid(what) => Self::Invalid(what),
            ServiceError::InternalOnlyRoom(room) => Self::InternalOnlyRoom(room),
            ServiceError::NotFound(what) => Self::NotFound(what),
            ServiceError::Forbidden(denied) => Self::Forbidden(denied),
            ServiceError::WalkIn(refused) => Self::Invalid(refused.to_string()),
            ServiceError::TooMany(seconds) => Self::TooMany(seconds),
            error @ (ServiceError::Transition(_) | ServiceError::Conflict(_)) => {
                Self::Conflict(error.to_string())
            }
            ServiceError::Corrupt(what) => {
                tracing::error!(%what, "stored data is inconsistent");
                Self::Internal
            }
            ServiceError::Unavailable(what) => Self::Unavailable(what),
            ServiceError::Store(error) => error.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
        };
        let mut response = (self.status(), Json(body)).into_response();
        let retry_after = match self {
            Self::TooMany(seconds) => Some(seconds),
            Self::Busy => Some(1),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => Self::Invalid(e.body_text()),
            JsonRejection::JsonSyntaxError(e) => Self::BadRequest(e.body_text()),
            JsonRejection::MissingJsonContentType(_) => {
                Self::BadRequest("send JSON with Content-Type: application/json".into())
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::TooLarge(super::BODY_LIMIT)
            }
            other => Self::BadRequest(other.body_text()),
        }
    }
}

impl From<StringRejection> for ApiError {
    fn from(rejection: StringRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge(super::BODY_LIMIT)
        } else {
            Self::BadRequest(rejection.body_text())
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

/// `axum::Json`, answering bad bodies with [`ApiError`].
#[derive(Debug, FromRequest)]
#[from_request(via(Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A text body (a CSV file), answering bad bodies with [`ApiError`].
#[derive(Debug)]
pub struct ApiText(pub String);

impl<S: Send + Sync> FromRequest<S> for ApiText {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        Ok(Self(String::from_request(request, state).await?))
    }
}

/// `axum::extract::Path`, answering malformed ids with [`ApiError`].
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `axum::extract::Query`, answering bad parameters with [`ApiError`].
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

pub async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("there is no {method} {}", uri.path()))
}
