//! HTML pages shared by every tool: the layout context, forms and their errors, error pages, the
//! 404 fallback and the stylesheet.

pub mod form;
pub mod language_choice;
pub mod language_menu;
pub mod logout;

use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::body::{Body, to_bytes};
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::error::ErrorPage;
use crate::i18n::language;
use crate::i18n::{Arg, Catalog, Gender, Message, Messages, Text};
use crate::pages::language_choice::Wishes;
use crate::security::csrf::{self, CsrfToken};
use crate::security::session::Session;
use wikimedia::user_agent::ToolInfo;

/// What the layout shows about the tool, the same on every page.
#[derive(Debug, Clone)]
pub struct Site {
    pub tool: ToolInfo,
    /// Human-readable name, e.g. "Translate Link".
    pub title: &'static str,
    /// Whether the tool has login (the layout then shows a login/logout area).
    pub login_enabled: bool,
    /// The tool's documentation page on a wiki, linked from the header.
    pub documentation: Option<String>,
    /// Local-development mode (no secret key): every footer says so, so that nobody mistakes
    /// such an installation for a real one.
    pub development: bool,
    /// The interface messages: the platform's and the tool's.
    pub catalog: Arc<Catalog>,
    /// The footer's texts, per language ([`Messages::slot`]): the same on every page of a
    /// language, so rendered once.
    footers: Box<[OnceLock<Footer>]>,
}

/// The footer's texts in one language.
#[derive(Debug, Clone)]
struct Footer {
    /// The source link, licence and host.
    about: String,
    /// The language menu link's text.
    language: String,
    /// The note of local-development mode, if the tool runs in it.
    development: Option<String>,
}

impl Site {
    /// A site without login and without a documentation link.
    pub fn new(tool: ToolInfo, title: &'static str, catalog: Arc<Catalog>) -> Self {
        Self {
            tool,
            title,
            login_enabled: false,
            documentation: None,
            development: false,
            footers: Self::empty_footers(&catalog),
            catalog,
        }
    }

    /// The same site, saying in every footer whether it runs in local-development mode.
    pub(crate) fn in_development(self, development: bool) -> Self {
        Self {
            development,
            footers: Self::empty_footers(&self.catalog),
            ..self
        }
    }

    /// The same site with other messages; the footers are rendered again from them.
    pub(crate) fn with_catalog(self, catalog: Arc<Catalog>) -> Self {
        Self {
            footers: Self::empty_footers(&catalog),
            catalog,
            ..self
        }
    }

    fn empty_footers(catalog: &Catalog) -> Box<[OnceLock<Footer>]> {
        (0..catalog.slots()).map(|_| OnceLock::new()).collect()
    }

    fn footer(&self, messages: &Messages) -> &Footer {
        self.footers[messages.slot()].get_or_init(|| {
            let name = language::autonym(messages.code()).unwrap_or("English");
            Footer {
                about: messages.render(
                    "platform-footer",
                    &[Arg::Text(self.tool.repository.to_owned())],
                ),
                language: messages.render("platform-language-link", &[Arg::Text(name.to_owned())]),
                development: self
                    .development
                    .then(|| messages.render("platform-development-mode", &[])),
            }
        })
    }
}

/// Everything the base layout needs; every page template has a `page: PageContext` field.
#[derive(Debug, Clone)]
pub struct PageContext {
    pub site: Arc<Site>,
    /// Name of the logged-in user, if any.
    pub username: Option<String>,
    /// Their grammatical gender, for `{{GENDER:}}` (unknown: the neutral form).
    pub user_gender: Gender,
    /// This page's path, for "log in and come back here".
    pub path: String,
    /// The interface messages in the language chosen for this request.
    pub messages: Messages,
    session: Option<Session>,
    /// Whether `csrf_token` may create a token: yes for a handler's page, no for an error page
    /// (an error never creates a session).
    may_create_token: bool,
}

impl PageContext {
    pub const CSRF_FIELD: &'static str = csrf::FIELD;

    fn new(
        site: Arc<Site>,
        messages: Messages,
        session: Option<Session>,
        path: String,
        may_create_token: bool,
    ) -> Self {
        let identity = match &session {
            Some(session) if site.login_enabled => crate::login::logged_in_identity(session),
            _ => None,
        };
        let user_gender = identity.as_ref().map_or(Gender::Unknown, |id| id.gender);
        let username = identity.map(|id| id.username);
        Self {
            site,
            username,
            user_gender,
            path,
            messages,
            session,
            may_create_token,
        }
    }

    /// The interface message `key`, for a template: `{{ page.msg("key").arg(x) }}`.
    pub fn msg(&self, key: &'static str) -> Message<'_> {
        Message::new(&self.messages, key)
    }

    /// A [`Text`] (an error, a form error) in this page's language, as HTML.
    pub fn text(&self, text: &Text) -> askama::filters::Safe<String> {
        askama::filters::Safe(self.messages.text(text))
    }

    /// The interface language, for `<html lang>`.
    pub fn lang(&self) -> &str {
        self.messages.code()
    }

    /// `ltr` or `rtl`, for `<html dir>`.
    pub fn dir(&self) -> &'static str {
        self.messages.dir()
    }

    /// The footer's note that the tool runs in local-development mode, if it does.
    pub fn footer_development(&self) -> Option<askama::filters::Safe<&str>> {
        self.site
            .footer(&self.messages)
            .development
            .as_deref()
            .map(askama::filters::Safe)
    }

    /// The footer's source link, licence and host, in this page's language.
    pub fn footer_about(&self) -> askama::filters::Safe<&str> {
        askama::filters::Safe(&self.site.footer(&self.messages).about)
    }

