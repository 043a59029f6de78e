//! Group commit for invitations: one task (SQLite) or eight (PostgreSQL) write every new
//! invitation and every approval decision, each committing the writes of the requests that
//! arrived together in one transaction.
//!
//! Under load most of a write's cost is the transaction around it — `BEGIN` and `COMMIT` are
//! round trips of their own (to PostgreSQL, or to sqlx's thread for an SQLite connection), and a
//! commit flushes the write-ahead log — and on SQLite, writers waiting for each other's lock.
//! Here a request's writes wait until the writes before them are committed, then go with
//! whatever else has arrived meanwhile. A request is answered only after its transaction
//! committed; if a batch fails, each of its writes is tried again on its own, so one bad write
//! never fails another request's. Before: 830–870 pairs per second on SQLite, after 1,150–1,400
//! (`cargo bench -p gatehouse-cloud --bench api`).

use std::sync::Arc;

use tokio::sync::{Mutex, OwnedMutexGuard, mpsc, oneshot};

use super::{InvitationWrite, StoreError};
use crate::Database;

/// The most writes committed in one transaction.
const MOST_AT_ONCE: usize = 64;
/// The most writes waiting for their turn. A request whose write finds the queue full is
/// answered 503 at once (`StoreError::Busy`) rather than waiting behind thousands of others while
/// its memory and its client's patience run out: at the benchmark's 1,150–1,400 writes a second,
/// a full queue is about three seconds of work.
pub const MOST_WAITING: usize = 4096;
/// Transactions written at once on PostgreSQL, each on its own connection (half the pool).
/// Measured with the cloud benchmark: 2 gave 890–960 create + approve pairs per second, 4 gave
/// 960–1,070, 8 gave 1,240–1,250 (the emails then trail a burst by a few seconds). SQLite has
/// one writer at a time, so one task writes there.
const POSTGRES_WRITERS: usize = 8;

type Job = (InvitationWrite, oneshot::Sender<Result<bool, StoreError>>);
type Queue = Arc<Mutex<mpsc::Receiver<Job>>>;

/// On SQLite, the turn to write (a fair lock); on PostgreSQL, whose writers do not block each
/// other, none.
#[derive(Debug, Clone, Default)]
struct Turn(Option<Arc<Mutex<()>>>);

impl Turn {
    async fn take(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.0 {
            Some(turn) => Some(turn.clone().lock_owned().await),
            None => None,
        }
    }
}

/// The queue to the writing tasks; they stop when the last handle is dropped.
#[derive(Debug, Clone)]
pub struct InvitationWriter {
    jobs: mpsc::Sender<Job>,
    turn: Turn,
}

impl InvitationWriter {
    /// Starts the writing tasks on the current tokio runtime.
    pub fn start(database: &Database) -> Self {
        Self::start_waiting_at_most(database, MOST_WAITING)
    }

    /// [`start`](Self::start), with at most `waiting` writes waiting for their turn.
    pub fn start_waiting_at_most(database: &Database, waiting: usize) -> Self {
        let (jobs, queue) = mpsc::channel(waiting);
        let queue = Arc::new(Mutex::new(queue));
        let (writers, turn) = match database {
            Database::Sqlite(_) => (1, Turn(Some(Arc::default()))),
            Database::Postgres(_) => (POSTGRES_WRITERS, Turn::default()),
        };
        let writer = Self { jobs, turn };
        for _ in 0..writers {
            tokio::spawn(run(database.clone(), queue.clone(), writer.turn.clone()));
        }
        writer
    }

    /// On SQLite, the turn to write: other writers of this process (the outbox worker) take it
    /// too, so that they queue in order instead of sleeping in SQLite's busy handler while this
    /// task commits batch after batch. `None` on PostgreSQL, whose writers do not block each
    /// other.
    pub async fn turn(&self) -> Option<OwnedMutexGuard<()>> {
        self.turn.take().await
    }

    /// Commits `write`; whether it changed anything (see [`Database::writes`]).
    pub async fn write(&self, write: InvitationWrite) -> Result<bool, StoreError> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .try_send((write, done))
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => StoreError::Busy,
                mpsc::error::TrySendError::Closed(_) => StoreError::Stopped,
            })?;
        answer.await.map_err(|_| StoreError::Stopped)?
    }
}

async fn run(database: Database, queue: Queue, turn: Turn) {
    let mut batch = Vec::with_capacity(MOST_AT_ONCE);
    while queue.lock().await.recv_many(&mut batch, MOST_AT_ONCE).await > 0 {
        let _turn = turn.take().await;
        let writes: Vec<&InvitationWrite> = batch.iter().map(|(write, _)| write).collect();
        match database.writes(&writes).await {
            Ok(applied) => {
                for ((_, done), applied) in batch.drain(..).zip(applied) {
                    let _ = done.send(Ok(applied));
                }
            }
            Err(error) if batch.len() == 1 => {
                if let Some((_, done)) = batch.pop() {
                    let _ = done.send(Err(error));
                }
            }
            Err(error) => {
                tracing::debug!(%error, count = batch.len(), "a batch of writes failed; writing each on its own");
                for (write, done) in batch.drain(..) {
                    let _ = done.send(database.writes(&[&write]).await.map(|applied| applied[0]));
                }
            }
        }
    }
}
