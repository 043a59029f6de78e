//! Every rule of the seed "approval process", through the HTTP API of a real cloud, with the
//! mail read back from a real SMTP server — on SQLite and on PostgreSQL.

use crate::support::{Backend, CONTRACTOR_EMAIL, SECURITY_EMAIL, Site, TestApp, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::json;

const DMITRI: &str = "dmitri.volkov@guest.example";

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

on_both_databases! {
    async fn invitation_in_approval_category_is_pending(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        assert_eq!(created["approval_status"], "pending");
        // The host sees it pending.
        let id = created["id"].as_str().unwrap();
        let (status, seen) = app.call(Method::GET, &format!("/api/v1/invitations/{id}"), Some(&site.north_host.token), None).await;
        assert_eq!(status, 200);
        assert_eq!(seen["approval_status"], "pending");
    }
}

on_both_databases! {
    async fn pending_invitation_does_not_notify_guest(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        assert_eq!(app.mail.wait_for(SECURITY_EMAIL, 1).await.len(), 1);
        app.mail.settle().await;
        assert!(app.mail.to(DMITRI).is_empty(), "the guest heard of a pending invitation");
    }
}

on_both_databases! {
    async fn pending_invitation_notifies_category_and_security_email_with_review_link(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        let link = format!("https://gatehouse.test/portal/invitations/{}", created["id"].as_str().unwrap());
        for recipient in [SECURITY_EMAIL, CONTRACTOR_EMAIL] {
            let mail = app.mail.wait_for(recipient, 1).await;
            assert_eq!(mail.len(), 1, "{recipient} was not told");
            assert_eq!(mail[0].subject(), "Invitation pending approval: Dmitri Volkov (Contractor)");
            assert!(mail[0].text().contains(&format!("Review invitation: {link}")), "{}", mail[0].text());
            assert!(mail[0].html().contains(&format!("href=\"{link}\"")), "{}", mail[0].html());
        }
    }
}

on_both_databases! {
    async fn invitation_without_approval_is_approved_and_guest_invited_at_once(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        assert_eq!(created["approval_status"], "approved");
        let mail = app.mail.wait_for("sofia.rossi@guest.example", 1).await;
        assert_eq!(mail.len(), 1);
        app.mail.settle().await;
        assert!(app.mail.to(SECURITY_EMAIL).is_empty(), "security is told only of what needs approval");
    }
}

on_both_databases! {
    async fn guest_invitation_has_date_window_address_host_qr_and_calendar(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        let mail = app.mail.wait_for("sofia.rossi@guest.example", 1).await.remove(0);
        assert_eq!(mail.subject(), "Your visit to Test Tower on Monday, 3 June 2030");
        assert_eq!(mail.from, "gatehouse@tower.example", "sent from the configured sender");
        let text = mail.text();
        for fact in ["Time: 10:00–12:00", "Host: Hanna Host (Northwind Labs)", "Where: Test Tower, Am Sandtorkai 1, 20457 Hamburg"] {
            assert!(text.contains(fact), "missing {fact:?} in {text}");
        }
        let attachments = mail.attachments();
        let (_, _, png) = attachments.iter().find(|(name, kind, _)| name == "invitation-qr.png" && kind == "image/png").expect("a QR code image");
        let image = image::load_from_memory(png).expect("a PNG").to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(image);
        let grids = prepared.detect_grids();
        let (_, token) = grids[0].decode().expect("the QR code decodes");
        let cloud = app.cloud();
        let key = cloud.signing_key().await.unwrap();
        let claims = gatehouse_core::token::verify(&token, 0, |k| (k == key.kid).then(|| key.key.verifying_key())).expect("a valid signed token");
        assert_eq!(claims.invitation.to_string(), created["id"].as_str().unwrap());
        let (_, _, ics) = attachments.iter().find(|(name, kind, _)| name == "visit.ics" && kind == "text/calendar").expect("a calendar file");
        let ics = String::from_utf8(ics.clone()).unwrap();
        assert!(ics.contains("DTSTART:20300603T080000Z"), "{ics}");
        assert!(ics.contains("DTEND:20300603T100000Z"), "{ics}");
    }
}

on_both_databases! {
    async fn any_admin_can_approve_regardless_of_email_recipient(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        // Neither the facility manager nor Northwind's admin received the pending email.
        for admin in [&site.north_admin, &site.manager] {
            assert!(app.mail.to(&admin.email).is_empty());
        }
        let (status, approved) = app.decide(&site.north_admin, &created["id"], "approve", None).await;
        assert_eq!(status, 200, "{approved}");
        assert_eq!(approved["approval_status"], "approved");
    }
}

on_both_databases! {
    async fn receiving_the_approval_email_grants_nothing(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        // The person behind the contractors' mailbox is an ordinary host.
        let (status, body) = app.call(Method::POST, "/api/v1/users", Some(&site.manager.token), Some(json!({
            "display_name": "Contractor Desk", "email": CONTRACTOR_EMAIL, "occupancy_id": site.north,
        }))).await;
        assert_eq!(status, 201, "{body}");
        let desk_id: gatehouse_core::UserId = serde_json::from_value(body["id"].clone()).unwrap();
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        assert_eq!(app.mail.wait_for(CONTRACTOR_EMAIL, 1).await.len(), 1);
        let token = gatehouse_cloud::auth::new_token("ghs_");
        app.database.store_access_token(&token.hash, desk_id, "session", None, app.clock.now(), None).await.unwrap();
        let desk = crate::support::Person { id: desk_id, email: CONTRACTOR_EMAIL.into(), token: token.secret };
        let (status, _) = app.decide(&desk, &created["id"], "approve", None).await;
        assert!(status == 403 || status == 404, "the mailbox owner could decide: {status}");
        let (status, _) = app.decide(&site.north_host, &created["id"], "approve", None).await;
        assert_eq!(status, 403, "the host approved their own invitation");
    }
}

on_both_databases! {
    async fn approval_tells_host_and_invites_guest(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        app.decide(&site.manager, &created["id"], "approve", None).await;
        let host_mail = app.mail.wait_for(&site.north_host.email, 1).await;
        assert_eq!(host_mail.len(), 1);
        assert!(host_mail[0].subject().starts_with("Approved: Dmitri Volkov's visit"), "{}", host_mail[0].subject());
        assert_eq!(app.mail.wait_for(DMITRI, 1).await.len(), 1, "the guest gets the invitation");
    }
}

on_both_databases! {
    async fn rejection_reason_reaches_host_not_guest(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        let reason = "No contractor work planned this week.";
        let (status, rejected) = app.decide(&site.north_admin, &created["id"], "reject", Some(json!({"reason": reason}))).await;
        assert_eq!(status, 200, "{rejected}");
        assert_eq!(rejected["approval_status"], "rejected");
        let host_mail = app.mail.wait_for(&site.north_host.email, 1).await;
        assert_eq!(host_mail.len(), 1);
        assert!(host_mail[0].subject().starts_with("Rejected: the visit of Dmitri Volkov on "), "{}", host_mail[0].subject());
        assert!(host_mail[0].subject().ends_with(" has been rejected"), "{}", host_mail[0].subject());
        assert!(host_mail[0].text().contains("The visit of Dmitri Volkov has been rejected."), "{}", host_mail[0].text());
        assert!(host_mail[0].text().contains(reason), "{}", host_mail[0].text());
        app.mail.settle().await;
        assert!(app.mail.to(DMITRI).is_empty(), "the guest heard of the rejection");
    }
}

on_both_databases! {
    async fn the_host_is_told_in_their_own_language_that_the_visit_has_been_rejected(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, body) = app.call(Method::PUT, "/api/v1/me/language", Some(&site.north_host.token), Some(json!({"language": "de"}))).await;
        assert_eq!(status, 204, "{body}");
        let (status, me) = app.call(Method::GET, "/api/v1/me", Some(&site.north_host.token), None).await;
        assert_eq!((status, me["user"]["language"].clone()), (reqwest::StatusCode::OK, json!("de")));
        // A language Gatehouse does not speak changes nothing.
        let (status, body) = app.call(Method::PUT, "/api/v1/me/language", Some(&site.north_host.token), Some(json!({"language": "xx"}))).await;
        assert_eq!(status, 422, "{body}");
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        let reason = "Diese Woche sind keine Arbeiten geplant.";
        app.decide(&site.north_admin, &created["id"], "reject", Some(json!({"reason": reason}))).await;
        let mail = app.mail.wait_for(&site.north_host.email, 1).await.remove(0);
        assert_eq!(mail.subject(), "Abgelehnt: der Besuch von Dmitri Volkov am Montag, 3. Juni 2030 wurde abgelehnt");
        let text = mail.text();
        assert!(text.starts_with(&format!("Der Besuch von Dmitri Volkov wurde abgelehnt. Grund: {reason}")), "{text}");
        for fact in ["Kategorie: Handwerker / Dienstleister", "Uhrzeit: 10:00–12:00", &format!("Grund: {reason}")] {
            assert!(text.contains(fact), "missing {fact:?} in {text}");
        }
        // The security list, whose language nobody chose, reads English.
        let security = app.mail.wait_for(SECURITY_EMAIL, 1).await.remove(0);
        assert!(security.subject().starts_with("Invitation pending approval"), "{}", security.subject());
        // Without a reason the German rejection still says so, with no empty "Grund".
        let second = app.invite(&site.north_host, invitation("contractor", "Hannah Schulz", None)).await;
        app.decide(&site.north_admin, &second["id"], "reject", None).await;
        let mail = app.mail.wait_for(&site.north_host.email, 2).await.remove(1);
        assert!(mail.subject().ends_with(" wurde abgelehnt"), "{}", mail.subject());
        assert!(!mail.text().contains("Grund"), "{}", mail.text());
    }
}

