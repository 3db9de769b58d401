//! What the QuickCategories tests share: a fake wiki that holds pages, applies edits and counts
//! them, the tool configured against it, and runners started in the test process.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use platform::Platform;
use platform::security::sealing::SealingKey;
use quickcategories::Settings;
use quickcategories::runner::Runner;
use quickcategories::store::{Batch, BatchStore, MemoryStore, Store};
use serde_json::{Value, json};
use test_support::{
    ApiRequest, FakePagePile, FakeUser, FakeWiki, TestClient, TestResponse, api_error,
};
use tokio::sync::watch;

pub const SECRET: &str = "quickcategories-test-secret-key-0123456789";

/// The fake wiki's pages, and what it does on the next edits.
#[derive(Clone, Default)]
pub struct Wiki {
    pub pages: Arc<Mutex<HashMap<String, String>>>,
    pub redirects: Arc<Mutex<HashMap<String, String>>>,
    pub protected: Arc<Mutex<Vec<String>>>,
    pub conflicts: Arc<Mutex<Vec<String>>>,
    revision: Arc<Mutex<u64>>,
    /// Saved edits per title.
    edits: Arc<Mutex<HashMap<String, u32>>>,
    /// When set, every edit is refused with this API error (code, text).
    refuse_edits: Arc<Mutex<Option<(String, String)>>>,
    /// How long each edit takes before it is answered.
    edit_delay: Arc<Mutex<Duration>>,
}

impl Wiki {
    pub fn edits(&self, title: &str) -> u32 {
        self.edits
            .lock()
            .expect("lock")
            .get(title)
            .copied()
            .unwrap_or(0)
    }

    pub fn total_edits(&self) -> u32 {
        self.edits.lock().expect("lock").values().sum()
    }

    /// Refuses every edit with this API error until called with `None`.
    pub fn refuse_edits(&self, error: Option<(&str, &str)>) {
        *self.refuse_edits.lock().expect("lock") =
            error.map(|(code, text)| (code.to_owned(), text.to_owned()));
    }

    /// Makes every edit take `delay` from now on, like a busy wiki. Needs a multi-thread test
    /// runtime (see `answer`).
    pub fn slow_edits(&self, delay: Duration) {
        *self.edit_delay.lock().expect("lock") = delay;
    }

    pub fn page(&self, title: &str) -> Option<String> {
        self.pages.lock().expect("lock").get(title).cloned()
    }

    pub fn set(&self, title: &str, text: &str) {
        self.pages
            .lock()
            .expect("lock")
            .insert(title.to_owned(), text.to_owned());
    }

    pub fn answer(&self, request: &ApiRequest) -> Option<Value> {
        // Meta-Wiki's list of wikis (every domain is this fake wiki).
        if let Some(matrix) = test_support::site_matrix(request) {
            return Some(matrix);
        }
        if request.has(&[("meta", "siteinfo")]) {
            return Some(json!({"query": {
                "namespaces": {"14": {"id": 14, "case": "first-letter", "name": "Category", "canonical": "Category"}},
                "namespacealiases": [{"id": 14, "alias": "Cat"}],
            }}));
        }
        if request.has(&[("prop", "revisions"), ("rvslots", "main")]) {
            let asked = request.param("titles")?.to_owned();
            // A title the parser accepts but the wiki does not (nothing after the namespace).
            if asked.ends_with(':') {
                return Some(
                    json!({"query": {"pages": [{"title": asked, "invalidreason": "bad", "invalid": true}]}}),
                );
            }
            let title = match (
                request.param("redirects"),
                self.redirects.lock().expect("lock").get(&asked),
            ) {
                (Some("1"), Some(target)) => target.clone(),
                _ => asked,
            };
            let page = match self.page(&title) {
                Some(text) => json!({"pageid": 1, "ns": 0, "title": title, "revisions": [{
                    "timestamp": "2026-01-01T00:00:00Z",
                    "slots": {"main": {"contentmodel": "wikitext", "content": text}},
                }]}),
                None => json!({"ns": 0, "title": title, "missing": true}),
            };
            return Some(
                json!({"curtimestamp": "2026-11-28T00:00:00Z", "query": {"pages": [page]}}),
            );
        }
        if request.has(&[("action", "edit")]) {
            let delay = *self.edit_delay.lock().expect("lock");
            if !delay.is_zero() {
                // The fake's handlers are synchronous; `block_in_place` lets the runtime's other
                // tasks (the tool, its request timeout) go on meanwhile on the other workers.
                tokio::task::block_in_place(|| std::thread::sleep(delay));
            }
            let title = request.param("title")?.to_owned();
            if let Some((code, text)) = self.refuse_edits.lock().expect("lock").clone() {
                return Some(api_error(&code, &text));
            }
            if self.protected.lock().expect("lock").contains(&title) {
                return Some(api_error(
                    "protectedpage",
                    "This page has been protected to prevent editing.",
                ));
            }
            if self.conflicts.lock().expect("lock").contains(&title) {
                return Some(api_error("editconflict", "Edit conflict."));
            }
            let exists = self.page(&title).is_some();
            if request.param("nocreate") == Some("1") && !exists {
                return Some(api_error(
                    "missingtitle",
                    "The page you specified doesn't exist.",
                ));
            }
            if request.param("createonly") == Some("1") && exists {
                return Some(api_error(
                    "articleexists",
                    "The article you tried to create has been created already.",
                ));
            }
            self.set(&title, request.param("text")?);
            *self
                .edits
                .lock()
                .expect("lock")
                .entry(title.clone())
                .or_default() += 1;
            let mut revision = self.revision.lock().expect("lock");
            *revision += 1;
            return Some(
                json!({"edit": {"result": "Success", "title": title, "newrevid": 1000 + *revision}}),
            );
        }
        None
    }
}

