//! The site's settings — its facility, occupancies and visitor categories — as one value, read
//! from the database at most every two seconds per process: every invitation needs them and they
//! change rarely. A change made through this process is seen at once; one made through another
//! cloud process (PostgreSQL behind a load balancer) within two seconds.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use gatehouse_core::{Category, CategoryKind, FacilityId, OccupancyId};

use crate::{
    Database,
    store::{Facility, Occupancy, StoreError},
};

const FRESH_FOR: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub struct Site {
    pub facility: Facility,
    pub occupancies: Vec<Occupancy>,
    /// Every predefined category, as this site has set it up.
    pub categories: Vec<Category>,
}

impl Site {
    pub fn category(&self, kind: CategoryKind) -> &Category {
        self.categories
            .iter()
            .find(|c| c.kind == kind)
            .expect("the store lists every category kind")
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
