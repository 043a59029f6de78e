//! The site's settings — its facility, occupancies, visitor categories and what each
//! organisation chose for itself — as one value, read
//! from the database at most every two seconds per process: every invitation needs them and they
//! change rarely. A change made through this process is seen at once; one made through another
//! cloud process (PostgreSQL behind a load balancer) within two seconds.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use gatehouse_core::{Category, CategoryKind, FacilityId, OccupancyId, zones::ZoneMap};

use crate::{
    Database,
    store::{Facility, Occupancy, Organisation, StoreError},
};

const FRESH_FOR: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub struct Site {
    pub facility: Facility,
    pub occupancies: Vec<Occupancy>,
    /// Every predefined category, as this site has set it up: the defaults.
    pub categories: Vec<Category>,
    /// What each occupancy chose over the defaults.
    pub organisations: HashMap<OccupancyId, Organisation>,
    /// The building's zones, doors and rooms, as last saved: what door readers, kiosks and
    /// guests are answered from (a change is checked against the stored one).
    pub zone_map: ZoneMap,
}

impl Site {
    /// The facility's default for `kind`.
    pub fn default_category(&self, kind: CategoryKind) -> &Category {
        self.categories
            .iter()
            .find(|c| c.kind == kind)
            .expect("the store lists every category kind")
    }

    /// `kind` as the organisation `occupancy` uses it.
    pub fn category(&self, occupancy: OccupancyId, kind: CategoryKind) -> Category {
        let choice = self
            .organisations
            .get(&occupancy)
            .and_then(|o| o.categories.iter().find(|c| c.kind == kind));
        self.default_category(kind).as_chosen(choice)
    }

    /// Every category as the organisation `occupancy` uses it.
    pub fn categories_of(&self, occupancy: OccupancyId) -> Vec<Category> {
        CategoryKind::ALL
            .into_iter()
            .map(|kind| self.category(occupancy, kind))
            .collect()
    }

    /// Told of every invitation of `occupancy` that needs approval: the building's security
    /// address and the organisation's own, each once.
    pub fn security_emails(&self, occupancy: OccupancyId) -> Vec<String> {
        let own = self
            .organisations
            .get(&occupancy)
            .map_or(&[][..], |o| &o.security_emails[..]);
        let mut emails: Vec<String> = Vec::new();
        for email in self.facility.security_email.iter().chain(own) {
            let email = email.as_str().to_owned();
            if !emails.contains(&email) {
                emails.push(email);
            }
        }
        emails
    }

    pub fn occupancy(&self, id: OccupancyId) -> Option<&Occupancy> {
        self.occupancies.iter().find(|o| o.id == id)
    }
}

#[derive(Debug, Default)]
pub struct SiteCache {
    sites: Mutex<HashMap<FacilityId, (Instant, Arc<Site>)>>,
}

impl SiteCache {
    /// The site of `facility`, from memory if read less than two seconds ago.
    pub async fn get(
        &self,
        database: &Database,
        facility: FacilityId,
    ) -> Result<Option<Arc<Site>>, StoreError> {
        if let Some((read_at, site)) = self.sites.lock().expect("site cache lock").get(&facility)
            && read_at.elapsed() < FRESH_FOR
        {
            return Ok(Some(site.clone()));
        }
        let Some(found) = database.facility(facility).await? else {
            return Ok(None);
        };
        let site = Arc::new(Site {
            occupancies: database.occupancies(facility).await?,
            categories: database.categories(facility).await?,
            organisations: database.organisations(facility).await?,
            zone_map: database.zone_map(facility).await?.1,
            facility: found,
        });
        self.sites
            .lock()
            .expect("site cache lock")
            .insert(facility, (Instant::now(), site.clone()));
        Ok(Some(site))
    }

    /// Drops what is kept of `facility`, after this process changed its settings.
    pub fn forget(&self, facility: FacilityId) {
        self.sites
            .lock()
            .expect("site cache lock")
            .remove(&facility);
    }
}
