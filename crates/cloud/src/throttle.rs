//! Counting tries per key (a kiosk, an account, a client address) over a sliding window, on the
//! cloud's clock: walk-in registrations per kiosk, failed sign-ins per account and per address.
//! In memory, per process: a restart forgets the counts, which only ever lets someone try again.

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    sync::Mutex,
};

use chrono::{DateTime, TimeDelta, Utc};

/// Keys held at most; beyond this the quietest are forgotten, so a flood of new keys (addresses)
/// cannot grow the map without bound.
const MOST_KEYS: usize = 100_000;

#[derive(Debug)]
pub struct Throttle<K> {
    most: usize,
    within: TimeDelta,
    tries: Mutex<HashMap<K, VecDeque<DateTime<Utc>>>>,
}

/// Too many tries: the next may come in this many seconds (at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl<K: Hash + Eq + Clone> Throttle<K> {
    /// At most `most` tries of one key within `within`.
    pub fn new(most: usize, within: TimeDelta) -> Self {
        Self {
            most,
            within,
            tries: Mutex::default(),
        }
    }

    /// `Err` while `key` has used up its tries; counts nothing.
    pub fn check(&self, key: &K, now: DateTime<Utc>) -> Result<(), RetryAfter> {
        let mut tries = self.tries.lock().expect("throttle lock");
        let Some(seen) = tries.get_mut(key) else {
            return Ok(());
        };
        self.age(seen, now);
        if seen.len() < self.most {
            return Ok(());
        }
        let oldest = seen.front().copied().unwrap_or(now);
        let wait = (oldest + self.within - now).num_seconds().max(1);
        Err(RetryAfter(u64::try_from(wait).unwrap_or(1)))
    }

    /// Counts one try of `key` at `now`.
    pub fn count(&self, key: &K, now: DateTime<Utc>) {
        let mut tries = self.tries.lock().expect("throttle lock");
        if tries.len() >= MOST_KEYS && !tries.contains_key(key) {
            tries.retain(|_, seen| seen.back().is_some_and(|last| now - *last < self.within));
            if tries.len() >= MOST_KEYS {
                tries.clear();
            }
        }
        let seen = tries.entry(key.clone()).or_default();
        self.age(seen, now);
        seen.push_back(now);
    }

    /// [`Throttle::check`], then [`Throttle::count`]: for tries that count whatever their outcome.
    pub fn take(&self, key: &K, now: DateTime<Utc>) -> Result<(), RetryAfter> {
        self.check(key, now)?;
        self.count(key, now);
        Ok(())
    }

    /// Forgets `key`'s tries (a sign-in that worked).
    pub fn clear(&self, key: &K) {
        self.tries.lock().expect("throttle lock").remove(key);
    }

    fn age(&self, seen: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) {
        while seen.front().is_some_and(|at| now - *at >= self.within) {
            seen.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(second: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap() + TimeDelta::seconds(second)
    }

    #[test]
    fn a_key_gets_its_tries_then_waits_until_the_oldest_ages_out() {
        let throttle = Throttle::new(3, TimeDelta::seconds(60));
        for second in 0..3 {
            assert_eq!(throttle.take(&"kiosk", at(second * 10)), Ok(()));
        }
        assert_eq!(throttle.take(&"kiosk", at(30)), Err(RetryAfter(30)));
        assert_eq!(throttle.take(&"other", at(30)), Ok(()), "keys are apart");
        assert_eq!(
            throttle.take(&"kiosk", at(60)),
            Ok(()),
            "the first try aged out"
        );
        throttle.clear(&"kiosk");
        assert_eq!(throttle.check(&"kiosk", at(61)), Ok(()));
    }
}
