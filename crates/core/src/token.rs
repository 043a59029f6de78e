//! Signed tokens printed as QR codes: the invitation in the guest's email. Anyone holding the
//! facility's public keys can check one offline; nobody can make one up.
//!
//! Format: `GH1.<payload>.<signature>`, both parts base64url without padding; the payload is
//! JSON claims, the signature Ed25519 over the ASCII bytes `GH1.<payload>`.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::{FacilityId, InvitationId};

const PREFIX: &str = "GH1";
/// Longer than any token Gatehouse makes; anything longer is refused before decoding.
const MAX_TOKEN_LEN: usize = 512;

/// What an invitation token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationClaims {
    /// Which key signed it.
    pub kid: u32,
    pub invitation: InvitationId,
    pub facility: FacilityId,
    /// Unix seconds after which the token is worthless (the visit's end).
    pub not_after: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("this is not a Gatehouse invitation code")]
    Malformed,
    #[error("this invitation code was signed by a key this site does not know")]
    UnknownKey,
    #[error("this invitation code has been tampered with")]
    BadSignature,
    #[error("this invitation code has expired")]
    Expired,
}

/// Signs `claims` with `key`.
pub fn sign(claims: &InvitationClaims, key: &SigningKey) -> String {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialize"));
    let signed = format!("{PREFIX}.{payload}");
    let signature = key.sign(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// Checks `token` against the verifying key named by its `kid`, and that it has not expired
/// at `now` (unix seconds).
pub fn verify(
    token: &str,
    now: i64,
    key_for: impl Fn(u32) -> Option<VerifyingKey>,
) -> Result<InvitationClaims, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Malformed);
    }
    let mut parts = token.trim().split('.');
    let (Some(PREFIX), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let claims: InvitationClaims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or(TokenError::Malformed)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed)?;
    let key = key_for(claims.kid).ok_or(TokenError::UnknownKey)?;
    key.verify_strict(format!("{PREFIX}.{payload}").as_bytes(), &signature)
        .map_err(|_| TokenError::BadSignature)?;
    if now > claims.not_after {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn claims() -> InvitationClaims {
        InvitationClaims {
            kid: 1,
            invitation: InvitationId(Uuid::from_u128(7)),
            facility: FacilityId(Uuid::from_u128(1)),
            not_after: 2_000_000_000,
        }
    }

    fn key() -> SigningKey {
        SigningKey::generate(&mut rand_core::OsRng)
    }

    #[test]
    fn signed_token_verifies_with_the_public_key() {
        let key = key();
        let token = sign(&claims(), &key);
        assert!(token.starts_with("GH1."));
        let public = key.verifying_key();
        assert_eq!(
            verify(&token, 1_900_000_000, |kid| (kid == 1).then_some(public)),
            Ok(claims())
        );
    }

    #[test]
    fn tampered_or_foreign_tokens_are_refused() {
        let key = key();
        let public = key.verifying_key();
        let token = sign(&claims(), &key);
        let mut forged = claims();
        forged.invitation = InvitationId(Uuid::from_u128(8));
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        let signature = token.rsplit('.').next().unwrap();
        let tampered = format!("GH1.{forged_payload}.{signature}");
        assert_eq!(
            verify(&tampered, 0, |_| Some(public)),
            Err(TokenError::BadSignature)
        );
        let other = SigningKey::generate(&mut rand_core::OsRng).verifying_key();
        assert_eq!(
            verify(&token, 0, |_| Some(other)),
            Err(TokenError::BadSignature)
        );
        assert_eq!(verify(&token, 0, |_| None), Err(TokenError::UnknownKey));
    }

    #[test]
    fn expired_token_is_refused() {
        let key = key();
        let public = key.verifying_key();
        let token = sign(&claims(), &key);
        assert_eq!(
            verify(&token, 2_000_000_001, |_| Some(public)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for junk in [
            "",
            "GH1",
            "GH1..",
            "GH2.e30.AA",
            "GH1.!!!.???",
            "GH1.e30.AA.BB",
            &"A".repeat(5000),
        ] {
            assert_eq!(
                verify(junk, 0, |_| None),
                Err(TokenError::Malformed),
                "{junk:.20}"
            );
        }
    }
}
