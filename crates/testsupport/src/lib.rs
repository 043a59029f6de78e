//! What Gatehouse's tests and benchmarks share, so that no test reaches into another crate's
//! files: a fresh database per test on SQLite and PostgreSQL ([`TestDatabase`],
//! [`on_both_databases!`]), a real SMTP server on loopback ([`SmtpSink`]), a private CUPS
//! scheduler with a PDF queue ([`cups`]), what a PDF looks like to poppler and zbar
//! ([`poppler`]), and the scanner's generated QR test set ([`qr_testset`]) and photo corpus
//! ([`qr_photos`]).

pub mod cups;
mod database;
pub mod poppler;
pub mod qr_photos;

pub mod qr_testset;
mod smtp;
pub mod unifi;

pub use database::{Backend, DEFAULT_TEST_POSTGRES, TestDatabase};
pub use smtp::{ReceivedMail, SmtpSink};

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
