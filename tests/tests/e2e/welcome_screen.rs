//! The kiosk's first screen, as a visitor meets it: the real app under WebDriver against a real
//! cloud.

use gatehouse_e2e::{Kiosk, Settings};

#[tokio::test(flavor = "multi_thread")]
async fn welcome_screen_greets_in_english_and_switches_to_german() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        assert!(
            kiosk
                .text("#action-scan")
                .await?
                .contains("Scan my invitation")
        );
        assert!(
            kiosk
                .text("#action-find")
                .await?
                .contains("Find my invitation")
        );
        assert!(
            kiosk
                .text("#action-walk_in")
                .await?
                .contains("I have no invitation")
        );
        // The staff status light shows that this kiosk reaches its cloud.
        kiosk
            .expect_text("#cloud-status", "Connected · 0 to send · v0.1.0")
            .await?;
        kiosk.screenshot("welcome-en").await?;

        kiosk.click("#language-de").await?;
        kiosk.expect_text("#welcome-title", "Willkommen").await?;
        assert!(
            kiosk
                .text("#action-scan")
                .await?
                .contains("Einladung scannen")
        );
        assert!(
            kiosk
                .text("#action-walk_in")
                .await?
                .contains("Ich habe keine Einladung")
        );
        kiosk
            .expect_text("#cloud-status", "Verbunden · 0 zu senden · v0.1.0")
            .await?;
        let lang = kiosk
            .client
            .execute("return document.documentElement.lang", vec![])
            .await?;
        assert_eq!(lang, "de");
        kiosk.screenshot("welcome-de").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_welcome_action_leads_somewhere_and_back() {
    Kiosk::run(async |kiosk| {
        for (action, heading, says) in [
            (
                "#action-scan",
                "#scan-title",
                "Hold your QR code up to the camera",
            ),
            ("#action-find", "#find-title", "Find my invitation"),
            ("#action-walk_in", "#walk-in-title", "Who are you visiting?"),
            (
                "#action-check_out",
                "#scan-title",
                "Hold your badge up to the camera",
            ),
        ] {
            kiosk.click(action).await?;
            kiosk.expect_text(heading, says).await?;
            kiosk.click("#back").await?;
            kiosk.expect_text("#welcome-title", "Welcome").await?;
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webview_may_call_only_gatehouse_commands() {
    Kiosk::run(async |kiosk| {
        let call = |command: &'static str| {
            kiosk.client.execute_async(
                "const [command, done] = arguments;
                 window.__TAURI_INTERNALS__.invoke(command, {})
                   .then(() => done('allowed'), (e) => done('refused: ' + JSON.stringify(e)));",
                vec![command.into()],
            )
        };
        assert_eq!(call("kiosk_status").await?, "allowed");
        // Not even Tauri's events: the screen asks for what it needs.
        for foreign in [
            "plugin:app|version",
            "plugin:event|emit",
            "plugin:event|listen",
            "plugin:window|close",
        ] {
            let answer = call(foreign).await?;
            let answer = answer.as_str().unwrap_or_default();
            assert!(
                answer.starts_with("refused") && answer.contains("not allowed"),
                "{foreign} was {answer}"
            );
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kiosk_never_navigates_away_from_its_own_page() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        // Neither to the web, nor to another page of its own bundle (the portal's sign-in).
        for away in [
            "https://example.com/",
            "/portal.html",
            "tauri://localhost/portal.html",
        ] {
            kiosk
                .client
                .execute(
                    "window.location.href = arguments[0]; return null;",
                    vec![away.into()],
                )
                .await?;
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let url = kiosk.client.current_url().await?;
            assert!(
                url.scheme() == "tauri" && matches!(url.path(), "" | "/" | "/index.html"),
                "the kiosk left for {url}"
            );
            kiosk.expect_text("#welcome-title", "Welcome").await?;
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_enroll_a_new_kiosk_on_its_screen_with_a_code_from_the_portal() {
    let settings = Settings {
        enroll_on_screen: true,
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        kiosk
            .expect_text("#setup-title", "This kiosk is not set up yet")
            .await?;
        kiosk.screenshot("setup").await?;
        let field = kiosk.element("#enrollment-code").await?;
        field.send_keys("GK-AAAA-BBBB-CCCC").await?;
        kiosk.click("#enroll").await?;
        kiosk
            .expect_text(
                ".failure",
                "That code did not work. Please create a new one in the portal.",
            )
            .await?;
        field.clear().await?;
        field.send_keys(&kiosk.cloud.kiosk_code()?).await?;
        kiosk.click("#enroll").await?;
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        kiosk
            .expect_text("#cloud-status", "Connected · 0 to send · v0.1.0")
            .await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_held_up_on_the_welcome_screen_is_read_without_a_tap() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        kiosk.hold_up(&kiosk.cloud.invitation_code("Sofia Rossi"))?;
        kiosk.expect_text("#visitor-name", "Sofia Rossi").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_already_in_view_when_a_screen_starts_listening_is_read() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        // Held up while the search screen (which does not listen) is open, and kept there
        // longer than a fresh code lasts …
        kiosk.click("#action-find").await?;
        kiosk.element("#find-title").await?;
        kiosk.hold_up(&kiosk.cloud.invitation_code("Sofia Rossi"))?;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        // … it is read as soon as a listening screen opens, without lowering it first.
        kiosk.click("#back").await?;
        kiosk.expect_text("#visitor-name", "Sofia Rossi").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_web_view_that_dies_starts_the_kiosk_again() {
    Kiosk::run(async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        let before = kiosk.app_pids()?;
        assert!(!before.is_empty(), "the kiosk runs");
        assert_eq!(kiosk.crash_web_view()?, 1, "one web process, the kiosk's");
        // The kiosk starts itself again (a new process; the welcome screen is its first).
        let mut again = Vec::new();
        for _ in 0..100 {
            again = kiosk
                .app_pids()?
                .into_iter()
                .filter(|pid| !before.contains(pid))
                .collect();
            if !again.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        kiosk.stop_app()?;
        assert!(
            !again.is_empty(),
            "the kiosk did not start again after its web view died"
        );
        Ok(())
    })
    .await;
}
