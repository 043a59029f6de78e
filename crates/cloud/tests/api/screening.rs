//! Watchlist screening, on SQLite and PostgreSQL: a visitor who matches the watchlist by email
//! or by a name close enough is held — pending, only security told — until a facility approver
//! gives a verdict with a reason; the identity provider's deactivated users are screened too.

use crate::support::{Backend, SECURITY_EMAIL, Site, TestApp, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

async fn list(app: &TestApp, site: &Site, entry: Value) -> Value {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/watchlist",
            Some(&site.manager.token),
            Some(entry),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body
}

fn id(record: &Value) -> &str {
    record["id"].as_str().expect("an id")
}

async fn history_actions(app: &TestApp, site: &Site, invitation: &str) -> Vec<(String, Value)> {
    let (status, history) = app
        .call(
            Method::GET,
            &format!("/api/v1/invitations/{invitation}/history"),
            Some(&site.manager.token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{history}");
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["action"].as_str().unwrap().to_owned(),
                entry["reason"].clone(),
            )
        })
        .collect()
}

on_both_databases! {
    async fn watchlist_hit_holds_invitation(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        list(&app, &site, json!({"name": "Jonas Weber", "reason": "Threatened reception staff"})).await;
        list(&app, &site, json!({"name": "Somebody Else", "email": "max.payne@guest.example", "reason": "Trespassed"})).await;

        // A guest invitation is approved at once — unless the visitor matches.
        let clear = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        assert_eq!((clear["approval_status"].as_str(), clear["held"].as_bool()), (Some("approved"), Some(false)));
        let by_name = app.invite(&site.north_host, invitation("guest", "Jonas Webber", None)).await;
        assert_eq!((by_name["approval_status"].as_str(), by_name["held"].as_bool()), (Some("pending"), Some(true)));
        let by_email = app.invite(&site.north_host, invitation("guest", "Max Payne", None)).await;
        assert_eq!(by_email["held"], true);

        // Security is told, with the entry matched; the guest and the host hear nothing.
        let mail = app.mail.wait_for(SECURITY_EMAIL, 2).await;
        let held = mail.iter().find(|m| m.subject() == "Held by screening: Jonas Webber (Guest)").expect("security told");
        assert!(held.text().contains("Jonas Weber by name"), "{}", held.text());
        assert!(held.text().contains("Threatened reception staff"), "{}", held.text());
        app.mail.settle().await;
        assert!(app.mail.to("jonas.webber@guest.example").is_empty(), "the guest was told");
        assert!(app.mail.to("max.payne@guest.example").is_empty(), "the guest was told");
        assert!(app.mail.to(&site.north_host.email).is_empty(), "the host was told");

        // Nobody approves a held invitation the ordinary way.
        let (status, body) = app.call(Method::POST, &format!("/api/v1/invitations/{}/approve", id(&by_name)), Some(&site.manager.token), None).await;
        assert_eq!(status, 409, "{body}");
        assert!(body["message"].as_str().unwrap().contains("screening held"), "{body}");
        // The hold and its entry are for facility approvers; an organisation's admin sees nothing.
        let path = format!("/api/v1/invitations/{}/screening", id(&by_email));
        let (status, _) = app.call(Method::GET, &path, Some(&site.north_admin.token), None).await;
        assert_eq!(status, 403);
        let (status, hold) = app.call(Method::GET, &path, Some(&site.manager.token), None).await;
        assert_eq!(status, 200, "{hold}");
        assert_eq!((hold["matched"].as_str(), hold["entry"]["reason"].as_str()), (Some("email"), Some("Trespassed")));
        let actions = history_actions(&app, &site, id(&by_name)).await;
        assert!(actions.iter().any(|(action, _)| action == "screening_hit"), "{actions:?}");
    }
}

