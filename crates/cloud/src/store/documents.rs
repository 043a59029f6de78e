//! The documents of a visit (signed NDA, photo), as the kiosk sent them.

use chrono::{DateTime, Utc};
use gatehouse_core::{InvitationId, KioskId, wire::VisitDocument};

use gatehouse_core::digest::sha256_hex;

use super::{StoreError, on_pool};
use crate::Database;

impl Database {
    /// Stores `content` as the invitation's document of `kind`; sent again, it replaces the
    /// earlier copy (a kiosk retrying after a lost answer sends the same bytes).
    pub async fn store_visit_document(
        &self,
        invitation: InvitationId,
        kind: VisitDocument,
        content: &[u8],
        kiosk: KioskId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sha256 = sha256_hex(content);
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO visit_documents (invitation_id, kind, content_type, sha256, content, kiosk_id, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (invitation_id, kind) DO UPDATE SET content_type = excluded.content_type, \
             sha256 = excluded.sha256, content = excluded.content, kiosk_id = excluded.kiosk_id, \
             received_at = excluded.received_at",
        )
        .bind(invitation.0)
        .bind(kind.as_str())
        .bind(kind.content_type())
        .bind(sha256)
        .bind(content)
        .bind(kiosk.0)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
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
