//! Staff at the kiosks. A person sets their own kiosk PIN in the portal (hashed here, and sent
//! to the kiosks of their facility so that reception goes on while the cloud cannot be reached);
//! at a kiosk they sign in with it or their password and get a session as themselves, which the
//! kiosk ends after a short while. Each kiosk reports what it saw staff do, each line once.

use chrono::TimeDelta;
use gatehouse_core::{
    Action, Actor, Email, KioskId, Permission, authorize,
    staff::{
        self, KioskStaff, StaffHistory, StaffMember, StaffPin, StaffSecret, StaffSession,
        StaffSignIn,
    },
};

use crate::{
    auth::{hash_pin, new_token, verify_password},
    context::Cloud,
    error::ServiceError,
    sessions::{SignInError, check_password},
    store::{Kiosk, StaffHistoryLine, User},
};

/// How long a session signed in to at a kiosk lasts at most; the kiosk ends it after two idle
/// minutes, on Lock, and before a visitor touches the screen.
pub const KIOSK_SESSION_LENGTH: TimeDelta = TimeDelta::hours(1);
/// Lines of history a kiosk sends at once.
pub const MOST_HISTORY_PER_BATCH: usize = 200;
/// Lines of a kiosk's history the Kiosks page shows.
pub const HISTORY_SHOWN: u32 = 200;

/// Sets `user`'s kiosk PIN, or with `None` removes it; kiosks hear of it at their next sync.
pub async fn set_pin(cloud: &Cloud, user: &User, pin: Option<String>) -> Result<(), ServiceError> {
    let hash = match pin {
        Some(pin) => {
            staff::check_pin(&pin).map_err(ServiceError::invalid)?;
            Some(check_password(cloud, move || hash_pin(&pin)).await?)
        }
        None => None,
    };
    cloud
        .database
        .set_kiosk_pin(user.id, hash.as_deref())
        .await?;
    Ok(())
}

/// What `user`, acting as `actor`, may do at a kiosk.
fn member(user: &User, actor: &Actor) -> StaffMember {
    StaffMember {
        id: user.id,
        name: user.display_name.clone(),
        email: user.email.as_str().to_owned(),
        language: user.language,
        admits: actor.holds_anywhere(Permission::VisitorAdmission),
        approves: actor.holds_anywhere(Permission::ApproveInvitations),
    }
}

/// Signs a person in at `kiosk` with their kiosk PIN or password: a session as them for
/// [`KIOSK_SESSION_LENGTH`] at most. Wrong secrets count against the account as at the portal;
/// an unknown email costs the same check. Someone who neither admits nor approves in the
/// kiosk's facility is refused (403) even with the right secret.
pub async fn sign_in(
    cloud: &Cloud,
    kiosk: &Kiosk,
    request: StaffSignIn,
) -> Result<StaffSession, SignInError> {
    let now = cloud.clock.now();
    let account = request.email.trim().to_lowercase();
    let throttle = &cloud.sign_ins.by_account;
    throttle.check(&account, now).map_err(ServiceError::from)?;
    let user = match Email::parse(&request.email) {
        Ok(email) => cloud
            .database
            .user_by_email(&email)
            .await?
            .filter(|user| user.facility_id == kiosk.facility),
        Err(_) => None,
    };
    let hash = match (&user, &request.secret) {
        (Some(user), StaffSecret::Pin(_)) => cloud.database.kiosk_pin_hash(user.id).await?,
        (Some(user), StaffSecret::Password(_)) => cloud.database.password_hash(user.id).await?,
        (None, _) => None,
    };
    let checked = hash
        .clone()
        .unwrap_or_else(|| crate::sessions::stand_in_hash().to_owned());
    let secret = request.secret.as_str().to_owned();
    let verified = check_password(cloud, move || verify_password(&secret, &checked)).await?;
    let (Some(user), Some(_), true) = (user, hash, verified) else {
        throttle.count(&account, now);
        return Err(SignInError::WrongCredentials);
    };
    throttle.clear(&account);
    let actor = cloud.database.actor(&user).await?;
    authorize(
        &actor,
        Action::SignInAtKiosk {
            facility: kiosk.facility,
        },
    )
    .map_err(ServiceError::from)?;
    let token = new_token("ghs_");
    cloud
        .database
        .store_kiosk_session(
            &token.hash,
            user.id,
            kiosk.id,
            now,
            now + KIOSK_SESSION_LENGTH,
        )
        .await?;
    Ok(StaffSession {
        token: token.secret,
        person: member(&user, &actor),
    })
}

/// The people of `kiosk`'s facility with a kiosk PIN who admit visitors there: the kiosk signs
/// them in for reception's tasks while the cloud cannot be reached.
pub async fn staff(cloud: &Cloud, kiosk: &Kiosk) -> Result<KioskStaff, ServiceError> {
    let mut staff = Vec::new();
    for (user, pin_hash) in cloud.database.kiosk_pins(kiosk.facility).await? {
        let actor = cloud.database.actor(&user).await?;
        let person = member(&user, &actor);
        if person.admits {
            staff.push(StaffPin { person, pin_hash });
        }
    }
    Ok(KioskStaff { staff })
}

/// Records what `kiosk` saw staff do; each line once, however often it is sent. Returns how
/// many lines were new.
pub async fn record(
    cloud: &Cloud,
    kiosk: &Kiosk,
    history: &StaffHistory,
) -> Result<u64, ServiceError> {
    if history.entries.len() > MOST_HISTORY_PER_BATCH {
        return Err(ServiceError::invalid(format!(
            "at most {MOST_HISTORY_PER_BATCH} lines of history at once"
        )));
    }
    for entry in &history.entries {
        if entry.email.chars().count() > 254 {
            return Err(ServiceError::invalid("an email has at most 254 characters"));
        }
        if let Some(person) = entry.person {
            let here = cloud
                .database
                .user(person)
                .await?
                .is_some_and(|user| user.facility_id == kiosk.facility);
            if !here {
                return Err(ServiceError::invalid(format!(
                    "{person} is nobody of this kiosk's facility"
                )));
            }
        }
    }
    Ok(cloud
        .database
        .record_staff_history(kiosk.id, &history.entries, cloud.clock.now())
        .await?)
}

/// What staff did at one of the facility's kiosks, newest first (facility manager).
pub async fn history(
    cloud: &Cloud,
    actor: &Actor,
    kiosk: KioskId,
) -> Result<Vec<StaffHistoryLine>, ServiceError> {
    let facility = actor.facility;
    authorize(actor, Action::ConfigureFacility { facility })?;
    let here = cloud
        .database
        .kiosk(kiosk)
        .await?
        .is_some_and(|found| found.facility == facility);
    if !here {
        return Err(ServiceError::NotFound(format!("no kiosk {kiosk} here")));
    }
    Ok(cloud.database.staff_history(kiosk, HISTORY_SHOWN).await?)
}