on_both_databases! {
    async fn override_needs_reason_and_is_audited(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        list(&app, &site, json!({"name": "Jonas Weber", "reason": "Threatened reception staff"})).await;
        let held = app.invite(&site.north_host, invitation("guest", "Jonas Weber", None)).await;
        let path = format!("/api/v1/invitations/{}/screening", id(&held));

        for bad in [json!({"verdict": "false_positive"}), json!({"verdict": "false_positive", "reason": ""}), json!({"verdict": "maybe", "reason": "x"})] {
            let (status, body) = app.call(Method::POST, &path, Some(&site.manager.token), Some(bad.clone())).await;
            assert!(status == 400 || status == 422, "{bad}: {status} {body}");
        }
        let reason = "Checked the passport: born 1990, the listed man is 60";
        let verdict = json!({"verdict": "false_positive", "reason": reason});
        let (status, _) = app.call(Method::POST, &path, Some(&site.north_admin.token), Some(verdict.clone())).await;
        assert_eq!(status, 403, "an organisation's admin may not lift a hold");
        let (_, still) = app.call(Method::GET, &format!("/api/v1/invitations/{}", id(&held)), Some(&site.manager.token), None).await;
        assert_eq!((still["approval_status"].as_str(), still["held"].as_bool()), (Some("pending"), Some(true)), "refused verdicts changed nothing");

        let (status, approved) = app.call(Method::POST, &path, Some(&site.manager.token), Some(verdict.clone())).await;
        assert_eq!(status, 200, "{approved}");
        assert_eq!((approved["approval_status"].as_str(), approved["held"].as_bool()), (Some("approved"), Some(false)));
        assert_eq!(app.mail.wait_for("jonas.weber@guest.example", 1).await.len(), 1, "the guest gets their invitation now");
        let (status, _) = app.call(Method::POST, &path, Some(&site.manager.token), Some(verdict)).await;
        assert_eq!(status, 409, "a verdict is given once");

        let actions = history_actions(&app, &site, id(&held)).await;
        let names: Vec<&str> = actions.iter().map(|(action, _)| action.as_str()).collect();
        assert_eq!(names, ["create", "screening_hit", "screening_false_positive", "approve"]);
        assert_eq!(actions[2].1, reason);
        let (_, hold) = app.call(Method::GET, &path, Some(&site.manager.token), None).await;
        assert_eq!((hold["verdict"].as_str(), hold["decided_by"].as_str()), (Some("false_positive"), Some("Fiona Manager")));
    }
}

async fn scim(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app
        .http
        .request(method, app.url(&format!("/scim/v2{path}")))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/scim+json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}

on_both_databases! {
    async fn scim_deactivated_user_is_screened(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, _) = app.call(Method::POST, "/api/v1/watchlist/scim-token", Some(&site.north_admin.token), None).await;
        assert_eq!(status, 403, "the SCIM link is the facility manager's");
        let (status, token) = app.call(Method::POST, "/api/v1/watchlist/scim-token", Some(&site.manager.token), None).await;
        assert_eq!(status, 201, "{token}");
        let token = token["token"].as_str().unwrap().to_owned();

        let (status, error) = scim(&app, Method::GET, "/Users", "ghscim_wrong", None).await;
        assert_eq!((status, error["status"].as_str()), (401, Some("401")), "{error}");
        let (status, error) = scim(&app, Method::POST, "/Users", &token, Some(json!({"name": {"formatted": "No Username"}}))).await;
        assert_eq!((status, error["scimType"].as_str()), (400, Some("invalidValue")), "{error}");

        let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "dana.fired@guest.example", "name": {"givenName": "Dana", "familyName": "Fired"},
            "emails": [{"value": "dana.fired@guest.example", "primary": true}], "active": true});
        let (status, created) = scim(&app, Method::POST, "/Users", &token, Some(user.clone())).await;
        assert_eq!(status, 201, "{created}");
        let (status, _) = scim(&app, Method::POST, "/Users", &token, Some(user)).await;
        assert_eq!(status, 409, "a userName is one user");
        let user_id = created["id"].as_str().unwrap().to_owned();
        let (status, found) = scim(&app, Method::GET, "/Users?filter=userName%20eq%20%22dana.fired@guest.example%22", &token, None).await;
        assert_eq!((status, found["totalResults"].as_u64()), (200, Some(1)), "{found}");

        // An active user of the identity provider is nobody's business at the door.
        let while_active = app.invite(&site.north_host, invitation("guest", "Dana Fired", None)).await;
        assert_eq!(while_active["held"], false);
        let (_, watched) = app.call(Method::GET, "/api/v1/watchlist", Some(&site.manager.token), None).await;
        assert_eq!(watched.as_array().unwrap().len(), 0, "{watched}");

        // Deactivated (as Entra ID writes it), they are screened.
        let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}]});
        let (status, patched) = scim(&app, Method::PATCH, &format!("/Users/{user_id}"), &token, Some(patch)).await;
        assert_eq!((status, patched["active"].as_bool()), (200, Some(false)), "{patched}");
        let after = app.invite(&site.north_host, invitation("guest", "Dana Fired", None)).await;
        assert_eq!((after["approval_status"].as_str(), after["held"].as_bool()), (Some("pending"), Some(true)));
        let (_, watched) = app.call(Method::GET, "/api/v1/watchlist", Some(&site.manager.token), None).await;
        assert_eq!(watched[0]["source"], "scim", "{watched}");
        // Deleted by the provider, they are screened no more.
        let (status, _) = scim(&app, Method::DELETE, &format!("/Users/{user_id}"), &token, None).await;
        assert_eq!(status, 204);
        let later = app.invite(&site.north_host, invitation("guest", "Dana Fired", None)).await;
        assert_eq!(later["held"], false);
    }
}

