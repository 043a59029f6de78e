//! Checking a visitor in at the kiosk, in the order that loses nothing: the signed NDA is on
//! disk before the check-in is recorded, the check-in is recorded (with its report queued for
//! the cloud) before the badge prints, and a badge that cannot print is kept for reception.

use std::{
    io::Cursor,
    path::{Path, PathBuf},
    time::Duration,
};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use gatehouse_core::{CategoryKind, InvitationId, wire::KioskInvitation};
use gatehouse_devices::{
    camera,
    print::{Cups, Job},
};
use gatehouse_paper::{
    badge::{self, Badge, Language},
    nda, picture,
};
use serde::{Deserialize, Serialize};

use crate::{
    KioskError,
    config::Source,
    kiosk::Kiosk,
    settings::InForce,
    store::Refusal,
    sync,
    visitors::{VisitorState, VisitorView},
};

/// The zones the badge says its door credential opens.
fn door_zones(invitation: &KioskInvitation) -> Vec<badge::Zone> {
    invitation
        .credential
        .iter()
        .filter(|credential| !credential.revoked)
        .flat_map(|credential| {
            credential.zones.iter().map(|name| badge::Zone {
                name: name.clone(),
                escort_required: credential.escorted_zones.contains(name),
            })
        })
        .collect()
}

/// How long a badge may take to come out of the printer before reception gets it instead.
pub(crate) const PRINT_TIMEOUT: Duration = Duration::from_secs(20);

/// The visitor's signature under the NDA.
#[derive(Debug, Clone, Deserialize)]
pub struct NdaSignature {
    /// The full name they typed.
    pub name: String,
    /// The signature pad's drawing: a PNG, base64 (a `data:` URL is fine too).
    pub signature: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckInRequest {
    pub invitation: InvitationId,
    pub nda: Option<NdaSignature>,
    pub language: Language,
}

/// What became of a check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CheckInOutcome {
    CheckedIn {
        host: String,
        badge: BadgeOutcome,
    },
    /// Not checked in: the invitation is in this state (pending, rejected, …).
    Refused {
        state: VisitorState,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeOutcome {
    Printed,
    /// Kept as a PDF for reception to print.
    NotPrinted,
}

/// What became of a reprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReprintOutcome {
    Printed,
    /// Kept as a PDF for reception to print.
    NotPrinted,
    /// This visit's badge was reprinted here [`MOST_REPRINTS`] times: reception gives out the
    /// next one.
    AskReception,
}

/// How often a visitor may reprint their own badge at the kiosk in one visit.
pub const MOST_REPRINTS: u32 = 2;

impl Kiosk {
    fn visit_folder(&self, invitation: InvitationId) -> PathBuf {
        self.config
            .data_dir
            .join("visits")
            .join(invitation.to_string())
    }

    /// The invitation `id` from the store; a clear error if this kiosk has never heard of it.
    pub async fn known(&self, id: InvitationId) -> Result<KioskInvitation, KioskError> {
        self.store
            .invitation(id)
            .await?
            .ok_or_else(|| KioskError::Invalid(format!("this kiosk knows no invitation {id}")))
    }

    /// Takes the visitor's photo for their badge; returns it as a `data:` URL to show them.
    pub async fn take_photo(&self, id: InvitationId) -> Result<String, KioskError> {
        self.shown(id).await?;
        let source = self.in_force().await?.photo_camera;
        let folder = self.visit_folder(id);
        tokio::task::spawn_blocking(move || {
            let portrait = match &source {
                Source::Files(path) => picture::portrait(&first_image(path)?)
                    .map_err(|error| KioskError::Device(error.to_string()))?,
                Source::Device(id) => {
                    let still =
                        camera::still(id).map_err(|error| KioskError::Device(error.to_string()))?;
                    picture::crop_portrait(&still)
                }
            };
            let mut jpeg = Vec::new();
            portrait
                .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
                .map_err(|error| KioskError::Device(error.to_string()))?;
            write_atomically(&folder.join(sync::PHOTO), &jpeg)?;
            Ok(format!("data:image/jpeg;base64,{}", STANDARD.encode(&jpeg)))
        })
        .await
        .map_err(|error| KioskError::Device(error.to_string()))?
    }

