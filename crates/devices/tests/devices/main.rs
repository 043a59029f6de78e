//! The kiosk's devices with real tools, in one test binary: printing through a private CUPS, the
//! QR decoder on the generated test set, the scanner threads.

mod print;
mod scan;
mod scanner;
