//! Wikidata Lexeme Forms in a real browser (headless Chromium): log in through the fake wiki's
//! OAuth pages, pick the German masculine noun template from the list, fill in its eight forms
//! (two variants in one), be shown the lexeme with the same lemma that exists, create the new
//! one anyway; and what every page must have (source link, labels, no horizontal overflow at
//! phone width; screenshots in `target/screenshots/`). Skipped, saying why, where no Chromium
//! is installed.

mod common;

use std::time::Duration;

use common::FakeLexemes;
use serde_json::json;
use test_support::{Browser, FakeUser, FakeWiki, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lexicographer_fills_in_a_german_noun() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let wiki = FakeWiki::start().await;
    wiki.add_user(FakeUser::new("Lexicographer").with_groups(&["autoconfirmed"]));
    let lexemes = FakeLexemes::new();
    lexemes.add_lexeme(json!({
        "id": "L7", "type": "lexeme", "language": "Q188", "lexicalCategory": "Q1084",
        "lemmas": {"de": {"language": "de", "value": "Hund"}},
        "claims": {}, "forms": [], "senses": [],
    }));
    let answering = lexemes.clone();
    wiki.on_api(move |request| answering.answer(request));

    // As `just run` serves it (plain HTTP), logging in at the fake wiki.
    let api_url = wiki.api_url();
    let oauth = wiki.oauth_env();
    let mut env: Vec<(&str, &str)> = vec![("TOOL_API_URL_TEMPLATE", &api_url)];
    env.extend(oauth.iter().map(|(k, v)| (*k, v.as_str())));
    let config = test_support::config::<lexeme_forms::Settings>(&env);
    let platform = lexeme_forms::platform(&config).expect("platform");
    let tool = serve(lexeme_forms::app(&platform, &config.tool).expect("app")).await;
    wiki.set_callback_url(&format!("{tool}/oauth/callback"));

    browser.goto(&format!("{tool}/")).await;
    browser.check_page("lexeme-forms-index").await;
    browser.click("header a[href^=\"/login\"]").await;
    browser
        .wait_for_text("Logged in as <strong>Lexicographer</strong>")
        .await;
    browser
        .click("a[href=\"/template/german-noun-masculine/\"]")
        .await;
    browser
        .wait_for_url("/template/german-noun-masculine/")
        .await;
    browser.check_page("lexeme-forms-template").await;

    let forms = [
        "Hund",
        "Hundes/Hunds",
        "Hund",
        "Hund",
        "Hunde",
        "Hunde",
        "Hunden",
        "Hunde",
    ];
    for (index, value) in forms.iter().enumerate() {
        browser
            .fill(
                &format!("fieldset .field:nth-of-type({}) input", index + 1),
                value,
            )
            .await;
    }
    browser.click("form.lexeme button[type=\"submit\"]").await;
    browser
        .wait_for_text("A lexeme with this lemma exists already")
        .await;
    browser.check_page("lexeme-forms-duplicates").await;
    assert!(
        lexemes.edits().is_empty(),
        "nothing saved before confirming"
    );
    let kept = browser
        .eval("return [...document.querySelectorAll('input[name=form_representation]')].map(i => i.value);")
        .await;
    assert_eq!(kept, json!(forms), "every value kept");

    browser.click("form.lexeme button[type=\"submit\"]").await;
    // The browser goes on to the new lexeme on Wikidata (not reachable here); the fake
    // recorded the edit.
    let mut edits = lexemes.edits();
    for _ in 0..50 {
        if !edits.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        edits = lexemes.edits();
    }
    assert_eq!(edits.len(), 1, "one lexeme created");
    let data = &edits[0].data;
    assert_eq!(data["lemmas"]["de"]["value"], "Hund");
    assert_eq!(
        data["forms"].as_array().map(Vec::len),
        Some(9),
        "eight fields, one with two variants"
    );
    assert_eq!(data["forms"][1]["representations"]["de"]["value"], "Hundes");
    assert_eq!(data["forms"][2]["representations"]["de"]["value"], "Hunds");
    assert_eq!(
        data["claims"]["P5185"][0]["mainsnak"]["datavalue"]["value"]["id"],
        "Q499327"
    );
    browser.close().await;
}
