//! Translate Link end to end through its router, against a fake translatewiki.net Action API.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use test_support::{TestClient, TestResponse};
use translate_link::Settings;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const INDEX_URL: &str = "https://translatewiki.test/w/i.php";
const SECRET: &str = "translate-link-test-secret-key-0123456789";

/// The app, configured like production but pointing at `api_url`.
async fn client_for(api_url: &str) -> TestClient {
    let env = [
        ("TOOL_SECRET_KEY", SECRET),
        ("TOOL_API_URL", api_url),
        ("TOOL_INDEX_URL", INDEX_URL),
    ];
    let config = test_support::config::<Settings>(&env);
    let platform = translate_link::platform(&config).expect("platform");
    let app = translate_link::app(&platform, &config.tool)
        .await
        .expect("app builds");
    TestClient::new(app)
}

async fn client(wiki: &MockServer) -> TestClient {
    client_for(&format!("{}/w/api.php", wiki.uri())).await
}

fn search_results(titles: &[&str]) -> Value {
    let hits: Vec<Value> = titles
        .iter()
        .map(|t| json!({"ns": 1198, "title": t, "pageid": 1}))
        .collect();
    json!({"batchcomplete": true, "query": {"searchinfo": {"totalhits": hits.len()}, "search": hits}})
}

/// The fake answers the title search for `key` with `titles`.
async fn given_search(wiki: &MockServer, key: &str, titles: &[&str]) {
    Mock::given(method("GET"))
        .and(path("/w/api.php"))
        .and(query_param("action", "query"))
        .and(query_param("list", "search"))
        .and(query_param("srsearch", format!("intitle:\"{key}/qqq\"")))
        .and(query_param("srnamespace", "*"))
        .and(query_param("formatversion", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(search_results(titles)))
        .mount(wiki)
        .await;
}

/// The fake names `groups` as the message groups of `title`.
async fn given_groups(wiki: &MockServer, title: &str, groups: &[&str]) {
    Mock::given(method("GET"))
        .and(path("/w/api.php"))
        .and(query_param("action", "translationaids"))
        .and(query_param("title", title))
        .and(query_param("prop", "groups"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"helpers": {"groups": groups}})),
        )
        .mount(wiki)
        .await;
}

fn translate_url(key: &str, group: &str, language: &str) -> String {
    let query = serde_urlencoded::to_string([
        ("title", "Special:Translate"),
        ("showMessage", key),
        ("group", group),
        ("language", language),
    ])
    .expect("encodes");
    format!("{INDEX_URL}?{query}")
}

/// Where the listed translation links go, in the page's order.
fn listed_links(response: &TestResponse) -> Vec<String> {
    response.select_attr("ul.links > li > a", "href")
}

/// The reasons listed above the form.
fn form_errors(response: &TestResponse) -> Vec<String> {
    response.select_text("ul.form-errors li")
}

fn field(response: &TestResponse, name: &str) -> Option<String> {
    response.attr(&format!("form input[name={name}]"), "value")
}

#[tokio::test]
async fn form_is_prefilled_from_query_parameters_and_escaped() {
    let wiki = MockServer::start().await;
    let response = client(&wiki)
        .await
        .get("/?key=tooltip-%22x%22&language-code=de")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    // Unescaped, the quote would end the attribute and the value would be cut short.
    assert_eq!(field(&response, "key").as_deref(), Some("tooltip-\"x\""));
    assert_eq!(field(&response, "language-code").as_deref(), Some("de"));
    assert!(
        response.csrf_token().is_some(),
        "the form carries a CSRF token"
    );
}

#[tokio::test]
async fn show_lists_the_link_of_a_found_message() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "wikibase-edit", &["Wikimedia:Wikibase-edit/qqq"]).await;
    given_groups(&wiki, "Wikimedia:Wikibase-edit/qqq", &["ext-wikibase-lib"]).await;

    let response = client(&wiki).await.get("/show/wikibase-edit/de").await;
    assert_eq!(response.status, StatusCode::OK);
    let url = translate_url("wikibase-edit", "ext-wikibase-lib", "de");
    assert_eq!(
        response.links("ul.links > li > a"),
        [("wikibase-edit".to_owned(), url)]
    );
    assert_eq!(response.text_of("ul.links > li > code"), "ext-wikibase-lib");
}

