//! `gatehouse-devices printers` and `print` against a private CUPS (`CUPS_SERVER`).

use std::time::Duration;

use gatehouse_paper::badge::{self, Badge, Layout};
use gatehouse_testsupport::cups::{self, Cupsd};

fn badge_pdf() -> Vec<u8> {
    let demo = crate::demo_dir();
    let mut badge: Badge =
        serde_json::from_str(&std::fs::read_to_string(demo.join("badge.json")).unwrap()).unwrap();
    badge.photo = badge.photo.map(|photo| demo.join(photo));
    badge::render(&badge, Layout::Cr80).unwrap()
}

fn cli(server: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    crate::command()
        .env("CUPS_SERVER", server)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_printers_and_print_commands_talk_to_cups_server() {
    let cupsd = Cupsd::start();
    let listed = cli(&cupsd.server, &["printers".as_ref()]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let queue: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&listed.stdout).trim()).unwrap();
    assert_eq!(queue["name"], "PDF");
    assert_eq!(queue["state"], "idle");

    let dir = tempfile::tempdir().unwrap();
    let title = format!("gatehouse-cli-{}", std::process::id());
    let file = dir.path().join(format!("{title}.pdf"));
    std::fs::write(&file, badge_pdf()).unwrap();
    let printed = cli(
        &cupsd.server,
        &[
            "print".as_ref(),
            "--printer".as_ref(),
            "PDF".as_ref(),
            "--media".as_ref(),
            Layout::Cr80.media().as_ref(),
            file.as_os_str(),
        ],
    );
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let done: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(done["printer"], "PDF");
    assert!(cups::printed(&title, Duration::from_secs(10)).is_some());

    let keep = dir.path().join("unprinted");
    let refused = cli(
        &cupsd.server,
        &[
            "print".as_ref(),
            "--printer".as_ref(),
            "Nowhere".as_ref(),
            "--keep".as_ref(),
            keep.as_os_str(),
            file.as_os_str(),
        ],
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.starts_with(
            "gatehouse-devices: there is no printer called \"Nowhere\"; the PDF is kept at"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&keep).unwrap().count(), 1);
}
