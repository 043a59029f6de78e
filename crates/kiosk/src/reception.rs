//! Reception at the kiosk, for a signed-in person who admits visitors: today's visitors by where
//! they stand, admitting one (the visitor then signs, is photographed and gets their badge at the
//! screen, recorded as admitted by that person), checking one or everyone out, reprinting a badge
//! without the visitor's limit, printing the muster list. It works from the kiosk's own copy, so
//! it goes on offline.

use chrono::{DateTime, Utc};
use gatehouse_core::{
    ApprovalStatus, CategoryKind, InvitationId, VisitStatus,
    category::RequiredDocument,
    staff::StaffEvent,
    visit::continues_after,
    window::{local_day, site_day},
    wire::{AccessState, KioskDoors, KioskInvitation, LastDoor},
};
use gatehouse_devices::print::{Cups, Job};
use gatehouse_paper::{
    badge::Language,
    muster::{self, DoorSeen, MusterList, OnSite},
};
use serde::{Deserialize, Serialize};

use crate::{
    KioskError,
    checkin::{PRINT_TIMEOUT, ReprintOutcome, category_label, write_atomically},
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
    pub door_pass: DoorPass,
    /// The visit's access in the building's own access-control system, if it has one.
    pub system_access: Option<SystemAccess>,
    /// The last door that saw the visitor, as the kiosk last heard.
    pub last_door: Option<LastDoor>,
}

/// A visit's access in the building's access-control system (UniFi Access, Verkada, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemAccess {
    pub system: String,
    pub state: AccessState,
    /// Why the last attempt failed, in the system's words.
    pub problem: Option<String>,
}

/// Where a visitor's door credential stands, as reception sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DoorPass {
    /// The visit has none (not approved, or no door policy for it).
    None,
    /// It waits for documents the visitor must hand in first: why they were sent to reception.
    Waiting {
        missing: Vec<RequiredDocument>,
    },
    /// Issued at check-in, or to be issued then.
    Ready,
    Revoked,
}

impl DoorPass {
    fn of(invitation: &KioskInvitation) -> Self {
        match &invitation.credential {
            None => Self::None,
            Some(credential) if credential.revoked => Self::Revoked,
            Some(credential) if !credential.missing.is_empty() => Self::Waiting {
                missing: credential.missing.clone(),
            },
            Some(_) => Self::Ready,
        }
    }
}

/// Why reception takes a visitor's door pass away; the words the visit's history keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    BadgeLost,
    AskedToLeave,
}

impl Revocation {
    fn reason(self) -> &'static str {
        match self {
            Self::BadgeLost => "revoked by reception: the badge was lost",
            Self::AskedToLeave => "revoked by reception: the visitor was asked to leave",
        }
    }
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

/// What became of the muster list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Muster {
    /// Sent to the kiosk's printer.
    Printed {
        people: usize,
        doors_as_of: Option<DateTime<Utc>>,
    },
    /// No printer, or it failed: the PDF waits in the kiosk's folder (`muster.pdf`).
    Saved {
        people: usize,
        doors_as_of: Option<DateTime<Utc>>,
    },
}

/// The kiosk's printer, as reception's health line shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PrinterHealth {
    /// No `GATEHOUSE_PRINTER`: badges go to the Lobby page.
    NotSet,
    Ready {
        name: String,
    },
    Problem {
        name: String,
        problem: String,
    },
}

/// What reception sees of the kiosk itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    pub cloud: crate::kiosk::CloudConnection,
    /// Reports waiting to reach the cloud.
    pub waiting: i64,
    pub printer: PrinterHealth,
    /// When the cloud last told the kiosk what its doors know; `None` if it never has.
    pub doors_as_of: Option<DateTime<Utc>>,
}

/// The muster list's file in the kiosk's folder: only the latest is kept.
pub const MUSTER_FILE: &str = "muster.pdf";

