//! Webhook signatures, checked over the raw bytes received (never a re-serialised body), in
//! constant time, within a symmetric window around the cloud's clock.

use base64::Engine as _;
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

/// Verkada's `Verkada-Signature` header for `body` sent at `t`: `<t>|<hex HMAC-SHA256 of
/// "<body>|<t>">` — the body first, unlike UniFi.
pub fn verkada_header(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    mac.update(format!("|{t}").as_bytes());
    format!("{t}|{}", hex(&mac.finalize().into_bytes()))
}

/// Checks Verkada's `Verkada-Signature` header on `body`. Verkada signs each retry afresh, so
/// the same five-minute window applies.
pub fn verify_verkada(
    header: Option<&str>,
    secret: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let (t, signature) = header
        .trim()
        .split_once('|')
        .and_then(|(t, signature)| Some((t.parse::<i64>().ok()?, unhex(signature)?)))
        .ok_or(SignatureError::Malformed)?;
    if (now.timestamp() - t).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let mut mac = mac(secret);
    mac.update(body);
    mac.update(format!("|{t}").as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| SignatureError::Wrong)
}

/// A Standard Webhooks secret: `whsec_` and the key's bytes in base64 (at least 16 of them).
#[derive(Clone, PartialEq, Eq)]
pub struct StandardSecret(Vec<u8>);

impl std::fmt::Debug for StandardSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StandardSecret(…)")
    }
}

impl StandardSecret {
    pub fn parse(text: &str) -> Option<Self> {
        let key = base64::engine::general_purpose::STANDARD
            .decode(text.trim().strip_prefix("whsec_")?)
            .ok()?;
        (key.len() >= 16).then_some(Self(key))
    }

    fn signature(&self, id: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(format!("{id}.{t}.").as_bytes());
        mac.update(body);
        mac
    }
}

/// The Standard Webhooks headers for message `id` with `body` sent at `t`: `webhook-id`,
/// `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.t.body">`. (Its
/// reference crate checks the time against the wall clock; Gatehouse's runs on the cloud's.)
pub fn standard_headers(
    secret: &StandardSecret,
    id: &str,
    t: i64,
    body: &[u8],
) -> [(&'static str, String); 3] {
    let signature = base64::engine::general_purpose::STANDARD
        .encode(secret.signature(id, t, body).finalize().into_bytes());
    [
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", t.to_string()),
        ("webhook-signature", format!("v1,{signature}")),
    ]
}

/// Checks Standard Webhooks headers on `body`: any of the space-separated `v1,` signatures
/// may match (a sender rotating its secret sends two).
pub fn verify_standard(
    id: Option<&str>,
    timestamp: Option<&str>,
    signatures: Option<&str>,
    secret: &StandardSecret,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let (Some(id), Some(timestamp), Some(signatures)) = (id, timestamp, signatures) else {
        return Err(SignatureError::Missing);
    };
    let t = timestamp
        .trim()
        .parse::<i64>()
        .map_err(|_| SignatureError::Malformed)?;
    let signatures: Vec<Vec<u8>> = signatures
        .split_whitespace()
        .filter_map(|signature| signature.strip_prefix("v1,"))
        .filter_map(|signature| {
            base64::engine::general_purpose::STANDARD
                .decode(signature)
                .ok()
        })
        .collect();
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now.timestamp() - t).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let mac = secret.signature(id, t, body);
    signatures
        .iter()
        .any(|signature| mac.clone().verify_slice(signature).is_ok())
        .then_some(())
        .ok_or(SignatureError::Wrong)
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

    #[test]
    fn a_verkada_signature_is_over_the_raw_body_a_bar_and_the_time() {
        let body = br#"{"webhook_type":"notification","data":{"event_id":"e1"}}"#;
        let now = DateTime::from_timestamp(1_597_685_622, 0).unwrap();
        let header = verkada_header("whsec", 1_597_685_622, body);
        assert!(header.starts_with("1597685622|"));
        assert_eq!(verify_verkada(Some(&header), "whsec", body, now), Ok(()));
        // UniFi's order (time first) does not pass for Verkada.
        let mut time_first = mac("whsec");
        time_first.update(b"1597685622|");
        time_first.update(body);
        let wrong = format!("1597685622|{}", hex(&time_first.finalize().into_bytes()));
        assert_eq!(
            verify_verkada(Some(&wrong), "whsec", body, now),
            Err(SignatureError::Wrong)
        );
        let later = DateTime::from_timestamp(1_597_685_622 + 301, 0).unwrap();
        assert_eq!(
            verify_verkada(Some(&header), "whsec", body, later),
            Err(SignatureError::Stale)
        );
        for unreadable in ["1597685622", "t=1,v1=ab", "abc|00"] {
            assert_eq!(
                verify_verkada(Some(unreadable), "whsec", body, now),
                Err(SignatureError::Malformed)
            );
        }
    }

    #[test]
    fn a_standard_webhooks_signature_matches_the_specifications_example() {
        // The example in the Standard Webhooks specification.
        let secret = StandardSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let [_, _, (_, signature)] =
            standard_headers(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let now = DateTime::from_timestamp(1_614_265_330, 0).unwrap();
        let verify = |signatures: &str, at: DateTime<Utc>| {
            verify_standard(
                Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
                Some("1614265330"),
                Some(signatures),
                &secret,
                body,
                at,
            )
        };
        assert_eq!(
            verify(&format!("v1,AAAA {signature}"), now),
            Ok(()),
            "any of several"
        );
        assert_eq!(
            verify(&signature, now + chrono::TimeDelta::seconds(301)),
            Err(SignatureError::Stale)
        );
        assert_eq!(verify("v1,AAAA", now), Err(SignatureError::Wrong));
        assert_eq!(verify("v2,abc", now), Err(SignatureError::Malformed));
        assert!(
            StandardSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none(),
            "whsec_ first"
        );
        assert!(
            StandardSecret::parse("whsec_c2hvcnQ=").is_none(),
            "too short a key"
        );
    }
}
