//! Screening a visitor against the facility's watchlist (seed, lifecycle step 1: "the guest's
//! identity against any internal watchlists or SCIM-linked blocklists"): an exact email match,
//! or a fuzzy name match — Jaro-Winkler over folded names, family name and given names apart —
//! with the company and the date of birth as tie-breakers. Both sides are read once into a
//! [`Person`], so that one visitor against a long list costs comparisons only. The thresholds are
//! tuned on the labelled pairs in `benches/screening_pairs.csv`; `cargo bench -p gatehouse-core
//! --bench screening` reports their precision and recall.

use chrono::NaiveDate;

use crate::proof::fold;

/// A name this close to a listed name is a hit on its own.
pub const NAME_THRESHOLD: f64 = 0.93;

/// A name this close is a hit when the company or the date of birth agrees too.
pub const NAME_WITH_TIE_BREAKER: f64 = 0.84;

/// A person as screening compares them — a visitor, or a watchlist entry — read once: the
/// words of their name ([`name_key`]), their email address ([`email_key`]), their company's key,
/// and their date of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    words: Vec<String>,
    sorted: Vec<String>,
    email: Option<String>,
    company: Option<String>,
    date_of_birth: Option<NaiveDate>,
}

impl Person {
    pub fn new(
        name: &str,
        email: Option<&str>,
        company: Option<&str>,
        date_of_birth: Option<NaiveDate>,
    ) -> Self {
        let words: Vec<String> = name_key(name)
            .split(' ')
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect();
        let mut sorted = words.clone();
        sorted.sort_unstable();
        let present = |key: String| (!key.is_empty()).then_some(key);
        Self {
            words,
            sorted,
            email: email.map(email_key).and_then(present),
            company: company.map(name_key).and_then(present),
            date_of_birth,
        }
    }
}

/// Why a visitor matched an entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hit {
    /// The visitor's email address is the listed one.
    Email,
    /// The names are this close (0 to 1), with the tie-breakers agreeing where needed.
    Name { score: f64 },
}

impl Hit {
    /// The stored name of the kind of match.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Name { .. } => "name",
        }
    }

    pub fn score(self) -> f64 {
        match self {
            Self::Email => 1.0,
            Self::Name { score } => score,
        }
    }
}

