//! The `gatehouse-devices` command, run as a person would run it, in one test binary.

mod decode;
mod pdfs;
mod printing;

use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// The command, ready for arguments.
fn command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gatehouse-devices"))
}

/// Runs the command with `args`.
fn devices(args: &[&OsStr]) -> Output {
    command().args(args).output().unwrap()
}

/// The demo data the commands are tried on.
fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
}
