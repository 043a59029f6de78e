//! Staff at the kiosk, against the real cloud with the demo facility: signing in with a kiosk PIN
//! or a password, the growing wait after wrong tries, the session ending on idle and on Lock,
//! reception admitting a guest (recorded as admitted by them) and checking everyone out, and an
//! admin deciding invitations — refused, not queued, when the cloud cannot be reached.

use anyhow::Context as _;
use chrono::TimeDelta;
use gatehouse_core::{Clock, InvitationId, category::RequiredDocument, staff::StaffSecret};
use gatehouse_e2e::Cloud;
use gatehouse_kiosk::{
    KioskError,
    admin::Decision,
    checkin::{CheckInOutcome, CheckInRequest, NdaSignature},
    reception::{Admission, DoorPass, LobbyTab, MUSTER_FILE, Muster, Revocation},
    settings::SettingsChange,
};
use gatehouse_paper::badge::{Language, Layout};
use gatehouse_testsupport::poppler;

const RECEPTION: &str = "reception@harbourpoint.example";
const RECEPTION_PIN: &str = "246810";
const MANAGER: &str = "fiona.brandt@harbourpoint.example";
/// A 1×1 PNG: the signature pad's drawing.
const SIGNATURE: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn pin(pin: &str) -> StaffSecret {
    StaffSecret::Pin(pin.into())
}

async fn invitation_of(cloud: &Cloud, name: &str) -> anyhow::Result<InvitationId> {
    Ok(serde_json::from_value(
        cloud.invitation_named(name).await?["id"].clone(),
    )?)
}

/// Jonas Weber, admitted, checks in: he signs the NDA in English.
fn jonas_signs(jonas: InvitationId) -> CheckInRequest {
    CheckInRequest {
        invitation: jonas,
        nda: Some(NdaSignature {
            name: "Jonas Weber".into(),
            signature: SIGNATURE.into(),
        }),
        language: Language::En,
    }
}