    /// The language menu link's text ("Language: English"), in this page's language.
    pub fn footer_language(&self) -> askama::filters::Safe<&str> {
        askama::filters::Safe(&self.site.footer(&self.messages).language)
    }

    /// `/language?return_to=<this page>`: the language menu.
    pub fn language_url(&self) -> String {
        format!(
            "{}?{}",
            LANGUAGE_PATH,
            serde_urlencoded::to_string([("return_to", self.path.as_str())]).unwrap_or_default()
        )
    }

    /// The session's CSRF token, for the hidden field of a POST form. Call it only where a form
    /// is rendered: the first call creates the token, and with it the session cookie.
    pub fn csrf_token(&self) -> String {
        let token = match &self.session {
            Some(session) if self.may_create_token => Some(CsrfToken::get_or_create(session)),
            Some(session) => CsrfToken::existing(session),
            None => None,
        };
        if let (Some(session), Some(_)) = (&self.session, &token) {
            session.mark_token_shown();
        }
        token
            .map(|token| token.as_str().to_owned())
            .unwrap_or_default()
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
        let site = parts
            .extensions
            .get::<Arc<Site>>()
            .cloned()
            .ok_or_else(|| ErrorPage::internal("PageContext used outside the platform router"))?;
        let session = parts.extensions.get::<Session>().cloned();
        let wishes = Wishes {
            query: parts.uri.query(),
            accept_language: parts.headers.get(axum::http::header::ACCEPT_LANGUAGE),
        };
        let messages = language_choice::choose(&site.catalog, wishes, session.as_ref());
        Ok(Self::new(
            site,
            messages,
            session,
            parts.uri.path().to_owned(),
            true,
        ))
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

/// Renders an error response as a page in the layout: an [`ErrorPage`] a handler returned, or
/// the framework's plain-text errors (unknown method, timeout, malformed form…), so users never
/// see bare text. Other responses pass unchanged.
///
/// The session, when there is one, is only read (who is logged in, an existing CSRF token for a
/// logout form): an error page never creates or changes a session. Headers the response
/// already has (a cookie a handler changed, `Retry-After`) are kept.
pub async fn render_errors(
    site: &Arc<Site>,
    wishes: Wishes<'_>,
    session: Option<&Session>,
    path: &str,
    response: Response,
) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (error, parts) = match response.extensions().get::<Arc<ErrorPage>>().cloned() {
        Some(error) => ((*error).clone(), response.into_parts().0),
        // A page of the tool's own, or an API's JSON answer (an error in the API's terms).
        None if is_html(&response) || is_json(&response) => return response,
        None => {
            let (parts, body) = response.into_parts();
            (framework_error(status, body).await, parts)
        }
    };
    let messages = language_choice::choose(&site.catalog, wishes, session);
    let context = PageContext::new(
        site.clone(),
        messages,
        session.cloned(),
        path.to_owned(),
        false,
    );
    let mut page = render(context, &error);
    let mut parts = parts;
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.remove(CONTENT_TYPE);
    parts.status = page.status();
    parts.headers.extend(page.headers_mut().drain());
    Response::from_parts(parts, page.into_body())
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// The page for an error the framework answered in plain text. Its title is the status's
/// standard reason phrase (`HTTP 405: Method Not Allowed`), which is not translated; a client
/// error's own text (a form that did not parse) is shown as it is, as a parameter.
async fn framework_error(status: StatusCode, body: Body) -> ErrorPage {
    let title = Text::new("platform-error-status")
        .num(status.as_u16())
        .arg(status.canonical_reason().unwrap_or_default());
    if status.is_server_error() {
        return ErrorPage::new(status, title, Text::new("platform-error-server"));
    }
    let message = match status {
        StatusCode::REQUEST_TIMEOUT => Text::new("platform-error-timeout"),
        StatusCode::METHOD_NOT_ALLOWED => Text::new("platform-error-method"),
        // axum's body limit (the same as the CSRF check's) was hit inside a handler.
        StatusCode::PAYLOAD_TOO_LARGE => return csrf::form_too_large(),
        _ => match to_bytes(body, MAX_REASON_BYTES)
            .await
            .ok()
            .and_then(|body| String::from_utf8(body.to_vec()).ok())
            .filter(|text| !text.trim().is_empty())
        {
            Some(reason) => Text::new("platform-error-client").arg(reason),
            None => Text::new("platform-error-client-unknown"),
        },
    };
    ErrorPage::new(status, title, message)
}

fn render(page: PageContext, error: &ErrorPage) -> Response {
    match (ErrorTemplate { page, error }).render() {
        Ok(html) => (error.status, Html(html)).into_response(),
        Err(render_error) => {
            tracing::error!(%render_error, "error page could not be rendered");
            (error.status, error.message.key).into_response()
        }
    }
}

/// Fallback for unknown paths.
pub async fn not_found() -> ErrorPage {
    ErrorPage::not_found(Text::new("platform-no-page"))
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
        include_str!("../../static/style.css"),
    )
        .into_response()
}

/// A file of the tool's own compiled into the binary (its stylesheet, its script), as a
/// response browsers may keep for an hour. Tools serve these from their own routes: the
/// content security policy allows scripts and styles from the tool's origin only.
pub fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Path of the language menu.
pub const LANGUAGE_PATH: &str = "/language";

/// Path of the shared stylesheet.
pub const STYLESHEET_PATH: &str = "/static/style.css";

/// The tools' icon, linked from the layout: without one, browsers ask for `/favicon.ico` on
/// every first visit and get a 404.
pub async fn favicon() -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("image/svg+xml")),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        include_str!("../../static/favicon.svg"),
    )
        .into_response()
}

/// Path of the icon.
pub const FAVICON_PATH: &str = "/static/favicon.svg";
