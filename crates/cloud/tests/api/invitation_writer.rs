//! The invitation writer commits the writes of requests that arrive together in one
//! transaction: each request still gets its own outcome — on SQLite and on PostgreSQL.

use crate::support::{Site, TestApp};
use chrono::{TimeDelta, Utc};
use gatehouse_cloud::store::{
    Change, InvitationRecord, InvitationWrite, InvitationWriter, StoreError,
};
use gatehouse_core::{ApprovalStatus, CategoryKind, FacilityId, InvitationId, VisitStatus};
use gatehouse_testsupport::{Backend, on_both_databases};

fn create(site: &Site, facility: FacilityId, visitor: &str) -> (InvitationId, InvitationWrite) {
    let id: InvitationId = uuid::Uuid::now_v7().into();
    let at = Utc::now();
    let write = InvitationWrite::Create {
        invitation: Box::new(InvitationRecord {
            awaiting_host: false,
            checked_in_at: None,
            room: None,
            escorted: false,
            id,
            facility_id: facility,
            occupancy_id: site.north,
            host_id: site.north_host.id,
            host_name: "North Host".to_owned(),
            host_email: site.north_host.email.clone(),
            host_language: gatehouse_core::Language::En,
            created_by: site.north_host.id,
            category: CategoryKind::Contractor,
            visitor_name: visitor.to_owned(),
            visitor_email: "visitor@guest.example".to_owned(),
            visitor_company: String::new(),
            starts_at: at + TimeDelta::days(1),
            ends_at: at + TimeDelta::days(1) + TimeDelta::hours(2),
            approval_status: ApprovalStatus::Pending,
            visit_status: VisitStatus::Expected,
            created_at: at,
            updated_at: at,
            held: false,
        }),
        change: Change {
            action: "create",
            actor: Some(site.north_host.id),
            from: None,
            to: ApprovalStatus::Pending,
            reason: None,
            at,
        },
        outbox: Vec::new(),
        hold: None,
    };
    (id, write)
}

fn decide(
    site: &Site,
    id: InvitationId,
    action: &'static str,
    to: ApprovalStatus,
) -> InvitationWrite {
    InvitationWrite::Approval {
        id,
        awaiting_host: false,
        change: Change {
            action,
            actor: Some(site.north_admin.id),
            from: Some(ApprovalStatus::Pending),
            to,
            reason: None,
            at: Utc::now(),
        },
        outbox: Vec::new(),
        revoke_credentials: false,
    }
}

on_both_databases! {
    async fn a_bad_write_committed_with_others_fails_alone(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let writer = InvitationWriter::start(&app.database);
        // An invitation for a facility that does not exist breaks its foreign key.
        let (bad, bad_write) = create(&site, uuid::Uuid::now_v7().into(), "Nobody Anywhere");
        let (good, good_write) = create(&site, site.facility, "Sofia Rossi");
        // Both are queued before the writer runs, so they arrive as one batch.
        let (bad_result, good_result) = tokio::join!(writer.write(bad_write), writer.write(good_write));
        assert!(matches!(bad_result, Err(StoreError::Database(_))), "{bad_result:?}");
        assert!(good_result.unwrap(), "the good write went with the bad one");
        assert_eq!(app.database.invitation(good).await.unwrap().unwrap().visitor_name, "Sofia Rossi");
        assert!(app.database.invitation(bad).await.unwrap().is_none());
    }
}

on_both_databases! {
    async fn two_decisions_on_one_invitation_committed_together_apply_once(backend: Backend) {
        let Some(app) = TestApp::spawn(backend).await else { return };
        let site = Site::create(&app).await;
        let writer = InvitationWriter::start(&app.database);
        let (id, write) = create(&site, site.facility, "Dmitri Volkov");
        assert!(writer.write(write).await.unwrap());
        let (approved, rejected) = tokio::join!(
            writer.write(decide(&site, id, "approve", ApprovalStatus::Approved)),
            writer.write(decide(&site, id, "reject", ApprovalStatus::Rejected)),
        );
        assert_eq!((approved.unwrap(), rejected.unwrap()), (true, false), "the second found it decided already");
        let record = app.database.invitation(id).await.unwrap().unwrap();
        assert_eq!(record.approval_status, ApprovalStatus::Approved);
        let actions: Vec<String> = app.database.history(id).await.unwrap().into_iter().map(|entry| entry.action).collect();
        assert_eq!(actions, ["create", "approve"]);
    }
}

#[tokio::test]
async fn a_write_finding_the_queue_full_is_refused_at_once_not_kept_waiting() {
    // SQLite: holding the turn to write stops the writer; the queue behind it fills.
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let site = Site::create(&app).await;
    let writer = InvitationWriter::start_waiting_at_most(&app.database, 2);
    let turn = writer.turn().await;
    let mut waiting = Vec::new();
    for visitor in ["Ann First", "Bob Second", "Cem Third"] {
        let (_, write) = create(&site, site.facility, visitor);
        let writer = writer.clone();
        waiting.push(tokio::spawn(async move { writer.write(write).await }));
        // The first is taken by the writer (which then waits for the turn); two wait in line.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (refused, write) = create(&site, site.facility, "Dan Fourth");
    let started = std::time::Instant::now();
    assert!(matches!(writer.write(write).await, Err(StoreError::Busy)));
    assert!(
        started.elapsed() < std::time::Duration::from_millis(100),
        "it waited"
    );
    drop(turn);
    for written in waiting {
        assert!(written.await.unwrap().unwrap(), "a write in line was lost");
    }
    assert!(app.database.invitation(refused).await.unwrap().is_none());
}