on_both_databases! {
    async fn rejection_without_reason_is_allowed_while_pending(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        let (status, rejected) = app.decide(&site.north_admin, &created["id"], "reject", None).await;
        assert_eq!(status, 200, "{rejected}");
        assert_eq!(rejected["approval_status"], "rejected");
    }
}

on_both_databases! {
    async fn approved_invitation_can_return_to_pending(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        app.decide(&site.north_admin, &created["id"], "approve", None).await;
        let (status, back) = app.decide(&site.north_admin, &created["id"], "return-to-pending", Some(json!({"reason": "Wrong category"}))).await;
        assert_eq!(status, 200, "{back}");
        assert_eq!(back["approval_status"], "pending");
        let host_mail = app.mail.wait_for(&site.north_host.email, 2).await;
        assert!(host_mail.iter().any(|m| m.subject().starts_with("Back to pending") && m.text().contains("Wrong category")));
    }
}

on_both_databases! {
    async fn a_rejection_s_reason_is_optional_even_when_taking_back_an_approval(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let first = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        let (status, rejected) = app.decide(&site.north_admin, &first["id"], "reject", None).await;
        assert_eq!(status, 200, "{rejected}");
        assert_eq!(rejected["approval_status"], "rejected");
        let second = app.invite(&site.north_host, invitation("guest", "Sara Rossi", None)).await;
        let (status, back) = app.decide(&site.north_admin, &second["id"], "return-to-pending", None).await;
        assert_eq!(status, 200, "{back}");
        assert_eq!(back["approval_status"], "pending");
    }
}

