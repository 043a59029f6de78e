//! The audit log, on SQLite and PostgreSQL: every visit's history is append-only and
//! hash-chained per facility; `gatehouse-cloud audit verify` names any entry edited, inserted
//! or deleted behind the cloud's back, and `audit export` hands the chain to a review.

use std::process::{Command, Output};

use gatehouse_testsupport::on_both_databases;
use serde_json::Value;

use crate::support::{Backend, Site, TestApp, invitation};

fn audit(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatehouse-cloud"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "off")
        .arg("audit")
        .arg("--database")
        .arg(app.database_url())
        .args(args)
        .output()
        .expect("the command runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A facility with some history: a contractor invited, approved, and a guest invited.
async fn site_with_history(backend: Backend) -> Option<(TestApp, Site)> {
    let app = TestApp::spawn(backend).await?;
    let site = Site::create(&app).await;
    let contractor = app
        .invite(
            &site.north_host,
            invitation("contractor", "Carla Contractor", None),
        )
        .await;
    let (status, body) = app
        .decide(&site.north_admin, &contractor["id"], "approve", None)
        .await;
    assert_eq!(status, 200, "{body}");
    app.invite(&site.north_host, invitation("guest", "Gina Guest", None))
        .await;
    Some((app, site))
}

/// The entries of the facility's exported chain (JSON lines).
fn exported(app: &TestApp, site: &Site) -> Vec<Value> {
    let facility = site.facility.to_string();
    let output = audit(
        app,
        &["export", "--facility", &facility, "--format", "json"],
    );
    assert!(output.status.success(), "{output:?}");
    stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON entry per line"))
        .collect()
}

on_both_databases! {
    async fn tampered_audit_row_is_detected(backend: Backend) {
        let Some((app, site)) = site_with_history(backend).await else { return };
        let verified = audit(&app, &["verify"]);
        assert!(verified.status.success(), "{verified:?}");
        assert!(stdout(&verified).contains("3 entries, chain intact"), "{}", stdout(&verified));

        // The cloud's own database refuses an edit...
        let refused = app.execute("UPDATE invitation_events SET reason = 'nothing happened'").await;
        assert!(refused.unwrap_err().to_string().contains("append-only"));

        // ...but whoever holds the database's password can take the guard away.
        let entries = exported(&app, &site);
        let approval = entries.iter().find(|e| e["action"] == "approve").expect("the approval");
        let approval_id = approval["id"].as_str().unwrap().to_owned();
        let (drop_guard, new_id) = match backend {
            Backend::Sqlite => ("DROP TRIGGER invitation_events_append_only", "randomblob(16)"),
            Backend::Postgres => (
                "DROP TRIGGER invitation_events_append_only ON invitation_events",
                "gen_random_uuid()",
            ),
        };
        app.execute(drop_guard).await.expect("the guard can be dropped");
        app.execute(&format!(
            "UPDATE invitation_events SET reason = 'approved by the CEO' WHERE seq = {}",
            approval["seq"]
        ))
        .await
        .unwrap();
        let edited = audit(&app, &["verify"]);
        assert!(!edited.status.success());
        let report = stdout(&edited);
        assert!(report.contains(&format!("entry 2 ({approval_id}) was edited")), "{report}");
        assert!(String::from_utf8_lossy(&edited.stderr).contains("tampered"));
        app.execute(&format!("UPDATE invitation_events SET reason = NULL WHERE seq = {}", approval["seq"]))
            .await
            .unwrap();
        assert!(audit(&app, &["verify"]).status.success(), "put back as it was, the chain is whole");

        // A forged entry added after the newest one.
        app.execute(&format!(
            "INSERT INTO invitation_events (id, invitation_id, action, to_status, at, facility_id, \
               seq, prev_hash, hash) SELECT {new_id}, invitation_id, 'approve', 'approved', at, \
               facility_id, 4, hash, hash FROM invitation_events WHERE seq = 3"
        ))
        .await
        .unwrap();
        let report = stdout(&audit(&app, &["verify"]));
        assert!(report.contains("entry 4 ("), "{report}");
        assert!(report.contains("the chain ends at entry 4 but its head says 3"), "{report}");
        app.execute("DELETE FROM invitation_events WHERE seq = 4").await.unwrap();

        // Entries deleted from the middle, and from the end, are found where they were.
        app.execute("DELETE FROM invitation_events WHERE seq = 2").await.unwrap();
        let report = stdout(&audit(&app, &["verify"]));
        assert!(report.contains("entries 2..2 are missing"), "{report}");
        app.execute("DELETE FROM invitation_events WHERE seq = 3").await.unwrap();
        let report = stdout(&audit(&app, &["verify"]));
        assert!(report.contains("the chain ends at entry 1 but its head says 3"), "{report}");
    }
}

on_both_databases! {
    async fn the_exported_audit_log_carries_its_chain(backend: Backend) {
        let Some((app, site)) = site_with_history(backend).await else { return };
        let entries = exported(&app, &site);
        assert_eq!(
            entries.iter().map(|e| e["action"].as_str().unwrap()).collect::<Vec<_>>(),
            ["create", "approve", "create"]
        );
        assert_eq!(entries[0]["prev_hash"], "0".repeat(64));
        for pair in entries.windows(2) {
            assert_eq!(pair[1]["prev_hash"], pair[0]["hash"], "each entry chains to the one before");
        }
        let facility = site.facility.to_string();
        let csv = audit(&app, &["export", "--facility", &facility, "--format", "csv"]);
        assert!(csv.status.success(), "{csv:?}");
        let csv = stdout(&csv);
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().ends_with(",prev_hash,hash"));
        assert_eq!(lines.count(), 3);
        assert!(csv.contains(entries[1]["hash"].as_str().unwrap()));

        let unknown = audit(&app, &["export", "--facility", "north"]);
        assert!(!unknown.status.success());
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("is not a facility id"));
    }
}

on_both_databases! {
    async fn history_written_before_the_chain_is_chained_when_the_cloud_starts(backend: Backend) {
        let Some((app, site)) = site_with_history(backend).await else { return };
        // An entry as the cloud wrote them before its history was chained.
        let new_id = match backend {
            Backend::Sqlite => "randomblob(16)",
            Backend::Postgres => "gen_random_uuid()",
        };
        app.execute(&format!(
            "INSERT INTO invitation_events (id, invitation_id, action, from_status, to_status, at) \
             SELECT {new_id}, invitation_id, 'cancel', 'pending', 'cancelled', at \
             FROM invitation_events WHERE seq = 3"
        ))
        .await
        .unwrap();
        app.database.migrate().await.expect("the cloud starts");
        let entries = exported(&app, &site);
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[3]["action"], "cancel");
        assert_eq!(entries[3]["prev_hash"], entries[2]["hash"]);
        let verified = audit(&app, &["verify"]);
        assert!(stdout(&verified).contains("4 entries, chain intact"), "{verified:?}");
        assert_eq!(app.rows_in("invitation_events").await, 4, "the unchained entry is replaced, not copied");
    }
}
