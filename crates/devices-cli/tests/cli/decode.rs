//! `gatehouse-devices decode`: one JSON line per file; unreadable files are reported, not fatal.

#[test]
fn decode_prints_one_json_line_per_file_and_goes_on_after_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("invitation.png");
    qrcode::QrCode::new(b"GH1.test.code")
        .unwrap()
        .render::<image::Luma<u8>>()
        .module_dimensions(6, 6)
        .build()
        .save(&good)
        .unwrap();
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let corrupt = dir.path().join("corrupt.jpg");
    std::fs::write(&corrupt, b"\xff\xd8\xff\xe0 not really a jpeg").unwrap();
    let truncated = dir.path().join("truncated.png");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let missing = dir.path().join("missing.png");

    let output = crate::command()
        .arg("decode")
        .args([&good, &empty, &corrupt, &truncated, &missing])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["codes"], serde_json::json!(["GH1.test.code"]));
    assert!(lines[0]["ms"].as_f64().unwrap() >= 0.0);
    for line in &lines[1..] {
        assert!(
            line["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{line}"
        );
        assert!(line.get("codes").is_none(), "{line}");
    }
}

#[test]
fn decode_without_files_is_a_usage_error() {
    let output = crate::command().arg("decode").output().unwrap();
    assert!(!output.status.success());
}

#[test]
fn a_huge_image_is_refused_not_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.png");
    // 20,000 × 20,000 claimed in the header; the decoder must refuse before allocating 400 MB.
    image::GrayImage::new(20_000, 20_000).save(&huge).unwrap();
    let output = crate::command()
        .args(["decode"])
        .arg(&huge)
        .output()
        .unwrap();
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        line["error"].as_str().unwrap().contains("huge.png"),
        "{line}"
    );
}

/// Starts `gatehouse-devices ARGS`, reads its first line of output, and checks it is still
/// running (watch never gives up by itself) before stopping it.
fn first_line_of_watch(args: &[&std::ffi::OsStr]) -> serde_json::Value {
    use std::io::BufRead as _;
    let mut child = crate::command()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(still_running, "watch stopped by itself");
    serde_json::from_str(&first).unwrap()
}

#[test]
fn watch_prints_a_code_as_it_comes_into_view() {
    let dir = tempfile::tempdir().unwrap();
    qrcode::QrCode::new(b"GH1.watch")
        .unwrap()
        .render::<image::Luma<u8>>()
        .module_dimensions(6, 6)
        .build()
        .save(dir.path().join("frame.png"))
        .unwrap();
    let args = ["watch", "--fps", "10", "--file"].map(std::ffi::OsStr::new);
    let line = first_line_of_watch(&[&args[..], &[dir.path().as_os_str()]].concat());
    assert_eq!(line, serde_json::json!({"code": "GH1.watch"}));
}

#[test]
fn watch_on_an_empty_folder_fails_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = crate::command()
        .args(["watch", "--file"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("has no images"));
}

#[test]
fn cameras_lists_each_camera_as_json_and_none_is_not_an_error() {
    let output = crate::command().arg("cameras").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let camera: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            camera["id"].is_string() && camera["name"].is_string(),
            "{camera}"
        );
    }
}

#[test]
fn watch_on_a_missing_camera_reports_it_and_keeps_running() {
    let args = ["watch", "--camera", "/dev/video-gatehouse-missing"].map(std::ffi::OsStr::new);
    let line = first_line_of_watch(&args);
    assert_eq!(line["camera"], "lost", "{line}");
}
