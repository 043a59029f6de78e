//! The kiosk's sync engine against the real cloud process: enroll with a code, pull the
//! facility's invitations into the local store, check visitors in while the cloud is down, and
//! when it comes back every check-in arrives exactly once — including one against an invitation
//! rejected meanwhile, which the cloud flags instead of accepting.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use gatehouse_core::{
    ApprovalStatus, CategoryKind, InvitationId, VisitStatus,
    invitation::AdmissionRefused,
    wire::{EventOutcome, KioskEventBatch, KioskInvitation},
};
use gatehouse_e2e::Cloud;
use gatehouse_kiosk::{
    KioskError,
    cloud::CloudClient,
    store::{LocalStore, Refusal},
    sync,
};
use serde_json::{Value, json};

async fn reject(cloud: &Cloud, id: InvitationId) -> anyhow::Result<()> {
    let (http, token) = cloud.manager().await?;
    http.post(format!("{}/api/v1/invitations/{id}/reject", cloud.url))
        .bearer_auth(token)
        .json(&json!({"reason": "Security asked to see this visitor first."}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn local(store: &LocalStore, name: &str, all: &[KioskInvitation]) -> KioskInvitation {
    let id = all.iter().find(|i| i.visitor_name == name).expect(name).id;
    store.invitation(id).await.unwrap().unwrap()
}

#[tokio::test]
async fn check_ins_made_while_the_cloud_is_down_arrive_exactly_once_when_it_returns()
-> anyhow::Result<()> {
    let mut cloud = Cloud::start_with_demo().await?;
    let dir = tempfile::tempdir()?;
    let store = LocalStore::open(&dir.path().join("kiosk.db")).await?;
    let client = CloudClient::new(cloud.url.parse()?);

    // Enroll, then the first pull brings today's invitations.
    let code = cloud.kiosk_code()?;
    let identity = sync::enroll(&client, &store, &code).await?;
    assert_eq!(identity.facility_name, "Harbour Point");
    assert!(sync::pull(&client, &store).await? >= 6);
    let token = store.enrollment().await?.unwrap().token;
    let everything = client.changes(&token, None, None).await?.invitations;
    let jonas = local(&store, "Jonas Weber", &everything).await;
    let hannah = local(&store, "Hannah Schulz", &everything).await;
    let dmitri = local(&store, "Dmitri Volkov", &everything).await;
    assert_eq!(jonas.approval, ApprovalStatus::Approved);
    assert_eq!(dmitri.approval, ApprovalStatus::Pending);

    // Hannah is rejected in the cloud; the kiosk does not hear of it before the cloud goes away.
    reject(&cloud, hannah.id).await?;
    cloud.stop();

    let now = Utc::now();
    let jonas_report = store
        .check_in(jonas.id, now, None)
        .await?
        .expect("offline, an approved guest checks in");
    let hannah_report = store
        .check_in(hannah.id, now, None)
        .await?
        .expect("the kiosk still holds her as approved");
    assert_eq!(
        store.check_in(dmitri.id, now, None).await?.unwrap_err(),
        Refusal::NotAdmitted(AdmissionRefused::AwaitingApproval),
        "pending: never admitted, offline or not"
    );
    assert_eq!(
        store.check_in(jonas.id, now, None).await?.unwrap_err(),
        Refusal::NotAdmitted(AdmissionRefused::AlreadyCheckedIn)
    );
    assert_eq!(
        store
            .check_in(InvitationId::from(uuid::Uuid::now_v7()), now, None)
            .await?
            .unwrap_err(),
        Refusal::Unknown
    );
    assert_eq!(
        store.invitation(jonas.id).await?.unwrap().visit,
        VisitStatus::CheckedIn
    );
    let sending = sync::push(&client, &store, now).await;
    assert!(
        matches!(sending, Err(KioskError::CloudUnreachable(_))),
        "{sending:?}"
    );
    assert_eq!(
        store.backlog().await?,
        2,
        "both check-ins wait in the outbox"
    );
    assert_eq!(
        sync::push(&client, &store, now).await?,
        0,
        "nothing is due before its backoff"
    );

    cloud.restart().await?;
    let later = now + TimeDelta::minutes(10);
    assert_eq!(sync::push(&client, &store, later).await?, 2);
    assert_eq!(store.backlog().await?, 0);
    assert_eq!(
        cloud
            .as_manager(&format!("/invitations/{}", jonas.id))
            .await?["visit_status"],
        "checked_in"
    );
    assert_eq!(
        cloud
            .as_manager(&format!("/invitations/{}", hannah.id))
            .await?["visit_status"],
        "checked_in",
        "she is inside: counted"
    );

    // The answer to that push was lost, say, and the kiosk sends the same reports again: the
    // cloud answers what it did the first time and changes nothing.
    let again = client
        .report(
            &token,
            &KioskEventBatch {
                events: vec![jonas_report, hannah_report],
            },
        )
        .await?;
    assert!(again.results.iter().all(|r| r.duplicate), "{again:?}");
    assert_eq!(again.results[0].outcome, EventOutcome::Applied);
    assert_eq!(
        again.results[1].outcome,
        EventOutcome::Flagged,
        "rejected meanwhile: flagged, not accepted"
    );

    // Pulling again brings the cloud's view back, with Hannah's rejection.
    tokio::time::sleep(Duration::from_millis(50)).await;
    sync::pull(&client, &store).await?;
    assert_eq!(
        store.invitation(hannah.id).await?.unwrap().approval,
        ApprovalStatus::Rejected
    );
    Ok(())
}

#[tokio::test]
async fn the_directory_of_hosts_and_a_printed_badge_travel_with_the_sync() -> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let dir = tempfile::tempdir()?;
    let store = LocalStore::open(&dir.path().join("kiosk.db")).await?;
    let client = CloudClient::new(cloud.url.parse()?);
    sync::enroll(&client, &store, &cloud.kiosk_code()?).await?;
    assert_eq!(store.directory().await?, None);

    // The first pull brings who a walk-in may ask for, so the kiosk searches its own copy.
    sync::pull(&client, &store).await?;
    let (etag, directory) = store
        .directory()
        .await?
        .expect("pulled with the invitations");
    let tomas = directory
        .hosts
        .iter()
        .find(|host| host.name == "Tomás Ortega")
        .expect("the demo's host is listed");
    assert!(!tomas.organisation.is_empty());
    assert!(directory.categories.contains(&CategoryKind::Guest));
    sync::pull(&client, &store).await?;
    assert_eq!(store.directory().await?.map(|(held, _)| held), Some(etag));

    // A badge is printed for a visitor inside, and the cloud's history records it.
    let token = store.enrollment().await?.unwrap().token;
    let everything = client.changes(&token, None, None).await?.invitations;
    let jonas = local(&store, "Jonas Weber", &everything).await;
    let now = Utc::now();
    assert_eq!(
        store.badge_printed(jonas.id, now).await?.unwrap_err(),
        Refusal::NotCheckedIn
    );
    store.check_in(jonas.id, now, None).await?.unwrap();
    store.badge_printed(jonas.id, now).await?.unwrap();
    assert_eq!(sync::push(&client, &store, now).await?, 2);
    let history = {
        let (http, token) = cloud.manager().await?;
        http.get(format!(
            "{}/api/v1/invitations/{}/history",
            cloud.url, jonas.id
        ))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json::<Value>()
        .await?
    };
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .collect();
    assert!(
        actions.ends_with(&["checked_in", "credential_issued", "badge_printed"]),
        "{actions:?}"
    );
    Ok(())
}

/// A kiosk enrolled with the demo facility and pulled once: its store, client and token.
async fn enrolled(
    cloud: &Cloud,
    dir: &std::path::Path,
) -> anyhow::Result<(LocalStore, CloudClient, String)> {
    let store = LocalStore::open(&dir.join("kiosk.db")).await?;
    let client = CloudClient::new(cloud.url.parse()?);
    sync::enroll(&client, &store, &cloud.kiosk_code()?).await?;
    sync::pull(&client, &store).await?;
    let token = store.enrollment().await?.unwrap().token;
    Ok((store, client, token))
}

#[tokio::test]
async fn a_rejection_made_while_a_report_waits_still_reaches_the_kiosk() -> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let dir = tempfile::tempdir()?;
    let (store, client, token) = enrolled(&cloud, dir.path()).await?;
    let everything = client.changes(&token, None, None).await?.invitations;
    let jonas = local(&store, "Jonas Weber", &everything).await;
    store.check_in(jonas.id, Utc::now(), None).await?.unwrap();
    sync::push(&client, &store, Utc::now()).await?;
    sync::pull(&client, &store).await?;
    // A reprint's report waits (say the push failed), and meanwhile Jonas is rejected.
    store.badge_printed(jonas.id, Utc::now()).await?.unwrap();
    reject(&cloud, jonas.id).await?;
    sync::pull(&client, &store).await?;
    let held = store.invitation(jonas.id).await?.unwrap();
    assert_eq!(
        (held.approval, held.visit),
        (ApprovalStatus::Rejected, VisitStatus::CheckedIn),
        "the rejection is taken in; the visit stays as this kiosk recorded it"
    );
    // Once the report is sent, nothing more changes.
    sync::push(&client, &store, Utc::now()).await?;
    sync::pull(&client, &store).await?;
    assert_eq!(
        store.invitation(jonas.id).await?.unwrap().approval,
        ApprovalStatus::Rejected
    );
    Ok(())
}

#[tokio::test]
async fn a_failing_pull_does_not_keep_a_check_in_from_reaching_the_cloud() -> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    let token = kiosk.store.enrollment().await?.unwrap().token;
    let everything = kiosk.cloud.changes(&token, None, None).await?.invitations;
    let jonas = local(&kiosk.store, "Jonas Weber", &everything).await;
    kiosk
        .store
        .check_in(jonas.id, Utc::now(), None)
        .await?
        .unwrap();
    // The kiosk's place in the feed is one the cloud refuses: every pull fails.
    kiosk
        .store
        .apply(&gatehouse_core::wire::KioskChanges {
            invitations: Vec::new(),
            ndas: Vec::new(),
            keys: Vec::new(),
            cursor: "not-a-cursor".into(),
            more: false,
        })
        .await?;
    let round = kiosk.sync_once().await;
    assert!(
        matches!(round, Err(KioskError::CloudRefused { status: 400, .. })),
        "{round:?}"
    );
    // The check-in went all the same.
    let seen = cloud.invitation_named("Jonas Weber").await?;
    assert_eq!(seen["visit_status"], "checked_in", "{seen}");
    Ok(())
}