#[tokio::test]
async fn titles_not_of_the_form_namespace_key_qqq_are_ignored() {
    let wiki = MockServer::start().await;
    given_search(
        &wiki,
        "edit",
        &[
            "MediaWiki:Edit-summary/qqq",
            "MediaWiki:Edit/de",
            "Edit/qqq",
            "Wikimedia:Edit/qqq",
        ],
    )
    .await;
    given_groups(&wiki, "Wikimedia:Edit/qqq", &["ext-foo"]).await;

    let response = client(&wiki).await.get("/show/edit/de").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        listed_links(&response),
        [translate_url("edit", "ext-foo", "de")]
    );
    // Only the matching title was asked for its groups.
    let asked: Vec<String> = wiki
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "title")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(asked, ["Wikimedia:Edit/qqq"]);
}

#[tokio::test]
async fn nothing_found_is_a_friendly_404() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "no-such-key", &[]).await;

    let response = client(&wiki).await.get("/show/no-such-key/de").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    let not_found = response.text_of("p.not-found");
    assert!(
        not_found.starts_with("No message with the key “no-such-key” was found"),
        "{not_found}"
    );
    assert_eq!(
        response.links("p.not-found a"),
        [(
            "try another key".to_owned(),
            "/?key=no-such-key&language-code=de".to_owned()
        )]
    );
    response.assert_none("ul.links");
}

#[tokio::test]
async fn mediawiki_core_keys_take_their_case_from_the_title() {
    let wiki = MockServer::start().await;
    given_search(
        &wiki,
        "TOOLTIP-CA-NSTAB-MAIN",
        &["MediaWiki:Tooltip-ca-nstab-Main/qqq"],
    )
    .await;
    given_groups(
        &wiki,
        "MediaWiki:Tooltip-ca-nstab-Main/qqq",
        &["core", "mediawiki"],
    )
    .await;

    let response = client(&wiki)
        .await
        .get("/show/TOOLTIP-CA-NSTAB-MAIN/fr")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        listed_links(&response),
        [translate_url("tooltip-ca-nstab-Main", "core", "fr")]
    );
}

#[tokio::test]
async fn other_groups_keep_the_key_as_asked() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "Foo-Bar", &["Wikimedia:Foo-bar/qqq"]).await;
    given_groups(&wiki, "Wikimedia:Foo-bar/qqq", &["ext-foo"]).await;

    let response = client(&wiki).await.get("/show/Foo-Bar/fr").await;
    assert_eq!(
        listed_links(&response),
        [translate_url("Foo-Bar", "ext-foo", "fr")]
    );
}

#[tokio::test]
async fn a_title_without_groups_is_reported_and_the_others_still_linked() {
    let wiki = MockServer::start().await;
    given_search(
        &wiki,
        "shared",
        &["Wikimedia:Shared/qqq", "Project:Shared/qqq"],
    )
    .await;
    given_groups(&wiki, "Wikimedia:Shared/qqq", &[]).await;
    given_groups(&wiki, "Project:Shared/qqq", &["ext-project"]).await;

    let response = client(&wiki).await.get("/show/shared/de").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        listed_links(&response),
        [translate_url("shared", "ext-project", "de")]
    );
    assert_eq!(response.text_of("h2"), "Matches that could not be linked");
    assert_eq!(
        response.select_text("h2 + ul > li"),
        ["Wikimedia:Shared/qqq: the message belongs to no message group"]
    );
}

