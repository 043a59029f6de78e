//! Reception at the kiosk, for a signed-in person who admits visitors: today's visitors by where
//! they stand, admitting one (the visitor then signs, is photographed and gets their badge at the
//! screen, recorded as admitted by that person), checking one or everyone out, reprinting a badge
//! without the visitor's limit. It works from the kiosk's own copy, so it goes on offline.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    ApprovalStatus, CategoryKind, InvitationId, VisitStatus,
    staff::StaffEvent,
    visit::continues_after,
    window::{local_day, site_day},
    wire::KioskInvitation,
};
use gatehouse_devices::badge::Language;
use serde::Serialize;

use crate::{
    KioskError,
    checkin::ReprintOutcome,
    kiosk::Kiosk,
    visitors::{VisitorState, VisitorView},
};

/// Where a visitor of today stands, as reception's tabs sort them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LobbyTab {
    Expected,
    AwaitingApproval,
    /// A walk-in waiting for their host (or reception) to say they are expected.
    AwaitingHost,
    OnSite,
    CheckedOut,
}

/// A visitor of today on reception's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LobbyVisitor {
    pub invitation: InvitationId,
    pub name: String,
    pub company: String,
    pub host: String,
    pub category: CategoryKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub tab: LobbyTab,
}

/// What became of admitting a visitor.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Admission {
    /// The screen is the visitor's now: their NDA, photo and badge.
    Admitted { visitor: VisitorView },
    /// Not admitted: the invitation is in this state.
    Refused { state: VisitorState },
}

fn tab(invitation: &KioskInvitation) -> Option<LobbyTab> {
    Some(match (invitation.approval, invitation.visit) {
        (_, VisitStatus::CheckedIn) => LobbyTab::OnSite,
        (_, VisitStatus::CheckedOut) => LobbyTab::CheckedOut,
        (ApprovalStatus::Pending, _) if invitation.awaiting_host => LobbyTab::AwaitingHost,
        (ApprovalStatus::Pending, VisitStatus::Expected) => LobbyTab::AwaitingApproval,
        (ApprovalStatus::Approved, VisitStatus::Expected) => LobbyTab::Expected,
        _ => return None,
    })
}

impl Kiosk {
    /// Today's visitors, by start and name, each with the tab it belongs in.
    pub async fn lobby(&self) -> Result<Vec<LobbyVisitor>, KioskError> {
        self.receptionist(false).await?;
        let mut visitors: Vec<LobbyVisitor> = self
            .today()
            .await?
            .into_iter()
            .filter_map(|invitation| {
                Some(LobbyVisitor {
                    tab: tab(&invitation)?,
                    invitation: invitation.id,
                    name: invitation.visitor_name,
                    company: invitation.visitor_company,
                    host: invitation.host_name,
                    category: invitation.category,
                    starts_at: invitation.starts_at,
                    ends_at: invitation.ends_at,
                })
            })
            .collect();
        visitors.sort_by(|a, b| (a.starts_at, &a.name).cmp(&(b.starts_at, &b.name)));
        Ok(visitors)
    }

    async fn today(&self) -> Result<Vec<KioskInvitation>, KioskError> {
        let zone = self.time_zone().await?;
        let Some((start, end)) = local_day(site_day(self.clock.now(), zone), zone) else {
            return Ok(Vec::new());
        };
        self.store.invitations_between(start, end).await
    }

    /// Admits an expected visitor: the staff session ends and the screen is the visitor's, for
    /// the NDA, photo and badge of their invitation; the check-in is recorded as admitted by the
    /// person who tapped Admit.
    pub async fn admit(&self, id: InvitationId) -> Result<Admission, KioskError> {
        let person = self.receptionist(true).await?;
        let invitation = self.known(id).await?;
        let now = self.clock.now();
        let visitor = VisitorView::of(&invitation, now, self.time_zone().await?);
        if visitor.state != VisitorState::Ready {
            return Ok(Admission::Refused {
                state: visitor.state,
            });
        }
        self.staff_did(&person, StaffEvent::Admitted, Some(id))
            .await?;
        self.possession.vouched(id, person.id, now);
        // The visitor's turn: nothing of the staff session stays on the screen.
        self.staff_lock().await?;
        Ok(Admission::Admitted { visitor })
    }

