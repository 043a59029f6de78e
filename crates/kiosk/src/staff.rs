//! Staff at the kiosk. A person of reception or an admin signs in with their email and kiosk
//! PIN or password: through the cloud when it answers (a session as them), else — reception
//! only, with a PIN — against the PINs the kiosk keeps. Wrong tries make that person wait longer
//! each time (kept across restarts). The session ends after two idle minutes, on Lock, and when a
//! visitor's turn begins; the page never holds its token. Every sign-in, failure and staff action
//! is written to the kiosk's staff history, which the sync sends to the cloud.

use std::sync::Mutex;

use argon2::{Argon2, PasswordHash, PasswordVerifier as _};
use chrono::{DateTime, Utc};
use gatehouse_core::{
    InvitationId, UserId,
    staff::{
        KioskStaff, StaffEntry, StaffEvent, StaffHistory, StaffMember, StaffSecret, StaffSignIn,
        Tries,
    },
};
use serde::Serialize;
use uuid::Uuid;

use crate::{KioskError, cloud::CloudClient, kiosk::Kiosk, store::LocalStore};

/// Lines of history sent at once.
const HISTORY_BATCH: i64 = 200;

/// Who is signed in at the kiosk, as the screen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnDuty {
    pub name: String,
    /// Reception mode.
    pub admits: bool,
    /// Admin mode (needs the cloud).
    pub approves: bool,
    /// Signed in through the cloud (`false`: with the PIN the kiosk keeps, while offline).
    pub online: bool,
}

/// The staff session, kept here and never in the page.
#[derive(Clone)]
struct Duty {
    person: StaffMember,
    /// The cloud session as the person; `None` when signed in offline.
    token: Option<String>,
    touched: DateTime<Utc>,
}

/// The one staff session of this kiosk.
#[derive(Default)]
pub struct Desk {
    duty: Mutex<Option<Duty>>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Desk(…)")
    }
}

impl Desk {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Duty>> {
        self.duty.lock().expect("staff desk lock")
    }
}

impl Kiosk {
    /// Signs a person in at this kiosk with their email and kiosk PIN or password.
    pub async fn staff_sign_in(
        &self,
        email: &str,
        secret: StaffSecret,
    ) -> Result<OnDuty, KioskError> {
        let email = email.trim().to_lowercase();
        if email.is_empty() || email.len() > 254 || secret.as_str().is_empty() {
            return Err(KioskError::Invalid(
                "type your email and your PIN or password".into(),
            ));
        }
        if secret.as_str().len() > 1024 {
            return Err(KioskError::WrongSecret);
        }
        let now = self.clock.now();
        let tries = self.store.staff_tries(&email).await?;
        if let Some(until) = tries.locked_until(now) {
            self.staff_record(&email, None, StaffEvent::LockedOut, None)
                .await?;
            return Err(KioskError::StaffLocked((until - now).num_seconds().max(1)));
        }
        // A new sign-in ends whoever was signed in.
        self.staff_lock().await?;
        let token = self.store.device_token().await?;
        let request = StaffSignIn {
            email: email.clone(),
            secret: secret.clone(),
        };
        let duty = match self.cloud.staff_sign_in(&token, &request).await {
            Ok(session) => Duty {
                person: session.person,
                token: Some(session.token),
                touched: now,
            },
            Err(KioskError::CloudRefused {
                status: 403,
                message,
                ..
            }) => {
                self.staff_record(&email, None, StaffEvent::WrongSecret, None)
                    .await?;
                return Err(KioskError::NotStaff(message));
            }
            Err(KioskError::CloudRefused {
                status: 401 | 429, ..
            }) => {
                return Err(self.wrong_try(&email, tries, now).await?);
            }
            Err(KioskError::CloudUnreachable(_)) => match self.offline_duty(&email, &secret).await?
            {
                Some(person) => Duty {
                    person,
                    token: None,
                    touched: now,
                },
                None if matches!(secret, StaffSecret::Password(_)) => {
                    return Err(KioskError::NeedsCloud);
                }
                None => return Err(self.wrong_try(&email, tries, now).await?),
            },
            Err(other) => return Err(other),
        };
        self.store.clear_staff_tries(&email).await?;
        let event = if duty.token.is_some() {
            StaffEvent::SignedIn
        } else {
            StaffEvent::SignedInOffline
        };
        self.staff_record(&email, Some(duty.person.id), event, None)
            .await?;
        tracing::info!(person = %duty.person.name, online = duty.token.is_some(), "staff signed in");
        let on_duty = on_duty(&duty);
        *self.desk.lock() = Some(duty);
        Ok(on_duty)
    }