#[tokio::test]
async fn several_titles_are_all_listed() {
    let wiki = MockServer::start().await;
    given_search(
        &wiki,
        "save",
        &["Wikimedia:Save/qqq", "Project:Save/qqq", "Other:Save/qqq"],
    )
    .await;
    for (title, group) in [
        ("Wikimedia:Save/qqq", "g1"),
        ("Project:Save/qqq", "g2"),
        ("Other:Save/qqq", "g3"),
    ] {
        given_groups(&wiki, title, &[group]).await;
    }

    let response = client(&wiki).await.get("/show/save/pt-br").await;
    let expected: Vec<String> = ["g1", "g2", "g3"]
        .iter()
        .map(|group| translate_url("save", group, "pt-br"))
        .collect();
    assert_eq!(listed_links(&response), expected);
}

#[tokio::test]
async fn link_parameters_are_url_encoded() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "a&b c/d", &["Wikimedia:A&b c/d/qqq"]).await;
    given_groups(&wiki, "Wikimedia:A&b c/d/qqq", &["group&x"]).await;

    let response = client(&wiki).await.get("/show/a%26b%20c%2Fd/de").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let url = translate_url("a&b c/d", "group&x", "de");
    assert!(
        url.contains("showMessage=a%26b+c%2Fd&group=group%26x"),
        "{url}"
    );
    assert_eq!(listed_links(&response), [url]);
}

#[tokio::test]
async fn redirect_with_exactly_one_link_is_302_to_translatewiki() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "Edit", &["MediaWiki:Edit/qqq"]).await;
    given_groups(&wiki, "MediaWiki:Edit/qqq", &["core", "mediawiki"]).await;

    let response = client(&wiki).await.get("/redirect/Edit/de").await;
    assert_eq!(response.status, StatusCode::FOUND);
    assert_eq!(
        response.location(),
        Some(translate_url("edit", "core", "de").as_str())
    );
}

#[tokio::test]
async fn redirect_with_two_links_is_303_to_the_list() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "save", &["Wikimedia:Save/qqq", "Project:Save/qqq"]).await;
    given_groups(&wiki, "Wikimedia:Save/qqq", &["g1"]).await;
    given_groups(&wiki, "Project:Save/qqq", &["g2"]).await;

    let response = client(&wiki).await.get("/redirect/save/de").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/show/save/de"));
}

#[tokio::test]
async fn redirect_with_no_link_is_303_to_the_list() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "nothing", &[]).await;

    let response = client(&wiki).await.get("/redirect/nothing/de").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/show/nothing/de"));
}

