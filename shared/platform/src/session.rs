//! Sessions in one encrypted, authenticated cookie.
//!
//! The cookie is encrypted with a key derived from `secret_key`, so it survives restarts and is
//! valid on every replica without server-side storage (Toolforge web services have no shared
//! disk). Handlers use the [`Session`] extractor; the middleware writes the cookie back only when
//! the session changed, so a visit that stores nothing (a page without a form, the stylesheet, a
//! 404, an error, a refused POST) sets no cookie: sessions are created lazily.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, Key, PrivateCookieJar, SameSite};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ErrorPage;

pub const COOKIE_NAME: &str = "session";
/// Browsers drop cookies larger than this (name, value and attributes together).
pub const MAX_COOKIE_BYTES: usize = 4096;
/// How long a browser keeps the session: as long as a MediaWiki OAuth refresh token lives.
const MAX_AGE: time::Duration = time::Duration::days(30);

/// How session cookies are made: the key and whether they need HTTPS.
#[derive(Clone)]
pub struct SessionSettings {
    key: Key,
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
            key: Key::derive_from(secret.expose_secret().as_bytes()),
            secure: true,
        }
    }

    /// Local development: a random key (sessions end with the process) and plain-HTTP cookies.
    pub fn ephemeral() -> Self {
        Self {
            key: Key::generate(),
            secure: false,
        }
    }

    pub fn key(&self) -> &Key {
        &self.key
    }
}

#[derive(Default)]
struct SessionState {
    values: Map<String, Value>,
    changed: bool,
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
        })))
    }

    fn state(&self) -> MutexGuard<'_, SessionState> {
        // A panic while holding the lock leaves plain data behind, still usable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value stored under `key`, or `None` if absent or not of type `T` (for example written
    /// by an older version of the tool).
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let value = self.state().values.get(key)?.clone();
        serde_json::from_value(value).ok()
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

    fn take_changes(&self) -> Option<Map<String, Value>> {
        let state = self.state();
        state.changed.then(|| state.values.clone())
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

/// Middleware: loads the session from the request's cookie and writes it back if it changed.
/// The session travels on in the response's extensions, read-only, for the error-page layer.
pub async fn session_middleware(
    settings: SessionSettings,
    mut request: Request,
    next: Next,
) -> Response {
    let jar = PrivateCookieJar::from_headers(request.headers(), settings.key.clone());
    // A cookie that does not decrypt (other key, tampered) or does not parse is no session.
    let values = jar
        .get(COOKIE_NAME)
        .and_then(|cookie| serde_json::from_str::<Map<String, Value>>(cookie.value()).ok())
        .unwrap_or_default();
    let session = Session::from_values(values);
    request.extensions_mut().insert(session.clone());

    let mut response = next.run(request).await;
    // The error-page layer outside reads (never writes) it to show who is logged in.
    response.extensions_mut().insert(session.clone());

    let Some(values) = session.take_changes() else {
        return response;
    };
    let jar = if values.is_empty() {
        jar.remove(Cookie::build(COOKIE_NAME).path("/"))
    } else {
        let value = Value::Object(values).to_string();
        let cookie = Cookie::build((COOKIE_NAME, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(settings.secure)
            .max_age(MAX_AGE);
        jar.add(cookie)
    };
    let response = (jar, response).into_response();
    for header in response.headers().get_all(axum::http::header::SET_COOKIE) {
        if header.len() > MAX_COOKIE_BYTES {
            // Browsers drop such a cookie silently; say so loudly. Tools cap what they store.
            tracing::error!(
                size = header.len(),
                "session cookie exceeds {MAX_COOKIE_BYTES} bytes; browsers will drop it"
            );
        }
    }
    response
}
