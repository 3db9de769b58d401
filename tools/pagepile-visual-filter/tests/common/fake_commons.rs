//! Commons' thumbnails (`prop=imageinfo`) for `FakeWiki::on_api`, as the real API gives them,
//! and a thumbnail server for the browser test.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use test_support::{ApiRequest, api_error};

/// Commons' files and their sizes, answering `prop=imageinfo` with thumbnails scaled into the
/// asked bounding box, responsive URLs, normalised titles (underscores), pages that are not
/// files, and MediaWiki's limit of 50 titles a request.
#[derive(Debug, Clone)]
pub struct FakeCommons {
    /// Where thumbnail URLs point: `{thumbnail_base}/{width}px-{file name}`.
    thumbnail_base: String,
    files: Arc<Mutex<HashMap<String, (u64, u64)>>>,
    /// When set, every `imageinfo` request gets a database error, as when Commons is in trouble.
    failing: Arc<std::sync::atomic::AtomicBool>,
    thumbnails: Arc<Mutex<ThumbnailServer>>,
}

/// What the thumbnail server of [`FakeCommons::serving_thumbnails`] was asked and will do.
#[derive(Debug, Default)]
struct ThumbnailServer {
    /// Requests per thumbnail file name (`250px-A.jpg`).
    requests: HashMap<String, usize>,
    /// Thumbnails whose next request gets 429 Too Many Requests, as Commons' Thumbor answers
    /// when hit hard.
    throttled: HashSet<String>,
}

/// The most titles one request may name (`apihighlimits` raises it to 500; anonymous
/// clients do not have it).
pub const TITLES_LIMIT: usize = 50;

impl FakeCommons {
    pub fn new(thumbnail_base: &str) -> Self {
        Self {
            thumbnail_base: thumbnail_base.to_owned(),
            files: Arc::default(),
            failing: Arc::default(),
            thumbnails: Arc::default(),
        }
    }

    /// Commons whose thumbnail URLs point at a server of its own on this machine, answering each
    /// with a small SVG image: for browser tests, whose pages load the thumbnails.
    pub async fn serving_thumbnails() -> Self {
        let thumbnails = Arc::new(Mutex::new(ThumbnailServer::default()));
        let app = Router::new()
            .route("/thumb/{name}", get(thumbnail))
            .with_state(thumbnails.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake thumbnail server binds");
        let address = listener
            .local_addr()
            .expect("fake thumbnail server address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            thumbnail_base: format!("http://{address}/thumb"),
            files: Arc::default(),
            failing: Arc::default(),
            thumbnails,
        }
    }

    /// The origin thumbnails come from (for the tool's content security policy).
    pub fn thumbnail_origin(&self) -> String {
        url::Url::parse(&self.thumbnail_base)
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_default()
    }

    /// The next request of thumbnail `name` (`250px-A.jpg`) gets 429.
    pub fn throttle_once(&self, name: &str) {
        self.thumbnails
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .throttled
            .insert(name.to_owned());
    }

    /// How often thumbnail `name` was asked for.
    pub fn thumbnail_requests(&self, name: &str) -> usize {
        self.thumbnails
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .requests
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    /// Answers every `imageinfo` request with an error (`true`) or normally again.
    pub fn fail(&self, failing: bool) {
        self.failing
            .store(failing, std::sync::atomic::Ordering::Relaxed);
    }

    /// Adds `File:<name>` of `width` × `height` pixels.
    pub fn add_file(&self, name: &str, width: u64, height: u64) {
        self.files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(format!("File:{}", name.replace('_', " ")), (width, height));
    }

    pub fn answer(&self, request: &ApiRequest) -> Option<Value> {
        if !request.has(&[("action", "query"), ("prop", "imageinfo")]) {
            return None;
        }
        if self.failing.load(std::sync::atomic::Ordering::Relaxed) {
            return Some(api_error(
                "internal_api_error_DBQueryError",
                "A database query error has occurred.",
            ));
        }
        let titles: Vec<&str> = request.param("titles")?.split('|').collect();
        if titles.len() > TITLES_LIMIT {
            return Some(api_error(
                "toomanyvalues",
                "Too many values supplied for parameter \"titles\". The limit is 50.",
            ));
        }
        let bound_width: u64 = request.param("iiurlwidth")?.parse().ok()?;
        let bound_height: u64 = request
            .param("iiurlheight")
            .and_then(|h| h.parse().ok())
            .unwrap_or(bound_width);
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let mut normalized = Vec::new();
        let pages: Vec<Value> = titles
            .iter()
            .map(|asked| {
                let title = asked.replace('_', " ");
                if title != *asked {
                    normalized.push(json!({"fromencoded": false, "from": asked, "to": title}));
                }
                match files.get(&title) {
                    Some(&(width, height)) => {
                        // Scaled into the box, never up, as MediaWiki does.
                        let scale = f64::min(
                            1.0,
                            f64::min(
                                bound_width as f64 / width as f64,
                                bound_height as f64 / height as f64,
                            ),
                        );
                        let thumb_width = ((width as f64 * scale).round() as u64).max(1);
                        let thumb_height = ((height as f64 * scale).round() as u64).max(1);
                        let name = title.trim_start_matches("File:").replace(' ', "_");
                        let url = |w: u64| format!("{}/{w}px-{name}", self.thumbnail_base);
                        json!({"ns": 6, "title": title, "imagerepository": "local", "imageinfo": [{
                            "thumburl": url(thumb_width),
                            "thumbwidth": thumb_width,
                            "thumbheight": thumb_height,
                            "responsiveUrls": {
                                "1.5": url(thumb_width * 3 / 2),
                                "2": url(thumb_width * 2),
                            },
                            "url": format!("{}/{name}", self.thumbnail_base),
                        }]})
                    }
                    None if title.starts_with("File:") => {
                        json!({"ns": 6, "title": title, "missing": true, "imagerepository": ""})
                    }
                    None => json!({"ns": 0, "title": title, "pageid": 1}),
                }
            })
            .collect();
        let mut query = json!({"pages": pages});
        if !normalized.is_empty() {
            query["normalized"] = Value::Array(normalized);
        }
        Some(json!({"batchcomplete": true, "query": query}))
    }
}

async fn thumbnail(
    State(server): State<Arc<Mutex<ThumbnailServer>>>,
    Path(name): Path<String>,
) -> Response {
    let mut server = server.lock().unwrap_or_else(|p| p.into_inner());
    *server.requests.entry(name.clone()).or_default() += 1;
    if server.throttled.remove(&name) {
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    }
    (
        [(CONTENT_TYPE, "image/svg+xml")],
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"250\" height=\"250\"><rect width=\"250\" height=\"250\" fill=\"#8ab\"/></svg>",
    )
        .into_response()
}
