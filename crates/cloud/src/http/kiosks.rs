//! Kiosk enrollment: codes issued by a facility manager, traded once by a kiosk for its device
//! token; and the kiosk asking who it is.

use std::time::Duration;

use axum::{
    Json,
    extract::{FromRequestParts, State},
    http::{StatusCode, request::Parts},
    response::sse::{Event, KeepAlive, Sse},
};
use chrono::TimeDelta;
use gatehouse_core::{
    Action, KioskId, authorize,
    category::RequiredDocument,
    visit::VisitEvent,
    wire::{
        EnrolledKiosk, KioskChanges, KioskCode, KioskEnrollment, KioskEventBatch,
        KioskEventResults, KioskIdentity, KioskInvitation,
    },
};
use serde::Deserialize;
use tokio::sync::broadcast;
use utoipa::ToSchema;

use super::{
    ApiError, AppState, Session, SigningKey,
    error::{ApiJson, ApiPath, ApiQuery},
    session,
};
use crate::{
    auth::token_hash,
    invitations::{self, guest_token},
    kiosks::{self, CODE_VALID_FOR, EnrollError, KioskName},
    store::{ChangeCursor, InvitationRecord, Kiosk},
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKioskCode {
    /// What the kiosk will be called, e.g. "Lobby, north entrance".
    #[schema(value_type = String, max_length = 60)]
    name: KioskName,
    /// Hours the code can be used; 24 if left out, at most a week.
    #[serde(default)]
    valid_hours: Option<u16>,
}

/// Issue a single-use code that enrolls one kiosk in your facility (facility manager).
#[utoipa::path(post, path = "/api/v1/kiosk-codes", tag = "kiosks", request_body = NewKioskCode,
    responses((status = 201, body = KioskCode), (status = 403), (status = 422)), security(("bearer" = [])))]
pub async fn issue_code(
    State(state): State<AppState>,
    session: Session,
    ApiJson(request): ApiJson<NewKioskCode>,
) -> Result<(StatusCode, Json<KioskCode>), ApiError> {
    let facility = session.user.facility_id;
    authorize(&session.actor, Action::ConfigureFacility { facility })?;
    let valid_for = match request.valid_hours {
        None => CODE_VALID_FOR,
        Some(hours @ 1..=168) => TimeDelta::hours(i64::from(hours)),
        Some(_) => return Err(ApiError::invalid("valid_hours must be 1 to 168 (a week)")),
    };
    let site = state.site(facility).await?;
    let code = kiosks::issue_code(
        &state.database,
        &site.facility,
        &request.name,
        Some(session.user.id),
        valid_for,
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(code)))
}

/// Enroll this kiosk with a code: answers the device token the kiosk sends from now on.
#[utoipa::path(post, path = "/api/v1/kiosks/enroll", tag = "kiosks", request_body = KioskEnrollment,
    responses((status = 201, body = EnrolledKiosk), (status = 400), (status = 404)))]
pub async fn enroll(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<KioskEnrollment>,
) -> Result<(StatusCode, Json<EnrolledKiosk>), ApiError> {
    match kiosks::enroll(&state.database, &request.code, state.clock.now()).await {
        Ok(enrolled) => Ok((StatusCode::CREATED, Json(enrolled))),
        Err(error @ EnrollError::Malformed) => Err(ApiError::BadRequest(error.to_string())),
        Err(error @ EnrollError::Unusable) => Err(ApiError::NotFound(error.to_string())),
        Err(EnrollError::Store(error)) => Err(error.into()),
    }
}

/// Which kiosk the device token belongs to.
#[utoipa::path(get, path = "/api/v1/kiosk", tag = "kiosks",
    responses((status = 200, body = KioskIdentity), (status = 401)), security(("device" = [])))]
pub async fn me(
    State(state): State<AppState>,
    device: Device,
) -> Result<Json<KioskIdentity>, ApiError> {
    Ok(Json(
        kiosks::identity(&state.database, &device.kiosk).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The `cursor` of the last page; leave out for everything.
    after: Option<String>,
    /// Invitations per page, 1 to 1000; 500 if left out.
    limit: Option<u16>,
}

/// What changed for this kiosk's facility since `after`: invitations in the order they last
/// changed (visits over for a day or more are left out).
#[utoipa::path(get, path = "/api/v1/kiosk/changes", tag = "kiosks", params(ChangesQuery),
    responses((status = 200, body = KioskChanges), (status = 400), (status = 401)), security(("device" = [])))]
