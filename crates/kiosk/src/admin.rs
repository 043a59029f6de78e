//! Admin mode at the kiosk, for a signed-in person who approves invitations: the invitations
//! waiting for a decision and those approved (to move back or reject), and the decision itself —
//! sent to the cloud at once as that person, under the cloud's rules and with its emails. Never
//! queued: offline, a decision is refused with a clear message.

use chrono::{DateTime, Utc};
use gatehouse_core::{ApprovalStatus, CategoryKind, InvitationId, staff::StaffEvent};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::{KioskError, kiosk::Kiosk};

/// An invitation as the admin reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: InvitationId,
    pub visitor_name: String,
    pub visitor_company: String,
    pub host_name: String,
    pub category: CategoryKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub approval_status: ApprovalStatus,
    /// Screening held it: only a facility approver lets it through, in the portal.
    #[serde(default)]
    pub held: bool,
}

/// One step of an invitation's history, as the cloud tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewStep {
    pub action: String,
    pub actor_name: Option<String>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// What the admin decides.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject {
        reason: Option<String>,
    },
    /// An approved invitation waits for a decision again; the guest's access is withdrawn.
    ReturnToPending {
        reason: Option<String>,
    },
}

/// The longest reason the cloud takes.
const LONGEST_REASON: usize = 500;

impl Kiosk {
    /// The invitations of upcoming visits waiting for a decision, then those approved, soonest
    /// first — those the signed-in admin may decide.
    pub async fn reviews(&self) -> Result<Vec<Review>, KioskError> {
        let (_, token) = self.approver(false).await?;
        let now = self.clock.now();
        let mut reviews = Vec::new();
        for status in ["pending", "approved"] {
            let path = format!("api/v1/invitations?status={status}&limit=500");
            let found: Vec<Review> = self
                .cloud
                .as_staff(&token, Method::GET, &path, None)
                .await
                .map_err(KioskError::offline_is_needs_cloud)?;
            reviews.extend(found.into_iter().filter(|review| review.ends_at > now));
        }
        reviews.sort_by_key(|review| {
            (
                review.approval_status != ApprovalStatus::Pending,
                review.starts_at,
            )
        });
        Ok(reviews)
    }

    /// What happened to an invitation so far.
    pub async fn review_history(&self, id: InvitationId) -> Result<Vec<ReviewStep>, KioskError> {
        let (_, token) = self.approver(false).await?;
        self.cloud
            .as_staff(
                &token,
                Method::GET,
                &format!("api/v1/invitations/{id}/history"),
                None,
            )
            .await
            .map_err(KioskError::offline_is_needs_cloud)
    }

    /// Decides an invitation as the signed-in admin; the cloud's answer is the invitation now.
    pub async fn decide(&self, id: InvitationId, decision: Decision) -> Result<Review, KioskError> {
        let (person, token) = self.approver(true).await?;
        let reason = |reason: &Option<String>| -> Result<serde_json::Value, KioskError> {
            let reason = reason
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty());
            if reason.is_some_and(|text| text.chars().count() > LONGEST_REASON) {
                return Err(KioskError::Invalid(format!(
                    "a reason has at most {LONGEST_REASON} characters"
                )));
            }
            Ok(serde_json::json!({ "reason": reason }))
        };
        let (action, body, event) = match &decision {
            Decision::Approve => ("approve", serde_json::json!({}), StaffEvent::Approved),
            Decision::Reject { reason: text } => ("reject", reason(text)?, StaffEvent::Rejected),
            Decision::ReturnToPending { reason: text } => (
                "return-to-pending",
                reason(text)?,
                StaffEvent::ReturnedToPending,
            ),
        };
        let path = format!("api/v1/invitations/{id}/{action}");
        let review = self
            .cloud
            .as_staff(&token, Method::POST, &path, Some(&body))
            .await
            .map_err(KioskError::offline_is_needs_cloud)?;
        self.staff_did(&person, event, Some(id)).await?;
        Ok(review)
    }
}
