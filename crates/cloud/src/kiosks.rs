//! Enrolling reception kiosks: staff issue a single-use code for a facility; a kiosk trades it
//! once for a device token bound to that facility.

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse_core::{
    UserId,
    text::Text,
    wire::{EnrolledKiosk, KioskCode, KioskIdentity},
};

use crate::{
    Database,
    auth::{enrollment_code_hash, new_enrollment_code, new_token},
    store::{Facility, Kiosk, NewKioskCode, StoreError},
};

/// How long a code can be used if nobody says otherwise.
pub const CODE_VALID_FOR: TimeDelta = TimeDelta::hours(24);
/// The longest a code may be valid.
pub const CODE_VALID_AT_MOST: TimeDelta = TimeDelta::days(7);

/// A kiosk's name as people see it in lists ("Lobby, north entrance").
pub type KioskName = Text<60>;

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error("that is not an enrollment code: they look like GK-7Q4M-2X9P-KD3W")]
    Malformed,
    #[error("this enrollment code is unknown, already used or expired: ask for a new one")]
    Unusable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Issues a code that enrolls one kiosk called `name` in `facility`, usable for `valid_for`.
pub async fn issue_code(
    database: &Database,
    facility: &Facility,
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
                facility: facility.id,
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
pub async fn enroll(
    database: &Database,
    typed_code: &str,
    now: DateTime<Utc>,
) -> Result<EnrolledKiosk, EnrollError> {
    let code_hash = enrollment_code_hash(typed_code).ok_or(EnrollError::Malformed)?;
    let token = new_token("ghk_");
    let kiosk = database
        .enroll_kiosk(&code_hash, &token.hash, now)
        .await?
        .ok_or(EnrollError::Unusable)?;
    Ok(EnrolledKiosk {
        identity: identity(database, &kiosk).await?,
        token: token.secret,
    })
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
