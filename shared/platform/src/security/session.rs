//! Sessions in one encrypted, authenticated cookie.
//!
//! The cookie is sealed (`sealing`: AES-256-GCM with a random nonce) with a key derived from
//! `secret_key`, so it survives restarts and is valid on every replica without server-side
//! storage (Toolforge web services have no shared disk). Handlers use the [`Session`] extractor;
//! the request pipeline writes the cookie back only when the session changed, so a visit that
//! stores nothing (a page without a form, the stylesheet, a 404, an error, a refused POST) sets
//! no cookie: sessions are created lazily.
//!
//! The sealing key is made once at start (its AES key schedule included); a cookie costs one
//! AES-GCM pass and a base64 encoding, and its value is URL-safe base64, so it needs no
//! percent-encoding. (`axum-extra`'s private cookies, used before, set the cipher up again for
//! every cookie.)

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ErrorPage;
use crate::security::sealing::SealingKey;

pub const COOKIE_NAME: &str = "session";
/// Browsers drop cookies larger than this (name, value and attributes together).
pub const MAX_COOKIE_BYTES: usize = 4096;
/// How long a browser keeps the session: as long as a MediaWiki OAuth refresh token lives.
const MAX_AGE_SECONDS: u64 = 30 * 24 * 60 * 60;
/// What the session key is derived for (see `sealing`): no other sealed value opens as a session.
const SEALING_PURPOSE: &str = "session cookie";

/// How session cookies are made: the key and whether they need HTTPS.
#[derive(Clone)]
pub struct SessionSettings {
    key: Arc<SealingKey>,
    secure: bool,
}

impl std::fmt::Debug for SessionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionSettings")
            .field("key", &"[redacted]")
            .field("secure", &self.secure)
            .finish()
    }
}

impl SessionSettings {
    /// Production: the key is derived from the configured secret, cookies are HTTPS-only.
    pub fn from_secret(secret: &SecretString) -> Self {
        Self {
            key: Arc::new(SealingKey::derive(secret, SEALING_PURPOSE)),
            secure: true,
        }
    }

    /// Local development: a random key (sessions end with the process) and plain-HTTP cookies.
    pub fn ephemeral() -> Self {
        Self {
            key: Arc::new(SealingKey::ephemeral()),
            secure: false,
        }
    }
}

#[derive(Default)]
struct SessionState {
    values: Map<String, Value>,
    changed: bool,
    /// A page of this request shows the CSRF token: it must not be kept in any cache.
    token_shown: bool,
}

/// The current request's session: a small JSON object. Cloning shares it.
#[derive(Clone, Default)]
pub struct Session(Arc<Mutex<SessionState>>);

/// Names the keys only: values hold OAuth tokens and the CSRF token.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("Session")
            .field("keys", &state.values.keys().collect::<Vec<_>>())
            .field("changed", &state.changed)
            .finish()
    }
}

impl Session {
    fn from_values(values: Map<String, Value>) -> Self {
        Self(Arc::new(Mutex::new(SessionState {
            values,
            changed: false,
            token_shown: false,
        })))
    }

    /// Notes that the response shows the session's CSRF token (a form's hidden field).
    pub(crate) fn mark_token_shown(&self) {
        self.state().token_shown = true;
    }

    /// Whether the response shows the session's CSRF token, so that no cache may keep it (a
    /// shared cache would hand the token to someone else; the browser's back/forward cache
    /// would show a form with a token from before a login).
    pub(crate) fn token_shown(&self) -> bool {
        self.state().token_shown
    }

    fn state(&self) -> MutexGuard<'_, SessionState> {
        // A panic while holding the lock leaves plain data behind, still usable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value stored under `key`, or `None` if absent or not of type `T` (for example written
    /// by an older version of the tool).
    ///
    /// Reads the stored value in place: a `T` that names only some fields of a larger value
    /// (the username of a stored login, not its tokens) copies only those.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let state = self.state();
        T::deserialize(state.values.get(key)?).ok()
    }

    pub fn insert<T: Serialize>(&self, key: &str, value: &T) {
        // Serializing plain data to a JSON value cannot fail for the types stored here
        // (no maps with non-string keys); if it ever does, storing nothing is the safe outcome.
        match serde_json::to_value(value) {
            Ok(value) => {
                let mut state = self.state();
                state.values.insert(key.to_owned(), value);
                state.changed = true;
            }
            Err(error) => tracing::error!(%error, key, "session value not serializable"),
        }
    }

    pub fn remove(&self, key: &str) {
        let mut state = self.state();
        if state.values.remove(key).is_some() {
            state.changed = true;
        }
    }

    /// Forgets everything, e.g. at logout.
    pub fn clear(&self) {
        let mut state = self.state();
        state.values.clear();
        state.changed = true;
    }

    /// `None` if unchanged; else the session as JSON, or `Some(None)` if it is now empty.
    fn changed_json(&self) -> Option<Option<String>> {
        let state = self.state();
        if !state.changed {
            return None;
        }
        if state.values.is_empty() {
            return Some(None);
        }
        // Serializing a map of JSON values cannot fail.
        Some(serde_json::to_string(&state.values).ok())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = ErrorPage;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Session>().cloned().ok_or_else(|| {
            ErrorPage::internal("Session extractor used on a route without the session layer")
        })
    }
}

impl Session {
    /// The session the request's cookie holds; a cookie that does not open (another key,
    /// tampered) or does not parse is no session.
    pub fn load(settings: &SessionSettings, headers: &HeaderMap) -> Self {
        let values = session_cookie(headers)
            .and_then(|sealed| settings.key.open(sealed).ok())
            .and_then(|json| serde_json::from_str::<Map<String, Value>>(json.expose_secret()).ok())
            .unwrap_or_default();
        Self::from_values(values)
    }

    /// Adds the `Set-Cookie` header to `response` if the session changed: the new cookie, or
    /// its removal when the session is now empty.
    pub fn write_back(&self, settings: &SessionSettings, response: &mut Response) {
        let Some(json) = self.changed_json() else {
            return;
        };
        let mut header = String::with_capacity(json.as_ref().map_or(0, String::len) * 4 / 3 + 128);
        match json {
            // A removal needs no value: an empty cookie that expires at once.
            None => header.push_str("session=; Path=/; Max-Age=0"),
            Some(json) => {
                let _ = write!(
                    header,
                    "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE_SECONDS}",
                    settings.key.seal(&json)
                );
                if settings.secure {
                    header.push_str("; Secure");
                }
            }
        }
        if header.len() > MAX_COOKIE_BYTES {
            // Browsers drop such a cookie silently; say so loudly. Tools cap what they store.
            tracing::error!(
                size = header.len(),
                "session cookie exceeds {MAX_COOKIE_BYTES} bytes; browsers will drop it"
            );
        }
        // Base64, digits and ASCII attributes: always a valid header value.
        if let Ok(value) = HeaderValue::try_from(header) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
}

/// The session cookie's value among the request's cookies; the others are not looked at.
fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(|header| header.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE_NAME).then_some(value)
        })
}
