//! The documents of a visit (signed NDA, photo), as the kiosk sent them.

use chrono::{DateTime, Utc};
use gatehouse_core::{InvitationId, KioskId, wire::VisitDocument};

use gatehouse_core::digest::sha256_hex;

use gatehouse_core::ApprovalStatus;

use super::{Change, OutboxItem, StoreError, invitations::record_change, on_pool};
use crate::Database;

/// What became of a document a kiosk sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Kept now.
    New,
    /// The same bytes were kept already (a retry after a lost answer): nothing changes.
    Again,
    /// A different signed NDA or photo is kept for this visit already: refused, and the
    /// invitation's history says so.
    Refused,
}

impl Database {
    /// Stores `content` as the invitation's document of `kind`. A signed NDA or photo is written
    /// once per visit: the same bytes again change nothing, different bytes are refused and
    /// recorded in the history. A badge the kiosk could not print is replaced by a newer one.
    pub async fn store_visit_document(
        &self,
        invitation: InvitationId,
        kind: VisitDocument,
        content: &[u8],
        kiosk: KioskId,
        now: DateTime<Utc>,
    ) -> Result<Stored, StoreError> {
        let sha256 = sha256_hex(content);
        let replaceable = kind == VisitDocument::UnprintedBadge;
        let on_conflict = if replaceable {
            "ON CONFLICT (invitation_id, kind) DO UPDATE SET content_type = excluded.content_type, \
             sha256 = excluded.sha256, content = excluded.content, kiosk_id = excluded.kiosk_id, \
             received_at = excluded.received_at"
        } else {
            "ON CONFLICT (invitation_id, kind) DO NOTHING"
        };
        let insert = format!(
            "INSERT INTO visit_documents (invitation_id, kind, content_type, sha256, content, kiosk_id, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) {on_conflict}"
        );
        let stored = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let written = sqlx::query(sqlx::AssertSqlSafe(insert))
                .bind(invitation.0)
                .bind(kind.as_str())
                .bind(kind.content_type())
                .bind(&sha256)
                .bind(content)
                .bind(kiosk.0)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let stored = if written == 1 {
                Stored::New
            } else {
                let kept: String = sqlx::query_scalar(
                    "SELECT sha256 FROM visit_documents WHERE invitation_id = $1 AND kind = $2",
                )
                .bind(invitation.0)
                .bind(kind.as_str())
                .fetch_one(&mut *tx)
                .await?;
                if kept == sha256 {
                    Stored::Again
                } else {
                    let approval: String = sqlx::query_scalar("SELECT approval_status FROM invitations WHERE id = $1")
                        .bind(invitation.0)
                        .fetch_one(&mut *tx)
                        .await?;
                    let approval = ApprovalStatus::from_name(&approval)
                        .ok_or_else(|| StoreError::Corrupt(format!("invitation {invitation}: approval")))?;
                    let change = Change {
                        action: "document_refused",
                        actor: None,
                        from: Some(approval),
                        to: approval,
                        reason: Some(format!(
                            "a second {} (SHA-256 {sha256}) came from kiosk {kiosk} and was refused; the first is kept",
                            kind.as_str()
                        )),
                        at: now,
                    };
                    record_change!(tx, invitation.0, &change, std::iter::empty::<&OutboxItem>());
                    Stored::Refused
                }
            };
            tx.commit().await?;
            stored
        });
        Ok(stored)
    }

    /// The invitation's document of `kind`, if a kiosk has sent it.
    pub async fn visit_document(
        &self,
        invitation: InvitationId,
        kind: VisitDocument,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT content FROM visit_documents WHERE invitation_id = $1 AND kind = $2",
        )
        .bind(invitation.0)
        .bind(kind.as_str())
        .fetch_optional(pool)
        .await?))
    }
}
