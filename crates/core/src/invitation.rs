//! An invitation's life: its approval status and its visit status, the moves between them, and
//! who hears about each move (seed "approval process").

use serde::{Deserialize, Serialize};

use crate::text::Text;

/// A reason given with a rejection or a step back: 1 to 1000 characters.
pub type Reason = Text<1000>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// Waiting for an admin; the guest has heard nothing.
    Pending,
    Approved,
    /// Final: the host may invite again, changed as needed.
    Rejected,
    /// Withdrawn by the host (or someone who sees all requests).
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Expected,
    CheckedIn,
    CheckedOut,
    NoShow,
    Expired,
}

macro_rules! str_names {
    ($ty:ty { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }

            /// Reads a stored name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

str_names!(ApprovalStatus {
    Pending => "pending",
    Approved => "approved",
    Rejected => "rejected",
    Cancelled => "cancelled",
});

str_names!(VisitStatus {
    Expected => "expected",
    CheckedIn => "checked_in",
    CheckedOut => "checked_out",
    NoShow => "no_show",
    Expired => "expired",
});

/// Who is told about a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Host,
    Guest,
    /// The visitor category's own address, told of every invitation in the category.
    CategoryEmail,
    /// The site's general visitor-security address, told of everything that needs approval.
    SecurityEmail,
}

/// What they are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    /// "Invitation pending approval", with a Review invitation link.
    PendingApproval,
    /// A new invitation in the category, needing no approval.
    NewInvitation,
    /// The guest's invitation: date, window, address, host, QR code, calendar file.
    GuestInvitation,
    Approved,
    /// With the reason, if one was given.
    Rejected,
    ReturnedToPending,
    /// The visit is off (to a guest who had been invited).
    Cancelled,
    /// The host's visitor has checked in at the kiosk.
    VisitorArrived,
    /// Someone at the kiosk without an invitation asks for the host: are they their visitor?
    WalkInWaiting,
    /// The guest is checked in: their door pass, for their phone, as the badge carries it.
    DoorPass,
    /// Screening matched the visitor with the watchlist and held the invitation: to security
    /// only, with the entry matched; neither guest nor host hears of it.
    ScreeningHit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Notice {
    pub to: Recipient,
    pub message: Message,
}

const fn notice(to: Recipient, message: Message) -> Notice {
    Notice { to, message }
}

/// Where a new invitation starts, and who hears of it.
pub fn on_create(needs_approval: bool) -> (ApprovalStatus, Vec<Notice>) {
    if needs_approval {
        (
            ApprovalStatus::Pending,
            vec![
                notice(Recipient::CategoryEmail, Message::PendingApproval),
                notice(Recipient::SecurityEmail, Message::PendingApproval),
            ],
        )
    } else {
        (
            ApprovalStatus::Approved,
            vec![
                notice(Recipient::CategoryEmail, Message::NewInvitation),
                notice(Recipient::Guest, Message::GuestInvitation),
            ],
        )
    }
}

/// Where an invitation screening matched with the watchlist starts, however it came: pending,
/// held for a facility approver's verdict, and only security told — not the guest, not the host,
/// not a walk-in's typed address.
pub fn on_hold() -> (ApprovalStatus, Vec<Notice>) {
    (
        ApprovalStatus::Pending,
        vec![notice(Recipient::SecurityEmail, Message::ScreeningHit)],
    )
}

/// Where a walk-in's invitation starts. Nobody is badged for naming an employee: unless the
/// category admits walk-ins without confirmation, it waits for the host (or reception) to say
/// they are expected — only the host hears of it, and the address the walk-in typed gets nothing.
/// Whether it then needs approval is the category's ordinary rule ([`answer_walk_in`]).
pub fn on_walk_in(without_confirmation: bool, needs_approval: bool) -> WalkInStart {
    if without_confirmation {
        let (approval, notices) = on_create(needs_approval);
        WalkInStart {
            approval,
            awaiting_host: false,
            notices,
        }
    } else {
        WalkInStart {
            approval: ApprovalStatus::Pending,
            awaiting_host: true,
            notices: vec![notice(Recipient::Host, Message::WalkInWaiting)],
        }
    }
}

/// A walk-in's invitation as it is first stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkInStart {
    pub approval: ApprovalStatus,
    /// It waits for the host or reception to say whether the walk-in is expected.
    pub awaiting_host: bool,
    pub notices: Vec<Notice>,
}

