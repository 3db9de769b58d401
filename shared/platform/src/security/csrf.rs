//! CSRF tokens, and the check of one on every state-changing request.
//!
//! Each session that shows a form has a random [`CsrfToken`]; forms carry it in a hidden
//! `csrf_token` field (scripts may send an `X-CSRF-Token` header instead), and any request that
//! is not GET/HEAD/OPTIONS/TRACE must carry it. Cross-origin requests never get this far (see
//! `cross_origin`); the token is defence in depth behind that check.
//!
//! On a mismatch the user sees a 400 page that lists what they sent, so no typed-in form content
//! is lost, and offers to send it again when the session already has a token. A refused request
//! never creates, changes or rotates a session.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::error::{ErrorPage, Resubmission};
use crate::i18n::Text;
use crate::security::session::Session;

/// Name of the hidden form field carrying the token.
pub const FIELD: &str = "csrf_token";
/// Header carrying the token for requests that are not urlencoded forms.
pub const HEADER: &str = "x-csrf-token";
const SESSION_KEY: &str = "csrf";
/// The largest request body any route accepts, for the CSRF check and for the handlers alike
/// (`Platform::router` sets it as axum's `DefaultBodyLimit`): enough for long batch inputs,
/// small enough to buffer.
pub const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

/// The 413 page for a body over [`MAX_FORM_BYTES`], wherever it was noticed.
pub fn form_too_large() -> ErrorPage {
    ErrorPage::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        Text::new("platform-form-too-large-title"),
        Text::new("platform-form-too-large").num(MAX_FORM_BYTES / 1024 / 1024),
    )
}

/// A session's CSRF token: 256 random bits, URL-safe base64.
#[derive(Clone, PartialEq, Eq)]
pub struct CsrfToken(String);

impl std::fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfToken([redacted])")
    }
}

impl CsrfToken {
    /// The session's token, created (and so the session with it) on first use: call this only
    /// when rendering a form.
    pub fn get_or_create(session: &Session) -> Self {
        Self::existing(session).unwrap_or_else(|| Self::rotate(session))
    }

    /// The session's token if it has one; never creates anything.
    pub fn existing(session: &Session) -> Option<Self> {
        session.get::<String>(SESSION_KEY).map(Self)
    }

    /// Replaces the token, e.g. when the user logs in (so a token seen before login is useless).
    pub fn rotate(session: &Session) -> Self {
        let mut bytes = [0u8; 32];
        // The thread's CSPRNG (ChaCha, seeded and reseeded from the OS): as unpredictable as
        // asking the OS, without a system call on every new visitor's form.
        rand::thread_rng().fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        session.insert(SESSION_KEY, &token);
        Self(token)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison with what a request sent.
    fn matches(&self, submitted: Option<&str>) -> bool {
        submitted.is_some_and(|submitted| bool::from(self.0.as_bytes().ct_eq(submitted.as_bytes())))
    }
}

/// Lets safe methods through and checks the token on everything else: the request to hand on
/// (with its body read and put back, for a form), or the refusal to answer with.
pub async fn check(request: Request, session: &Session) -> Result<Request, Response> {
    if request.method().is_safe() {
        return Ok(request);
    }
    let expected = CsrfToken::existing(session);
    let path = request.uri().path().to_owned();

    if let Some(header) = request.headers().get(HEADER) {
        let submitted = header.to_str().ok();
        return if expected.is_some_and(|token| token.matches(submitted)) {
            Ok(request)
        } else {
            Err(refused(session, &path, Vec::new()))
        };
    }

    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refused(session, &path, Vec::new()));
    }

    // The token is inside the body: read it, check it, and hand the same bytes on.
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return Err(form_too_large().into_response());
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let submitted = fields
        .iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.as_str());
    if expected.is_some_and(|token| token.matches(submitted)) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        let kept = fields
            .into_iter()
            .filter(|(name, _)| name != FIELD)
            .collect();
        Err(refused(session, &path, kept))
    }
}

fn refused(session: &Session, path: &str, fields: Vec<(String, String)>) -> Response {
    tracing::info!(path, "request refused: CSRF token missing or wrong");
    // Offer "send again" only with a token the session already has: a refused request must
    // not create a session (a forged POST would otherwise replace the victim's cookie).
    let resendable = CsrfToken::existing(session).is_some();
    let message = if resendable {
        Text::new("platform-csrf-resend")
    } else {
        Text::new("platform-csrf-expired")
    };
    ErrorPage::bad_request(message)
        .with_resubmission(Resubmission {
            action: path.to_owned(),
            fields,
            resendable,
        })
        .into_response()
}
