//! The kiosk app's cold start and idle memory: the real binary under Xvfb, from process start
//! until the welcome screen has asked for the kiosk's status (it does so once it is shown), five
//! times; then its resident memory, with the web engine's own processes, after 5 s idle. The
//! peer, in the same run on the same display: WebKitGTK's own `MiniBrowser` showing the kiosk's
//! built page, idle as long — the floor any WebKitGTK app pays — and the ratio.
//!
//! `cargo build --release -p gatehouse-kiosk-app && cargo bench -p gatehouse-e2e --bench startup`
//! (measures the debug build if there is no release build, and says so).

use std::{
    io::{BufRead as _, BufReader},
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::Context as _;

const RUNS: usize = 5;

fn main() -> anyhow::Result<()> {
    let (binary, profile) = kiosk_binary()?;
    let display = ":97";
    let mut xvfb = Command::new("Xvfb")
        .args([display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stderr(Stdio::null())
        .spawn()?;
    std::thread::sleep(Duration::from_millis(500));
    let result = measure(&binary, display);
    let peer = mini_browser(display);
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    let (mut starts, rss) = result?;
    let peer = peer?;
    starts.sort_by(f64::total_cmp);
    println!("\n| kiosk ({profile} build) | value |");
    println!("|---|---|");
    println!(
        "| cold start to first screen, median of {RUNS} | {:.0} ms |",
        starts[RUNS / 2]
    );
    println!(
        "| cold start to first screen, slowest | {:.0} ms |",
        starts[RUNS - 1]
    );
    println!("| idle memory (resident, app + WebKit processes) | {rss:.0} MB |");
    println!("| peer: WebKitGTK MiniBrowser with the same page, idle memory | {peer:.0} MB |");
    println!("| idle memory ÷ peer | {:.2} |", rss / peer);
    Ok(())
}

/// The resident memory of WebKitGTK's `MiniBrowser` showing `ui/dist/index.html`, with its web
/// engine's processes, after 5 s idle.
fn mini_browser(display: &str) -> anyhow::Result<f64> {
    let browser = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    anyhow::ensure!(page.is_file(), "build the UI first: npm run build in ui/");
    let mut peer = Command::new(browser)
        .env("DISPLAY", display)
        .arg(format!("file://{}", page.canonicalize()?.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("{browser} (Debian's libwebkit2gtk-4.1-0)"))?;
    std::thread::sleep(Duration::from_secs(6));
    let rss = resident_megabytes(peer.id());
    let _ = peer.kill();
    let _ = peer.wait();
    Ok(rss)
}

fn kiosk_binary() -> anyhow::Result<(PathBuf, &'static str)> {
    // The bench runs as <target>/release/deps/startup-<hash>.
    let target = std::env::current_exe()?
        .parent()
        .and_then(|deps| deps.parent())
        .and_then(|profile| profile.parent())
        .context("the bench is not in a cargo target folder")?
        .to_path_buf();
    for (profile, name) in [("release", "release"), ("debug", "debug")] {
        let binary = target.join(profile).join("gatehouse-kiosk");
        if binary.is_file() {
            return Ok((binary, name));
        }
    }
    let shared = std::env::var("HOME")
        .map(|home| PathBuf::from(home).join(".cache/gatehouse/target/debug/gatehouse-kiosk"))?;
    anyhow::ensure!(
        shared.is_file(),
        "build the kiosk first: cargo build -p gatehouse-kiosk-app"
    );
    Ok((shared, "debug"))
}

fn measure(binary: &PathBuf, display: &str) -> anyhow::Result<(Vec<f64>, f64)> {
    let mut starts = Vec::new();
    let mut rss = 0.0;
    for run in 0..RUNS {
        let data = tempfile::tempdir()?;
        let started = Instant::now();
        let mut kiosk = Command::new(binary)
            .env("DISPLAY", display)
            .env("GATEHOUSE_KIOSK_DATA", data.path())
            .env("GATEHOUSE_CLOUD_URL", "http://127.0.0.1:9")
            .env(
                "GATEHOUSE_CAMERA",
                format!("file:{}", data.path().display()),
            )
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = BufReader::new(kiosk.stderr.take().context("stderr")?);
        let mut up = None;
        for line in stderr.lines() {
            if line?.contains("the first screen is up") {
                up = Some(started.elapsed().as_secs_f64() * 1000.0);
                break;
            }
        }
        let up = up.context("the kiosk never showed its first screen")?;
        starts.push(up);
        if run == RUNS - 1 {
            std::thread::sleep(Duration::from_secs(5));
            rss = resident_megabytes(kiosk.id());
        }
        let _ = kiosk.kill();
        let _ = kiosk.wait();
    }
    Ok((starts, rss))
}

/// Resident memory of `pid` and every process below it, in MB.
fn resident_megabytes(pid: u32) -> f64 {
    let mut family = vec![pid];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // pid (comm) state ppid …: the parent is the second field after the command's ')'.
            let parent_of_child = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if parent_of_child == Some(parent) && !family.contains(&child) {
                family.push(child);
            }
        }
        i += 1;
    }
    let kilobytes: u64 = family
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .sum();
    #[expect(clippy::cast_precision_loss, reason = "megabytes")]
    let megabytes = kilobytes as f64 / 1024.0;
    megabytes
}
