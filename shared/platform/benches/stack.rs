//! What one request costs through `Platform::router` against a bare `Router` with the same
//! handler, per kind of page, in process (no sockets, no wrk): a regression in one layer shows
//! here without a load test. `cargo bench -p platform --bench stack`; `just bench` runs it too.
//!
//! The bare side has no layers at all; its form handler writes a fixed token where the
//! platform's takes the session's. Both build their request the same way, outside the timing.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use axum::routing::get;
use http_body_util::BodyExt;
use platform::config::NoSettings;
use platform::{PageContext, Platform, ToolInfo};
use tower::ServiceExt;

const TOOL: ToolInfo = ToolInfo {
    name: "bench-tool",
    version: "1.0.0",
    repository: "https://example.org/source",
};

fn form_html(token: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><body><form method=\"post\" action=\"/form\">\
         <input type=\"hidden\" name=\"csrf_token\" value=\"{token}\">\
         <label for=\"text\">Text</label><input id=\"text\" name=\"text\">\
         <button type=\"submit\">Send</button></form></body></html>"
    )
}

fn platform_app() -> Router {
    let config = test_support::config::<NoSettings>(&[(
        "TOOL_SECRET_KEY",
        "a-bench-secret-key-that-is-long-enough-for-it",
    )]);
    let platform = Platform::new(TOOL, "Bench Tool", &config);
    platform.router(
        Router::new().route(
            "/form",
            get(|page: PageContext| async move {
                axum::response::Html(form_html(&page.csrf_token()))
            })
            .post(|body: String| async move { format!("accepted {}", body.len()) }),
        ),
    )
}

fn bare_app() -> Router {
    Router::new()
        .route(
            "/form",
            get(|| async { axum::response::Html(form_html("fixed-token")) })
                .post(|body: String| async move { format!("accepted {}", body.len()) }),
        )
        .route(
            "/static/style.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    include_str!("../static/style.css"),
                )
            }),
        )
        .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "not found") })
}

/// A returning visitor of the platform app: its session cookie and CSRF token.
fn visitor(runtime: &tokio::runtime::Runtime, app: &Router) -> (String, String) {
    runtime.block_on(async {
        let response = app
            .clone()
            .oneshot(Request::get("/form").body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .expect("a form page sets the session cookie")
            .to_owned();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = String::from_utf8_lossy(&body);
        let start = body.find("value=\"").expect("token field") + "value=\"".len();
        let token = body[start..start + body[start..].find('"').expect("end")].to_owned();
        (cookie, token)
    })
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    FormFresh,
    FormWithSession,
    Stylesheet,
    NotFound,
    PostWithToken,
}

const KINDS: [Kind; 5] = [
    Kind::FormFresh,
    Kind::FormWithSession,
    Kind::Stylesheet,
    Kind::NotFound,
    Kind::PostWithToken,
];

fn request(kind: Kind, cookie: &str, token: &str) -> Request<Body> {
    match kind {
        Kind::FormFresh => Request::get("/form").body(Body::empty()),
        Kind::FormWithSession => Request::get("/form")
            .header(header::COOKIE, cookie)
            .body(Body::empty()),
        Kind::Stylesheet => Request::get("/static/style.css").body(Body::empty()),
        Kind::NotFound => Request::get("/does-not-exist").body(Body::empty()),
        Kind::PostWithToken => Request::post("/form")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(format!("csrf_token={token}&text=hello"))),
    }
    .expect("request builds")
}

fn run(bencher: divan::Bencher, app: Router, kind: Kind) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (cookie, token) = visitor(&runtime, &platform_app());
    bencher
        .with_inputs(|| request(kind, &cookie, &token))
        .bench_local_values(|request| {
            runtime.block_on(async {
                let response = app.clone().oneshot(request).await.expect("infallible");
                response
                    .into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes()
            })
        });
}

#[divan::bench(args = KINDS)]
fn platform(bencher: divan::Bencher, kind: Kind) {
    run(bencher, platform_app(), kind);
}

#[divan::bench(args = KINDS)]
fn bare(bencher: divan::Bencher, kind: Kind) {
    run(bencher, bare_app(), kind);
}

fn main() {
    divan::main();
}