pub struct Setup {
    pub fake: FakeWiki,
    pub pagepile: FakePagePile,
    pub wiki: Wiki,
    pub client: TestClient,
    pub tool: Tool,
}

impl Setup {
    pub fn requests(&self, pairs: &[(&str, &str)]) -> Vec<ApiRequest> {
        self.fake.requests_with(pairs)
    }

    pub async fn token(&mut self) -> String {
        self.client.get("/").await.csrf_token().expect("form token")
    }

    pub async fn create(&mut self, commands: &str) -> TestResponse {
        let token = self.token().await;
        self.client
            .post_form(
                "/",
                &[
                    ("csrf_token", &token),
                    ("domain", "en.wikipedia.org"),
                    ("title", "Test batch"),
                    ("commands", commands),
                    ("resolve_redirects", "yes"),
                ],
            )
            .await
    }

    /// Starts the batch at `batch` (`/batch/N/`) in the background, authorizing at the fake
    /// wiki like a browser; returns the final response (the batch page's redirect, or an error).
    pub async fn start_background(&mut self, batch: &str) -> TestResponse {
        let token = self.token().await;
        let start = self
            .client
            .post_form(
                &format!("{batch}start_background"),
                &[("csrf_token", &token)],
            )
            .await;
        if start.status != StatusCode::SEE_OTHER {
            return start;
        }
        let authorize = start.location().expect("to the wiki").to_owned();
        let callback = self.fake.authorize(&authorize).await;
        self.client.get(&callback).await
    }

    pub async fn stop_background(&mut self, batch: &str) -> TestResponse {
        let token = self.token().await;
        self.client
            .post_form(
                &format!("{batch}stop_background"),
                &[("csrf_token", &token)],
            )
            .await
    }

    pub async fn run_slice(&mut self, batch: &str) -> TestResponse {
        let token = self.token().await;
        self.client
            .post_form(&format!("{batch}run_slice"), &[("csrf_token", &token)])
            .await
    }
}

