//! Badge rendering: p50/p95 time and PDF size per layout, with and without the photo, from
//! `assets/demo/badge.json`; and the 46-person muster list from `assets/demo/muster.json`.
//!
//! `cargo bench -p gatehouse-devices --bench badge`

use std::{path::Path, time::Instant};

use gatehouse_devices::{
    badge::{self, Badge, Layout},
    muster::{self, MusterList},
};

const RUNS: usize = 200;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let mut with_photo: Badge =
        serde_json::from_str(&std::fs::read_to_string(demo.join("badge.json"))?)?;
    with_photo.photo = with_photo.photo.map(|photo| demo.join(photo));
    let without_photo = Badge {
        photo: None,
        ..with_photo.clone()
    };
    println!("| layout | photo | p50 | p95 | PDF size |");
    println!("|---|---|---|---|---|");
    for layout in Layout::ALL {
        for (label, badge) in [("no", &without_photo), ("yes", &with_photo)] {
            let (p50, p95, size) =
                measure(|| badge::render(badge, layout).expect("the demo badge renders"));
            println!(
                "| {layout} | {label} | {p50:.2} ms | {p95:.2} ms | {:.1} KB |",
                kilobytes(size)
            );
        }
    }
    let list: MusterList =
        serde_json::from_str(&std::fs::read_to_string(demo.join("muster.json"))?)?;
    let (p50, p95, size) = measure(|| muster::render(&list).expect("the demo list renders"));
    println!(
        "| muster list, {} people | - | {p50:.2} ms | {p95:.2} ms | {:.1} KB |",
        list.people.len(),
        kilobytes(size)
    );
    Ok(())
}

fn kilobytes(bytes: usize) -> f64 {
    f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / 1024.0
}

/// p50 and p95 in milliseconds after 10 warm-up runs, and the output's size in bytes.
fn measure(render: impl Fn() -> Vec<u8>) -> (f64, f64, usize) {
    let mut size = 0;
    for _ in 0..10 {
        size = render().len();
    }
    let mut samples: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(render());
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[RUNS / 2], samples[RUNS * 95 / 100], size)
}
