//! HTML pages shared by every tool: the layout context, error pages, the 404 fallback and the
//! stylesheet.

use std::sync::Arc;

use askama::Template;
use axum::body::to_bytes;
use axum::extract::{FromRequestParts, Request};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::csrf;
use crate::session::Session;
use crate::user_agent::ToolInfo;

/// What the layout shows about the tool, the same on every page.
#[derive(Debug, Clone)]
pub struct Site {
    pub tool: ToolInfo,
    /// Human-readable name, e.g. "Translate Link".
    pub title: &'static str,
    /// Whether the tool has login (the layout then shows a login/logout area).
    pub login_enabled: bool,
}

/// Everything the base layout needs; every page template has a `page: PageContext` field.
#[derive(Debug, Clone)]
pub struct PageContext {
    pub site: Arc<Site>,
    /// The session's CSRF token, for the hidden field of every POST form.
    pub csrf_token: String,
    /// Name of the logged-in user, if any.
    pub username: Option<String>,
    /// This page's path, for "log in and come back here".
    pub path: String,
}

impl PageContext {
    pub const CSRF_FIELD: &'static str = csrf::FIELD;

    fn from_request(extensions: &axum::http::Extensions, uri: &axum::http::Uri) -> Option<Self> {
        let site = extensions.get::<Arc<Site>>()?.clone();
        let session = extensions.get::<Session>()?;
        let username = if site.login_enabled {
            crate::login::logged_in_username(session)
        } else {
            None
        };
        Some(Self {
            site,
            csrf_token: session.csrf_token(),
            username,
            path: uri.path().to_owned(),
        })
    }

    /// `/login?return_to=<this page>`.
    pub fn login_url(&self) -> String {
        format!(
            "{}?{}",
            crate::login::LOGIN_PATH,
            serde_urlencoded::to_string([("return_to", self.path.as_str())]).unwrap_or_default()
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = ErrorPage;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::from_request(&parts.extensions, &parts.uri)
            .ok_or_else(|| ErrorPage::internal("PageContext used outside the platform router"))
    }
}

/// A form the user sent that was refused (bad CSRF token), offered for sending again.
#[derive(Debug, Clone)]
pub struct Resubmission {
    pub action: String,
    pub fields: Vec<(String, String)>,
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

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    page: PageContext,
    error: &'a ErrorPage,
}

/// Longest body of a framework-generated error (e.g. a form rejection) shown as its reason.
const MAX_REASON_BYTES: usize = 2048;

/// Middleware: renders [`ErrorPage`]s in the layout and turns the framework's plain-text errors
/// (unknown method, timeout, malformed form…) into pages too, so users never see bare text.
pub async fn error_page_middleware(request: Request, next: Next) -> Response {
    let context = PageContext::from_request(request.extensions(), request.uri());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let Some(context) = context else {
        return response;
    };
    let error = match response.extensions().get::<Arc<ErrorPage>>() {
        Some(error) => (**error).clone(),
        None if is_html(&response) => return response,
        None => framework_error(response).await,
    };
    render(context, &error)
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

async fn framework_error(response: Response) -> ErrorPage {
    let status = response.status();
    let title = status.canonical_reason().unwrap_or("Error");
    if status.is_server_error() {
        return ErrorPage::new(
            status,
            title,
            "Something went wrong on our side. Please try again later.",
        );
    }
    let message = match status {
        StatusCode::REQUEST_TIMEOUT => "The request took too long and was stopped.".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that method.".to_owned(),
        _ => to_bytes(response.into_body(), MAX_REASON_BYTES)
            .await
            .ok()
            .and_then(|body| String::from_utf8(body.to_vec()).ok())
            .filter(|text| !text.trim().is_empty())
            .unwrap_or_else(|| title.to_owned()),
    };
    ErrorPage::new(status, title, message)
}

fn render(page: PageContext, error: &ErrorPage) -> Response {
    match (ErrorTemplate { page, error }).render() {
        Ok(html) => (error.status, Html(html)).into_response(),
        Err(render_error) => {
            tracing::error!(%render_error, "error page could not be rendered");
            (error.status, error.message.clone()).into_response()
        }
    }
}

/// Fallback for unknown paths.
pub async fn not_found() -> ErrorPage {
    ErrorPage::not_found("There is no page at this address.")
}

/// The shared stylesheet, compiled into the binary.
pub async fn stylesheet() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

/// Path of the shared stylesheet.
pub const STYLESHEET_PATH: &str = "/static/style.css";
