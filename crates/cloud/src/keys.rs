//! The keys that sign invitation codes and door credentials. Their secret halves are sealed in
//! the database under the cloud's **key secret**, which never is: it comes from the environment
//! (`GATEHOUSE_KEY_SECRET`) or from a key file only its owner may read. The newest key signs;
//! every key verifies, so a rotation ([`Keyring::rotate`]) leaves the credentials already out valid until
//! they expire. Processes sharing a database see a rotation within [`KEYS_KEPT_FOR`].

use std::{
    collections::HashMap,
    io::Write as _,
    path::Path,
    sync::Mutex,
    time::{Duration, Instant},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chacha20poly1305::{
    ChaCha20Poly1305, Key, KeyInit as _, Nonce,
    aead::{Aead as _, Payload},
};
use ed25519_dalek::{SigningKey as Ed25519Key, VerifyingKey};
use rand_core::{OsRng, RngCore as _};

use crate::{Database, context::SigningKey, store::StoreError};

/// How long a process keeps the keys it read before it looks for a newer one.
pub const KEYS_KEPT_FOR: Duration = Duration::from_secs(30);
/// An unknown key id sends a process to the database at most this often.
const UNKNOWN_KEY_LOOKS_EVERY: Duration = Duration::from_secs(1);

/// The secret every signing key is sealed under.
#[derive(Clone)]
pub struct KeySecret([u8; 32]);

impl std::fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySecret(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeySecretError {
    #[error("the key secret must be 32 bytes in unpadded base64url (43 characters)")]
    Malformed,
    #[error(
        "the key file {0} may be read by others than its owner: `chmod 600` it (it guards every signing key)"
    )]
    TooOpen(String),
    #[error("the key file {path}: {error}")]
    File { path: String, error: std::io::Error },
    #[error(
        "a signing key does not open with this key secret: is it the one the keys were sealed with?"
    )]
    WrongSecret,
}