/// Writes a visit's folder as a check-in leaves it: the signed NDA, and `done` if the kiosk got
/// as far as marking it.
fn visit_folder(
    visits: &std::path::Path,
    id: InvitationId,
    nda: &[u8],
    done: bool,
) -> anyhow::Result<()> {
    let folder = visits.join(id.to_string());
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join(sync::SIGNED_NDA), nda)?;
    if done {
        std::fs::write(folder.join(sync::VISIT_DONE), b"")?;
    }
    Ok(())
}

async fn cloud_nda(cloud: &Cloud, id: InvitationId) -> anyhow::Result<reqwest::StatusCode> {
    let (http, token) = cloud.manager().await?;
    Ok(http
        .get(format!(
            "{}/api/v1/invitations/{id}/documents/signed_nda",
            cloud.url
        ))
        .bearer_auth(token)
        .send()
        .await?
        .status())
}

#[tokio::test]
async fn a_kiosk_stopped_while_printing_still_sends_the_visits_nda_however_long_it_was_off()
-> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let dir = tempfile::tempdir()?;
    let (store, client, token) = enrolled(&cloud, dir.path()).await?;
    let everything = client.changes(&token, None, None).await?.invitations;
    let jonas = local(&store, "Jonas Weber", &everything).await;
    // The check-in was recorded, then the power went while the badge printed: no marker.
    store.check_in(jonas.id, Utc::now(), None).await?.unwrap();
    let visits = dir.path().join("visits");
    visit_folder(&visits, jonas.id, b"%PDF-1.7\n% signed\n%%EOF\n", false)?;
    // Back after two hours (older than an abandoned photo may stay).
    let folder = visits.join(jonas.id.to_string());
    let status = std::process::Command::new("touch")
        .args(["-d", "2 hours ago"])
        .arg(&folder)
        .status()?;
    assert!(status.success());
    sync::push(&client, &store, Utc::now()).await?;
    assert_eq!(
        sync::send_documents(&client, &store, &visits, false).await?,
        1
    );
    assert_eq!(cloud_nda(&cloud, jonas.id).await?, reqwest::StatusCode::OK);
    assert!(
        !folder.exists(),
        "gone from the kiosk only once the cloud has it"
    );
    Ok(())
}

