//! What a visitor at the kiosk may learn about an invitation, and how they find their own: by
//! its QR code or the code in their email, or by their full name and then the address the
//! invitation went to. Nothing is shown of an invitation until it is shown to be theirs, and no
//! answer tells whether a name is expected.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
pub use gatehouse_core::visit::VisitorState;
use gatehouse_core::{
    CategoryKind, InvitationId,
    category::RequiredDocument,
    credential,
    visit::{at_kiosk, continues_after},
    wire::KioskInvitation,
};
use gatehouse_core::{
    window::{local_day, site_day},
    wire::NdaTemplate,
};
use serde::{Deserialize, Serialize};

use crate::{KioskError, kiosk::Kiosk, store::Refusal};
use gatehouse_core::proof;

/// The invitation as the visitor who holds it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitorView {
    pub invitation: InvitationId,
    pub name: String,
    pub company: String,
    pub host: String,
    pub category: CategoryKind,
    pub state: VisitorState,
    pub nda: bool,
    pub photo: bool,
}

impl VisitorView {
    pub fn of(invitation: &KioskInvitation, now: DateTime<Utc>, zone: Tz) -> Self {
        Self {
            invitation: invitation.id,
            name: invitation.visitor_name.clone(),
            company: invitation.visitor_company.clone(),
            host: invitation.host_name.clone(),
            category: invitation.category,
            state: at_kiosk(invitation, now, zone),
            nda: invitation.documents.contains(&RequiredDocument::Nda),
            photo: invitation.documents.contains(&RequiredDocument::Photo),
        }
    }
}

/// Longer than any name, address or code; anything longer is not a search.
const LONGEST_TYPED: usize = 200;

/// The longest code a QR on an invitation or badge carries.
const LONGEST_CODE: usize = 512;

/// What a scanned or typed code turned out to be.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Identified {
    Visitor {
        visitor: VisitorView,
    },
    /// A Gatehouse code, but not one for this building or one this kiosk has heard of.
    UnknownInvitation,
    /// Some other QR code (a web address, a boarding pass).
    NotAnInvitation,
}

/// Why a visitor searches: to check in (today's expected visitors) or out (those here now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    CheckIn,
    CheckOut,
}

/// What a search for an invitation without its QR code came to. None of them says whether
/// anyone of a typed name is expected.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Shown to be theirs: the visit as its visitor sees it.
    Visitor { visitor: VisitorView },
    /// A full name: now the address the invitation went to, or its code.
    ProofNeeded,
    /// One word, or a fragment: a full name is needed (or the code).
    FullNameNeeded,
    /// No invitation of today has that code, or that name and address.
    NotFound,
    /// Too many wrong tries lately: the visitor goes to reception.
    TooManyTries,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CheckOutOutcome {
    CheckedOut { name: String },
    NotCheckedIn,
}

impl Kiosk {
    /// The visitor a scanned or typed code belongs to.
    pub async fn identify(&self, code: &str) -> Result<Identified, KioskError> {
        let code = code.trim();
        if code.len() > LONGEST_CODE {
            return Ok(Identified::NotAnInvitation);
        }
        let found = if code.starts_with("GH1.") {
            self.store.invitation_by_token(code).await?
        } else if credential::key_id(code).is_some() {
            self.badge_holder(code).await?
        } else {
            return Ok(Identified::NotAnInvitation);
        };
        let Some(invitation) = found else {
            return Ok(Identified::UnknownInvitation);
        };
        let zone = self.time_zone().await?;
        let now = self.clock.now();
        self.possession.shown(invitation.id, now);
        Ok(Identified::Visitor {
            visitor: VisitorView::of(&invitation, now, zone),
        })
    }

    /// The visitor whose badge carries the door credential `code`, checked offline with the
    /// cloud's keys: signed by the cloud and this kiosk's record of that visit's credential. A
    /// credential out of its window or revoked still names its visitor (who may check out); a
    /// forged or altered one names nobody.
    async fn badge_holder(&self, code: &str) -> Result<Option<KioskInvitation>, KioskError> {
        let key = match credential::key_id(code) {
            Some(kid) => self.store.credential_key(kid).await?,
            None => None,
        };
        if let Err(error) = credential::open(code, |_| key) {
            tracing::warn!(%error, "a badge's credential was refused");
            return Ok(None);
        }
        self.store.invitation_by_credential(code).await
    }

    /// A visitor without their QR code types the code from their email (and is found) or their
    /// full name (and is asked for proof, whether or not anyone of that name is expected).
    pub async fn find_invitation(
        &self,
        typed: &str,
        purpose: Purpose,
    ) -> Result<Finding, KioskError> {
        let now = self.clock.now();
        if self.possession.too_many_tries(now) {
            return Ok(Finding::TooManyTries);
        }
        if typed.len() > LONGEST_TYPED {
            return Ok(Finding::FullNameNeeded);
        }
        if let Some(code) = gatehouse_core::invitation::parse_code(typed) {
            let found = self
                .todays(purpose)
                .await?
                .into_iter()
                .find(|invitation| gatehouse_core::invitation::code(invitation.id) == code);
            return self.found(found, now).await;
        }
        Ok(if proof::fold(typed).contains(' ') {
            Finding::ProofNeeded
        } else {
            Finding::FullNameNeeded
        })
    }

