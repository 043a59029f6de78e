//! Visitors without an invitation: finding the host they ask for in the directory the kiosk
//! keeps (by their whole first or last name, or both: "Hanna", "Host" or "hanna host" finds
//! Hanna Host, "han" nobody, so the directory cannot be listed letter by letter), and
//! registering them with the cloud, which makes it an invitation under its rules.

use gatehouse_core::{
    CategoryKind,
    wire::{KioskHost, KioskWalkIn},
};

use gatehouse_core::proof;

use crate::{KioskError, kiosk::Kiosk, visitors::VisitorView};

/// The most hosts a search shows.
const MOST_HOSTS: usize = 8;
/// Longer than any name; anything longer is not a search.
const LONGEST_SEARCH: usize = 100;

/// The hosts the visitor named ([`proof::names_host`]), at most [`MOST_HOSTS`].
pub fn find(hosts: &[KioskHost], typed: &str) -> Vec<KioskHost> {
    if typed.len() > LONGEST_SEARCH {
        return Vec::new();
    }
    hosts
        .iter()
        .filter(|host| proof::names_host(typed, &host.name))
        .take(MOST_HOSTS)
        .cloned()
        .collect()
}

impl Kiosk {
    /// The hosts the visitor named, from the directory this kiosk keeps.
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
        let now = self.clock.now();
        self.possession.shown(invitation.id, now);
        Ok(VisitorView::of(&invitation, now, self.time_zone().await?))
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
    fn a_host_is_found_by_their_whole_first_or_last_name() {
        let hosts = directory(&["Hanna Host", "Hans Huber", "Tomás Ortega"]);
        assert_eq!(names(&find(&hosts, "hanna")), ["Hanna Host"]);
        assert_eq!(names(&find(&hosts, "hanna host")), ["Hanna Host"]);
        assert_eq!(names(&find(&hosts, "HUBER")), ["Hans Huber"]);
        assert_eq!(names(&find(&hosts, "  tomas  ")), ["Tomás Ortega"]);
    }

    #[test]
    fn a_fragment_a_letter_per_word_or_a_wall_of_text_finds_nobody() {
        let hosts = directory(&["Hanna Host", "A A"]);
        for typed in ["han", "han ho", "anna", "h", "h .", "a a", "a"] {
            assert!(
                !names(&find(&hosts, typed)).contains(&"Hanna Host"),
                "{typed}"
            );
        }
        assert!(find(&hosts, &"h".repeat(101)).is_empty());
    }

    #[test]
    fn a_search_shows_at_most_eight_hosts() {
        let many: Vec<String> = (0..20).map(|n| format!("Anna Nummer{n}")).collect();
        let hosts = directory(&many.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(find(&hosts, "anna").len(), 8);
    }
}