on_both_databases! {
    async fn a_watchlist_import_with_one_bad_row_imports_nothing(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let post = |csv: &'static str, token: String| {
            let request = app.http.post(app.url("/api/v1/watchlist/import")).bearer_auth(token).header("content-type", "text/csv").body(csv);
            async move { let response = request.send().await.unwrap(); (response.status().as_u16(), response.json::<Value>().await.unwrap()) }
        };
        let bad = "name,email,company,date_of_birth,reason,expires_at\n\
                   Jonas Weber,,,,Threatened staff,\n\
                   Max Payne,not-an-email,,1980-13-01,Trespassed,\n";
        let (status, body) = post(bad, site.manager.token.clone()).await;
        assert_eq!(status, 422, "{body}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("nothing was imported") && message.contains("line 3"), "{message}");
        let (_, watched) = app.call(Method::GET, "/api/v1/watchlist", Some(&site.manager.token), None).await;
        assert_eq!(watched.as_array().unwrap().len(), 0);
        let (status, _) = post("name,reason\nJonas Weber,x\n", site.north_admin.token.clone()).await;
        assert_eq!(status, 403, "the watchlist is the facility manager's");

        let good = "name,email,company,date_of_birth,reason,expires_at\n\
                    Jonas Weber,,,1960-02-01,Threatened staff,\n\
                    Max Payne,max@payne.example,Payne Ltd,,Trespassed,2031-01-01T00:00:00Z\n";
        let (status, imported) = post(good, site.manager.token.clone()).await;
        assert_eq!(status, 201, "{imported}");
        assert_eq!(imported.as_array().unwrap().len(), 2);
        assert_eq!(imported[0]["date_of_birth"], "1960-02-01");
        assert_eq!(imported[1]["source"], "import");
        let (status, _) = app.call(Method::DELETE, &format!("/api/v1/watchlist/{}", id(&imported[0])), Some(&site.manager.token), None).await;
        assert_eq!(status, 204);
        let (_, watched) = app.call(Method::GET, "/api/v1/watchlist", Some(&site.manager.token), None).await;
        assert_eq!(watched.as_array().unwrap().len(), 1);
    }
}