    /// The visitor named `name` proves the invitation is theirs with the address it was sent to
    /// or its code.
    pub async fn prove_invitation(
        &self,
        name: &str,
        answer: &str,
        purpose: Purpose,
    ) -> Result<Finding, KioskError> {
        let now = self.clock.now();
        if self.possession.too_many_tries(now) {
            return Ok(Finding::TooManyTries);
        }
        if name.len() > LONGEST_TYPED || answer.len() > LONGEST_TYPED || answer.trim().is_empty() {
            return Ok(Finding::NotFound);
        }
        let code = gatehouse_core::invitation::parse_code(answer);
        let found = self
            .todays(purpose)
            .await?
            .into_iter()
            .filter(|invitation| proof::is_full_name(name, &invitation.visitor_name))
            .find(|invitation| match &code {
                Some(code) => gatehouse_core::invitation::code(invitation.id) == *code,
                None => {
                    !invitation.email_proof.is_empty()
                        && proof::email_proof(invitation.id, answer) == invitation.email_proof
                }
            });
        self.found(found, now).await
    }

    async fn found(
        &self,
        found: Option<KioskInvitation>,
        now: DateTime<Utc>,
    ) -> Result<Finding, KioskError> {
        let Some(invitation) = found else {
            self.possession.failed_try(now);
            return Ok(Finding::NotFound);
        };
        self.possession.shown(invitation.id, now);
        Ok(Finding::Visitor {
            visitor: VisitorView::of(&invitation, now, self.time_zone().await?),
        })
    }

    /// Today's invitations a visitor may look for: to check in (all but finished visits) or out
    /// (those here now).
    async fn todays(&self, purpose: Purpose) -> Result<Vec<KioskInvitation>, KioskError> {
        let now = self.clock.now();
        let zone = self.time_zone().await?;
        let Some((start, end)) = local_day(site_day(now, zone), zone) else {
            return Ok(Vec::new());
        };
        let mut todays = self.store.invitations_between(start, end).await?;
        todays.retain(|invitation| {
            let state = at_kiosk(invitation, now, zone);
            match purpose {
                Purpose::CheckIn => state != VisitorState::VisitOver,
                Purpose::CheckOut => state == VisitorState::CheckedIn,
            }
        });
        Ok(todays)
    }

    /// The invitation the visitor at the screen has shown is theirs (a walk-in waiting for their
    /// host looks at it again and again).
    pub async fn visitor(&self, invitation: InvitationId) -> Result<VisitorView, KioskError> {
        let found = self.shown(invitation).await?;
        Ok(VisitorView::of(
            &found,
            self.clock.now(),
            self.time_zone().await?,
        ))
    }

    /// The invitation `id`, if the visitor at the screen has shown it is theirs.
    pub async fn shown(&self, id: InvitationId) -> Result<KioskInvitation, KioskError> {
        self.possession.require(id, self.clock.now())?;
        self.known(id).await
    }

    /// Tells reception that the visitor of `invitation` is here while it waits for approval.
    pub async fn ask_reception(&self, invitation: InvitationId) -> Result<(), KioskError> {
        self.possession.require(invitation, self.clock.now())?;
        let token = self.store.device_token().await?;
        self.cloud.ask_reception(&token, invitation).await
    }

    /// The NDA to show in the visitor's `language` (English where the facility has none in it),
    /// as last synced.
    pub async fn nda(&self, language: gatehouse_core::Language) -> Result<NdaTemplate, KioskError> {
        self.store
            .nda(language)
            .await?
            .ok_or_else(|| KioskError::Invalid("no NDA text has reached this kiosk yet".into()))
    }

    /// Checks the visitor of `invitation` out.
    pub async fn check_out(&self, invitation: InvitationId) -> Result<CheckOutOutcome, KioskError> {
        let found = self.shown(invitation).await?;
        let now = self.clock.now();
        let continues = continues_after(found.ends_at, now, self.time_zone().await?);
        match self
            .store
            .check_out(invitation, now, continues, None)
            .await?
        {
            Ok(_) => {
                self.possession.forget();
                self.sync_soon();
                Ok(CheckOutOutcome::CheckedOut {
                    name: found
                        .visitor_name
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                })
            }
            Err(Refusal::NotCheckedIn | Refusal::Unknown | Refusal::NotAdmitted(_)) => {
                Ok(CheckOutOutcome::NotCheckedIn)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use gatehouse_core::{ApprovalStatus, VisitStatus};

    use super::*;

    fn invitation(
        approval: ApprovalStatus,
        visit: VisitStatus,
        starts: DateTime<Utc>,
    ) -> KioskInvitation {
        KioskInvitation {
            id: InvitationId::from(uuid::Uuid::now_v7()),
            host: gatehouse_core::UserId::from(uuid::Uuid::now_v7()),
            host_name: "Ada Lindqvist".into(),
            category: CategoryKind::Guest,
            visitor_name: "Anna Schmidt".into(),
            visitor_company: "Acme".into(),
            starts_at: starts,
            ends_at: starts + chrono::TimeDelta::hours(2),
            approval,
            visit,
            documents: vec![RequiredDocument::Nda],
            token: "GH1.x.y".into(),
            email_proof: String::new(),
            awaiting_host: false,
            held: false,
            checked_in_at: None,
            credential: None,
        }
    }

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    #[test]
    fn approved_invitation_for_later_today_is_ready() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
        let later = now + chrono::TimeDelta::hours(3);
        let view = VisitorView::of(
            &invitation(ApprovalStatus::Approved, VisitStatus::Expected, later),
            now,
            BERLIN,
        );
        assert_eq!(view.state, VisitorState::Ready);
        assert!(view.nda && !view.photo);
    }
}
