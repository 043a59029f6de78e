//! Badges, signed NDAs and muster lists read back with poppler and zbar.

mod badge;
mod muster;
mod nda;
