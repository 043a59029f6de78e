//! Accounts, tenants and tokens, through the HTTP API of a real cloud on SQLite and PostgreSQL:
//! role administrators give and take away only roles within their own permissions and never
//! their own; a deactivated person's sessions and tokens end at once; API tokens are listed,
//! revoked and expire, and are not minted from one another; sign-in is throttled per account and
//! per address; and no one reads another tenant's — or another facility's — people.

use chrono::TimeDelta;
use gatehouse_cloud::Clock;
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, Site, TestApp, at, invitation};

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

async fn new_role(app: &TestApp, site: &Site, name: &str, permissions: &[&str]) -> Value {
    let (status, role) = app.call(Method::POST, "/api/v1/roles", Some(&site.manager.token), Some(json!({
        "scope": {"kind": "occupancy", "id": site.north}, "name": name, "permissions": permissions,
    }))).await;
    assert_eq!(status, 201, "{role}");
    role
}

async fn give(app: &TestApp, by: &str, to: &Value, role: &Value) -> (u16, Value) {
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/users/{}/roles", to.as_str().unwrap()),
            Some(by),
            Some(json!({"role_id": role["id"]})),
        )
        .await;
    (status.as_u16(), body)
}

async fn take_away(app: &TestApp, by: &str, from: &Value, role: &Value) -> u16 {
    let path = format!(
        "/api/v1/users/{}/roles/{}",
        from.as_str().unwrap(),
        role["id"].as_str().unwrap()
    );
    app.call(Method::DELETE, &path, Some(by), None)
        .await
        .0
        .as_u16()
}

on_both_databases! {
    async fn role_administrators_assign_only_roles_within_their_own_permissions_and_never_to_themselves(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let nora = &site.north_manager;
        let me = json!(nora.id);
        // The facility manager made a Northwind reception role; Nora (no visitor_admission) may
        // neither take it herself nor hand it out.
        let reception = new_role(&app, &site, "NW reception", &["visitor_admission"]).await;
        assert_eq!(app.call(Method::GET, "/api/v1/lobby", Some(&nora.token), None).await.0, 403);
        let (status, body) = give(&app, &nora.token, &me, &reception).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(give(&app, &nora.token, &json!(site.north_host2.id), &reception).await.0, 403);
        assert_eq!(app.call(Method::GET, "/api/v1/lobby", Some(&nora.token), None).await.0, 403);
        let (_, grants) = app.call(Method::GET, &format!("/api/v1/users/{}/permissions", nora.id), Some(&nora.token), None).await;
        assert!(!grants.to_string().contains("visitor_admission"), "{grants}");

        // A role within her permissions she gives to a colleague — never to herself — and takes
        // it back within the same limits.
        let inviter = new_role(&app, &site, "NW inviter", &["visitor_invitation", "invite_for_others"]).await;
        let (status, body) = give(&app, &nora.token, &me, &inviter).await;
        assert_eq!((status, body["message"].as_str()), (403, Some("not allowed: no one gives, takes away or ends their own roles; ask another role administrator")));
        let hugo = json!(site.north_host2.id);
        assert_eq!(give(&app, &nora.token, &hugo, &inviter).await.0, 204);
        let (status, created) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host2.token),
            Some(invitation("guest", "Gina Guest", Some(site.north_host.id)))).await;
        assert_eq!(status, 201, "invite_for_others works at once: {created}");
        assert_eq!(take_away(&app, &nora.token, &hugo, &inviter).await, 204);
        assert_eq!(take_away(&app, &nora.token, &hugo, &inviter).await, 404, "no longer held");
        let (status, _) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host2.token),
            Some(invitation("guest", "Gina Guest", Some(site.north_host.id)))).await;
        assert_eq!(status, 403, "taken away at once");
        // Nor does she take away what she could not give.
        assert_eq!(give(&app, &site.manager.token, &hugo, &reception).await.0, 204);
        assert_eq!(take_away(&app, &nora.token, &hugo, &reception).await, 403);
    }
}

