//! A fake PagePile (<https://pagepile.toolforge.org/api.php>) for tests: piles of pages on one
//! wiki, read with `action=get_data` and created with `action=create_pile_with_data`, answered
//! as PagePile answers them — including its habit of answering an unknown pile with an error
//! text that is not JSON.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

/// A pile as PagePile keeps it: the wiki's database name and page titles with underscores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakePile {
    pub wiki: String,
    pub pages: Vec<String>,
}

#[derive(Debug, Default)]
struct PileState {
    piles: BTreeMap<u64, FakePile>,
    /// When set, every request gets this status (PagePile down).
    failing: Option<StatusCode>,
    requests: usize,
}

#[derive(Debug, Clone)]
pub struct FakePagePile {
    url: String,
    state: Arc<Mutex<PileState>>,
}

type Params = Vec<(String, String)>;

impl FakePagePile {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(PileState::default()));
        let app = Router::new()
            .route("/api.php", get(read).post(create))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake PagePile binds");
        let address = listener.local_addr().expect("fake PagePile address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{address}/api.php"),
            state,
        }
    }

    /// The API's address, for `TOOL_PAGEPILE_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Adds pile `id` on `wiki` (a database name such as `enwiki`) with `pages` (spaces are
    /// stored as underscores, as PagePile does).
    pub fn add_pile(&self, id: u64, wiki: &str, pages: &[&str]) {
        self.lock().piles.insert(
            id,
            FakePile {
                wiki: wiki.to_owned(),
                pages: pages.iter().map(|page| page.replace(' ', "_")).collect(),
            },
        );
    }

    pub fn pile(&self, id: u64) -> Option<FakePile> {
        self.lock().piles.get(&id).cloned()
    }

    /// Answers every request with `status` (`None`: answer again).
    pub fn fail_with(&self, status: Option<StatusCode>) {
        self.lock().failing = status;
    }

    /// How many requests reached it.
    pub fn requests(&self) -> usize {
        self.lock().requests
    }

    fn lock(&self) -> MutexGuard<'_, PileState> {
        lock(&self.state)
    }
}

fn lock(state: &Mutex<PileState>) -> MutexGuard<'_, PileState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// What PagePile prints for a pile it does not have: PHP's error output, not JSON.
const NO_SUCH_PILE: &str = "<br />\n<b>Fatal error</b>: Uncaught Exception: No such pile in /data/project/pagepile/public_html/pagepile.php";

async fn read(
    State(state): State<Arc<Mutex<PileState>>>,
    Query(params): Query<Params>,
) -> Response {
    let mut state = lock(&state);
    state.requests += 1;
    if let Some(status) = state.failing {
        return status.into_response();
    }
    if param(&params, "action") != Some("get_data") {
        return (StatusCode::BAD_REQUEST, "unknown action").into_response();
    }
    let pile = param(&params, "id")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|id| state.piles.get(&id).map(|pile| (id, pile)));
    match (pile, param(&params, "format")) {
        // The page people see: the wiki and the pages, one a line.
        (Some((id, pile)), Some("html")) => axum::response::Html(format!(
            "<!DOCTYPE html><title>PagePile #{id}</title><p>{}</p><ol>{}</ol>",
            pile.wiki,
            pile.pages
                .iter()
                .map(|page| format!(
                    "<li>{}</li>",
                    page.replace('&', "&amp;").replace('<', "&lt;")
                ))
                .collect::<String>()
        ))
        .into_response(),
        (Some((id, pile)), Some("json")) => axum::Json(json!({
            "id": id,
            "wiki": pile.wiki,
            "pages": pile.pages,
        }))
        .into_response(),
        (Some(_), _) => (StatusCode::BAD_REQUEST, "unknown format").into_response(),
        (None, _) => NO_SUCH_PILE.into_response(),
    }
}

async fn create(State(state): State<Arc<Mutex<PileState>>>, body: String) -> Response {
    let params: Params = serde_urlencoded::from_str(&body).unwrap_or_default();
    let mut state = lock(&state);
    state.requests += 1;
    if let Some(status) = state.failing {
        return status.into_response();
    }
    let (Some("create_pile_with_data"), Some(wiki), Some(data)) = (
        param(&params, "action"),
        param(&params, "wiki"),
        param(&params, "data"),
    ) else {
        return (StatusCode::BAD_REQUEST, "missing parameters").into_response();
    };
    // One page a line, `title<TAB>namespace`; -999 lets PagePile find the namespace itself.
    let pages: Option<Vec<String>> = data
        .lines()
        .map(|line| match line.split_once('\t') {
            Some((title, "-999")) => Some(title.replace(' ', "_")),
            _ => None,
        })
        .collect();
    let Some(pages) = pages else {
        return (StatusCode::BAD_REQUEST, "every line needs a namespace").into_response();
    };
    let id = state.piles.keys().next_back().map_or(1, |last| last + 1);
    state.piles.insert(
        id,
        FakePile {
            wiki: wiki.to_owned(),
            pages,
        },
    );
    axum::Json(json!({"status": "OK", "pile": {"id": id, "wiki": wiki}})).into_response()
}