/// The host's (or reception's) answer about a walk-in waiting for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WalkInAnswer {
    /// "Yes, they are my visitor."
    MyVisitor,
    /// "I don't know them."
    Unknown,
}

impl WalkInAnswer {
    /// The audit history's name for the answer.
    pub fn name(self) -> &'static str {
        match self {
            Self::MyVisitor => "walk_in_confirmed",
            Self::Unknown => "walk_in_denied",
        }
    }
}

/// What an answer about a walk-in awaiting the host does: "my visitor" admits them where the
/// category needs no approval (and only now does the guest get their invitation), or passes the
/// invitation on to approval; "unknown" rejects it.
pub fn answer_walk_in(
    approval: ApprovalStatus,
    awaiting_host: bool,
    answer: WalkInAnswer,
    needs_approval: bool,
) -> Result<Outcome, TransitionError> {
    if approval != ApprovalStatus::Pending || !awaiting_host {
        return Err(TransitionError::NotAwaitingHost);
    }
    Ok(match (answer, needs_approval) {
        (WalkInAnswer::MyVisitor, false) => Outcome {
            approval: ApprovalStatus::Approved,
            notices: vec![
                notice(Recipient::CategoryEmail, Message::NewInvitation),
                notice(Recipient::Guest, Message::GuestInvitation),
            ],
            revoke_credentials: false,
        },
        (WalkInAnswer::MyVisitor, true) => Outcome {
            approval: ApprovalStatus::Pending,
            notices: vec![
                notice(Recipient::CategoryEmail, Message::PendingApproval),
                notice(Recipient::SecurityEmail, Message::PendingApproval),
            ],
            revoke_credentials: false,
        },
        (WalkInAnswer::Unknown, _) => Outcome {
            approval: ApprovalStatus::Rejected,
            notices: Vec::new(),
            revoke_credentials: false,
        },
    })
}

/// A decision about an existing invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject {
        reason: Option<Reason>,
    },
    /// Exceptional: an approved invitation goes back for review.
    ReturnToPending {
        reason: Option<Reason>,
    },
    Cancel,
}

impl Decision {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject { .. } => "reject",
            Self::ReturnToPending { .. } => "return_to_pending",
            Self::Cancel => "cancel",
        }
    }

    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Self::Reject { reason } | Self::ReturnToPending { reason } => reason.as_ref(),
            Self::Approve | Self::Cancel => None,
        }
    }
}

/// The result of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub approval: ApprovalStatus,
    pub notices: Vec<Notice>,
    /// Any door credential already issued for the visit must stop working.
    pub revoke_credentials: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the invitation is already {0}")]
    Already(&'static str),
    #[error("a {from} invitation cannot be {verb}")]
    NotFrom {
        from: &'static str,
        verb: &'static str,
    },
    #[error("the visitor has already arrived; check them out instead")]
    VisitUnderway,
    #[error("the invitation is not a walk-in waiting for its host")]
    NotAwaitingHost,
}

