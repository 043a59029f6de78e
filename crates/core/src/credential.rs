//! A visit's door credential: what [`crate::policy::credential_for`] granted, signed so that a
//! door reader, the cloud and the kiosk (offline) all check it the same way, with the one
//! function [`verify`]. Small enough for a badge's QR code and a phone's screen.
//!
//! Format: `GHC2.<payload>.<signature>`, both base64url without padding. The payload is binary,
//! big-endian: key id (u32), credential id (16 bytes), visit id (16), not before and not after
//! (unix seconds, u32 each), escort flag (1 byte), then each zone id (16 bytes). The signature is
//! Ed25519 over the ASCII bytes `GHC2.<payload>`. With three zones the token has 216 characters.

use std::collections::BTreeSet;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use uuid::Uuid;

use crate::{CredentialId, InvitationId, ZoneId, policy::Grant};

const PREFIX: &str = "GHC2";
/// A credential opens at most this many zones; more is refused before decoding.
pub const MAX_ZONES: usize = 32;
const FIXED: usize = 4 + 16 + 16 + 4 + 4 + 1;

/// What a credential says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialClaims {
    /// Which signing key made it.
    pub kid: u32,
    pub credential: CredentialId,
    pub visit: InvitationId,
    pub grant: Grant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("this is not a Gatehouse credential")]
    Malformed,
    #[error("this credential was signed by a key this site does not know")]
    UnknownKey,
    #[error("this credential has been tampered with")]
    BadSignature,
    #[error("this credential is not valid yet")]
    NotYetValid,
    #[error("this credential has expired")]
    Expired,
    #[error("this credential has been revoked")]
    Revoked,
}

fn seconds(at: DateTime<Utc>) -> Option<u32> {
    u32::try_from(at.timestamp()).ok()
}

fn payload(claims: &CredentialClaims) -> Option<Vec<u8>> {
    let zones = &claims.grant.zones;
    if zones.len() > MAX_ZONES {
        return None;
    }
    let mut bytes = Vec::with_capacity(FIXED + 16 * zones.len());
    bytes.extend(claims.kid.to_be_bytes());
    bytes.extend(claims.credential.0.as_bytes());
    bytes.extend(claims.visit.0.as_bytes());
    bytes.extend(seconds(claims.grant.not_before)?.to_be_bytes());
    bytes.extend(seconds(claims.grant.not_after)?.to_be_bytes());
    bytes.push(u8::from(claims.grant.escort));
    for zone in zones {
        bytes.extend(zone.0.as_bytes());
    }
    Some(bytes)
}

fn claims(bytes: &[u8]) -> Option<CredentialClaims> {
    let (fixed, zones) = bytes.split_at_checked(FIXED)?;
    if zones.len() % 16 != 0 || zones.len() / 16 > MAX_ZONES {
        return None;
    }
    let uuid = |at: usize| Uuid::from_slice(&fixed[at..at + 16]).ok();
    let u32_at = |at: usize| fixed[at..at + 4].try_into().ok().map(u32::from_be_bytes);
    let time = |at: usize| DateTime::from_timestamp(i64::from(u32_at(at)?), 0);
    let escort = match fixed[44] {
        0 => false,
        1 => true,
        _ => return None,
    };
    let zones: BTreeSet<ZoneId> = zones
        .chunks_exact(16)
        .map(|zone| Uuid::from_slice(zone).ok().map(ZoneId))
        .collect::<Option<_>>()?;
    Some(CredentialClaims {
        kid: u32_at(0)?,
        credential: CredentialId(uuid(4)?),
        visit: InvitationId(uuid(20)?),
        grant: Grant {
            not_before: time(36)?,
            not_after: time(40)?,
            zones,
            escort,
        },
    })
}