pub fn env_for(fake: &FakeWiki, extra: &[(&'static str, &str)]) -> Env {
    let mut env: Vec<(String, String)> = vec![
        ("TOOL_SECRET_KEY".into(), SECRET.into()),
        ("TOOL_API_URL_TEMPLATE".into(), fake.api_url()),
        ("TOOL_SLICE_SIZE".into(), "10".into()),
    ];
    env.extend(fake.oauth_env().into_iter().map(|(k, v)| (k.to_owned(), v)));
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    Env(env)
}

/// The environment a test runs the tool with.
pub struct Env(Vec<(String, String)>);

impl Env {
    /// The same environment without `name` (e.g. no `TOOL_SECRET_KEY`: local development,
    /// cookies a browser keeps over plain HTTP).
    pub fn without(mut self, name: &str) -> Self {
        self.0.retain(|(key, _)| key != name);
        self
    }
}

/// The tool as configured by an environment: what its web service and runners are made of.
#[derive(Clone)]
pub struct Tool {
    pub platform: Platform,
    pub settings: Settings,
    pub store: Store,
    pub sealing: Option<SealingKey>,
}

impl Tool {
    pub fn new(env: &Env, store: Store) -> Self {
        let pairs: Vec<(&str, &str)> = env
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let config = test_support::config::<Settings>(&pairs);
        let platform = quickcategories::platform(&config).expect("platform");
        let sealing = quickcategories::sealing_key(&platform, &store);
        Self {
            platform,
            settings: config.tool,
            store,
            sealing,
        }
    }

    pub fn client(&self) -> TestClient {
        TestClient::new(
            quickcategories::app(
                &self.platform,
                &self.settings,
                self.store.clone(),
                self.sealing.clone(),
            )
            .expect("app"),
        )
    }

    /// A runner on `store` (the tool's own, or another connection to the same database), with
    /// short waits.
    pub fn runner(&self, store: Store) -> Runner {
        quickcategories::runner(
            &self.platform,
            &self.settings,
            store,
            self.sealing.clone().expect("a sealing key"),
        )
        .expect("runner")
        .with_timing(Duration::from_millis(50), Duration::from_millis(50))
    }
}

/// A runner started in this process, stopped as SIGTERM would stop it.
pub struct RunningRunner {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningRunner {
    pub fn start(runner: Runner) -> Self {
        // The runner's log, shown with a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("quickcategories=info")
            .try_init();
        Self::start_quietly(runner)
    }

    /// Without the log (benchmarks).
    pub fn start_quietly(runner: Runner) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(runner.run(stopped));
        Self { stop, task }
    }

    /// Asks it to stop and waits until it did (finishing its command first).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        tokio::time::timeout(Duration::from_secs(15), self.task)
            .await
            .expect("the runner stops within 15 s")
            .expect("the runner does not panic");
    }
}

async fn app(env: &Env, store: Store) -> TestClient {
    Tool::new(env, store).client()
}

/// Polls `store` until `reached` holds for the batch, and returns it; panics after 30 s,
/// saying what never happened.
pub async fn wait_for_batch(
    store: &Store,
    batch: u64,
    what: &str,
    reached: impl Fn(&Batch) -> bool,
) -> Batch {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(current) = store.batch(batch).await.ok().flatten()
            && reached(&current)
        {
            return current;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} never happened"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls `store` until the batch has no planned or pending commands and no active run (or
/// panics after `limit`).
pub async fn wait_until_done(store: &Store, batch: u64, limit: Duration) -> Batch {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let current = store.batch(batch).await.ok().flatten();
        if let Some(current) = &current {
            let progress = current.progress();
            if progress.planned == 0 && progress.pending == 0 && current.active_run().is_none() {
                return current.clone();
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "batch {batch} not done after {limit:?}: {:?}",
            current.map(|b| b.progress())
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn setup_with(extra: &[(&'static str, &str)], store: Store) -> Setup {
    let fake = FakeWiki::start().await;
    fake.add_user(FakeUser::new("Creator"));
    let wiki = Wiki::default();
    let answering = wiki.clone();
    fake.on_api(move |request| answering.answer(request));
    let pagepile = FakePagePile::start().await;
    let mut extra = extra.to_vec();
    extra.push(("TOOL_PAGEPILE_URL", pagepile.url()));
    let tool = Tool::new(&env_for(&fake, &extra), store);
    let mut client = tool.client();
    fake.log_in(&mut client, "/login").await;
    Setup {
        fake,
        pagepile,
        wiki,
        client,
        tool,
    }
}

pub async fn setup() -> Setup {
    setup_with(&[], Store::Memory(MemoryStore::new())).await
}

/// `url` with its host and port replaced by `address`.
pub fn url_through(url: &str, address: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("url");
    let (host, port) = address.rsplit_once(':').expect("host:port");
    parsed.set_host(Some(host)).expect("host");
    parsed.set_port(port.parse().ok()).expect("port");
    parsed.into()
}
