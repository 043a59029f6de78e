//! Staff at the real kiosk under WebDriver against a real cloud: the way in (F2 here; a long
//! press on the logo on a tablet), signing in with a kiosk PIN or a password, Lock and the idle
//! timeout handing the screen back to visitors, reception admitting an expected guest who then
//! signs and gets their badge, and an admin approving on the kiosk.

use std::time::Duration;

use anyhow::Context as _;
use gatehouse_e2e::{Kiosk, Settings};

/// F2, as WebDriver names the key.
const F2: &str = "\u{E032}";

async fn sign_in(kiosk: &Kiosk, email: &str, secret: &str, password: bool) -> anyhow::Result<()> {
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
        kiosk.expect_text("#done-host", "Ada Lindqvist").await?;

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
async fn an_admin_approves_a_pending_invitation_on_the_kiosk() {
    let settings = Settings {
        mail_server: true,
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
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
