//! What a kiosk reports from the lobby — a visitor checked in, a visitor checked out — and what
//! the cloud makes of it when the report arrives, possibly long after, from a kiosk that was
//! offline while the invitation changed.

//!
//! Two questions are asked about a visitor at the kiosk, and they differ on purpose:
//! - [`at_kiosk`] is what the screen tells the visitor *now*, judged by the site's calendar
//!   day: a visit on another day is "not today" or "expired" even though it is approved.
//! - [`may_admit`] is whether a check-in may be *recorded*, by the invitation's states alone:
//!   a check-in taken before midnight and written or reported after it must still land, so
//!   the store and the cloud never judge by the day.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{
    invitation::{AdmissionRefused, ApprovalStatus, VisitStatus, may_admit},
    window::site_day,
    wire::KioskInvitation,
};

/// Where a visitor stands, as the kiosk's screen explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorState {
    /// Approved, today, not yet here: check in.
    Ready,
    /// Waiting for approval: see reception (who are told).
    AwaitingApproval,
    /// Screening held the invitation: "please see reception", and nothing on screen says why.
    SeeReception,
    /// A walk-in waiting for their host (or reception) to say they are expected.
    AwaitingHost,
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
    /// Today, but a document the kiosk cannot take (a certificate of insurance, an ID) is still
    /// missing: reception sees which.
    DocumentsMissing,
}

/// The visitor's state at `now`, judged by the site's calendar day. A visitor late for their
/// window is still welcome the same day; the day is what counts.
pub fn at_kiosk(invitation: &KioskInvitation, now: DateTime<Utc>, zone: Tz) -> VisitorState {
    if invitation.visit == VisitStatus::CheckedIn && invitation.approval != ApprovalStatus::Approved
    {
        return VisitorState::BadgeRevoked;
    }
    match invitation.approval {
        ApprovalStatus::Pending if invitation.held => return VisitorState::SeeReception,
        ApprovalStatus::Pending if invitation.awaiting_host => return VisitorState::AwaitingHost,
        ApprovalStatus::Pending => return VisitorState::AwaitingApproval,
        ApprovalStatus::Rejected => return VisitorState::Rejected,
        ApprovalStatus::Cancelled => return VisitorState::Cancelled,
        ApprovalStatus::Approved => {}
    }
    let today = site_day(now, zone);
    match invitation.visit {
        // Checked in on a day that is over: never shown as here, never reprinted.
        VisitStatus::CheckedIn if site_day(invitation.ends_at, zone) < today => {
            return VisitorState::VisitOver;
        }
        VisitStatus::CheckedIn => return VisitorState::CheckedIn,
        VisitStatus::Expected => {}
        _ => return VisitorState::VisitOver,
    }
    if site_day(invitation.ends_at, zone) < today {
        VisitorState::Expired
    } else if site_day(invitation.starts_at, zone) > today {
        VisitorState::NotToday
    } else if invitation
        .credential
        .as_ref()
        .is_some_and(|credential| !credential.missing.is_empty())
    {
        VisitorState::DocumentsMissing
    } else {
        VisitorState::Ready
    }
}

/// Something that happened at the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitEvent {
    CheckIn,
    CheckOut,
    /// The visitor's badge came out of the kiosk's printer.
    BadgePrinted,
}

impl VisitEvent {
    /// Its name in the cloud's records and the invitation's history.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::CheckOut => "check_out",
            Self::BadgePrinted => "badge_printed",
        }
    }

    /// What the invitation's history says happened.
    pub fn done(self) -> &'static str {
        match self {
            Self::CheckIn => "checked_in",
            Self::CheckOut => "checked_out",
            Self::BadgePrinted => "badge_printed",
        }
    }

    /// What the history says happened when reception did it at the kiosk for the visitor.
    pub fn done_by_staff(self) -> &'static str {
        match self {
            Self::CheckIn => "admitted",
            other => other.done(),
        }
    }
}

/// Whether a visit ending at `ends_at` goes on after the site day of `at` (a multi-day visit).
pub fn continues_after(ends_at: DateTime<Utc>, at: DateTime<Utc>, zone: Tz) -> bool {
    site_day(ends_at, zone) > site_day(at, zone)
}