/// Applies `decision` to an invitation that is `approval` / `visit` now.
pub fn decide(
    approval: ApprovalStatus,
    visit: VisitStatus,
    decision: &Decision,
) -> Result<Outcome, TransitionError> {
    use ApprovalStatus::{Approved, Cancelled, Pending, Rejected};
    let from = approval.as_str();
    let outcome = |approval, notices: &[Notice], revoke_credentials| Outcome {
        approval,
        notices: notices.to_vec(),
        revoke_credentials,
    };
    match (decision, approval) {
        (Decision::Approve, Pending) => Ok(outcome(
            Approved,
            &[
                notice(Recipient::Host, Message::Approved),
                notice(Recipient::Guest, Message::GuestInvitation),
            ],
            false,
        )),
        (Decision::Approve, Approved) => Err(TransitionError::Already("approved")),
        (Decision::Approve, _) => Err(TransitionError::NotFrom {
            from,
            verb: "approved",
        }),

        (Decision::Reject { .. }, Pending) => Ok(outcome(
            Rejected,
            &[notice(Recipient::Host, Message::Rejected)],
            false,
        )),
        (Decision::Reject { .. }, Approved) => Ok(outcome(
            Rejected,
            &[notice(Recipient::Host, Message::Rejected)],
            true,
        )),
        (Decision::Reject { .. }, Rejected) => Err(TransitionError::Already("rejected")),
        (Decision::Reject { .. }, Cancelled) => Err(TransitionError::NotFrom {
            from,
            verb: "rejected",
        }),

        (Decision::ReturnToPending { .. }, Approved) => Ok(outcome(
            Pending,
            &[
                notice(Recipient::Host, Message::ReturnedToPending),
                notice(Recipient::CategoryEmail, Message::PendingApproval),
                notice(Recipient::SecurityEmail, Message::PendingApproval),
            ],
            true,
        )),
        (Decision::ReturnToPending { .. }, Pending) => Err(TransitionError::Already("pending")),
        (Decision::ReturnToPending { .. }, _) => Err(TransitionError::NotFrom {
            from,
            verb: "moved back to pending",
        }),

        (Decision::Cancel, _) if visit != VisitStatus::Expected => {
            Err(TransitionError::VisitUnderway)
        }
        (Decision::Cancel, Pending) => Ok(outcome(Cancelled, &[], false)),
        (Decision::Cancel, Approved) => Ok(outcome(
            Cancelled,
            &[notice(Recipient::Guest, Message::Cancelled)],
            true,
        )),
        (Decision::Cancel, Cancelled) => Err(TransitionError::Already("cancelled")),
        (Decision::Cancel, Rejected) => Err(TransitionError::NotFrom {
            from,
            verb: "cancelled",
        }),
    }
}

/// Why a visitor cannot be admitted at the desk or the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionRefused {
    #[error("the invitation is waiting for approval")]
    AwaitingApproval,
    #[error("the invitation was not approved")]
    Rejected,
    #[error("the invitation was cancelled")]
    Cancelled,
    #[error("the visitor is already checked in")]
    AlreadyCheckedIn,
    #[error("the visit is over")]
    VisitOver,
}

/// A pending or rejected invitation can never be admitted.
pub fn may_admit(approval: ApprovalStatus, visit: VisitStatus) -> Result<(), AdmissionRefused> {
    match (approval, visit) {
        (ApprovalStatus::Pending, _) => Err(AdmissionRefused::AwaitingApproval),
        (ApprovalStatus::Rejected, _) => Err(AdmissionRefused::Rejected),
        (ApprovalStatus::Cancelled, _) => Err(AdmissionRefused::Cancelled),
        (ApprovalStatus::Approved, VisitStatus::Expected) => Ok(()),
        (ApprovalStatus::Approved, VisitStatus::CheckedIn) => {
            Err(AdmissionRefused::AlreadyCheckedIn)
        }
        (ApprovalStatus::Approved, _) => Err(AdmissionRefused::VisitOver),
    }
}

/// The short code in the guest's invitation email, to type at the kiosk when the QR code is not
/// at hand: the last eight hex digits of the invitation's id (random in a UUIDv7), as `7F3A-91C2`.
pub fn code(id: crate::InvitationId) -> String {
    let hex = id.0.simple().to_string().to_uppercase();
    let last = &hex[hex.len() - 8..];
    format!("{}-{}", &last[..4], &last[4..])
}

