//! A real browser for the tools' end-to-end tests: Debian's headless Chromium, driven through
//! `chromedriver` with `fantoccini` (WebDriver: the W3C protocol every browser speaks, and a
//! crate that only needs an HTTP connection to the driver — no DevTools protocol pinned to one
//! Chromium version).
//!
//! Where no Chromium is installed, [`Browser::start`] returns `None` and prints why, so a
//! laptop without one still runs every other test; with `TEST_BROWSER_REQUIRED=1` (set by
//! `.ci/run`, which installs Chromium) a missing browser is a failure instead, so CI never skips.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::Method;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Widths pages are checked at: a desktop and a phone.
pub const DESKTOP_WIDTH: u32 = 1280;
pub const PHONE_WIDTH: u32 = 390;

/// Serves `app` on a free port of 127.0.0.1 for the rest of the test; returns its base URL.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

/// A headless Chromium with its driver; both end when this is dropped.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn required() -> bool {
    std::env::var("TEST_BROWSER_REQUIRED").is_ok_and(|value| value == "1")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Where screenshots go: `target/screenshots/` of the workspace (not committed).
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots")
}

impl Browser {
    /// Starts Chromium, or says why not and returns `None` (a failure with
    /// `TEST_BROWSER_REQUIRED=1`).
    pub async fn start() -> Option<Self> {
        for program in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(program).exists() {
                let reason = format!(
                    "browser test skipped: {program} is missing (apt-get install chromium chromium-driver)"
                );
                assert!(!required(), "{reason}, and TEST_BROWSER_REQUIRED=1");
                eprintln!("{reason}");
                return None;
            }
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    format!("--window-size={DESKTOP_WIDTH},900"),
                ],
            }),
        );
        // Keep the console's errors for `console_errors`.
        capabilities.insert(
            "goog:loggingPrefs".to_owned(),
            json!({ "browser": "SEVERE" }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a browser session");
        Some(Self { client, driver })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigates");
    }

    pub async fn current_url(&self) -> String {
        self.client.current_url().await.expect("url").to_string()
    }

    /// Types `text` into the field with this CSS selector (after clearing it).
    pub async fn fill(&self, selector: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(selector))
            .await
            .expect(selector);
        field.clear().await.expect("clears");
        field.send_keys(text).await.expect("types");
    }

    /// Clicks the element with this CSS selector, and waits for the next page to load.
    pub async fn click(&self, selector: &str) {
        let element = self
            .client
            .find(Locator::Css(selector))
            .await
            .expect(selector);
        element.click().await.expect("clicks");
    }

    /// Waits until the browser is at a URL ending in `suffix` (a click's navigation takes a
    /// moment), and returns it; panics after 10 s.
    pub async fn wait_for_url(&self, suffix: &str) -> String {
        poll(|| self.current_url(), |url| url.ends_with(suffix))
            .await
            .unwrap_or_else(|url| panic!("the browser is at {url}, not at …{suffix}"))
    }

    /// Waits until the page's HTML contains `text`, and returns the HTML; panics after 10 s.
    pub async fn wait_for_text(&self, text: &str) -> String {
        poll(|| self.html(), |html| html.contains(text))
            .await
            .unwrap_or_else(|html| panic!("“{text}” never appeared on the page: {html}"))
    }

    /// The page's HTML as the browser has it now.
    pub async fn html(&self) -> String {
        self.client.source().await.expect("page source")
    }

    /// Runs a script in the page and returns its JSON result.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, Vec::new())
            .await
            .expect("script runs")
    }

    /// The errors the browser's console got since the last call (script errors, `console.error`,
    /// refused by the Content-Security-Policy…). Left out: "Failed to load resource" lines,
    /// which Chromium also writes when a page itself has an error status, as a 404 page or a
    /// refused POST rightly has; failed subresources are checked by `check_page` instead.
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("the browser's log");
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .filter_map(|entry| entry["message"].as_str())
            .filter(|message| !message.contains("Failed to load resource: the server responded"))
            .map(str::to_owned)
            .collect()
    }

    /// The stylesheets, scripts and images of the current page that got an error status, as
    /// "<url> <status>".
    pub async fn failed_subresources(&self) -> Vec<String> {
        let failed = self
            .eval(
                "return performance.getEntriesByType('resource') \
                   .filter(r => r.responseStatus >= 400) \
                   .map(r => r.name + ' ' + r.responseStatus);",
            )
            .await;
        serde_json::from_value(failed).expect("a list of strings")
    }

    /// Checks what every page must have, at desktop and phone width, and saves a screenshot of
    /// each as `target/screenshots/<name>-<width>.png`:
    /// - no errors in the console since the last check, and every stylesheet, script and image
    ///   loaded;
    /// - the footer's "Source code" link is an absolute URL;
    /// - `<html lang>` is set, every visible input has a label, every image has alt text;
    /// - nothing overflows horizontally (`scrollWidth <= clientWidth`).
    pub async fn check_page(&self, name: &str) {
        let errors = self.console_errors().await;
        assert!(
            errors.is_empty(),
            "{name}: errors in the console: {errors:#?}"
        );
        let failed = self.failed_subresources().await;
        assert!(
            failed.is_empty(),
            "{name}: subresources that did not load: {failed:?}"
        );
        let source: serde_json::Value = self
            .eval(
                "const a = [...document.querySelectorAll('footer a')].find(l => l.textContent.trim() === 'Source code'); \
                 return a ? a.href : null;",
            )
            .await;
        let source = source.as_str().unwrap_or_default().to_owned();
        assert!(
            source.starts_with("https://") && source.len() > "https://".len(),
            "{name}: the footer's source link is {source:?}"
        );
        let lang = self.eval("return document.documentElement.lang;").await;
        assert!(
            lang.as_str().is_some_and(|lang| !lang.is_empty()),
            "{name}: <html> has no lang"
        );
        let unlabelled = self
            .eval(
                "return [...document.querySelectorAll('input, select, textarea')] \
                   .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button') \
                   .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') \
                                && !e.getAttribute('aria-labelledby')) \
                   .map(e => e.name || e.id || e.outerHTML);",
            )
            .await;
        assert_eq!(unlabelled, json!([]), "{name}: inputs without a label");
        let no_alt = self
            .eval(
                "return [...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.src);",
            )
            .await;
        assert_eq!(no_alt, json!([]), "{name}: images without alt text");

        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        for width in [DESKTOP_WIDTH, PHONE_WIDTH] {
            self.client
                .set_window_size(width, 900)
                .await
                .expect("resizes");
            // The screenshot first, so that a failing check has its picture.
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(format!("{name}-{width}.png")), png).expect("saves");
            let overflow = self
                .eval(
                    "const e = document.documentElement; \
                     const wide = [...document.querySelectorAll('body *')] \
                       .filter(x => x.getBoundingClientRect().right > e.clientWidth + 1) \
                       .slice(0, 5).map(x => x.tagName + (x.className ? '.' + x.className : '')); \
                     return [e.scrollWidth, e.clientWidth, wide];",
                )
                .await;
            let (scroll, client) = (overflow[0].as_u64(), overflow[1].as_u64());
            assert!(
                scroll <= client,
                "{name} at {width} px overflows horizontally: scrollWidth {scroll:?} > clientWidth {client:?}; too wide: {}",
                overflow[2]
            );
        }
        self.client
            .set_window_size(DESKTOP_WIDTH, 900)
            .await
            .expect("resizes back");
    }

    /// Plays a page of another site (served on `localhost`, which to the browser is another
    /// site than `127.0.0.1`) that posts a form with `fields` to `action` as soon as it loads,
    /// the way a forged request arrives; returns the HTML the browser ends up showing.
    pub async fn post_from_another_site(&self, action: &str, fields: &[(&str, &str)]) -> String {
        let inputs: String = fields
            .iter()
            .map(|(name, value)| {
                format!("<input type=\"hidden\" name=\"{name}\" value=\"{value}\">")
            })
            .collect();
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><body><form method=\"post\" action=\"{action}\">\
             {inputs}</form><script>document.forms[0].submit()</script></body></html>"
        );
        let attacker = serve(Router::new().route(
            "/",
            axum::routing::get(move || {
                let page = page.clone();
                async move { axum::response::Html(page) }
            }),
        ))
        .await
        .replace("127.0.0.1", "localhost");
        self.goto(&format!("{attacker}/")).await;
        // The form submits itself; wait until the browser has left the attacker's page and
        // loaded the answer.
        let loaded = poll(
            || async {
                let left = !self.current_url().await.starts_with(&attacker);
                left && self.eval("return document.readyState;").await == "complete"
            },
            |loaded| *loaded,
        )
        .await;
        assert!(loaded.is_ok(), "the forged form's answer never loaded");
        self.html().await
    }

    /// Ends the browser session (the driver process ends on drop).
    pub async fn close(self) {
        let client = self.client.clone();
        let _ = client.close().await;
    }
}

/// Reads with `read` every 100 ms until `done` holds of the reading, for at most 10 s (a
/// click's navigation takes a moment): `Ok` with the reading that did, or `Err` with the last.
async fn poll<T, F, Fut>(read: F, done: impl Fn(&T) -> bool) -> Result<T, T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reading = read().await;
        if done(&reading) {
            return Ok(reading);
        }
        if Instant::now() >= deadline {
            return Err(reading);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// ChromeDriver's log command (`POST /session/{id}/se/log`), which WebDriver itself lacks: it
/// returns the browser log's entries since the last call, and empties it.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}
