//! What Gatehouse's tests and benchmarks share, so that no test reaches into another crate's
//! files: a fresh database per test on SQLite and PostgreSQL ([`TestDatabase`],
//! [`on_both_databases!`]), a real SMTP server on loopback ([`SmtpSink`]), a private CUPS
//! scheduler with a PDF queue ([`cups`]), what a PDF looks like to poppler and zbar
//! ([`poppler`]), the scanner's generated QR test set ([`qr_testset`]) and photo corpus
//! ([`qr_photos`]), and stand-ins for the access-control systems Gatehouse connects to
//! ([`unifi`], [`verkada`], [`access_endpoint`]).

pub mod access_endpoint;
pub mod cups;
mod database;
pub mod poppler;
pub mod qr_photos;
pub mod qr_testset;
mod smtp;
pub mod unifi;
pub mod verkada;

pub use database::{Backend, DEFAULT_TEST_POSTGRES, TestDatabase};
pub use smtp::{ReceivedMail, SmtpSink};

/// Serves `app` on a loopback port until the handle is dropped or aborted: its base URL.
pub async fn serve_on_loopback(app: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("a bound port"));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, server)
}

/// A visitor's name in each script a lobby sees (Arabic, Hebrew, Devanagari, Thai, Chinese,
/// Korean, Greek and Cyrillic), for what prints names: badges, signed NDAs, muster lists.
pub const NAMES_IN_EVERY_SCRIPT: [&str; 7] = [
    "محمد عبد الرحمن",
    "שרה בן־דוד",
    "प्रियंका श्रीवास्तव",
    "สมชาย ใจดีมีสุข",
    "王小明",
    "김민준",
    "Ελένη Дмитриевна",
];
