//! Every rule of the seed "roles and permissions", through the HTTP API of a real cloud — on
//! SQLite and on PostgreSQL.

use crate::support::{Backend, Site, TestApp, at, invitation};
use gatehouse_testsupport::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};

async fn site(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    Some((app, site))
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["visitor_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

on_both_databases! {
    async fn visitor_invitation_only_creates_and_sees_own_invitations(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        app.invite(&site.north_host, invitation("guest", "Own Guest", None)).await;
        app.invite(&site.north_host2, invitation("guest", "Colleague Guest", None)).await;
        let (status, list) = app.call(Method::GET, "/api/v1/invitations", Some(&site.north_host.token), None).await;
        assert_eq!(status, 200);
        assert_eq!(names(&list), ["Own Guest"]);
    }
}

on_both_databases! {
    async fn naming_another_host_needs_invite_for_others(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, body) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token),
            Some(invitation("guest", "Sofia Rossi", Some(site.north_host2.id)))).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["message"], "not allowed: this needs the invite_for_others permission");
        let created = app.invite(&site.north_assistant, invitation("guest", "Sofia Rossi", Some(site.north_host2.id))).await;
        assert_eq!(created["host_name"], "Hugo Host");
        // Both the host and the assistant who created it see it.
        for person in [&site.north_host2, &site.north_assistant] {
            let (_, list) = app.call(Method::GET, "/api/v1/invitations?scope=mine", Some(&person.token), None).await;
            assert_eq!(names(&list), ["Sofia Rossi"]);
        }
    }
}

on_both_databases! {
    async fn all_visitor_requests_sees_only_its_scope(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        app.invite(&site.north_host, invitation("guest", "North Guest", None)).await;
        app.invite(&site.blue_host, invitation("guest", "Blue Guest", None)).await;
        let (_, north) = app.call(Method::GET, "/api/v1/invitations", Some(&site.north_manager.token), None).await;
        assert_eq!(names(&north), ["North Guest"], "an occupancy role sees its occupancy only");
        let (_, everything) = app.call(Method::GET, "/api/v1/invitations", Some(&site.reception.token), None).await;
        assert_eq!(names(&everything), ["Blue Guest", "North Guest"], "a facility role sees the facility");
        let (_, mine) = app.call(Method::GET, "/api/v1/invitations?scope=mine", Some(&site.north_manager.token), None).await;
        assert_eq!(names(&mine), Vec::<String>::new());
    }
}

on_both_databases! {
    async fn window_past_end_of_day_needs_permission(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let mut late = invitation("guest", "Late Guest", None);
        late["window"] = json!({"starts_at": at(17, 0), "ends_at": at(20, 0)});
        let (status, body) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token), Some(late.clone())).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["message"], "not allowed: this needs the can_exceed_end_of_day permission");
        let mut until_closing = late.clone();
        until_closing["window"]["ends_at"] = json!(at(19, 0));
        app.invite(&site.north_host, until_closing).await;
        app.invite(&site.north_assistant, late).await;
    }
}

on_both_databases! {
    async fn permissions_of_two_roles_combine(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, role) = app.call(Method::POST, "/api/v1/roles", Some(&site.manager.token), Some(json!({
            "scope": {"kind": "occupancy", "id": site.north}, "name": "Assistant extra", "permissions": ["invite_for_others"],
        }))).await;
        assert_eq!(status, 201, "{role}");
        let path = format!("/api/v1/users/{}/roles", site.north_host.id);
        let (status, _) = app.call(Method::POST, &path, Some(&site.manager.token), Some(json!({"role_id": role["id"]}))).await;
        assert_eq!(status, 204);
        let (_, permissions) = app.call(Method::GET, &format!("/api/v1/users/{}/permissions", site.north_host.id), Some(&site.north_host.token), None).await;
        assert_eq!(permissions, json!([{"scope": {"kind": "occupancy", "id": site.north}, "permissions": ["visitor_invitation", "invite_for_others"]}]));
        app.invite(&site.north_host, invitation("guest", "For Hugo", Some(site.north_host2.id))).await;
    }
}

on_both_databases! {
    async fn role_given_takes_effect_on_the_very_next_request(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let for_hugo = || invitation("guest", "For Hugo", Some(site.north_host2.id));
        let (status, _) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token), Some(for_hugo())).await;
        assert_eq!(status, 403, "a host may not invite for others yet");
        let (_, role) = app.call(Method::POST, "/api/v1/roles", Some(&site.manager.token), Some(json!({
            "scope": {"kind": "occupancy", "id": site.north}, "name": "Assistant extra", "permissions": ["invite_for_others"],
        }))).await;
        let path = format!("/api/v1/users/{}/roles", site.north_host.id);
        let (status, _) = app.call(Method::POST, &path, Some(&site.manager.token), Some(json!({"role_id": role["id"]}))).await;
        assert_eq!(status, 204);
        let (status, body) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_host.token), Some(for_hugo())).await;
        assert_eq!(status, 201, "the new role was not in force: {body}");
    }
}

on_both_databases! {
    async fn occupancy_role_acts_only_inside_its_occupancy(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, _) = app.call(Method::POST, "/api/v1/invitations", Some(&site.north_assistant.token),
            Some(invitation("guest", "Sofia Rossi", Some(site.blue_host.id)))).await;
        assert_eq!(status, 403);
    }
}

on_both_databases! {
    async fn facility_role_spans_all_occupancies(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        app.invite(&site.manager, invitation("guest", "North Guest", Some(site.north_host.id))).await;
        app.invite(&site.manager, invitation("guest", "Blue Guest", Some(site.blue_host.id))).await;
    }
}

