//! What a PDF looks like to Debian's poppler tools and zbar: page size, fonts, text, words with
//! their boxes, the page as pixels, and the QR codes on it.

use std::{path::Path, process::Command};

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program} cannot start ({error}): run scripts/test.sh"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path(pdf: &Path) -> &str {
    pdf.to_str().expect("a UTF-8 temporary path")
}

/// Page size in points of every page, from `pdfinfo`.
pub fn page_sizes(pdf: &Path) -> Vec<(f32, f32)> {
    let info = run("pdfinfo", &["-f", "1", "-l", "9999", path(pdf)]);
    info.lines()
        .filter(|line| line.starts_with("Page") && line.contains(" size:"))
        .map(|line| {
            let numbers: Vec<f32> = line
                .split_once("size:")
                .unwrap()
                .1
                .split_whitespace()
                .filter_map(|word| word.parse().ok())
                .collect();
            (numbers[0], numbers[1])
        })
        .collect()
}

/// `(name, embedded)` for every font, from `pdffonts`.
pub fn fonts(pdf: &Path) -> Vec<(String, bool)> {
    run("pdffonts", &[path(pdf)])
        .lines()
        .skip(2)
        .map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            // name, type (one or two words), encoding, emb, sub, uni, object, id
            let embedded = columns[columns.len() - 5] == "yes";
            (columns[0].to_owned(), embedded)
        })
        .collect()
}

/// The text of pages `first..=last` (all if `None`) in reading order, from `pdftotext`.
pub fn text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    match pages {
        Some((first, last)) => run(
            "pdftotext",
            &[
                "-f",
                &first.to_string(),
                "-l",
                &last.to_string(),
                path(pdf),
                "-",
            ],
        ),
        None => run("pdftotext", &[path(pdf), "-"]),
    }
}

/// All pages' text as a person reads it: without the direction marks pdftotext puts around
/// right-to-left words.
pub fn read(pdf: &Path) -> String {
    text(pdf, None)
        .chars()
        .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
        .collect()
}

/// All pages' text with each printed row kept on one line (`pdftotext -layout`), for tables.
pub fn rows(pdf: &Path) -> String {
    run("pdftotext", &["-layout", path(pdf), "-"])
}

/// A word and its box in points, origin top left.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

/// Every word on the first page with its box, from `pdftotext -bbox`.
pub fn words(pdf: &Path) -> Vec<Word> {
    let html = run(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", path(pdf), "-"],
    );
    html.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("<word ")?;
            let attribute = |name: &str| -> f32 {
                let start = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                rest[start..].split('"').next().unwrap().parse().unwrap()
            };
            let text = rest.split_once('>')?.1.strip_suffix("</word>")?;
            Some(Word {
                text: text
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'"),
                x_min: attribute("xMin"),
                y_min: attribute("yMin"),
                x_max: attribute("xMax"),
                y_max: attribute("yMax"),
            })
        })
        .collect()
}

/// Page `page` rendered as PNG at `dpi`, from `pdftoppm`.
pub fn render(pdf: &Path, page: usize, dpi: u32, png: &Path) -> image::RgbImage {
    let prefix = png.with_extension("");
    run(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            "-singlefile",
            "-png",
            path(pdf),
            prefix.to_str().unwrap(),
        ],
    );
    image::open(png).unwrap().into_rgb8()
}

/// The QR codes zbar reads in `png`, payloads only.
pub fn zbar(png: &Path) -> Vec<String> {
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(png)
        .output()
        .expect("zbarimg is installed by scripts/test.sh");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}