/// An email address as screening compares it: trimmed, any case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A name as screening compares it: folded ([`fold`]), hyphens and apostrophes closed up (one
/// name, "Jean-Luc" as "jeanluc"), any other punctuation a space, and spelled as it sounds where
/// spellings differ for one sound ("Müller" and "Mueller" both "muller", "Stephan" "stefan").
pub fn name_key(name: &str) -> String {
    let folded: String = fold(name)
        .chars()
        .filter(|c| !matches!(c, '-' | '\'' | '’'))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded
        .split_whitespace()
        .map(|word| {
            word.replace("ae", "a")
                .replace("oe", "o")
                .replace("ue", "u")
                .replace("ph", "f")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Given names people shorten, each with its formal name, folded.
const NICKNAMES: &[(&str, &str)] = &[
    ("alex", "alexander"),
    ("andy", "andrew"),
    ("bill", "william"),
    ("bob", "robert"),
    ("chris", "christopher"),
    ("dan", "daniel"),
    ("dave", "david"),
    ("jim", "james"),
    ("joe", "joseph"),
    ("kate", "katharina"),
    ("kate", "katherine"),
    ("liz", "elizabeth"),
    ("matt", "matthew"),
    ("mike", "michael"),
    ("nick", "nicholas"),
    ("rob", "robert"),
    ("sam", "samuel"),
    ("steve", "stephen"),
    ("tom", "thomas"),
    ("tony", "anthony"),
    ("will", "william"),
    ("hans", "johannes"),
    ("sepp", "josef"),
    ("kathi", "katharina"),
    ("uli", "ulrich"),
    ("wolf", "wolfgang"),
];

fn same_given_name(a: &str, b: &str) -> bool {
    a == b
        || NICKNAMES
            .iter()
            .any(|(short, formal)| (a, b) == (short, formal) || (b, a) == (short, formal))
}

/// One reading of a name: its family name and its given names.
struct Reading<'a> {
    family: &'a str,
    given: Vec<&'a str>,
}

impl<'a> Reading<'a> {
    fn last_is_family(words: &'a [String]) -> Self {
        let (family, given) = words.split_last().expect("a name has a word");
        Self {
            family,
            given: given.iter().map(String::as_str).collect(),
        }
    }

    fn first_is_family(words: &'a [String]) -> Self {
        let (family, given) = words.split_first().expect("a name has a word");
        Self {
            family,
            given: given.iter().map(String::as_str).collect(),
        }
    }
}

fn same_given(a: &str, b: &str) -> f64 {
    let initial = |short: &str, long: &str| short.len() == 1 && long.starts_with(short);
    if same_given_name(a, b) || initial(a, b) || initial(b, a) {
        1.0
    } else {
        strsim::jaro_winkler(a, b)
    }
}

/// How alike two lists of given names are: name by name as far as the shorter list goes (a
/// middle name more or less, an initial for a name, a nickname for its formal name), or run
/// together ("Mary Jane" and "Maryjane").
fn given_score(a: &[&str], b: &[&str]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        // A one-word name against a full one: the family name alone is weaker evidence.
        return 0.9;
    }
    let one_by_one = a
        .iter()
        .zip(b)
        .map(|(a, b)| same_given(a, b))
        .fold(1.0, f64::min);
    // One given name against several ("Fatima" and "Fatima Zahra"): any one of them.
    let (one, several) = if a.len() == 1 { (a, b) } else { (b, a) };
    let one_of_several = if one.len() == 1 {
        several
            .iter()
            .map(|g| same_given(one[0], g))
            .fold(0.0, f64::max)
    } else {
        0.0
    };
    // Run together only where the names are split differently, or "Ana Lucía F…" would share
    // a long prefix with every "Ana Lucía".
    let run_together = if a.len() == b.len() {
        0.0
    } else {
        strsim::jaro_winkler(&a.concat(), &b.concat())
    };
    one_by_one.max(one_of_several).max(run_together)
}

fn reading_score(a: &Reading<'_>, b: &Reading<'_>) -> f64 {
    strsim::jaro_winkler(a.family, b.family).min(given_score(&a.given, &b.given))
}

/// How close two names are, from 0 to 1: the family names' and the given names'
/// Jaro-Winkler similarity, whichever is lower, for the best reading of the two — the last word
/// as the family name, or the first ("Weber Jonas"), or the same words in any order. Given names
/// also match by a common nickname ("Bob" is "Robert") or as one of several ("Fatima" of
/// "Fatima Zahra"); a middle name more or less changes nothing ("José Cruz" is "José María de
/// la Cruz").
pub fn name_score(a: &str, b: &str) -> f64 {
    words_score(
        &Person::new(a, None, None, None),
        &Person::new(b, None, None, None),
    )
}

fn words_score(a: &Person, b: &Person) -> f64 {
    if a.words.is_empty() || b.words.is_empty() {
        return 0.0;
    }
    if a.sorted == b.sorted {
        return 1.0;
    }
    let readings_a = [
        Reading::last_is_family(&a.words),
        Reading::first_is_family(&a.words),
    ];
    let readings_b = [
        Reading::last_is_family(&b.words),
        Reading::first_is_family(&b.words),
    ];
    readings_a
        .iter()
        .flat_map(|ra| readings_b.iter().map(move |rb| reading_score(ra, rb)))
        .fold(0.0, f64::max)
}

/// Whether `visitor` is the person of the watchlist entry `listed`, and why.
pub fn matches(visitor: &Person, listed: &Person) -> Option<Hit> {
    if listed.email.is_some() && listed.email == visitor.email {
        return Some(Hit::Email);
    }
    let born = match (visitor.date_of_birth, listed.date_of_birth) {
        // Two different dates of birth are two different people, however alike the names.
        (Some(a), Some(b)) if a != b => return None,
        (Some(_), Some(_)) => true,
        _ => false,
    };
    let company = listed.company.is_some() && listed.company == visitor.company;
    let score = words_score(visitor, listed);
    let threshold = if born || company {
        NAME_WITH_TIE_BREAKER
    } else {
        NAME_THRESHOLD
    };
    (score >= threshold).then_some(Hit::Name { score })
}

/// The entry `visitor` matches: the first by email, or else the closest by name.
pub fn screen<'e, T>(
    visitor: &Person,
    entries: impl IntoIterator<Item = (&'e T, &'e Person)>,
) -> Option<(&'e T, Hit)> {
    let mut best: Option<(&'e T, Hit)> = None;
    for (entry, listed) in entries {
        match matches(visitor, listed) {
            Some(Hit::Email) => return Some((entry, Hit::Email)),
            Some(hit) if best.is_none_or(|(_, seen)| hit.score() > seen.score()) => {
                best = Some((entry, hit));
            }
            _ => {}
        }
    }
    best
}

/// One labelled pair of the tuning set: a listed name (with its tie-breakers) and a visitor's,
/// and whether they are the same person.
#[derive(Debug, Clone)]
pub struct LabelledPair {
    pub listed: (String, Option<String>, Option<NaiveDate>),
    pub visitor: (String, Option<String>, Option<NaiveDate>),
    pub same_person: bool,
}

/// Reads the tuning set: CSV rows `listed_name,listed_company,listed_born,visitor_name,
/// visitor_company,visitor_born,same_person` under a header line.
pub fn labelled_pairs(csv: &str) -> Vec<LabelledPair> {
    let optional = |field: &str| (!field.is_empty()).then(|| field.to_owned());
    let born = |field: &str| NaiveDate::parse_from_str(field, "%Y-%m-%d").ok();
    csv.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            assert_eq!(fields.len(), 7, "a tuning row has seven fields: {line}");
            LabelledPair {
                listed: (fields[0].to_owned(), optional(fields[1]), born(fields[2])),
                visitor: (fields[3].to_owned(), optional(fields[4]), born(fields[5])),
                same_person: fields[6] == "1",
            }
        })
        .collect()
}

