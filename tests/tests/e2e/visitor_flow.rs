//! A visitor at the real kiosk (WebDriver, Xvfb) against the real cloud with the demo facility:
//! the kiosk enrolls with a code, syncs, reads invitation QR codes from its file camera, and
//! checks a guest in with NDA, photo and badge, then out again with the badge's QR code.

use std::{path::Path, process::Command, time::Duration};

use anyhow::{Context as _, bail};
use gatehouse_e2e::{Cloud, Kiosk, Settings, cups};
use serde_json::Value;

/// What the cloud's history of the demo visitor `name` records, oldest first.
pub(crate) async fn history_of(cloud: &Cloud, name: &str) -> anyhow::Result<Vec<String>> {
    let id = cloud.invitation_named(name).await?["id"]
        .as_str()
        .context("an id")?
        .to_owned();
    let history = cloud
        .as_manager(&format!("/invitations/{id}/history"))
        .await?;
    let entries = history.as_array().context("a history")?;
    Ok(entries
        .iter()
        .filter_map(|entry| entry["action"].as_str().map(str::to_owned))
        .collect())
}

/// How often the cloud's history of the demo visitor `name` says they were checked in.
async fn check_ins_of(cloud: &Cloud, name: &str) -> anyhow::Result<usize> {
    let history = history_of(cloud, name).await?;
    Ok(history
        .iter()
        .filter(|action| *action == "checked_in")
        .count())
}

/// Waits until the kiosk has enrolled and synced (its staff status says nothing waits).
pub(crate) async fn synced(kiosk: &Kiosk) -> anyhow::Result<()> {
    kiosk
        .expect_text("#cloud-status", "Connected · 0 to send · v0.1.0")
        .await
}

