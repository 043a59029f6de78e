//! The building's access-control system seen from the real kiosk: a visit checked in at the kiosk
//! is given its doors in UniFi Access (the stand-in console, which sends its signed webhooks to
//! the cloud as a real one would), the door scans come back to reception and onto the muster
//! list — offline too, from the kiosk's last copy, saying how old it is — and checking the
//! visitor out at the kiosk, even while the cloud is away, takes the access away in the console.

use std::time::Duration;

use anyhow::{Context as _, bail};
use gatehouse_e2e::{Cloud, Kiosk};
use gatehouse_testsupport::{poppler, unifi::UnifiConsole};
use serde_json::{Value, json};

use crate::{
    staff_screens::sign_in,
    visitor_flow::{qr_png, sign_nda, synced},
};

/// Connects the demo building to `console`, its doors mapped to the console's. No webhook
/// secret: the cloud registers its endpoint with the console, as with a real one.
async fn connect(cloud: &Cloud, console: &UnifiConsole) -> anyhow::Result<()> {
    let (http, token) = cloud.manager().await?;
    http.put(format!("{}/api/v1/connector", cloud.url))
        .bearer_auth(&token)
        .json(
            &json!({"system": "unifi", "url": console.url, "api_token": console.token,
            "doors": {
                "Main entrance": [{"id": "unifi-door-main", "type": "door"}],
                "Meeting floor door": [{"id": "unifi-door-meeting", "type": "door"}],
                "HR floor door": [{"id": "unifi-door-hr", "type": "door"}],
            }}),
        )
        .send()
        .await?
        .error_for_status()
        .context("the connector was not set")?;
    Ok(())
}

