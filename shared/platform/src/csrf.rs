//! CSRF protection for every state-changing request, in one middleware.
//!
//! Each session has a random token; pages put it in a hidden `csrf_token` field (scripts may
//! send an `X-CSRF-Token` header instead), and any request that is not GET/HEAD/OPTIONS must
//! carry it. On a mismatch the user sees a 400 page that lists what they sent and offers to
//! send it again with a valid token, so no typed-in form content is lost.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::pages::{ErrorPage, Resubmission};
use crate::session::Session;

/// Name of the hidden form field carrying the token.
pub const FIELD: &str = "csrf_token";
/// Header carrying the token for requests that are not urlencoded forms.
pub const HEADER: &str = "x-csrf-token";
const SESSION_KEY: &str = "csrf_token";
/// Larger form bodies are refused; enough for long batch inputs, small enough to buffer.
pub const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

impl Session {
    /// The session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> String {
        if let Some(token) = self.get::<String>(SESSION_KEY) {
            return token;
        }
        self.rotate_csrf_token()
    }

    /// Replaces the token, e.g. when the user logs in (so a token seen before login is useless).
    pub fn rotate_csrf_token(&self) -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.insert(SESSION_KEY, &token);
        token
    }

    fn expected_csrf_token(&self) -> Option<String> {
        self.get::<String>(SESSION_KEY)
    }
}

/// Middleware: lets safe methods through and checks the token on everything else.
pub async fn csrf_middleware(request: Request, next: Next) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return ErrorPage::internal("CSRF layer installed without the session layer")
            .into_response();
    };
    let expected = session.expected_csrf_token();

    if let Some(header) = request.headers().get(HEADER) {
        let submitted = header.to_str().ok();
        return if tokens_match(expected.as_deref(), submitted) {
            next.run(request).await
        } else {
            csrf_failure(&session, request.uri().path(), Vec::new())
        };
    }

    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    let path = request.uri().path().to_owned();
    if !is_form {
        return csrf_failure(&session, &path, Vec::new());
    }

    // The token is inside the body: read it, check it, and hand the same bytes on.
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ErrorPage::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "Form too large",
                format!("Forms may be at most {} MiB.", MAX_FORM_BYTES / 1024 / 1024),
            )
            .into_response();
        }
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let submitted = fields
        .iter()
        .find(|(name, _)| name == FIELD)
        .map(|(_, value)| value.as_str());
    if tokens_match(expected.as_deref(), submitted) {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    } else {
        let kept = fields
            .into_iter()
            .filter(|(name, _)| name != FIELD)
            .collect();
        csrf_failure(&session, &path, kept)
    }
}

fn tokens_match(expected: Option<&str>, submitted: Option<&str>) -> bool {
    match (expected, submitted) {
        (Some(expected), Some(submitted)) => {
            bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
        }
        _ => false,
    }
}

fn csrf_failure(session: &Session, path: &str, fields: Vec<(String, String)>) -> Response {
    // Make sure the session has a token, so that the page can offer a valid resubmission.
    session.csrf_token();
    tracing::info!(path, "request refused: CSRF token missing or wrong");
    ErrorPage::bad_request(
        "This form could not be sent because its security token is missing or out of date \
         (perhaps your session expired, or the form came from another site). \
         Nothing was changed. Check what you sent below and send it again, \
         or go back and reload the form.",
    )
    .with_resubmission(Resubmission {
        action: path.to_owned(),
        fields,
    })
    .into_response()
}
