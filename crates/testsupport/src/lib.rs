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

pub use database::{Backend, DEFAULT_TEST_POSTGRES, TestDatabase};
pub use smtp::{ReceivedMail, SmtpSink};
