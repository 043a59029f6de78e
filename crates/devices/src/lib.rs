//! The kiosk's hardware: camera capture, QR decoding, badge PDFs and printing.
//!
//! Empty until the scanner and badge work lands; the kiosk already depends on it so the
//! dependency direction (`src-tauri` → `devices`, never the reverse) is fixed from the start.