/// The last door that saw the visit's visitor, if one has.
fn last_door(doors: &KioskDoors, visit: InvitationId) -> Option<LastDoor> {
    doors
        .visitors
        .iter()
        .find(|seen| seen.invitation == visit)
        .map(|seen| seen.last_door.clone())
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
        let doors = self.doors().await?.0;
        let mut visitors: Vec<LobbyVisitor> = self
            .today()
            .await?
            .into_iter()
            .filter_map(|invitation| {
                let tab = tab(&invitation)?;
                Some(LobbyVisitor {
                    system_access: doors
                        .access
                        .iter()
                        .find(|access| access.invitation == invitation.id)
                        .map(|access| SystemAccess {
                            system: access.system.clone(),
                            state: access.state,
                            problem: access.problem.clone(),
                        }),
                    last_door: (tab == LobbyTab::OnSite)
                        .then(|| last_door(&doors, invitation.id))
                        .flatten(),
                    tab,
                    door_pass: DoorPass::of(&invitation),
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

    /// What the building's doors know, as last pulled, and when; empty before the first pull.
    async fn doors(&self) -> Result<(KioskDoors, Option<DateTime<Utc>>), KioskError> {
        Ok(match self.store.doors().await? {
            Some((_, doors, synced_at)) => (doors, Some(synced_at)),
            None => (KioskDoors::default(), None),
        })
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

    /// The muster list — everyone on site now, with their host, since when, and the last door
    /// that saw them, grouped by its zone — printed on the kiosk's printer, and kept as
    /// `muster.pdf` in its folder either way. Offline it is made from the kiosk's last copy of
    /// the doors' scans, and says how old that is.
    pub async fn print_muster_list(&self, language: Language) -> Result<Muster, KioskError> {
        let person = self.receptionist(true).await?;
        let (identity, zone) = self.identity().await?;
        let (doors, doors_as_of) = self.doors().await?;
        let local = |at: DateTime<Utc>| at.with_timezone(&zone).fixed_offset();
        let seen = |door: &LastDoor| DoorSeen {
            door: door.door.clone(),
            at: local(door.at),
            granted: door.granted,
        };
        let zone_of = |door: &LastDoor| door.zone_name.clone().unwrap_or(door.door.clone());
        let mut people: Vec<OnSite> = self
            .today()
            .await?
            .into_iter()
            .filter(|invitation| invitation.visit == VisitStatus::CheckedIn)
            .map(|invitation| {
                let door = last_door(&doors, invitation.id);
                OnSite {
                    checked_in_at: local(invitation.checked_in_at.unwrap_or(invitation.starts_at)),
                    company: Some(invitation.visitor_company)
                        .filter(|company| !company.trim().is_empty()),
                    category: category_label(invitation.category, language).to_owned(),
                    name: invitation.visitor_name,
                    host: invitation.host_name,
                    zone: door.as_ref().map(zone_of),
                    last_door: door.as_ref().map(seen),
                }
            })
            .collect();
        // The building's own people its system saw come in today, as the cloud last said.
        people.extend(doors.staff.iter().map(|staff| OnSite {
            name: staff.name.clone(),
            company: None,
            host: "-".to_owned(),
            category: muster::staff_category(language).to_owned(),
            checked_in_at: local(staff.last_door.at),
            zone: Some(zone_of(&staff.last_door)),
            last_door: Some(seen(&staff.last_door)),
        }));
        people.sort_by(|a, b| a.name.cmp(&b.name));
        let count = people.len();
        let list = MusterList {
            facility: identity.facility_name,
            produced_at: local(self.clock.now()),
            paper: muster::Paper::A4,
            language,
            doors_as_of: doors_as_of.map(local),
            people,
        };
        let printer = self.in_force().await?.printer;
        let file = self.config.data_dir.join(MUSTER_FILE);
        let on_paper = tokio::task::spawn_blocking(move || -> Result<bool, KioskError> {
            let pdf =
                muster::render(&list).map_err(|error| KioskError::Device(error.to_string()))?;
            write_atomically(&file, &pdf)?;
            let Some(printer) = printer else {
                return Ok(false);
            };
            let job = Job {
                printer,
                title: "muster-list".to_owned(),
                pdf,
                media: None,
                copies: 1,
                timeout: PRINT_TIMEOUT,
            };
            match Cups::from_env().print(&job) {
                Ok(_) => Ok(true),
                Err(error) => {
                    tracing::warn!(%error, "the muster list was not printed; it is kept as a PDF");
                    Ok(false)
                }
            }
        })
        .await
        .map_err(|error| KioskError::Device(error.to_string()))??;
        self.staff_did(&person, StaffEvent::MusterPrinted, None)
            .await?;
        Ok(if on_paper {
            Muster::Printed {
                people: count,
                doors_as_of,
            }
        } else {
            Muster::Saved {
                people: count,
                doors_as_of,
            }
        })
    }

    /// The kiosk's health for reception: the cloud, the outbox, the printer.
    pub async fn health(&self) -> Result<Health, KioskError> {
        self.receptionist(false).await?;
        let status = self.status().await?;
        let printer = match self.in_force().await?.printer {
            None => PrinterHealth::NotSet,
            Some(name) => {
                tokio::task::spawn_blocking(move || match Cups::from_env().printer(&name) {
                    Ok(printer)
                        if printer.accepting
                            && printer.state != gatehouse_devices::print::PrinterState::Paused =>
                    {
                        PrinterHealth::Ready { name }
                    }
                    Ok(printer) => PrinterHealth::Problem {
                        problem: printer
                            .message
                            .unwrap_or_else(|| "paused or not accepting jobs".to_owned()),
                        name,
                    },
                    Err(error) => PrinterHealth::Problem {
                        name,
                        problem: error.to_string(),
                    },
                })
                .await
                .map_err(|error| KioskError::Device(error.to_string()))?
            }
        };
        Ok(Health {
            cloud: status.cloud,
            waiting: self.store.backlog().await?,
            printer,
            doors_as_of: self.doors().await?.1,
        })
    }

    /// Reception says whether a walk-in waiting for their host is expected (`expected`) or not,
    /// as the host would; the cloud decides, so this needs it.
    pub async fn answer_walk_in(&self, id: InvitationId, expected: bool) -> Result<(), KioskError> {
        let (person, token) = self.receptionist_online().await?;
        let answer = if expected { "my_visitor" } else { "unknown" };
        let _: serde_json::Value = self
            .cloud
            .as_staff(
                &token,
                reqwest::Method::POST,
                &format!("api/v1/invitations/{id}/walk-in-answer"),
                Some(&serde_json::json!({ "answer": answer })),
            )
            .await
            .map_err(KioskError::offline_is_needs_cloud)?;
        self.staff_did(&person, StaffEvent::AnsweredWalkIn, Some(id))
            .await?;
        self.sync_soon();
        Ok(())
    }

    /// Takes a visitor's door pass away, for `why`: the cloud revokes it (so this needs the
    /// cloud), every door refuses it from then on, and the kiosk hears of it with its next sync.
    pub async fn revoke_door_pass(
        &self,
        id: InvitationId,
        why: Revocation,
    ) -> Result<(), KioskError> {
        let (person, token) = self.receptionist_online().await?;
        self.known(id).await?;
        self.cloud
            .as_staff_done(
                &token,
                reqwest::Method::POST,
                &format!("api/v1/invitations/{id}/credentials/revoke"),
                Some(&serde_json::json!({ "reason": why.reason() })),
            )
            .await
            .map_err(KioskError::offline_is_needs_cloud)?;
        self.staff_did(&person, StaffEvent::RevokedDoorPass, Some(id))
            .await?;
        self.sync_soon();
        Ok(())
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
            held: false,
            checked_in_at: None,
            credential: None,
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