on_both_databases! {
    async fn a_deactivated_person_cannot_sign_in_and_their_sessions_and_tokens_end_at_once(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, _) = app.call(Method::POST, "/api/v1/users", Some(&site.north_manager.token), Some(json!({
            "display_name": "Petra New", "email": "petra@tower.example", "occupancy_id": site.north, "password": "a long passphrase",
        }))).await;
        assert_eq!(status, 201);
        let (_, signed_in) = app.call(Method::POST, "/api/v1/sessions", None, Some(json!({"email": "petra@tower.example", "password": "a long passphrase"}))).await;
        let session = signed_in["token"].as_str().unwrap().to_owned();
        let (_, api) = app.call(Method::POST, "/api/v1/api-tokens", Some(&session), Some(json!({"name": "script"}))).await;
        let api = api["token"].as_str().unwrap().to_owned();
        let petra = signed_in["user"]["id"].as_str().unwrap().to_owned();
        let deactivate = |by: &str, who: &str| {
            let (by, path) = (by.to_owned(), format!("/api/v1/users/{who}/deactivate"));
            let app = &app;
            async move { app.call(Method::POST, &path, Some(&by), None).await.0.as_u16() }
        };
        // Nobody deactivates themselves, nor someone of another tenant.
        assert_eq!(deactivate(&site.north_manager.token, &site.north_manager.id.to_string()).await, 403);
        assert_eq!(deactivate(&site.north_manager.token, &site.blue_host.id.to_string()).await, 403);
        assert_eq!(deactivate(&site.north_manager.token, &petra).await, 204);
        for token in [&session, &api] {
            assert_eq!(app.call(Method::GET, "/api/v1/me", Some(token), None).await.0, 401);
        }
        let (status, body) = app.call(Method::POST, "/api/v1/sessions", None, Some(json!({"email": "petra@tower.example", "password": "a long passphrase"}))).await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (401, Some("wrong_credentials")));
        let (_, people) = app.call(Method::GET, "/api/v1/users", Some(&site.manager.token), None).await;
        assert!(!people.to_string().contains("Petra New"), "gone from the directory");
        assert_eq!(deactivate(&site.north_manager.token, &petra).await, 204, "twice changes nothing");
    }
}

on_both_databases! {
    async fn api_tokens_are_listed_and_revoked_by_their_owner_or_the_facility_manager_and_expire(backend: Backend) {
        let Some(app) = TestApp::spawn_at(backend, Clock::fixed(at(9, 0))).await else { return };
        let site = Site::create(&app).await;
        let hanna = &site.north_host;
        for days in [json!(0), json!(366), json!("soon")] {
            let (status, body) = app.call(Method::POST, "/api/v1/api-tokens", Some(&hanna.token), Some(json!({"name": "x", "expires_in_days": days}))).await;
            assert_eq!(status, 422, "{days}: {body}");
        }
        let (status, created) = app.call(Method::POST, "/api/v1/api-tokens", Some(&hanna.token), Some(json!({"name": "HR import", "expires_in_days": 1}))).await;
        assert_eq!(status, 201, "{created}");
        let token = created["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("gha_"));
        assert_eq!(created["expires_at"], json!(at(9, 0) + TimeDelta::days(1)));
        // Not minted from another API token.
        let (status, _) = app.call(Method::POST, "/api/v1/api-tokens", Some(&token), Some(json!({"name": "copy"}))).await;
        assert_eq!(status, 403);
        // Listed for her (never the secret), not for a colleague; the facility manager sees all.
        let (_, mine) = app.call(Method::GET, "/api/v1/api-tokens", Some(&hanna.token), None).await;
        assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
        assert_eq!(mine[0]["name"], "HR import");
        assert!(!mine.to_string().contains(&token));
        let (_, theirs) = app.call(Method::GET, "/api/v1/api-tokens", Some(&site.north_host2.token), None).await;
        assert_eq!(theirs, json!([]));
        let (status, _) = app.call(Method::GET, &format!("/api/v1/api-tokens?user={}", hanna.id), Some(&site.north_host2.token), None).await;
        assert_eq!(status, 403);
        let (_, all) = app.call(Method::GET, "/api/v1/api-tokens", Some(&site.manager.token), None).await;
        assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
        // A colleague cannot revoke it; it works until it expires.
        let id = mine[0]["id"].as_str().unwrap();
        assert_eq!(app.call(Method::DELETE, &format!("/api/v1/api-tokens/{id}"), Some(&site.north_host2.token), None).await.0, 404);
        assert_eq!(app.call(Method::GET, "/api/v1/me", Some(&token), None).await.0, 200);
        app.clock.advance(TimeDelta::hours(25));
        assert_eq!(app.call(Method::GET, "/api/v1/me", Some(&token), None).await.0, 401, "expired");

        // Another, revoked by its owner: gone at once. A third, by the facility manager.
        for revoker in [&hanna.token, &site.manager.token] {
            let (_, created) = app.call(Method::POST, "/api/v1/api-tokens", Some(&hanna.token), Some(json!({"name": "again"}))).await;
            let token = created["token"].as_str().unwrap().to_owned();
            assert_eq!(app.call(Method::GET, "/api/v1/me", Some(&token), None).await.0, 200);
            let path = format!("/api/v1/api-tokens/{}", created["id"].as_str().unwrap());
            assert_eq!(app.call(Method::DELETE, &path, Some(revoker), None).await.0, 204);
            assert_eq!(app.call(Method::GET, "/api/v1/me", Some(&token), None).await.0, 401);
        }
    }
}

/// `POST /sessions` with `email` and `password`: the status and the `Retry-After` header.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Option<u64>) {
    let response = app
        .http
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let wait = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (response.status().as_u16(), wait)
}

