//! Passwords (argon2id) and bearer tokens (random secrets of which only a SHA-256 is stored).

use argon2::{
    Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use rand_core::RngCore as _;
use sha2::{Digest as _, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")]
pub struct WeakPassword;

pub fn hash_password(password: &str) -> Result<String, WeakPassword> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(WeakPassword);
    }
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string())
}

/// Hashes a kiosk PIN the person chose ([`gatehouse_core::staff::check_pin`] first): argon2id,
/// so that kiosks can check it while the cloud cannot be reached.
pub fn hash_pin(pin: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any PIN")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    password.chars().count() <= MAX_PASSWORD_CHARS
        && PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
}

/// A fresh bearer token: the secret goes to the client once, the hash into the database.
#[derive(Debug)]
pub struct NewToken {
    pub secret: String,
    pub hash: [u8; 32],
}

/// `prefix` tells people what a leaked token is (`ghs_` session, `gha_` API token).
pub fn new_token(prefix: &str) -> NewToken {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let secret = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    NewToken {
        hash: token_hash(&secret),
        secret,
    }
}

pub fn token_hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Letters and digits that cannot be mistaken for one another when read off a screen and typed
/// on a tablet (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_CHARS: usize = 12;

/// A kiosk enrollment code, `GK-XXXX-XXXX-XXXX` (59 bits), and its hash.
pub fn new_enrollment_code() -> NewToken {
    let mut bytes = [0_u8; CODE_CHARS];
    OsRng.fill_bytes(&mut bytes);
    // 31 letters: the modulo bias over a byte is under 1 %, and the code is single-use and short-lived.
    let chars: String = bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect();
    let secret = format!("GK-{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12]);
    NewToken {
        hash: enrollment_code_hash(&secret).expect("a fresh code is well formed"),
        secret,
    }
}

/// The hash of an enrollment code as typed (any case, spaces and dashes), or `None` if it cannot
/// be one.
pub fn enrollment_code_hash(typed: &str) -> Option<[u8; 32]> {
    let cleaned: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body = cleaned.strip_prefix("GK")?;
    (body.len() == CODE_CHARS && body.bytes().all(|b| CODE_ALPHABET.contains(&b)))
        .then(|| token_hash(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(hash_password("short"), Err(WeakPassword));
        assert_eq!(hash_password(&"x".repeat(300)), Err(WeakPassword));
    }

    #[test]
    fn tokens_are_unique_and_only_their_hash_matches() {
        let a = new_token("ghs_");
        let b = new_token("ghs_");
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with("ghs_") && a.secret.len() > 40);
        assert_eq!(token_hash(&a.secret), a.hash);
        assert_ne!(token_hash(&b.secret), a.hash);
    }

    #[test]
    fn enrollment_codes_read_the_same_however_they_are_typed() {
        let code = new_enrollment_code();
        assert!(
            code.secret.starts_with("GK-") && code.secret.len() == 17,
            "{}",
            code.secret
        );
        let typed = code.secret.to_lowercase().replace('-', " ");
        assert_eq!(enrollment_code_hash(&typed), Some(code.hash));
        assert_ne!(new_enrollment_code().secret, code.secret);
    }

    #[test]
    fn malformed_enrollment_codes_have_no_hash() {
        for typed in [
            "",
            "GK-",
            "GK-1234-5678-9ABC",
            "XX-7Q4M-2X9P-KD3W",
            "GK-7Q4M-2X9P-KD3",
            "GK-7Q4M-2X9P-KD3WW",
        ] {
            assert_eq!(enrollment_code_hash(typed), None, "{typed}");
        }
        assert!(enrollment_code_hash("gk 7q4m 2x9p kd3w").is_some());
    }
}
