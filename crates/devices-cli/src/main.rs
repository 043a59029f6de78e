//! `gatehouse-devices`: try the kiosk's devices from the command line.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    time::{Duration, Instant},
};

use clap::{Parser, Subcommand};
use gatehouse_devices::{
    camera::{self, DeviceCamera, FileCamera},
    frame,
    print::{self, Cups, Job},
    scan,
    scanner::{ScanEvent, Scanner},
};
use gatehouse_paper::{
    badge::{self, Badge, BadgeError, Layout},
    muster::{self, MusterList},
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
    /// Render a visitor badge as PDF from a JSON file in the shape of `Badge` (a relative photo
    /// path is read from the JSON file's folder).
    Badge {
        #[arg(long, value_parser = parse_layout)]
        layout: Layout,
        #[arg(long)]
        json: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Render the muster list as PDF from a JSON file in the shape of `MusterList`.
    Muster {
        #[arg(long)]
        json: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// List the print queues of the CUPS server (`CUPS_SERVER`, default localhost:631), one
    /// JSON line each.
    Printers,
    /// Print a PDF and wait until the printer has finished it.
    Print {
        #[arg(long)]
        printer: String,
        /// A CUPS media keyword, such as Custom.85.6x54mm; the printer's default if not given.
        #[arg(long)]
        media: Option<String>,
        #[arg(long, default_value_t = 1)]
        copies: u32,
        /// Seconds the job may take before it is cancelled.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Keep the PDF in this folder if it cannot be printed.
        #[arg(long)]
        keep: Option<PathBuf>,
        file: PathBuf,
    },
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
        Command::Badge {
            layout,
            json,
            output,
        } => {
            return finish(make_badge(layout, &json).and_then(|pdf| write(&output, &pdf)));
        }
        Command::Muster { json, output } => {
            let rendered = read_json::<MusterList>(&json).and_then(|list| {
                muster::render(&list).map_err(|e| format!("{}: {e}", json.display()))
            });
            return finish(rendered.and_then(|pdf| write(&output, &pdf)));
        }
        Command::Printers => match Cups::from_env().printers() {
            Ok(printers) => {
                for printer in printers {
                    println!("{}", json!(printer));
                }
            }
            Err(error) => return finish(Err(error.to_string())),
        },
        Command::Print {
            printer,
            media,
            copies,
            timeout,
            keep,
            file,
        } => {
            let pdf = match std::fs::read(&file) {
                Ok(pdf) => pdf,
                Err(error) => {
                    return finish(Err(format!("cannot read {}: {error}", file.display())));
                }
            };
            let title = file
                .file_stem()
                .map_or_else(|| "document".into(), |s| s.to_string_lossy().into_owned());
            let job = Job {
                printer,
                title,
                pdf,
                media,
                copies,
                timeout: Duration::from_secs(timeout),
            };
            let cups = Cups::from_env();
            let printed = match keep {
                Some(folder) => {
                    print::print_or_keep(&cups, &job, &folder).map_err(|e| e.to_string())
                }
                None => cups.print(&job).map_err(|e| e.to_string()),
            };
            return finish(
                printed
                    .map(|done| println!("{}", json!({"printer": done.printer, "job": done.job}))),
            );
        }
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
                    // Each code is printed as it comes into view; what stays is not news here.
                    ScanEvent::InView(_) => continue,
                };
                println!("{line}");
            }
        }
    }
    ExitCode::SUCCESS
}

fn finish(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gatehouse-devices: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse_layout(name: &str) -> Result<Layout, String> {
    name.parse().map_err(|e: BadgeError| e.to_string())
}

/// JSON files for badges and lists are small; a larger one is a mistake.
const MAX_JSON: u64 = 1024 * 1024;

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {shown}: {e}"))?
        .len();
    if size > MAX_JSON {
        return Err(format!("{shown} is larger than 1 MB"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{shown}: {e}"))
}

fn make_badge(layout: Layout, json: &Path) -> Result<Vec<u8>, String> {
    let mut badge: Badge = read_json(json)?;
    if let Some(photo) = badge.photo.take() {
        let folder = json.parent().unwrap_or(Path::new("."));
        badge.photo = Some(folder.join(photo));
    }
    badge::render(&badge, layout).map_err(|e| format!("{}: {e}", json.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn decode_file(file: &Path) -> serde_json::Value {
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