#[tokio::test]
async fn staff_sign_in_with_a_pin_or_password_and_wrong_pins_wait_longer_each_time()
-> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let clock = Clock::fixed(chrono::Utc::now());
    let kiosk = cloud.enrolled_kiosk_at(data.path(), clock.clone()).await?;

    let on_duty = kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    assert_eq!(
        (
            on_duty.name.as_str(),
            on_duty.admits,
            on_duty.approves,
            on_duty.online
        ),
        ("Rafael Costa", true, false, true)
    );
    kiosk.staff_lock().await?;
    assert_eq!(kiosk.on_duty(false).await?, None, "Lock ends it");

    let manager = kiosk
        .staff_sign_in(MANAGER, StaffSecret::Password("gatehouse-demo".into()))
        .await?;
    assert!(manager.approves && manager.admits, "{manager:?}");
    kiosk.staff_lock().await?;

    // Three wrong PINs, then a wait of 30 s — even for the right one — then 60 s after the next.
    for _ in 0..2 {
        let wrong = kiosk.staff_sign_in(RECEPTION, pin("135790")).await;
        assert!(matches!(wrong, Err(KioskError::WrongSecret)), "{wrong:?}");
    }
    let third = kiosk.staff_sign_in(RECEPTION, pin("135790")).await;
    assert!(
        matches!(third, Err(KioskError::StaffLocked(30))),
        "{third:?}"
    );
    let right = kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await;
    assert!(
        matches!(right, Err(KioskError::StaffLocked(30))),
        "{right:?}"
    );
    clock.advance(TimeDelta::seconds(31));
    let fourth = kiosk.staff_sign_in(RECEPTION, pin("135790")).await;
    assert!(
        matches!(fourth, Err(KioskError::StaffLocked(60))),
        "{fourth:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_staff_session_ends_after_two_idle_minutes_and_a_pin_works_offline_for_reception_only()
-> anyhow::Result<()> {
    let mut cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let clock = Clock::fixed(chrono::Utc::now());
    let kiosk = cloud.enrolled_kiosk_at(data.path(), clock.clone()).await?;
    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    clock.advance(TimeDelta::seconds(119));
    assert!(
        kiosk.on_duty(true).await?.is_some(),
        "a touch within two minutes keeps it"
    );
    clock.advance(TimeDelta::seconds(119));
    assert!(kiosk.lobby().await.is_ok());
    clock.advance(TimeDelta::seconds(121));
    assert!(matches!(
        kiosk.lobby().await,
        Err(KioskError::StaffSignedOut)
    ));
    assert_eq!(kiosk.on_duty(false).await?, None);

    // The kiosk keeps reception's PIN (pulled by the sync); without the cloud it signs them in
    // for reception's tasks, never for approvals, and a password needs the cloud.
    kiosk.sync_once().await?;
    cloud.stop();
    let offline = kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    assert_eq!((offline.admits, offline.online), (true, false));
    assert!(!kiosk.lobby().await?.is_empty());
    let password = kiosk
        .staff_sign_in(MANAGER, StaffSecret::Password("gatehouse-demo".into()))
        .await;
    assert!(
        matches!(password, Err(KioskError::NeedsCloud)),
        "{password:?}"
    );
    let offline_manager = kiosk.staff_sign_in(MANAGER, pin("135792")).await?;
    assert!(!offline_manager.approves, "approvals need the cloud");
    assert!(matches!(
        kiosk.reviews().await,
        Err(KioskError::NotStaff(_))
    ));

    // What happened offline reaches the cloud once it is back.
    cloud.restart().await?;
    kiosk.sync_once().await?;
    let kiosks = cloud.as_manager("/kiosks").await?;
    let history = cloud
        .as_manager(&format!(
            "/kiosks/{}/staff-history",
            kiosks[0]["id"].as_str().unwrap()
        ))
        .await?;
    let events: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|line| line["event"].as_str())
        .collect();
    assert!(
        events.contains(&"signed_in_offline") && events.contains(&"signed_out"),
        "{history}"
    );
    Ok(())
}

/// With the cloud away, the muster list is made from the kiosk's last copy of what its doors
/// know (`synced`), and says how old it is.
async fn the_list_offline_is_the_kiosk_s_last_copy(
    cloud: &mut Cloud,
    kiosk: &gatehouse_kiosk::Kiosk,
    data: &std::path::Path,
    synced: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    cloud.stop();
    let offline = kiosk.print_muster_list(Language::En).await?;
    assert!(
        matches!(offline, Muster::Saved { people: 2, doors_as_of: Some(at) } if at == synced),
        "{offline:?}"
    );
    let text = crate::visitor_flow::pdf_text(&data.join(MUSTER_FILE))?;
    assert!(text.contains("Door scans as of"), "{text}");
    // Under the zone of the last door that saw him, and that door (cut to its column).
    assert!(text.contains("Meeting floor · 1 people"), "{text}");
    assert!(text.contains(" Meeting floor d"), "{text}");
    cloud.restart().await?;
    Ok(())
}

