//! Webhook signatures, checked over the raw bytes received (never a re-serialised body), in
//! constant time, within a symmetric window around the cloud's clock.

use chrono::{DateTime, Utc};
use gatehouse_core::digest::hex;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

/// How far a signature's time may be from the cloud's, either way.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the webhook is not signed")]
    Missing,
    #[error("the webhook's signature header cannot be read")]
    Malformed,
    #[error(
        "the webhook was signed more than five minutes from now: a replay, or a clock that is off"
    )]
    Stale,
    #[error("the webhook's signature does not match its body")]
    Wrong,
}

fn mac(secret: &str) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length")
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// UniFi Access's `Signature` header for `body` sent at `t`: `t=<t>,v1=<hex HMAC-SHA256 of
/// "<t>.<body>">`.
pub fn unifi_header(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},v1={}", hex(&mac.finalize().into_bytes()))
}

/// Checks UniFi Access's `Signature` header on `body`.
pub fn verify_unifi(
    header: Option<&str>,
    secret: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = unhex(value),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return Err(SignatureError::Malformed);
    };
    if (now.timestamp() - t).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let mut mac = mac(secret);
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.verify_slice(&v1).map_err(|_| SignatureError::Wrong)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"event":"access.door.unlock","event_object_id":"4a98"}"#;

    #[test]
    fn a_unifi_signature_is_over_the_time_a_dot_and_the_raw_body() {
        let now = DateTime::from_timestamp(1_695_902_233, 0).unwrap();
        let header = unifi_header("6601f1243d2ff70f", 1_695_902_233, BODY);
        assert!(header.starts_with("t=1695902233,v1="));
        assert_eq!(
            verify_unifi(Some(&header), "6601f1243d2ff70f", BODY, now),
            Ok(())
        );
        // The body alone signed (the mistake aiounifiaccess fixed) does not pass.
        let mut body_only = mac("6601f1243d2ff70f");
        body_only.update(BODY);
        let wrong = format!(
            "t=1695902233,v1={}",
            hex(&body_only.finalize().into_bytes())
        );
        assert_eq!(
            verify_unifi(Some(&wrong), "6601f1243d2ff70f", BODY, now),
            Err(SignatureError::Wrong)
        );
    }

    #[test]
    fn a_unifi_signature_is_refused_outside_five_minutes_either_way_and_when_unreadable() {
        let header = unifi_header("s", 1_000_000, BODY);
        for off in [-301, 301] {
            let now = DateTime::from_timestamp(1_000_000 + off, 0).unwrap();
            assert_eq!(
                verify_unifi(Some(&header), "s", BODY, now),
                Err(SignatureError::Stale)
            );
        }
        let now = DateTime::from_timestamp(1_000_000 + 300, 0).unwrap();
        assert_eq!(verify_unifi(Some(&header), "s", BODY, now), Ok(()));
        assert_eq!(
            verify_unifi(None, "s", BODY, now),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_unifi(Some("v1=zz"), "s", BODY, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_unifi(Some(&header), "other", BODY, now),
            Err(SignatureError::Wrong)
        );
    }
}
