//! The kiosk and the cloud as Debian packages: built with cargo-deb from the binaries the test
//! command built, installed on this machine with dpkg, and started as installed — the cloud the
//! way its systemd unit starts it (its user, its settings file, its data directory), answering
//! `/health` and serving the portal; the kiosk under Xvfb, showing its welcome screen.

use std::{
    collections::HashMap,
    os::unix::process::CommandExt as _,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use anyhow::{Context as _, bail, ensure};
use gatehouse_e2e::{Kiosk, Settings, repo_root};

/// Runs `program args`, failing with what it said unless it succeeds.
fn run(program: &str, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(repo_root())
        .output()
        .with_context(|| format!("{program} cannot be started"))?;
    ensure!(
        output.status.success(),
        "{program} {}: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Builds the Debian package of `package` from the binaries already built (debug, as the test
/// command builds them) into `folder`.
fn package(package: &str, folder: &Path) -> anyhow::Result<PathBuf> {
    let out = folder.join(format!("{package}.deb"));
    let out_text = out.to_str().context("a UTF-8 path")?;
    run(
        "cargo",
        &[
            "deb",
            "-p",
            package,
            "--no-build",
            "--profile",
            "dev",
            "--no-strip",
            "-o",
            out_text,
        ],
    )?;
    Ok(out)
}

/// `KEY=VALUE` lines of a settings file, comments and blanks left out.
fn settings_file(path: &str) -> anyhow::Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{path} is installed"))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect())
}

/// The value of `key=` in a systemd unit.
fn unit_setting(unit: &str, key: &str) -> anyhow::Result<String> {
    unit.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
        .map(str::to_owned)
        .with_context(|| format!("the unit sets {key}"))
}

fn purge() {
    let _ = Command::new("dpkg")
        .args(["--purge", "gatehouse-kiosk", "gatehouse-cloud"])
        .output();
}

#[tokio::test(flavor = "multi_thread")]
async fn both_packages_install_and_start_as_installed() -> anyhow::Result<()> {
    if run("id", &["-u"])?.trim() != "0" {
        bail!("installing packages needs root: run the test command as root (CI does)");
    }
    let folder = tempfile::tempdir()?;
    let kiosk_deb = package("gatehouse-kiosk-app", folder.path())?;
    let cloud_deb = package("gatehouse-cloud", folder.path())?;
    // What each package holds.
    let contents = run(
        "dpkg-deb",
        &["--contents", kiosk_deb.to_str().context("UTF-8")?],
    )?;
    for file in [
        "./usr/bin/gatehouse-kiosk",
        "./lib/systemd/system/gatehouse-kiosk.service",
        "./etc/gatehouse/kiosk.env",
    ] {
        ensure!(
            contents.contains(file),
            "the kiosk package has no {file}: {contents}"
        );
    }
    let contents = run(
        "dpkg-deb",
        &["--contents", cloud_deb.to_str().context("UTF-8")?],
    )?;
    for file in [
        "./usr/bin/gatehouse-cloud",
        "./lib/systemd/system/gatehouse-cloud.service",
        "./etc/gatehouse/cloud.env",
        "./usr/share/gatehouse/ui/portal.html",
    ] {
        ensure!(
            contents.contains(file),
            "the cloud package has no {file}: {contents}"
        );
    }

    // A clean install, as on a new machine.
    purge();
    let _ = std::fs::remove_dir_all("/var/lib/gatehouse");
    run(
        "dpkg",
        &[
            "-i",
            cloud_deb.to_str().context("UTF-8")?,
            kiosk_deb.to_str().context("UTF-8")?,
        ],
    )?;
    let outcome = installed().await;
    purge();
    outcome
}

async fn installed() -> anyhow::Result<()> {
    // The kiosk's session: cage on the console, started on boot, started again when it stops.
    let unit = std::fs::read_to_string("/lib/systemd/system/gatehouse-kiosk.service")?;
    let exec = unit_setting(&unit, "ExecStart")?;
    ensure!(
        exec.starts_with("/usr/bin/cage ") && exec.ends_with(" /usr/bin/gatehouse-kiosk"),
        "{exec}"
    );
    ensure!(unit_setting(&unit, "Restart")? == "always");
    ensure!(
        Path::new("/etc/systemd/system/graphical.target.wants/gatehouse-kiosk.service").exists(),
        "the kiosk session is enabled for the next boot"
    );
    run("id", &["gatehouse-kiosk"])?;

    // The cloud as its unit starts it: its user, its settings, its data directory.
    let unit = std::fs::read_to_string("/lib/systemd/system/gatehouse-cloud.service")?;
    let user = unit_setting(&unit, "User")?;
    let exec = unit_setting(&unit, "ExecStart")?;
    let mut settings = settings_file(&unit_setting(&unit, "EnvironmentFile")?)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    settings.insert("GATEHOUSE_BIND".into(), format!("127.0.0.1:{port}"));
    let mut words = exec.split_whitespace();
    let program = words.next().context("a program")?;
    let uid: u32 = run("id", &["-u", &user])?.trim().parse()?;
    let gid: u32 = run("id", &["-g", &user])?.trim().parse()?;
    let mut cloud = Command::new(program)
        .args(words)
        .uid(uid)
        .gid(gid)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .envs(&settings)
        .current_dir(unit_setting(&unit, "WorkingDirectory")?)
        .spawn()?;
    let health = format!("http://127.0.0.1:{port}/health");
    let mut answered = None;
    for _ in 0..100 {
        if let Ok(response) = reqwest::get(&health).await {
            answered = Some(response.json::<serde_json::Value>().await?);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let portal = reqwest::get(format!("http://127.0.0.1:{port}/portal")).await;
    let _ = cloud.kill();
    let _ = cloud.wait();
    let answered = answered.context("the installed cloud never answered /health")?;
    ensure!(
        answered["status"] == "ok" && answered["database"] == "sqlite",
        "{answered}"
    );
    ensure!(
        portal?.status() == 200,
        "the installed cloud serves the portal"
    );
    ensure!(
        Path::new("/var/lib/gatehouse/gatehouse.db").exists(),
        "its database is in its data directory"
    );

    // The installed kiosk, under Xvfb: its welcome screen.
    let settings = Settings {
        app: Some(PathBuf::from("/usr/bin/gatehouse-kiosk")),
        ..Settings::default()
    };
    Kiosk::run_with(&settings, async |kiosk| {
        kiosk.expect_text("#welcome-title", "Welcome").await?;
        kiosk.screenshot("installed").await?;
        Ok(())
    })
    .await;
    Ok(())
}
