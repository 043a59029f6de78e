//! A contractor's visit in the demo building, from the invitation to the last door (issue
//! "access control, part 1", done when): invited by her host, approved by the facility manager,
//! pre-registered from her invitation email (the NDA in German, a certificate of insurance),
//! checked in at the real kiosk without being asked for the NDA again, her badge's QR code
//! opening the contractor's zones and no other, her door pass on her phone, and every door
//! refusing it once she has checked out — all of it in the visit's history.

use std::{path::Path, time::Duration};

use anyhow::Context as _;
use chrono::{TimeDelta, Utc};
use gatehouse_e2e::{Cloud, Kiosk, Settings, cups};
use gatehouse_testsupport::ReceivedMail;
use serde_json::{Value, json};

use crate::visitor_flow::{at_the_door, badge_qr, door_reader, qr_codes_on, synced, zbar};

const VISITOR: &str = "Małgorzata Wiśniewska-Kowalczyk";
const EMAIL: &str = "m.wisniewska@kuehl-soehne.example";
const HOST: &str = "miriam.okafor@blueharbor.example";
/// A drawn signature: a 1 × 1 PNG.
const DRAWN: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// A signed-in HTTP client of the demo person `email`, with their bearer token.
pub(crate) async fn signed_in(
    cloud: &Cloud,
    email: &str,
) -> anyhow::Result<(reqwest::Client, String)> {
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{}/api/v1/sessions", cloud.url))
        .json(&json!({"email": email, "password": "gatehouse-demo"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["token"].as_str().context("a token")?.to_owned();
    Ok((http, token))
}

/// The code in the pre-registration link of an email's text: `…/guest/<code>`.
fn guest_code(text: &str) -> anyhow::Result<String> {
    let (_, after) = text
        .split_once("/guest/")
        .context("a pre-registration link")?;
    Ok(after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect())
}

/// The zones and history of the visit `id` as the portal shows them (its credential panel and
/// history), through the API the portal calls.
async fn as_the_portal_shows(cloud: &Cloud, id: &str) -> anyhow::Result<(Value, Vec<String>)> {
    let credentials = cloud
        .as_manager(&format!("/invitations/{id}/credentials"))
        .await?;
    let history = cloud
        .as_manager(&format!("/invitations/{id}/history"))
        .await?;
    let actions = history
        .as_array()
        .context("a history")?
        .iter()
        .filter_map(|entry| entry["action"].as_str().map(str::to_owned))
        .collect();
    Ok((credentials[0].clone(), actions))
}

async fn pre_register(cloud: &Cloud, code: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let page: Value = http
        .get(format!("{}/api/v1/guest/{code}?language=de", cloud.url))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    assert_eq!(
        page["documents"],
        json!([{"document": "nda", "done": false}, {"document": "certificate_of_insurance", "done": false}]),
        "{page}"
    );
    http.post(format!("{}/api/v1/guest/{code}/nda", cloud.url))
        .json(&json!({"version": page["nda"]["version"], "language": "de", "name": VISITOR, "signature": DRAWN}))
        .send()
        .await?
        .error_for_status()?;
    http.put(format!(
        "{}/api/v1/guest/{code}/documents/certificate_of_insurance",
        cloud.url
    ))
    .body(b"%PDF-1.7\n% Kuehl & Soehne: liability insurance\n".to_vec())
    .send()
    .await?
    .error_for_status()?;
    Ok(())
}

/// Checks the contractor in at the kiosk with the QR code from her email: confirm, photo,
/// badge — no NDA, she signed it at home.
async fn check_in(kiosk: &Kiosk, qr: &Path) -> anyhow::Result<()> {
    kiosk.click("#action-scan").await?;
    kiosk.hold_up(qr)?;
    kiosk.expect_text("#visitor-name", VISITOR).await?;
    kiosk.lower()?;
    kiosk.screenshot("contractor-confirm").await?;
    kiosk.click("#confirm-yes").await?;
    kiosk.click("#photo-take").await?;
    kiosk.element("#photo-preview").await?;
    kiosk.click("#photo-use").await?;
    kiosk.expect_text("#done-host", "Miriam Okafor").await?;
    kiosk.element("#badge-printed").await?;
    kiosk.screenshot("contractor-done").await?;
    Ok(())
}

/// Miriam invites a contractor for the next three hours; it waits for approval until the
/// facility manager approves it, and only then is the guest told. The visit's id and the
/// guest's invitation email.
async fn invited_and_approved(cloud: &Cloud) -> anyhow::Result<(String, ReceivedMail)> {
    let mail = cloud.mail_server.as_ref().context("a mail server")?;
    // Invite: it waits for approval.
    let (http, host) = signed_in(cloud, HOST).await?;
    let now = Utc::now();
    let invited: Value = http
        .post(format!("{}/api/v1/invitations", cloud.url))
        .bearer_auth(&host)
        .json(&json!({
            "category": "contractor",
            "visitor": {"name": VISITOR, "email": EMAIL, "company": "Kühl & Söhne Kältetechnik GmbH"},
            "window": {"starts_at": now + TimeDelta::minutes(1), "ends_at": now + TimeDelta::hours(3)},
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    assert_eq!(invited["approval_status"], "pending", "{invited}");
    let id = invited["id"].as_str().context("an id")?.to_owned();

    // Approve: the facility manager approves; only now is the guest told.
    let (http, manager) = cloud.manager().await?;
    http.post(format!("{}/api/v1/invitations/{id}/approve", cloud.url))
        .bearer_auth(&manager)
        .send()
        .await?
        .error_for_status()?;
    let invitation = mail
        .wait_for(EMAIL, 1)
        .await
        .into_iter()
        .find(|m| m.subject().starts_with("Your visit to Harbour Point"))
        .context("her invitation email")?;
    Ok((id, invitation))
}

/// Her phone shows the badge's pass `token`: in the email after check-in, and on her page.
async fn her_phone_shows(kiosk: &Kiosk, code: &str, token: &str) -> anyhow::Result<()> {
    let cloud = &kiosk.cloud;
    let mail = cloud.mail_server.as_ref().context("a mail server")?;
    let pass = mail
        .wait_for(EMAIL, 2)
        .await
        .into_iter()
        .find(|m| m.subject() == "Your door pass for Harbour Point")
        .context("her door-pass email")?;
    let (_, _, png) = pass
        .attachments()
        .into_iter()
        .find(|(name, _, _)| name == "door-pass.png")
        .context("the pass as a QR code")?;
    let emailed = kiosk.data.path().join("door-pass.png");
    std::fs::write(&emailed, png)?;
    assert_eq!(
        zbar(&emailed)?,
        [token.to_owned()],
        "the badge's credential"
    );
    let page: Value = reqwest::get(format!("{}/api/v1/guest/{code}", cloud.url))
        .await?
        .error_for_status()?
        .json()
        .await?;
    assert_eq!(
        page["door_pass"]["zones"],
        json!(["Lobby", "Service corridor", "Freight elevator"]),
        "{page}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contractor_is_invited_approved_pre_registered_let_through_her_doors_and_refused_once_out()
 {
    let settings = Settings {
        printer: true,
        mail_server: true,
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        synced(kiosk).await?;
        let cloud = &kiosk.cloud;

        let (id, invitation) = invited_and_approved(cloud).await?;
        let qr = kiosk.data.path().join("contractor-invitation.png");
        let (_, _, png) = invitation
            .attachments()
            .into_iter()
            .find(|(name, _, _)| name == "invitation-qr.png")
            .context("the invitation's QR code")?;
        std::fs::write(&qr, png)?;

        // Pre-register from the email's link: the NDA in German and the certificate of
        // insurance her type needs before any door opens for her.
        let code = guest_code(&invitation.text())?;
        pre_register(cloud, &code).await?;
        let (credential, _) = as_the_portal_shows(cloud, &id).await?;
        assert_eq!(credential["state"], "prepared", "{credential}");
        assert_eq!(credential["missing"], json!([]), "{credential}");
        assert_eq!(
            credential["zones"],
            json!(["Lobby", "Service corridor", "Freight elevator"])
        );
        // The kiosk hears of it through its change stream.
        tokio::time::sleep(Duration::from_secs(3)).await;

        check_in(kiosk, &qr).await?;
        let printed = cups::printed(&format!("badge-{id}"), Duration::from_secs(20))
            .context("no badge came out of the printer")?;
        let badge = kiosk.data.path().join("contractor-badge.pdf");
        std::fs::write(&badge, printed)?;
        let token = qr_codes_on(&badge)?
            .into_iter()
            .next()
            .context("a QR code on the badge")?;
        assert!(token.starts_with("GHC2."), "{token}");
        let page = badge_qr(&badge, kiosk.data.path())?;
        std::fs::copy(
            &page,
            gatehouse_e2e::screens_dir().join("badge-contractor.png"),
        )?;

        // At the doors: her zones open, the server room does not.
        let reader = door_reader(cloud).await?;
        let mut door = Value::Null;
        for _ in 0..50 {
            door = at_the_door(cloud, &reader, &token, "door-service-corridor").await?;
            if door["granted"] == true {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(door["granted"], true, "{door}");
        let server_room = at_the_door(cloud, &reader, &token, "door-server-room").await?;
        assert_eq!(server_room["refusal"], "not_this_door", "{server_room}");

        her_phone_shows(kiosk, &code, &token).await?;

        // Check out with the badge: the same QR code opens nothing any more.
        kiosk.click("#done").await?;
        kiosk.click("#action-check_out").await?;
        kiosk.element("#scan-title").await?;
        kiosk.hold_up(&page)?;
        kiosk.expect_text("#goodbye-name", "Małgorzata").await?;
        kiosk.lower()?;
        for _ in 0..50 {
            door = at_the_door(cloud, &reader, &token, "door-service-corridor").await?;
            if door["refusal"] == "revoked" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(door["refusal"], "revoked", "{door}");

        let (credential, history) = as_the_portal_shows(cloud, &id).await?;
        assert_eq!(credential["state"], "revoked", "{credential}");
        for step in [
            "create",
            "approve",
            "checked_in",
            "credential_issued",
            "checked_out",
            "credential_revoked",
        ] {
            assert!(
                history.iter().any(|action| action == step),
                "{step}: {history:?}"
            );
        }
        Ok(())
    })
    .await;
}
