//! Watchlist screening at the real kiosk (WebDriver, Xvfb) against the real cloud: a walk-in who
//! matches the watchlist is sent to reception with nothing on screen saying why, security is
//! told by email, and reception's lobby says to call security.

use std::time::Duration;

use anyhow::{Context as _, bail};
use gatehouse_e2e::{Kiosk, Settings};
use serde_json::json;

use crate::visitor_flow::synced;

#[tokio::test(flavor = "multi_thread")]
async fn a_watchlisted_walk_in_is_held_at_the_kiosk_and_security_is_told() {
    let settings = Settings {
        mail_server: true,
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        let reason = "Took photos of the server room on 2026-10-02";
        let (http, token) = kiosk.cloud.manager().await?;
        http.post(format!("{}/api/v1/watchlist", kiosk.cloud.url))
            .bearer_auth(&token)
            .json(&json!({"name": "Walter Walk-In", "company": "Nordlicht Elektrotechnik", "reason": reason}))
            .send()
            .await?
            .error_for_status()?;
        synced(kiosk).await?;
        kiosk.click("#action-walk_in").await?;
        kiosk.element("#host-query").await?.send_keys("miriam").await?;
        kiosk.expect_text(".host .name", "Miriam Okafor").await?;
        kiosk.click(".host").await?;
        kiosk.click("#category-contractor").await?;
        // Spelled without the hyphen, as on a form typed in a hurry.
        for (field, value) in [
            ("#walk-in-name", "Walter Walkin"),
            ("#walk-in-company", "Nordlicht Elektrotechnik"),
            ("#walk-in-email", "w.walkin@nordlicht.example"),
        ] {
            kiosk.element(field).await?.send_keys(value).await?;
        }
        kiosk.click("#walk-in-register").await?;

        kiosk.expect_text("#notice-title", "Please see reception.").await?;
        let shown = kiosk.text("main, body").await?.to_lowercase();
        for secret in ["watchlist", "screening", "server room", "held", "security"] {
            if shown.contains(secret) {
                bail!("the kiosk's screen says {secret:?}: {shown}");
            }
        }
        kiosk.screenshot("walk-in-held").await?;

        let walter = kiosk.cloud.invitation_named("Walter Walkin").await?;
        assert_eq!(
            (walter["approval_status"].as_str(), walter["held"].as_bool()),
            (Some("pending"), Some(true)),
            "{walter}"
        );
        let mail = kiosk.cloud.mail_server.as_ref().context("a mail server")?;
        let told = async {
            for _ in 0..100 {
                let all = mail.all();
                if let Some(held) = all
                    .iter()
                    .find(|m| m.subject() == "Held by screening: Walter Walkin (Contractor)")
                {
                    return Ok(held.text());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            bail!("security was never told")
        }
        .await?;
        assert!(told.contains(reason), "{told}");
        assert!(
            mail.all().iter().all(|m| !m.subject().contains("Is Walter Walkin your visitor")),
            "the host was asked about a held walk-in"
        );

        // Reception's lobby reads that it is a matter for security, without the entry.
        for _ in 0..50 {
            let lobby = kiosk.cloud.as_manager("/lobby").await?;
            let attention = lobby["attention"].as_array().context("attention")?;
            if let Some(there) = attention
                .iter()
                .find(|a| a["invitation"]["visitor_name"] == "Walter Walkin")
            {
                assert_eq!(there["reason"], gatehouse_cloud::lobby::HELD_BY_SCREENING);
                assert!(!lobby.to_string().contains("server room"), "{lobby}");
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the kiosk never told reception")
    })
    .await;
}
