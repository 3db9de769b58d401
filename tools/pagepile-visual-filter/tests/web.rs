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

/// Each file of the pile page, in order: its title (the checkbox's value), then the size of
/// its thumbnail or the reason it has none.
fn files(page: &TestResponse) -> Vec<String> {
    (1..=page.count("ul.files > li"))
        .map(|n| {
            let item = format!("ul.files > li:nth-child({n})");
            let title = page
                .attr(&format!("{item} input[type=checkbox][name=file]"), "value")
                .unwrap_or_default();
            let thumbnail = format!("{item} img");
            let shown = if page.count(&thumbnail) == 1 {
                let size = |name| page.attr(&thumbnail, name).unwrap_or_default();
                format!("{}×{}", size("width"), size("height"))
            } else {
                page.text_of(&format!("{item} .no-thumbnail"))
            };
            format!("{title}: {shown}")
        })
        .collect()
}

/// The files ticked in the pile page's form.
fn ticked(page: &TestResponse) -> Vec<String> {
    page.select_attr("ul.files input[type=checkbox][name=file][checked]", "value")
}

/// The paragraph under the page's heading.
fn lead(page: &TestResponse) -> String {
    page.text_of("main > h1 + p")
}

#[tokio::test]
async fn the_form_leads_to_the_pile_and_bad_numbers_are_refused() {
    let mut setup = setup().await;
    let index = setup.client.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    index.assert_has("form[method=get][action=\"/pagepile/\"] input[name=page_pile_id]");

    let to_pile = setup.client.get("/pagepile/?page_pile_id=123").await;
    assert!(to_pile.status.is_redirection(), "{}", to_pile.status);
    assert_eq!(to_pile.location(), Some("/pagepile/123/"));
    let empty = setup.client.get("/pagepile/?page_pile_id=").await;
    assert_eq!(empty.location(), Some("/"));
    let bad = setup.client.get("/pagepile/?page_pile_id=12%3Cb%3E").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.select_text("ul.form-errors li"),
        ["“12<b>” is not the number of a PagePile."]
    );
    assert_eq!(
        bad.attr("input[name=page_pile_id]", "value").as_deref(),
        Some("12<b>")
    );
    assert!(!bad.body.contains("12<b>"), "escaped everywhere");
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
    let policy = page.header("content-security-policy").unwrap_or_default();
    let pagepile = url::Url::parse(setup.pagepile.url()).expect("PagePile's address");
    assert_eq!(
        policy,
        format!(
            "default-src 'self'; img-src 'self' https://upload.wikimedia.org; form-action 'self' {}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            pagepile.origin().ascii_serialization()
        ),
        "thumbnails from Commons, the filtered pile's redirect to PagePile, nothing else from elsewhere"
    );
    assert_eq!(page.text_of("h1"), "Filter PagePile #7");
    let lead = lead(&page);
    assert!(lead.starts_with("The pile has 5 pages"), "{lead}");
    let none = "No thumbnail: not a file, or missing";
    assert_eq!(
        files(&page),
        [
            "File:Wide view.png: 250×83".to_owned(),
            format!("Main Page: {none}"),
            "File:Tall tower.jpg: 63×250".to_owned(),
            format!("File:Gone.jpg: {none}"),
            "File:Tiny.gif: 16×16".to_owned(),
        ],
        "in the pile's order"
    );
    assert_eq!(ticked(&page).len(), 5, "all ticked at first");
    let wide = "ul.files > li:nth-child(1) img";
    assert_eq!(
        page.attr(wide, "src").as_deref(),
        Some("https://upload.wikimedia.org/thumb/250px-Wide_view.png")
    );
    assert_eq!(
        page.attr(wide, "srcset").as_deref(),
        Some(
            "https://upload.wikimedia.org/thumb/375px-Wide_view.png 1.5x, https://upload.wikimedia.org/thumb/500px-Wide_view.png 2x"
        )
    );
    page.assert_has("form[method=post][action=\"/pagepile/7/filter\"] ul.files");
    // The list is streamed into the page: the page must still end.
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
    assert_eq!(page.count("ul.files img"), 5_000);
    let requests = setup.wiki.requests_with(&[("prop", "imageinfo")]);
    assert_eq!(requests.len(), 100);
    assert!(
        requests
            .iter()
            .all(|r| r.param("titles").map(|t| t.split('|').count()) == Some(50))
    );
    assert_eq!(
        page.select_attr("ul.files input[name=file]", "value"),
        names,
        "in the pile's order"
    );
}

#[tokio::test]
async fn unknown_piles_and_piles_elsewhere_get_their_own_pages() {
    let mut setup = setup().await;
    let missing = setup.client.get("/pagepile/404/").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_message(), "PagePile has no pile number 404.");
    assert_eq!(
        missing.links("section.error a.button"),
        [("Choose another pile".to_owned(), "/".to_owned())]
    );

    setup.pagepile.add_pile(5, "enwiki", &["Main Page"]);
    let elsewhere = setup.client.get("/pagepile/5/").await;
    assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST);
    let message = elsewhere.error_message();
    assert!(
        message.starts_with("Pile 5 is on en.wikipedia.org, not on Wikimedia Commons"),
        "{message}"
    );
    setup.pagepile.add_pile(6, "examplewiki", &["Main Page"]);
    let unknown_wiki = setup.client.get("/pagepile/6/").await;
    assert_eq!(unknown_wiki.status, StatusCode::BAD_REQUEST);
    let message = unknown_wiki.error_message();
    assert!(
        message.starts_with("Pile 6 is on examplewiki, not on Wikimedia Commons"),
        "{message}"
    );

    setup
        .pagepile
        .fail_with(Some(StatusCode::SERVICE_UNAVAILABLE));
    let down = setup.client.get("/pagepile/5/").await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY);
    let message = down.error_message();
    assert!(
        message.starts_with("PagePile could not be reached"),
        "{message}"
    );
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
    let unavailable = "The thumbnail could not be loaded";
    assert_eq!(
        files(&page),
        [
            format!("File:A.jpg: {unavailable}"),
            format!("File:B.jpg: {unavailable}")
        ]
    );
    assert_eq!(ticked(&page), ["File:A.jpg", "File:B.jpg"]);
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
    assert_eq!(all.text_of("h1"), "No new pile");
    let said = lead(&all);
    assert!(
        said.starts_with("Every file of pile #3 was still ticked"),
        "{said}"
    );
    assert_eq!(
        all.links("main p a"),
        [(
            "Back to the files of pile #3".to_owned(),
            "/pagepile/3/".to_owned()
        )]
    );
    let none = filter(&mut setup, 3, &[]).await;
    assert_eq!(none.status, StatusCode::OK);
    let said = lead(&none);
    assert!(said.starts_with("No file of pile #3 was ticked"), "{said}");
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
