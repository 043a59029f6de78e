//! Gatehouse end to end, in one test binary: real processes — the cloud, the kiosk under
//! WebDriver in Xvfb, a private CUPS — started and reaped by `gatehouse_e2e`.

mod access_control;
mod contractor_visit;
mod kiosk_killed;
mod packages;
mod possession;
mod screening;
mod staff;
mod staff_screens;
mod sync;
mod visitor_flow;
mod welcome_screen;
