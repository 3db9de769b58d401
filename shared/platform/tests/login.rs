//! MediaWiki OAuth 2 login end to end, against the fake wiki: the whole round trip with state and
//! PKCE checked by the provider, every way a callback can be wrong, refresh and its failure,
//! open redirects, and logout.

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::routing::get;
use platform::config::{NoSettings, load_from};
use platform::login::{MaybeUser, User, safe_return_path};
use platform::mediawiki::ClientOptions;
use platform::{ErrorPage, PageContext, Platform, ToolInfo};
use serde_json::{Value, json};
use test_support::{FakeUser, FakeWiki, TestClient};

const TOOL: ToolInfo = ToolInfo {
    name: "example-tool",
    version: "1.0.0",
    repository: "https://example.org/source",
};
const SECRET: &str = "login-test-secret-key-0123456789abcdef";

fn routes(api_url: String) -> Router {
    Router::new()
        .route(
            "/token",
            get(|page: PageContext| async move { page.csrf_token }),
        )
        .route(
            "/me",
            get(|user: User| async move {
                format!(
                    "user={} rights={:?}",
                    user.identity.username, user.identity.rights
                )
            }),
        )
        .route(
            "/maybe",
            get(|MaybeUser(user): MaybeUser| async move {
                format!("{:?}", user.map(|u| u.identity.username))
            }),
        )
        .route(
            "/whoami",
            get(move |user: User| {
                let api_url = api_url.clone();
                async move {
                    let wiki = user
                        .mediawiki(&api_url, ClientOptions::default())
                        .await
                        .map_err(ErrorPage::internal)?;
                    let answer: Value = wiki
                        .get(&[("action", "query"), ("meta", "userinfo")])
                        .await
                        .map_err(ErrorPage::internal)?;
                    Ok::<_, ErrorPage>(
                        answer["query"]["userinfo"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                }
            })
            .post(|user: User| async move { user.identity.username }),
        )
}

async fn app(wiki: &FakeWiki, configured: bool) -> TestClient {
    let oauth = wiki.oauth_env();
    let mut env: Vec<(&str, &str)> = vec![("TOOL_SECRET_KEY", SECRET)];
    if configured {
        env.extend(oauth.iter().map(|(k, v)| (*k, v.as_str())));
    }
    let config =
        load_from::<NoSettings>(std::path::Path::new("/nonexistent"), &env[..]).expect("config");
    let platform = Platform::new(TOOL, "Example Tool", &config)
        .with_login(&["patrol", "rollback"])
        .expect("login configures");
    wiki.on_api(|request| {
        request.has(&[("meta", "userinfo")]).then(|| {
            json!({"query": {"userinfo": {"name": request.user.clone().unwrap_or_else(|| "127.0.0.1".to_owned())}}})
        })
    });
    TestClient::new(platform.router(routes(wiki.api_url())))
}

async fn wiki_with_user() -> FakeWiki {
    let wiki = FakeWiki::start().await;
    wiki.add_user(FakeUser::new("Example").with_rights(&["patrol", "rollback", "deletelogentry"]));
    wiki
}

#[tokio::test]
async fn full_login_round_trip_with_state_and_pkce() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    let token_before = client.get("/token").await.body;

    let start = client.get("/login?return_to=/me").await;
    let authorize_url = url::Url::parse(start.location().expect("redirect")).expect("url");
    assert!(
        authorize_url
            .as_str()
            .starts_with(&format!("{}/oauth2/authorize", wiki.rest_url()))
    );
    let params: std::collections::HashMap<_, _> =
        authorize_url.query_pairs().into_owned().collect();
    assert_eq!(
        params.get("response_type").map(String::as_str),
        Some("code")
    );
    assert_eq!(
        params.get("client_id").map(String::as_str),
        Some(FakeWiki::CLIENT_ID)
    );
    assert_eq!(
        params.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    assert!(params.get("state").is_some_and(|s| s.len() >= 16));

    let callback = wiki.authorize(authorize_url.as_str()).await;
    let done = client.get(&callback).await;
    assert_eq!(done.location(), Some("/me"));
    // The provider checked the verifier against the challenge and the client secret.
    let exchange = wiki.token_requests().pop().expect("token request");
    assert_eq!(
        exchange.get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
    assert!(exchange.contains_key("code_verifier"));

    let me = client.get("/me").await;
    assert_eq!(
        me.body, r#"user=Example rights=["patrol", "rollback"]"#,
        "only the kept rights are stored"
    );
    let page = client.get("/").await;
    assert!(
        page.body.contains("Logged in as <strong>Example</strong>"),
        "{}",
        page.body
    );
    assert_ne!(
        client.get("/token").await.body,
        token_before,
        "the CSRF token is rotated at login"
    );
    let cookie = client.cookie("session").expect("session cookie");
    assert!(
        !cookie.contains("access-"),
        "tokens are not readable in the cookie"
    );
}

#[tokio::test]
async fn authenticated_api_requests_carry_the_bearer_token_and_user_agent() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;
    assert_eq!(client.get("/whoami").await.body, "Example");
    let request = wiki
        .api_requests()
        .into_iter()
        .find(|r| r.has(&[("meta", "userinfo")]))
        .expect("asked");
    assert_eq!(request.user.as_deref(), Some("Example"));
    assert_eq!(request.param("assert"), Some("user"));
    assert!(request.user_agent.is_some_and(|ua| {
        ua.starts_with("example-tool/1.0.0 (https://example-tool.toolforge.org/;")
    }));
}

#[tokio::test]
async fn callback_with_a_wrong_state_is_refused_and_stores_nothing() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    let start = client.get("/login").await;
    let callback = wiki.authorize(start.location().expect("redirect")).await;
    let forged = callback.replace("state=", "state=x");
    let response = client.get(&forged).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(
        response.body.contains("state mismatch"),
        "{}",
        response.body
    );
    assert!(
        wiki.token_requests().is_empty(),
        "the code was not exchanged"
    );
    assert_eq!(client.get("/maybe").await.body, "None");
    // The pending login was used up: the genuine answer no longer works either.
    assert_eq!(client.get(&callback).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn callback_without_state_or_code_or_pending_login_is_refused() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    let start = client.get("/login").await;
    let callback = wiki.authorize(start.location().expect("redirect")).await;
    let url = url::Url::parse(&format!("http://x{callback}")).expect("url");
    let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();

    let without_state = format!("/oauth/callback?code={}", pairs["code"]);
    assert_eq!(
        client.get(&without_state).await.status,
        StatusCode::BAD_REQUEST
    );

    client.get("/login").await;
    let start = client.get("/login").await;
    let callback = wiki.authorize(start.location().expect("redirect")).await;
    let state = url::Url::parse(&format!("http://x{callback}"))
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let without_code = format!("/oauth/callback?state={state}");
    let response = client.get(&without_code).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(
        response.body.contains("no authorization code"),
        "{}",
        response.body
    );

    let mut stranger = app(&wiki, true).await;
    let response = stranger.get(&callback).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "a callback for another browser's login"
    );
    assert!(wiki.token_requests().is_empty());
}

#[tokio::test]
async fn provider_error_is_a_400_page_and_nothing_is_stored() {
    let wiki = wiki_with_user().await;
    wiki.deny_next_authorization("access_denied");
    let mut client = app(&wiki, true).await;
    let start = client.get("/login").await;
    let callback = wiki.authorize(start.location().expect("redirect")).await;
    let response = client.get(&callback).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.body.contains("access_denied"), "{}", response.body);
    assert_eq!(client.get("/maybe").await.body, "None");
}

