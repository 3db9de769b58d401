//! What every tool's layout shows, read the way a tool's own test needs it.

use platform::Platform;

use crate::client::TestClient;

/// The `href` of the header's documentation link on a page of `platform` (any page: a 404
/// in the layout is enough), `None` without one.
pub async fn documentation_link(platform: &Platform) -> Option<String> {
    let page = TestClient::new(platform.router(axum::Router::new()))
        .get("/no-such-page")
        .await;
    page.select_attr("header a.site-documentation", "href")
        .into_iter()
        .next()
}
