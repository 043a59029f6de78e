//! Possession, not knowledge: the kiosk (the library the app runs, against the real cloud with
//! the demo facility) finds an invitation only by its code, or by a full name followed by the
//! address the invitation went to, and does nothing to an invitation — show it, call reception,
//! check in or out, reprint — that the visitor at the screen has not shown is theirs.

use gatehouse_core::{InvitationId, invitation::code};
use gatehouse_e2e::Cloud;
use gatehouse_kiosk::{
    KioskError,
    checkin::{CheckInRequest, ReprintOutcome},
    visitors::{Finding, Purpose, VisitorState},
};
use gatehouse_paper::badge::Language;

/// The id of the demo invitation of `name`.
async fn invitation_of(cloud: &Cloud, name: &str) -> anyhow::Result<InvitationId> {
    Ok(serde_json::from_value(
        cloud.invitation_named(name).await?["id"].clone(),
    )?)
}

fn shown(finding: &Finding) -> Option<(&str, VisitorState)> {
    match finding {
        Finding::Visitor { visitor } => Some((visitor.name.as_str(), visitor.state)),
        _ => None,
    }
}

#[tokio::test]
async fn a_visitor_is_found_by_code_or_full_name_and_address_never_by_a_fragment()
-> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    let in_ = Purpose::CheckIn;

    // A fragment or one word finds nobody and lists nobody.
    for typed in ["sof", "mul", "Sofia", "Rossi", "a"] {
        let finding = kiosk.find_invitation(typed, in_).await?;
        assert!(
            matches!(finding, Finding::FullNameNeeded),
            "{typed}: {finding:?}"
        );
    }
    // Any two words lead to the same question, expected or not: no answer tells who is.
    for typed in ["s s s", "Sofia Rossi", "Nobody Expected", "frank muller"] {
        let finding = kiosk.find_invitation(typed, in_).await?;
        assert!(
            matches!(finding, Finding::ProofNeeded),
            "{typed}: {finding:?}"
        );
    }
    // The proof is the address the invitation went to (any case), or its code.
    let finding = kiosk
        .prove_invitation("s s s", "sofia.rossi@studio-rossi.example", in_)
        .await?;
    assert!(matches!(finding, Finding::NotFound), "{finding:?}");
    let finding = kiosk
        .prove_invitation("Sofia Rossi", "someone@studio-rossi.example", in_)
        .await?;
    assert!(matches!(finding, Finding::NotFound), "{finding:?}");
    let finding = kiosk
        .prove_invitation("sofia rossi", " Sofia.Rossi@Studio-Rossi.example ", in_)
        .await?;
    assert_eq!(shown(&finding), Some(("Sofia Rossi", VisitorState::Ready)));
    // Accents and case do not matter: Frank Muller is Frank Müller (whose visit was rejected).
    let finding = kiosk
        .prove_invitation("FRANK MULLER", "frank.mueller@lieferdienst.example", in_)
        .await?;
    assert_eq!(
        shown(&finding),
        Some(("Frank Müller", VisitorState::Rejected))
    );
    // The code from the email finds the invitation alone, and proves a name too.
    let jonas = invitation_of(&cloud, "Jonas Weber").await?;
    let finding = kiosk
        .find_invitation(&code(jonas).to_lowercase(), in_)
        .await?;
    assert_eq!(shown(&finding), Some(("Jonas Weber", VisitorState::Ready)));
    let finding = kiosk
        .prove_invitation("Jonas Weber", &code(jonas), in_)
        .await?;
    assert_eq!(shown(&finding), Some(("Jonas Weber", VisitorState::Ready)));
    Ok(())
}

