//! Invitations: create, list, look at, decide about, import.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{NaiveDate, TimeZone as _, Utc};
use gatehouse_core::{
    Action, ApprovalStatus, CategoryKind, Decision, Email, InvitationId, VisitWindow, access,
    authorize, role::Place, text::Text,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session,
    error::{ApiJson, ApiPath, ApiQuery, ApiText},
};
use crate::{
    invitations::{self, InvitationRequest, Visitor},
    store::{HistoryEntry, InvitationFilter, InvitationRecord},
};

/// Invite a visitor, for yourself or (with `invite_for_others`) for another host.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "invitations", request_body = InvitationRequest,
    responses((status = 201, body = InvitationRecord), (status = 403), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<InvitationRequest>,
) -> Result<(StatusCode, Json<InvitationRecord>), ApiError> {
    let record = invitations::create(&state, &session.actor, &session.user, request).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListScope {
    /// Only invitations you host or created.
    Mine,
    /// Everything you may see (with `all_visitor_requests`: your whole scope).
    #[default]
    All,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    scope: ListScope,
    /// A day at the site (its time zone): invitations overlapping it.
    day: Option<NaiveDate>,
    status: Option<ApprovalStatus>,
    category: Option<CategoryKind>,
    /// Part of the visitor's name.
    q: Option<String>,
    /// At most 500; 100 when left out.
    limit: Option<u32>,
    offset: Option<u32>,
}

/// List invitations, newest day last, filtered by day, status, category and visitor name.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "invitations", params(ListQuery),
    responses((status = 200, body = Vec<InvitationRecord>), (status = 400)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<InvitationRecord>>, ApiError> {
    let site = state.site(session.user.facility_id).await?;
    let facility = &site.facility;
    let overlapping = match query.day {
        None => None,
        Some(day) => {
            let start = |d: NaiveDate| {
                facility
                    .time_zone
                    .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
                    .ok_or_else(|| ApiError::BadRequest(format!("{d} has no midnight here")))
            };
            let next = day
                .succ_opt()
                .ok_or_else(|| ApiError::BadRequest("day out of range".into()))?;
            Some((start(day)?, start(next)?))
        }
    };
    let visitor_name = match query.q.as_deref().map(str::trim) {
        Some(q) if q.chars().count() > 120 => {
            return Err(ApiError::BadRequest(
                "search text is longer than 120 characters".into(),
            ));
        }
        Some("") | None => None,
        Some(q) => Some(q.to_owned()),
    };
    let limit = query.limit.unwrap_or(100);
    if limit == 0 || limit > 500 {
        return Err(ApiError::BadRequest(
            "limit must be between 1 and 500".into(),
        ));
    }
    let visibility = match query.scope {
        ListScope::Mine => access::Visibility::Own,
        ListScope::All => access::visibility(&session.actor),
    };
    let filter = InvitationFilter {
        facility: facility.id,
        visibility,
        viewer: session.user.id,
        overlapping,
        approval: query.status,
        category: query.category,
        visitor_name,
        limit,
        offset: query.offset.unwrap_or(0),
    };
    Ok(Json(state.database.list_invitations(&filter).await?))
}

/// One invitation.
#[utoipa::path(get, path = "/api/v1/invitations/{id}", tag = "invitations",
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 404)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        invitations::visible(&state, &session.actor, id).await?,
    ))
}

/// Who did what to the invitation, when and why.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/history", tag = "invitations",
    params(("id" = InvitationId, Path)), responses((status = 200, body = Vec<HistoryEntry>), (status = 404)),
    security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    invitations::visible(&state, &session.actor, id).await?;
    Ok(Json(state.database.history(id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why; shown to the host, never to the guest.
    reason: Option<String>,
}

/// Approve a pending invitation (`approve_invitations`): the host is told, the guest invited.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/approve", tag = "approval",
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 403), (status = 409)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        invitations::decide(&state, &session.actor, id, &Decision::Approve).await?,
    ))
}

/// Reject an invitation, with an optional reason (required once approved). The host is told
/// with the reason; the guest is not told.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/reject", tag = "approval", request_body = ReasonBody,
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 403), (status = 409)),
    security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
    body: axum::body::Bytes,
) -> Result<Json<InvitationRecord>, ApiError> {
    // The body is optional here: no body means no reason.
    let body: ReasonBody = if body.iter().all(u8::is_ascii_whitespace) {
        ReasonBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::Invalid(format!("reason: {e}")))?
    };
    let decision = Decision::Reject {
        reason: invitations::reason(body.reason.as_deref())?,
    };
    Ok(Json(
        invitations::decide(&state, &session.actor, id, &decision).await?,
    ))
}