#[tokio::test]
async fn form_posts_redirect_to_the_get_pages_with_encoded_paths() {
    let wiki = MockServer::start().await;
    let mut client = client(&wiki).await;
    let token = client.get("/").await.csrf_token().expect("token");
    for (action, target) in [("/show/", "/show/"), ("/redirect/", "/redirect/")] {
        let response = client
            .post_form(
                action,
                &[
                    ("csrf_token", &token),
                    ("key", " my key/x.y "),
                    ("language-code", "zh-hans"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        assert_eq!(
            response.location(),
            Some(format!("{target}my%20key%2Fx%2Ey/zh-hans").as_str())
        );
    }
}

#[tokio::test]
async fn keys_with_slashes_survive_the_round_trip() {
    let wiki = MockServer::start().await;
    given_search(&wiki, "my key/x.y", &["Wikimedia:My key/x.y/qqq"]).await;
    given_groups(&wiki, "Wikimedia:My key/x.y/qqq", &["g"]).await;

    let response = client(&wiki)
        .await
        .get("/show/my%20key%2Fx%2Ey/zh-hans")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        listed_links(&response),
        [translate_url("my key/x.y", "g", "zh-hans")]
    );
}

#[tokio::test]
async fn invalid_form_input_shows_the_form_again_with_reasons_and_input() {
    let wiki = MockServer::start().await;
    let mut client = client(&wiki).await;
    let token = client.get("/").await.csrf_token().expect("token");
    let response = client
        .post_form(
            "/show/",
            &[
                ("csrf_token", &token),
                ("key", "fine-key"),
                ("language-code", "de_DE"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&response);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("“de_DE” is not a language code"),
        "{errors:?}"
    );
    assert_eq!(field(&response, "key").as_deref(), Some("fine-key"));
    assert_eq!(field(&response, "language-code").as_deref(), Some("de_DE"));

    let response = client
        .post_form("/redirect/", &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        form_errors(&response),
        [
            "Please enter a message key.",
            "Please enter a language code."
        ]
    );
    assert!(
        wiki.received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing was looked up"
    );
}

#[tokio::test]
async fn invalid_path_input_is_a_400_page() {
    let wiki = MockServer::start().await;
    let mut client = client(&wiki).await;
    for (path, reason) in [
        ("/show/edit/de%20DE", "is not a language code"),
        ("/redirect/edit/%3Cscript%3E", "is not a language code"),
        ("/show/a%7Cb/de", "which no page title"),
        ("/show/a%07b/de", "control character"),
        ("/show/justakey", "needs a message key and a language code"),
    ] {
        let response = client.get(path).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path}");
        let message = response.error_message();
        assert!(message.contains(reason), "{path}: {message}");
        // Anywhere on the page, unescaped, the input would be markup.
        assert!(!response.body.contains("<script>"), "{path}");
    }
    let long = format!("/show/{}/de", "k".repeat(201));
    assert_eq!(client.get(&long).await.status, StatusCode::BAD_REQUEST);
    assert!(
        wiki.received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing was looked up"
    );
}

#[tokio::test]
async fn upstream_error_is_a_502_page() {
    let wiki = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>down</html>"))
        .mount(&wiki)
        .await;

    let mut client = client(&wiki).await;
    for path in ["/show/edit/de", "/redirect/edit/de"] {
        let response = client.get(path).await;
        assert_eq!(response.status, StatusCode::BAD_GATEWAY, "{path}");
        let message = response.error_message();
        assert!(
            message.starts_with("translatewiki.net could not be reached"),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn upstream_api_error_on_search_is_a_502_page() {
    let wiki = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "errors": [{"code": "internal_api_error_DBQueryError", "text": "A database query error has occurred."}]
        })))
        .mount(&wiki)
        .await;

    let response = client(&wiki).await.get("/show/edit/de").await;
    assert_eq!(
        response.status,
        StatusCode::BAD_GATEWAY,
        "{}",
        response.body
    );
}

#[tokio::test]
async fn unreachable_upstream_is_a_502_page() {
    // Bind a port, then free it: nothing listens there any more.
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    let mut client = client_for(&format!("http://{address}/w/api.php")).await;
    let response = client.get("/show/edit/de").await;
    assert_eq!(response.status, StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn requests_carry_the_policy_user_agent() {
    let wiki = MockServer::start().await;
    let expected = "translate-link/0.1.0 (https://translate-link.toolforge.org/; tools.translate-link@toolforge.org) reqwest/0.12";
    Mock::given(method("GET"))
        .and(header("user-agent", expected))
        .and(query_param("list", "search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(search_results(&[])))
        .expect(1)
        .mount(&wiki)
        .await;

    let response = client(&wiki).await.get("/show/edit/de").await;
    assert_eq!(
        response.status,
        StatusCode::NOT_FOUND,
        "the search was answered: {}",
        response.body
    );
    wiki.verify().await;
}

#[tokio::test]
async fn post_without_csrf_token_is_refused() {
    let wiki = MockServer::start().await;
    let mut client = client(&wiki).await;
    client.get("/").await;
    let response = client
        .post_form("/show/", &[("key", "edit"), ("language-code", "de")])
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let message = response.error_message();
    assert!(message.contains("security token"), "{message}");
    assert_eq!(
        response.select_text("table.resubmission tr"),
        ["key edit", "language-code de"],
        "the input is offered for sending again"
    );

    let response = client
        .post_form(
            "/redirect/",
            &[
                ("csrf_token", "wrong"),
                ("key", "edit"),
                ("language-code", "de"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn healthz_and_security_headers() {
    let wiki = MockServer::start().await;
    let mut client = client(&wiki).await;
    let health = client.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(health.body.is_empty());
    let page = client.get("/").await;
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert!(
        wiki.received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "health checks ask no wiki"
    );
}

/// A fake translatewiki.net whose group look-ups only answer once `expected` of them are in
/// flight together; run one after the other, the first would wait in vain and fail.
async fn wiki_requiring_concurrent_lookups(titles: &'static [&'static str]) -> String {
    use axum::extract::Query;
    use std::collections::HashMap;

    let barrier = Arc::new(tokio::sync::Barrier::new(titles.len()));
    let app = axum::Router::new().route(
        "/w/api.php",
        axum::routing::get(move |Query(params): Query<HashMap<String, String>>| {
            let barrier = barrier.clone();
            async move {
                if params.get("list").map(String::as_str) == Some("search") {
                    return axum::Json(search_results(titles));
                }
                let all_in_flight = tokio::time::timeout(Duration::from_secs(5), barrier.wait())
                    .await
                    .is_ok();
                let groups: Vec<&str> = if all_in_flight {
                    vec!["concurrent"]
                } else {
                    vec![]
                };
                axum::Json(json!({"helpers": {"groups": groups}}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/w/api.php")
}

#[tokio::test]
async fn group_lookups_for_several_titles_run_concurrently() {
    const TITLES: &[&str] = &["A:Multi/qqq", "B:Multi/qqq", "C:Multi/qqq"];
    let api_url = wiki_requiring_concurrent_lookups(TITLES).await;
    let response = client_for(&api_url).await.get("/show/multi/de").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        listed_links(&response),
        vec![translate_url("multi", "concurrent", "de"); TITLES.len()]
    );
}

/// The AGPL relies on this link: every page names the repository, as an absolute URL.
#[tokio::test]
async fn every_page_links_to_the_source_code() {
    let wiki = MockServer::start().await;
    let mut client = client(&wiki).await;
    for path in ["/", "/does-not-exist"] {
        let page = client.get(path).await;
        let source = page.links("footer.site-footer a").into_iter().next();
        assert_eq!(
            source,
            Some((
                "Source code".to_owned(),
                "https://gitlab.wikimedia.org/toolforge-repos/rust-tools".to_owned()
            )),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_interface_speaks_the_user_s_language_and_form_errors_too() {
    let wiki = MockServer::start().await;
    let mut client = client(&wiki).await;
    let form = client
        .send(
            Method::GET,
            "/",
            None,
            &[("accept-language", "de-AT, en;q=0.5")],
        )
        .await;
    assert_eq!(form.attr("html", "lang").as_deref(), Some("de"));
    assert_eq!(form.attr("html", "dir").as_deref(), Some("ltr"));
    assert_eq!(form.text_of("label[for=key]"), "Nachrichtenschlüssel");
    assert_eq!(
        form.text_of("button[formaction=\"/redirect/\"]"),
        "Direkt zur Übersetzung"
    );
    assert_eq!(
        form.select_text("footer.site-footer a")
            .first()
            .map(String::as_str),
        Some("Quelltext"),
        "the platform's footer in German"
    );

    let token = form.csrf_token().expect("token");
    let refused = client
        .send(
            Method::POST,
            "/show/?uselang=de",
            Some(
                serde_urlencoded::to_string([
                    ("csrf_token", token.as_str()),
                    ("key", "a|b"),
                    ("language-code", "de_DE"),
                ])
                .expect("form"),
            ),
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let errors = form_errors(&refused);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("Der Nachrichtenschlüssel enthält „|“"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("„de_DE“ ist kein Sprachcode"),
        "{errors:?}"
    );
    assert_eq!(
        field(&refused, "key").as_deref(),
        Some("a|b"),
        "the input is kept"
    );

    let keys = client.get("/?uselang=qqx").await;
    assert_eq!(keys.text_of("label[for=key]"), "(translate-link-key-label)");
    assert_eq!(keys.attr("html", "lang").as_deref(), Some("qqx"));
}