on_both_databases! {
    async fn role_admin_cannot_grant_permission_they_lack(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let scope = json!({"kind": "occupancy", "id": site.north});
        let (status, body) = app.call(Method::POST, "/api/v1/roles", Some(&site.north_manager.token), Some(json!({
            "scope": scope, "name": "Super host", "permissions": ["visitor_invitation", "approve_invitations"],
        }))).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["message"], "not allowed: a role administrator may only grant permissions they hold themselves; missing: approve_invitations");
        let (status, role) = app.call(Method::POST, "/api/v1/roles", Some(&site.north_manager.token), Some(json!({
            "scope": scope, "name": "Front desk helper", "permissions": ["visitor_invitation", "all_visitor_requests"],
        }))).await;
        assert_eq!(status, 201, "{role}");
        let (status, _) = app.call(Method::POST, &format!("/api/v1/users/{}/roles", site.north_host.id),
            Some(&site.north_manager.token), Some(json!({"role_id": role["id"]}))).await;
        assert_eq!(status, 204, "a role administrator assigns their sub-role in their occupancy");
    }
}

on_both_databases! {
    async fn role_admin_assigns_their_own_role_within_their_occupancy_only(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let assign = |to: gatehouse_core::UserId| format!("/api/v1/users/{to}/roles");
        let role = json!({"role_id": site.north_manager_role});
        let (status, _) = app.call(Method::POST, &assign(site.north_host.id), Some(&site.north_manager.token), Some(role.clone())).await;
        assert_eq!(status, 204);
        let (status, body) = app.call(Method::POST, &assign(site.blue_host.id), Some(&site.north_manager.token), Some(role)).await;
        assert_eq!(status, 403, "{body}");
    }
}

on_both_databases! {
    async fn occupancy_role_cannot_be_assigned_in_other_occupancy(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, body) = app.call(Method::POST, &format!("/api/v1/users/{}/roles", site.blue_host.id),
            Some(&site.manager.token), Some(json!({"role_id": site.north_manager_role}))).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["message"], "not allowed: an occupancy's role can only be given to people of that occupancy");
    }
}

on_both_databases! {
    async fn presets_are_created_in_one_step(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, role) = app.call(Method::POST, "/api/v1/roles", Some(&site.manager.token), Some(json!({
            "scope": {"kind": "occupancy", "id": site.blue}, "preset": "visitor_invitation_all",
        }))).await;
        assert_eq!(status, 201, "{role}");
        assert_eq!(role["name"], "Visitor Invitation All");
        assert_eq!(role["permissions"], json!(["visitor_invitation", "invite_for_others", "all_visitor_requests", "can_exceed_end_of_day"]));
        let (status, role) = app.call(Method::POST, "/api/v1/roles", Some(&site.manager.token), Some(json!({
            "scope": {"kind": "occupancy", "id": site.blue}, "preset": "visitor_invitation_only",
        }))).await;
        assert_eq!(status, 201);
        assert_eq!(role["permissions"], json!(["visitor_invitation"]));
    }
}

on_both_databases! {
    async fn signing_in_with_a_password_gives_a_session_that_signing_out_ends(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let (status, _) = app.call(Method::POST, "/api/v1/users", Some(&site.north_manager.token), Some(json!({
            "display_name": "Petra New", "email": "petra@tower.example", "occupancy_id": site.north, "password": "a long passphrase",
        }))).await;
        assert_eq!(status, 201);
        let (status, body) = app.call(Method::POST, "/api/v1/sessions", None, Some(json!({"email": "petra@tower.example", "password": "wrong one!!"}))).await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (401, Some("wrong_credentials")));
        let (status, signed_in) = app.call(Method::POST, "/api/v1/sessions", None, Some(json!({"email": "PETRA@tower.example".to_lowercase(), "password": "a long passphrase"}))).await;
        assert_eq!(status, 201, "{signed_in}");
        let token = signed_in["token"].as_str().unwrap();
        let (status, me) = app.call(Method::GET, "/api/v1/me", Some(token), None).await;
        assert_eq!(status, 200);
        assert_eq!(me["user"]["display_name"], "Petra New");
        assert_eq!(me["facility"]["name"], "Test Tower");
        assert_eq!(me["permissions"], json!([]));
        assert_eq!(app.call(Method::DELETE, "/api/v1/sessions/current", Some(token), None).await.0, 204);
        assert_eq!(app.call(Method::GET, "/api/v1/me", Some(token), None).await.0, 401);
    }
}

on_both_databases! {
    async fn only_the_facility_manager_configures_categories(backend: Backend) {
        let Some((app, site)) = site(backend).await else { return };
        let body = json!({"enabled": true, "needs_approval": true, "email": null});
        let (status, _) = app.call(Method::PUT, "/api/v1/categories/auditor", Some(&site.north_manager.token), Some(body.clone())).await;
        assert_eq!(status, 403);
        let (status, category) = app.call(Method::PUT, "/api/v1/categories/auditor", Some(&site.manager.token), Some(body)).await;
        assert_eq!(status, 200, "{category}");
        let (_, categories) = app.call(Method::GET, "/api/v1/categories", Some(&site.north_host.token), None).await;
        let auditor = categories.as_array().unwrap().iter().find(|c| c["kind"] == "auditor").unwrap();
        assert_eq!((auditor["enabled"].as_bool(), auditor["needs_approval"].as_bool()), (Some(true), Some(true)));
    }
}