    /// Checks a visitor out on their behalf (they left without the kiosk).
    pub async fn staff_check_out(&self, id: InvitationId) -> Result<bool, KioskError> {
        let person = self.receptionist(true).await?;
        let done = self.check_out_for(id, person.id).await?;
        if done {
            self.staff_did(&person, StaffEvent::CheckedOut, Some(id))
                .await?;
            self.sync_soon();
        }
        Ok(done)
    }

    /// Checks out everyone still on site (the end of the day); returns how many.
    pub async fn check_out_everyone(&self) -> Result<usize, KioskError> {
        let person = self.receptionist(true).await?;
        let mut checked_out = 0;
        for invitation in self.today().await? {
            if invitation.visit == VisitStatus::CheckedIn
                && self.check_out_for(invitation.id, person.id).await?
            {
                self.staff_did(&person, StaffEvent::CheckedOut, Some(invitation.id))
                    .await?;
                checked_out += 1;
            }
        }
        self.sync_soon();
        Ok(checked_out)
    }

    async fn check_out_for(
        &self,
        id: InvitationId,
        by: gatehouse_core::UserId,
    ) -> Result<bool, KioskError> {
        let invitation = self.known(id).await?;
        let now = self.clock.now();
        let continues = continues_after(invitation.ends_at, now, self.time_zone().await?);
        Ok(self
            .store
            .check_out(id, now, continues, Some(by))
            .await?
            .is_ok())
    }

    /// Prints a visitor's badge again, as often as reception decides.
    pub async fn staff_reprint(
        &self,
        id: InvitationId,
        language: Language,
    ) -> Result<ReprintOutcome, KioskError> {
        let person = self.receptionist(true).await?;
        let invitation = self.known(id).await?;
        let outcome = self.print_again(&invitation, language).await?;
        self.staff_did(&person, StaffEvent::Reprinted, Some(id))
            .await?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation(
        approval: ApprovalStatus,
        visit: VisitStatus,
        awaiting_host: bool,
    ) -> KioskInvitation {
        KioskInvitation {
            id: InvitationId::from(uuid::Uuid::now_v7()),
            host: gatehouse_core::UserId::from(uuid::Uuid::now_v7()),
            host_name: "Ada Lindqvist".into(),
            category: CategoryKind::Guest,
            visitor_name: "Sofia Rossi".into(),
            visitor_company: String::new(),
            starts_at: DateTime::<Utc>::UNIX_EPOCH,
            ends_at: DateTime::<Utc>::UNIX_EPOCH,
            approval,
            visit,
            documents: Vec::new(),
            token: String::new(),
            email_proof: String::new(),
            awaiting_host,
        }
    }

    #[test]
    fn reception_s_tabs_sort_today_s_visitors_by_where_they_stand() {
        use ApprovalStatus as A;
        use VisitStatus as V;
        let cases = [
            (A::Approved, V::Expected, false, Some(LobbyTab::Expected)),
            (
                A::Pending,
                V::Expected,
                false,
                Some(LobbyTab::AwaitingApproval),
            ),
            (A::Pending, V::Expected, true, Some(LobbyTab::AwaitingHost)),
            (A::Approved, V::CheckedIn, false, Some(LobbyTab::OnSite)),
            (A::Rejected, V::CheckedIn, false, Some(LobbyTab::OnSite)),
            (
                A::Approved,
                V::CheckedOut,
                false,
                Some(LobbyTab::CheckedOut),
            ),
            (A::Rejected, V::Expected, false, None),
            (A::Cancelled, V::Expected, false, None),
        ];
        for (approval, visit, awaiting_host, expected) in cases {
            assert_eq!(
                tab(&invitation(approval, visit, awaiting_host)),
                expected,
                "{approval:?} {visit:?}"
            );
        }
    }
}
