//! MediaWiki OAuth 2 login end to end, against the fake wiki: the whole round trip with state and
//! PKCE checked by the provider, every way a callback can be wrong, refresh (outages, concurrent
//! requests, two replicas) and its refusal, rights read from the wiki where they are used, cookie
//! size, open redirects, and logout.

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use platform::config::NoSettings;
use platform::login::{MaybeUser, User};
use platform::security::redirect::safe_return_path;
use platform::{ErrorPage, PageContext, Platform, ToolInfo};
use serde_json::Value;
use test_support::{FakeUser, FakeWiki, TestClient, TestResponse, TokenFailure};
use wikimedia::mediawiki::ClientOptions;

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
            get(|page: PageContext| async move { page.csrf_token() }),
        )
        .route(
            "/gender",
            get(|page: PageContext| async move {
                format!("{:?} {:?}", page.username, page.user_gender)
            }),
        )
        .route(
            "/me",
            get(|user: User| async move { format!("user={}", user.identity.username) }),
        )
        .route(
            "/debug",
            get(|user: User| async move { format!("{user:?}") }),
        )
        .route(
            "/rights",
            get({
                let api_url = api_url.clone();
                move |user: User, Query(query): Query<HashMap<String, String>>| {
                    let api_url = query.get("api").cloned().unwrap_or_else(|| api_url.clone());
                    async move {
                        let rights = user
                            .rights_on(&api_url)
                            .await
                            .map_err(ErrorPage::internal)?;
                        Ok::<_, ErrorPage>(format!(
                            "rights={:?} groups={:?} blocked={}",
                            rights.rights, rights.groups, rights.blocked
                        ))
                    }
                }
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
    let config = test_support::config::<NoSettings>(&env);
    let platform = Platform::new(TOOL, "Example Tool", &config)
        .with_login(&["patrol", "rollback"], &["sysop"])
        .expect("login configures");
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
    assert_eq!(me.body, "user=Example");
    let rights = client.get("/rights").await;
    assert_eq!(
        rights.body, r#"rights=["patrol", "rollback"] groups=[] blocked=false"#,
        "only the kept rights and groups are stored"
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
    let cookie = client.cookie("__Host-session").expect("session cookie");
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
async fn a_copy_of_the_cookie_from_before_logout_can_no_longer_act_on_the_wiki() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;
    // Someone keeps a copy of the cookie (a shared computer, a stolen backup).
    let mut copy = client.clone();
    assert_eq!(copy.get("/whoami").await.body, "Example");

    let token = client.get("/").await.csrf_token().expect("token");
    let done = client.post_form("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    // The tokens are spent in a task of the logout's own.
    for _ in 0..100 {
        if wiki.refresh_count() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        wiki.refresh_count(),
        1,
        "the logout spent the refresh token"
    );

    let refused = copy.get("/whoami").await;
    assert_ne!(
        refused.body, "Example",
        "the copy's access token is revoked"
    );
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
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
    // A link to /logout (the Flask tools logged out on a GET) finds the page with the button,
    // and logs nobody out.
    let offer = client.get("/logout").await;
    assert_eq!(offer.status, StatusCode::OK);
    assert!(
        offer
            .body
            .contains("logged in as Example. Log out of Example Tool in this browser?"),
        "{}",
        offer.body
    );
    assert!(offer.body.contains("action=\"/logout\""), "{}", offer.body);
    assert_eq!(
        client.get("/maybe").await.body,
        "Some(\"Example\")",
        "a GET logs nobody out"
    );

    let token = client
        .get("/")
        .await
        .csrf_token()
        .expect("the logout form has the token");
    let done = client.post_form("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get("/maybe").await.body, "None");
    let after = client.get("/logout").await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(
        after.body.contains("You are not logged in."),
        "{}",
        after.body
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

/// Logs in with access tokens that expire at once, then makes new tokens last: the next
/// request must refresh, and one refresh is enough.
async fn logged_in_with_expired_token(wiki: &FakeWiki) -> TestClient {
    wiki.set_token_lifetime(0);
    let mut client = app(wiki, true).await;
    wiki.log_in(&mut client, "/login").await;
    wiki.set_token_lifetime(3600);
    client
}

#[tokio::test]
async fn a_token_endpoint_outage_at_expiry_keeps_the_login() {
    for failure in [TokenFailure::Unavailable, TokenFailure::ServerError] {
        let wiki = wiki_with_user().await;
        let mut client = logged_in_with_expired_token(&wiki).await;
        wiki.set_token_failure(Some(failure));

        for path in ["/me", "/maybe"] {
            let response = client.get(path).await;
            assert_eq!(
                response.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{failure:?} {path}"
            );
            assert!(
                response.body.contains("still logged in"),
                "{}",
                response.body
            );
            assert!(
                response.header("set-cookie").is_none(),
                "the session is left alone"
            );
        }
        let token = client.get("/token").await.body;
        let post = client.post_form("/whoami", &[("csrf_token", &token)]).await;
        assert_eq!(post.status, StatusCode::SERVICE_UNAVAILABLE);

        wiki.set_token_failure(None);
        assert_eq!(client.get("/me").await.body, "user=Example", "{failure:?}");
        assert_eq!(wiki.refresh_count(), 1);
    }
}

/// Sends `count` requests of one browser at the same moment and returns the answers.
async fn concurrently(
    client: &TestClient,
    path: &str,
    count: usize,
) -> Vec<(TestClient, TestResponse)> {
    let requests = (0..count).map(|_| {
        let mut tab = client.clone();
        let path = path.to_owned();
        async move {
            let response = tab.get(&path).await;
            (tab, response)
        }
    });
    futures_util::future::join_all(requests).await
}

#[tokio::test]
async fn concurrent_requests_at_expiry_share_one_refresh_and_stay_logged_in() {
    for count in [2, 10] {
        let wiki = wiki_with_user().await;
        let client = logged_in_with_expired_token(&wiki).await;
        // Slow enough that every request is waiting while the first refresh is under way.
        wiki.set_token_delay(Duration::from_millis(300));

        let answers = concurrently(&client, "/whoami", count).await;
        for (_, response) in &answers {
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
            assert_eq!(response.body, "Example");
        }
        assert_eq!(wiki.refresh_count(), 1, "{count} requests, one rotation");

        // Whichever cookie the browser kept last, it holds the new tokens.
        let (mut tab, _) = answers.into_iter().last().expect("answers");
        assert_eq!(tab.get("/whoami").await.body, "Example");
        // And the old cookie, arriving late (a request sent before the new one was stored),
        // is answered with the tokens of the refresh it missed.
        let mut late = client.clone();
        assert_eq!(late.get("/whoami").await.body, "Example");
        assert_eq!(wiki.refresh_count(), 1);
    }
}

#[tokio::test]
async fn a_refresh_survives_the_cancellation_of_the_request_that_started_it() {
    let wiki = wiki_with_user().await;
    let client = logged_in_with_expired_token(&wiki).await;
    wiki.set_token_delay(Duration::from_millis(300));

    // The browser goes away (or the request times out) while the refresh is under way.
    let mut gone = client.clone();
    let cancelled = tokio::time::timeout(Duration::from_millis(100), gone.get("/whoami")).await;
    assert!(cancelled.is_err(), "the request was still waiting");

    // The same cookie again: it is answered with that refresh's tokens, rather than spending
    // the refresh token the first refresh rotated away.
    let mut back = client.clone();
    let response = back.get("/whoami").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body, "Example");
    assert_eq!(wiki.refresh_count(), 1);
}

#[tokio::test]
async fn two_replicas_refreshing_at_once_log_nobody_out() {
    let wiki = wiki_with_user().await;
    // The access token expires within the refresh margin but has not expired yet.
    wiki.set_token_lifetime(120);
    let mut first = app(&wiki, true).await;
    wiki.log_in(&mut first, "/login").await;
    wiki.set_token_lifetime(3600);
    wiki.set_token_delay(Duration::from_millis(200));
    // A second replica: another process with the same secret, so the same cookie works there.
    let mut second = app(&wiki, true).await;
    second.set_cookie(
        "__Host-session",
        first.cookie("__Host-session").expect("cookie"),
    );

    let (a, b) = tokio::join!(first.get("/whoami"), second.get("/whoami"));
    let (winner, loser, loser_response) = if a.status == StatusCode::OK {
        (first, second, b)
    } else {
        (second, first, a)
    };
    assert_eq!(wiki.refresh_count(), 1);
    assert_eq!(
        loser_response.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        loser_response.body
    );
    assert!(
        loser_response.body.contains("still logged in"),
        "{}",
        loser_response.body
    );
    assert!(
        loser_response.header("set-cookie").is_none(),
        "the winner's cookie stands"
    );

    // The browser now holds the winner's cookie, which works on either replica.
    let cookie = winner.cookie("__Host-session").expect("cookie").to_owned();
    for mut replica in [winner, loser] {
        replica.set_cookie("__Host-session", &cookie);
        assert_eq!(replica.get("/whoami").await.body, "Example");
    }
}

#[tokio::test]
async fn rights_come_from_the_wiki_where_they_are_used() {
    let wiki = FakeWiki::start().await;
    // A rollbacker on the login wiki (Meta) who is not one on this wiki…
    wiki.add_user(FakeUser::new("Example").with_rights(&["patrol", "rollback"]));
    wiki.set_wiki_user("Example", &["user"], &["read", "edit", "patrol"], None);
    // …but an administrator and rollbacker on another wiki.
    let other = wiki.another_wiki().await;
    other.set_wiki_user(
        "Example",
        &["user", "sysop"],
        &["read", "edit", "rollback", "delete"],
        None,
    );
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;

    assert_eq!(
        client.get("/rights").await.body,
        r#"rights=["patrol"] groups=[] blocked=false"#
    );
    let elsewhere = format!("/rights?api={}", other.api_url());
    assert_eq!(
        client.get(&elsewhere).await.body,
        r#"rights=["rollback"] groups=["sysop"] blocked=false"#
    );
}

#[tokio::test]
async fn a_block_on_the_wiki_is_seen() {
    let wiki = wiki_with_user().await;
    wiki.set_wiki_user("Example", &["user"], &["read"], Some("vandalism"));
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;
    assert!(client.get("/rights").await.body.ends_with("blocked=true"));
}

#[tokio::test]
async fn rights_are_cached_in_the_session_per_wiki() {
    let wiki = wiki_with_user().await;
    let other = wiki.another_wiki().await;
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;

    client.get("/rights").await;
    client.get("/rights").await;
    assert_eq!(
        wiki.userinfo_count(),
        1,
        "asked once, then read from the session"
    );
    client
        .get(&format!("/rights?api={}", other.api_url()))
        .await;
    assert_eq!(other.userinfo_count(), 1, "another wiki is asked itself");
    client.get("/rights").await;
    assert_eq!(wiki.userinfo_count(), 1);
}

#[tokio::test]
async fn the_session_cookie_stays_small_for_a_user_with_many_groups_and_rights() {
    let wiki = FakeWiki::start().await;
    let groups: Vec<String> = (0..40).map(|i| format!("group-number-{i}")).collect();
    let rights: Vec<String> = (0..300).map(|i| format!("some-user-right-{i}")).collect();
    let groups: Vec<&str> = groups.iter().map(String::as_str).chain(["sysop"]).collect();
    let rights: Vec<&str> = rights
        .iter()
        .map(String::as_str)
        .chain(["patrol", "rollback"])
        .collect();
    wiki.add_user(
        FakeUser::new("Somebody With A Rather Long User Name")
            .with_groups(&groups)
            .with_rights(&rights),
    );
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;
    let response = client.get("/rights").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let cookie = response
        .header("set-cookie")
        .expect("the rights were stored");
    println!("Set-Cookie header: {} bytes", cookie.len());
    assert!(cookie.len() <= 3 * 1024, "{} bytes", cookie.len());
}

#[tokio::test]
async fn debug_output_of_a_user_shows_no_token() {
    let wiki = wiki_with_user().await;
    let mut client = app(&wiki, true).await;
    wiki.log_in(&mut client, "/login").await;
    let debug = client.get("/debug").await.body;
    assert!(debug.contains("Example"), "{debug}");
    assert!(!debug.contains("access-"), "{debug}");
    assert!(!debug.contains("refresh-"), "{debug}");
}

#[tokio::test]
async fn the_user_s_gender_comes_from_the_login_wiki_once_at_login() {
    let wiki = FakeWiki::start().await;
    wiki.add_user(FakeUser::new("Ada").with_gender("female"));
    let mut client = app(&wiki, true).await;
    assert_eq!(client.get("/gender").await.body, "None Unknown");
    wiki.log_in(&mut client, "/login").await;
    assert_eq!(client.get("/gender").await.body, "Some(\"Ada\") Female");
    client.get("/gender").await;
    let asked = wiki.requests_with(&[("list", "users"), ("usprop", "gender")]);
    assert_eq!(asked.len(), 1, "asked once, at login");
    assert_eq!(asked[0].param("ususers"), Some("Ada"));

    // A wiki that does not say: the neutral form, and the login still works.
    let quiet = FakeWiki::start().await;
    quiet.add_user(FakeUser::new("Bo").with_gender("female"));
    quiet.on_api(|request| {
        (request.param("list") == Some("users"))
            .then(|| test_support::api_error("internal_api_error", "boom"))
    });
    let mut client = app(&quiet, true).await;
    quiet.log_in(&mut client, "/login").await;
    assert_eq!(client.get("/gender").await.body, "Some(\"Bo\") Unknown");
}
