//! Visitors without an invitation: finding the host they ask for in the directory the kiosk
//! keeps (every word typed must start one of the host's names, so "han ho" finds Hanna Host),
//! and registering them with the cloud, which makes it an invitation under its rules.

use gatehouse_core::{
    CategoryKind,
    wire::{KioskHost, KioskWalkIn},
};

use crate::{
    KioskError,
    kiosk::Kiosk,
    visitors::{self, VisitorView},
};

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

impl Kiosk {
    /// The hosts whose names start with what the visitor typed, from the directory this kiosk
    /// keeps.
    pub async fn find_hosts(&self, query: &str) -> Result<Vec<KioskHost>, KioskError> {
        let directory = self.store.directory().await?;
        Ok(directory.map_or_else(Vec::new, |(_, directory)| find(&directory.hosts, query)))
    }

    /// The categories a walk-in may choose here, from the directory this kiosk keeps.
    pub async fn walk_in_categories(&self) -> Result<Vec<CategoryKind>, KioskError> {
        let directory = self.store.directory().await?;
        Ok(directory.map_or_else(Vec::new, |(_, directory)| directory.categories))
    }

    /// Registers a walk-in with the cloud (it must be reachable); the answer says whether they
    /// may go on or must wait for approval.
    pub async fn register_walk_in(&self, walk_in: &KioskWalkIn) -> Result<VisitorView, KioskError> {
        let invitation = self
            .cloud
            .walk_in(&self.store.device_token().await?, walk_in)
            .await?;
        self.store.keep(&invitation).await?;
        Ok(VisitorView::of(
            &invitation,
            self.clock.now(),
            self.time_zone().await?,
        ))
    }
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
