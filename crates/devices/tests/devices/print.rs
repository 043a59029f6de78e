//! Printing through a real CUPS scheduler with a cups-pdf queue: a badge comes out as a PDF of
//! the badge's size; a stopped scheduler, a paused queue and an unknown printer are each reported
//! within 5 s with the PDF kept for reception; printing never holds up the caller.

use std::{
    net::TcpListener,
    path::Path,
    time::{Duration, Instant},
};

use gatehouse_devices::print::{self, Cups, Job, PrintError, PrinterState};
use gatehouse_paper::badge::{self, Badge, Layout};
use gatehouse_testsupport::{
    cups::{self, Cupsd},
    poppler,
};

const WITHIN: Duration = Duration::from_secs(5);

fn badge_pdf() -> Vec<u8> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let mut badge: Badge =
        serde_json::from_str(&std::fs::read_to_string(demo.join("badge.json")).unwrap()).unwrap();
    badge.photo = badge.photo.map(|photo| demo.join(photo));
    badge::render(&badge, Layout::Cr80).unwrap()
}

/// A job with a title no other run uses, so its output can be found.
fn job(printer: &str, test: &str) -> Job {
    Job {
        printer: printer.into(),
        title: format!("gatehouse-{test}-{}", std::process::id()),
        pdf: badge_pdf(),
        media: Some(Layout::Cr80.media().into()),
        copies: 1,
        timeout: Duration::from_secs(30),
    }
}

#[test]
fn a_badge_prints_through_cups_and_comes_out_at_the_badge_size() {
    let cupsd = Cupsd::start();
    let job = job("PDF", "prints");
    let printed = Cups::new(&cupsd.server).print(&job).unwrap();
    assert_eq!(printed.printer, "PDF");
    assert!(printed.job > 0);
    let output = cups::printed(&job.title, Duration::from_secs(10))
        .expect("cups-pdf wrote the job to its folder");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("printed.pdf");
    std::fs::write(&path, output).unwrap();
    let (width, height) = poppler::page_sizes(&path)[0];
    // cups-pdf rounds to whole points: 85.6 × 54 mm is 242.6 × 153.1 pt.
    assert!(
        (width - 242.6).abs() < 1.0 && (height - 153.1).abs() < 1.0,
        "{width} x {height}"
    );
    // What came out is the badge: its QR code still reads as the credential.
    let png = dir.path().join("printed.png");
    poppler::render(&path, 1, 300, &png);
    assert_eq!(
        poppler::zbar(&png).len(),
        1,
        "one QR code on the printed badge"
    );
    assert!(poppler::zbar(&png)[0].starts_with("GHC1."));
}

#[test]
fn printers_lists_the_queue_with_its_state_and_media() {
    let cupsd = Cupsd::start();
    let printers = Cups::new(&cupsd.server).printers().unwrap();
    assert_eq!(printers.len(), 1, "{printers:?}");
    let pdf = &printers[0];
    assert_eq!(pdf.name, "PDF");
    assert_eq!(pdf.state, PrinterState::Idle);
    assert!(pdf.accepting);
    assert!(
        pdf.media.iter().any(|m| m.contains("a4") || m == "A4"),
        "{:?}",
        pdf.media
    );
}

/// Runs `print_or_keep` and checks it failed fast, kept the PDF, and said why.
fn fails_fast_and_keeps(cups: &Cups, job: &Job) -> PrintError {
    let keep = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let unprinted = print::print_or_keep(cups, job, keep.path()).unwrap_err();
    assert!(started.elapsed() < WITHIN, "took {:?}", started.elapsed());
    let kept = unprinted.kept.as_ref().expect("the PDF is kept");
    assert!(kept.starts_with(keep.path()));
    assert_eq!(std::fs::read(kept).unwrap(), job.pdf);
    assert!(
        unprinted.to_string().contains("the PDF is kept at"),
        "{unprinted}"
    );
    unprinted.error
}

#[test]
fn a_stopped_cups_is_reported_within_5_s_and_the_pdf_kept() {
    let mut cupsd = Cupsd::start();
    let cups = Cups::new(&cupsd.server);
    cupsd.stop();
    let error = fails_fast_and_keeps(&cups, &job("PDF", "stopped"));
    assert!(matches!(error, PrintError::Unreachable { .. }), "{error}");
    assert!(
        error.to_string().starts_with("the print server 127.0.0.1:"),
        "{error}"
    );
}

#[test]
fn a_paused_queue_is_reported_within_5_s_and_the_pdf_kept() {
    let cupsd = Cupsd::start();
    cupsd.admin("cupsdisable", &["-r", "Out of labels", "PDF"]);
    let cups = Cups::new(&cupsd.server);
    let error = fails_fast_and_keeps(&cups, &job("PDF", "paused"));
    assert!(matches!(error, PrintError::Paused { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "printer \"PDF\" is paused: Out of labels"
    );
    assert!(
        cups::printed(&job("PDF", "paused").title, Duration::from_secs(1)).is_none(),
        "nothing printed"
    );
}

#[test]
fn an_unknown_printer_is_reported_within_5_s_and_the_pdf_kept() {
    let cupsd = Cupsd::start();
    let cups = Cups::new(&cupsd.server);
    for name in ["Reception", "../admin", ""] {
        let error = fails_fast_and_keeps(&cups, &job(name, "unknown"));
        assert!(matches!(error, PrintError::UnknownPrinter(_)), "{error}");
        assert_eq!(
            error.to_string(),
            format!("there is no printer called {name:?}")
        );
    }
}

#[test]
fn a_server_that_never_answers_is_given_up_within_5_s_without_blocking_the_caller() {
    // Accepts connections (the kernel does) but never answers: a hung print server.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let cups = Cups::new(silent.local_addr().unwrap().to_string());
    let keep = tempfile::tempdir().unwrap();
    let job = job("PDF", "silent");
    let started = Instant::now();
    let outcome = print::spawn(cups, job, keep.path().to_path_buf());
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "spawn returned after {:?}",
        started.elapsed()
    );
    let unprinted = outcome
        .recv_timeout(WITHIN)
        .expect("an outcome within 5 s")
        .unwrap_err();
    assert!(
        matches!(unprinted.error, PrintError::Unreachable { .. }),
        "{unprinted}"
    );
    assert!(unprinted.kept.is_some_and(|kept| kept.exists()));
}

#[test]
fn a_job_the_printer_does_not_finish_in_time_is_cancelled() {
    let cupsd = Cupsd::start();
    let cups = Cups::new(&cupsd.server);
    // The queue accepts jobs but holds them: it never finishes one.
    let mut held = job("PDF", "held");
    held.timeout = Duration::from_secs(2);
    cupsd.admin(
        "lpadmin",
        &["-p", "PDF", "-o", "job-hold-until-default=indefinite"],
    );
    let error = cups.print(&held).unwrap_err();
    assert!(matches!(error, PrintError::TimedOut { .. }), "{error}");
    assert!(
        error
            .to_string()
            .ends_with("did not finish within 2 s and was cancelled"),
        "{error}"
    );
    assert!(
        cups::printed(&held.title, Duration::from_secs(1)).is_none(),
        "the cancelled job never printed"
    );
}