#[tokio::test]
async fn one_document_the_cloud_refuses_is_set_aside_and_later_visits_still_go()
-> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let dir = tempfile::tempdir()?;
    let (store, client, token) = enrolled(&cloud, dir.path()).await?;
    let everything = client.changes(&token, None, None).await?.invitations;
    let jonas = local(&store, "Jonas Weber", &everything).await;
    let sofia = local(&store, "Sofia Rossi", &everything).await;
    // Another kiosk sent Jonas's NDA first: this kiosk's different one will be refused (409).
    let other = CloudClient::new(cloud.url.parse()?);
    let other_store = LocalStore::open(&dir.path().join("other.db")).await?;
    sync::enroll(&other, &other_store, &cloud.kiosk_code()?).await?;
    let other_token = other_store.enrollment().await?.unwrap().token;
    other
        .send_document(
            &other_token,
            jonas.id,
            gatehouse_core::wire::VisitDocument::SignedNda,
            b"%PDF-1.7\n% first\n%%EOF\n".to_vec(),
        )
        .await?;
    let visits = dir.path().join("visits");
    for (visit, nda) in [
        (&jonas, &b"%PDF-1.7\n% second\n%%EOF\n"[..]),
        (&sofia, &b"%PDF-1.7\n% sofia\n%%EOF\n"[..]),
    ] {
        store.check_in(visit.id, Utc::now(), None).await?.unwrap();
        visit_folder(&visits, visit.id, nda, true)?;
    }
    sync::push(&client, &store, Utc::now()).await?;
    // Whatever order the folders are read in, Sofia's goes and Jonas's is set aside.
    assert_eq!(
        sync::send_documents(&client, &store, &visits, false).await?,
        1
    );
    assert_eq!(cloud_nda(&cloud, sofia.id).await?, reqwest::StatusCode::OK);
    let aside = visits
        .join(jonas.id.to_string())
        .join(format!("{}.refused", sync::SIGNED_NDA));
    assert!(
        aside.is_file(),
        "kept for staff, not retried ahead of every later visit"
    );
    assert_eq!(
        sync::send_documents(&client, &store, &visits, false).await?,
        0,
        "not sent again"
    );
    Ok(())
}
