//! What a visitor at the kiosk may learn about an invitation, and how they find their own: the
//! state of their visit in plain terms, and name matches that never reveal more than a first
//! name and an initial.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
pub use gatehouse_core::visit::VisitorState;
use gatehouse_core::{
    CategoryKind, InvitationId, category::RequiredDocument, visit::at_kiosk, wire::KioskInvitation,
};
use gatehouse_core::{
    window::{local_day, site_day},
    wire::NdaTemplate,
};
use serde::{Deserialize, Serialize};

use crate::{KioskError, kiosk::Kiosk, store::Refusal};

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

/// One name that matched a search, shown as no more than "Anna S.".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameMatch {
    pub invitation: InvitationId,
    pub shown: String,
}

/// The fewest letters a search needs: fewer would list half the building.
pub const SHORTEST_SEARCH: usize = 3;
/// The most matches shown.
pub const MOST_MATCHES: usize = 5;

/// Whether every word typed starts a word of `name`, ignoring case.
pub fn matches(query: &str, name: &str) -> bool {
    let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    let mut typed = query.split_whitespace().peekable();
    typed.peek().is_some()
        && typed.all(|part| {
            let part = part.to_lowercase();
            words.iter().any(|word| word.starts_with(&part))
        })
}

/// "Anna Schmidt-Weber" → "Anna S."; a single name stays as it is.
pub fn first_name_and_initial(name: &str) -> String {
    let mut words = name.split_whitespace();
    let first = words.next().unwrap_or_default();
    match words.last().and_then(|last| last.chars().next()) {
        Some(initial) => format!("{first} {initial}."),
        None => first.to_owned(),
    }
}

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
        if code.len() > LONGEST_CODE || !code.starts_with("GH1.") {
            return Ok(Identified::NotAnInvitation);
        }
        let Some(invitation) = self.store.invitation_by_token(code).await? else {
            return Ok(Identified::UnknownInvitation);
        };
        let zone = self.time_zone().await?;
        Ok(Identified::Visitor {
            visitor: VisitorView::of(&invitation, self.clock.now(), zone),
        })
    }

    /// Today's visitors whose names start with what was typed, or whose invitation code it is,
    /// as "Anna S.", at most five.
    pub async fn find_visitors(
        &self,
        query: &str,
        purpose: Purpose,
    ) -> Result<Vec<NameMatch>, KioskError> {
        let query = query.trim();
        if query.chars().filter(|c| c.is_alphanumeric()).count() < SHORTEST_SEARCH
            || query.len() > 100
        {
            return Ok(Vec::new());
        }
        let code = gatehouse_core::invitation::parse_code(query);
        let now = self.clock.now();
        let zone = self.time_zone().await?;
        let Some((start, end)) = local_day(site_day(now, zone), zone) else {
            return Ok(Vec::new());
        };
        let mut found: Vec<NameMatch> = self
            .store
            .invitations_between(start, end)
            .await?
            .into_iter()
            .filter(|invitation| match &code {
                // Typed the code from the invitation email.
                Some(code) => gatehouse_core::invitation::code(invitation.id) == *code,
                None => matches(query, &invitation.visitor_name),
            })
            .filter(|invitation| {
                let state = at_kiosk(invitation, now, zone);
                match purpose {
                    Purpose::CheckIn => {
                        state != VisitorState::CheckedIn && state != VisitorState::VisitOver
                    }
                    Purpose::CheckOut => state == VisitorState::CheckedIn,
                }
            })
            .map(|invitation| NameMatch {
                invitation: invitation.id,
                shown: first_name_and_initial(&invitation.visitor_name),
            })
            .collect();
        found.sort_by(|a, b| a.shown.cmp(&b.shown));
        found.truncate(MOST_MATCHES);
        Ok(found)
    }

    /// One invitation, chosen from the matches of a search.
    pub async fn visitor(&self, invitation: InvitationId) -> Result<VisitorView, KioskError> {
        let found = self.known(invitation).await?;
        Ok(VisitorView::of(
            &found,
            self.clock.now(),
            self.time_zone().await?,
        ))
    }

    /// Tells reception that the visitor of `invitation` is here while it waits for approval.
    pub async fn ask_reception(&self, invitation: InvitationId) -> Result<(), KioskError> {
        let token = self.store.device_token().await?;
        self.cloud.ask_reception(&token, invitation).await
    }

    /// The NDA to show, as last synced.
    pub async fn nda(&self) -> Result<NdaTemplate, KioskError> {
        self.store
            .nda()
            .await?
            .ok_or_else(|| KioskError::Invalid("no NDA text has reached this kiosk yet".into()))
    }

    /// Checks the visitor of `invitation` out.
    pub async fn check_out(&self, invitation: InvitationId) -> Result<CheckOutOutcome, KioskError> {
        let found = self.known(invitation).await?;
        match self.store.check_out(invitation, self.clock.now()).await? {
            Ok(_) => {
                self.sync_soon();
                Ok(CheckOutOutcome::CheckedOut {
                    name: first_name_and_initial(&found.visitor_name),
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

    #[test]
    fn search_matches_the_start_of_every_word_typed() {
        assert!(matches("anna", "Anna Schmidt"));
        assert!(matches("schm an", "Anna Schmidt"));
        assert!(matches("ÖZT", "Ayşe Öztürk"));
        assert!(!matches("midt", "Anna Schmidt"));
        assert!(!matches("anna weber", "Anna Schmidt"));
        assert!(!matches("   ", "Anna Schmidt"));
    }

    #[test]
    fn matches_show_only_first_name_and_initial() {
        assert_eq!(first_name_and_initial("Anna Schmidt-Weber"), "Anna S.");
        assert_eq!(first_name_and_initial("José María de la Cruz"), "José C.");
        assert_eq!(first_name_and_initial("Madonna"), "Madonna");
        assert_eq!(first_name_and_initial("Ölçer Ünal"), "Ölçer Ü.");
    }
}