/// The first thing `look` finds, asked again every 100 ms for up to 30 s.
async fn eventually<T>(what: &str, look: impl Fn() -> Option<T>) -> anyhow::Result<T> {
    for _ in 0..300 {
        if let Some(found) = look() {
            return Ok(found);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{what} never happened")
}

/// The visitor `name` holds up her invitation's QR code (`code`), confirms, and signs the NDA.
async fn checks_in_with_her_code(kiosk: &Kiosk, code: &str, name: &str) -> anyhow::Result<()> {
    let held_up = kiosk.data.path().join("held-up-code.png");
    qr_png(code, &held_up)?;
    // The kiosk hears of the new invitation through its change stream.
    tokio::time::sleep(Duration::from_secs(3)).await;
    kiosk.click("#action-scan").await?;
    kiosk.hold_up(&held_up)?;
    kiosk.expect_text("#visitor-name", name).await?;
    kiosk.lower()?;
    kiosk.click("#confirm-yes").await?;
    kiosk.element("#nda-text p").await?;
    sign_nda(kiosk, name).await?;
    kiosk.click("#nda-agree").await?;
    kiosk.expect_text("#done-title", "You are checked in").await
}

/// Someone holding `actor`'s credential scans at the console's door `door`; the console sends
/// its signed webhook to the cloud, which must take it.
async fn scans_at(console: &UnifiConsole, actor: &Value, door: &str) -> anyhow::Result<()> {
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/_standin/scan", console.url))
        .json(&json!({"actor": actor, "door": door, "granted": true}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    anyhow::ensure!(
        answer["delivered"] == json!([200]),
        "the cloud answered the webhook {answer}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kiosk_check_in_opens_unifi_doors_reception_sees_the_last_door_and_check_out_closes_them()
{
    let console = UnifiConsole::start(&[
        ("unifi-door-main", "Main entrance"),
        ("unifi-door-meeting", "Meeting floor door"),
        ("unifi-door-hr", "HR floor door"),
    ])
    .await;
    Kiosk::run(async |kiosk| {
        synced(kiosk).await?;
        connect(&kiosk.cloud, &console).await?;
        assert_eq!(console.endpoints().len(), 1, "the cloud registered its webhook");

        // Wanjiru, a client for the hour from now, checks in with her invitation's QR code.
        let code = kiosk.cloud.client_for_the_hour("Wanjiru Kamau").await?;
        checks_in_with_her_code(kiosk, &code, "Wanjiru Kamau").await?;

        // The console holds a visitor for her visit: her window, her category's doors only.
        let made = eventually("the provisioning in UniFi Access", || {
            console.visitors().into_iter().next()
        })
        .await?;
        assert_eq!(made["first_name"], "Wanjiru");
        assert_eq!(made["last_name"], "Kamau");
        let mut doors: Vec<&str> = made["resources"]
            .as_array()
            .context("resources")?
            .iter()
            .filter_map(|resource| resource["id"].as_str())
            .collect();
        doors.sort_unstable();
        assert_eq!(doors, ["unifi-door-main", "unifi-door-meeting"], "not the HR floor");

        // She badges in at the meeting floor; the console tells the cloud by webhook.
        scans_at(&console, &made["id"], "unifi-door-meeting").await?;
        let visit = kiosk.cloud.invitation_named("Wanjiru Kamau").await?["id"]
            .as_str()
            .context("an id")?
            .to_owned();
        let timeline = kiosk
            .cloud
            .as_manager(&format!("/invitations/{visit}/timeline"))
            .await?;
        let scans: Vec<&Value> = timeline
            .as_array()
            .context("a timeline")?
            .iter()
            .filter(|moment| moment["what"] == "door_scan")
            .collect();
        assert_eq!(scans.len(), 1, "{timeline}");
        assert_eq!(scans[0]["place"], "Meeting floor door", "{timeline}");
        assert_eq!(scans[0]["source"], "unifi", "{timeline}");

        // Reception sees where she is and that UniFi Access lets her through.
        sign_in(kiosk, "reception@harbourpoint.example", "246810", false).await?;
        kiosk.click("#tab-on_site").await?;
        kiosk.expect_text(".visitor-name", "Wanjiru Kamau").await?;
        kiosk
            .expect_text(
                ".system-access",
                "UniFi Access: doors open for this visit",
            )
            .await?;
        let last_door = kiosk.text(".last-door").await?;
        assert!(
            last_door.starts_with("Last door: Meeting floor door (Meeting floor) at "),
            "{last_door}"
        );
        kiosk.screenshot("reception-access-control").await?;

        // The muster list puts her on the meeting floor, with the door that saw her.
        kiosk.click("#muster-list").await?;
        kiosk
            .expect_text(
                ".said",
                "No printer: the muster list (1 people on site) is saved on this kiosk as muster.pdf.",
            )
            .await?;
        let muster = poppler::text(&kiosk.data.path().join("muster.pdf"), None);
        assert!(muster.contains("Meeting floor · 1 people"), "{muster}");
        assert!(muster.contains("Wanjiru Kamau"), "{muster}");
        assert!(muster.contains(" Meeting floor d"), "the last door, cut to its column: {muster}");
        assert!(muster.contains("Door scans as of"), "{muster}");

        // The cloud goes away: the list is made from the kiosk's copy, which says how old it is,
        // and the check-out waits in the kiosk's outbox.
        kiosk.cloud.stop();
        kiosk.click("#muster-list").await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let offline = poppler::text(&kiosk.data.path().join("muster.pdf"), None);
        assert!(offline.contains("Meeting floor · 1 people"), "{offline}");
        assert!(offline.contains("Door scans as of"), "{offline}");
        kiosk.click(".visitor .check-out").await?;
        kiosk
            .expect_text(".said", "Wanjiru Kamau is checked out.")
            .await?;
        assert_eq!(console.visitors().len(), 1, "nothing reached the console yet");

        // The cloud is back: the check-out arrives, and the console no longer holds her.
        kiosk.cloud.restart().await?;
        eventually("the revocation in UniFi Access", || {
            console.visitors().is_empty().then_some(())
        })
        .await?;
        kiosk.click("#tab-checked_out").await?;
        kiosk
            .expect_text(".system-access", "UniFi Access: access removed")
            .await?;
        kiosk.click("#staff-lock").await?;
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        Ok(())
    })
    .await;
}