/// The building's doors see Jonas on the meeting floor and Petra, one of its own people, come
/// in at the main entrance (a system without a connector posts its scans).
async fn doors_see_jonas_and_petra(cloud: &Cloud, jonas: InvitationId) -> anyhow::Result<()> {
    let (http, manager) = cloud.manager().await?;
    http.post(format!("{}/api/v1/door-events", cloud.url))
        .bearer_auth(&manager)
        .json(&serde_json::json!({"events": [
            {"id": "meeting-1", "door": "Meeting floor door", "holder": {"visit": jonas},
             "granted": true, "at": chrono::Utc::now()},
            {"id": "lobby-1", "door": "Main entrance", "holder": {"person": "Petra Pförtner"},
             "granted": true, "direction": "in", "at": chrono::Utc::now()},
        ]}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

#[tokio::test]
async fn reception_admits_an_expected_guest_at_the_kiosk_and_checks_everyone_out_at_the_end_of_the_day()
-> anyhow::Result<()> {
    let mut cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    let jonas = invitation_of(&cloud, "Jonas Weber").await?;
    assert!(
        matches!(kiosk.lobby().await, Err(KioskError::StaffSignedOut)),
        "no one signed in"
    );

    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    let lobby = kiosk.lobby().await?;
    let tab_of = |name: &str| {
        lobby
            .iter()
            .find(|visitor| visitor.name == name)
            .map(|visitor| visitor.tab)
    };
    assert_eq!(tab_of("Jonas Weber"), Some(LobbyTab::Expected));
    assert_eq!(tab_of("Dmitri Volkov"), Some(LobbyTab::AwaitingApproval));
    assert_eq!(
        tab_of("Frank Müller"),
        None,
        "a rejected visit is nobody's to admit"
    );
    let dmitri = invitation_of(&cloud, "Dmitri Volkov").await?;
    assert!(
        matches!(kiosk.admit(dmitri).await?, Admission::Refused { .. }),
        "pending is not admitted"
    );

    let Admission::Admitted { visitor } = kiosk.admit(jonas).await? else {
        panic!("Jonas is expected");
    };
    assert!(visitor.nda, "the visitor still signs the NDA");
    assert_eq!(
        kiosk.on_duty(false).await?,
        None,
        "the screen is the visitor's now"
    );
    let outcome = kiosk.check_in(jonas_signs(jonas)).await?;
    assert!(
        matches!(outcome, CheckInOutcome::CheckedIn { .. }),
        "{outcome:?}"
    );
    kiosk.sync_once().await?;
    let history = cloud
        .as_manager(&format!("/invitations/{jonas}/history"))
        .await?;
    let admitted = history
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["action"] == "admitted");
    assert_eq!(
        admitted.map(|step| step["actor_name"].clone()),
        Some(serde_json::json!("Rafael Costa")),
        "{history}"
    );

    // A door of the building sees him on the meeting floor, and the building's system reports
    // one of its own people inside; the kiosk hears of both with its sync.
    doors_see_jonas_and_petra(&cloud, jonas).await?;
    kiosk.sync_once().await?;

    // The muster list names exactly who is inside, with their host and the last door.
    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    let seen = kiosk.lobby().await?;
    let last_door = seen
        .iter()
        .find(|visitor| visitor.invitation == jonas)
        .and_then(|visitor| visitor.last_door.as_ref());
    assert_eq!(
        last_door.map(|door| door.door.as_str()),
        Some("Meeting floor door")
    );
    let muster = kiosk.print_muster_list(Language::En).await?;
    let Muster::Saved {
        people: 2,
        doors_as_of: Some(synced),
    } = muster
    else {
        panic!("no printer here: kept as a PDF, Jonas and Petra on it: {muster:?}");
    };
    let text = crate::visitor_flow::pdf_text(&data.path().join(MUSTER_FILE))?;
    for absent in ["Sofia Rossi", "Dmitri Volkov", "Frank Müller"] {
        assert!(!text.contains(absent), "{absent} is not inside: {text}");
    }
    for grouped in [
        "Jonas Weber",
        "Ada Lindqvist",
        "Meeting floor · 1 people",
        "Lobby · 1 people",
        "Petra Pförtner",
        "Staff",
    ] {
        assert!(text.contains(grouped), "{grouped:?} missing: {text}");
    }

    the_list_offline_is_the_kiosk_s_last_copy(&mut cloud, &kiosk, data.path(), synced).await?;

    // At the end of the day everyone still on site is checked out in one go.
    assert_eq!(kiosk.check_out_everyone().await?, 1);
    assert_eq!(kiosk.check_out_everyone().await?, 0, "nobody is left");
    kiosk.sync_once().await?;
    assert_eq!(
        cloud.invitation_named("Jonas Weber").await?["visit_status"],
        "checked_out"
    );
    Ok(())
}

#[tokio::test]
async fn reception_sees_why_a_door_pass_waits_and_blocks_one_from_the_kiosk() -> anyhow::Result<()>
{
    let mut cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    let jonas = invitation_of(&cloud, "Jonas Weber").await?;
    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    let pass_of = async |name: &str| -> anyhow::Result<DoorPass> {
        Ok(kiosk
            .lobby()
            .await?
            .into_iter()
            .find(|visitor| visitor.name == name)
            .with_context(|| format!("{name} in the lobby"))?
            .door_pass)
    };
    // A contractor approved for today who has handed in no certificate of insurance yet: that
    // is why the kiosk sends him to reception. Hannah handed hers in before her visit.
    let (http, miriam) =
        crate::contractor_visit::signed_in(&cloud, "miriam.okafor@blueharbor.example").await?;
    let now = chrono::Utc::now();
    let otto: serde_json::Value = http
        .post(format!("{}/api/v1/invitations", cloud.url))
        .bearer_auth(&miriam)
        .json(&serde_json::json!({
            "category": "contractor",
            "visitor": {"name": "Otto Ohnepapier", "email": "otto@example.com"},
            "window": {"starts_at": now + TimeDelta::minutes(1), "ends_at": now + TimeDelta::hours(2)},
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let (http, manager) = cloud.manager().await?;
    http.post(format!(
        "{}/api/v1/invitations/{}/approve",
        cloud.url,
        otto["id"].as_str().context("an id")?
    ))
    .bearer_auth(&manager)
    .send()
    .await?
    .error_for_status()?;
    kiosk.sync_once().await?;
    assert_eq!(
        pass_of("Otto Ohnepapier").await?,
        DoorPass::Waiting {
            missing: vec![RequiredDocument::CertificateOfInsurance]
        }
    );
    assert_eq!(pass_of("Hannah Schulz").await?, DoorPass::Ready);
    assert_eq!(
        pass_of("Dmitri Volkov").await?,
        DoorPass::None,
        "not approved"
    );

    let Admission::Admitted { .. } = kiosk.admit(jonas).await? else {
        panic!("Jonas is expected");
    };
    kiosk.check_in(jonas_signs(jonas)).await?;
    kiosk.sync_once().await?;
    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    assert_eq!(pass_of("Jonas Weber").await?, DoorPass::Ready);

    // He lost his badge: reception blocks the pass, the cloud revokes it with the reason.
    kiosk.revoke_door_pass(jonas, Revocation::BadgeLost).await?;
    kiosk.sync_once().await?;
    assert_eq!(pass_of("Jonas Weber").await?, DoorPass::Revoked);
    let credentials = cloud
        .as_manager(&format!("/invitations/{jonas}/credentials"))
        .await?;
    assert_eq!(credentials[0]["state"], "revoked", "{credentials}");
    assert_eq!(
        credentials[0]["revoked_reason"],
        "revoked by reception: the badge was lost"
    );
    // Twice is refused; without the cloud it is not done, and said so.
    assert!(matches!(
        kiosk
            .revoke_door_pass(jonas, Revocation::AskedToLeave)
            .await,
        Err(KioskError::CloudRefused { status: 409, .. })
    ));
    cloud.stop();
    assert!(matches!(
        kiosk
            .revoke_door_pass(jonas, Revocation::AskedToLeave)
            .await,
        Err(KioskError::NeedsCloud)
    ));
    Ok(())
}

#[tokio::test]
async fn an_admin_decides_on_the_kiosk_as_themselves_and_a_receptionist_cannot()
-> anyhow::Result<()> {
    let mut cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    // A contractor for tomorrow: waiting for approval.
    let dmitri: InvitationId = cloud
        .pending_contractor_tomorrow("Dmitri Volkov")
        .await?
        .parse()?;

    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    assert!(
        matches!(kiosk.reviews().await, Err(KioskError::NotStaff(_))),
        "reception does not approve"
    );
    kiosk
        .staff_sign_in(MANAGER, StaffSecret::Password("gatehouse-demo".into()))
        .await?;
    let reviews = kiosk.reviews().await?;
    assert!(
        reviews.iter().any(|review| review.id == dmitri),
        "{reviews:?}"
    );
    let approved = kiosk.decide(dmitri, Decision::Approve).await?;
    assert_eq!(
        approved.approval_status,
        gatehouse_core::ApprovalStatus::Approved
    );
    let back = kiosk
        .decide(
            dmitri,
            Decision::ReturnToPending {
                reason: Some("Wrong floor".into()),
            },
        )
        .await?;
    assert_eq!(
        back.approval_status,
        gatehouse_core::ApprovalStatus::Pending
    );
    let history = cloud
        .as_manager(&format!("/invitations/{dmitri}/history"))
        .await?;
    let actors: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|step| step["actor_name"].as_str())
        .collect();
    assert!(
        actors
            .iter()
            .filter(|name| **name == "Fiona Brandt")
            .count()
            >= 2,
        "{history}"
    );

    // Offline a decision is refused, never queued.
    cloud.stop();
    let offline = kiosk
        .decide(dmitri, Decision::Reject { reason: None })
        .await;
    assert!(
        matches!(offline, Err(KioskError::NeedsCloud)),
        "{offline:?}"
    );
    cloud.restart().await?;
    assert_eq!(
        cloud.as_manager(&format!("/invitations/{dmitri}")).await?["approval_status"],
        "pending"
    );
    Ok(())
}

#[tokio::test]
async fn reception_says_a_walk_in_is_expected_from_the_kiosk_and_offline_it_waits_for_the_cloud()
-> anyhow::Result<()> {
    let mut cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    let host = kiosk
        .find_hosts("Okafor")
        .await?
        .into_iter()
        .next()
        .context("Miriam Okafor is in the directory")?;
    let walter = kiosk
        .register_walk_in(&gatehouse_core::wire::KioskWalkIn {
            host: host.id,
            category: gatehouse_core::CategoryKind::Guest,
            visitor_name: "Walter Walk-In".into(),
            visitor_company: None,
            visitor_email: "walter@nordlicht.example".into(),
        })
        .await?;
    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    let tab = |lobby: &[gatehouse_kiosk::reception::LobbyVisitor]| {
        lobby
            .iter()
            .find(|visitor| visitor.invitation == walter.invitation)
            .map(|visitor| visitor.tab)
    };
    assert_eq!(tab(&kiosk.lobby().await?), Some(LobbyTab::AwaitingHost));
    kiosk.answer_walk_in(walter.invitation, true).await?;
    kiosk.sync_once().await?;
    assert_eq!(tab(&kiosk.lobby().await?), Some(LobbyTab::Expected));

    // Offline the answer is the cloud's to give: refused, not queued.
    kiosk.staff_lock().await?;
    kiosk.sync_once().await?;
    cloud.stop();
    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    let offline = kiosk.answer_walk_in(walter.invitation, false).await;
    assert!(
        matches!(offline, Err(KioskError::NeedsCloud)),
        "{offline:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_admin_changes_the_kiosk_s_settings_and_unenrolls_it_and_reception_may_do_neither()
-> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let clock = Clock::fixed(chrono::Utc::now());
    let kiosk = cloud.enrolled_kiosk_at(data.path(), clock.clone()).await?;

    kiosk.staff_sign_in(RECEPTION, pin(RECEPTION_PIN)).await?;
    assert!(matches!(
        kiosk.settings().await,
        Err(KioskError::NotStaff(_))
    ));
    assert!(matches!(
        kiosk.unenroll().await,
        Err(KioskError::NotStaff(_))
    ));

    kiosk
        .staff_sign_in(MANAGER, StaffSecret::Password("gatehouse-demo".into()))
        .await?;
    // A bad value changes nothing.
    let refused = kiosk
        .change_settings(SettingsChange {
            idle_seconds: Some(2),
            language: Some(gatehouse_core::Language::De),
            ..SettingsChange::default()
        })
        .await;
    assert!(
        matches!(refused, Err(KioskError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(kiosk.status().await?.language, gatehouse_core::Language::En);
    let changed = kiosk
        .change_settings(SettingsChange {
            language: Some(gatehouse_core::Language::De),
            idle_seconds: Some(60),
            staff_idle_seconds: Some(30),
            printer: Some(String::new()),
            ..SettingsChange::default()
        })
        .await?;
    assert_eq!(
        (
            changed.idle_seconds,
            changed.staff_idle_seconds,
            changed.printer
        ),
        (60, 30, None)
    );
    let status = kiosk.status().await?;
    assert_eq!(
        (status.language, status.idle_seconds, status.printer),
        (gatehouse_core::Language::De, 60, false)
    );
    // The staff session now ends after 30 s without a touch.
    clock.advance(TimeDelta::seconds(31));
    assert_eq!(kiosk.on_duty(false).await?, None);

    // Unenrolled: nothing of the building stays, and the kiosk asks to be set up.
    kiosk
        .staff_sign_in(MANAGER, StaffSecret::Password("gatehouse-demo".into()))
        .await?;
    kiosk.unenroll().await?;
    assert!(kiosk.store.enrollment().await?.is_none());
    assert!(
        kiosk
            .store
            .invitations_between(
                chrono::DateTime::<chrono::Utc>::MIN_UTC,
                chrono::DateTime::<chrono::Utc>::MAX_UTC
            )
            .await?
            .is_empty()
    );
    assert_eq!(
        kiosk.status().await?.language,
        gatehouse_core::Language::En,
        "its settings went too"
    );
    assert!(kiosk.setup_needed().await?);
    Ok(())
}

#[tokio::test]
async fn the_badge_media_an_admin_chooses_is_what_the_next_badge_prints_on_and_only_a_connected_camera_can_be_chosen()
-> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    kiosk
        .staff_sign_in(MANAGER, StaffSecret::Password("gatehouse-demo".into()))
        .await?;
    // Only a camera connected to the kiosk can be chosen (this machine has none).
    let refused = kiosk
        .change_settings(SettingsChange {
            camera: Some("/dev/video7".into()),
            badge_layout: Some(Layout::Dymo30857),
            ..SettingsChange::default()
        })
        .await;
    assert!(
        matches!(&refused, Err(KioskError::Invalid(message)) if message.contains("/dev/video7")),
        "{refused:?}"
    );
    assert_eq!(kiosk.settings().await?.badge_layout, Layout::Cr80);
    let changed = kiosk
        .change_settings(SettingsChange {
            printer: Some(String::new()),
            badge_layout: Some(Layout::Dymo30857),
            ..SettingsChange::default()
        })
        .await?;
    assert_eq!(changed.badge_layout, Layout::Dymo30857);
    // The next badge comes out on the media chosen: a DYMO 30857 label, 2¼ × 4 in.
    let jonas = invitation_of(&cloud, "Jonas Weber").await?;
    let Admission::Admitted { .. } = kiosk.admit(jonas).await? else {
        panic!("Jonas is expected");
    };
    kiosk.check_in(jonas_signs(jonas)).await?;
    let badge = data
        .path()
        .join("visits")
        .join(jonas.to_string())
        .join("badge.pdf");
    let sizes = poppler::page_sizes(&badge);
    assert!(
        (sizes[0].0 - 162.0).abs() < 0.5 && (sizes[0].1 - 288.0).abs() < 0.5,
        "{sizes:?}"
    );
    Ok(())
}
