//! The interface in the user's language: how a request's language is chosen (`?uselang=`, the
//! language menu's choice in the session, `Accept-Language`, English), fallback chains, `qqx`,
//! right-to-left pages, plural and gender forms through a page, and escaping. A fixture tool
//! (`tests/fixtures/i18n`) brings Arabic, Russian and German messages of its own.

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::routing::get;
use platform::config::NoSettings;
use platform::{Gender, PageContext, Platform, Text, ToolInfo};
use test_support::{Browser, TestClient, serve};

const TOOL: ToolInfo = ToolInfo {
    name: "example-tool",
    version: "1.0.0",
    repository: "https://example.org/source",
};

static FIXTURE_MESSAGES: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/i18n");

fn platform() -> Platform {
    let config = test_support::config::<NoSettings>(&[(
        "TOOL_SECRET_KEY",
        "a-secret-key-that-is-long-enough-for-sessions",
    )]);
    Platform::new(TOOL, "Example Tool", &config)
        .with_messages(&FIXTURE_MESSAGES)
        .expect("the fixture's messages load")
}

/// `/greet?name=…&count=…&gender=…`: messages rendered by a handler, with parameters.
fn routes() -> Router {
    Router::new().route(
        "/greet",
        get(
            |page: PageContext,
             axum::extract::Query(query): axum::extract::Query<Vec<(String, String)>>| async move {
                let get = |name: &str| {
                    query
                        .iter()
                        .find(|(key, _)| key == name)
                        .map(|(_, value)| value.clone())
                        .unwrap_or_default()
                };
                let count: i64 = get("count").parse().unwrap_or(0);
                let gender = Gender::from_api(&get("gender"));
                axum::response::Html(format!(
                    "<!DOCTYPE html><html lang=\"{}\" dir=\"{}\"><body><p id=\"greeting\">{}</p>\
                     <p id=\"edited\">{}</p><p id=\"english\">{}</p><p id=\"markup\">{}</p></body></html>",
                    page.lang(),
                    page.dir(),
                    page.msg("fixture-greeting").arg(get("name")).num(count),
                    page.msg("fixture-edited").user(get("name"), gender),
                    page.msg("fixture-only-english"),
                    page.msg("fixture-markup"),
                ))
            },
        ),
    )
}

fn client() -> TestClient {
    TestClient::new(platform().router(routes()))
}

fn between<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("#{id} in {body}"))
        + id.len()
        + 6;
    &body[start..start + body[start..].find("</p>").expect("end")]
}

async fn greet(client: &mut TestClient, query: &str, headers: &[(&str, &str)]) -> String {
    let response = client
        .send(Method::GET, &format!("/greet?{query}"), None, headers)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.body
}

