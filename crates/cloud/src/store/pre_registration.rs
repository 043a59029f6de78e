//! What guests hand in before their visit. A document handed in is taken off what the visit's
//! prepared credential waits for, in the same transaction, and the kiosks hear of it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use gatehouse_core::{InvitationId, category::RequiredDocument, digest::sha256_hex};

use super::{StoreError, on_pool};
use crate::Database;

fn kind_name(kind: RequiredDocument) -> &'static str {
    match kind {
        RequiredDocument::Nda => "nda",
        RequiredDocument::CertificateOfInsurance => "certificate_of_insurance",
        RequiredDocument::PhotoId => "photo_id",
        RequiredDocument::Photo => "photo",
    }
}

fn kind_of(name: &str) -> Option<RequiredDocument> {
    Some(match name {
        "nda" => RequiredDocument::Nda,
        "certificate_of_insurance" => RequiredDocument::CertificateOfInsurance,
        "photo_id" => RequiredDocument::PhotoId,
        _ => return None,
    })
}

impl Database {
    /// Keeps `content` as the guest's `kind` for the invitation (replacing an earlier one), and
    /// takes it off what its prepared credential still waits for.
    pub async fn hand_in(
        &self,
        invitation: InvitationId,
        kind: RequiredDocument,
        content_type: &str,
        content: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO guest_documents (invitation_id, kind, content_type, sha256, content, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (invitation_id, kind) DO UPDATE SET content_type = excluded.content_type, \
                   sha256 = excluded.sha256, content = excluded.content, received_at = excluded.received_at",
            )
            .bind(invitation.0)
            .bind(kind_name(kind))
            .bind(content_type)
            .bind(sha256_hex(content))
            .bind(content)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let missing: Option<(uuid::Uuid, String)> = sqlx::query_as(
                "SELECT id, missing FROM credentials WHERE invitation_id = $1 AND state = 'prepared'",
            )
            .bind(invitation.0)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((credential, missing)) = missing {
                let mut left = serde_json::from_str::<BTreeSet<RequiredDocument>>(&missing)
                    .map_err(|_| StoreError::Corrupt(format!("credential {credential}: missing documents")))?;
                left.remove(&kind);
                sqlx::query("UPDATE credentials SET missing = $1 WHERE id = $2")
                    .bind(serde_json::to_string(&left).expect("documents serialize"))
                    .bind(credential)
                    .execute(&mut *tx)
                    .await?;
            }
            // The kiosks hear of it through their change feed.
            sqlx::query("UPDATE invitations SET visit_status = visit_status, updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(invitation.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// What the guest handed in as `kind` for the invitation, if they did.
    pub async fn guest_document(
        &self,
        invitation: InvitationId,
        kind: RequiredDocument,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT content FROM guest_documents WHERE invitation_id = $1 AND kind = $2",
        )
        .bind(invitation.0)
        .bind(kind_name(kind))
        .fetch_optional(pool)
        .await?))
    }

    /// The documents the guest has handed in for the invitation.
    pub async fn handed_in(
        &self,
        invitation: InvitationId,
    ) -> Result<BTreeSet<RequiredDocument>, StoreError> {
        let kinds: Vec<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT kind FROM guest_documents WHERE invitation_id = $1",
        )
        .bind(invitation.0)
        .fetch_all(pool)
        .await?);
        kinds
            .iter()
            .map(|kind| {
                kind_of(kind).ok_or_else(|| StoreError::Corrupt(format!("guest document {kind}")))
            })
            .collect()
    }
}
