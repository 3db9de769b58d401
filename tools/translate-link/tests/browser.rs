//! Translate Link in a real browser (headless Chromium): typing into the form, pressing its
//! buttons, following redirects, a form posted from another site, and what every page must
//! have (source link, labels, no horizontal overflow at phone width; screenshots in
//! `target/screenshots/`). Skipped, saying why, where no Chromium is installed.

use serde_json::json;
use test_support::{Browser, serve};
use translate_link::Settings;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The tool as `just run` serves it (plain HTTP, local-development mode), with translatewiki.net
/// faked: the message `wikibase-edit` is in one group; anything else is unknown.
async fn tool() -> (String, MockServer) {
    let wiki = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/w/api.php"))
        .and(query_param("list", "search"))
        .and(query_param("srsearch", "intitle:\"wikibase-edit/qqq\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "batchcomplete": true,
            "query": {"search": [{"ns": 1198, "title": "Wikimedia:Wikibase-edit/qqq", "pageid": 1}]}
        })))
        .mount(&wiki)
        .await;
    Mock::given(method("GET"))
        .and(path("/w/api.php"))
        .and(query_param("list", "search"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"batchcomplete": true, "query": {"search": []}})),
        )
        .mount(&wiki)
        .await;
    Mock::given(method("GET"))
        .and(path("/w/api.php"))
        .and(query_param("action", "translationaids"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"helpers": {"groups": ["ext-wikibase-lib"]}})),
        )
        .mount(&wiki)
        .await;
    // The translation page the tool sends the browser to.
    Mock::given(method("GET"))
        .and(path("/w/i.php"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><body>Special:Translate</body></html>"),
        )
        .mount(&wiki)
        .await;
    let api_url = format!("{}/w/api.php", wiki.uri());
    let index_url = format!("{}/w/i.php", wiki.uri());
    let env = [
        ("TOOL_API_URL", api_url.as_str()),
        ("TOOL_INDEX_URL", index_url.as_str()),
    ];
    let config = test_support::config::<Settings>(&env);
    let platform = translate_link::platform(&config).expect("platform");
    let app = translate_link::app(&platform, &config.tool)
        .await
        .expect("app builds");
    (serve(app).await, wiki)
}

/// Types a key and a language into the form and presses one of its buttons.
async fn look_up(browser: &Browser, key: &str, language: &str, button: &str) {
    browser.fill("#key", key).await;
    browser.fill("#language-code", language).await;
    browser
        .click(&format!("button[formaction=\"{button}\"]"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_finds_a_translation_page_through_the_form() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let (tool, wiki) = tool().await;

    browser.goto(&format!("{tool}/")).await;
    browser.check_page("translate-link-index").await;
    look_up(&browser, "wikibase-edit", "de", "/redirect/").await;
    let landed = browser.wait_for_url("language=de").await;
    assert!(
        landed.starts_with(&format!("{}/w/i.php?", wiki.uri()))
            && landed.contains("showMessage=wikibase-edit")
            && landed.contains("language=de"),
        "went straight to the translation: {landed}"
    );

    browser.goto(&format!("{tool}/")).await;
    look_up(&browser, "wikibase-edit", "de", "/show/").await;
    browser.wait_for_url("/show/wikibase-edit/de").await;
    browser.wait_for_text("ext-wikibase-lib").await;
    browser.check_page("translate-link-show").await;

    browser.goto(&format!("{tool}/")).await;
    look_up(&browser, "no-such-message", "fr", "/show/").await;
    browser
        .wait_for_text("No message with the key “no-such-message” was found")
        .await;
    browser.check_page("translate-link-not-found").await;
    // "try another key" brings the form back with what was typed.
    browser.click("p.not-found a").await;
    browser.wait_for_url("language-code=fr").await;
    let typed = browser
        .eval("return [document.querySelector('#key').value, document.querySelector('#language-code').value];")
        .await;
    assert_eq!(typed, json!(["no-such-message", "fr"]));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_posted_from_another_site_is_refused_and_the_session_survives() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let (tool, _wiki) = tool().await;
    // The user has a session with the tool (the form page made one).
    browser.goto(&format!("{tool}/")).await;
    let port = tool.rsplit(':').next().expect("port").to_owned();

    // Another site posts a form to the tool.
    let html = browser
        .post_from_another_site(
            &format!("{tool}/show/"),
            &[("key", "attacker"), ("language-code", "de")],
        )
        .await;
    assert!(html.contains("came from another website"), "{html}");
    assert!(!html.contains("Send again"));

    // Back at the tool, the user's form still works.
    browser.goto(&format!("http://127.0.0.1:{port}/")).await;
    look_up(&browser, "wikibase-edit", "de", "/show/").await;
    browser.wait_for_url("/show/wikibase-edit/de").await;
    browser.wait_for_text("ext-wikibase-lib").await;
    browser.close().await;
}