#[tokio::test]
async fn english_without_any_wish_and_the_layout_says_so() {
    let page = client().get("/does-not-exist").await;
    assert!(
        page.body.contains("<html lang=\"en\" dir=\"ltr\">"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Not found"));
    assert!(page.body.contains("Language: English"));
}

#[tokio::test]
async fn uselang_chooses_for_one_request() {
    let mut client = client();
    let page = client.get("/does-not-exist?uselang=de").await;
    assert!(
        page.body.contains("<html lang=\"de\" dir=\"ltr\">"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nicht gefunden"), "{}", page.body);
    assert!(page.body.contains("Sprache: Deutsch"));
    let next = client.get("/does-not-exist").await;
    assert!(next.body.contains("Not found"), "only that request");
}

#[tokio::test]
async fn accept_language_is_followed_along_fallback_chains() {
    let mut client = client();
    for (header, lang) in [
        ("de-AT, en;q=0.5", "de"),
        ("fr-CH, fr;q=0.9, de;q=0.8", "de"),
        ("pt-BR", "en"),
        ("uk", "ru"),
        ("ar-EG", "ar"),
        ("xx, yy;q=0.5", "en"),
        ("de;q=0, ru;q=0.5", "ru"),
    ] {
        let body = greet(
            &mut client,
            "name=A&count=1",
            &[("accept-language", header)],
        )
        .await;
        assert!(
            body.contains(&format!("lang=\"{lang}\"")),
            "{header} → {lang}: {body}"
        );
    }
}

#[tokio::test]
async fn a_missing_translation_falls_back_to_english_and_a_missing_key_is_visible() {
    let mut client = client();
    let body = greet(&mut client, "uselang=de-at&name=A&count=2", &[]).await;
    assert_eq!(
        between(&body, "greeting"),
        "Hallo, A! Du hast 2 Nachrichten."
    );
    assert_eq!(between(&body, "english"), "Only in English");
    let catalog = platform().catalog().clone();
    let messages = platform::i18n::Messages::source(catalog);
    assert_eq!(messages.render("no-such-key", &[]), "⧼no-such-key⧽");
}

#[tokio::test]
async fn plural_forms_by_the_language_s_rules() {
    let mut client = client();
    let mut seen = Vec::new();
    for (lang, count) in [
        ("en", 1),
        ("en", 5),
        ("ru", 1),
        ("ru", 3),
        ("ru", 5),
        ("ar", 0),
        ("ar", 2),
        ("ar", 11),
    ] {
        let body = greet(
            &mut client,
            &format!("uselang={lang}&name=A&count={count}"),
            &[],
        )
        .await;
        seen.push(between(&body, "greeting").to_owned());
    }
    assert_eq!(
        seen,
        [
            "Hello, A! You have one message.",
            "Hello, A! You have 5 messages.",
            "Привет, A! У вас 1 сообщение.",
            "Привет, A! У вас 3 сообщения.",
            "Привет, A! У вас 5 сообщений.",
            "مرحبا يا A! لا رسائل.",
            "مرحبا يا A! رسالتان.",
            "مرحبا يا A! 11 رسالة.",
        ]
    );
}

#[tokio::test]
async fn gender_forms_follow_the_user() {
    let mut client = client();
    let mut seen = Vec::new();
    for gender in ["male", "female", "unknown"] {
        let body = greet(
            &mut client,
            &format!("uselang=ru&name=A&gender={gender}"),
            &[],
        )
        .await;
        seen.push(between(&body, "edited").to_owned());
    }
    assert_eq!(
        seen,
        [
            "Он отредактировал эту страницу.",
            "Она отредактировала эту страницу.",
            "Они отредактировали эту страницу."
        ]
    );
}

#[tokio::test]
async fn parameters_are_escaped_and_message_markup_is_cleaned_not_escaped() {
    let mut client = client();
    let body = greet(
        &mut client,
        "name=%3Cscript%3Ealert(1)%3C/script%3E&count=2",
        &[],
    )
    .await;
    assert_eq!(
        between(&body, "greeting"),
        "Hello, &#60;script&#62;alert(1)&#60;/script&#62;! You have 2 messages."
    );
    let markup = between(&body, "markup");
    assert!(markup.starts_with("A <strong>bold</strong> "), "{markup}");
    assert!(!markup.contains("<script"), "{markup}");
    assert!(!markup.contains("javascript:"), "{markup}");
    assert!(
        !markup.contains("&lt;strong"),
        "not escaped twice: {markup}"
    );
}

#[tokio::test]
async fn qqx_shows_the_keys() {
    let mut client = client();
    let body = greet(&mut client, "uselang=qqx&name=A&count=2", &[]).await;
    assert_eq!(between(&body, "greeting"), "(fixture-greeting: A, 2)");
    assert_eq!(between(&body, "english"), "(fixture-only-english)");
    let page = client.get("/does-not-exist?uselang=qqx").await;
    assert!(page.body.contains("(platform-no-page)"), "{}", page.body);
    assert!(page.body.contains("(platform-error-not-found)"));
}

#[tokio::test]
async fn the_language_menu_stores_a_choice_in_the_session_until_reset() {
    let mut client = client();
    let menu = client.get("/language?return_to=/does-not-exist").await;
    assert_eq!(menu.status, StatusCode::OK);
    for name in ["Deutsch", "English", "العربية", "русский"] {
        assert!(menu.body.contains(name), "{name}: {}", menu.body);
    }
    assert!(
        menu.body
            .contains("<span lang=\"ar\" dir=\"rtl\">العربية</span>")
    );
    let token = menu.csrf_token().expect("the menu is a form");

    let chosen = client
        .post_form(
            "/language",
            &[
                ("csrf_token", &token),
                ("language", "ru"),
                ("return_to", "/does-not-exist"),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(chosen.location(), Some("/does-not-exist"));
    let body = greet(&mut client, "name=A&count=5", &[("accept-language", "de")]).await;
    assert!(
        body.contains("lang=\"ru\""),
        "the choice beats the browser: {body}"
    );
    let body = greet(&mut client, "uselang=en&name=A&count=5", &[]).await;
    assert!(body.contains("lang=\"en\""), "uselang beats the choice");

    let reset = client
        .post_form(
            "/language",
            &[
                ("csrf_token", &token),
                ("language", ""),
                ("return_to", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(reset.location(), Some("/"), "never to another site");
    let body = greet(&mut client, "name=A&count=5", &[("accept-language", "de")]).await;
    assert!(
        body.contains("lang=\"de\""),
        "the browser's language again: {body}"
    );
}

#[tokio::test]
async fn the_language_menu_sends_nobody_to_another_site() {
    let mut client = client();
    let token = client
        .get("/language")
        .await
        .csrf_token()
        .expect("the menu is a form");
    // Browsers drop tab, CR and LF from a URL, so `/<tab>/evil.example` is `//evil.example`;
    // a CR or LF in a `Location` cannot even be sent.
    for target in [
        "/\t/evil.example",
        "/\r/evil.example",
        "/\n/evil.example",
        "/x\r\nSet-Cookie: a=b",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
    ] {
        let chosen = client
            .post_form(
                "/language",
                &[
                    ("csrf_token", &token),
                    ("language", "de"),
                    ("return_to", target),
                ],
            )
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{target:?}");
        assert_eq!(chosen.location(), Some("/"), "{target:?}");
        // The same through the menu's own link, percent-encoded as a link would carry it.
        let encoded = serde_urlencoded::to_string([("return_to", target)]).expect("encode");
        let menu = client.get(&format!("/language?{encoded}")).await;
        assert_eq!(menu.status, StatusCode::OK, "{target:?}");
        assert!(
            menu.body.contains("name=\"return_to\" value=\"/\""),
            "{target:?}: {}",
            menu.body
        );
    }
}

#[tokio::test]
async fn an_unknown_language_is_refused_and_nothing_changes() {
    let mut client = client();
    let menu = client.get("/language").await;
    let token = menu.csrf_token().expect("token");
    let refused = client
        .post_form("/language", &[("csrf_token", &token), ("language", "tlh")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("There is no translation into “tlh”"),
        "{}",
        refused.body
    );
    let page = client.get("/does-not-exist").await;
    assert!(page.body.contains("lang=\"en\""));
}

#[tokio::test]
async fn error_pages_carry_their_messages_into_the_language() {
    let text = Text::new("platform-form-too-large").num(4);
    let catalog = platform().catalog().clone();
    let german = platform::i18n::Messages::choose(&catalog, ["de"]);
    assert_eq!(
        german.text(&text),
        "Formulare dürfen höchstens 4 MiB groß sein. Nichts wurde geändert; bitte sende weniger auf einmal."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_to_left_languages_render_right_to_left_in_a_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let base = serve(platform().router(routes())).await;
    browser
        .goto(&format!("{base}/does-not-exist?uselang=ar"))
        .await;
    let direction = browser
        .eval("return [document.documentElement.lang, document.dir, getComputedStyle(document.body).direction];")
        .await;
    assert_eq!(direction, serde_json::json!(["ar", "rtl", "rtl"]));
    browser
        .goto(&format!("{base}/does-not-exist?uselang=de"))
        .await;
    let direction = browser
        .eval("return getComputedStyle(document.body).direction;")
        .await;
    assert_eq!(direction, "ltr");
    browser.close().await;
}
