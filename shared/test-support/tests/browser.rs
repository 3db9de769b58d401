//! The browser harness's own checks catch what they are there to catch.

use axum::Router;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::get;
use test_support::{Browser, serve};

fn pages() -> Router {
    Router::new()
        .route(
            "/throws",
            get(|| async {
                Html(
                    "<!DOCTYPE html><html lang=\"en\"><body><p>hi</p>\
                     <script>console.error('logged on purpose'); undefinedFunction();</script>\
                     </body></html>",
                )
            }),
        )
        .route(
            "/missing-stylesheet",
            get(|| async {
                Html(
                    "<!DOCTYPE html><html lang=\"en\"><head>\
                     <link rel=\"stylesheet\" href=\"/nowhere.css\"></head><body><p>hi</p></body></html>",
                )
            }),
        )
        .route(
            "/error-status",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    Html("<!DOCTYPE html><html lang=\"en\"><body><p>not here</p></body></html>"),
                )
            }),
        )
}

#[tokio::test]
async fn console_errors_and_failed_subresources_are_seen_but_an_error_page_is_no_error() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let base = serve(pages()).await;

    browser.goto(&format!("{base}/throws")).await;
    let errors = browser.console_errors().await;
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].contains("logged on purpose"), "{errors:#?}");
    assert!(errors[1].contains("undefinedFunction"), "{errors:#?}");
    assert_eq!(
        browser.console_errors().await,
        Vec::<String>::new(),
        "read once"
    );

    browser.goto(&format!("{base}/missing-stylesheet")).await;
    let failed = browser.failed_subresources().await;
    assert_eq!(failed, vec![format!("{base}/nowhere.css 404")]);

    browser.goto(&format!("{base}/error-status")).await;
    assert_eq!(browser.console_errors().await, Vec::<String>::new());
    assert_eq!(browser.failed_subresources().await, Vec::<String>::new());

    browser.close().await;
}