/// Signs `claims` with `key`; `None` if they cannot be put in a credential (more than
/// [`MAX_ZONES`] zones, a time outside 1970–2106).
pub fn sign(claims: &CredentialClaims, key: &SigningKey) -> Option<String> {
    let signed = format!("{PREFIX}.{}", URL_SAFE_NO_PAD.encode(payload(claims)?));
    let signature = key.sign(signed.as_bytes());
    Some(format!(
        "{signed}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

/// The id of the key `token` says it was signed with, if it looks like a credential at all:
/// what a verifier looks up before [`verify`].
pub fn key_id(token: &str) -> Option<u32> {
    let payload = token.trim().strip_prefix(PREFIX)?.strip_prefix('.')?;
    let kid = payload.get(..8)?;
    let bytes = URL_SAFE_NO_PAD.decode(format!("{kid}AA")).ok()?;
    bytes.get(..4)?.try_into().ok().map(u32::from_be_bytes)
}

/// Opens `token`: its claims, if it is a credential signed by the key its `kid` names — whether
/// or not it is valid now (the kiosk finds a badge's visitor by it, to check them out).
pub fn open(
    token: &str,
    key_for: impl Fn(u32) -> Option<VerifyingKey>,
) -> Result<CredentialClaims, CredentialError> {
    if token.len() > PREFIX.len() + 2 + (FIXED + 16 * MAX_ZONES).div_ceil(3) * 4 + 88 {
        return Err(CredentialError::Malformed);
    }
    let mut parts = token.trim().split('.');
    let (Some(PREFIX), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CredentialError::Malformed);
    };
    let claims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| claims(&bytes))
        .ok_or(CredentialError::Malformed)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(CredentialError::Malformed)?;
    let key = key_for(claims.kid).ok_or(CredentialError::UnknownKey)?;
    key.verify_strict(format!("{PREFIX}.{payload}").as_bytes(), &signature)
        .map_err(|_| CredentialError::BadSignature)?;
    Ok(claims)
}

/// Whether `claims` hold at `now`: not revoked, and inside their window.
pub fn valid_at(
    claims: &CredentialClaims,
    now: DateTime<Utc>,
    revoked: impl Fn(CredentialId) -> bool,
) -> Result<(), CredentialError> {
    if revoked(claims.credential) {
        return Err(CredentialError::Revoked);
    }
    if now < claims.grant.not_before {
        return Err(CredentialError::NotYetValid);
    }
    if now > claims.grant.not_after {
        return Err(CredentialError::Expired);
    }
    Ok(())
}

/// Checks `token`: signed by the key its `kid` names ([`open`]), not revoked and valid at `now`
/// ([`valid_at`]). The one check every door, the cloud and the kiosk make.
pub fn verify(
    token: &str,
    now: DateTime<Utc>,
    key_for: impl Fn(u32) -> Option<VerifyingKey>,
    revoked: impl Fn(CredentialId) -> bool,
) -> Result<CredentialClaims, CredentialError> {
    let claims = open(token, key_for)?;
    valid_at(&claims, now, revoked)?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, hour, 0, 0).unwrap()
    }

    fn claims(zones: usize) -> CredentialClaims {
        CredentialClaims {
            kid: 3,
            credential: CredentialId(Uuid::from_u128(0x00C0_FFEE)),
            visit: InvitationId(Uuid::from_u128(7)),
            grant: Grant {
                not_before: at(9),
                not_after: at(17),
                zones: (0..zones)
                    .map(|n| ZoneId(Uuid::from_u128(100 + n as u128)))
                    .collect(),
                escort: true,
            },
        }
    }

    fn key() -> SigningKey {
        SigningKey::generate(&mut rand_core::OsRng)
    }

    #[test]
    fn a_credential_verifies_in_its_window_and_says_what_it_opens() {
        let key = key();
        let public = key.verifying_key();
        let token = sign(&claims(3), &key).unwrap();
        assert!(token.starts_with("GHC2."));
        assert_eq!(token.len(), 216, "{token}");
        assert_eq!(key_id(&token), Some(3));
        assert_eq!(key_id("GHC2.AAAA"), None);
        let checked = verify(
            &token,
            at(12),
            |kid| (kid == 3).then_some(public),
            |_| false,
        );
        assert_eq!(checked, Ok(claims(3)));
    }

    #[test]
    fn outside_its_window_revoked_or_signed_by_another_key_it_opens_nothing() {
        let key = key();
        let public = key.verifying_key();
        let token = sign(&claims(2), &key).unwrap();
        let known = |kid| (kid == 3).then_some(public);
        assert_eq!(
            verify(&token, at(8), known, |_| false),
            Err(CredentialError::NotYetValid)
        );
        assert_eq!(
            verify(&token, at(18), known, |_| false),
            Err(CredentialError::Expired)
        );
        assert_eq!(
            verify(&token, at(12), known, |id| id == claims(2).credential),
            Err(CredentialError::Revoked)
        );
        assert_eq!(
            verify(&token, at(12), |_| None, |_| false),
            Err(CredentialError::UnknownKey)
        );
        let stranger = SigningKey::generate(&mut rand_core::OsRng).verifying_key();
        assert_eq!(
            verify(&token, at(12), |_| Some(stranger), |_| false),
            Err(CredentialError::BadSignature)
        );
    }

    #[test]
    fn a_credential_widened_after_signing_is_refused() {
        let key = key();
        let public = key.verifying_key();
        let token = sign(&claims(1), &key).unwrap();
        let signature = token.rsplit('.').next().unwrap();
        let mut wider = claims(1);
        wider.grant.not_after = at(23);
        wider.grant.zones.insert(ZoneId(Uuid::from_u128(666)));
        let forged = format!(
            "GHC2.{}.{signature}",
            URL_SAFE_NO_PAD.encode(payload(&wider).unwrap())
        );
        assert_eq!(
            verify(&forged, at(12), |_| Some(public), |_| false),
            Err(CredentialError::BadSignature)
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let key = key();
        let public = key.verifying_key();
        for junk in [
            "",
            "GHC2",
            "GHC2..",
            "GH1.e30.AA",
            "GHC2.!!!.???",
            "GHC2.AAAA.AAAA",
            "GHC2.e30.AA.BB",
            &"A".repeat(5000),
        ] {
            assert_eq!(
                verify(junk, at(12), |_| Some(public), |_| false),
                Err(CredentialError::Malformed),
                "{junk:.20}"
            );
        }
        assert!(sign(&claims(MAX_ZONES + 1), &key).is_none());
    }
}
