//! What Gatehouse puts on paper: visitor badges, signed NDAs and the muster list as PDF
//! (`badge`, `nda`, `muster`, drawn with `pdf`, their text in any script set by `typeset`, the
//! visitor's photo made a portrait by `picture`). No device here: the kiosk prints these, the
//! cloud renders the NDA a guest signs on their pre-registration page.

pub mod badge;
pub mod muster;
pub mod nda;
pub mod pdf;
pub mod picture;
pub mod typeset;
