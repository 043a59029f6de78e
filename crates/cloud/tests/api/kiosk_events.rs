//! What kiosks report from the lobby, through the HTTP API of a real cloud on SQLite and
//! PostgreSQL: each report applied once however often it is sent, a check-in against an
//! invitation rejected meanwhile flagged (its badge revoked) and never silently accepted, bad
//! batches refused whole.

use crate::support::{Backend, Site, TestApp, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

async fn kiosk(backend: Backend) -> Option<(TestApp, Site, String)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    let device = app.enrolled_kiosk(&site).await;
    Some((app, site, device))
}

fn event(invitation: &Value, kind: &str) -> Value {
    json!({"id": Uuid::now_v7(), "invitation": invitation, "kind": kind, "at": crate::support::at(10, 30)})
}

async fn send(app: &TestApp, device: &str, events: &[Value]) -> (reqwest::StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/v1/kiosk/events",
        Some(device),
        Some(json!({"events": events})),
    )
    .await
}

async fn visit_status(app: &TestApp, site: &Site, id: &Value) -> String {
    let (_, record) = app
        .call(
            Method::GET,
            &format!("/api/v1/invitations/{}", id.as_str().unwrap()),
            Some(&site.manager.token),
            None,
        )
        .await;
    record["visit_status"].as_str().unwrap().to_owned()
}

on_both_databases! {
    async fn a_check_in_and_check_out_move_the_visit_and_show_in_the_change_feed(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let (status, answer) = send(&app, &device, &[event(&guest["id"], "check_in")]).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["results"][0]["outcome"], "applied");
        assert_eq!(answer["results"][0]["visit"], "checked_in");
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "checked_in");
        // The kiosk (and any other in the building) learns it from the change feed.
        app.pull_changes_until(&device, None, 500, |d| d.iter().any(|i| i["visit"] == "checked_in")).await;

        let (_, answer) = send(&app, &device, &[event(&guest["id"], "check_out")]).await;
        assert_eq!(answer["results"][0]["outcome"], "applied");
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "checked_out");
    }
}

on_both_databases! {
    async fn a_report_sent_again_is_applied_once(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let check_in = event(&guest["id"], "check_in");
        let check_out = event(&guest["id"], "check_out");
        send(&app, &device, &[check_in.clone(), check_out.clone()]).await;
        // The answer was lost: the kiosk sends the same batch again, and the check-in once more
        // in the same batch.
        let (status, again) = send(&app, &device, &[check_in.clone(), check_out, check_in]).await;
        assert_eq!(status, 200, "{again}");
        for result in again["results"].as_array().unwrap() {
            assert_eq!(result["duplicate"], true, "{result}");
            assert_eq!(result["outcome"], "applied", "what it did the first time");
        }
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "checked_out", "not checked in again");
        assert_eq!(app.rows_in("kiosk_events").await, 2);
    }
}

on_both_databases! {
    async fn a_check_in_against_an_invitation_rejected_meanwhile_is_flagged_not_accepted(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Olga Offline", None)).await;
        // Approved when the kiosk last synced; rejected in the cloud while it was offline.
        let (status, _) = app.decide(&site.north_admin, &guest["id"], "reject", Some(json!({"reason": "Not this week."}))).await;
        assert_eq!(status, 200);
        let (_, answer) = send(&app, &device, &[event(&guest["id"], "check_in")]).await;
        let result = &answer["results"][0];
        assert_eq!(result["outcome"], "flagged", "{result}");
        assert_eq!(result["reason"], "the invitation was not approved");
        // They are inside: the visit says so, for the muster list.
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "checked_in");
        // The badge the kiosk printed no longer admits them: revoked, on the record.
        let (_, history) = app
            .call(Method::GET, &format!("/api/v1/invitations/{}/history", guest["id"].as_str().unwrap()), Some(&site.manager.token), None)
            .await;
        let last = history.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "credential_revoked", "{history}");
        assert_eq!(last["reason"], "the invitation no longer admits this visitor: collect their badge");
    }
}