on_both_databases! {
    async fn every_decision_endpoint_answers_bad_input_with_the_same_status(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        let id = created["id"].as_str().unwrap();
        for action in ["reject", "return-to-pending"] {
            let path = app.url(&format!("/api/v1/invitations/{id}/{action}"));
            let send = |body: &'static str| {
                app.http.post(path.clone()).bearer_auth(&site.north_admin.token)
                    .header("Content-Type", "application/json").body(body).send()
            };
            assert_eq!(send("{not json").await.unwrap().status(), 400, "{action}: malformed");
            assert_eq!(send(r#"{"reason": ""}"#).await.unwrap().status(), 422, "{action}: empty reason");
            assert_eq!(send(r#"{"reason": 7}"#).await.unwrap().status(), 422, "{action}: not text");
            assert_eq!(send(r#"{"why": "x"}"#).await.unwrap().status(), 422, "{action}: unknown field");
        }
        let (_, record) = app.call(Method::GET, &format!("/api/v1/invitations/{id}"), Some(&site.manager.token), None).await;
        assert_eq!(record["approval_status"], "approved", "nothing changed");
    }
}

on_both_databases! {
    async fn deciding_twice_is_a_conflict(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        assert_eq!(app.decide(&site.north_admin, &created["id"], "approve", None).await.0, 200);
        let (status, body) = app.decide(&site.manager, &created["id"], "approve", None).await;
        assert_eq!(status, 409);
        assert_eq!(body["message"], "the invitation is already approved");
    }
}

on_both_databases! {
    async fn every_transition_is_audited_with_who_when_and_why(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("contractor", "Dmitri Volkov", None)).await;
        app.decide(&site.north_admin, &created["id"], "approve", None).await;
        app.decide(&site.manager, &created["id"], "return-to-pending", Some(json!({"reason": "Check the insurance"}))).await;
        app.decide(&site.manager, &created["id"], "reject", Some(json!({"reason": "No insurance"}))).await;
        let id = created["id"].as_str().unwrap();
        let (status, history) = app.call(Method::GET, &format!("/api/v1/invitations/{id}/history"), Some(&site.north_host.token), None).await;
        assert_eq!(status, 200);
        let steps: Vec<_> = history.as_array().unwrap().iter()
            .map(|h| (h["action"].as_str().unwrap(), h["actor_name"].as_str().unwrap(), h["to_status"].as_str().unwrap(), h["reason"].as_str()))
            .collect();
        assert_eq!(steps, [
            ("create", "Hanna Host", "pending", None),
            ("approve", "Nils Admin", "approved", None),
            ("return_to_pending", "Fiona Manager", "pending", Some("Check the insurance")),
            ("reject", "Fiona Manager", "rejected", Some("No insurance")),
        ]);
        assert!(history.as_array().unwrap().iter().all(|h| h["at"].is_string()));
    }
}

on_both_databases! {
    async fn category_email_is_told_of_every_invitation_in_its_category(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        app.call(Method::PUT, "/api/v1/categories/guest", Some(&site.manager.token), Some(json!({
            "enabled": true, "needs_approval": false, "email": "guests@tower.example",
        }))).await;
        app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        app.invite(&site.north_host, invitation("guest", "Jonas Weber", None)).await;
        let mail = app.mail.wait_for("guests@tower.example", 2).await;
        assert_eq!(mail.len(), 2);
        assert!(mail.iter().all(|m| m.subject().starts_with("New guest invitation")));
    }
}

on_both_databases! {
    async fn cancelled_invitation_tells_an_invited_guest(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let created = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        let (status, cancelled) = app.decide(&site.north_host, &created["id"], "cancel", None).await;
        assert_eq!(status, 200, "{cancelled}");
        assert_eq!(cancelled["approval_status"], "cancelled");
        let mail = app.mail.wait_for("sofia.rossi@guest.example", 2).await;
        assert!(mail.iter().any(|m| m.subject().starts_with("Cancelled: your visit")));
    }
}

on_both_databases! {
    async fn email_goes_out_after_the_mail_server_closed_the_connection(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        assert_eq!(app.mail.wait_for("sofia.rossi@guest.example", 1).await.len(), 1);
        // Mail servers close idle connections; the next email opens a new one.
        app.mail.close_connections();
        app.invite(&site.north_host, invitation("guest", "Dmitri Volkov", None)).await;
        assert_eq!(app.mail.wait_for(DMITRI, 1).await.len(), 1, "the second guest was not told");
        app.mail.settle().await;
        assert_eq!(app.database.outbox_backlog().await.unwrap(), 0);
    }
}

on_both_databases! {
    async fn a_visitor_with_an_internationalised_address_is_invited_and_their_email_arrives(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let mut body = invitation("guest", "Jürgen Größe", None);
        body["visitor"]["email"] = serde_json::json!("jürgen@größe.example");
        let created = app.invite(&site.north_host, body).await;
        assert_eq!(created["visitor_email"], "jürgen@größe.example");
        let mail = app.mail.wait_for("jürgen@größe.example", 1).await;
        assert_eq!(mail.len(), 1, "the invitation reached the mail server");
        assert_eq!(mail[0].subject(), "Your visit to Test Tower on Monday, 3 June 2030");
    }
}
