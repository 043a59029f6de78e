//! The change streams each kiosk holds open: at most [`MOST_PER_KIOSK`]. A kiosk opening one
//! more ends its oldest — a kiosk that restarted, whose old connection nobody knows to be dead
//! yet, is never locked out — so one device, or a stolen device token, holds only so many
//! connections open.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use gatehouse_core::KioskId;
use tokio::sync::oneshot;

pub const MOST_PER_KIOSK: usize = 2;

type Open = HashMap<KioskId, Vec<(u64, oneshot::Sender<()>)>>;

#[derive(Debug, Default)]
pub struct OpenStreams {
    open: Mutex<Open>,
    next: AtomicU64,
}

/// One open stream: it ends when `ended` fires (a newer stream of its kiosk took its place);
/// dropped, it makes room.
#[derive(Debug)]
pub struct StreamSlot {
    streams: Arc<OpenStreams>,
    kiosk: KioskId,
    id: u64,
    pub ended: oneshot::Receiver<()>,
}

impl OpenStreams {
    /// A slot for a new stream of `kiosk`, ending its oldest if it holds the most already.
    pub fn open(self: &Arc<Self>, kiosk: KioskId) -> StreamSlot {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (end, ended) = oneshot::channel();
        let mut open = self.lock();
        let of_kiosk = open.entry(kiosk).or_default();
        while of_kiosk.len() >= MOST_PER_KIOSK {
            let (_, oldest) = of_kiosk.remove(0);
            let _ = oldest.send(());
        }
        of_kiosk.push((id, end));
        StreamSlot {
            streams: self.clone(),
            kiosk,
            id,
            ended,
        }
    }

    /// How many streams `kiosk` holds open.
    pub fn count(&self, kiosk: KioskId) -> usize {
        self.lock().get(&kiosk).map_or(0, Vec::len)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().expect("open streams lock")
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.lock();
        if let Some(of_kiosk) = open.get_mut(&self.kiosk) {
            of_kiosk.retain(|(id, _)| *id != self.id);
            if of_kiosk.is_empty() {
                open.remove(&self.kiosk);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kiosk_opening_a_third_stream_ends_its_oldest() {
        let streams = Arc::new(OpenStreams::default());
        let kiosk = KioskId(uuid::Uuid::from_u128(1));
        let mut first = streams.open(kiosk);
        let mut second = streams.open(kiosk);
        let mut third = streams.open(kiosk);
        assert_eq!(first.ended.try_recv(), Ok(()));
        assert!(second.ended.try_recv().is_err());
        assert!(third.ended.try_recv().is_err());
        assert_eq!(streams.count(kiosk), 2);
        drop((first, second, third));
        assert_eq!(streams.count(kiosk), 0, "closed streams make room");
    }
}