on_both_databases! {
    async fn reports_that_cannot_apply_are_refused_with_a_reason(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let unknown = json!(Uuid::now_v7());
        let (_, answer) = send(&app, &device, &[event(&guest["id"], "check_out"), event(&unknown, "check_in")]).await;
        assert_eq!(answer["results"][0]["outcome"], "refused");
        assert_eq!(answer["results"][0]["reason"], "the visitor was never checked in");
        assert_eq!(answer["results"][1]["outcome"], "refused");
        assert_eq!(answer["results"][1]["reason"], "no such invitation in this facility");
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "expected");
    }
}

on_both_databases! {
    async fn bad_batches_are_refused_whole_and_record_nothing(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let good = event(&guest["id"], "check_in");
        let too_many: Vec<Value> = (0..201).map(|_| event(&guest["id"], "check_in")).collect();
        for body in [
            json!({"events": []}),
            json!({"events": too_many}),
            json!({"events": [good.clone(), {"id": "nope", "invitation": guest["id"], "kind": "check_in", "at": chrono::Utc::now()}]}),
            json!({"events": [good.clone(), event(&guest["id"], "teleport")]}),
            json!({"events": [{"id": Uuid::now_v7(), "invitation": guest["id"], "kind": "check_in"}]}),
            json!({"events": [good.clone()], "extra": 1}),
        ] {
            let (status, answer) = app.call(Method::POST, "/api/v1/kiosk/events", Some(&device), Some(body)).await;
            assert!(status == 400 || status == 422, "{status}: {answer}");
            assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk/events", Some(&site.manager.token), Some(json!({"events": [good]}))).await;
        assert_eq!(status, 401, "a person is not a kiosk");
        assert_eq!(app.rows_in("kiosk_events").await, 0);
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "expected");
    }
}

on_both_databases! {
    async fn check_in_at_the_kiosk_tells_the_host_their_visitor_has_arrived_once(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let check_in = event(&guest["id"], "check_in");
        // Sent twice (a lost answer): the host hears of it once.
        send(&app, &device, std::slice::from_ref(&check_in)).await;
        let (_, again) = send(&app, &device, &[check_in]).await;
        assert_eq!(again["results"][0]["duplicate"], true);
        let arrived: Vec<_> = app
            .mail
            .wait_for(&site.north_host.email, 1)
            .await
            .into_iter()
            .filter(|mail| mail.subject().starts_with("Your visitor has arrived"))
            .collect();
        app.mail.settle().await;
        let all_arrived = app
            .mail
            .to(&site.north_host.email)
            .into_iter()
            .filter(|mail| mail.subject() == "Your visitor has arrived: Gina Guest")
            .count();
        assert_eq!(all_arrived, 1, "one arrival email, however often the report came");
        assert!(arrived.iter().all(|mail| mail.text().contains("Gina Guest checked in at the")));
        // Checking out tells nobody; both moves are in the invitation's history.
        send(&app, &device, &[event(&guest["id"], "check_out")]).await;
        let (_, history) = app
            .call(
                Method::GET,
                &format!("/api/v1/invitations/{}/history", guest["id"].as_str().unwrap()),
                Some(&site.manager.token),
                None,
            )
            .await;
        let actions: Vec<&str> = history.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.ends_with(&["checked_in", "checked_out"]), "{actions:?}");
    }
}