    /// Checks the visitor in: NDA, record, badge.
    pub async fn check_in(&self, request: CheckInRequest) -> Result<CheckInOutcome, KioskError> {
        let invitation = self.shown(request.invitation).await?;
        let now = self.clock.now();
        let zone = self.time_zone().await?;
        let view = VisitorView::of(&invitation, now, zone);
        if view.state != VisitorState::Ready {
            return Ok(CheckInOutcome::Refused { state: view.state });
        }
        let folder = self.visit_folder(invitation.id);
        let photo = folder.join(sync::PHOTO);
        if view.photo && !photo.is_file() {
            return Err(KioskError::Invalid(
                "the visitor's photo has not been taken".into(),
            ));
        }
        if view.nda {
            let signature = request
                .nda
                .as_ref()
                .ok_or_else(|| KioskError::Invalid("the NDA has not been signed".into()))?;
            let pdf = self
                .signed_nda(&invitation, signature, request.language)
                .await?;
            write_atomically(&folder.join(sync::SIGNED_NDA), &pdf)?;
        }
        let by = self.possession.vouched_by(invitation.id);
        match self.store.check_in(invitation.id, now, by).await? {
            Ok(_) => {}
            Err(Refusal::NotAdmitted(_) | Refusal::Unknown | Refusal::NotCheckedIn) => {
                let state = VisitorView::of(&self.known(invitation.id).await?, now, zone).state;
                return Ok(CheckInOutcome::Refused { state });
            }
        }
        let badge = self
            .print_badge(&invitation, view.photo.then_some(photo), request.language)
            .await;
        // The visit's documents may go to the cloud now (and then leave this kiosk).
        write_atomically(&folder.join(sync::VISIT_DONE), b"")?;
        self.possession.forget();
        self.sync_soon();
        let badge = badge?;
        Ok(CheckInOutcome::CheckedIn {
            host: invitation.host_name,
            badge,
        })
    }

    /// Prints a checked-in visitor's badge again (a jammed printer, a lost badge), at most
    /// [`MOST_REPRINTS`] times a visit; after that reception hands out a new one.
    pub async fn reprint(
        &self,
        id: InvitationId,
        language: Language,
    ) -> Result<ReprintOutcome, KioskError> {
        let invitation = self.shown(id).await?;
        let now = self.clock.now();
        let view = VisitorView::of(&invitation, now, self.time_zone().await?);
        if view.state != VisitorState::CheckedIn {
            return Err(KioskError::Invalid(
                "only a checked-in visitor's badge is reprinted".into(),
            ));
        }
        if !self.store.reprint(id, MOST_REPRINTS, now).await? {
            return Ok(ReprintOutcome::AskReception);
        }
        self.print_again(&invitation, language).await
    }

    /// Prints `invitation`'s badge again; one that cannot print goes to reception as before.
    pub(crate) async fn print_again(
        &self,
        invitation: &KioskInvitation,
        language: Language,
    ) -> Result<ReprintOutcome, KioskError> {
        let id = invitation.id;
        let folder = self.visit_folder(id);
        let photo = folder.join(sync::PHOTO);
        let badge = self
            .print_badge(invitation, photo.is_file().then_some(photo), language)
            .await;
        if matches!(badge, Ok(BadgeOutcome::NotPrinted)) {
            // Its documents went to the cloud long ago: the unprinted badge goes now.
            let _ = std::fs::remove_file(folder.join(sync::VISIT_SENT));
            write_atomically(&folder.join(sync::VISIT_DONE), b"")?;
        }
        self.sync_soon();
        Ok(match badge? {
            BadgeOutcome::Printed => ReprintOutcome::Printed,
            BadgeOutcome::NotPrinted => ReprintOutcome::NotPrinted,
        })
    }

    async fn signed_nda(
        &self,
        invitation: &KioskInvitation,
        signature: &NdaSignature,
        language: Language,
    ) -> Result<Vec<u8>, KioskError> {
        let template = self
            .store
            .nda(core_language(language))
            .await?
            .ok_or_else(|| KioskError::Invalid("no NDA text has reached this kiosk yet".into()))?;
        let (identity, zone) = self.identity().await?;
        let encoded = signature
            .signature
            .strip_prefix("data:image/png;base64,")
            .unwrap_or(&signature.signature);
        let png = STANDARD
            .decode(encoded.trim())
            .map_err(|_| KioskError::Invalid("the signature is not a base64 PNG".into()))?;
        let signed = nda::SignedNda {
            text: template.text,
            version: template.version,
            sha256: template.sha256,
            name: signature.name.clone(),
            signature_png: png,
            signed_at: self.clock.now().with_timezone(&zone).fixed_offset(),
            kiosk: identity.name,
            facility: identity.facility_name,
            language,
        };
        tracing::debug!(invitation = %invitation.id, "rendering the signed NDA");
        tokio::task::spawn_blocking(move || nda::render(&signed))
            .await
            .map_err(|error| KioskError::Device(error.to_string()))?
            .map_err(|error| KioskError::Invalid(error.to_string()))
    }

