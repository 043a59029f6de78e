//! The cloud's integration tests, in one binary (so axum, sqlx and lettre link once): each
//! module starts the real cloud on a random loopback port against a fresh SQLite file or
//! PostgreSQL database and talks HTTP to it, or runs the real `gatehouse-cloud` binary.

mod support;

mod accounts;
mod admission;
mod approval_process;
mod audit_log;
mod bad_input;
mod cli;
mod connectors;
mod credentials;
mod database;
mod door_events;
mod invitation_writer;
mod kiosk_changes;
mod kiosk_documents;
mod kiosk_enrollment;
mod kiosk_events;
mod kiosk_staff;
mod kiosk_stream;
mod kiosk_walk_ins;
mod organisation_categories;
mod outbox_killed;
mod permission_matrix;
mod pre_registration;
mod roles_and_permissions;
mod safe_retries;
mod screening;
mod serve;
mod visits_end;
mod zone_map;
