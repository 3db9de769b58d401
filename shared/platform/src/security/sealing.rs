//! Secrets kept at rest, such as OAuth tokens a background process uses on a user's behalf:
//! encrypted and authenticated (AES-256-GCM) with a key derived from the tool's `secret_key`.
//!
//! Each use has its own key (HKDF-SHA256 with a purpose string), so a value sealed for one
//! purpose cannot be opened as another (the session cookie is one purpose of its own). A database
//! dump without the secret key reveals no token; a tampered value is refused.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

const NONCE_BYTES: usize = 12;
/// Fixed HKDF salt: the secret key is the only secret; the salt separates this use of it.
const SALT: &[u8] = b"toolforge-rust-tools sealing v1";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// Not something [`SealingKey::seal`] wrote, or written with another key or purpose, or
    /// changed since.
    #[error("the sealed value cannot be opened (another key, another purpose, or altered)")]
    Unopenable,
}

/// A key for sealing values of one purpose.
#[derive(Clone)]
pub struct SealingKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey([redacted])")
    }
}

impl SealingKey {
    /// The key for `purpose` (e.g. `"quickcategories background tokens"`), derived from the
    /// tool's secret key: every process with the same secret derives the same key.
    pub fn derive(secret: &SecretString, purpose: &str) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(SALT), secret.expose_secret().as_bytes());
        let mut key = [0_u8; 32];
        // 32 bytes is far below HKDF-SHA256's output limit, so expanding cannot fail.
        if hkdf.expand(purpose.as_bytes(), &mut key).is_err() {
            unreachable!("HKDF-SHA256 can always produce 32 bytes");
        }
        Self::from_bytes(&key)
    }

    /// A random key that lives as long as the process (local development without a secret key:
    /// only this process can open what it sealed).
    pub fn ephemeral() -> Self {
        let mut key = [0_u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        Self::from_bytes(&key)
    }

    fn from_bytes(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// Encrypts `plaintext` with a fresh random nonce; the result is URL-safe base64 text.
    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0_u8; NONCE_BYTES];
        rand::thread_rng().fill_bytes(&mut nonce);
        let Ok(ciphertext) = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
        else {
            unreachable!("AES-GCM encrypts any input shorter than 64 GiB");
        };
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        URL_SAFE_NO_PAD.encode(sealed)
    }

    /// Decrypts and authenticates what [`SealingKey::seal`] wrote with the same key.
    pub fn open(&self, sealed: &str) -> Result<SecretString, SealError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(sealed)
            .map_err(|_| SealError::Unopenable)?;
        if bytes.len() < NONCE_BYTES {
            return Err(SealError::Unopenable);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plaintext = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SealError::Unopenable)?;
        String::from_utf8(plaintext)
            .map(SecretString::from)
            .map_err(|_| SealError::Unopenable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    const SECRET: &str = "a secret key of at least thirty-two bytes";

    #[test]
    fn what_is_sealed_opens_with_the_same_secret_and_purpose_only() {
        let key = SealingKey::derive(&secret(SECRET), "tokens");
        let sealed = key.seal("refresh-token-value");
        assert!(!sealed.contains("refresh-token-value"));
        let same = SealingKey::derive(&secret(SECRET), "tokens");
        assert_eq!(
            same.open(&sealed).map(|s| s.expose_secret().to_owned()),
            Ok("refresh-token-value".to_owned())
        );
        let other_purpose = SealingKey::derive(&secret(SECRET), "other");
        assert_eq!(
            other_purpose.open(&sealed).err(),
            Some(SealError::Unopenable)
        );
        let other_secret =
            SealingKey::derive(&secret("another secret key, also long enough"), "tokens");
        assert_eq!(
            other_secret.open(&sealed).err(),
            Some(SealError::Unopenable)
        );
    }

    #[test]
    fn every_sealing_differs_and_tampering_is_detected() {
        let key = SealingKey::ephemeral();
        let first = key.seal("same");
        let second = key.seal("same");
        assert_ne!(first, second, "a fresh nonce each time");
        let mut bytes = URL_SAFE_NO_PAD.decode(&first).expect("base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(key.open(&tampered).err(), Some(SealError::Unopenable));
        assert_eq!(key.open("not base64 !").err(), Some(SealError::Unopenable));
        assert_eq!(key.open("").err(), Some(SealError::Unopenable));
    }
}