/// What a reported event does to the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitOutcome {
    /// The visit moves to this state.
    Applied(VisitStatus),
    /// It already had happened (a second scan, a report sent twice): nothing changes.
    AlreadyDone,
    /// The visitor is physically through the door, but the invitation no longer allowed it (it
    /// was rejected or cancelled while the kiosk was offline): the visit is recorded as it is —
    /// the muster list must count them — and reception is told. Never accepted silently.
    Flagged(VisitStatus, AdmissionRefused),
    /// The visit stays as it is and the event joins the invitation's history (a badge printed).
    Noted,
    /// The report cannot apply (checking out someone never checked in).
    Refused(&'static str),
}

/// What recording a report does besides the visit's state; the store writes exactly these and
/// decides nothing itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effects {
    /// The visit moves to this state, with an entry in the invitation's history.
    pub visit: Option<VisitStatus>,
    /// The host is sent "your visitor has arrived".
    pub tell_host_arrived: bool,
    /// The visitor is inside on an invitation that no longer admits them: their badge no longer
    /// counts (the history says so; reception collects it).
    pub revoke_credential: bool,
    /// A badge came out of the kiosk's printer after all: the history notes it, and the
    /// unprinted badge waiting for reception is withdrawn.
    pub withdraw_unprinted_badge: bool,
}

impl VisitOutcome {
    /// The effects of this outcome of `event`.
    pub fn effects(self, event: VisitEvent) -> Effects {
        match self {
            Self::Applied(status) => Effects {
                visit: Some(status),
                tell_host_arrived: status == VisitStatus::CheckedIn,
                ..Effects::default()
            },
            Self::Flagged(status, _) => Effects {
                visit: Some(status),
                tell_host_arrived: status == VisitStatus::CheckedIn,
                revoke_credential: true,
                ..Effects::default()
            },
            Self::Noted => Effects {
                withdraw_unprinted_badge: event == VisitEvent::BadgePrinted,
                ..Effects::default()
            },
            Self::AlreadyDone | Self::Refused(_) => Effects::default(),
        }
    }
}

