//! A code held up to the camera is in many consecutive frames; it is reported once, and again
//! only after it has left the view — so a visitor is never checked in twice by one gesture.
//!
//! "Left the view" means missing from several decoded frames in a row *and* for a moment: frame
//! counts alone fail when decoding falls behind and frames are dropped, time alone when a
//! slow decode spans a blink.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

/// How many decoded frames in a row a code must be missing from …
pub const GONE_AFTER_FRAMES: u32 = 3;
/// … and for how long, before it counts as gone.
pub const GONE_AFTER: Duration = Duration::from_millis(400);

#[derive(Debug, Default)]
pub struct Debouncer {
    /// Codes in view: for how many frames in a row each has been missing, and when last seen.
    in_view: HashMap<String, (u32, Instant)>,
}

impl Debouncer {
    /// Takes the codes seen in one frame decoded at `now`; returns those that just came into view.
    pub fn frame(&mut self, seen: &[String], now: Instant) -> Vec<String> {
        for (missing, _) in self.in_view.values_mut() {
            *missing += 1;
        }
        let mut new = Vec::new();
        for code in seen {
            if self.in_view.insert(code.clone(), (0, now)).is_none() {
                new.push(code.clone());
            }
        }
        self.in_view.retain(|_, (missing, last_seen)| {
            *missing < GONE_AFTER_FRAMES || now.duration_since(*last_seen) < GONE_AFTER
        });
        new
    }

    /// The codes in view now (seen lately, not yet gone), sorted.
    pub fn in_view(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.in_view.keys().cloned().collect();
        codes.sort();
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Feed {
        debouncer: Debouncer,
        now: Instant,
    }

    impl Feed {
        fn new() -> Self {
            Self {
                debouncer: Debouncer::default(),
                now: Instant::now(),
            }
        }

        /// One frame, 50 ms after the last.
        fn frame(&mut self, codes: &[&str]) -> Vec<String> {
            self.now += Duration::from_millis(50);
            let seen: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
            self.debouncer.frame(&seen, self.now)
        }
    }

    #[test]
    fn a_code_stays_in_view_until_it_is_gone() {
        let mut feed = Feed::new();
        feed.frame(&["GH1.a"]);
        feed.frame(&["GH1.a", "GH1.b"]);
        assert_eq!(feed.debouncer.in_view(), ["GH1.a", "GH1.b"]);
        for _ in 0..10 {
            feed.frame(&["GH1.b"]);
        }
        assert_eq!(feed.debouncer.in_view(), ["GH1.b"]);
    }

    #[test]
    fn a_code_in_consecutive_frames_is_reported_once() {
        let mut feed = Feed::new();
        assert_eq!(feed.frame(&["GH1.a"]), ["GH1.a"]);
        for _ in 0..30 {
            assert!(feed.frame(&["GH1.a"]).is_empty());
        }
    }

    #[test]
    fn a_code_missed_for_a_few_frames_is_not_reported_again() {
        let mut feed = Feed::new();
        feed.frame(&["GH1.a"]);
        for _ in 0..4 {
            feed.frame(&[]); // 200 ms of blur
        }
        assert!(
            feed.frame(&["GH1.a"]).is_empty(),
            "a blurred moment is not leaving"
        );
    }

    #[test]
    fn a_code_that_left_the_view_is_reported_when_it_returns() {
        let mut feed = Feed::new();
        feed.frame(&["GH1.a"]);
        for _ in 0..9 {
            feed.frame(&[]); // 450 ms away
        }
        assert_eq!(feed.frame(&["GH1.a"]), ["GH1.a"]);
    }

    #[test]
    fn a_slow_decoder_does_not_lose_a_code_between_two_frames() {
        let mut debouncer = Debouncer::default();
        let start = Instant::now();
        let seen = ["GH1.a".to_owned()];
        assert_eq!(debouncer.frame(&seen, start), seen);
        // One empty frame a second later (a dropped or blurred frame), then the code again.
        debouncer.frame(&[], start + Duration::from_secs(1));
        assert!(
            debouncer
                .frame(&seen, start + Duration::from_secs(2))
                .is_empty()
        );
    }

    #[test]
    fn two_codes_are_tracked_apart() {
        let mut feed = Feed::new();
        assert_eq!(feed.frame(&["GH1.a"]), ["GH1.a"]);
        assert_eq!(feed.frame(&["GH1.a", "GH1.b"]), ["GH1.b"]);
    }
}
