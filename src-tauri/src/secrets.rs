//! API keys in the OS keyring (Secret Service, Keychain, Credential Manager); never in
//! the settings file, the database or a log.

use secrecy::SecretString;
use strategy::provider::ApiKeys;

const SERVICE: &str = "Charter";

/// Keys looked up in the keyring when a job needs one.
pub struct KeyringKeys;

fn entry(base_url: &str) -> Result<keyring::Entry, keyring::Error> {
    keyring::Entry::new(SERVICE, base_url.trim())
}

impl ApiKeys for KeyringKeys {
    fn api_key(&self, base_url: &str) -> Option<SecretString> {
        match entry(base_url).and_then(|e| e.get_password()) {
            Ok(key) => Some(key.into()),
            Err(keyring::Error::NoEntry) => None,
            Err(e) => {
                tracing::warn!(error = %e, "the OS keyring could not be read; continuing without an API key");
                None
            }
        }
    }
}

/// Stores the key for a server.
pub fn set(base_url: &str, key: &str) -> Result<(), keyring::Error> {
    entry(base_url)?.set_password(key)
}

/// Removes the key for a server (no error when there was none).
pub fn clear(base_url: &str) -> Result<(), keyring::Error> {
    match entry(base_url)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether a key is stored for a server.
pub fn is_set(base_url: &str) -> Result<bool, keyring::Error> {
    match entry(base_url)?.get_password() {
        Ok(_) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(e),
    }
}
