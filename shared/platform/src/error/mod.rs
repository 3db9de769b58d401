//! The error a user sees: an [`ErrorPage`] carries a status and a message, and the error-page
//! middleware (`pages`) renders it inside the layout.
//!
//! Every other module may return an `ErrorPage`; it depends only on `i18n` (its texts are
//! messages). A wiki's refusal becomes a page in one place, [`wiki`].

pub mod wiki;

use std::sync::Arc;

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::i18n::Text;

/// A form the user sent that was refused (bad CSRF token), shown so nothing typed is lost, and
/// offered for sending again when the session has a token to send it with.
#[derive(Debug, Clone)]
pub struct Resubmission {
    pub action: String,
    pub fields: Vec<(String, String)>,
    /// Whether the page may offer a "Send again" button: only when the session already had a
    /// token (a refused request never creates one).
    pub resendable: bool,
}

/// An error shown to the user as an HTML page with the right status.
///
/// Handlers return it as an error; the error-page middleware renders it inside the layout, its
/// title and message in the request's language (they are [`Text`]s: message keys with their
/// parameters). Internal details given to [`ErrorPage::internal`] are logged, never shown.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub title: Text,
    pub message: Text,
    // Boxed: rarely present, and an `ErrorPage` is the error type of many `Result`s.
    pub resubmission: Option<Box<Resubmission>>,
    /// A way on from the error: where, and the button's text.
    pub link: Option<Box<(String, Text)>>,
    /// Sent as `Retry-After` when the service asked to wait this long.
    pub retry_after_seconds: Option<u64>,
}

impl ErrorPage {
    pub fn new(status: StatusCode, title: Text, message: Text) -> Self {
        Self {
            status,
            title,
            message,
            resubmission: None,
            link: None,
            retry_after_seconds: None,
        }
    }

    /// 400, with the reason the input was refused.
    pub fn bad_request(message: Text) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            Text::new("platform-error-bad-request"),
            message,
        )
    }

    pub fn forbidden(message: Text) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Text::new("platform-error-forbidden"),
            message,
        )
    }

    pub fn not_found(message: Text) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            Text::new("platform-error-not-found"),
            message,
        )
    }

    /// 409: the request does not fit the current state (already running, say).
    pub fn conflict(message: Text) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            Text::new("platform-error-conflict"),
            message,
        )
    }

    /// 502: a service this tool depends on failed.
    pub fn bad_gateway(message: Text) -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            Text::new("platform-error-bad-gateway"),
            message,
        )
    }

    pub fn service_unavailable(message: Text) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Text::new("platform-error-unavailable"),
            message,
        )
    }

    /// 500. `detail` goes to the log only: it may contain internals.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Text::new("platform-error-internal"),
            Text::new("platform-error-internal-message"),
        )
    }

    pub fn with_link(mut self, href: impl Into<String>, label: Text) -> Self {
        self.link = Some(Box::new((href.into(), label)));
        self
    }

    pub fn with_retry_after(mut self, seconds: Option<u64>) -> Self {
        self.retry_after_seconds = seconds;
        self
    }

    pub fn with_resubmission(mut self, resubmission: Resubmission) -> Self {
        self.resubmission = Some(Box::new(resubmission));
        self
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        // The message key until the middleware renders the page (it always does inside the
        // platform router; the key is for a handler used on its own).
        let mut response = (self.status, self.message.key).into_response();
        if let Some(seconds) = self.retry_after_seconds {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}
