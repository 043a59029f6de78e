//! The outbox worker: sends due messages, retries failures with exponential backoff, and never
//! blocks an API request. Several cloud processes may run it against one database.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::Notify;

use super::{Mailer, OutgoingEmail};
use crate::{Clock, Database};

/// How long one attempt may hold a message before another worker may try it.
const LEASE: TimeDelta = TimeDelta::seconds(120);
/// How often to look for due messages when nobody wakes the worker.
const POLL: Duration = Duration::from_millis(500);
const LONGEST_BACKOFF_SECONDS: i64 = 3600;
/// Messages claimed at once.
const BATCH: i64 = 50;

/// When to try again after `attempts` failures: 2, 4, 8 … seconds, at most an hour.
pub fn retry_at(now: DateTime<Utc>, attempts: i64) -> DateTime<Utc> {
    let exponent = u32::try_from(attempts.clamp(0, 12)).unwrap_or(12);
    let seconds = 2_i64
        .saturating_pow(exponent + 1)
        .min(LONGEST_BACKOFF_SECONDS);
    now + TimeDelta::seconds(seconds)
}

/// Sends what is due once; returns how many messages went out. Sent messages are recorded
/// together after the batch (one write instead of one per message); a process that dies before
/// that sends them again once their lease runs out.
pub async fn send_due(database: &Database, mailer: &Mailer, clock: &Clock) -> usize {
    let now = clock.now();
    let claimed = match database.claim_outbox(now, now + LEASE, BATCH).await {
        Ok(claimed) => claimed,
        Err(error) => {
            tracing::warn!(%error, "outbox: cannot read due messages");
            return 0;
        }
    };
    let mut sent = Vec::with_capacity(claimed.len());
    for message in claimed {
        let result = match message.item.kind.as_str() {
            "email" => match message.item.decode::<OutgoingEmail>() {
                Ok(email) => mailer
                    .send(&email, &message.id.to_string())
                    .await
                    .map_err(|e| e.to_string()),
                Err(error) => Err(format!("unreadable email: {error}")),
            },
            other => Err(format!("unknown outbox message kind {other:?}")),
        };
        if let Err(error) = result {
            tracing::warn!(id = %message.id, attempts = message.attempts + 1, %error, "outbox: sending failed");
            let retry = retry_at(clock.now(), message.attempts + 1);
            if let Err(error) = database.outbox_failed(message.id, &error, retry).await {
                tracing::warn!(id = %message.id, %error, "outbox: cannot record the attempt");
            }
        } else {
            sent.push(message.id);
        }
    }
    if let Err(error) = database.outbox_sent(&sent, clock.now()).await {
        tracing::warn!(%error, count = sent.len(), "outbox: cannot record sent messages");
    }
    sent.len()
}

/// Runs until the process stops: sends due messages whenever woken or every half second.
pub async fn run(database: Database, mailer: Mailer, clock: Clock, wake: std::sync::Arc<Notify>) {
    loop {
        while send_due(&database, &mailer, &clock).await > 0 {}
        tokio::select! {
            () = wake.notified() => {},
            () = tokio::time::sleep(POLL) => {},
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_at_an_hour() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let delay = |attempts| (retry_at(now, attempts) - now).num_seconds();
        assert_eq!([delay(0), delay(1), delay(2), delay(3)], [2, 4, 8, 16]);
        assert_eq!(delay(30), 3600);
    }
}