pub async fn changes(
    State(state): State<AppState>,
    device: Device,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<KioskChanges>, ApiError> {
    let after = match query.after.as_deref() {
        None => ChangeCursor::START,
        Some(text) => ChangeCursor::parse(text).ok_or_else(|| {
            ApiError::BadRequest("after is not a cursor this API gave out".into())
        })?,
    };
    let limit = query.limit.unwrap_or(500);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest(
            "limit must be between 1 and 1000".into(),
        ));
    }
    let ends_after = state.clock.now() - TimeDelta::days(1);
    let facility = device.kiosk.facility;
    let page = state
        .database
        .invitation_changes(facility, after, ends_after, limit)
        .await?;
    let categories = state.database.categories(facility).await?;
    let documents = |kind| {
        categories
            .iter()
            .find(|category| category.kind == kind)
            .map(|category| category.access_profile.documents.clone())
            .unwrap_or_default()
    };
    let signing = state.signing_key().await?;
    Ok(Json(KioskChanges {
        invitations: page
            .invitations
            .into_iter()
            .map(|i| {
                let documents = documents(i.category);
                kiosk_invitation(i, documents, signing)
            })
            .collect(),
        nda: state.database.current_nda(facility).await?,
        cursor: page.cursor.encode(),
        more: page.more,
    }))
}

/// Server-sent events: `changed` whenever this kiosk's facility's invitations change (an
/// approval, a new invitation), so the kiosk pulls the change feed at once; a comment every 15 s
/// keeps the connection open through proxies.
#[utoipa::path(get, path = "/api/v1/kiosk/changes/stream", tag = "kiosks",
    responses((status = 200, content_type = "text/event-stream"), (status = 401)), security(("device" = [])))]
pub async fn changes_stream(
    State(state): State<AppState>,
    device: Device,
) -> Sse<impl futures::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let facility = device.kiosk.facility;
    let receiver = state.changes.subscribe();
    let events = futures::stream::unfold(receiver, move |mut receiver| async move {
        loop {
            match receiver.recv().await {
                // A change elsewhere is none of this kiosk's business.
                Ok(Some(other)) if other != facility => {}
                // This facility, a change the database could not place, or missed signals.
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().event("changed").data("{}")), receiver));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// An invitation as a kiosk holds it, with its signed code.
pub fn kiosk_invitation(
    record: InvitationRecord,
    documents: Vec<RequiredDocument>,
    signing: &SigningKey,
) -> KioskInvitation {
    KioskInvitation {
        documents,
        token: guest_token(&record, signing),
        id: record.id,
        host: record.host_id,
        host_name: record.host_name,
        category: record.category,
        visitor_name: record.visitor_name,
        visitor_company: record.visitor_company,
        starts_at: record.starts_at,
        ends_at: record.ends_at,
        approval: record.approval_status,
        visit: record.visit_status,
    }
}

/// The most reports one batch may carry.
pub const MAX_BATCH: usize = 200;

/// Report what happened at this kiosk (check-ins, check-outs, printed badges), oldest first. Each report is
/// applied once, however often it is sent; a check-in against an invitation rejected or
/// cancelled meanwhile is recorded and flagged for reception, never silently accepted.
#[utoipa::path(post, path = "/api/v1/kiosk/events", tag = "kiosks", request_body = KioskEventBatch,
    responses((status = 200, body = KioskEventResults), (status = 400), (status = 401), (status = 422)),
    security(("device" = [])))]
pub async fn report(
    State(state): State<AppState>,
    device: Device,
    ApiJson(batch): ApiJson<KioskEventBatch>,
) -> Result<Json<KioskEventResults>, ApiError> {
    if batch.events.is_empty() || batch.events.len() > MAX_BATCH {
        return Err(ApiError::invalid(format!(
            "a batch carries 1 to {MAX_BATCH} events"
        )));
    }
    let mut results = Vec::with_capacity(batch.events.len());
    for event in &batch.events {
        let arrival = match event.kind {
            VisitEvent::CheckIn => invitations::arrival_email(&state, &device.kiosk, event).await?,
            VisitEvent::CheckOut | VisitEvent::BadgePrinted => None,
        };
        results.push(
            state
                .database
                .record_kiosk_event(&device.kiosk, event, arrival.as_ref(), state.clock.now())
                .await?,
        );
    }
    state.outbox.notify_one();
    Ok(Json(KioskEventResults { results }))
}

/// Stop a kiosk's device token from working (a lost or retired tablet; facility manager).
#[utoipa::path(delete, path = "/api/v1/kiosks/{id}", tag = "kiosks", params(("id" = KioskId, Path)),
    responses((status = 204), (status = 403), (status = 404)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<KioskId>,
) -> Result<StatusCode, ApiError> {
    let facility = session.user.facility_id;
    authorize(&session.actor, Action::ConfigureFacility { facility })?;
    let kiosk_here = state
        .database
        .kiosk(id)
        .await?
        .filter(|k| k.facility == facility);
    if kiosk_here.is_none() || !state.database.revoke_kiosk(id, state.clock.now()).await? {
        return Err(ApiError::NotFound(format!("no enrolled kiosk {id} here")));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A kiosk calling with its device token. Handlers that take one answer 401 without it; a
/// person's session token is not a device token, nor the other way round.
#[derive(Debug, Clone)]
pub struct Device {
    pub kiosk: Kiosk,
}

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = session::bearer(parts)
            .filter(|secret| secret.starts_with("ghk_"))
            .ok_or(ApiError::Unauthenticated)?;
        let kiosk = state
            .database
            .kiosk_by_token(&token_hash(secret))
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self { kiosk })
    }
}