impl KeySecret {
    /// A new random secret.
    pub fn generate() -> Self {
        let mut bytes = [0; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A secret from its text: 32 bytes in unpadded base64url.
    pub fn parse(text: &str) -> Result<Self, KeySecretError> {
        URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(Self)
            .ok_or(KeySecretError::Malformed)
    }

    /// The secret in `path`, made there (readable by its owner only) if the file does not exist.
    /// A file others may read is refused.
    pub fn from_file(path: &Path) -> Result<Self, KeySecretError> {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let failed = |error| KeySecretError::File {
            path: path.display().to_string(),
            error,
        };
        match std::fs::metadata(path) {
            Ok(metadata) => {
                if metadata.permissions().mode() & 0o077 != 0 {
                    return Err(KeySecretError::TooOpen(path.display().to_string()));
                }
                Self::parse(&std::fs::read_to_string(path).map_err(failed)?)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let secret = Self::generate();
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(failed)?;
                writeln!(file, "{}", URL_SAFE_NO_PAD.encode(secret.0)).map_err(failed)?;
                file.sync_all().map_err(failed)?;
                tracing::info!(path = %path.display(), "made a new key secret");
                Ok(secret)
            }
            Err(error) => Err(failed(error)),
        }
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(&Key::from(self.0))
    }

    /// `message` sealed for storage, bound to `context` (what it is and whose): a fresh nonce,
    /// then the ciphertext.
    pub fn seal_bytes(&self, context: &[u8], message: &[u8]) -> Vec<u8> {
        let mut nonce = [0; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: message,
                    aad: context,
                },
            )
            .expect("sealing a short message cannot fail");
        [nonce.as_slice(), &sealed].concat()
    }

    /// What [`Self::seal_bytes`] sealed under `context`.
    pub fn open_bytes(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, KeySecretError> {
        let (nonce, sealed) = sealed
            .split_first_chunk::<12>()
            .ok_or(KeySecretError::WrongSecret)?;
        self.cipher()
            .decrypt(
                &Nonce::from(*nonce),
                Payload {
                    msg: sealed,
                    aad: context,
                },
            )
            .map_err(|_| KeySecretError::WrongSecret)
    }

    /// `key` sealed for storage as key `kid`.
    pub fn seal(&self, kid: u32, key: &Ed25519Key) -> Vec<u8> {
        self.seal_bytes(&kid.to_be_bytes(), key.as_bytes())
    }

    /// Key `kid` from what [`Self::seal`] made of it.
    pub fn open(&self, kid: u32, sealed: &[u8]) -> Result<Ed25519Key, KeySecretError> {
        let secret = self.open_bytes(&kid.to_be_bytes(), sealed)?;
        let secret: [u8; 32] = secret.try_into().map_err(|_| KeySecretError::WrongSecret)?;
        Ok(Ed25519Key::from_bytes(&secret))
    }
}

/// The keys one process holds: the newest to sign with, every public key to verify with.
#[derive(Debug)]
pub struct Keyring {
    secret: KeySecret,
    loaded: Mutex<Option<Loaded>>,
    /// Keys an older version kept in clear were sealed (the first time keys were read).
    sealed_clear_keys: tokio::sync::OnceCell<()>,
}

#[derive(Debug, Clone)]
struct Loaded {
    at: Instant,
    newest: SigningKey,
    public: HashMap<u32, VerifyingKey>,
}

impl Keyring {
    pub fn new(secret: KeySecret) -> Self {
        Self {
            secret,
            loaded: Mutex::new(None),
            sealed_clear_keys: tokio::sync::OnceCell::new(),
        }
    }

    fn cached(&self, fresh_for: Duration) -> Option<Loaded> {
        self.loaded
            .lock()
            .expect("keyring lock")
            .as_ref()
            .filter(|loaded| loaded.at.elapsed() < fresh_for)
            .cloned()
    }

    async fn load(&self, database: &Database) -> Result<Loaded, StoreError> {
        self.sealed_clear_keys
            .get_or_try_init(|| async {
                let sealed = database.seal_clear_signing_keys(&self.secret).await?;
                if sealed > 0 {
                    tracing::info!(
                        sealed,
                        "sealed the signing keys an older version kept in clear"
                    );
                }
                Ok::<_, StoreError>(())
            })
            .await?;
        let now = chrono::Utc::now();
        let (kid, sealed) = database.newest_signing_key(&self.secret, now).await?;
        let key = self
            .secret
            .open(kid, &sealed)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let loaded = Loaded {
            at: Instant::now(),
            newest: SigningKey { kid, key },
            public: database.verifying_keys().await?,
        };
        *self.loaded.lock().expect("keyring lock") = Some(loaded.clone());
        Ok(loaded)
    }

    /// The secret the keys are sealed under.
    pub fn secret(&self) -> &KeySecret {
        &self.secret
    }

    /// The newest key, to sign with (made on first use).
    pub async fn signing_key(&self, database: &Database) -> Result<SigningKey, StoreError> {
        match self.cached(KEYS_KEPT_FOR) {
            Some(loaded) => Ok(loaded.newest),
            None => Ok(self.load(database).await?.newest),
        }
    }

    /// The public key `kid`, if this cloud made it.
    pub async fn verifying_key(
        &self,
        database: &Database,
        kid: u32,
    ) -> Result<Option<VerifyingKey>, StoreError> {
        if let Some(key) = self
            .cached(KEYS_KEPT_FOR)
            .and_then(|loaded| loaded.public.get(&kid).copied())
        {
            return Ok(Some(key));
        }
        let loaded = match self.cached(UNKNOWN_KEY_LOOKS_EVERY) {
            Some(loaded) => loaded,
            None => self.load(database).await?,
        };
        Ok(loaded.public.get(&kid).copied())
    }

    /// Every public key, by id: what kiosks verify credentials with offline.
    pub async fn verifying_keys(
        &self,
        database: &Database,
    ) -> Result<HashMap<u32, VerifyingKey>, StoreError> {
        match self.cached(KEYS_KEPT_FOR) {
            Some(loaded) => Ok(loaded.public),
            None => Ok(self.load(database).await?.public),
        }
    }

    /// Makes a new newest key; answers its id. Old keys still verify. Refused under a secret
    /// that does not open the keys stored.
    pub async fn rotate(&self, database: &Database) -> Result<u32, StoreError> {
        // Only the secret the keys are sealed under may add one: another would seal the newest
        // key where no cloud can open it.
        self.load(database).await?;
        let kid = database
            .add_signing_key(&self.secret, chrono::Utc::now())
            .await?;
        *self.loaded.lock().expect("keyring lock") = None;
        Ok(kid)
    }
}