/// Move an approved invitation back to pending (exceptional; a reason is required).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/return-to-pending", tag = "approval", request_body = ReasonBody,
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 403), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn return_to_pending(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<Json<InvitationRecord>, ApiError> {
    let reason = invitations::reason(body.reason.as_deref())?.ok_or_else(|| {
        ApiError::invalid("moving an approved invitation back to pending needs a reason")
    })?;
    let decision = Decision::ReturnToPending { reason };
    Ok(Json(
        invitations::decide(&state, &session.actor, id, &decision).await?,
    ))
}

/// Cancel an invitation (its host or creator, or `all_visitor_requests`).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/cancel", tag = "invitations",
    params(("id" = InvitationId, Path)), responses((status = 200, body = InvitationRecord), (status = 403), (status = 409)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<InvitationId>,
) -> Result<Json<InvitationRecord>, ApiError> {
    Ok(Json(
        invitations::decide(&state, &session.actor, id, &Decision::Cancel).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportRow {
    visitor_name: String,
    visitor_email: String,
    #[serde(default)]
    visitor_company: String,
    host_email: String,
    category: String,
    starts_at: chrono::DateTime<Utc>,
    ends_at: chrono::DateTime<Utc>,
}

/// Import visitors from CSV (`visitor_vendor_configuration`). Columns: `visitor_name,
/// visitor_email, visitor_company, host_email, category, starts_at, ends_at` (RFC 3339). Every
/// row is checked first; if any row is wrong, nothing is imported and every problem is listed.
#[utoipa::path(post, path = "/api/v1/invitations/import", tag = "invitations",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Vec<InvitationRecord>), (status = 403), (status = 422)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    ApiText(body): ApiText,
) -> Result<(StatusCode, Json<Vec<InvitationRecord>>), ApiError> {
    let mut prepared = Vec::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    for (index, row) in reader.deserialize::<ImportRow>().enumerate() {
        let line = index + 2; // the header is line 1
        match prepare_row(&state, &session, row).await {
            Ok(ready) => prepared.push(ready),
            // Importing for someone out of reach is refused outright, not listed as a typo.
            Err(ApiError::Forbidden(denied)) => return Err(ApiError::Forbidden(denied)),
            Err(problem) => problems.push(format!("line {line}: {problem}")),
        }
        if problems.len() >= 50 {
            problems.push("… and possibly more".into());
            break;
        }
    }
    if prepared.is_empty() && problems.is_empty() {
        problems.push("the file has no visitors".into());
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(format!(
            "nothing was imported: {}",
            problems.join("; ")
        )));
    }
    let mut created = Vec::with_capacity(prepared.len());
    for ready in prepared {
        created.push(invitations::commit(&state, ready).await?);
    }
    Ok((StatusCode::CREATED, Json(created)))
}

async fn prepare_row(
    state: &AppState,
    session: &Session,
    row: Result<ImportRow, csv::Error>,
) -> Result<invitations::Prepared, ApiError> {
    let row = row.map_err(ApiError::invalid)?;
    let host_email = Email::parse(&row.host_email).map_err(ApiError::invalid)?;
    let host = state
        .database
        .user_by_email(&host_email)
        .await?
        .filter(|h| h.facility_id == session.user.facility_id)
        .ok_or_else(|| ApiError::invalid(format!("there is no host {host_email}")))?;
    let occupancy = host
        .occupancy_id
        .ok_or_else(|| ApiError::invalid("the host must belong to an occupancy"))?;
    authorize(
        &session.actor,
        Action::ImportVisitors {
            place: Place {
                facility: host.facility_id,
                occupancy,
            },
        },
    )?;
    let request = InvitationRequest {
        host_id: Some(host.id),
        category: CategoryKind::from_name(&row.category)
            .ok_or_else(|| ApiError::invalid(format!("unknown category {:?}", row.category)))?,
        visitor: Visitor {
            name: Text::parse(&row.visitor_name)
                .map_err(|e| ApiError::invalid(format!("visitor_name {e}")))?,
            email: Email::parse(&row.visitor_email).map_err(ApiError::invalid)?,
            company: (!row.visitor_company.is_empty())
                .then(|| Text::parse(&row.visitor_company))
                .transpose()
                .map_err(|e| ApiError::invalid(format!("visitor_company {e}")))?,
        },
        window: VisitWindow::new(row.starts_at, row.ends_at).map_err(ApiError::invalid)?,
    };
    invitations::prepare(state, &session.actor, &session.user, request).await
}
