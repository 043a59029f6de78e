//! `gatehouse-devices`: try the kiosk's devices from the command line.

use std::{path::PathBuf, process::ExitCode, time::Instant};

use clap::{Parser, Subcommand};
use gatehouse_devices::{
    camera::{self, DeviceCamera, FileCamera},
    frame, scan,
    scanner::{ScanEvent, Scanner},
};
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
    /// List the machine's cameras, one JSON line each.
    Cameras,
    /// Watch a camera, or a file camera (an image, or a folder of images played in a loop), and
    /// print each code as it comes into view, as a JSON line.
    Watch {
        /// The camera: an index such as 0, or a name.
        #[arg(long, conflicts_with = "file", default_value = "0")]
        camera: String,
        /// An image file or folder to play instead of a camera.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Frames per second.
        #[arg(long, default_value_t = 15)]
        fps: u32,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Decode { files } => {
            for file in files {
                println!("{}", decode_file(&file));
            }
        }
        Command::Cameras => match camera::list_cameras() {
            Ok(cameras) => {
                for found in cameras {
                    println!("{}", json!(found));
                }
            }
            Err(error) => {
                eprintln!("gatehouse-devices: {error}");
                return ExitCode::FAILURE;
            }
        },
        Command::Watch { camera, file, fps } => {
            let scanner = match file {
                Some(file) => {
                    if let Err(error) = FileCamera::open(&file, fps) {
                        eprintln!("gatehouse-devices: {error}");
                        return ExitCode::FAILURE;
                    }
                    Scanner::start(move || FileCamera::open(&file, fps))
                }
                None => Scanner::start(move || DeviceCamera::open(&camera, 1280, 720, fps)),
            };
            for event in &scanner.events {
                let line = match event {
                    ScanEvent::Code(code) => json!({"code": code}),
                    ScanEvent::CameraLost(error) => json!({"camera": "lost", "error": error}),
                    ScanEvent::CameraBack => json!({"camera": "back"}),
                };
                println!("{line}");
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
