//! The bare reference `just bench` compares a tool with: axum and askama alone, serving the
//! pages a tool served, with none of the platform's layers (no session, no CSRF, no error
//! pages, no headers, no access log).
//!
//! `ci/bench.sh` fetches each benchmarked path from the tool first and writes what it got into
//! a directory, one `<n>.path`, `<n>.status`, `<n>.type` and `<n>.body` per page; this server
//! answers each path with the same status, content type and body. HTML bodies are rendered
//! through an askama template, as a tool's page is; anything else is sent as it is. So the
//! difference between the two in one wrk run is what the platform's layers (and the tool's own
//! template logic) cost.
//!
//! Usage: `bare_reference <pages-dir>`, listening on `PORT` (default 8000).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

#[derive(Template)]
#[template(source = "{{ body|safe }}", ext = "html")]
struct Page<'a> {
    body: &'a str,
}

struct Captured {
    status: StatusCode,
    /// `None` for a response without one (the health check's empty 200).
    content_type: Option<HeaderValue>,
    body: String,
}

impl Captured {
    fn respond(&self) -> Response {
        match &self.content_type {
            Some(html) if html.as_bytes().starts_with(b"text/html") => {
                match (Page { body: &self.body }).render() {
                    Ok(html) => (self.status, Html(html)).into_response(),
                    Err(error) => {
                        (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
                    }
                }
            }
            Some(other) => (
                self.status,
                [(header::CONTENT_TYPE, other.clone())],
                self.body.clone(),
            )
                .into_response(),
            None => (self.status, self.body.clone()).into_response(),
        }
    }
}

fn read(dir: &Path, index: usize, what: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(format!("{index}.{what}"))).ok()
}

fn router(dir: &Path) -> Router {
    let mut router = Router::new();
    let mut fallback: Option<Arc<Captured>> = None;
    let mut has_health_check = false;
    for index in 0.. {
        let Some(path) = read(dir, index, "path") else {
            break;
        };
        let page = Arc::new(Captured {
            status: read(dir, index, "status")
                .and_then(|status| status.trim().parse::<u16>().ok())
                .and_then(|status| StatusCode::from_u16(status).ok())
                .unwrap_or(StatusCode::OK),
            content_type: read(dir, index, "type")
                .filter(|value| !value.trim().is_empty())
                .and_then(|value| HeaderValue::from_str(value.trim()).ok()),
            body: read(dir, index, "body").unwrap_or_default(),
        });
        let path = path.trim().to_owned();
        has_health_check |= path == "/healthz";
        if page.status == StatusCode::NOT_FOUND {
            // A page that does not exist is the fallback, as in the tool.
            fallback = Some(page);
            continue;
        }
        router = router.route(&path, get(move || async move { page.respond() }));
    }
    if !has_health_check {
        // Answers the readiness poll even when /healthz is not among the pages compared.
        router = router.route("/healthz", get(|| async { StatusCode::OK }));
    }
    match fallback {
        Some(page) => router.fallback(move || async move { page.respond() }),
        None => router,
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: bare_reference <pages-dir>");
    let port = std::env::var("PORT")
        .ok()
        .and_then(|port| port.parse().ok())
        .unwrap_or(8000);
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))).await?;
    axum::serve(listener, router(Path::new(&dir))).await
}
