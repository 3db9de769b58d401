//! PagePile Visual Filter end to end through its router, against test-support's fake PagePile
//! and a fake wiki answering as Meta-Wiki (site matrix) and Commons (thumbnails).

mod common;

use axum::http::StatusCode;
use common::FakeCommons;
use test_support::{FakePagePile, FakeWiki, TestClient, TestResponse, site_matrix};

const SECRET: &str = "pagepile-visual-filter-test-secret-key-0123";

struct Setup {
    client: TestClient,
    pagepile: FakePagePile,
    wiki: FakeWiki,
    commons: FakeCommons,
}

async fn setup() -> Setup {
    let wiki = FakeWiki::start().await;
    let commons = FakeCommons::new("https://upload.wikimedia.org/thumb");
    let answering = commons.clone();
    wiki.on_api(move |request| site_matrix(request).or_else(|| answering.answer(request)));
    let pagepile = FakePagePile::start().await;
    let api_url = wiki.api_url();
    let env = [
        ("TOOL_SECRET_KEY", SECRET),
        ("TOOL_API_URL_TEMPLATE", api_url.as_str()),
        ("TOOL_PAGEPILE_URL", pagepile.url()),
    ];
    let config = test_support::config::<pagepile_visual_filter::Settings>(&env);
    let platform = pagepile_visual_filter::platform(&config).expect("platform");
    let app = pagepile_visual_filter::app(&platform, &config.tool).expect("app");
    Setup {
        client: TestClient::new(app),
        pagepile,
        wiki,
        commons,
    }
}

fn assert_contains(response: &TestResponse, expected: &str) {
    assert!(
        response.body.contains(expected),
        "{expected} missing: {}",
        response.body
    );
}

#[tokio::test]
async fn the_form_leads_to_the_pile_and_bad_numbers_are_refused() {
    let mut setup = setup().await;
    let index = setup.client.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_contains(&index, "action=\"/pagepile/\"");
    assert_contains(&index, "name=\"page_pile_id\"");

    let to_pile = setup.client.get("/pagepile/?page_pile_id=123").await;
    assert!(to_pile.status.is_redirection(), "{}", to_pile.status);
    assert_eq!(to_pile.location(), Some("/pagepile/123/"));
    let empty = setup.client.get("/pagepile/?page_pile_id=").await;
    assert_eq!(empty.location(), Some("/"));
    let bad = setup.client.get("/pagepile/?page_pile_id=12%3Cb%3E").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_contains(&bad, "“12&#60;b&#62;” is not the number of a PagePile.");
    assert_contains(&bad, "value=\"12&#60;b&#62;\"");
    let path = setup.client.get("/pagepile/abc/").await;
    assert_eq!(path.status, StatusCode::BAD_REQUEST);
    let slash = setup.client.get("/pagepile/5?uselang=de").await;
    assert_eq!(slash.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(slash.location(), Some("/pagepile/5/?uselang=de"));
}

#[tokio::test]
async fn a_piles_files_show_as_ticked_thumbnails_in_the_piles_order() {
    let mut setup = setup().await;
    setup.commons.add_file("Tall tower.jpg", 1000, 4000);
    setup.commons.add_file("Wide view.png", 3000, 1000);
    setup.commons.add_file("Tiny.gif", 16, 16);
    setup.pagepile.add_pile(
        7,
        "commonswiki",
        &[
            "File:Wide view.png",
            "Main Page",
            "File:Tall tower.jpg",
            "File:Gone.jpg",
            "File:Tiny.gif",
        ],
    );
    let page = setup.client.get("/pagepile/7/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.header("content-security-policy"),
        Some(
            "default-src 'self'; img-src 'self' https://upload.wikimedia.org; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        "thumbnails from Commons, nothing else from elsewhere"
    );
    assert_contains(&page, "<h1>Filter PagePile #7</h1>");
    assert_contains(&page, "The pile has 5 pages");
    assert_eq!(
        page.body.matches("type=\"checkbox\" name=\"file\"").count(),
        5
    );
    assert_eq!(
        page.body.matches(" checked>").count(),
        5,
        "all ticked at first"
    );
    let order: Vec<usize> = [
        "value=\"File:Wide view.png\"",
        "value=\"Main Page\"",
        "value=\"File:Tall tower.jpg\"",
        "value=\"File:Gone.jpg\"",
        "value=\"File:Tiny.gif\"",
    ]
    .iter()
    .map(|value| page.body.find(value).expect(value))
    .collect();
    assert!(order.is_sorted(), "in the pile's order: {order:?}");
    assert_contains(
        &page,
        "src=\"https://upload.wikimedia.org/thumb/250px-Wide_view.png\" srcset=\"https://upload.wikimedia.org/thumb/375px-Wide_view.png 1.5x, https://upload.wikimedia.org/thumb/500px-Wide_view.png 2x\" width=\"250\" height=\"83\"",
    );
    assert_contains(&page, "width=\"63\" height=\"250\"");
    assert_contains(&page, "width=\"16\" height=\"16\"");
    assert_eq!(
        page.body
            .matches("No thumbnail: not a file, or missing")
            .count(),
        2
    );
    assert_contains(&page, "action=\"/pagepile/7/filter\"");
    assert!(page.body.ends_with("</html>\n") || page.body.ends_with("</html>"));
}

#[tokio::test]
async fn thumbnails_are_asked_for_fifty_files_a_request() {
    let mut setup = setup().await;
    let names: Vec<String> = (0..5_000).map(|n| format!("File:Photo {n}.jpg")).collect();
    for name in &names {
        setup
            .commons
            .add_file(name.trim_start_matches("File:"), 800, 600);
    }
    let titles: Vec<&str> = names.iter().map(String::as_str).collect();
    setup.pagepile.add_pile(9, "commonswiki", &titles);
    let page = setup.client.get("/pagepile/9/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<img ").count(), 5_000);
    let requests = setup.wiki.requests_with(&[("prop", "imageinfo")]);
    assert_eq!(requests.len(), 100);
    assert!(
        requests
            .iter()
            .all(|r| r.param("titles").map(|t| t.split('|').count()) == Some(50))
    );
    let first = page.body.find("value=\"File:Photo 0.jpg\"").expect("first");
    let last = page
        .body
        .find("value=\"File:Photo 4999.jpg\"")
        .expect("last");
    assert!(first < last);
}

#[tokio::test]
async fn unknown_piles_and_piles_elsewhere_get_their_own_pages() {
    let mut setup = setup().await;
    let missing = setup.client.get("/pagepile/404/").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_contains(&missing, "PagePile has no pile number 404.");
    assert_contains(&missing, "href=\"/\"");

    setup.pagepile.add_pile(5, "enwiki", &["Main Page"]);
    let elsewhere = setup.client.get("/pagepile/5/").await;
    assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST);
    assert_contains(
        &elsewhere,
        "Pile 5 is on en.wikipedia.org, not on Wikimedia Commons",
    );
    setup.pagepile.add_pile(6, "examplewiki", &["Main Page"]);
    let unknown_wiki = setup.client.get("/pagepile/6/").await;
    assert_eq!(unknown_wiki.status, StatusCode::BAD_REQUEST);
    assert_contains(&unknown_wiki, "Pile 6 is on examplewiki");

    setup
        .pagepile
        .fail_with(Some(StatusCode::SERVICE_UNAVAILABLE));
    let down = setup.client.get("/pagepile/5/").await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY);
    assert_contains(&down, "PagePile could not be reached");
}