on_both_databases! {
    async fn watchlist_hit_at_kiosk_sends_to_reception_without_detail(backend: Backend) {
        let Some(app) = TestApp::spawn_at(backend, gatehouse_cloud::Clock::fixed(crate::support::at(10, 30))).await else { return };
        let site = Site::create(&app).await;
        let device = app.enrolled_kiosk(&site).await;
        list(&app, &site, json!({"name": "Walter Walk-In", "company": "Nordlicht Elektrotechnik", "reason": "Stole a laptop in March"})).await;

        // A watchlisted walk-in names a host: the invitation is held, not put to the host.
        let walk_in = json!({"host": site.north_host.id, "category": "guest", "visitor_name": "Walter Walkin",
            "visitor_company": "Nordlicht Elektrotechnik", "visitor_email": "walter@nordlicht.example"});
        let (status, held) = app.call(Method::POST, "/api/v1/kiosk/walk-ins", Some(&device), Some(walk_in)).await;
        assert_eq!(status, 201, "{held}");
        assert_eq!((held["approval"].as_str(), held["awaiting_host"].as_bool(), held["held"].as_bool()), (Some("pending"), Some(false), Some(true)), "{held}");
        let kiosk_copy = held.to_string();
        assert!(!kiosk_copy.contains("laptop") && !kiosk_copy.contains("watchlist"), "the kiosk learns nothing of the entry: {kiosk_copy}");
        let told = app.mail.wait_for(SECURITY_EMAIL, 1).await;
        assert_eq!(told[0].subject(), "Held by screening: Walter Walkin (Guest)");
        app.mail.settle().await;
        assert!(app.mail.to(&site.north_host.email).is_empty(), "the host is not asked about a held walk-in");
        assert!(app.mail.to("walter@nordlicht.example").is_empty(), "the walk-in is told nothing");

        // The kiosk sends them to reception, who read that it is a matter for security.
        let (status, _) = app.call(Method::POST, "/api/v1/kiosk/reception", Some(&device), Some(json!({"invitation": held["id"]}))).await;
        assert!(status.is_success(), "{status}");
        let (_, lobby) = app.call(Method::GET, "/api/v1/lobby", Some(&site.reception.token), None).await;
        let attention = lobby["attention"].as_array().unwrap();
        assert_eq!(attention.len(), 1, "{lobby}");
        assert_eq!(attention[0]["reason"], gatehouse_cloud::lobby::HELD_BY_SCREENING);
        assert!(!lobby.to_string().contains("laptop"), "reception does not read the entry: {lobby}");
    }
}

on_both_databases! {
    async fn an_entry_added_later_holds_the_invitations_already_made(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let device = app.enrolled_kiosk(&site).await;
        let approved = app.invite(&site.north_host, invitation("guest", "Max Payne", None)).await;
        let other = app.invite(&site.north_host, invitation("guest", "Sofia Rossi", None)).await;
        assert_eq!(approved["approval_status"], "approved");
        let (status, _) = app.call(Method::GET, &format!("/api/v1/invitations/{}/credentials", id(&approved)), Some(&site.manager.token), None).await;
        assert_eq!(status, 200);

        list(&app, &site, json!({"name": "Maximilian Payne", "email": "max.payne@guest.example", "reason": "Trespassed"})).await;
        let (_, now) = app.call(Method::GET, &format!("/api/v1/invitations/{}", id(&approved)), Some(&site.manager.token), None).await;
        assert_eq!((now["approval_status"].as_str(), now["held"].as_bool()), (Some("pending"), Some(true)), "{now}");
        let (_, untouched) = app.call(Method::GET, &format!("/api/v1/invitations/{}", id(&other)), Some(&site.manager.token), None).await;
        assert_eq!((untouched["approval_status"].as_str(), untouched["held"].as_bool()), (Some("approved"), Some(false)));
        let actions = history_actions(&app, &site, id(&approved)).await;
        let names: Vec<&str> = actions.iter().map(|(action, _)| action.as_str()).collect();
        assert_eq!(names, ["create", "screening_hit", "credential_revoked"], "its prepared credential stops working too");
        let mail = app.mail.wait_for(SECURITY_EMAIL, 1).await;
        assert!(mail.iter().any(|m| m.subject() == "Held by screening: Max Payne (Guest)"));

        // The kiosk learns it with its changes, and keeps it for when it is offline.
        let (pages, _) = app
            .pull_changes_until(&device, None, 100, |seen| {
                seen.iter().any(|i| i["id"] == approved["id"] && i["held"] == true)
            })
            .await;
        let changes: Vec<Value> = pages.iter().flat_map(|p| p["invitations"].as_array().unwrap().clone()).collect();
        let copy = changes.iter().rev().find(|i| i["id"] == approved["id"]).unwrap();
        assert_eq!((copy["approval"].as_str(), copy["held"].as_bool(), copy["credential"].is_null()), (Some("pending"), Some(true), true), "{copy}");

        // Listing the same person again holds nothing twice.
        list(&app, &site, json!({"name": "Max Payne", "reason": "Trespassed again"})).await;
        let actions = history_actions(&app, &site, id(&approved)).await;
        assert_eq!(actions.iter().filter(|(action, _)| action == "screening_hit").count(), 1);
    }
}
