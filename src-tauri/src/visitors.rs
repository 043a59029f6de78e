//! What a visitor at the kiosk may learn about an invitation, and how they find their own: the
//! state of their visit in plain terms, and name matches that never reveal more than a first
//! name and an initial.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use gatehouse_core::{
    ApprovalStatus, CategoryKind, InvitationId, VisitStatus, category::RequiredDocument,
    wire::KioskInvitation,
};
use serde::Serialize;

/// Where a visitor stands, as the screen explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorState {
    /// Approved, today, not yet here: check in.
    Ready,
    /// Waiting for approval: see reception (who are told).
    AwaitingApproval,
    Rejected,
    Cancelled,
    /// Here already: reprint the badge or check out.
    CheckedIn,
    /// Inside, but the invitation was rejected or cancelled since: their badge is revoked (no
    /// reprint), they may check out, and reception will talk to them.
    BadgeRevoked,
    /// Checked out, or the visit was closed.
    VisitOver,
    /// The visit is on a later day.
    NotToday,
    /// The visit was on an earlier day.
    Expired,
}

/// The visit's state at `now`, judged by the facility's calendar day.
pub fn state(invitation: &KioskInvitation, now: DateTime<Utc>, zone: Tz) -> VisitorState {
    if invitation.visit == VisitStatus::CheckedIn && invitation.approval != ApprovalStatus::Approved
    {
        return VisitorState::BadgeRevoked;
    }
    match invitation.approval {
        ApprovalStatus::Pending => return VisitorState::AwaitingApproval,
        ApprovalStatus::Rejected => return VisitorState::Rejected,
        ApprovalStatus::Cancelled => return VisitorState::Cancelled,
        ApprovalStatus::Approved => {}
    }
    match invitation.visit {
        VisitStatus::CheckedIn => return VisitorState::CheckedIn,
        VisitStatus::Expected => {}
        _ => return VisitorState::VisitOver,
    }
    // A visitor late for their window is still welcome the same day; the day is what counts.
    let today = now.with_timezone(&zone).date_naive();
    if invitation.ends_at.with_timezone(&zone).date_naive() < today {
        VisitorState::Expired
    } else if invitation.starts_at.with_timezone(&zone).date_naive() > today {
        VisitorState::NotToday
    } else {
        VisitorState::Ready
    }
}

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
            state: state(invitation, now, zone),
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

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
    fn pending_rejected_and_cancelled_invitations_are_never_ready() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
        for (approval, expected) in [
            (ApprovalStatus::Pending, VisitorState::AwaitingApproval),
            (ApprovalStatus::Rejected, VisitorState::Rejected),
            (ApprovalStatus::Cancelled, VisitorState::Cancelled),
        ] {
            assert_eq!(
                state(
                    &invitation(approval, VisitStatus::Expected, now),
                    now,
                    BERLIN
                ),
                expected
            );
        }
    }

    #[test]
    fn visit_tomorrow_in_the_facility_time_zone_is_not_today() {
        // 23:30 UTC on the 25th is already the 26th in Berlin: "today" there.
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 23, 30, 0).unwrap();
        let next_morning = Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap();
        let approved = invitation(
            ApprovalStatus::Approved,
            VisitStatus::Expected,
            next_morning,
        );
        assert_eq!(state(&approved, now, BERLIN), VisitorState::Ready);
        assert_eq!(
            state(&approved, now, chrono_tz::America::New_York),
            VisitorState::NotToday
        );
    }

    #[test]
    fn visit_of_an_earlier_day_is_expired_but_a_late_arrival_the_same_day_is_welcome() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap();
        let this_morning = now - chrono::TimeDelta::hours(6);
        let yesterday = now - chrono::TimeDelta::days(1);
        let approved = |starts| invitation(ApprovalStatus::Approved, VisitStatus::Expected, starts);
        assert_eq!(
            state(&approved(this_morning), now, BERLIN),
            VisitorState::Ready
        );
        assert_eq!(
            state(&approved(yesterday), now, BERLIN),
            VisitorState::Expired
        );
    }

    #[test]
    fn checked_in_visitor_is_offered_check_out_and_a_checked_out_one_is_told_the_visit_is_over() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap();
        let morning = now - chrono::TimeDelta::hours(6);
        let visit = |status| invitation(ApprovalStatus::Approved, status, morning);
        assert_eq!(
            state(&visit(VisitStatus::CheckedIn), now, BERLIN),
            VisitorState::CheckedIn
        );
        assert_eq!(
            state(&visit(VisitStatus::CheckedOut), now, BERLIN),
            VisitorState::VisitOver
        );
    }

    #[test]
    fn visitor_inside_whose_invitation_was_rejected_since_has_the_badge_revoked() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap();
        let morning = now - chrono::TimeDelta::hours(6);
        for approval in [ApprovalStatus::Rejected, ApprovalStatus::Cancelled] {
            assert_eq!(
                state(
                    &invitation(approval, VisitStatus::CheckedIn, morning),
                    now,
                    BERLIN
                ),
                VisitorState::BadgeRevoked
            );
        }
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
