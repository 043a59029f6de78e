//! Finding the host a visitor without an invitation asks for, in the directory the kiosk keeps:
//! every word typed must start one of the host's names, so "han ho" finds Hanna Host.

use gatehouse_core::wire::KioskHost;

use crate::visitors;

/// The fewest letters a search needs, and the most hosts it shows.
const SHORTEST_SEARCH: usize = 2;
const MOST_HOSTS: usize = 8;
/// Longer than any name; anything longer is not a search.
const LONGEST_SEARCH: usize = 100;

/// The hosts whose names start with what the visitor typed, at most [`MOST_HOSTS`]; the same
/// match as the visitor search ([`visitors::matches`]).
pub fn find(hosts: &[KioskHost], typed: &str) -> Vec<KioskHost> {
    let letters = typed.chars().filter(|c| c.is_alphanumeric()).count();
    if letters < SHORTEST_SEARCH || typed.len() > LONGEST_SEARCH {
        return Vec::new();
    }
    hosts
        .iter()
        .filter(|host| visitors::matches(typed, &host.name))
        .take(MOST_HOSTS)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory(names: &[&str]) -> Vec<KioskHost> {
        names
            .iter()
            .map(|name| KioskHost {
                id: gatehouse_core::UserId::from(uuid::Uuid::now_v7()),
                name: (*name).to_owned(),
                organisation: "Northwind Labs".to_owned(),
            })
            .collect()
    }

    fn names(found: &[KioskHost]) -> Vec<&str> {
        found.iter().map(|host| host.name.as_str()).collect()
    }

    #[test]
    fn every_word_typed_starts_one_of_the_hosts_names() {
        let hosts = directory(&["Hanna Host", "Hans Huber", "Tomás Ortega"]);
        assert_eq!(names(&find(&hosts, "han")), ["Hanna Host", "Hans Huber"]);
        assert_eq!(names(&find(&hosts, "han ho")), ["Hanna Host"]);
        assert_eq!(names(&find(&hosts, "HUBER")), ["Hans Huber"]);
        assert_eq!(names(&find(&hosts, "  tomás  ")), ["Tomás Ortega"]);
    }

    #[test]
    fn the_middle_of_a_name_a_single_letter_or_a_wall_of_text_finds_nobody() {
        let hosts = directory(&["Hanna Host"]);
        assert!(find(&hosts, "anna").is_empty());
        assert!(find(&hosts, "h").is_empty());
        assert!(find(&hosts, "h .").is_empty());
        assert!(find(&hosts, &"h".repeat(101)).is_empty());
    }

    #[test]
    fn a_search_shows_at_most_eight_hosts() {
        let many: Vec<String> = (0..20).map(|n| format!("Anna Nummer{n}")).collect();
        let hosts = directory(&many.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(find(&hosts, "anna").len(), 8);
    }
}