#[tokio::test]
async fn expired_access_token_is_refreshed() {
    let wiki = wiki_with_user().await;
    wiki.set_token_lifetime(0);
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;

    assert_eq!(client.get("/whoami").await.body, "Example");
    let grants: Vec<String> = wiki
        .token_requests()
        .iter()
        .filter_map(|r| r.get("grant_type").cloned())
        .collect();
    assert_eq!(grants, ["authorization_code", "refresh_token"]);
    // The refreshed token is the one used: the fake only knows tokens it issued and did not expire.
    let request = wiki
        .api_requests()
        .into_iter()
        .find(|r| r.has(&[("meta", "userinfo")]))
        .expect("asked");
    assert_eq!(request.user.as_deref(), Some("Example"));
}

#[tokio::test]
async fn failed_refresh_logs_the_user_out_with_a_message() {
    let wiki = wiki_with_user().await;
    wiki.set_token_lifetime(0);
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;
    wiki.revoke_refresh_tokens();

    let response = client.get("/me").await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert!(
        response.body.contains("you have been logged out"),
        "{}",
        response.body
    );
    assert!(
        response.body.contains("/login?return_to=%2Fme"),
        "{}",
        response.body
    );
    assert_eq!(client.get("/maybe").await.body, "None");
    assert_eq!(
        client.get("/me").await.status,
        StatusCode::SEE_OTHER,
        "now simply not logged in"
    );
}

#[tokio::test]
async fn login_required_page_redirects_to_login_and_back() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    let response = client.get("/me?x=1").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/login?return_to=%2Fme%3Fx%3D1"));
    let after = wiki
        .log_in(&mut client, response.location().expect("login"))
        .await;
    assert_eq!(after, "/me?x=1");
}

#[tokio::test]
async fn post_needing_login_is_401_not_a_redirect() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    let token = client.get("/token").await.body;
    let response = client.post_form("/whoami", &[("csrf_token", &token)]).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert!(response.body.contains("Nothing was changed"));
}

#[tokio::test]
async fn open_redirects_are_refused() {
    let wiki = wiki_with_user().await;
    for target in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "evil",
        "javascript:alert(1)",
    ] {
        let mut client = app(&wiki, true).await;
        let path = format!(
            "/login?{}",
            serde_urlencoded::to_string([("return_to", target)]).expect("encode")
        );
        assert_eq!(wiki.log_in(&mut client, &path).await, "/", "{target}");
    }
    assert_eq!(safe_return_path(Some("/diff/123/?a=b")), "/diff/123/?a=b");
    assert_eq!(safe_return_path(Some("/x\r\nSet-Cookie: a")), "/");
    assert_eq!(safe_return_path(None), "/");
}

#[tokio::test]
async fn logout_needs_the_csrf_token() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;

    let refused = client.post_form("/logout", &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        client.get("/maybe").await.body,
        "Some(\"Example\")",
        "still logged in"
    );

    let token = client
        .get("/")
        .await
        .csrf_token()
        .expect("the logout form has the token");
    let done = client.post_form("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get("/maybe").await.body, "None");
    assert_eq!(
        client.send(Method::GET, "/logout", None, &[]).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn without_oauth_configuration_login_says_so_and_pages_work() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, false).await;
    let response = client.get("/login").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response.body.contains("Login is not configured"),
        "{}",
        response.body
    );
    assert_eq!(client.get("/maybe").await.body, "None");
    assert_eq!(
        client.get("/").await.status,
        StatusCode::NOT_FOUND,
        "the tool's own pages still answer"
    );
}
