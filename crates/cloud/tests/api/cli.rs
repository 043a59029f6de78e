//! The `gatehouse-cloud` command line: bad input gets a clear error and changes nothing.

use std::process::Command;

fn cloud() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse-cloud"));
    command.env_remove("DATABASE_URL").env("RUST_LOG", "off");
    command
}

#[test]
fn migrate_creates_the_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.db");
    let output = cloud()
        .arg("migrate")
        .arg("--database")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(file.is_file());
}

#[test]
fn unsupported_database_url_is_refused_by_name() {
    let output = cloud()
        .args(["migrate", "--database", "mysql://root@localhost/gatehouse"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unsupported database URL"), "{stderr}");
    assert!(stderr.contains("postgres://"), "{stderr}");
}

#[test]
fn bad_bind_address_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("untouched.db");
    let output = cloud()
        .args(["serve", "--bind", "localhost:eighty", "--database"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--bind"), "{stderr}");
    assert!(
        !file.exists(),
        "a database was created for a refused command"
    );
}

#[test]
fn demo_with_a_broken_file_names_the_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo.json");
    std::fs::write(&data, "{\"facility\": 3}").unwrap();
    let file = dir.path().join("demo.db");
    let output = cloud()
        .arg("demo")
        .arg("--data")
        .arg(&data)
        .arg("--database")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the demo data is not valid"), "{stderr}");
    assert!(
        !file.exists(),
        "a database was created for invalid demo data"
    );
}

fn admin(database: &std::path::Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write as _;
    let mut child = cloud()
        .arg("admin")
        .arg("--database")
        .arg(database)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

/// The command's standard output, trimmed, after checking that it succeeded.
fn ok(output: std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// The facility Harbour Point, created through the CLI in `database`.
fn harbour_point(database: &std::path::Path) {
    ok(admin(
        database,
        &[
            "create-facility",
            "--name",
            "Harbour Point",
            "--address",
            "Hafenstraße 12",
            "--time-zone",
            "Europe/Berlin",
            "--end-of-day",
            "19:00",
        ],
        None,
    ));
}

#[test]
fn admin_sets_up_a_site_from_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let facility = ["--facility", "Harbour Point"];
    harbour_point(&db);
    ok(admin(
        &db,
        &[
            "create-occupancy",
            facility[0],
            facility[1],
            "--name",
            "Northwind Labs",
        ],
        None,
    ));
    let user = ok(admin(
        &db,
        &[
            "create-user",
            facility[0],
            facility[1],
            "--occupancy",
            "Northwind Labs",
            "--name",
            "Ada Lindqvist",
            "--email",
            "ada@northwind.example",
            "--password-stdin",
        ],
        Some("a long passphrase\n"),
    ));
    assert_eq!(user.len(), 36, "prints the new person's id: {user}");
    let role = ok(admin(
        &db,
        &[
            "create-role",
            facility[0],
            facility[1],
            "--occupancy",
            "Northwind Labs",
            "--preset",
            "visitor_invitation_all",
        ],
        None,
    ));
    ok(admin(
        &db,
        &[
            "assign-role",
            "--email",
            "ada@northwind.example",
            "--role",
            &role,
        ],
        None,
    ));
}

#[test]
fn admin_refuses_an_occupancy_role_for_someone_of_another_occupancy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let facility = ["--facility", "Harbour Point"];
    harbour_point(&db);
    ok(admin(
        &db,
        &[
            "create-occupancy",
            facility[0],
            facility[1],
            "--name",
            "Northwind Labs",
        ],
        None,
    ));
    let role = ok(admin(
        &db,
        &[
            "create-role",
            facility[0],
            facility[1],
            "--occupancy",
            "Northwind Labs",
            "--preset",
            "visitor_invitation_only",
        ],
        None,
    ));
    ok(admin(
        &db,
        &[
            "create-occupancy",
            facility[0],
            facility[1],
            "--name",
            "Blue Harbor Legal",
        ],
        None,
    ));
    ok(admin(
        &db,
        &[
            "create-user",
            facility[0],
            facility[1],
            "--occupancy",
            "Blue Harbor Legal",
            "--name",
            "Bert Blue",
            "--email",
            "bert@blueharbor.example",
        ],
        None,
    ));
    let refused = admin(
        &db,
        &[
            "assign-role",
            "--email",
            "bert@blueharbor.example",
            "--role",
            &role,
        ],
        None,
    );
    assert!(
        !refused.status.success(),
        "Northwind's role went to Blue Harbor"
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("an occupancy's role can only be given to people of that occupancy"),
        "{stderr}"
    );
}

#[test]
fn admin_refuses_bad_input_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    for (args, says) in [
        (
            vec!["create-occupancy", "--facility", "Nowhere", "--name", "X"],
            "there is no facility named \"Nowhere\"",
        ),
        (
            vec![
                "create-facility",
                "--name",
                "A",
                "--address",
                "B",
                "--time-zone",
                "Mars/Olympus",
                "--end-of-day",
                "19:00",
            ],
            "Mars/Olympus",
        ),
        (
            vec![
                "create-facility",
                "--name",
                "A",
                "--address",
                "B",
                "--time-zone",
                "UTC",
                "--end-of-day",
                "7pm",
            ],
            "is not a time like 19:00",
        ),
        (
            vec![
                "create-role",
                "--facility",
                "A",
                "--permissions",
                "visitor_invitation,fly",
            ],
            "\"fly\" is not a permission",
        ),
        (
            vec![
                "assign-role",
                "--email",
                "nobody@example.com",
                "--role",
                "0190d3c4-0000-7000-8000-000000000000",
            ],
            "there is no person nobody@example.com",
        ),
    ] {
        let output = admin(&db, &args, None);
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn admin_kiosk_code_prints_a_code_that_enrolls_one_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    harbour_point(&db);
    let issued = admin(
        &db,
        &[
            "kiosk-code",
            "--facility",
            "Harbour Point",
            "--name",
            "Lobby",
        ],
        None,
    );
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let code = String::from_utf8(issued.stdout).unwrap().trim().to_owned();
    assert!(code.starts_with("GK-") && code.len() == 17, "{code}");
    assert!(
        String::from_utf8_lossy(&issued.stderr)
            .contains("enrolls one kiosk called \"Lobby\" in Harbour Point until")
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = gatehouse_cloud::DatabaseUrl::Sqlite(db.clone());
        let database = gatehouse_cloud::Database::connect(&url).await.unwrap();
        let cloud = gatehouse_cloud::Cloud::new(
            database,
            gatehouse_cloud::Clock::System,
            "https://gatehouse.test".into(),
            gatehouse_cloud::keys::KeySecret::from_file(&db.with_extension("key")).unwrap(),
        );
        let enrolled = gatehouse_cloud::sync::enrollment::enroll(&cloud, &code)
            .await
            .unwrap();
        assert_eq!(enrolled.identity.facility_name, "Harbour Point");
        assert!(
            gatehouse_cloud::sync::enrollment::enroll(&cloud, &code)
                .await
                .is_err(),
            "single use"
        );
    });

    for (args, expected) in [
        (
            vec!["kiosk-code", "--facility", "Nowhere", "--name", "Lobby"],
            "Nowhere",
        ),
        (
            vec!["kiosk-code", "--facility", "Harbour Point", "--name", ""],
            "the kiosk's name",
        ),
        (
            vec![
                "kiosk-code",
                "--facility",
                "Harbour Point",
                "--name",
                "Lobby",
                "--valid-hours",
                "500",
            ],
            "500",
        ),
    ] {
        let output = admin(&db, &args, None);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn keys_live_in_an_owner_only_key_file_rotate_and_garbage_is_no_credential() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    harbour_point(&db);
    // The first key is made on first use, sealed under the key file beside the database; the
    // rotation makes the second.
    assert_eq!(ok(admin(&db, &["rotate-key"], None)), "2");
    let key_file = dir.path().join("site.key");
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "made readable by its owner only");
    assert_eq!(ok(admin(&db, &["rotate-key"], None)), "3");

    let verify = |token: &str| {
        cloud()
            .args(["credential", "--database"])
            .arg(&db)
            .args(["verify", token])
            .output()
            .unwrap()
    };
    let garbage = verify("GHC2.not.a-credential");
    assert!(!garbage.status.success());
    let printed = String::from_utf8_lossy(&garbage.stdout);
    assert!(printed.contains("\"refusal\": \"malformed\""), "{printed}");
    let said = String::from_utf8_lossy(&garbage.stderr);
    assert!(
        said.contains("refused: this is not a Gatehouse credential"),
        "{said}"
    );

    // A key file others may read is refused, and nothing is done.
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = admin(&db, &["rotate-key"], None);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("chmod 600"), "{said}");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        ok(admin(&db, &["rotate-key"], None)),
        "4",
        "the refused run made no key"
    );
    // Another secret cannot open the keys.
    let stranger = cloud()
        .args(["admin", "--database"])
        .arg(&db)
        .arg("rotate-key")
        .env(
            "GATEHOUSE_KEY_SECRET",
            "b3V0Ym94LWtpbGxlZC10ZXN0LXNlY3JldC0zMmJ5dGU",
        )
        .output()
        .unwrap();
    assert!(!stranger.status.success());
    let said = String::from_utf8_lossy(&stranger.stderr);
    assert!(
        said.contains("does not open with this key secret"),
        "{said}"
    );
    assert_eq!(
        ok(admin(&db, &["rotate-key"], None)),
        "5",
        "the stranger added none"
    );
}
