//! The kiosk's devices with real tools, in one test binary: badges and muster lists read back
//! with poppler and zbar, printing through a private CUPS, the QR decoder on the generated test
//! set, the scanner threads.

mod badge;
mod muster;
mod nda;
mod print;
mod scan;
mod scanner;