on_both_databases! {
    async fn sign_in_is_throttled_per_account_and_per_address_with_retry_after(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        for (email, password) in [("petra@tower.example", "a long passphrase"), ("paul@tower.example", "another passphrase")] {
            let (status, _) = app.call(Method::POST, "/api/v1/users", Some(&site.north_manager.token), Some(json!({
                "display_name": email, "email": email, "occupancy_id": site.north, "password": password,
            }))).await;
            assert_eq!(status, 201);
        }
        for _ in 0..5 {
            assert_eq!(sign_in(&app, "petra@tower.example", "wrong password").await, (401, None));
        }
        // The account is held: even the right password waits.
        let (status, wait) = sign_in(&app, "petra@tower.example", "a long passphrase").await;
        assert_eq!(status, 429);
        assert!(wait.is_some_and(|seconds| (1..=900).contains(&seconds)), "{wait:?}");
        // Another account is not held …
        assert_eq!(sign_in(&app, "paul@tower.example", "another passphrase").await.0, 201);
        // … until this address has failed too often, whatever the emails.
        for n in 0..25 {
            assert_eq!(sign_in(&app, &format!("nobody{n}@tower.example"), "wrong password").await.0, 401);
        }
        assert_eq!(sign_in(&app, "paul@tower.example", "another passphrase").await.0, 429);
    }
}

on_both_databases! {
    async fn a_host_sees_only_their_own_organisations_people_and_no_roles_or_category_emails(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, people) = app.call(Method::GET, "/api/v1/users", Some(&site.north_host.token), None).await;
        assert_eq!(status, 200, "{people}");
        let names: Vec<&str> = people.as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap()).collect();
        assert!(names.contains(&"Hugo Host") && !names.contains(&"Bert Blue") && !names.contains(&"Fiona Manager"), "{names:?}");
        let (status, _) = app.call(Method::GET, &format!("/api/v1/users?occupancy={}", site.blue), Some(&site.north_host.token), None).await;
        assert_eq!(status, 403, "another tenant's staff and emails");
        let (_, roles) = app.call(Method::GET, "/api/v1/roles", Some(&site.north_host.token), None).await;
        assert_eq!(roles, json!([]));
        let (_, categories) = app.call(Method::GET, "/api/v1/categories", Some(&site.north_host.token), None).await;
        assert!(!categories.to_string().contains("@tower.example"), "{categories}");
        // Northwind's role administrator sees Northwind's roles, not Blue Harbor's.
        let (_, roles) = app.call(Method::GET, "/api/v1/roles", Some(&site.north_manager.token), None).await;
        assert!(roles.as_array().unwrap().iter().all(|r| r["scope"]["id"] == json!(site.north)), "{roles}");
        // The facility manager sees everyone and every address.
        let (_, everyone) = app.call(Method::GET, "/api/v1/users", Some(&site.manager.token), None).await;
        assert!(everyone.to_string().contains("Bert Blue"));
        let (_, categories) = app.call(Method::GET, "/api/v1/categories", Some(&site.manager.token), None).await;
        assert!(categories.to_string().contains("contractors@tower.example"));
    }
}

