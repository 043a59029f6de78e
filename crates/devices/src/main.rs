//! `gatehouse-devices`: try the kiosk's devices from the command line.

use std::{path::PathBuf, process::ExitCode, time::Instant};

use clap::{Parser, Subcommand};
use gatehouse_devices::{frame, scan};
use serde_json::json;

#[derive(Debug, Parser)]
#[command(
    name = "gatehouse-devices",
    version,
    about = "The Gatehouse kiosk's devices"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode the QR codes in image files: one JSON line per file, `ms` without file loading.
    Decode {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Decode { files } => {
            for file in files {
                println!("{}", decode_file(&file));
            }
        }
    }
    ExitCode::SUCCESS
}

fn decode_file(file: &std::path::Path) -> serde_json::Value {
    let name = file.display().to_string();
    let frame = match frame::load(file) {
        Ok(frame) => frame,
        Err(error) => return json!({"file": name, "error": error.to_string()}),
    };
    let started = Instant::now();
    let result = scan::decode(&frame);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(codes) => {
            let texts: Vec<_> = codes.into_iter().map(|c| c.text).collect();
            json!({"file": name, "codes": texts, "ms": (ms * 1000.0).round() / 1000.0})
        }
        Err(error) => json!({"file": name, "error": error.to_string()}),
    }
}
