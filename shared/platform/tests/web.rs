//! The platform's behaviour around any tool's routes: health check, headers, error pages,
//! sessions and CSRF protection.

use std::time::Duration;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use platform::config::NoSettings;
use platform::{ErrorPage, PageContext, Platform, Session, Text, ToolInfo};
use test_support::TestClient;

const TOOL: ToolInfo = ToolInfo {
    name: "example-tool",
    version: "1.0.0",
    repository: "https://example.org/source",
};
const SECRET: &str = "a-secret-key-that-is-long-enough-for-sessions";

/// A tool with routes that exercise the platform: a counter kept in the session, a form
/// target, a failing handler, a panicking one and a slow one.
fn tool_routes() -> Router {
    Router::new()
        .route(
            "/count",
            get(|session: Session| async move {
                let count = session.get::<u32>("count").unwrap_or(0) + 1;
                session.insert("count", &count);
                count.to_string()
            }),
        )
        .route(
            "/form",
            get(|page: PageContext| async move {
                format!(
                    "<input name=\"csrf_token\" value=\"{}\">",
                    page.csrf_token()
                )
            })
            .post(|body: String| async move { format!("accepted: {body}") }),
        )
        .route(
            "/plain",
            get(|page: PageContext| async move {
                format!("a page without a form: {}", page.site.title)
            }),
        )
        .route(
            "/fail",
            get(|| async { Err::<String, _>(ErrorPage::internal("database password is hunter2")) }),
        )
        .route(
            "/bad",
            post(|| async {
                ErrorPage::bad_request(
                    Text::new("platform-error-client").arg("The frobnicator must be positive."),
                )
            }),
        )
        .route(
            "/api/missing",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    axum::Json(serde_json::json!("no such thing")),
                )
            }),
        )
        .route("/panic", get(panics))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
}

async fn panics() -> &'static str {
    panic!("boom")
}

fn production_client() -> TestClient {
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[("TOOL_SECRET_KEY", SECRET)]),
    );
    TestClient::new(platform.router(tool_routes()))
}

#[tokio::test]
async fn healthz_is_200_with_an_empty_body() {
    let response = production_client().get("/healthz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, "");
    assert!(response.header("set-cookie").is_none());
}

#[tokio::test]
async fn every_response_denies_framing_and_sniffing() {
    let mut client = production_client();
    for path in ["/healthz", "/count", "/does-not-exist", "/static/style.css"] {
        let response = client.get(path).await;
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            response.header("referrer-policy"),
            Some("same-origin"),
            "{path}"
        );
        assert!(
            response
                .header("content-security-policy")
                .is_some_and(|csp| csp.contains("frame-ancestors 'none'")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn local_development_mode_says_so_on_every_page() {
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[]),
    );
    let mut client = TestClient::new(platform.router(tool_routes()));
    for path in ["/language", "/does-not-exist"] {
        let page = client.get(path).await;
        assert!(
            page.text_of("footer .development-mode")
                .starts_with("Local development mode"),
            "{path}"
        );
    }
    let production = production_client().get("/does-not-exist").await;
    production.assert_none("footer .development-mode");
}

#[tokio::test]
async fn pages_with_a_csrf_token_are_never_cached() {
    let mut client = production_client();
    let form = client.get("/form").await;
    assert!(form.body.contains("csrf_token"), "{}", form.body);
    assert_eq!(form.header("cache-control"), Some("no-store"));
    // The same session's pages without a form may be cached as before.
    let plain = client.get("/plain").await;
    assert_eq!(plain.header("cache-control"), None);
}

#[tokio::test]
async fn unknown_path_is_a_404_page_in_the_layout() {
    let response = production_client().get("/does-not-exist").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    assert!(
        response
            .body
            .contains("<title>Not found – Example Tool</title>"),
        "{}",
        response.body
    );
    assert!(response.body.contains("https://example.org/source"));
}

/// The page's `<header>`, where the layout puts the tool's name and its links.
fn page_header(body: &str) -> &str {
    body.split_once("<header")
        .and_then(|(_, rest)| rest.split_once("</header>"))
        .map(|(header, _)| header)
        .unwrap_or_else(|| panic!("no header in {body}"))
}

const DOCUMENTATION: &str = "https://www.wikidata.org/wiki/User:Example/Example_Tool";

#[tokio::test]
async fn the_header_links_to_the_documentation_page_in_the_page_s_language() {
    // Login is added after the documentation: each keeps what the other set.
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[("TOOL_SECRET_KEY", SECRET)]),
    )
    .with_documentation(DOCUMENTATION)
    .expect("a web address")
    .with_login(&[], &[])
    .expect("login");
    let mut client = TestClient::new(platform.router(tool_routes()));
    let page = client.get("/does-not-exist").await;
    let header = page_header(&page.body);
    assert!(
        header.contains(&format!(
            r#"<a class="site-documentation" href="{DOCUMENTATION}">Documentation</a>"#
        )),
        "{header}"
    );
    assert!(header.contains("/login?return_to="), "{header}");
    let page = client.get("/does-not-exist?uselang=de").await;
    assert!(
        page_header(&page.body).contains(">Dokumentation</a>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn without_a_documentation_page_the_header_links_to_none() {
    let page = production_client().get("/does-not-exist").await;
    assert!(!page_header(&page.body).contains("site-documentation"));
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[("TOOL_SECRET_KEY", SECRET)]),
    )
    .with_documentation(" ")
    .expect("empty: no page");
    let page = TestClient::new(platform.router(tool_routes()))
        .get("/does-not-exist")
        .await;
    assert!(!page_header(&page.body).contains("site-documentation"));
}

