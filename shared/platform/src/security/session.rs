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

/// The cookie's name over plain HTTP (local development).
pub const COOKIE_NAME: &str = "session";
/// The cookie's name over HTTPS: browsers accept a `__Host-` cookie only if it is `Secure`,
/// has `Path=/` and no `Domain`, so no other `*.toolforge.org` tool (nor a script on a sibling
/// host) can set or overwrite it.
pub const SECURE_COOKIE_NAME: &str = "__Host-session";
/// The session's own entry: when it was issued (Unix seconds), so that a cookie is refused once
/// it is older than a session may live, whatever a browser (or a copy) kept.
const ISSUED_KEY: &str = "_issued";
/// Browsers drop cookies larger than this (name, value and attributes together).
pub const MAX_COOKIE_BYTES: usize = 4096;
/// How long a session lives, from its issue (or the last login): as long as a MediaWiki OAuth
/// refresh token lives. Browsers are told the same (`Max-Age`); the server checks it too.
pub const MAX_AGE_SECONDS: u64 = 30 * 24 * 60 * 60;
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
    /// `__Host-session` over HTTPS, `session` in local development (plain HTTP).
    pub fn cookie_name(&self) -> &'static str {
        if self.secure {
            SECURE_COOKIE_NAME
        } else {
            COOKIE_NAME
        }
    }

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
                if !state.values.contains_key(ISSUED_KEY) {
                    state
                        .values
                        .insert(ISSUED_KEY.to_owned(), Value::from(now_seconds()));
                }
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

    /// Starts the session's lifetime again (at login: the new tokens live as long again).
    pub(crate) fn restart_lifetime(&self) {
        let mut state = self.state();
        state
            .values
            .insert(ISSUED_KEY.to_owned(), Value::from(now_seconds()));
        state.changed = true;
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
        if state.values.keys().all(|key| key == ISSUED_KEY) {
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
    ///
    /// A session older than [`MAX_AGE_SECONDS`], or without its issue time, is no session
    /// either: a cookie copied from a browser stops working when the session would have ended.
    pub fn load(settings: &SessionSettings, headers: &HeaderMap) -> Self {
        let values = session_cookie(headers, settings.cookie_name())
            .and_then(|sealed| settings.key.open(sealed).ok())
            .and_then(|json| serde_json::from_str::<Map<String, Value>>(json.expose_secret()).ok())
            .filter(|values| {
                values
                    .get(ISSUED_KEY)
                    .and_then(Value::as_u64)
                    .is_some_and(|issued| now_seconds().saturating_sub(issued) < MAX_AGE_SECONDS)
            })
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
        let name = settings.cookie_name();
        match json {
            // A removal needs no value: an empty cookie that expires at once.
            None => {
                let _ = write!(header, "{name}=; Path=/; Max-Age=0");
            }
            Some(json) => {
                let _ = write!(
                    header,
                    "{name}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE_SECONDS}",
                    settings.key.seal(&json)
                );
            }
        }
        // Also on a removal: browsers ignore a `__Host-` cookie without it.
        if settings.secure {
            header.push_str("; Secure");
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

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// The session cookie's value among the request's cookies; the others are not looked at.
fn session_cookie<'a>(headers: &'a HeaderMap, cookie_name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(|header| header.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == cookie_name).then_some(value)
        })
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use axum::http::header::COOKIE;

    use super::*;

    /// What the browser sends back after `session` was written (the cookie's name and value).
    fn round_trip(settings: &SessionSettings, session: &Session) -> HeaderMap {
        let mut response = Response::new(axum::body::Body::empty());
        session.write_back(settings, &mut response);
        let set_cookie = response.headers()[SET_COOKIE].to_str().expect("ascii");
        let pair = set_cookie.split(';').next().expect("name=value");
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(pair).expect("header"));
        headers
    }

    fn production() -> SessionSettings {
        SessionSettings::from_secret(&SecretString::from("a secret key of the right length, 32+"))
    }

    #[test]
    fn a_session_comes_back_under_its_host_only_name() {
        let settings = production();
        let session = Session::default();
        session.insert("k", &"v");
        let headers = round_trip(&settings, &session);
        assert!(
            headers[COOKIE]
                .to_str()
                .expect("ascii")
                .starts_with("__Host-session=")
        );
        assert_eq!(
            Session::load(&settings, &headers)
                .get::<String>("k")
                .as_deref(),
            Some("v")
        );
    }

    #[test]
    fn a_cookie_older_than_a_session_lives_is_no_session() {
        let settings = production();
        let session = Session::default();
        session.insert("k", &"v");
        let old = now_seconds() - MAX_AGE_SECONDS - 1;
        session
            .state()
            .values
            .insert(ISSUED_KEY.to_owned(), Value::from(old));
        let headers = round_trip(&settings, &session);
        assert_eq!(Session::load(&settings, &headers).get::<String>("k"), None);

        // A day younger than the limit still works.
        session
            .state()
            .values
            .insert(ISSUED_KEY.to_owned(), Value::from(old + 24 * 60 * 60));
        let headers = round_trip(&settings, &session);
        assert_eq!(
            Session::load(&settings, &headers)
                .get::<String>("k")
                .as_deref(),
            Some("v")
        );
    }

    #[test]
    fn a_cookie_without_an_issue_time_is_no_session() {
        let settings = production();
        let session = Session::default();
        session.insert("k", &"v");
        session.state().values.remove(ISSUED_KEY);
        let headers = round_trip(&settings, &session);
        assert_eq!(Session::load(&settings, &headers).get::<String>("k"), None);
    }

    #[test]
    fn removing_the_last_value_removes_the_cookie() {
        let settings = production();
        let session = Session::default();
        session.insert("k", &"v");
        let loaded = Session::load(&settings, &round_trip(&settings, &session));
        loaded.remove("k");
        let mut response = Response::new(axum::body::Body::empty());
        loaded.write_back(&settings, &mut response);
        assert_eq!(
            response.headers()[SET_COOKIE],
            "__Host-session=; Path=/; Max-Age=0; Secure"
        );
    }
}