#[tokio::test]
async fn a_failing_commons_leaves_the_files_choosable() {
    let mut setup = setup().await;
    setup
        .pagepile
        .add_pile(8, "commonswiki", &["File:A.jpg", "File:B.jpg"]);
    setup.commons.fail(true);
    let page = setup.client.get("/pagepile/8/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.body
            .matches("The thumbnail could not be loaded")
            .count(),
        2
    );
    assert_eq!(page.body.matches(" checked>").count(), 2);
}

async fn filter(setup: &mut Setup, id: u64, files: &[&str]) -> TestResponse {
    let page = setup.client.get(&format!("/pagepile/{id}/")).await;
    let token = page.csrf_token().expect("filter form");
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend(files.iter().map(|file| ("file", *file)));
    setup
        .client
        .post_form(&format!("/pagepile/{id}/filter"), &form)
        .await
}

#[tokio::test]
async fn the_ticked_files_become_a_new_pile() {
    let mut setup = setup().await;
    setup.pagepile.add_pile(
        41,
        "commonswiki",
        &["File:A b.jpg", "File:C.jpg", "File:D.jpg"],
    );
    // Ticked in another order, and one title that is not in the pile (ignored).
    let made = filter(
        &mut setup,
        41,
        &["File:D.jpg", "File:A b.jpg", "File:Not in pile.jpg"],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(
        made.location(),
        Some(format!("{}?action=get_data&id=42&format=html", setup.pagepile.url()).as_str())
    );
    let pile = setup.pagepile.pile(42).expect("the new pile");
    assert_eq!(pile.wiki, "commonswiki");
    assert_eq!(
        pile.pages,
        ["File:A_b.jpg", "File:D.jpg"],
        "in the pile's order"
    );
}

#[tokio::test]
async fn nothing_or_everything_ticked_makes_no_pile() {
    let mut setup = setup().await;
    setup
        .pagepile
        .add_pile(3, "commonswiki", &["File:A.jpg", "File:B.jpg"]);
    let all = filter(&mut setup, 3, &["File:A.jpg", "File:B.jpg"]).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_contains(&all, "Every file of pile #3 was still ticked");
    assert_contains(&all, "href=\"/pagepile/3/\"");
    let none = filter(&mut setup, 3, &[]).await;
    assert_eq!(none.status, StatusCode::OK);
    assert_contains(&none, "No file of pile #3 was ticked");
    assert!(setup.pagepile.pile(4).is_none(), "no pile made");

    let forged = setup
        .client
        .post_form(
            "/pagepile/3/filter",
            &[("csrf_token", "forged"), ("file", "File:A.jpg")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(
        setup.pagepile.pile(4).is_none(),
        "no pile without the token"
    );

    setup
        .pagepile
        .fail_with(Some(StatusCode::INTERNAL_SERVER_ERROR));
    let gone = setup
        .client
        .post_form("/pagepile/3/filter", &[("file", "File:A.jpg")])
        .await;
    assert!(gone.status.is_client_error() || gone.status.is_server_error());
}

#[tokio::test]
async fn the_static_files_and_the_health_check_answer() {
    let mut setup = setup().await;
    let script = setup.client.get("/static/pagepile-visual-filter.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let css = setup.client.get("/static/pagepile-visual-filter.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(setup.client.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(
        setup.client.get("/nowhere").await.status,
        StatusCode::NOT_FOUND
    );
}