#[test]
fn a_documentation_page_must_be_a_web_address() {
    for url in [
        "javascript:alert(1)",
        "www.wikidata.org/wiki/User:Example",
        "ftp://example.org/docs",
        "https://",
    ] {
        let platform = Platform::new(
            TOOL,
            "Example Tool",
            &test_support::config::<NoSettings>(&[]),
        );
        assert!(
            matches!(
                platform.with_documentation(url),
                Err(platform::PlatformError::Documentation(refused)) if refused == url
            ),
            "{url}"
        );
    }
}

#[tokio::test]
async fn internal_errors_show_no_internals() {
    let response = production_client().get("/fail").await;
    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.body.contains("Something went wrong on our side"));
    assert!(!response.body.contains("hunter2"));
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_page() {
    let response = production_client().get("/panic").await;
    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.body.contains("<html"), "{}", response.body);
    assert!(!response.body.contains("boom"));
}

#[tokio::test]
async fn bad_request_page_gives_the_reason() {
    let mut client = production_client();
    let token = client.get("/form").await.csrf_token().expect("token");
    let response = client.post_form("/bad", &[("csrf_token", &token)]).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.body.contains("The frobnicator must be positive."));
}

#[tokio::test]
async fn an_apis_json_error_stays_json() {
    let response = production_client().get("/api/missing").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.body, "\"no such thing\"");
}

#[tokio::test]
async fn wrong_method_is_a_405_page() {
    let mut client = production_client();
    let response = client.send(Method::DELETE, "/count", None, &[]).await;
    // The CSRF check comes first for unsafe methods: without a token it is refused as such.
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let token = client.get("/form").await.csrf_token().expect("token");
    let response = client
        .send(Method::DELETE, "/count", None, &[("x-csrf-token", &token)])
        .await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        response.body.contains("does not accept that method"),
        "{}",
        response.body
    );
}

#[tokio::test(start_paused = true)]
async fn slow_requests_time_out_with_a_408_page() {
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[
            ("TOOL_SECRET_KEY", SECRET),
            ("TOOL_REQUEST_TIMEOUT_SECONDS", "1"),
        ]),
    );
    let response = TestClient::new(platform.router(tool_routes()))
        .get("/slow")
        .await;
    assert_eq!(response.status, StatusCode::REQUEST_TIMEOUT);
    assert!(response.body.contains("took too long"));
}

