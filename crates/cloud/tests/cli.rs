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
