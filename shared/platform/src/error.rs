//! The error a user sees: an [`ErrorPage`] carries a status and a message, and the error-page
//! middleware (`pages`) renders it inside the layout.
//!
//! This module is a leaf: every other module may return an `ErrorPage`, and it depends on none
//! of them.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
/// Handlers return it as an error; the error-page middleware renders it inside the layout.
/// Internal details given to [`ErrorPage::internal`] are logged, never shown.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
    // Boxed: rarely present, and an `ErrorPage` is the error type of many `Result`s.
    pub resubmission: Option<Box<Resubmission>>,
    /// A way on from the error, e.g. ("/login", "Log in").
    pub link: Option<Box<(String, String)>>,
}

impl ErrorPage {
    pub fn new(status: StatusCode, title: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            title: title.into(),
            message: message.into(),
            resubmission: None,
            link: None,
        }
    }

    /// 400, with the reason the input was refused.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad request", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Not allowed", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", message)
    }

    /// 502: a service this tool depends on failed.
    pub fn bad_gateway(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "Upstream error", message)
    }

    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service unavailable",
            message,
        )
    }

    /// 500. `detail` goes to the log only: it may contain internals.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
            "Something went wrong on our side. The error has been logged; please try again later.",
        )
    }

    pub fn with_link(mut self, href: impl Into<String>, label: impl Into<String>) -> Self {
        self.link = Some(Box::new((href.into(), label.into())));
        self
    }

    pub fn with_resubmission(mut self, resubmission: Resubmission) -> Self {
        self.resubmission = Some(Box::new(resubmission));
        self
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        // Plain text until the middleware renders the page (it always does inside the platform
        // router; the text is for a handler used on its own).
        let mut response = (self.status, self.message.clone()).into_response();
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}
