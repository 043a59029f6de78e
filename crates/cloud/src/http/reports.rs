//! Reports: the utilisation of the building by its visitors.

use axum::{
    Json,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

use super::{ApiError, AppState, Session, error::ApiQuery};
use crate::utilisation::{self, Period, Utilisation};

/// Visitors per day and category, the time from check-in to the first door, and the share of
/// visitors' time by zone, for the days `from`–`to` at the site (at most 366; facility
/// managers). Read from visits and door scans only: no names.
#[utoipa::path(get, path = "/api/v1/reports/utilisation", tag = "reports", params(Period),
    responses((status = 200, body = Utilisation), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn utilisation(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(period): ApiQuery<Period>,
) -> Result<Json<Utilisation>, ApiError> {
    Ok(Json(
        utilisation::report(&state.cloud, &session.actor, &period).await?,
    ))
}

/// The same report's visitors per day and category as CSV (`day,category,visitors`).
#[utoipa::path(get, path = "/api/v1/reports/utilisation.csv", tag = "reports", params(Period),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn utilisation_csv(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(period): ApiQuery<Period>,
) -> Result<Response, ApiError> {
    let report = utilisation::report(&state.cloud, &session.actor, &period).await?;
    let name = format!(
        "attachment; filename=\"utilisation-{}-{}.csv\"",
        report.from, report.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        utilisation::csv(&report),
    )
        .into_response())
}
