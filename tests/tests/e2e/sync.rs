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

/// The facility manager's view of one invitation, from the cloud's API.
async fn cloud_view(cloud: &Cloud, id: InvitationId) -> anyhow::Result<Value> {
    let (http, token) = cloud.manager().await?;
    Ok(http
        .get(format!("{}/api/v1/invitations/{id}", cloud.url))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

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
    let everything = client.changes(&token, None).await?.invitations;
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
        .check_in(jonas.id, now)
        .await?
        .expect("offline, an approved guest checks in");
    let hannah_report = store
        .check_in(hannah.id, now)
        .await?
        .expect("the kiosk still holds her as approved");
    assert_eq!(
        store.check_in(dmitri.id, now).await?.unwrap_err(),
        Refusal::NotAdmitted(AdmissionRefused::AwaitingApproval),
        "pending: never admitted, offline or not"
    );
    assert_eq!(
        store.check_in(jonas.id, now).await?.unwrap_err(),
        Refusal::NotAdmitted(AdmissionRefused::AlreadyCheckedIn)
    );
    assert_eq!(
        store
            .check_in(InvitationId::from(uuid::Uuid::now_v7()), now)
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
        cloud_view(&cloud, jonas.id).await?["visit_status"],
        "checked_in"
    );
    assert_eq!(
        cloud_view(&cloud, hannah.id).await?["visit_status"],
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
    let everything = client.changes(&token, None).await?.invitations;
    let jonas = local(&store, "Jonas Weber", &everything).await;
    let now = Utc::now();
    assert_eq!(
        store.badge_printed(jonas.id, now).await?.unwrap_err(),
        Refusal::NotCheckedIn
    );
    store.check_in(jonas.id, now).await?.unwrap();
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
        actions.ends_with(&["checked_in", "badge_printed"]),
        "{actions:?}"
    );
    Ok(())
}
