//! The outbox worker: sends due messages, retries failures with exponential backoff, and never
//! blocks an API request. Several cloud processes may run it against one database.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt as _;
use tokio::sync::Notify;

use super::{Mailer, OutgoingEmail};
use crate::{
    Clock, Database,
    store::{Claimed, Family, InvitationWriter},
};

/// How long one attempt may hold a message before another worker may try it.
const LEASE: TimeDelta = TimeDelta::seconds(120);
/// How often to look for due messages when nobody wakes the worker.
const POLL: Duration = Duration::from_millis(500);
const LONGEST_BACKOFF_SECONDS: i64 = 3600;
/// Messages claimed at once.
const BATCH: i64 = 50;
/// Messages sent at once (over as many SMTP connections): each waits on the mail server's
/// answers, and under load on its turn among the API's requests, so one at a time cannot keep
/// up with a busy lobby.
const SENT_AT_ONCE: usize = 8;

/// When to try again after `attempts` failures: 2, 4, 8 … seconds, at most an hour.
pub fn retry_at(now: DateTime<Utc>, attempts: i64) -> DateTime<Utc> {
    let exponent = u32::try_from(attempts.clamp(0, 12)).unwrap_or(12);
    let seconds = 2_i64
        .saturating_pow(exponent + 1)
        .min(LONGEST_BACKOFF_SECONDS);
    now + TimeDelta::seconds(seconds)
}

/// Sends what is due once; returns how many messages went out. Each message is recorded sent as
/// soon as the mail server accepted it, so a process that dies resends at most the messages it
/// had in flight (at most [`SENT_AT_ONCE`]), each under the same `Message-ID`, once their lease
/// runs out. Its writes take their turn with the invitation `writer`'s.
pub async fn send_due(
    database: &Database,
    writer: &InvitationWriter,
    mailer: &Mailer,
    clock: &Clock,
) -> usize {
    let now = clock.now();
    let turn = writer.turn().await;
    let claimed = database
        .claim_outbox(Family::Email, now, now + LEASE, BATCH)
        .await;
    drop(turn);
    let claimed = match claimed {
        Ok(claimed) => claimed,
        Err(error) => {
            tracing::warn!(%error, "outbox: cannot read due messages");
            return 0;
        }
    };
    futures::stream::iter(by_recipients(claimed))
        .map(|queue| async move {
            let mut sent = 0;
            for (message, email) in queue {
                let result = match email {
                    Ok(email) => mailer
                        .send(&email, &message.id.to_string())
                        .await
                        .map_err(|e| e.to_string()),
                    Err(error) => Err(error),
                };
                let recorded = match result {
                    Ok(()) => {
                        sent += 1;
                        let _turn = writer.turn().await;
                        database.outbox_sent(message.id, clock.now()).await
                    }
                    Err(error) => {
                        tracing::warn!(id = %message.id, attempts = message.attempts + 1, %error, "outbox: sending failed");
                        let retry = retry_at(clock.now(), message.attempts + 1);
                        let _turn = writer.turn().await;
                        database.outbox_failed(message.id, &error, retry).await
                    }
                };
                if let Err(error) = recorded {
                    tracing::warn!(id = %message.id, %error, "outbox: cannot record the attempt");
                }
            }
            sent
        })
        .buffer_unordered(SENT_AT_ONCE)
        .fold(0, |all, sent| async move { all + sent })
        .await
}

/// The messages in queues, one per set of recipients, each in the order written: a queue's
/// messages are sent one after another (nobody reads "approved" before "pending approval"),
/// different queues at once.
fn by_recipients(claimed: Vec<Claimed>) -> Vec<Vec<Readable>> {
    let mut queues: Vec<(Vec<String>, Vec<Readable>)> = Vec::new();
    for message in claimed {
        let email = read(&message);
        let to = email
            .as_ref()
            .map(|email| email.to.clone())
            .unwrap_or_default();
        match queues.iter_mut().find(|(recipients, _)| *recipients == to) {
            Some((_, queue)) => queue.push((message, email)),
            None => queues.push((to, vec![(message, email)])),
        }
    }
    queues.into_iter().map(|(_, queue)| queue).collect()
}

/// A claimed message and the email it holds, if it could be read.
type Readable = (Claimed, Result<OutgoingEmail, String>);

/// The email an outbox message holds.
fn read(message: &Claimed) -> Result<OutgoingEmail, String> {
    match message.item.kind.as_str() {
        "email" => message
            .item
            .decode()
            .map_err(|error| format!("unreadable email: {error}")),
        other => Err(format!("unknown outbox message kind {other:?}")),
    }
}

/// Runs until the process stops: sends due messages whenever woken or every half second.
pub async fn run(
    database: Database,
    writer: InvitationWriter,
    mailer: Mailer,
    clock: Clock,
    wake: std::sync::Arc<Notify>,
) {
    loop {
        while send_due(&database, &writer, &mailer, &clock).await > 0 {}
        tokio::select! {
            () = wake.notified() => {},
            () = tokio::time::sleep(POLL) => {},
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email_to(to: &str, subject: &str) -> Claimed {
        let email = OutgoingEmail {
            to: vec![to.to_owned()],
            subject: subject.to_owned(),
            text: String::new(),
            html: String::new(),
            attachments: Vec::new(),
        };
        Claimed {
            id: uuid::Uuid::now_v7(),
            item: crate::store::OutboxItem::new("email", &email),
            attempts: 0,
        }
    }

    #[test]
    fn emails_to_one_recipient_keep_their_order_and_others_go_beside_them() {
        let mut unknown = email_to("host@tower.example", "fax");
        unknown.item.kind = "fax".into();
        let claimed = vec![
            email_to("host@tower.example", "pending"),
            email_to("guest@guest.example", "invitation"),
            email_to("host@tower.example", "approved"),
            unknown,
        ];
        let subjects: Vec<Vec<String>> = by_recipients(claimed)
            .into_iter()
            .map(|queue| {
                queue
                    .into_iter()
                    .map(|(_, email)| email.map_or_else(|error| error, |email| email.subject))
                    .collect()
            })
            .collect();
        assert_eq!(
            subjects,
            [
                vec!["pending".to_owned(), "approved".to_owned()],
                vec!["invitation".to_owned()],
                vec!["unknown outbox message kind \"fax\"".to_owned()],
            ]
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped_at_an_hour() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let delay = |attempts| (retry_at(now, attempts) - now).num_seconds();
        assert_eq!([delay(0), delay(1), delay(2), delay(3)], [2, 4, 8, 16]);
        assert_eq!(delay(30), 3600);
    }
}