on_both_databases! {
    async fn nothing_crosses_from_one_facility_to_another(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        // A second building with its own manager and tenant, made through the operator's CLI path.
        let other = app.database.create_facility("Other Tower", "Elsewhere 1", chrono_tz::Europe::Berlin,
            chrono::NaiveTime::from_hms_opt(19, 0, 0).unwrap(), app.clock.now()).await.unwrap().id;
        let other_tenant = app.database.create_occupancy(other, "Other Co").await.unwrap();
        let stranger = app.database.create_user(gatehouse_cloud::store::NewUser {
            facility: other, occupancy: Some(other_tenant.id), display_name: "Sam Stranger",
            email: &gatehouse_core::Email::parse("sam@other.example").unwrap(), password_hash: None, language: gatehouse_core::Language::En,
        }, app.clock.now()).await.unwrap();
        let mine = app.invite(&site.north_host, invitation("guest", "Gina Guest", None)).await;
        let id = mine["id"].as_str().unwrap();

        // Tower's facility manager — who may do anything at Tower — reaches nothing of the other.
        let token = &site.manager.token;
        let (_, listed) = app.call(Method::GET, &format!("/api/v1/users?occupancy={}", other_tenant.id), Some(token), None).await;
        assert_eq!(listed, json!([]));
        let (_, everyone) = app.call(Method::GET, "/api/v1/users", Some(token), None).await;
        assert!(!everyone.to_string().contains("Sam Stranger"));
        let (_, occupancies) = app.call(Method::GET, "/api/v1/occupancies", Some(token), None).await;
        assert!(!occupancies.to_string().contains("Other Co"));
        for (method, path, body) in [
            (Method::POST, format!("/api/v1/users/{}/roles", stranger.id), Some(json!({"role_id": site.north_manager_role}))),
            (Method::POST, format!("/api/v1/users/{}/deactivate", stranger.id), None),
            (Method::GET, format!("/api/v1/users/{}/permissions", stranger.id), None),
            (Method::POST, "/api/v1/invitations".into(), Some(invitation("guest", "Gina Guest", Some(stranger.id)))),
        ] {
            let (status, answer) = app.call(method, &path, Some(token), body).await;
            assert_eq!(status, 404, "{path}: {answer}");
        }
        // And the other building's people see nothing of Tower's (they have a session too).
        let secret = gatehouse_cloud::auth::new_token("ghs_");
        app.database.store_access_token(&secret.hash, stranger.id, "session", None, app.clock.now(), None).await.unwrap();
        let (status, _) = app.call(Method::GET, &format!("/api/v1/invitations/{id}"), Some(&secret.secret), None).await;
        assert_eq!(status, 404);
        let (_, people) = app.call(Method::GET, "/api/v1/users", Some(&secret.secret), None).await;
        assert!(!people.to_string().contains("Hanna Host"), "{people}");
        let (status, _) = app.call(Method::GET, &format!("/api/v1/users?occupancy={}", site.north), Some(&secret.secret), None).await;
        assert_eq!(status, 403);
        let (_, invitations) = app.call(Method::GET, "/api/v1/invitations?scope=all", Some(&secret.secret), None).await;
        assert!(!invitations.to_string().contains("Gina Guest"));
    }
}