    /// Counts a wrong try and says how long the person waits now.
    async fn wrong_try(
        &self,
        email: &str,
        tries: Tries,
        now: DateTime<Utc>,
    ) -> Result<KioskError, KioskError> {
        let tries = tries.failed(now);
        self.store.save_staff_tries(email, tries).await?;
        self.staff_record(email, None, StaffEvent::WrongSecret, None)
            .await?;
        Ok(match tries.locked_until(now) {
            Some(until) => KioskError::StaffLocked((until - now).num_seconds().max(1)),
            None => KioskError::WrongSecret,
        })
    }

    /// The person of `email`, if the kiosk keeps their PIN and `secret` is it: reception's tasks
    /// go on while the cloud cannot be reached.
    async fn offline_duty(
        &self,
        email: &str,
        secret: &StaffSecret,
    ) -> Result<Option<StaffMember>, KioskError> {
        let StaffSecret::Pin(pin) = secret else {
            return Ok(None);
        };
        let kept = self
            .store
            .staff_pins()
            .await?
            .map(|(_, staff)| staff)
            .unwrap_or_default();
        let Some(kept) = kept.staff.into_iter().find(|pin| pin.person.email == email) else {
            return Ok(None);
        };
        let pin = pin.clone();
        let hash = kept.pin_hash.clone();
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(pin.as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await
        .map_err(|error| KioskError::Corrupt(error.to_string()))?;
        // Offline, a PIN signs in for reception's tasks only: approvals need the cloud.
        Ok(matches.then_some(StaffMember {
            approves: false,
            ..kept.person
        }))
    }

    /// Who is signed in, if anyone; `touched`: the person just touched the screen, which keeps
    /// the session going. A session idle for longer than the staff timeout ends here.
    pub async fn on_duty(&self, touched: bool) -> Result<Option<OnDuty>, KioskError> {
        match self.duty(touched).await {
            Ok(duty) => Ok(Some(on_duty(&duty))),
            Err(KioskError::StaffSignedOut) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The staff session (touched now if `touch`); [`KioskError::StaffSignedOut`] without one
    /// (or after it idled out, which ends it). Reading lists does not touch it: only the
    /// person's own touches and actions keep it going.
    async fn duty(&self, touch: bool) -> Result<Duty, KioskError> {
        let now = self.clock.now();
        let idle = chrono::TimeDelta::from_std(self.in_force().await?.staff_idle)
            .unwrap_or(chrono::TimeDelta::MAX);
        let expired = {
            let mut desk = self.desk.lock();
            match desk.as_mut() {
                Some(duty) if now - duty.touched <= idle => {
                    if touch {
                        duty.touched = now;
                    }
                    return Ok(duty.clone());
                }
                Some(_) => desk.take(),
                None => None,
            }
        };
        if let Some(duty) = expired {
            self.sign_out(duty).await?;
        }
        Err(KioskError::StaffSignedOut)
    }

    /// The signed-in person, who must admit visitors (reception mode); an action (`touch`)
    /// keeps the session going, a read does not.
    pub(crate) async fn receptionist(&self, touch: bool) -> Result<StaffMember, KioskError> {
        let duty = self.duty(touch).await?;
        if !duty.person.admits {
            return Err(KioskError::NotStaff(
                "reception's tasks need the visitor_admission permission".into(),
            ));
        }
        Ok(duty.person)
    }

    /// The signed-in person's cloud session, who must approve invitations (admin mode); never
    /// offline.
    pub(crate) async fn approver(&self, touch: bool) -> Result<(StaffMember, String), KioskError> {
        let duty = self.duty(touch).await?;
        if !duty.person.approves {
            return Err(KioskError::NotStaff(
                "approving needs the approve_invitations permission".into(),
            ));
        }
        let token = duty.token.ok_or(KioskError::NeedsCloud)?;
        Ok((duty.person, token))
    }

    /// The signed-in receptionist's cloud session, for what only the cloud decides (a walk-in's
    /// answer); offline, [`KioskError::NeedsCloud`].
    pub(crate) async fn receptionist_online(&self) -> Result<(StaffMember, String), KioskError> {
        let person = self.receptionist(true).await?;
        let token = self
            .desk
            .lock()
            .as_ref()
            .and_then(|duty| duty.token.clone())
            .ok_or(KioskError::NeedsCloud)?;
        Ok((person, token))
    }

    /// Ends the staff session (Lock, or a visitor's turn); nothing of it stays.
    pub async fn staff_lock(&self) -> Result<(), KioskError> {
        let duty = self.desk.lock().take();
        if let Some(duty) = duty {
            self.sign_out(duty).await?;
        }
        Ok(())
    }

    async fn sign_out(&self, duty: Duty) -> Result<(), KioskError> {
        if let Some(token) = &duty.token {
            // The session ends in the cloud too; if it cannot be reached, it expires there.
            if let Err(error) = self.cloud.sign_out(token).await {
                tracing::warn!(%error, "the staff session could not be ended in the cloud");
            }
        }
        self.staff_record(
            &duty.person.email,
            Some(duty.person.id),
            StaffEvent::SignedOut,
            None,
        )
        .await
    }

    /// Writes a line of the staff history; the sync sends it.
    pub(crate) async fn staff_record(
        &self,
        email: &str,
        person: Option<UserId>,
        event: StaffEvent,
        invitation: Option<InvitationId>,
    ) -> Result<(), KioskError> {
        self.store
            .record_staff(&StaffEntry {
                id: Uuid::now_v7(),
                email: email.chars().take(254).collect(),
                person,
                event,
                invitation,
                at: self.clock.now(),
            })
            .await?;
        self.sync_soon();
        Ok(())
    }

    /// Writes a staff action of the signed-in person into the history.
    pub(crate) async fn staff_did(
        &self,
        person: &StaffMember,
        event: StaffEvent,
        invitation: Option<InvitationId>,
    ) -> Result<(), KioskError> {
        self.staff_record(&person.email, Some(person.id), event, invitation)
            .await
    }
}

fn on_duty(duty: &Duty) -> OnDuty {
    OnDuty {
        name: duty.person.name.clone(),
        admits: duty.person.admits,
        approves: duty.person.approves,
        online: duty.token.is_some(),
    }
}

/// Pulls the PINs of the people who admit visitors, when they changed.
pub async fn pull_staff(
    cloud: &CloudClient,
    store: &LocalStore,
    token: &str,
) -> Result<(), KioskError> {
    let held = store.staff_pins().await?.map(|(etag, _)| etag);
    if let Some((etag, staff)) = cloud.staff(token, held.as_deref()).await? {
        store.save_staff_pins(&etag, &staff).await?;
    }
    Ok(())
}

/// Sends the staff history the cloud does not have yet; returns how many lines went.
pub async fn push_history(
    cloud: &CloudClient,
    store: &LocalStore,
    token: &str,
) -> Result<usize, KioskError> {
    let mut sent = 0;
    loop {
        let entries = store.staff_history_due(HISTORY_BATCH).await?;
        if entries.is_empty() {
            return Ok(sent);
        }
        let ids: Vec<Uuid> = entries.iter().map(|entry| entry.id).collect();
        cloud
            .send_staff_history(token, &StaffHistory { entries })
            .await?;
        store.staff_history_sent(&ids).await?;
        sent += ids.len();
    }
}

impl LocalStore {
    /// The PINs the cloud last sent, with their `ETag`.
    pub async fn staff_pins(&self) -> Result<Option<(String, KioskStaff)>, KioskError> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT etag, body FROM staff WHERE only = 1")
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(etag, body)| Ok((etag, serde_json::from_str(&body)?)))
            .transpose()
    }

    pub async fn save_staff_pins(&self, etag: &str, staff: &KioskStaff) -> Result<(), KioskError> {
        sqlx::query(
            "INSERT INTO staff (only, etag, body) VALUES (1, $1, $2) \
             ON CONFLICT (only) DO UPDATE SET etag = excluded.etag, body = excluded.body",
        )
        .bind(etag)
        .bind(serde_json::to_string(staff)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn staff_tries(&self, email: &str) -> Result<Tries, KioskError> {
        let row: Option<(i64, Option<DateTime<Utc>>)> =
            sqlx::query_as("SELECT failures, last_failure FROM staff_tries WHERE email = $1")
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        Ok(
            row.map_or_else(Tries::default, |(failures, last_failure)| Tries {
                failures: u32::try_from(failures).unwrap_or(u32::MAX),
                last_failure,
            }),
        )
    }

    pub async fn save_staff_tries(&self, email: &str, tries: Tries) -> Result<(), KioskError> {
        sqlx::query(
            "INSERT INTO staff_tries (email, failures, last_failure) VALUES ($1, $2, $3) \
             ON CONFLICT (email) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure",
        )
        .bind(email)
        .bind(i64::from(tries.failures))
        .bind(tries.last_failure)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn clear_staff_tries(&self, email: &str) -> Result<(), KioskError> {
        sqlx::query("DELETE FROM staff_tries WHERE email = $1")
            .bind(email)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_staff(&self, entry: &StaffEntry) -> Result<(), KioskError> {
        sqlx::query("INSERT INTO staff_history (id, body) VALUES ($1, $2)")
            .bind(entry.id.to_string())
            .bind(serde_json::to_string(entry)?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The oldest `limit` lines of history the cloud does not have yet.
    pub async fn staff_history_due(&self, limit: i64) -> Result<Vec<StaffEntry>, KioskError> {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM staff_history ORDER BY id LIMIT $1")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        bodies
            .iter()
            .map(|body| serde_json::from_str(body).map_err(KioskError::from))
            .collect()
    }

    pub async fn staff_history_sent(&self, ids: &[Uuid]) -> Result<(), KioskError> {
        for id in ids {
            sqlx::query("DELETE FROM staff_history WHERE id = $1")
                .bind(id.to_string())
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}