#[tokio::test]
async fn session_cookie_is_encrypted_http_only_lax_and_secure_in_production() {
    let mut client = production_client();
    let response = client.get("/count").await;
    let cookie = response.header("set-cookie").expect("session cookie set");
    assert!(cookie.starts_with("__Host-session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("count"),
        "cookie is not plain text: {cookie}"
    );
    assert_eq!(client.get("/count").await.body, "2");
}

#[tokio::test]
async fn local_development_cookies_work_over_plain_http() {
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[]),
    );
    let response = TestClient::new(platform.router(tool_routes()))
        .get("/count")
        .await;
    let cookie = response.header("set-cookie").expect("session cookie set");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn sessions_survive_a_restart_with_the_same_secret() {
    let mut before = production_client();
    before.get("/count").await;
    before.get("/count").await;
    let cookie = before.cookie("__Host-session").expect("cookie").to_owned();

    let mut after = production_client();
    after.set_cookie("__Host-session", &cookie);
    assert_eq!(after.get("/count").await.body, "3");
}

#[tokio::test]
async fn a_cookie_from_another_key_or_tampered_is_a_fresh_session() {
    let mut client = production_client();
    client.get("/count").await;
    let cookie = client.cookie("__Host-session").expect("cookie").to_owned();

    let other = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[(
            "TOOL_SECRET_KEY",
            "another-secret-key-that-is-long-enough!!",
        )]),
    );
    let mut stranger = TestClient::new(other.router(tool_routes()));
    stranger.set_cookie("__Host-session", &cookie);
    assert_eq!(stranger.get("/count").await.body, "1");

    let mut tampered = production_client();
    let mut bytes = cookie.into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    tampered.set_cookie("__Host-session", &String::from_utf8(bytes).expect("ascii"));
    assert_eq!(tampered.get("/count").await.body, "1");
}

#[tokio::test]
async fn post_with_the_session_token_is_accepted() {
    let mut client = production_client();
    let token = client.get("/form").await.csrf_token().expect("token");
    let response = client
        .post_form("/form", &[("csrf_token", &token), ("text", "hello")])
        .await;
    assert_eq!(response.status, StatusCode::OK);
    // The handler still sees the whole body.
    assert_eq!(
        response.body,
        format!("accepted: csrf_token={token}&text=hello")
    );
}