pub(crate) fn pdf_text(pdf: &Path) -> anyhow::Result<String> {
    let output = Command::new("pdftotext").arg(pdf).arg("-").output()?;
    if !output.status.success() {
        bail!(
            "pdftotext {}: {}",
            pdf.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// The visit document `kind` of invitation `id` from the cloud, once the kiosk has sent it.
async fn document(cloud: &Cloud, id: &str, kind: &str) -> anyhow::Result<Vec<u8>> {
    let (http, token) = cloud.manager().await?;
    for _ in 0..100 {
        let response = http
            .get(format!(
                "{}/api/v1/invitations/{id}/documents/{kind}",
                cloud.url
            ))
            .bearer_auth(&token)
            .send()
            .await?;
        if response.status().is_success() {
            return Ok(response.bytes().await?.to_vec());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the kiosk never sent the {kind} of {id}")
}

/// Types `name` as the full name and signs: from the keyboard, Enter on the pad writes the typed
/// name as the signature.
pub(crate) async fn sign_nda(kiosk: &Kiosk, name: &str) -> anyhow::Result<()> {
    kiosk.element("#nda-name").await?.send_keys(name).await?;
    kiosk
        .element("#signature-pad")
        .await?
        .send_keys("\u{E007}")
        .await?;
    Ok(())
}

/// A door reader of the demo building: a device enrolled like a kiosk; its token.
pub(crate) async fn door_reader(cloud: &Cloud) -> anyhow::Result<String> {
    let enrolled: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/kiosks/enroll", cloud.url))
        .json(&serde_json::json!({"code": cloud.kiosk_code()?}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(enrolled["token"]
        .as_str()
        .context("a device token")?
        .to_owned())
}

/// What the cloud tells the door reader `reader` of the credential `token` at `door` (its id in
/// the building's access-control system).
pub(crate) async fn at_the_door(
    cloud: &Cloud,
    reader: &str,
    token: &str,
    door: &str,
) -> anyhow::Result<Value> {
    Ok(reqwest::Client::new()
        .post(format!("{}/api/v1/credentials/verify", cloud.url))
        .bearer_auth(reader)
        .json(&serde_json::json!({"token": token, "door": door}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// The pre-registration code in the newest invitation email the cloud wrote to `guest` (the
/// cloud of these tests writes its emails to a folder, quoted-printable).
async fn walk_in_s_code(cloud: &Cloud, guest: &str) -> anyhow::Result<String> {
    for _ in 0..50 {
        for email in cloud.emails()? {
            let email = email
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=");
            if email.contains(guest)
                && let Some((_, after)) = email.split_once("/guest/")
            {
                return Ok(after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    .collect());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("no invitation email to {guest}")
}

pub(crate) const MAIN_ENTRANCE: &str = "door-main-entrance";

/// What zbar reads in the image at `png`.
pub(crate) fn zbar(png: &Path) -> anyhow::Result<Vec<String>> {
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(png)
        .output()?;
    Ok(String::from_utf8(output.stdout)?
        .lines()
        .map(str::to_owned)
        .collect())
}

/// The QR code on a printed badge, as a picture to hold up to the camera.
pub(crate) fn badge_qr(badge: &Path, folder: &Path) -> anyhow::Result<std::path::PathBuf> {
    let page = folder.join("badge-page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "200", "-singlefile"])
        .arg(badge)
        .arg(&page)
        .status()?;
    anyhow::ensure!(status.success(), "pdftoppm {}", badge.display());
    Ok(page.with_extension("png"))
}

/// The QR codes on the first page of `pdf`, rendered at 300 dpi.
pub(crate) fn qr_codes_on(pdf: &Path) -> anyhow::Result<Vec<String>> {
    let prefix = pdf.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()?;
    if !status.success() {
        bail!("pdftoppm {} failed", pdf.display());
    }
    zbar(&prefix.with_extension("png"))
}

/// Sofia's signed NDA and photo reach the cloud, and then leave the kiosk's disk.
async fn documents_reach_the_cloud_and_leave_the_kiosk(
    kiosk: &Kiosk,
    id: &str,
) -> anyhow::Result<()> {
    let nda_pdf = kiosk.data.path().join("signed-nda.pdf");
    std::fs::write(&nda_pdf, document(&kiosk.cloud, id, "signed_nda").await?)?;
    let nda = pdf_text(&nda_pdf)?;
    assert!(nda.contains("Sofia Rossi"), "{nda}");
    assert!(nda.contains("Harbour Point · Lobby"), "{nda}");
    assert!(nda.contains("SHA-256"), "{nda}");
    assert!(
        document(&kiosk.cloud, id, "photo")
            .await?
            .starts_with(&[0xFF, 0xD8])
    );
    let visit = kiosk.data.path().join("visits").join(id);
    for _ in 0..50 {
        if !visit.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!visit.exists(), "the visit's files are still on the kiosk");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn pre_registered_guest_checks_in_with_nda_photo_and_badge_then_checks_out_with_the_badge_in_one_step()
 {
    let settings = Settings {
        printer: true,
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        synced(kiosk).await?;
        let sofia = kiosk.cloud.invitation_code("Sofia Rossi");

        // Scan: the QR code from her invitation email, held up to the camera.
        kiosk.click("#action-scan").await?;
        kiosk.element("#scan-title").await?;
        // The screen shows what the camera sees, so she can aim.
        let view = kiosk.element("#camera-view").await?.attr("src").await?;
        assert!(view.is_some_and(|src| src.starts_with("data:image/jpeg;base64,")));
        kiosk.screenshot("scan").await?;
        kiosk.hold_up(&sofia)?;
        kiosk.expect_text("#visitor-name", "Sofia Rossi").await?;
        kiosk.lower()?;
        assert!(kiosk.text(".host").await?.contains("Tomás Ortega"));
        kiosk.screenshot("confirm").await?;
        kiosk.click("#confirm-yes").await?;

        // The NDA: the facility's text (its paragraphs appear once it is read from the store),
        // her typed name and her signature.
        kiosk.element("#nda-text p").await?;
        assert!(
            kiosk
                .text("#nda-text")
                .await?
                .contains("Non-disclosure agreement for visitors to Harbour Point")
        );
        kiosk.click("#nda-agree").await?;
        kiosk
            .expect_text(".failure", "Please type your name and sign in the box.")
            .await?;
        sign_nda(kiosk, "Sofia Rossi").await?;
        kiosk.screenshot("nda").await?;
        kiosk.click("#nda-agree").await?;

        // The photo for her badge.
        kiosk.click("#photo-take").await?;
        kiosk.element("#photo-preview").await?;
        kiosk.screenshot("photo").await?;
        kiosk.click("#photo-use").await?;

        // Checked in: her host is named, and her badge comes out of the printer.
        kiosk.expect_text("#done-host", "Tomás Ortega").await?;
        kiosk.element("#badge-printed").await?;
        kiosk.screenshot("done").await?;

        // Her signed NDA and photo reach the cloud, and then leave the kiosk's disk.
        let id = kiosk.cloud.invitation_named("Sofia Rossi").await?["id"]
            .as_str()
            .context("an id")?
            .to_owned();
        documents_reach_the_cloud_and_leave_the_kiosk(kiosk, &id).await?;

        // The badge as printed (cups-pdf's output, text turned to outlines by Ghostscript): its
        // QR code is her door credential, which opens the main entrance once the cloud knows
        // she is in (in her window: the demo's visits keep their hours) and checks her out.
        let printed = cups::printed(&format!("badge-{id}"), Duration::from_secs(20))
            .context("no badge came out of the printer")?;
        let badge = kiosk.data.path().join("printed-badge.pdf");
        std::fs::write(&badge, printed)?;
        let codes = qr_codes_on(&badge)?;
        let credential = codes.first().context("a QR code on the badge")?.clone();
        assert!(credential.starts_with("GHC2."), "{codes:?}");
        assert_ne!(codes, zbar(&sofia)?, "not her invitation code");
        let reader = door_reader(&kiosk.cloud).await?;

        // The check-in reaches the cloud.
        synced(kiosk).await?;
        let mut status = Value::Null;
        for _ in 0..50 {
            status = kiosk.cloud.invitation_named("Sofia Rossi").await?["visit_status"].clone();
            if status == "checked_in" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(status, "checked_in");
        let history = history_of(&kiosk.cloud, "Sofia Rossi").await?;
        assert!(
            history.ends_with(&[
                "checked_in".into(),
                "credential_issued".into(),
                "badge_printed".into()
            ]),
            "{history:?}"
        );
        let door = at_the_door(&kiosk.cloud, &reader, &credential, MAIN_ENTRANCE).await?;
        assert_eq!(door["visit"], id.as_str(), "{door}");
        assert!(
            door["granted"] == true
                || ["not_yet_valid", "expired"].contains(&door["refusal"].as_str().unwrap_or("")),
            "issued: only the hour of the test may keep the door shut: {door}"
        );

        // Holding her badge up to check out checks her out at once: no second tap.
        kiosk.click("#done").await?;
        kiosk.click("#action-check_out").await?;
        kiosk.element("#scan-title").await?;
        kiosk.hold_up(&badge_qr(&badge, kiosk.data.path())?)?;
        kiosk.expect_text("#goodbye-name", "Sofia").await?;
        kiosk.lower()?;
        kiosk.screenshot("goodbye").await?;
        // Checked out, the same QR code opens nothing.
        let mut door = Value::Null;
        for _ in 0..50 {
            door = at_the_door(&kiosk.cloud, &reader, &credential, MAIN_ENTRANCE).await?;
            if door["refusal"] == "revoked" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(door["refusal"], "revoked", "{door}");
        assert_eq!(door["granted"], false);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_and_rejected_invitations_are_told_kindly_in_english_and_german() {
    Kiosk::run(async |kiosk| {
        synced(kiosk).await?;
        kiosk.click("#action-scan").await?;
        kiosk.hold_up(&kiosk.cloud.invitation_code("Dmitri Volkov"))?;
        kiosk
            .expect_text("#notice-title", "Your invitation is still waiting for approval. Please see reception.")
            .await?;
        kiosk.lower()?;
        // Reception is told he is here, and sees him on the Lobby page.
        kiosk.expect_text("[role=status]", "Reception knows you are here.").await?;
        kiosk.screenshot("pending").await?;
        let lobby = kiosk.cloud.as_manager("/lobby").await?;
        assert_eq!(lobby["attention"][0]["invitation"]["visitor_name"], "Dmitri Volkov", "{lobby}");
        kiosk.click("#back").await?;

        kiosk.click("#language-de").await?;
        kiosk.click("#action-scan").await?;
        kiosk.expect_text("#scan-title", "Halten Sie Ihren QR-Code vor die Kamera").await?;
        kiosk.hold_up(&kiosk.cloud.invitation_code("Frank Müller"))?;
        kiosk
            .expect_text(
                "#notice-title",
                "Mit dieser Einladung können wir Sie nicht anmelden. Bitte wenden Sie sich an den Empfang.",
            )
            .await?;
        kiosk.lower()?;
        kiosk.screenshot("rejected-de").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_learns_nothing_from_names_and_a_visitor_proves_theirs_then_the_screen_forgets_them()
 {
    let settings = Settings {
        idle_seconds: Some(5),
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        synced(kiosk).await?;
        kiosk.click("#action-find").await?;
        // Three letters, or one letter per word, list no one.
        let query = kiosk.element("#find-query").await?;
        query.send_keys("han").await?;
        kiosk.click("#find-continue").await?;
        kiosk
            .expect_text("#find-said", "Please type your first and last name, or the code from your email.")
            .await?;
        kiosk.screenshot("find").await?;
        assert!(!kiosk.client.source().await?.contains("Hannah"));
        query.clear().await?;
        query.send_keys("s s s").await?;
        kiosk.click("#find-continue").await?;
        kiosk.element("#prove-answer").await?.send_keys("hannah@example.com").await?;
        kiosk.click("#prove-continue").await?;
        kiosk.element("#prove-said").await?;
        assert!(!kiosk.client.source().await?.contains("Hannah"));
        kiosk.click("#back").await?;

        // Her full name, any accents and case, then the address her invitation went to.
        kiosk.click("#action-find").await?;
        kiosk.element("#find-query").await?.send_keys("hannah SCHULZ").await?;
        kiosk.click("#find-continue").await?;
        kiosk.screenshot("prove").await?;
        let answer = kiosk.element("#prove-answer").await?;
        answer.send_keys("h.schulz@elektro-nord.com").await?;
        kiosk.click("#prove-continue").await?;
        kiosk
            .expect_text(
                "#prove-said",
                "We found no invitation for today with this name and address. Please check them or see reception.",
            )
            .await?;
        answer.clear().await?;
        answer.send_keys("H.Schulz@elektro-nord.example").await?;
        kiosk.click("#prove-continue").await?;
        kiosk.expect_text("#visitor-name", "Hannah Schulz").await?;

        // She walks away: after 5 s without a touch the kiosk forgets her.
        tokio::time::sleep(Duration::from_secs(7)).await;
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        let page = kiosk.client.source().await?;
        assert!(
            !page.contains("Hannah"),
            "the visitor's name is gone from the screen"
        );

        // The code from her invitation email finds her alone.
        let id: gatehouse_core::InvitationId = serde_json::from_value(
            kiosk.cloud.invitation_named("Hannah Schulz").await?["id"].clone(),
        )?;
        kiosk.click("#action-find").await?;
        kiosk
            .element("#find-query")
            .await?
            .send_keys(&gatehouse_core::invitation::code(id).to_lowercase())
            .await?;
        kiosk.click("#find-continue").await?;
        kiosk.expect_text("#visitor-name", "Hannah Schulz").await?;
        Ok(())
    })
    .await;
}

/// Told at the kiosk that his certificate of insurance is missing, Walter hands it in on his phone, from the link in the invitation
/// he was just sent, and comes back to the kiosk with the code from that email.
async fn hands_in_his_certificate_and_comes_back(
    kiosk: &Kiosk,
    walter: &Value,
) -> anyhow::Result<()> {
    kiosk
        .expect_text(
            "#notice-title",
            "We still need a document from you before your visit, such as your certificate of insurance. Please see reception.",
        )
        .await?;
    let code = walk_in_s_code(&kiosk.cloud, "walter@nordlicht.example").await?;
    reqwest::Client::new()
        .put(format!(
            "{}/api/v1/guest/{code}/documents/certificate_of_insurance",
            kiosk.cloud.url
        ))
        .body(b"%PDF-1.7\n% Nordlicht: liability insurance\n".to_vec())
        .send()
        .await?
        .error_for_status()?;
    // The kiosk hears of it within seconds and moves on to him by itself; if it does not, he
    // finds his invitation again with the code from his email.
    for _ in 0..30 {
        if kiosk.client.source().await?.contains("id=\"visitor-name\"") {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    kiosk.click("#back").await?;
    let walter_id: gatehouse_core::InvitationId = serde_json::from_value(walter["id"].clone())?;
    kiosk.click("#action-find").await?;
    kiosk
        .element("#find-query")
        .await?
        .send_keys(&gatehouse_core::invitation::code(walter_id))
        .await?;
    kiosk.click("#find-continue").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn walk_in_waits_for_the_hosts_yes_and_then_for_approval_before_checking_in() {
    Kiosk::run(async |kiosk| {
        synced(kiosk).await?;
        kiosk.click("#action-walk_in").await?;
        kiosk
            .element("#host-query")
            .await?
            .send_keys("miriam")
            .await?;
        kiosk.expect_text(".host .name", "Miriam Okafor").await?;
        kiosk.screenshot("walk-in-host").await?;
        kiosk.click(".host").await?;
        kiosk.click("#category-contractor").await?;
        kiosk
            .element("#walk-in-name")
            .await?
            .send_keys("Walter Walk-In")
            .await?;
        kiosk
            .element("#walk-in-company")
            .await?
            .send_keys("Nordlicht Elektrotechnik")
            .await?;
        kiosk
            .element("#walk-in-email")
            .await?
            .send_keys("walter@nordlicht.example")
            .await?;
        kiosk.screenshot("walk-in-details").await?;
        kiosk.click("#walk-in-register").await?;

        // Naming Miriam earns nothing yet: the kiosk waits for her to say he is expected.
        kiosk
            .expect_text("#waiting-title", "Please wait a moment")
            .await?;
        kiosk
            .expect_text(
                "#waiting-hint",
                "We have asked Miriam Okafor to confirm that you are expected. This screen moves on by itself; reception can help too.",
            )
            .await?;
        kiosk.screenshot("waiting").await?;
        let walter = kiosk.cloud.invitation_named("Walter Walk-In").await?;
        assert_eq!(walter["awaiting_host"], true);
        let id = walter["id"].as_str().context("an id")?;
        let http = reqwest::Client::new();
        let miriam: Value = http
            .post(format!("{}/api/v1/sessions", kiosk.cloud.url))
            .json(&serde_json::json!({"email": "miriam.okafor@blueharbor.example", "password": "gatehouse-demo"}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        http.post(format!(
            "{}/api/v1/invitations/{id}/walk-in-answer",
            kiosk.cloud.url
        ))
        .bearer_auth(miriam["token"].as_str().context("a token")?)
        .json(&serde_json::json!({"answer": "my_visitor"}))
        .send()
        .await?
        .error_for_status()?;

        // Contractors need approval too: the kiosk goes on waiting, and says so.
        kiosk
            .expect_text(
                "#waiting-hint",
                "Your visit needs approval. We have asked for it — this screen moves on by itself.",
            )
            .await?;
        let (http, token) = kiosk.cloud.manager().await?;
        http.post(format!(
            "{}/api/v1/invitations/{id}/approve",
            kiosk.cloud.url
        ))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?;

        // Approved in the cloud: the kiosk moves on by itself — to say that a contractor's
        // certificate of insurance is still missing, which no kiosk takes.
        hands_in_his_certificate_and_comes_back(kiosk, &walter).await?;
        kiosk.expect_text("#visitor-name", "Walter Walk-In").await?;
        kiosk.click("#confirm-yes").await?;
        sign_nda(kiosk, "Walter Walk-In").await?;
        kiosk.click("#nda-agree").await?;
        kiosk.click("#photo-take").await?;
        kiosk.click("#photo-use").await?;
        kiosk.expect_text("#done-host", "Miriam Okafor").await?;
        // No printer here: the visitor is told, and the badge goes to reception's Lobby page.
        kiosk.element("#badge-not-printed").await?;
        let walter = kiosk.cloud.invitation_named("Walter Walk-In").await?;
        let id = walter["id"].as_str().context("an id")?;
        let badge = kiosk.data.path().join("unprinted-badge.pdf");
        std::fs::write(&badge, document(&kiosk.cloud, id, "unprinted_badge").await?)?;
        assert!(pdf_text(&badge)?.contains("Walter Walk-In"));
        let lobby = kiosk.cloud.as_manager("/lobby").await?;
        let waiting = &lobby["attention"][0];
        assert_eq!(
            waiting["invitation"]["visitor_name"], "Walter Walk-In",
            "{lobby}"
        );
        assert_eq!(waiting["unprinted_badge"], true, "{lobby}");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn check_ins_go_on_in_german_while_the_cloud_is_away_and_arrive_exactly_once_when_it_returns()
{
    Kiosk::run(async |kiosk| {
        synced(kiosk).await?;
        // A German-speaking visitor, this time.
        kiosk.click("#language-de").await?;
        kiosk.cloud.stop();
        kiosk
            .expect_text(
                "#cloud-status",
                "Keine Verbindung zur Gatehouse-Cloud · 0 zu senden · v0.1.0",
            )
            .await?;

        // Jonas checks in all the same: his invitation and the NDA are on the kiosk already.
        kiosk.click("#action-scan").await?;
        kiosk.hold_up(&kiosk.cloud.invitation_code("Jonas Weber"))?;
        kiosk.expect_text("#visitor-name", "Jonas Weber").await?;
        kiosk.lower()?;
        kiosk.click("#confirm-yes").await?;
        sign_nda(kiosk, "Jonas Weber").await?;
        kiosk.click("#nda-agree").await?;
        kiosk.expect_text("#done-host", "Ada Lindqvist").await?;
        kiosk
            .expect_text("#done-title", "Sie sind angemeldet")
            .await?;
        kiosk
            .expect_text(
                "#cloud-status",
                "Keine Verbindung zur Gatehouse-Cloud · 1 zu senden · v0.1.0",
            )
            .await?;
        kiosk.screenshot("offline").await?;

        // The cloud returns: the check-in arrives, once.
        kiosk.cloud.restart().await?;
        kiosk
            .expect_text("#cloud-status", "Verbunden · 0 zu senden · v0.1.0")
            .await?;
        let jonas = kiosk.cloud.invitation_named("Jonas Weber").await?;
        assert_eq!(jonas["visit_status"], "checked_in");
        assert_eq!(check_ins_of(&kiosk.cloud, "Jonas Weber").await?, 1);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kiosk_killed_in_the_middle_of_a_check_in_loses_nothing_and_doubles_nothing() {
    Kiosk::run(async |kiosk| {
        synced(kiosk).await?;
        let jonas = kiosk.cloud.invitation_code("Jonas Weber");
        kiosk.click("#action-scan").await?;
        kiosk.hold_up(&jonas)?;
        kiosk.expect_text("#visitor-name", "Jonas Weber").await?;
        kiosk.lower()?;
        kiosk.click("#confirm-yes").await?;
        sign_nda(kiosk, "Jonas Weber").await?;
        // Agreeing starts the check-in; the kiosk dies while it runs.
        kiosk.click("#nda-agree").await?;
        kiosk.crash_and_restart().await?;
        synced(kiosk).await?;

        // He scans again: checked in already (and offered check-out), or not yet (and checks
        // in now) — never twice.
        kiosk.click("#action-scan").await?;
        kiosk.hold_up(&jonas)?;
        let mut already = None;
        for _ in 0..100 {
            if kiosk
                .client
                .find(fantoccini::Locator::Css("#check-out"))
                .await
                .is_ok()
            {
                already = Some(true);
                break;
            }
            if kiosk
                .client
                .find(fantoccini::Locator::Css("#confirm-yes"))
                .await
                .is_ok()
            {
                already = Some(false);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        kiosk.lower()?;
        if !already.context("neither checked in nor ready after the restart")? {
            kiosk.click("#confirm-yes").await?;
            sign_nda(kiosk, "Jonas Weber").await?;
            kiosk.click("#nda-agree").await?;
            kiosk.expect_text("#done-host", "Ada Lindqvist").await?;
        }
        synced(kiosk).await?;
        assert_eq!(check_ins_of(&kiosk.cloud, "Jonas Weber").await?, 1);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_reads_signs_and_keeps_the_nda_in_their_own_language() {
    Kiosk::run(async |kiosk| {
        kiosk
            .expect_text("#cloud-status", "Connected · 0 to send · v0.1.0")
            .await?;
        kiosk.click("#language-de").await?;
        kiosk.click("#action-scan").await?;
        kiosk.hold_up(&kiosk.cloud.invitation_code("Jonas Weber"))?;
        kiosk.expect_text("#visitor-name", "Jonas Weber").await?;
        kiosk.lower()?;
        kiosk.click("#confirm-yes").await?;
        kiosk.element("#nda-text p").await?;
        let shown = kiosk.text("#nda-text").await?;
        assert!(
            shown.contains("Geheimhaltungsvereinbarung für Besucher von Harbour Point"),
            "{shown}"
        );
        sign_nda(kiosk, "Jonas Weber").await?;
        kiosk.click("#nda-agree").await?;
        kiosk
            .expect_text("#done-title", "Sie sind angemeldet")
            .await?;

        // The signed PDF holds the German text, and names the German text's own hash.
        let demo: Value = serde_json::from_str(&std::fs::read_to_string(
            gatehouse_e2e::repo_root().join("assets/demo/demo.json"),
        )?)?;
        let german = demo["ndas"]["de"].as_str().context("a German NDA")?;
        let english = demo["ndas"]["en"].as_str().context("an English NDA")?;
        let id = kiosk.cloud.invitation_named("Jonas Weber").await?["id"]
            .as_str()
            .context("an id")?
            .to_owned();
        let pdf = kiosk.data.path().join("signed-nda-de.pdf");
        std::fs::write(&pdf, document(&kiosk.cloud, &id, "signed_nda").await?)?;
        let signed = pdf_text(&pdf)?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(signed.contains("Geheimhaltungsvereinbarung"), "{signed}");
        assert!(!signed.contains("Non-disclosure agreement"), "{signed}");
        let german_hash = gatehouse_core::digest::sha256_hex(german.as_bytes());
        let english_hash = gatehouse_core::digest::sha256_hex(english.as_bytes());
        assert!(signed.contains(&german_hash[..16]), "{signed}");
        assert!(!signed.contains(&english_hash[..16]), "{signed}");
        Ok(())
    })
    .await;
}

/// A 1 × 1 PNG: the signature a guest drew on their pre-registration page.
const DRAWN: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

#[tokio::test(flavor = "multi_thread")]
async fn a_guest_who_signed_the_nda_before_the_visit_is_not_asked_again_at_the_kiosk() {
    Kiosk::run(async |kiosk| {
        synced(kiosk).await?;
        // Joan, invited for the hour from now, signs on her pre-registration page, with the
        // code from her invitation email.
        let code = kiosk.cloud.client_for_the_hour("Joan Webster").await?;
        let held_up = kiosk.data.path().join("joan-webster.png");
        qr_png(&code, &held_up)?;
        let http = reqwest::Client::new();
        let page: Value = http
            .get(format!(
                "{}/api/v1/guest/{code}?language=en",
                kiosk.cloud.url
            ))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        http.post(format!("{}/api/v1/guest/{code}/nda", kiosk.cloud.url))
            .json(&serde_json::json!({
                "version": page["nda"]["version"], "language": "en",
                "name": "Joan Webster", "signature": DRAWN,
            }))
            .send()
            .await?
            .error_for_status()?;
        // The kiosk hears of it through its change stream.
        tokio::time::sleep(Duration::from_secs(3)).await;
        kiosk.click("#action-scan").await?;
        kiosk.hold_up(&held_up)?;
        kiosk.expect_text("#visitor-name", "Joan Webster").await?;
        kiosk.lower()?;
        kiosk.click("#confirm-yes").await?;
        // No NDA screen: checked in at once (her category asks for nothing else).
        kiosk
            .expect_text("#done-title", "You are checked in")
            .await?;
        // The NDA she signed at home is the visit's signed NDA, a PDF like the kiosk's.
        let id = kiosk.cloud.invitation_named("Joan Webster").await?["id"]
            .as_str()
            .context("an id")?
            .to_owned();
        let pdf = kiosk.data.path().join("pre-registered-nda.pdf");
        std::fs::write(&pdf, document(&kiosk.cloud, &id, "signed_nda").await?)?;
        let signed = pdf_text(&pdf)?;
        assert!(signed.contains("Joan Webster"), "{signed}");
        assert!(
            signed.contains("Harbour Point · pre-registration page"),
            "{signed}"
        );
        Ok(())
    })
    .await;
}

/// Writes the QR code of `text` as a PNG at `path`, as an invitation email shows it.
pub(crate) fn qr_png(text: &str, path: &Path) -> anyhow::Result<()> {
    let code = qrcode::QrCode::new(text.as_bytes())?;
    let image = code
        .render::<image::Luma<u8>>()
        .min_dimensions(400, 400)
        .build();
    image.save(path)?;
    Ok(())
}