/// A typed invitation code as [`code`] writes it, whatever the case, dashes or spaces; `None`
/// if it is not eight hex digits.
pub fn parse_code(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect::<String>()
        .to_uppercase();
    (digits.len() == 8 && digits.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| format!("{}-{}", &digits[..4], &digits[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_invitation_waits_and_only_security_hears_of_it() {
        let (approval, notices) = on_hold();
        assert_eq!(approval, Pending);
        assert_eq!(
            notices,
            [notice(Recipient::SecurityEmail, Message::ScreeningHit)],
            "the guest and the host are told nothing"
        );
    }

    #[test]
    fn a_walk_in_waits_for_the_host_and_only_the_host_hears_of_it() {
        let start = on_walk_in(false, false);
        assert_eq!(start.approval, Pending);
        assert!(start.awaiting_host);
        assert_eq!(
            start.notices,
            [notice(Recipient::Host, Message::WalkInWaiting)],
            "no guest email to a typed address before a yes"
        );
        // A category that admits walk-ins without confirmation follows the ordinary rule.
        let start = on_walk_in(true, false);
        assert_eq!((start.approval, start.awaiting_host), (Approved, false));
    }

    #[test]
    fn the_hosts_yes_admits_a_walk_in_or_passes_it_to_approval_and_a_no_rejects_it() {
        let yes = answer_walk_in(Pending, true, WalkInAnswer::MyVisitor, false).unwrap();
        assert_eq!(yes.approval, Approved);
        assert!(
            yes.notices
                .contains(&notice(Recipient::Guest, Message::GuestInvitation))
        );
        let yes = answer_walk_in(Pending, true, WalkInAnswer::MyVisitor, true).unwrap();
        assert_eq!(yes.approval, Pending);
        assert!(yes.notices.iter().all(|n| n.to != Recipient::Guest));
        let no = answer_walk_in(Pending, true, WalkInAnswer::Unknown, false).unwrap();
        assert_eq!((no.approval, no.notices.len()), (Rejected, 0));
        // Answered once: not again, and never for an ordinary invitation.
        for (approval, awaiting) in [(Pending, false), (Approved, true)] {
            assert_eq!(
                answer_walk_in(approval, awaiting, WalkInAnswer::MyVisitor, false),
                Err(TransitionError::NotAwaitingHost)
            );
        }
    }

    #[test]
    fn invitation_code_is_the_ids_last_eight_hex_digits_and_reads_back_however_typed() {
        let id = crate::InvitationId::from(
            uuid::Uuid::parse_str("019abcde-0000-7000-8000-00007f3a91c2").unwrap(),
        );
        assert_eq!(code(id), "7F3A-91C2");
        for typed in ["7F3A-91C2", "7f3a91c2", " 7f3a 91c2 ", "7F3A-91c2"] {
            assert_eq!(parse_code(typed).as_deref(), Some("7F3A-91C2"), "{typed}");
        }
        for typed in ["7F3A-91C", "7F3A-91C2X", "GGGG-0000", "", "Anna"] {
            assert_eq!(parse_code(typed), None, "{typed}");
        }
    }
    use ApprovalStatus::*;

    fn reason(text: &str) -> Reason {
        Reason::parse(text).unwrap()
    }

    fn told(outcome: &Outcome, to: Recipient) -> Vec<Message> {
        outcome
            .notices
            .iter()
            .filter(|n| n.to == to)
            .map(|n| n.message)
            .collect()
    }

    #[test]
    fn invitation_in_approval_category_starts_pending_and_guest_hears_nothing() {
        let (status, notices) = on_create(true);
        assert_eq!(status, Pending);
        assert!(notices.iter().all(|n| n.to != Recipient::Guest));
        assert!(notices.contains(&notice(Recipient::SecurityEmail, Message::PendingApproval)));
        assert!(notices.contains(&notice(Recipient::CategoryEmail, Message::PendingApproval)));
    }

    #[test]
    fn invitation_without_approval_is_approved_and_guest_invited_at_once() {
        let (status, notices) = on_create(false);
        assert_eq!(status, Approved);
        assert!(notices.contains(&notice(Recipient::Guest, Message::GuestInvitation)));
        assert!(notices.contains(&notice(Recipient::CategoryEmail, Message::NewInvitation)));
        assert!(notices.iter().all(|n| n.to != Recipient::SecurityEmail));
    }

    #[test]
    fn approval_tells_host_and_invites_guest() {
        let outcome = decide(Pending, VisitStatus::Expected, &Decision::Approve).unwrap();
        assert_eq!(outcome.approval, Approved);
        assert_eq!(told(&outcome, Recipient::Host), [Message::Approved]);
        assert_eq!(told(&outcome, Recipient::Guest), [Message::GuestInvitation]);
    }

    #[test]
    fn rejection_tells_host_never_guest() {
        for decision in [
            Decision::Reject { reason: None },
            Decision::Reject {
                reason: Some(reason("No contractors this week")),
            },
        ] {
            let outcome = decide(Pending, VisitStatus::Expected, &decision).unwrap();
            assert_eq!(outcome.approval, Rejected);
            assert_eq!(told(&outcome, Recipient::Host), [Message::Rejected]);
            assert!(told(&outcome, Recipient::Guest).is_empty());
        }
    }

    #[test]
    fn approved_invitation_can_return_to_pending_with_a_reason_and_loses_its_credential() {
        let decision = Decision::ReturnToPending {
            reason: Some(reason("Wrong category")),
        };
        let outcome = decide(Approved, VisitStatus::Expected, &decision).unwrap();
        assert_eq!(outcome.approval, Pending);
        assert!(outcome.revoke_credentials);
        assert_eq!(
            told(&outcome, Recipient::Host),
            [Message::ReturnedToPending]
        );
        assert!(told(&outcome, Recipient::Guest).is_empty());
    }

    #[test]
    fn a_rejection_s_reason_is_optional_even_when_taking_back_an_approval() {
        for decision in [
            Decision::Reject { reason: None },
            Decision::ReturnToPending { reason: None },
        ] {
            let outcome = decide(Approved, VisitStatus::Expected, &decision).unwrap();
            assert!(outcome.revoke_credentials, "{decision:?}");
        }
        let decision = Decision::Reject {
            reason: Some(reason("Security concern")),
        };
        let outcome = decide(Approved, VisitStatus::CheckedIn, &decision).unwrap();
        assert_eq!(outcome.approval, Rejected);
        assert!(outcome.revoke_credentials);
        assert!(told(&outcome, Recipient::Guest).is_empty());
    }

    #[test]
    fn rejected_and_cancelled_invitations_are_final() {
        for from in [Rejected, Cancelled] {
            for decision in [
                Decision::Approve,
                Decision::ReturnToPending {
                    reason: Some(reason("x")),
                },
                Decision::Reject { reason: None },
                Decision::Cancel,
            ] {
                assert!(
                    decide(from, VisitStatus::Expected, &decision).is_err(),
                    "{from:?} {decision:?}"
                );
            }
        }
    }

    #[test]
    fn deciding_twice_says_so() {
        assert_eq!(
            decide(Approved, VisitStatus::Expected, &Decision::Approve),
            Err(TransitionError::Already("approved"))
        );
        assert_eq!(
            decide(
                Pending,
                VisitStatus::Expected,
                &Decision::ReturnToPending {
                    reason: Some(reason("x"))
                }
            ),
            Err(TransitionError::Already("pending"))
        );
    }

    #[test]
    fn cancelling_an_approved_invitation_tells_the_guest_the_visit_is_off() {
        let outcome = decide(Approved, VisitStatus::Expected, &Decision::Cancel).unwrap();
        assert_eq!(told(&outcome, Recipient::Guest), [Message::Cancelled]);
        let outcome = decide(Pending, VisitStatus::Expected, &Decision::Cancel).unwrap();
        assert!(
            outcome.notices.is_empty(),
            "a pending guest never heard of the visit"
        );
        assert_eq!(
            decide(Approved, VisitStatus::CheckedIn, &Decision::Cancel),
            Err(TransitionError::VisitUnderway)
        );
    }

    #[test]
    fn pending_or_rejected_invitation_cannot_be_admitted() {
        assert_eq!(
            may_admit(Pending, VisitStatus::Expected),
            Err(AdmissionRefused::AwaitingApproval)
        );
        assert_eq!(
            may_admit(Rejected, VisitStatus::Expected),
            Err(AdmissionRefused::Rejected)
        );
        assert_eq!(
            may_admit(Cancelled, VisitStatus::Expected),
            Err(AdmissionRefused::Cancelled)
        );
        assert_eq!(
            may_admit(Approved, VisitStatus::CheckedIn),
            Err(AdmissionRefused::AlreadyCheckedIn)
        );
        assert_eq!(may_admit(Approved, VisitStatus::Expected), Ok(()));
    }

    #[test]
    fn status_names_round_trip() {
        for status in [Pending, Approved, Rejected, Cancelled] {
            assert_eq!(ApprovalStatus::from_name(status.as_str()), Some(status));
        }
        assert_eq!(
            VisitStatus::from_name("checked_in"),
            Some(VisitStatus::CheckedIn)
        );
        assert_eq!(VisitStatus::from_name("gone"), None);
    }
}
