//! The invitation writer commits the writes of requests that arrive together in one
//! transaction: each request still gets its own outcome — on SQLite and on PostgreSQL.

use crate::support::{Site, TestApp};
use chrono::{TimeDelta, Utc};
use gatehouse_cloud::store::{
    Change, InvitationRecord, InvitationWrite, InvitationWriter, StoreError,
};
use gatehouse_core::{ApprovalStatus, CategoryKind, FacilityId, InvitationId, VisitStatus};
use gatehouse_testsupport::on_both_databases;

fn create(site: &Site, facility: FacilityId, visitor: &str) -> (InvitationId, InvitationWrite) {
    let id: InvitationId = uuid::Uuid::now_v7().into();
    let at = Utc::now();
    let write = InvitationWrite::Create {
        invitation: Box::new(InvitationRecord {
            awaiting_host: false,
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
