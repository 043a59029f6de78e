//! Watchlist screening: the name matcher's precision and recall on the labelled pairs of
//! `screening_pairs.csv` at the thresholds it ships with and around them, the pairs it gets
//! wrong, and how long screening one visitor against a 10,000-entry watchlist takes, beside the
//! peer of the same run — an exact email lookup over the same entries.
//!
//! `cargo bench -p gatehouse-core --bench screening`

use std::{hint::black_box, time::Instant};

use gatehouse_core::screening::{
    self, LabelledPair, NAME_THRESHOLD, NAME_WITH_TIE_BREAKER, Person, email_key, labelled_pairs,
    name_score, precision_recall,
};

const ENTRIES: usize = 10_000;
const ROUNDS: u32 = 200;

fn main() {
    let pairs = labelled_pairs(include_str!("screening_pairs.csv"));
    let positives = pairs.iter().filter(|pair| pair.same_person).count();
    println!(
        "tuning set: {} pairs ({positives} the same person, {} different people)",
        pairs.len(),
        pairs.len() - positives
    );
    let (precision, recall) = precision_recall(&pairs);
    println!(
        "shipped thresholds {NAME_THRESHOLD} alone / {NAME_WITH_TIE_BREAKER} with a tie-breaker: \
         precision {precision:.3}, recall {recall:.3}"
    );
    println!("name score alone, threshold sweep (no tie-breakers):");
    for step in 80..=98 {
        let threshold = f64::from(step) / 100.0;
        let (p, r) = by_name_alone(&pairs, threshold);
        println!("  {threshold:.2}: precision {p:.3}, recall {r:.3}");
    }
    println!("pairs the shipped matcher gets wrong:");
    for pair in &pairs {
        let hit = pair.is_hit();
        if hit != pair.same_person {
            println!(
                "  {} {:?} ~ {:?}: score {:.3}",
                if hit { "false hit" } else { "missed   " },
                pair.listed.0,
                pair.visitor.0,
                name_score(&pair.listed.0, &pair.visitor.0)
            );
        }
    }

    // Speed: one visitor against a large list, fuzzy, beside an exact email lookup.
    let entries: Vec<(usize, Person)> = (0..ENTRIES)
        .map(|n| {
            let pair = &pairs[n % pairs.len()];
            let name = format!("{} {n}", pair.listed.0);
            let email = format!("listed{n}@example.com");
            (n, Person::new(&name, Some(&email), None, None))
        })
        .collect();
    let emails: Vec<String> = (0..ENTRIES)
        .map(|n| format!("listed{n}@example.com"))
        .collect();
    let visitor = Person::new("Nobody Onthelist", Some("nobody@example.com"), None, None);
    let started = Instant::now();
    for _ in 0..ROUNDS {
        black_box(screening::screen(
            &visitor,
            entries.iter().map(|(n, person)| (n, person)),
        ));
    }
    let fuzzy = started.elapsed() / ROUNDS;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        let wanted = email_key(black_box("nobody@example.com"));
        black_box(emails.iter().find(|email| email_key(email) == wanted));
    }
    let exact = started.elapsed() / ROUNDS;
    println!(
        "one visitor against {ENTRIES} entries: {:.2} ms fuzzy; peer, an exact email lookup \
         over the same entries: {:.2} ms",
        fuzzy.as_secs_f64() * 1e3,
        exact.as_secs_f64() * 1e3
    );
}

fn by_name_alone(pairs: &[LabelledPair], threshold: f64) -> (f64, f64) {
    let (mut hits, mut false_hits, mut missed) = (0.0, 0.0, 0.0);
    for pair in pairs {
        let hit = name_score(&pair.listed.0, &pair.visitor.0) >= threshold;
        match (hit, pair.same_person) {
            (true, true) => hits += 1.0,
            (true, false) => false_hits += 1.0,
            (false, true) => missed += 1.0,
            _ => {}
        }
    }
    (hits / (hits + false_hits), hits / (hits + missed))
}