on_both_databases! {
    async fn flagged_check_in_waits_in_receptions_lobby_until_someone_handles_it(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let olga = app.invite(&site.north_host, invitation("guest", "Olga Offline", None)).await;
        let gina = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        app.decide(&site.north_admin, &olga["id"], "reject", Some(json!({"reason": "Not this week."}))).await;
        send(&app, &device, &[event(&olga["id"], "check_in"), event(&gina["id"], "check_in")]).await;

        let (status, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(status, 200, "{lobby}");
        let attention = lobby["attention"].as_array().unwrap();
        assert_eq!(attention.len(), 1, "{lobby}");
        assert_eq!(attention[0]["invitation"]["visitor_name"], "Olga Offline");
        assert_eq!(attention[0]["reason"], "the invitation was not approved");
        assert_eq!(attention[0]["kiosk"], "Lobby");
        let on_site: Vec<&str> = lobby["on_site"].as_array().unwrap().iter().map(|i| i["visitor_name"].as_str().unwrap()).collect();
        assert_eq!(on_site, ["Gina Guest", "Olga Offline"]);

        // Only people who admit visitors see the lobby.
        let (status, _) = app.call(Method::GET, "/api/v1/lobby", Some(&site.north_host.token), None).await;
        assert_eq!(status, 403);

        let event_id = attention[0]["event"].as_str().unwrap();
        let path = format!("/api/v1/lobby/attention/{event_id}/handled");
        let (status, _) = app.call(Method::POST, &path, Some(&site.north_host.token), None).await;
        assert_eq!(status, 403);
        let (status, _) = app.call(Method::POST, &path, Some(&site.reception.token), None).await;
        assert_eq!(status, 204);
        let (_, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(lobby["attention"], json!([]));
        let (status, _) = app.call(Method::POST, &path, Some(&site.reception.token), None).await;
        assert_eq!(status, 404, "handled once");
    }
}

on_both_databases! {
    async fn pending_visitor_sent_to_reception_shows_in_the_lobby_once_until_handled(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let carl = app.invite(&site.north_host, invitation("contractor", "Carl Contractor", None)).await;
        let gina = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let ask = |invitation: &Value| json!({"invitation": invitation});
        // Scanned twice while waiting: one request.
        for _ in 0..2 {
            let (status, answer) = app.call(Method::POST, "/api/v1/kiosk/reception", Some(&device), Some(ask(&carl["id"]))).await;
            assert_eq!(status, 204, "{answer}");
        }
        // Only a pending invitation sends its visitor to reception; only a kiosk asks.
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk/reception", Some(&device), Some(ask(&gina["id"]))).await;
        assert_eq!(status, 409);
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk/reception", Some(&site.reception.token), Some(ask(&carl["id"]))).await;
        assert_eq!(status, 401);
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk/reception", Some(&device), Some(json!({"invitation": Uuid::now_v7()}))).await;
        assert_eq!(status, 404);

        let (_, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        let attention = lobby["attention"].as_array().unwrap();
        assert_eq!(attention.len(), 1, "{lobby}");
        assert_eq!(attention[0]["invitation"]["visitor_name"], "Carl Contractor");
        assert_eq!(attention[0]["reason"], "at the kiosk now; the invitation still waits for approval");
        let path = format!("/api/v1/lobby/attention/{}/handled", attention[0]["event"].as_str().unwrap());
        let (status, _) = app.call(Method::POST, &path, Some(&site.reception.token), None).await;
        assert_eq!(status, 204);
        let (_, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(lobby["attention"], json!([]));
    }
}

on_both_databases! {
    async fn badge_printed_at_the_kiosk_joins_the_history_and_leaves_reception_nothing_to_print(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let id = guest["id"].as_str().unwrap();
        // Not checked in: no badge to speak of.
        let (_, early) = send(&app, &device, &[event(&guest["id"], "badge_printed")]).await;
        assert_eq!(early["results"][0]["outcome"], "refused", "{early}");

        // The printer failed at check-in: the badge waits for reception.
        send(&app, &device, &[event(&guest["id"], "check_in")]).await;
        let status = app
            .http
            .put(app.url(&format!("/api/v1/kiosk/documents/{id}/unprinted_badge")))
            .bearer_auth(&device)
            .body(b"%PDF-1.7\n% a badge\n%%EOF\n".to_vec())
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 204);
        let (_, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(lobby["attention"].as_array().unwrap().len(), 1, "{lobby}");

        // She reprints it at the kiosk: reception has nothing left to print.
        let (status, printed) = send(&app, &device, &[event(&guest["id"], "badge_printed")]).await;
        assert_eq!(status, 200);
        assert_eq!(printed["results"][0]["outcome"], "applied", "{printed}");
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "checked_in", "a badge does not move the visit");
        let (_, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        assert_eq!(lobby["attention"], json!([]), "{lobby}");
        let (status, _) = app.call(Method::GET, &format!("/api/v1/invitations/{id}/documents/unprinted_badge"), Some(&site.reception.token), None).await;
        assert_eq!(status, 404);
        let (_, history) = app.call(Method::GET, &format!("/api/v1/invitations/{id}/history"), Some(&site.manager.token), None).await;
        let actions: Vec<&str> = history.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.ends_with(&["checked_in", "badge_printed"]), "{actions:?}");
    }
}

on_both_databases! {
    async fn a_kiosk_event_id_used_for_a_different_event_or_by_another_kiosk_is_refused(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let other = app.enrolled_kiosk(&site).await;
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let second = app.invite(&site.north_host, invitation("guest", "Gus Guest", None)).await;
        let check_in = event(&guest["id"], "check_in");
        assert_eq!(send(&app, &device, std::slice::from_ref(&check_in)).await.0, 200);
        // The same id for a check-out, for another invitation, or from another kiosk: 409, and
        // nothing is told about the first.
        let mut reused = check_in.clone();
        reused["kind"] = json!("check_out");
        let mut elsewhere = check_in.clone();
        elsewhere["invitation"] = second["id"].clone();
        for (from, report) in [(&device, &reused), (&device, &elsewhere), (&other, &check_in)] {
            let (status, body) = send(&app, from, std::slice::from_ref(report)).await;
            assert_eq!(status, 409, "{body}");
            assert!(!body.to_string().contains("checked_in"), "{body}");
        }
        assert_eq!(visit_status(&app, &site, &second["id"]).await, "expected");
    }
}

on_both_databases! {
    async fn a_kiosk_event_at_a_time_no_kiosk_could_have_seen_the_visit_is_refused(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let guest = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        for at in ["1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2029-06-03T10:00:00Z"] {
            let report = json!({"id": Uuid::now_v7(), "invitation": guest["id"], "kind": "check_in", "at": at});
            let (status, answer) = send(&app, &device, &[report]).await;
            assert_eq!(status, 200, "{answer}");
            assert_eq!(answer["results"][0]["outcome"], "refused", "{at}: {answer}");
        }
        assert_eq!(visit_status(&app, &site, &guest["id"]).await, "expected");
    }
}

on_both_databases! {
    async fn a_check_in_reception_made_at_the_kiosk_is_recorded_as_admitted_by_them_and_only_by_someone_who_admits(backend: Backend) {
        let Some((app, site, device)) = kiosk(backend).await else { return };
        let admitted = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        let claimed = app.invite(&site.north_host, invitation("guest", "Jonas Weber", None)).await;
        let mut by_reception = event(&admitted["id"], "check_in");
        by_reception["by"] = json!(site.reception.id);
        // A host does not admit visitors: the check-in stands as the visitor's own.
        let mut by_host = event(&claimed["id"], "check_in");
        by_host["by"] = json!(site.north_host.id);
        let (status, answer) = send(&app, &device, &[by_reception, by_host]).await;
        assert_eq!(status, 200, "{answer}");
        for (id, action, actor) in [(&admitted["id"], "admitted", json!(site.reception.id)), (&claimed["id"], "checked_in", Value::Null)] {
            assert_eq!(visit_status(&app, &site, id).await, "checked_in");
            // Since when they are inside: the muster list says so.
            let (_, record) = app.call(Method::GET, &format!("/api/v1/invitations/{}", id.as_str().unwrap()), Some(&site.manager.token), None).await;
            let since: chrono::DateTime<chrono::Utc> = serde_json::from_value(record["checked_in_at"].clone()).unwrap();
            assert_eq!(since, crate::support::at(10, 30));
            let (_, history) = app.call(Method::GET, &format!("/api/v1/invitations/{}/history", id.as_str().unwrap()), Some(&site.manager.token), None).await;
            let last = history.as_array().unwrap().last().unwrap();
            assert_eq!((last["action"].clone(), last["actor_id"].clone()), (json!(action), actor), "{history}");
        }
    }
}
