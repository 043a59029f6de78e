//! `gatehouse-devices badge` and `muster`: the demo badge and muster list as PDFs, and bad input
//! refused with a clear error and nothing written.

use gatehouse_testsupport::poppler;

use crate::{demo_dir, devices};

#[test]
fn the_badge_command_renders_the_demo_badge_with_its_photo() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("badge.pdf");
    let json = demo_dir().join("badge.json");
    let output = devices(&[
        "badge".as_ref(),
        "--layout".as_ref(),
        "cr80".as_ref(),
        "--json".as_ref(),
        json.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        pdf.windows(9).any(|w| w == b"DCTDecode"),
        "the photo is embedded as JPEG"
    );
}

#[test]
fn the_badge_command_refuses_bad_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("badge.pdf");
    let missing_host = dir.path().join("missing-host.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(demo_dir().join("badge.json")).unwrap())
            .unwrap();
    value.as_object_mut().unwrap().remove("host");
    std::fs::write(&missing_host, value.to_string()).unwrap();
    let not_json = dir.path().join("not.json");
    std::fs::write(&not_json, "{name: ").unwrap();
    let json = demo_dir().join("badge.json");
    for (args, expected) in [
        (
            vec![
                "badge".as_ref(),
                "--layout".as_ref(),
                "a4".as_ref(),
                "--json".as_ref(),
                json.as_os_str(),
            ],
            "unknown layout \"a4\"",
        ),
        (
            vec![
                "badge".as_ref(),
                "--layout".as_ref(),
                "cr80".as_ref(),
                "--json".as_ref(),
                missing_host.as_os_str(),
            ],
            "missing field `host`",
        ),
        (
            vec![
                "badge".as_ref(),
                "--layout".as_ref(),
                "cr80".as_ref(),
                "--json".as_ref(),
                not_json.as_os_str(),
            ],
            "not.json: key must be a string",
        ),
    ] {
        let mut args: Vec<&std::ffi::OsStr> = args;
        args.extend(["-o".as_ref(), out.as_os_str()]);
        let output = devices(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "nothing written for {args:?}");
    }
}

#[test]
fn the_muster_command_renders_the_demo_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("muster.pdf");
    let json = demo_dir().join("muster.json");
    let output = devices(&[
        "muster".as_ref(),
        "--json".as_ref(),
        json.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = poppler::text(&out, None);
    assert!(text.contains("46 people on site"), "{text}");
}