impl LabelledPair {
    /// Whether the matcher takes the two for one person.
    pub fn is_hit(&self) -> bool {
        let person = |(name, company, born): &(String, Option<String>, Option<NaiveDate>)| {
            Person::new(name, None, company.as_deref(), *born)
        };
        matches(&person(&self.visitor), &person(&self.listed)).is_some()
    }
}

/// Precision and recall of [`matches`] (by name, no email) over labelled pairs.
pub fn precision_recall(pairs: &[LabelledPair]) -> (f64, f64) {
    let (mut true_hits, mut false_hits, mut missed) = (0u32, 0u32, 0u32);
    for pair in pairs {
        match (pair.is_hit(), pair.same_person) {
            (true, true) => true_hits += 1,
            (true, false) => false_hits += 1,
            (false, true) => missed += 1,
            (false, false) => {}
        }
    }
    let ratio = |a: u32, b: u32| {
        if a + b == 0 {
            1.0
        } else {
            f64::from(a) / f64::from(a + b)
        }
    };
    (ratio(true_hits, false_hits), ratio(true_hits, missed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Person {
        Person::new(name, Some("visitor@example.com"), None, None)
    }

    fn listed(name: &str) -> Person {
        Person::new(name, None, None, None)
    }

    #[test]
    fn the_same_email_is_a_hit_whatever_the_name_and_case() {
        let entry = Person::new(
            "Maximilian Payne",
            Some(" Max.Payne@Example.com "),
            None,
            None,
        );
        let visitor = Person::new("M. P.", Some("max.payne@example.com"), None, None);
        assert_eq!(matches(&visitor, &entry), Some(Hit::Email));
    }

    #[test]
    fn a_name_matches_through_accents_order_typos_and_middle_names() {
        for (visitor, entry) in [
            ("Jürgen Müller", "Juergen Mueller"),
            ("Weber, Jonas", "Jonas Weber"),
            ("Jonas Webber", "Jonas Weber"),
            ("José María de la Cruz", "José Cruz"),
            ("Søren Kierkegaard", "Soren Kierkegaard"),
            ("Bob Williams", "Robert Williams"),
        ] {
            assert!(
                matches(&named(visitor), &listed(entry)).is_some(),
                "{visitor} should match {entry}"
            );
        }
    }

    #[test]
    fn different_people_with_alike_names_are_not_hits() {
        for (visitor, entry) in [
            ("Jonas Weber", "Jonas Becker"),
            ("Anna Schmidt", "Hannah Schmitz"),
            ("Li Wei", "Li Na"),
            ("Nguyen Van Binh", "Nguyen Van An"),
            ("Jean-Paul Picard", "Jean-Luc Picard"),
        ] {
            assert_eq!(
                matches(&named(visitor), &listed(entry)),
                None,
                "{visitor} is not {entry}"
            );
        }
    }

    #[test]
    fn a_different_date_of_birth_clears_an_alike_name_and_the_same_one_or_company_confirms_it() {
        let born = NaiveDate::from_ymd_opt(1980, 5, 17);
        let entry = Person::new("Jonathan Weber", None, None, born);
        let other_day = Person::new(
            "Jonathan Weber",
            None,
            None,
            NaiveDate::from_ymd_opt(1991, 2, 3),
        );
        assert_eq!(matches(&other_day, &entry), None);
        // "Jon Weber" alone is not close enough; with the same birthday or company it is.
        assert_eq!(
            matches(&named("Jon Weber"), &listed("Jonathan Weber")),
            None
        );
        let same_day = Person::new("Jon Weber", None, None, born);
        assert!(matches(&same_day, &entry).is_some());
        let entry = Person::new("Jonathan Weber", None, Some("Acme GmbH"), None);
        let same_company = Person::new("Jon Weber", None, Some("ACME GmbH"), None);
        assert!(matches(&same_company, &entry).is_some());
    }

    #[test]
    fn screening_returns_an_email_hit_before_any_name_hit() {
        let entries = [
            ("by name", Person::new("Jonas Weber", None, None, None)),
            (
                "by email",
                Person::new("Someone Else", Some("jonas@example.com"), None, None),
            ),
        ];
        let visitor = Person::new("Jonas Weber", Some("jonas@example.com"), None, None);
        let (entry, hit) = screen(
            &visitor,
            entries.iter().map(|(label, person)| (label, person)),
        )
        .expect("a hit");
        assert_eq!((*entry, hit), ("by email", Hit::Email));
    }

    #[test]
    fn the_thresholds_keep_precision_and_recall_on_the_tuning_set() {
        let pairs = labelled_pairs(include_str!("../benches/screening_pairs.csv"));
        assert!(pairs.len() >= 100, "a tuning set worth the name");
        let (precision, recall) = precision_recall(&pairs);
        assert!(precision >= 0.9, "precision {precision:.3}");
        assert!(recall >= 0.9, "recall {recall:.3}");
    }
}