    async fn print_badge(
        &self,
        invitation: &KioskInvitation,
        photo: Option<PathBuf>,
        language: Language,
    ) -> Result<BadgeOutcome, KioskError> {
        let (identity, zone) = self.identity().await?;
        let badge = Badge {
            name: invitation.visitor_name.clone(),
            company: Some(invitation.visitor_company.clone()).filter(|c| !c.trim().is_empty()),
            host: invitation.host_name.clone(),
            category: badge::Category {
                name: category_label(invitation.category, language).to_owned(),
                colour: category_colour(invitation.category).to_owned(),
            },
            valid_from: invitation.starts_at.with_timezone(&zone).fixed_offset(),
            valid_until: invitation.ends_at.with_timezone(&zone).fixed_offset(),
            zones: door_zones(invitation),
            photo,
            credential: invitation
                .credential
                .as_ref()
                .filter(|credential| !credential.revoked)
                .map_or_else(|| invitation.token.clone(), |c| c.token.clone()),
            facility: identity.facility_name,
            language,
        };
        let InForce {
            badge_layout: layout,
            printer,
            ..
        } = self.in_force().await?;
        // A badge that cannot be printed waits in the visit's folder; the sync sends it to the
        // cloud, where reception prints it from the Lobby page.
        let unprinted = self.visit_folder(invitation.id).join(sync::UNPRINTED_BADGE);
        let kept = unprinted.clone();
        let title = format!("badge-{}", invitation.id);
        let outcome = tokio::task::spawn_blocking(move || -> Result<BadgeOutcome, KioskError> {
            let pdf = badge::render(&badge, layout)
                .map_err(|error| KioskError::Device(error.to_string()))?;
            let Some(printer) = printer else {
                write_atomically(&unprinted, &pdf)?;
                return Ok(BadgeOutcome::NotPrinted);
            };
            let job = Job {
                printer,
                title,
                pdf,
                media: Some(layout.media().to_owned()),
                copies: 1,
                timeout: PRINT_TIMEOUT,
            };
            match Cups::from_env().print(&job) {
                Ok(_) => Ok(BadgeOutcome::Printed),
                Err(error) => {
                    tracing::warn!(%error, "the badge was not printed; reception gets it");
                    write_atomically(&unprinted, &job.pdf)?;
                    Ok(BadgeOutcome::NotPrinted)
                }
            }
        })
        .await
        .map_err(|error| KioskError::Device(error.to_string()))??;
        if outcome == BadgeOutcome::Printed {
            // Reported, and a badge kept for reception after an earlier failure is not sent. The
            // badge is in the visitor's hand either way: a report that fails is logged, not shown.
            let _ = std::fs::remove_file(kept);
            match self
                .store
                .badge_printed(invitation.id, self.clock.now())
                .await
            {
                Ok(Ok(_)) => {}
                Ok(Err(refused)) => tracing::warn!(%refused, "a printed badge was not recorded"),
                Err(error) => tracing::error!(%error, "a printed badge was not recorded"),
            }
        }
        Ok(outcome)
    }
}

fn first_image(path: &Path) -> Result<PathBuf, KioskError> {
    if path.is_file() {
        return Ok(path.to_owned());
    }
    camera::images_in(path)
        .map_err(|error| KioskError::Device(error.to_string()))?
        .into_iter()
        .next()
        .ok_or_else(|| KioskError::Device(format!("{} has no images", path.display())))
}

/// Writes `bytes` to `path` so that a crash leaves the old file or the new, never half of one.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), KioskError> {
    let failed = |error: std::io::Error| KioskError::Disk(format!("{}: {error}", path.display()));
    let folder = path.parent().expect("files are written inside a folder");
    std::fs::create_dir_all(folder).map_err(failed)?;
    let temporary = path.with_extension("partial");
    let mut file = std::fs::File::create(&temporary).map_err(failed)?;
    std::io::Write::write_all(&mut file, bytes).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

/// The badge's and NDA's language as the rest of Gatehouse names it.
pub(crate) fn core_language(language: Language) -> gatehouse_core::Language {
    match language {
        Language::En => gatehouse_core::Language::En,
        Language::De => gatehouse_core::Language::De,
    }
}

/// The category's name on the badge: the same words the screen showed (`core`'s table).
pub(crate) fn category_label(kind: CategoryKind, language: Language) -> &'static str {
    kind.name(core_language(language))
}

/// The category's colour across the top of the badge: told apart at a glance by the guard.
fn category_colour(kind: CategoryKind) -> &'static str {
    use CategoryKind as K;
    match kind {
        K::Guest => "#0F5C5A",
        K::Client => "#1B6FD1",
        K::InterviewCandidate => "#7A4FB3",
        K::Contractor => "#F2B134",
        K::Vendor => "#C2410C",
        K::Delivery => "#6B7280",
        _ => "#12302F",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_german_interview_candidates_badge_names_the_category_as_the_screen_does() {
        // The screen's German word (ui/src/kiosk/catalogue.ts reads the same table); the badge
        // once said "Bewerbung".
        assert_eq!(
            category_label(CategoryKind::InterviewCandidate, Language::De),
            "Vorstellungsgespräch"
        );
        assert_eq!(
            category_label(CategoryKind::Contractor, Language::De),
            "Handwerker / Dienstleister"
        );
        assert_eq!(
            category_label(CategoryKind::InterviewCandidate, Language::En),
            "Job interview"
        );
    }
}
