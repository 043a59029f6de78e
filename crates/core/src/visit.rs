//! What a kiosk reports from the lobby — a visitor checked in, a visitor checked out — and what
//! the cloud makes of it when the report arrives, possibly long after, from a kiosk that was
//! offline while the invitation changed.

use serde::{Deserialize, Serialize};

use crate::invitation::{AdmissionRefused, ApprovalStatus, VisitStatus, may_admit};

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

/// The one rule for kiosk reports.
pub fn apply(approval: ApprovalStatus, visit: VisitStatus, event: VisitEvent) -> VisitOutcome {
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

    #[test]
    fn an_approved_expected_visitor_checks_in_and_out() {
        assert_eq!(
            apply(Approved, Expected, VisitEvent::CheckIn),
            VisitOutcome::Applied(CheckedIn)
        );
        assert_eq!(
            apply(Approved, CheckedIn, VisitEvent::CheckOut),
            VisitOutcome::Applied(CheckedOut)
        );
    }

    #[test]
    fn a_printed_badge_is_noted_for_a_visitor_inside_and_refused_otherwise() {
        assert_eq!(
            apply(Approved, CheckedIn, VisitEvent::BadgePrinted),
            VisitOutcome::Noted
        );
        assert_eq!(
            apply(Rejected, CheckedIn, VisitEvent::BadgePrinted),
            VisitOutcome::Noted,
            "a flagged visitor inside still wears a badge"
        );
        for visit in [Expected, CheckedOut, Expired] {
            assert!(matches!(
                apply(Approved, visit, VisitEvent::BadgePrinted),
                VisitOutcome::Refused(_)
            ));
        }
    }

    #[test]
    fn a_report_sent_twice_changes_nothing_the_second_time() {
        assert_eq!(
            apply(Approved, CheckedIn, VisitEvent::CheckIn),
            VisitOutcome::AlreadyDone
        );
        assert_eq!(
            apply(Approved, CheckedOut, VisitEvent::CheckOut),
            VisitOutcome::AlreadyDone
        );
    }

    #[test]
    fn a_check_in_against_a_rejected_or_cancelled_invitation_is_flagged_never_silently_accepted() {
        assert_eq!(
            apply(Rejected, Expected, VisitEvent::CheckIn),
            VisitOutcome::Flagged(CheckedIn, AdmissionRefused::Rejected)
        );
        assert_eq!(
            apply(Cancelled, Expected, VisitEvent::CheckIn),
            VisitOutcome::Flagged(CheckedIn, AdmissionRefused::Cancelled)
        );
        assert_eq!(
            apply(Pending, Expected, VisitEvent::CheckIn),
            VisitOutcome::Flagged(CheckedIn, AdmissionRefused::AwaitingApproval)
        );
    }

    #[test]
    fn checking_out_someone_never_checked_in_or_into_a_visit_over_is_refused() {
        assert!(matches!(
            apply(Approved, Expected, VisitEvent::CheckOut),
            VisitOutcome::Refused(_)
        ));
        assert!(matches!(
            apply(Approved, Expired, VisitEvent::CheckIn),
            VisitOutcome::Refused(_)
        ));
        assert!(matches!(
            apply(Approved, CheckedOut, VisitEvent::CheckIn),
            VisitOutcome::Refused(_)
        ));
    }
}