/// The one rule for kiosk reports. `continues` says the visit's window goes on after the site
/// day the event happened: a visitor of a multi-day visit who checks out may come back another
/// day, so the visit is expected again rather than over.
pub fn apply(
    approval: ApprovalStatus,
    visit: VisitStatus,
    event: VisitEvent,
    continues: bool,
) -> VisitOutcome {
    match event {
        VisitEvent::CheckIn => match may_admit(approval, visit) {
            Ok(()) => VisitOutcome::Applied(VisitStatus::CheckedIn),
            Err(AdmissionRefused::AlreadyCheckedIn) => VisitOutcome::AlreadyDone,
            Err(AdmissionRefused::VisitOver) => VisitOutcome::Refused("the visit is over"),
            Err(refused) => {
                if visit == VisitStatus::CheckedIn {
                    VisitOutcome::AlreadyDone
                } else {
                    VisitOutcome::Flagged(VisitStatus::CheckedIn, refused)
                }
            }
        },
        VisitEvent::CheckOut => match visit {
            VisitStatus::CheckedIn if continues => VisitOutcome::Applied(VisitStatus::Expected),
            VisitStatus::CheckedIn => VisitOutcome::Applied(VisitStatus::CheckedOut),
            VisitStatus::CheckedOut => VisitOutcome::AlreadyDone,
            VisitStatus::Expected | VisitStatus::NoShow | VisitStatus::Expired => {
                VisitOutcome::Refused("the visitor was never checked in")
            }
        },
        VisitEvent::BadgePrinted => match visit {
            VisitStatus::CheckedIn => VisitOutcome::Noted,
            _ => VisitOutcome::Refused("badges are printed for visitors checked in"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApprovalStatus::{Approved, Cancelled, Pending, Rejected};
    use VisitStatus::{CheckedIn, CheckedOut, Expected, Expired};
    use chrono_tz::Europe::Berlin;

    #[test]
    fn a_visit_checked_into_on_a_day_now_over_is_never_shown_as_here() {
        let yesterday = invitation(
            "2026-11-30T09:00:00+01:00",
            "2026-11-30T17:00:00+01:00",
            Approved,
            CheckedIn,
        );
        assert_eq!(
            at_kiosk(&yesterday, at("2026-11-30T23:00:00+01:00"), Berlin),
            VisitorState::CheckedIn
        );
        assert_eq!(
            at_kiosk(&yesterday, at("2026-12-01T08:00:00+01:00"), Berlin),
            VisitorState::VisitOver
        );
    }

    #[test]
    fn a_multi_day_visitor_who_checks_out_is_expected_again_on_a_later_day() {
        assert_eq!(
            apply(Approved, CheckedIn, VisitEvent::CheckOut, true),
            VisitOutcome::Applied(Expected)
        );
        let now = at("2026-12-01T17:00:00+01:00");
        assert!(continues_after(
            at("2026-12-03T17:00:00+01:00"),
            now,
            Berlin
        ));
        assert!(!continues_after(
            at("2026-12-01T23:30:00+01:00"),
            now,
            Berlin
        ));
    }

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    fn invitation(
        starts: &str,
        ends: &str,
        approval: ApprovalStatus,
        visit: VisitStatus,
    ) -> KioskInvitation {
        KioskInvitation {
            id: uuid::Uuid::now_v7().into(),
            token: "GH1.x".into(),
            email_proof: String::new(),
            awaiting_host: false,
            held: false,
            checked_in_at: None,
            host: uuid::Uuid::now_v7().into(),
            host_name: "Ada Host".into(),
            category: crate::CategoryKind::Guest,
            visitor_name: "Frank Müller".into(),
            visitor_company: String::new(),
            starts_at: at(starts),
            ends_at: at(ends),
            approval,
            visit,
            documents: Vec::new(),
            credential: None,
        }
    }

    #[test]
    fn a_visitor_is_welcome_all_day_of_their_visit_and_only_then() {
        let visit = invitation(
            "2026-12-02T09:00:00Z",
            "2026-12-02T10:00:00Z",
            Approved,
            Expected,
        );
        // 00:10 on 2 December in Berlin (still 1 December in UTC): their day has begun.
        assert_eq!(
            at_kiosk(&visit, at("2026-12-01T23:10:00Z"), Berlin),
            VisitorState::Ready
        );
        // Late for the window, the same day: still welcome.
        assert_eq!(
            at_kiosk(&visit, at("2026-12-02T16:00:00Z"), Berlin),
            VisitorState::Ready
        );
        // 23:50 on 1 December in Berlin: not today.
        assert_eq!(
            at_kiosk(&visit, at("2026-12-01T22:50:00Z"), Berlin),
            VisitorState::NotToday
        );
        // 00:10 on 3 December in Berlin: the day is over.
        assert_eq!(
            at_kiosk(&visit, at("2026-12-02T23:10:00Z"), Berlin),
            VisitorState::Expired
        );
    }

    #[test]
    fn a_visitor_still_owing_a_document_the_kiosk_cannot_take_is_sent_to_reception() {
        let mut visit = invitation(
            "2026-12-02T09:00:00Z",
            "2026-12-02T10:00:00Z",
            Approved,
            Expected,
        );
        visit.credential = Some(crate::wire::KioskCredential {
            id: crate::CredentialId(uuid::Uuid::from_u128(1)),
            token: "GHC2.x.y".into(),
            zones: vec!["Lobby".into()],
            escorted_zones: Vec::new(),
            escort: false,
            missing: vec![crate::category::RequiredDocument::CertificateOfInsurance],
            revoked: false,
        });
        let morning = at("2026-12-02T08:30:00Z");
        assert_eq!(
            at_kiosk(&visit, morning, Berlin),
            VisitorState::DocumentsMissing
        );
        visit.credential.as_mut().unwrap().missing.clear();
        assert_eq!(at_kiosk(&visit, morning, Berlin), VisitorState::Ready);
    }

    #[test]
    fn the_kiosk_judges_by_the_day_but_recording_a_check_in_does_not() {
        let yesterday = invitation(
            "2026-12-01T09:00:00Z",
            "2026-12-01T10:00:00Z",
            Approved,
            Expected,
        );
        let now = at("2026-12-02T08:00:00Z");
        assert_eq!(at_kiosk(&yesterday, now, Berlin), VisitorState::Expired);
        // A check-in taken yesterday and written or reported today still lands.
        assert_eq!(may_admit(yesterday.approval, yesterday.visit), Ok(()));
    }

    #[test]
    fn a_held_invitation_sends_the_visitor_to_reception_and_says_no_more() {
        let now = at("2026-11-25T08:00:00Z");
        let held = KioskInvitation {
            held: true,
            ..invitation(
                "2026-11-25T09:00:00Z",
                "2026-11-25T10:00:00Z",
                Pending,
                Expected,
            )
        };
        assert_eq!(at_kiosk(&held, now, Berlin), VisitorState::SeeReception);
    }

    #[test]
    fn pending_rejected_and_cancelled_invitations_are_never_ready() {
        let now = at("2026-11-25T08:00:00Z");
        for (approval, expected) in [
            (Pending, VisitorState::AwaitingApproval),
            (Rejected, VisitorState::Rejected),
            (Cancelled, VisitorState::Cancelled),
        ] {
            let today = invitation(
                "2026-11-25T09:00:00Z",
                "2026-11-25T10:00:00Z",
                approval,
                Expected,
            );
            assert_eq!(at_kiosk(&today, now, Berlin), expected);
        }
    }

    #[test]
    fn visit_tomorrow_in_the_facility_time_zone_is_not_today() {
        // 23:30 UTC on the 25th is already the 26th in Berlin: "today" there.
        let now = at("2026-11-25T23:30:00Z");
        let next_morning = invitation(
            "2026-11-26T08:00:00Z",
            "2026-11-26T10:00:00Z",
            Approved,
            Expected,
        );
        assert_eq!(at_kiosk(&next_morning, now, Berlin), VisitorState::Ready);
        assert_eq!(
            at_kiosk(&next_morning, now, chrono_tz::America::New_York),
            VisitorState::NotToday
        );
    }

    #[test]
    fn checked_in_visitor_is_offered_check_out_and_a_checked_out_one_is_told_the_visit_is_over() {
        let now = at("2026-11-25T15:00:00Z");
        let visit = |status| {
            invitation(
                "2026-11-25T09:00:00Z",
                "2026-11-25T11:00:00Z",
                Approved,
                status,
            )
        };
        assert_eq!(
            at_kiosk(&visit(CheckedIn), now, Berlin),
            VisitorState::CheckedIn
        );
        assert_eq!(
            at_kiosk(&visit(CheckedOut), now, Berlin),
            VisitorState::VisitOver
        );
        assert_eq!(
            at_kiosk(&visit(Expired), now, Berlin),
            VisitorState::VisitOver
        );
    }

    #[test]
    fn visitor_inside_whose_invitation_was_rejected_since_has_the_badge_revoked() {
        let now = at("2026-11-25T15:00:00Z");
        for approval in [Rejected, Cancelled, Pending] {
            let inside = invitation(
                "2026-11-25T09:00:00Z",
                "2026-11-25T11:00:00Z",
                approval,
                CheckedIn,
            );
            assert_eq!(at_kiosk(&inside, now, Berlin), VisitorState::BadgeRevoked);
        }
    }

    #[test]
    fn the_host_is_told_of_an_arrival_only_when_the_visitor_is_let_in() {
        let effects =
            apply(Approved, Expected, VisitEvent::CheckIn, false).effects(VisitEvent::CheckIn);
        assert_eq!(
            effects,
            Effects {
                visit: Some(CheckedIn),
                tell_host_arrived: true,
                ..Effects::default()
            }
        );
        for (approval, visit) in [
            (Approved, CheckedIn),
            (Approved, CheckedOut),
            (Approved, Expired),
        ] {
            let effects =
                apply(approval, visit, VisitEvent::CheckIn, false).effects(VisitEvent::CheckIn);
            assert!(!effects.tell_host_arrived, "{approval:?} {visit:?}");
            assert_eq!(effects.visit, None);
        }
        let out =
            apply(Approved, CheckedIn, VisitEvent::CheckOut, false).effects(VisitEvent::CheckOut);
        assert!(!out.tell_host_arrived);
    }

    #[test]
    fn a_flagged_check_in_revokes_the_credential() {
        let effects =
            apply(Rejected, Expected, VisitEvent::CheckIn, false).effects(VisitEvent::CheckIn);
        assert!(effects.revoke_credential);
        assert_eq!(effects.visit, Some(CheckedIn));
        assert!(
            !apply(Approved, Expected, VisitEvent::CheckIn, false)
                .effects(VisitEvent::CheckIn)
                .revoke_credential
        );
    }

    #[test]
    fn a_printed_badge_withdraws_the_unprinted_one() {
        let effects = apply(Approved, CheckedIn, VisitEvent::BadgePrinted, false)
            .effects(VisitEvent::BadgePrinted);
        assert_eq!(
            effects,
            Effects {
                withdraw_unprinted_badge: true,
                ..Effects::default()
            }
        );
        let refused = apply(Approved, Expected, VisitEvent::BadgePrinted, false)
            .effects(VisitEvent::BadgePrinted);
        assert_eq!(refused, Effects::default());
    }

    #[test]
    fn an_approved_expected_visitor_checks_in_and_out() {
        assert_eq!(
            apply(Approved, Expected, VisitEvent::CheckIn, false),
            VisitOutcome::Applied(CheckedIn)
        );
        assert_eq!(
            apply(Approved, CheckedIn, VisitEvent::CheckOut, false),
            VisitOutcome::Applied(CheckedOut)
        );
    }

    #[test]
    fn a_printed_badge_is_noted_for_a_visitor_inside_and_refused_otherwise() {
        assert_eq!(
            apply(Approved, CheckedIn, VisitEvent::BadgePrinted, false),
            VisitOutcome::Noted
        );
        assert_eq!(
            apply(Rejected, CheckedIn, VisitEvent::BadgePrinted, false),
            VisitOutcome::Noted,
            "a flagged visitor inside still wears a badge"
        );
        for visit in [Expected, CheckedOut, Expired] {
            assert!(matches!(
                apply(Approved, visit, VisitEvent::BadgePrinted, false),
                VisitOutcome::Refused(_)
            ));
        }
    }

    #[test]
    fn a_report_sent_twice_changes_nothing_the_second_time() {
        assert_eq!(
            apply(Approved, CheckedIn, VisitEvent::CheckIn, false),
            VisitOutcome::AlreadyDone
        );
        assert_eq!(
            apply(Approved, CheckedOut, VisitEvent::CheckOut, false),
            VisitOutcome::AlreadyDone
        );
    }

    #[test]
    fn a_check_in_against_a_rejected_or_cancelled_invitation_is_flagged_never_silently_accepted() {
        assert_eq!(
            apply(Rejected, Expected, VisitEvent::CheckIn, false),
            VisitOutcome::Flagged(CheckedIn, AdmissionRefused::Rejected)
        );
        assert_eq!(
            apply(Cancelled, Expected, VisitEvent::CheckIn, false),
            VisitOutcome::Flagged(CheckedIn, AdmissionRefused::Cancelled)
        );
        assert_eq!(
            apply(Pending, Expected, VisitEvent::CheckIn, false),
            VisitOutcome::Flagged(CheckedIn, AdmissionRefused::AwaitingApproval)
        );
    }

    #[test]
    fn checking_out_someone_never_checked_in_or_into_a_visit_over_is_refused() {
        assert!(matches!(
            apply(Approved, Expected, VisitEvent::CheckOut, false),
            VisitOutcome::Refused(_)
        ));
        assert!(matches!(
            apply(Approved, Expired, VisitEvent::CheckIn, false),
            VisitOutcome::Refused(_)
        ));
        assert!(matches!(
            apply(Approved, CheckedOut, VisitEvent::CheckIn, false),
            VisitOutcome::Refused(_)
        ));
    }
}
