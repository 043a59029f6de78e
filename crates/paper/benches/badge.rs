//! Badge rendering: p50/p95 time and PDF size per layout, with and without the photo, from
//! `assets/demo/badge.json`; and the 46-person muster list from `assets/demo/muster.json`.
//! Beside them, measured in the same run, the peer: printpdf alone writing a CR80 page with the
//! badge's three lines of text in a built-in font — the floor any PDF badge pays on this
//! machine — and each layout's time as a ratio to it, which carries across machines.
//!
//! `cargo bench -p gatehouse-devices --bench badge`

use std::{path::Path, time::Instant};

use gatehouse_paper::{
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
    let (peer_p50, peer_p95, peer_size) = measure(|| printpdf_alone(&without_photo));
    println!("| layout | photo | p50 | p95 | PDF size | p50 ÷ peer |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| peer: printpdf alone, 3 lines, built-in font | no | {peer_p50:.2} ms | {peer_p95:.2} ms | {:.1} KB | 1 |",
        kilobytes(peer_size)
    );
    for layout in Layout::ALL {
        for (label, badge) in [("no", &without_photo), ("yes", &with_photo)] {
            let (p50, p95, size) =
                measure(|| badge::render(badge, layout).expect("the demo badge renders"));
            println!(
                "| {layout} | {label} | {p50:.2} ms | {p95:.2} ms | {:.1} KB | {:.1} |",
                kilobytes(size),
                p50 / peer_p50
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

/// printpdf with nothing of Gatehouse: one CR80 page, the visitor's name, company and host in
/// Helvetica (no font to embed or subset, no layout, no QR code, no photo).
fn printpdf_alone(badge: &Badge) -> Vec<u8> {
    use printpdf::{
        BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
        TextItem,
    };
    let mut ops = Vec::new();
    let company = badge.company.clone().unwrap_or_default();
    for (line, text) in [&badge.name, &company, &badge.host].into_iter().enumerate() {
        ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(BuiltinFont::Helvetica),
                size: Pt(10.0),
            },
            Op::SetTextCursor {
                pos: Point::new(
                    Mm(5.0),
                    Mm(45.0 - 6.0 * f32::from(u8::try_from(line).unwrap_or(0))),
                ),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.clone())],
            },
            Op::EndTextSection,
        ]);
    }
    let mut document = PdfDocument::new("peer");
    document.with_pages(vec![PdfPage::new(Mm(85.6), Mm(54.0), ops)]);
    document.save(&PdfSaveOptions::default(), &mut Vec::new())
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
