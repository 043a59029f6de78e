//! Staff at the real kiosk under WebDriver against a real cloud: the way in (F2 here; a long
//! press on the logo on a tablet), signing in with a kiosk PIN or a password, Lock and the idle
//! timeout handing the screen back to visitors, reception admitting an expected guest who then
//! signs and gets their badge, reprinting it, printing the muster list and checking everyone out,
//! registering a walk-in and saying they are expected, wrong PINs locking a person out, and an
//! admin approving, moving back to pending and rejecting on the kiosk, the emails reaching the
//! mail server.

use std::time::Duration;

use anyhow::Context as _;
use gatehouse_e2e::{Kiosk, Settings};

/// F2, as WebDriver names the key.
const F2: &str = "\u{E032}";

pub(crate) async fn sign_in(
    kiosk: &Kiosk,
    email: &str,
    secret: &str,
    password: bool,
) -> anyhow::Result<()> {
    kiosk.element("body").await?.send_keys(F2).await?;
    kiosk.expect_text("#staff-title", "Staff sign-in").await?;
    if password {
        kiosk.click("#staff-method-password").await?;
    }
    kiosk
        .element("#staff-email")
        .await?
        .send_keys(email)
        .await?;
    kiosk
        .element("#staff-secret")
        .await?
        .send_keys(secret)
        .await?;
    kiosk.click("#staff-sign-in").await
}

/// Reception admits Jonas Weber, who confirms, signs the NDA and is checked in.
async fn admit_jonas(kiosk: &Kiosk) -> anyhow::Result<()> {
    kiosk
        .element("#reception-search")
        .await?
        .send_keys("Jonas")
        .await?;
    kiosk.expect_text(".visitor-name", "Jonas Weber").await?;
    kiosk.click(".visitor .admit").await?;
    // The screen is the visitor's: "Is this you?", then the NDA.
    kiosk.expect_text("#visitor-name", "Jonas Weber").await?;
    kiosk.click("#confirm-yes").await?;
    kiosk.element("#nda-text p").await?;
    kiosk
        .element("#nda-name")
        .await?
        .send_keys("Jonas Weber")
        .await?;
    kiosk
        .element("#signature-pad")
        .await?
        .send_keys("\u{E007}")
        .await?;
    kiosk.click("#nda-agree").await?;
    kiosk.expect_text("#done-host", "Ada Lindqvist").await
}

/// Olga Petrenko, a contractor invited for tomorrow, waits for approval, and Fiona Brandt (who
/// approves) signs in with her password and opens Approvals: Olga's invitation and its row.
async fn olga_waits_for_fiona(kiosk: &Kiosk) -> anyhow::Result<(String, String)> {
    kiosk.expect_text("#welcome-title", "Welcome").await?;
    let id = kiosk
        .cloud
        .pending_contractor_tomorrow("Olga Petrenko")
        .await?;
    sign_in(
        kiosk,
        "fiona.brandt@harbourpoint.example",
        "gatehouse-demo",
        true,
    )
    .await?;
    kiosk.expect_text("#staff-mode-title", "Reception").await?;
    kiosk.click("#mode-admin").await?;
    kiosk.expect_text("#staff-mode-title", "Approvals").await?;
    let row = format!(".review[data-invitation='{id}']");
    Ok((id, row))
}