#[tokio::test]
async fn post_with_the_token_in_a_header_is_accepted() {
    let mut client = production_client();
    let token = client.get("/form").await.csrf_token().expect("token");
    let response = client
        .send(
            Method::POST,
            "/form",
            Some("{}".to_owned()),
            &[
                ("x-csrf-token", &token),
                ("content-type", "application/json"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
}

#[tokio::test]
async fn post_without_or_with_a_wrong_token_is_400_and_offers_to_resend() {
    let mut client = production_client();
    let token = client.get("/form").await.csrf_token().expect("token");

    for fields in [
        vec![("text", "my long text")],
        vec![("csrf_token", "forged"), ("text", "my long text")],
    ] {
        let response = client.post_form("/form", &fields).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        assert!(
            response.body.contains("security token"),
            "{}",
            response.body
        );
        // What the user typed is on the page, ready to be sent again with a valid token.
        assert!(response.body.contains("my long text"));
        assert!(response.body.contains("action=\"/form\""));
        assert_eq!(response.csrf_token().as_deref(), Some(token.as_str()));
        assert!(!response.body.contains("forged"));
    }
}

#[tokio::test]
async fn post_without_a_session_is_refused_shows_what_was_sent_and_creates_no_session() {
    let mut client = production_client();
    let refused = client
        .post_form("/form", &[("csrf_token", "guess"), ("text", "kept text")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.header("set-cookie").is_none(),
        "no session is created"
    );
    assert!(refused.body.contains("kept text"), "{}", refused.body);
    assert!(refused.csrf_token().is_none(), "no token to resend with");
    assert!(!refused.body.contains("Send again"));
    assert!(client.cookie("__Host-session").is_none());
}

#[tokio::test]
async fn a_refused_post_leaves_an_existing_session_unchanged() {
    let mut client = production_client();
    client.get("/form").await;
    let before = client.cookie("__Host-session").expect("session").to_owned();
    let refused = client
        .post_form("/form", &[("csrf_token", "forged"), ("text", "x")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.header("set-cookie").is_none());
    assert_eq!(client.cookie("__Host-session"), Some(before.as_str()));
}

#[tokio::test]
async fn non_form_post_without_header_token_is_refused() {
    let mut client = production_client();
    client.get("/form").await;
    let response = client
        .send(
            Method::POST,
            "/form",
            Some("{}".to_owned()),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn stylesheet_is_served_from_the_binary() {
    let response = production_client().get("/static/style.css").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert!(response.body.contains("font-family"));
}

#[tokio::test]
async fn every_page_links_the_icon_it_serves() {
    // A 404 page: rendered in the layout every page shares.
    let page = production_client().get("/does-not-exist").await;
    assert!(
        page.body
            .contains(r#"<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"#),
        "{}",
        page.body
    );
    let icon = production_client().get("/static/favicon.svg").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.header("content-type"), Some("image/svg+xml"));
    assert!(icon.body.starts_with("<svg"));
    assert!(icon.header("set-cookie").is_none());
}

/// The browser headers of a cross-site or same-site request, in each form browsers send them.
const CROSS_ORIGIN_HEADERS: [&[(&str, &str)]; 5] = [
    &[("sec-fetch-site", "cross-site")],
    // Another tool on toolforge.org is "same site" but not this origin.
    &[
        ("sec-fetch-site", "same-site"),
        ("origin", "https://other-tool.toolforge.org"),
    ],
    // Browsers without Fetch Metadata: Origin decides.
    &[
        ("origin", "https://evil.example"),
        ("x-forwarded-proto", "https"),
    ],
    &[
        ("origin", "http://example-tool.toolforge.org"),
        ("x-forwarded-proto", "https"),
    ],
    &[("origin", "null")],
];

#[tokio::test]
async fn cross_origin_posts_are_refused_before_the_session_with_and_without_a_cookie() {
    for headers in CROSS_ORIGIN_HEADERS {
        for with_session in [false, true] {
            let mut client = production_client();
            let mut token = "guessed".to_owned();
            if with_session {
                client.get("/count").await;
                token = client.get("/form").await.csrf_token().expect("token");
            }
            let cookie_before = client.cookie("__Host-session").map(str::to_owned);
            let mut all = vec![
                ("host", "example-tool.toolforge.org"),
                ("content-type", "application/x-www-form-urlencoded"),
            ];
            all.extend_from_slice(headers);
            let body = format!("csrf_token={token}&text=attacker+text");
            let response = client.send(Method::POST, "/form", Some(body), &all).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{headers:?}");
            assert!(
                response.header("set-cookie").is_none(),
                "{headers:?}: a refused request sets no cookie"
            );
            assert!(
                response.body.contains("came from another website"),
                "{}",
                response.body
            );
            assert!(response.body.contains("<html"), "a page in the layout");
            assert!(
                !response.body.contains("attacker text"),
                "nothing offered to resend"
            );
            assert!(response.csrf_token().is_none());
            assert_eq!(
                client.cookie("__Host-session").map(str::to_owned),
                cookie_before
            );
            if with_session {
                assert_eq!(
                    client.get("/count").await.body,
                    "2",
                    "the victim's session still works"
                );
            }
        }
    }
}

#[tokio::test]
async fn same_origin_posts_pass_the_origin_check() {
    for headers in [
        &[("sec-fetch-site", "same-origin")][..],
        &[("sec-fetch-site", "none")][..],
        &[
            ("origin", "https://example-tool.toolforge.org"),
            ("x-forwarded-proto", "https"),
        ][..],
        &[][..],
    ] {
        let mut client = production_client();
        let token = client.get("/form").await.csrf_token().expect("token");
        let mut all = vec![
            ("host", "example-tool.toolforge.org"),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        all.extend_from_slice(headers);
        let response = client
            .send(
                Method::POST,
                "/form",
                Some(format!("csrf_token={token}")),
                &all,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{headers:?}: {}",
            response.body
        );
    }
}

#[tokio::test]
async fn sessions_are_created_only_by_pages_that_store_something() {
    for path in [
        "/healthz",
        "/static/style.css",
        "/plain",
        "/does-not-exist",
        "/fail",
        "/panic",
    ] {
        let response = production_client().get(path).await;
        assert!(
            response.header("set-cookie").is_none(),
            "{path} ({}) set a cookie",
            response.status
        );
    }
    let form = production_client().get("/form").await;
    assert!(
        form.header("set-cookie").is_some(),
        "a form page mints its token"
    );
    let counted = production_client().get("/count").await;
    assert!(
        counted.header("set-cookie").is_some(),
        "a page that stores something"
    );
}

#[tokio::test]
async fn an_unchanged_session_is_not_written_again() {
    let mut client = production_client();
    client.get("/form").await;
    for path in ["/form", "/plain", "/does-not-exist"] {
        let response = client.get(path).await;
        assert!(response.header("set-cookie").is_none(), "{path}");
    }
}

fn padded_form(token: &str, total: usize) -> String {
    let start = format!("csrf_token={token}&text=");
    let padding = total - start.len();
    format!("{start}{}", "a".repeat(padding))
}

#[tokio::test]
async fn forms_up_to_the_limit_are_accepted_and_larger_ones_get_a_413_page() {
    let limit = platform::security::csrf::MAX_FORM_BYTES;
    let mut client = production_client();
    let token = client.get("/form").await.csrf_token().expect("token");

    let at_limit = padded_form(&token, limit);
    let response = client
        .send(
            Method::POST,
            "/form",
            Some(at_limit),
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);

    let over = padded_form(&token, limit + 1);
    let response = client
        .send(
            Method::POST,
            "/form",
            Some(over),
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.body.contains("at most 4 MiB"), "{}", response.body);
}

#[tokio::test]
async fn the_same_limit_holds_for_requests_with_the_token_in_a_header() {
    let limit = platform::security::csrf::MAX_FORM_BYTES;
    let mut client = production_client();
    let token = client.get("/form").await.csrf_token().expect("token");
    for (size, expected) in [
        (limit, StatusCode::OK),
        (limit + 1, StatusCode::PAYLOAD_TOO_LARGE),
    ] {
        let response = client
            .send(
                Method::POST,
                "/form",
                Some("b".repeat(size)),
                &[("x-csrf-token", &token), ("content-type", "text/plain")],
            )
            .await;
        assert_eq!(response.status, expected, "{size} bytes");
        if expected == StatusCode::PAYLOAD_TOO_LARGE {
            assert!(response.body.contains("at most 4 MiB"), "{}", response.body);
        }
    }
}

#[tokio::test]
async fn grants_without_login_are_a_startup_error() {
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[("TOOL_SECRET_KEY", SECRET)]),
    );
    let result = platform.with_grants(|_grant| async { axum::response::Response::default() });
    assert!(matches!(
        result,
        Err(platform::PlatformError::GrantsWithoutLogin)
    ));
}

#[tokio::test]
async fn the_session_debug_output_shows_no_values() {
    let captured = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = captured.clone();
    let router = Router::new().route(
        "/debug",
        get(move |session: Session| {
            let sink = sink.clone();
            async move {
                session.insert("secret_value", &"token-text-that-must-not-print");
                let token = platform::security::csrf::CsrfToken::get_or_create(&session);
                *sink.lock().expect("lock") = format!("{session:?} {token:?}");
                token.as_str().to_owned()
            }
        }),
    );
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[("TOOL_SECRET_KEY", SECRET)]),
    );
    let response = TestClient::new(platform.router(router)).get("/debug").await;
    let debug = captured.lock().expect("lock").clone();
    assert!(debug.contains("secret_value"), "keys are named: {debug}");
    assert!(!debug.contains("token-text-that-must-not-print"), "{debug}");
    assert!(
        !debug.contains(&response.body),
        "the CSRF token does not print: {debug}"
    );
    let settings = format!("{:?}", platform.sessions());
    assert!(!settings.contains(SECRET));
    let whole = format!("{platform:?}");
    assert!(!whole.contains(SECRET), "{whole}");
}

#[tokio::test]
async fn no_key_a_tool_can_ask_for_opens_as_a_session() {
    let platform = Platform::new(
        TOOL,
        "Example Tool",
        &test_support::config::<NoSettings>(&[("TOOL_SECRET_KEY", SECRET)]),
    );
    // The purpose the session cookie's key is derived for, and a session as it is stored.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let forged = platform
        .sealing_key("session cookie")
        .seal(&format!(r#"{{"count":41,"_issued":{now}}}"#));
    let mut client = TestClient::new(platform.router(tool_routes()));
    client.set_cookie("__Host-session", &forged);
    let response = client.get("/count").await;
    assert_eq!(response.body, "1", "the sealed value was no session");
}
