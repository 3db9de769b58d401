//! A browser stand-in: sends requests straight into a router (no socket) and keeps cookies, and
//! reads the pages it gets with CSS selectors.

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use scraper::{ElementRef, Html, Selector};
use tower::ServiceExt;

/// Drives a router like a browser would: cookies set by responses are sent with later requests.
///
/// A clone starts with the same cookies but keeps its own from then on, so clones can fire
/// requests of one browser session concurrently (e.g. two tabs racing to refresh a token); look
/// at each clone's cookies afterwards to see what that tab was told.
#[derive(Debug, Clone)]
pub struct TestClient {
    router: Router,
    cookies: BTreeMap<String, String>,
}

/// A response with its body read into a string.
///
/// Pages are read with CSS selectors ([`text_of`](Self::text_of), [`attr`](Self::attr), …), so
/// that a test names the element that holds what it checks; `body` stays for what is about the
/// bytes (a JSON answer, a plain-text export, a secret that must appear nowhere).
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestClient {
    pub fn new(router: Router) -> Self {
        Self {
            router,
            cookies: BTreeMap::new(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> TestResponse {
        self.send(Method::GET, uri, None, &[]).await
    }

    /// POSTs an urlencoded form, as a browser submits one.
    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).expect("form fields encode");
        self.send(
            Method::POST,
            uri,
            Some(body),
            &[(CONTENT_TYPE.as_str(), "application/x-www-form-urlencoded")],
        )
        .await
    }

    /// Sends any request; `headers` are added to the cookie header the client keeps.
    pub async fn send(
        &mut self,
        method: Method,
        uri: &str,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header(COOKIE, cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .expect("request builds");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router is infallible");
        self.remember_cookies(response.headers());
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body reads")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The value of a cookie the client holds.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub fn clear_cookies(&mut self) {
        self.cookies.clear();
    }

    fn remember_cookies(&mut self, headers: &HeaderMap) {
        for header in headers.get_all(SET_COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            let pair = text.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let expired = text.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            if expired {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header(LOCATION.as_str())
    }

    /// The CSRF token of the first form on the page (the hidden `csrf_token` field).
    pub fn csrf_token(&self) -> Option<String> {
        self.with_matches("input[name=csrf_token]", |matches| {
            matches
                .first()
                .and_then(|input| input.attr("value"))
                .map(str::to_owned)
        })
    }

    /// The text of every element matching `css`, in document order, each with its whitespace
    /// collapsed (runs of spaces and line breaks become one space, none at either end), as a
    /// reader sees it.
    pub fn select_text(&self, css: &str) -> Vec<String> {
        self.with_matches(css, |matches| matches.iter().map(text).collect())
    }

    /// The text of the one element matching `css` (see [`select_text`](Self::select_text)).
    /// Panics, listing what matched or showing the page, unless exactly one element matches.
    pub fn text_of(&self, css: &str) -> String {
        self.with_one(css, text)
    }

    /// The text of the one element matching `css` exactly as the page has it, line breaks and
    /// all: for a `textarea` or `pre`, whose lines matter. Panics, listing what matched or
    /// showing the page, unless exactly one element matches.
    pub fn raw_text_of(&self, css: &str) -> String {
        self.with_one(css, |element| element.text().collect())
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.with_matches(css, |matches| matches.len())
    }

    /// Attribute `name` of the one element matching `css` (`None` if it has no such attribute).
    /// Panics, listing what matched or showing the page, unless exactly one element matches.
    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.with_one(css, |element| element.attr(name).map(str::to_owned))
    }

    /// Attribute `name` of every element matching `css` that has it, in document order.
    pub fn select_attr(&self, css: &str, name: &str) -> Vec<String> {
        self.with_matches(css, |matches| {
            matches
                .iter()
                .filter_map(|element| element.attr(name).map(str::to_owned))
                .collect()
        })
    }

    /// Text and `href` of every link matching `css` (elements without `href` are left out), in
    /// document order: where each link goes and what the reader is told it is.
    pub fn links(&self, css: &str) -> Vec<(String, String)> {
        self.with_matches(css, |matches| {
            matches
                .iter()
                .filter_map(|element| Some((text(element), element.attr("href")?.to_owned())))
                .collect()
        })
    }

    /// What the platform's error page (`platform::ErrorPage`) tells the user went wrong: its
    /// message, under the heading. Panics, showing the page, if it is not that page.
    pub fn error_message(&self) -> String {
        self.text_of("section.error h1 + p")
    }

    /// Panics, showing the page, unless at least one element matches `css`.
    pub fn assert_has(&self, css: &str) {
        if self.count(css) == 0 {
            panic!(
                "expected an element matching `{css}`, found none in the page ({}):\n{}",
                self.status, self.body
            );
        }
    }

    /// Panics, listing what matched, if any element matches `css`.
    pub fn assert_none(&self, css: &str) {
        self.with_matches(css, |matches| {
            if !matches.is_empty() {
                panic!(
                    "expected no element matching `{css}`, found {}:\n{}",
                    matches.len(),
                    listed(matches)
                );
            }
        });
    }

    fn with_matches<R>(&self, css: &str, read: impl FnOnce(&[ElementRef<'_>]) -> R) -> R {
        let selector = Selector::parse(css)
            .unwrap_or_else(|error| panic!("`{css}` is not a CSS selector: {error}"));
        let page = Html::parse_document(&self.body);
        let matches: Vec<ElementRef<'_>> = page.select(&selector).collect();
        read(&matches)
    }

    fn with_one<R>(&self, css: &str, read: impl FnOnce(&ElementRef<'_>) -> R) -> R {
        self.with_matches(css, |matches| match matches {
            [one] => read(one),
            [] => panic!(
                "expected one element matching `{css}`, found none in the page ({}):\n{}",
                self.status, self.body
            ),
            several => panic!(
                "expected one element matching `{css}`, found {}:\n{}",
                several.len(),
                listed(several)
            ),
        })
    }
}

fn text(element: &ElementRef<'_>) -> String {
    let text: String = element.text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The elements' markup, one a line, each cut short: enough to tell them apart.
fn listed(elements: &[ElementRef<'_>]) -> String {
    const SHOWN: usize = 300;
    elements
        .iter()
        .map(|element| {
            let html = element.html();
            match html.char_indices().nth(SHOWN) {
                Some((end, _)) => format!("  {}…", &html[..end]),
                None => format!("  {html}"),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