#[tokio::test(flavor = "multi_thread")]
async fn reception_signs_in_with_a_pin_sees_today_s_visitors_and_lock_hands_the_screen_back() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        // A wrong PIN is refused in plain words, and the field is emptied.
        sign_in(kiosk, "reception@harbourpoint.example", "135790", false).await?;
        kiosk
            .expect_text(".failure", "That email and PIN or password do not match.")
            .await?;
        kiosk.click("#back").await?;

        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        kiosk.expect_text("#staff-mode-title", "Reception").await?;
        // Reception does not approve: no admin mode.
        assert!(
            kiosk
                .client
                .find_all(fantoccini::Locator::Css("#mode-admin"))
                .await?
                .is_empty()
        );
        // The kiosk's own health: the cloud, the outbox, the printer, the camera.
        let health = kiosk.text("#kiosk-health").await?;
        assert!(
            health.contains("Cloud connected")
                && health.contains("No printer")
                && health.contains("Camera working"),
            "{health}"
        );
        kiosk.click("#tab-awaiting_approval").await?;
        kiosk.expect_text(".visitor-name", "Dmitri Volkov").await?;
        kiosk.screenshot("reception-real").await?;
        kiosk.click("#staff-lock").await?;
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_staff_session_left_alone_ends_and_the_welcome_screen_returns() {
    let settings = Settings {
        staff_idle_seconds: Some(5),
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        kiosk.expect_text("#staff-mode-title", "Reception").await?;
        tokio::time::sleep(Duration::from_secs(8)).await;
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reception_admits_an_expected_guest_who_signs_and_is_recorded_as_admitted_by_them() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        kiosk.expect_text("#staff-mode-title", "Reception").await?;
        admit_jonas(kiosk).await?;

        let id = kiosk.cloud.invitation_named("Jonas Weber").await?["id"]
            .as_str()
            .context("an id")?
            .to_owned();
        for _ in 0..100 {
            let history = kiosk
                .cloud
                .as_manager(&format!("/invitations/{id}/history"))
                .await?;
            if let Some(step) = history
                .as_array()
                .into_iter()
                .flatten()
                .find(|step| step["action"] == "admitted")
            {
                assert_eq!(step["actor_name"], "Rafael Costa", "{history}");
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("the cloud never recorded Jonas as admitted")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reception_reprints_prints_the_muster_list_of_who_is_inside_and_checks_everyone_out() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        admit_jonas(kiosk).await?;
        kiosk.click("#done").await?;
        kiosk.expect_text("#welcome-title", "Welcome").await?;

        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        kiosk.click("#tab-on_site").await?;
        kiosk.expect_text(".visitor-name", "Jonas Weber").await?;
        // No printer here: the badge waits for reception's Lobby page, and the kiosk says so.
        kiosk.click(".visitor .reprint").await?;
        kiosk
            .expect_text(
                ".said",
                "The badge of Jonas Weber could not be printed; it waits on the Lobby page.",
            )
            .await?;
        // The muster list names exactly who is inside: Jonas, not the visitors still expected.
        kiosk.click("#muster-list").await?;
        kiosk
            .expect_text(
                ".said",
                "No printer: the muster list (1 people on site) is saved on this kiosk as muster.pdf.",
            )
            .await?;
        let muster = kiosk.data.path().join("muster.pdf");
        let listed = gatehouse_testsupport::poppler::text(&muster, None);
        assert!(listed.contains("Jonas Weber"), "{listed}");
        for expected_later in ["Sofia Rossi", "Dmitri Volkov", "Eleni Papadopoulou"] {
            assert!(!listed.contains(expected_later), "{expected_later}: {listed}");
        }
        // The end of the day: everyone still inside is checked out, after a confirm.
        kiosk.click("#check-out-all").await?;
        kiosk.click("#check-out-all-confirm").await?;
        kiosk.expect_text(".said", "Checked out: 1.").await?;
        kiosk.click("#tab-checked_out").await?;
        kiosk.expect_text(".visitor-name", "Jonas Weber").await?;
        kiosk.click("#staff-lock").await?;
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_approves_a_pending_invitation_on_the_kiosk() {
    let settings = Settings {
        mail_server: true,
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        let (id, row) = olga_waits_for_fiona(kiosk).await?;
        kiosk
            .expect_text(&format!("{row} .visitor-name"), "Olga Petrenko")
            .await?;
        kiosk.screenshot("approvals-real").await?;
        kiosk.click(&format!("{row} .approve")).await?;
        kiosk
            .expect_text(
                ".said",
                "Olga Petrenko is approved; the guest gets their invitation.",
            )
            .await?;
        // The guest's invitation reaches the mail server, from the cloud, as for an approval in
        // the portal.
        let mail_server = kiosk.cloud.mail_server.as_ref().context("a mail server")?;
        let sent = tokio::time::timeout(
            Duration::from_secs(10),
            mail_server.wait_for("olga.petrenko@fixit.example", 1),
        )
        .await
        .context("no invitation email reached the mail server")?;
        let text = sent[0].text();
        assert!(text.contains("Olga Petrenko"), "{text}");
        let record = kiosk
            .cloud
            .as_manager(&format!("/invitations/{id}"))
            .await?;
        assert_eq!(record["approval_status"], "approved");
        kiosk.click("#staff-lock").await?;
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_moves_an_approved_invitation_back_to_pending_then_rejects_it_with_a_reason_the_host_reads()
 {
    let settings = Settings {
        mail_server: true,
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        let (id, row) = olga_waits_for_fiona(kiosk).await?;
        kiosk.click(&format!("{row} .approve")).await?;
        kiosk
            .expect_text(
                ".said",
                "Olga Petrenko is approved; the guest gets their invitation.",
            )
            .await?;
        // Back to pending, after a step that says what it does to her access.
        kiosk.click(&format!("{row} .return")).await?;
        kiosk
            .expect_text(
                ".warning",
                "Olga Petrenko was approved. Moving back to pending withdraws their access until someone approves again.",
            )
            .await?;
        kiosk.click("#confirm-decision").await?;
        kiosk
            .expect_text(".said", "Olga Petrenko waits for approval again.")
            .await?;
        let status = |record: serde_json::Value| record["approval_status"].clone();
        let record = kiosk
            .cloud
            .as_manager(&format!("/invitations/{id}"))
            .await?;
        assert_eq!(status(record), "pending");

        // Rejected with a reason, which reaches the host's mailbox.
        let reason = "No contractor work in the lab this week";
        kiosk.click(&format!("{row} .reject")).await?;
        kiosk.element("#reason").await?.send_keys(reason).await?;
        kiosk.click("#confirm-decision").await?;
        kiosk
            .expect_text(".said", "Olga Petrenko is rejected; the host is told.")
            .await?;
        let record = kiosk
            .cloud
            .as_manager(&format!("/invitations/{id}"))
            .await?;
        assert_eq!(status(record), "rejected");
        let mail_server = kiosk.cloud.mail_server.as_ref().context("a mail server")?;
        for _ in 0..100 {
            if mail_server
                .to("ada.lindqvist@northwind.example")
                .iter()
                .any(|mail| mail.text().contains(reason))
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("the host's email with the reason never reached the mail server")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_pins_lock_that_person_out_for_30_seconds_and_the_right_pin_then_waits_too() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        for wrong in ["111111", "222222"] {
            sign_in(kiosk, "fiona.brandt@harbourpoint.example", wrong, false).await?;
            kiosk
                .expect_text(".failure", "That email and PIN or password do not match.")
                .await?;
            kiosk.click("#back").await?;
        }
        // The third wrong try starts the wait; meanwhile even the right PIN waits.
        sign_in(kiosk, "fiona.brandt@harbourpoint.example", "333333", false).await?;
        kiosk
            .expect_text(".failure", "Too many wrong tries. Please wait 30 seconds.")
            .await?;
        kiosk.click("#back").await?;
        sign_in(kiosk, "fiona.brandt@harbourpoint.example", "135792", false).await?;
        let mut told = String::new();
        for _ in 0..100 {
            told = kiosk.text(".failure").await.unwrap_or_default();
            if told.starts_with("Too many wrong tries. Please wait") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            told.starts_with("Too many wrong tries. Please wait") && told.ends_with("seconds."),
            "{told}"
        );
        assert!(
            kiosk
                .client
                .find_all(fantoccini::Locator::Css("#staff-mode-title"))
                .await?
                .is_empty(),
            "signed in while locked out"
        );
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reception_registers_a_walk_in_and_says_they_are_expected() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        // The walk-in form is the visitor's own: reception's session ends before it opens.
        kiosk.click("#register-walk-in").await?;
        kiosk
            .element("#host-query")
            .await?
            .send_keys("miriam")
            .await?;
        kiosk.expect_text(".host .name", "Miriam Okafor").await?;
        kiosk.click(".host").await?;
        kiosk.click("#category-contractor").await?;
        kiosk
            .element("#walk-in-name")
            .await?
            .send_keys("Walter Walk-In")
            .await?;
        kiosk
            .element("#walk-in-email")
            .await?
            .send_keys("walter@nordlicht.example")
            .await?;
        kiosk.click("#walk-in-register").await?;
        kiosk
            .expect_text("#waiting-title", "Please wait a moment")
            .await?;

        // Reception knows Walter is expected and says so from the Walk-ins tab.
        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        kiosk.click("#tab-awaiting_host").await?;
        kiosk.expect_text(".visitor-name", "Walter Walk-In").await?;
        kiosk.click(".visitor .expected").await?;
        kiosk
            .expect_text(
                ".said",
                "Walter Walk-In is expected: they may check in now.",
            )
            .await?;
        let walter = kiosk.cloud.invitation_named("Walter Walk-In").await?;
        assert_eq!(walter["awaiting_host"], false, "{walter}");
        Ok(())
    })
    .await;
}
