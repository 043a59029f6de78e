//! Enrolling reception kiosks: staff issue a single-use code for a facility; a kiosk trades it
//! once for a device token bound to that facility, and is known by that token until revoked.

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_core::{
    Action, Actor, KioskId, UserId, authorize,
    text::Text,
    wire::{EnrolledKiosk, KioskCode, KioskIdentity},
};

use crate::{
    Database,
    auth::{enrollment_code_hash, new_enrollment_code, new_token, token_hash},
    caller::Caller,
    context::Cloud,
    error::ServiceError,
    store::{Kiosk, KioskInfo, NewKioskCode, StoreError},
};

/// How long a code can be used if nobody says otherwise.
pub const CODE_VALID_FOR: TimeDelta = TimeDelta::hours(24);
/// The longest a code may be valid.
pub const CODE_VALID_AT_MOST: TimeDelta = TimeDelta::days(7);

/// A kiosk's name as people see it in lists ("Lobby, north entrance").
pub type KioskName = Text<60>;

/// How long an enrollment code stays usable, in hours, as staff ask for it: 24 if they do not
/// say, at most a week.
pub fn code_validity(hours: Option<u16>) -> Result<TimeDelta, ServiceError> {
    match hours {
        None => Ok(CODE_VALID_FOR),
        Some(hours @ 1..=168) => Ok(TimeDelta::hours(i64::from(hours))),
        Some(_) => Err(ServiceError::invalid(
            "valid_hours must be 1 to 168 (a week)",
        )),
    }
}

/// A facility manager (or the operator) issues a code that enrolls one kiosk called `name` in
/// their facility.
pub async fn issue_code(
    cloud: &Cloud,
    caller: Caller<'_>,
    name: &KioskName,
    valid_for: TimeDelta,
) -> Result<KioskCode, ServiceError> {
    let facility = caller.facility();
    caller.authorize(Action::ConfigureFacility { facility })?;
    Ok(store_code(
        &cloud.database,
        facility,
        name,
        caller.person(),
        valid_for,
        cloud.clock.now(),
    )
    .await?)
}

/// Stores a new code for `facility`, valid from `now` (tests place it in the past).
pub async fn store_code(
    database: &Database,
    facility: gatehouse_core::FacilityId,
    name: &KioskName,
    created_by: Option<UserId>,
    valid_for: TimeDelta,
    now: DateTime<Utc>,
) -> Result<KioskCode, StoreError> {
    let code = new_enrollment_code();
    let expires_at = now + valid_for.clamp(TimeDelta::minutes(1), CODE_VALID_AT_MOST);
    database
        .store_kiosk_code(
            &NewKioskCode {
                code_hash: &code.hash,
                facility,
                name: name.as_str(),
                created_by,
                expires_at,
            },
            now,
        )
        .await?;
    Ok(KioskCode {
        code: code.secret,
        name: name.as_str().to_owned(),
        expires_at,
    })
}

/// Trades a code for a device token; the code cannot be used again.
pub async fn enroll(cloud: &Cloud, typed_code: &str) -> Result<EnrolledKiosk, ServiceError> {
    let code_hash = enrollment_code_hash(typed_code).ok_or_else(|| {
        ServiceError::Malformed(
            "that is not an enrollment code: they look like GK-7Q4M-2X9P-KD3W".into(),
        )
    })?;
    let token = new_token("ghk_");
    let kiosk = cloud
        .database
        .enroll_kiosk(&code_hash, &token.hash, cloud.clock.now())
        .await?
        .ok_or_else(|| {
            ServiceError::NotFound(
                "this enrollment code is unknown, already used or expired: ask for a new one"
                    .into(),
            )
        })?;
    Ok(EnrolledKiosk {
        identity: identity(&cloud.database, &kiosk).await?,
        token: token.secret,
    })
}

/// The enrolled, unrevoked kiosk a device token belongs to.
pub async fn kiosk_of_token(cloud: &Cloud, secret: &str) -> Result<Option<Kiosk>, StoreError> {
    if !secret.starts_with("ghk_") {
        return Ok(None);
    }
    cloud.database.kiosk_by_token(&token_hash(secret)).await
}

/// The facility's enrolled kiosks, for its facility manager: name, last contact, outbox.
pub async fn kiosks(cloud: &Cloud, actor: &Actor) -> Result<Vec<KioskInfo>, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConfigureFacility { facility })?;
    Ok(cloud.database.kiosks(facility).await?)
}

/// A facility manager stops a kiosk's device token from working (a lost or retired tablet).
pub async fn revoke(cloud: &Cloud, actor: &Actor, id: KioskId) -> Result<(), ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConfigureFacility { facility })?;
    let kiosk_here = cloud
        .database
        .kiosk(id)
        .await?
        .filter(|k| k.facility == facility);
    if kiosk_here.is_none() || !cloud.database.revoke_kiosk(id, cloud.clock.now()).await? {
        return Err(ServiceError::NotFound(format!(
            "no enrolled kiosk {id} here"
        )));
    }
    // Whoever was signed in at it is signed out with it.
    cloud.database.end_kiosk_sessions(id).await?;
    Ok(())
}

/// Who a kiosk is, with its facility's name and time zone.
pub async fn identity(database: &Database, kiosk: &Kiosk) -> Result<KioskIdentity, StoreError> {
    let facility = database
        .facility(kiosk.facility)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("kiosk {} has no facility", kiosk.id)))?;
    Ok(KioskIdentity {
        kiosk: kiosk.id,
        name: kiosk.name.clone(),
        facility: facility.id,
        facility_name: facility.name,
        time_zone: facility.time_zone.name().to_owned(),
    })
}