#[tokio::test]
async fn nothing_is_done_to_an_invitation_its_visitor_has_not_shown_is_theirs() -> anyhow::Result<()>
{
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    let sofia = invitation_of(&cloud, "Sofia Rossi").await?;
    let dmitri = invitation_of(&cloud, "Dmitri Volkov").await?;
    let not_shown = |result: Result<_, KioskError>| matches!(result, Err(KioskError::NotShown));

    assert!(not_shown(kiosk.visitor(sofia).await.map(drop)));
    assert!(not_shown(kiosk.take_photo(sofia).await.map(drop)));
    let request = CheckInRequest {
        invitation: sofia,
        nda: None,
        language: Language::En,
    };
    assert!(not_shown(kiosk.check_in(request).await.map(drop)));
    assert!(not_shown(
        kiosk.reprint(sofia, Language::En).await.map(drop)
    ));
    assert!(not_shown(kiosk.check_out(sofia).await.map(drop)));
    // Naming a pending visitor tells reception nothing.
    assert!(not_shown(kiosk.ask_reception(dmitri).await));
    let lobby = cloud.as_manager("/lobby").await?;
    assert_eq!(lobby["attention"], serde_json::json!([]), "{lobby}");

    // Once Dmitri has shown it is his, reception hears he is here — and then Sofia is no
    // longer the one at the screen.
    let finding = kiosk
        .prove_invitation("Dmitri Volkov", "d.volkov@fixit.example", Purpose::CheckIn)
        .await?;
    assert_eq!(
        shown(&finding),
        Some(("Dmitri Volkov", VisitorState::AwaitingApproval))
    );
    kiosk.ask_reception(dmitri).await?;
    let lobby = cloud.as_manager("/lobby").await?;
    assert_eq!(
        lobby["attention"][0]["invitation"]["visitor_name"], "Dmitri Volkov",
        "{lobby}"
    );
    assert!(not_shown(kiosk.visitor(sofia).await.map(drop)));
    Ok(())
}

#[tokio::test]
async fn five_wrong_addresses_send_the_visitor_to_reception() -> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    for guess in 0..5 {
        let finding = kiosk
            .prove_invitation(
                "Sofia Rossi",
                &format!("guess{guess}@studio-rossi.example"),
                Purpose::CheckIn,
            )
            .await?;
        assert!(matches!(finding, Finding::NotFound), "{finding:?}");
    }
    // Even the right address (or code) is not taken now.
    let finding = kiosk
        .prove_invitation(
            "Sofia Rossi",
            "sofia.rossi@studio-rossi.example",
            Purpose::CheckIn,
        )
        .await?;
    assert!(matches!(finding, Finding::TooManyTries), "{finding:?}");
    let sofia = invitation_of(&cloud, "Sofia Rossi").await?;
    let finding = kiosk
        .find_invitation(&code(sofia), Purpose::CheckIn)
        .await?;
    assert!(matches!(finding, Finding::TooManyTries), "{finding:?}");
    Ok(())
}

#[tokio::test]
async fn a_visitor_reprints_their_badge_twice_a_visit_then_reception_hands_out_the_next()
-> anyhow::Result<()> {
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    let jonas = invitation_of(&cloud, "Jonas Weber").await?;
    kiosk
        .store
        .check_in(jonas, kiosk.clock.now(), None)
        .await?
        .unwrap();
    kiosk
        .find_invitation(&code(jonas), Purpose::CheckIn)
        .await?;
    assert_eq!(
        kiosk.reprint(jonas, Language::En).await?,
        ReprintOutcome::NotPrinted
    );
    assert_eq!(
        kiosk.reprint(jonas, Language::De).await?,
        ReprintOutcome::NotPrinted
    );
    assert_eq!(
        kiosk.reprint(jonas, Language::En).await?,
        ReprintOutcome::AskReception
    );
    Ok(())
}

#[tokio::test]
async fn a_revoked_kiosk_locks_its_screen_and_wipes_its_copy_of_the_invitations()
-> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let cloud = Cloud::start_with_demo().await?;
    let data = tempfile::tempdir()?;
    let kiosk = cloud.enrolled_kiosk(data.path()).await?;
    assert!(kiosk.sync_once().await?);
    let sofia = invitation_of(&cloud, "Sofia Rossi").await?;
    let token = kiosk.store.invitation(sofia).await?.expect("synced").token;
    // Its store holds the device token and every visitor's code: the owner's alone.
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode(&data.path().join("kiosk.db"))?, 0o600);
    assert_eq!(mode(data.path())?, 0o700);

    // The facility manager revokes it from the Kiosks page.
    let (http, manager) = cloud.manager().await?;
    let id = kiosk
        .store
        .enrollment()
        .await?
        .expect("enrolled")
        .identity
        .kiosk;
    http.delete(format!("{}/api/v1/kiosks/{id}", cloud.url))
        .bearer_auth(&manager)
        .send()
        .await?
        .error_for_status()?;
    // Its next contact locks it and wipes its copy: nobody is checked in from it any more.
    assert!(!kiosk.sync_once().await?);
    assert!(kiosk.status().await?.revoked);
    assert!(kiosk.store.invitation(sofia).await?.is_none());
    assert!(matches!(
        kiosk.identify(&token).await?,
        gatehouse_kiosk::visitors::Identified::UnknownInvitation
    ));
    // And it stays locked: it no longer calls the cloud.
    assert!(!kiosk.sync_once().await?);
    Ok(())
}
