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

/// A tool's test that every page's header links to `$url`, its documentation page, with the
/// platform built by the tool's own `$platform` function (`fn(&Config<Settings>) -> Result<Platform, _>`)
/// from the default configuration: the one thing about the link each tool must get right.
#[macro_export]
macro_rules! documentation_link_test {
    ($platform:path, $url:expr) => {
        #[tokio::test]
        async fn every_page_header_links_to_the_documentation_page() {
            let platform = $platform(&$crate::config(&[])).expect("platform");
            assert_eq!(
                $crate::documentation_link(&platform).await.as_deref(),
                Some($url)
            );
        }
    };
}
